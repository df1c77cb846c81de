/**
 * Shapes, strides, index parsing and broadcasting for {@linkcode NDArray}.
 *
 * @module
 */

import { describe, MAX_SAFE, toInt, toShape } from "../_args.ts";

/** One index of {@linkcode NDArray.slice}: an integer (drops the axis), a `"start:stop:step"` string, `":"`, `"..."`, or `null` (= `":"`). */
export type Index = number | string | null;

/** Formats a shape the way error messages show it: `(2, 3)`, `(4,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** Multiplies the dimensions of a shape. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Checks and copies a shape given as a number or a list of numbers (see
 * `toShape` in `src/_args.ts`: at most 64 dimensions, each a non-negative
 * safe integer, spanning at most 2**53 - 1 bytes).
 *
 * @param shape The shape.
 * @param itemsize Bytes per element, for the span check; default 1.
 * @param call What the call does, for messages.
 * @returns A fresh array of the dimensions.
 * @throws {TypeError} If a dimension is not an integer.
 * @throws {RangeError} If a dimension is negative, there are more than 64,
 * or the array would span more than 2**53 - 1 bytes.
 */
export function normalizeShape(
  shape: number | readonly number[],
  itemsize = 1,
  call = "create an array",
): number[] {
  return toShape(shape, call, itemsize);
}

/**
 * Strides in bytes of a contiguous layout in C (row-major) or F
 * (column-major) order over existing bytes (a loaded or mapped file, a
 * buffer, a reshaped view): a 0 dimension steps as a 1, as NumPy's
 * `_array_fill_strides`. Should a stride of an array of no elements not be
 * exact (beyond 2**53 - 1: its other dimensions span that many bytes), all
 * are 0: no stride of it ever reaches a byte. A new array's strides are
 * {@linkcode newArrayStrides}.
 */
export function contiguousStrides(
  shape: readonly number[],
  itemsize: number,
  order: "C" | "F" = "C",
): number[] {
  const n = shape.length;
  const strides = new Array<number>(n);
  let s = itemsize, exact = true;
  if (order === "C") {
    for (let k = n - 1; k >= 0; k--) {
      if (s > MAX_SAFE) exact = false;
      strides[k] = s;
      s *= Math.max(shape[k], 1);
    }
  } else {
    for (let k = 0; k < n; k++) {
      if (s > MAX_SAFE) exact = false;
      strides[k] = s;
      s *= Math.max(shape[k], 1);
    }
  }
  if (!exact) strides.fill(0);
  return strides;
}

/**
 * Strides of a newly allocated contiguous array (zeros, results, copies):
 * {@linkcode contiguousStrides}, except that an array with a 0 dimension
 * has all strides 0, as NumPy 2.4 allocates it (attack13 C1).
 */
export function newArrayStrides(
  shape: readonly number[],
  itemsize: number,
  order: "C" | "F" = "C",
): number[] {
  return shape.includes(0)
    ? new Array<number>(shape.length).fill(0)
    : contiguousStrides(shape, itemsize, order);
}

/** Tells whether a layout is F-contiguous (dimensions of length 1 may have any stride). */
export function isFContiguous(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): boolean {
  // An array of no elements is both C- and F-contiguous, whatever its
  // strides (NumPy's flags; a new one steps 0, attack13 C1).
  if (shape.includes(0)) return true;
  let s = itemsize;
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (n !== 1) {
      if (strides[k] !== s) return false;
      s *= n;
    }
  }
  return true;
}

/** Tells whether a layout is C-contiguous (dimensions of length 1 may have any stride). */
export function isCContiguous(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): boolean {
  // An array of no elements is both C- and F-contiguous, whatever its
  // strides (NumPy's flags; a new one steps 0, attack13 C1).
  if (shape.includes(0)) return true;
  let s = itemsize;
  for (let k = shape.length - 1; k >= 0; k--) {
    const n = shape[k];
    if (n !== 1) {
      if (strides[k] !== s) return false;
      s *= n;
    }
  }
  return true;
}

/** The result of parsing one slice string. */
interface SliceSpec {
  start: number | null;
  stop: number | null;
  step: number | null;
}

const INT = /^[+-]?\d+$/;

function parseBound(text: string, whole: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  if (!INT.test(t)) {
    throw new TypeError(
      `Cannot parse index ${describe(whole)}: expected integers like "1:10:2"`,
    );
  }
  const n = Number(t);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `Cannot index with ${
        describe(whole)
      }: ${t} is not within -${MAX_SAFE}..${MAX_SAFE}`,
    );
  }
  return n;
}

/** A parsed index: an integer or a slice. */
export type ParsedIndex =
  | { kind: "int"; index: number }
  | { kind: "slice"; spec: SliceSpec }
  | { kind: "ellipsis" };

/**
 * Parses one index of `slice()`.
 *
 * @throws {TypeError} If the index is not an integer, a slice string, `"..."` or `null`.
 */
export function parseIndex(index: Index): ParsedIndex {
  if (index === null) {
    return { kind: "slice", spec: { start: null, stop: null, step: null } };
  }
  if (typeof index === "number" || typeof index === "bigint") {
    return { kind: "int", index: toInt(index, "index", "index") };
  }
  if (typeof index !== "string") {
    throw new TypeError(
      `Cannot index with ${
        describe(index)
      }: expected an integer, a "start:stop:step" string, "..." or null`,
    );
  }
  const t = index.trim();
  if (t === "...") return { kind: "ellipsis" };
  const parts = t.split(":");
  if (parts.length === 1) {
    const i = parseBound(t, index);
    if (i === null) throw new TypeError(`Cannot index with an empty string`);
    return { kind: "int", index: i };
  }
  if (parts.length > 3) {
    throw new TypeError(
      `Cannot parse index ${describe(index)}: too many colons`,
    );
  }
  return {
    kind: "slice",
    spec: {
      start: parseBound(parts[0], index),
      stop: parseBound(parts[1], index),
      step: parts.length === 3 ? parseBound(parts[2], index) : null,
    },
  };
}

/**
 * Resolves a slice against an axis length with Python's rules.
 *
 * @returns The first index, the step and the number of elements.
 * @throws {RangeError} If the step is 0.
 */
export function resolveSlice(
  spec: SliceSpec,
  n: number,
): { start: number; step: number; length: number } {
  const step = spec.step ?? 1;
  if (step === 0) {
    throw new RangeError("Cannot slice with step 0: slice step cannot be zero");
  }
  let start: number;
  let stop: number;
  if (step > 0) {
    start = spec.start === null
      ? 0
      : spec.start < 0
      ? Math.max(spec.start + n, 0)
      : Math.min(spec.start, n);
    stop = spec.stop === null
      ? n
      : spec.stop < 0
      ? Math.max(spec.stop + n, 0)
      : Math.min(spec.stop, n);
    const length = stop > start ? Math.ceil((stop - start) / step) : 0;
    return { start, step, length };
  }
  start = spec.start === null
    ? n - 1
    : spec.start < 0
    ? Math.max(spec.start + n, -1)
    : Math.min(spec.start, n - 1);
  stop = spec.stop === null
    ? -1
    : spec.stop < 0
    ? Math.max(spec.stop + n, -1)
    : Math.min(spec.stop, n - 1);
  const length = start > stop ? Math.ceil((start - stop) / -step) : 0;
  return { start, step, length };
}

/**
 * Normalizes an axis number (negative counts from the end).
 *
 * @param axis The axis, an integer (a bigint in range too).
 * @param ndim The number of dimensions.
 * @param call What the call does, for messages.
 * @returns The axis, from 0.
 * @throws {TypeError} If the axis is not an integer.
 * @throws {RangeError} If the axis does not exist.
 */
export function normalizeAxis(
  axis: unknown,
  ndim: number,
  call = "reduce",
): number {
  const a = toInt(axis, call, "axis");
  if (a < -ndim || a >= ndim) {
    throw new RangeError(
      `Cannot ${call} along axis ${a}: axis must be within ${-ndim}..${
        ndim - 1
      } for an array of ${ndim} dimensions`,
    );
  }
  return a < 0 ? a + ndim : a;
}

/**
 * Broadcasts shapes together with NumPy's rules.
 *
 * @throws {RangeError} If the shapes cannot be broadcast.
 */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const j = nd - s.length + k;
      const d = s[k];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else {
        throw new RangeError(
          `Cannot broadcast shapes ${
            shapes.map(formatShape).join(" ")
          } together`,
        );
      }
    }
  }
  return out;
}

/**
 * Strides that view an array of `shape`/`strides` as the larger `target` shape (0 on broadcast axes).
 *
 * @throws {RangeError} If the shape cannot be broadcast to `target`.
 */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  if (lead < 0) {
    throw new RangeError(
      `Cannot broadcast shape ${formatShape(shape)} to ${formatShape(target)}`,
    );
  }
  for (let k = 0; k < shape.length; k++) {
    const d = shape[k];
    const t = target[lead + k];
    if (d === t) out[lead + k] = d === 1 ? 0 : strides[k];
    else if (d === 1) out[lead + k] = 0;
    else {
      throw new RangeError(
        `Cannot broadcast shape ${formatShape(shape)} to ${
          formatShape(target)
        }`,
      );
    }
  }
  return out;
}

/**
 * Strides for viewing a layout under a new shape without copying, or `null`
 * when a copy is needed (NumPy's no-copy reshape in C order).
 */
export function reshapeStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
  itemsize: number,
): number[] | null {
  if (shapeSize(oldShape) === 0) return contiguousStrides(newShape, itemsize);
  const od: number[] = [];
  const os: number[] = [];
  for (let k = 0; k < oldShape.length; k++) {
    if (oldShape[k] !== 1) {
      od.push(oldShape[k]);
      os.push(oldStrides[k]);
    }
  }
  const nn = newShape.length;
  const ns = new Array<number>(nn).fill(0);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < nn && oi < od.length) {
    let np = newShape[ni];
    let op = od[oi];
    while (np !== op) {
      if (np < op) np *= newShape[nj++];
      else op *= od[oj++];
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (os[ok] !== od[ok + 1] * os[ok + 1]) return null;
    }
    ns[nj - 1] = os[oj - 1];
    for (let nk = nj - 1; nk > ni; nk--) ns[nk - 1] = ns[nk] * newShape[nk];
    ni = nj++;
    oi = oj++;
  }
  const last = ni >= 1 ? ns[ni - 1] : itemsize;
  for (let nk = ni; nk < nn; nk++) ns[nk] = last;
  return ns;
}

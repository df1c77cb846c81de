/**
 * Indexing that copies, as NumPy's fancy and boolean indexing: `take`,
 * `compress`, `put`, `putmask` and `nonzero`. Elements move byte for byte
 * (the result of `take`/`compress` has the array's own type and byte
 * order, NaN payloads and all); values written by `put`/`putmask` are
 * first converted to the array's type, so a failed conversion writes
 * nothing.
 *
 * @module
 */

import {
  allocateBytes,
  describe,
  isArray,
  toInt,
  toOptions,
} from "../_args.ts";
import { nativeDType } from "./dtype.ts";
import {
  type ArrayInput,
  empty as emptyArray,
  fromData,
  isArrayObject,
  type NDArray,
} from "./ndarray.ts";
import { complexParts, flatten } from "./nested.ts";
import { canCastSafe, isNumeric } from "./promotion.ts";
import { itemTruth } from "./item_arrays.ts";
import { castCopy } from "./ufunc/engine.ts";
import { type TypedArray, unitOf } from "./element.ts";
import {
  formatShape,
  isCContiguous,
  normalizeAxis,
  shapeSize,
} from "./shape.ts";
import { CHECK_BYTES, type PageCheck } from "./read_ahead.ts";
import {
  isDetached,
  pageCheckOf,
  prepareWhole,
  throwClosed,
  throwReadOnly,
} from "./storage.ts";

/** How out-of-range indices are handled, as NumPy's `mode`. */
export type IndexMode = "raise" | "wrap" | "clip";

/** Options of `take` and `put`. */
export interface IndexOptions {
  /**
   * Out-of-range indices: `"raise"` (the default: a `RangeError`;
   * negative indices count from the end), `"wrap"` (modulo the length) or
   * `"clip"` (to the nearest end; negative indices become 0), as NumPy's `mode`.
   */
  mode?: IndexMode;
}

/**
 * Indices as numbers, with their shape; those past 2**53 in magnitude
 * (64-bit integers a number cannot hold exactly: out of bounds of every
 * axis) also exactly, by position, for `wrap`'s modulo and the messages.
 */
interface Indices {
  values: Float64Array;
  shape: number[];
  exact?: Map<number, bigint>;
}

/** The range of int64, NumPy's `intp` here. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The largest integer a number holds exactly, as a bigint. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Checks that `a` is open and that its storage still holds all its bytes
 * (the file of a map not cut short: see `ArrayStorage.verify`), before
 * elements anywhere in it are read or written.
 */
function open(a: NDArray): void {
  if (isDetached(a.storage)) throwClosed(a.storage);
  a.storage.verify?.();
}

function writable(a: NDArray): void {
  open(a);
  if (a.storage.readOnly) throwReadOnly(a.storage);
}

function toMode(options: IndexOptions | undefined, call: string): IndexMode {
  const mode = toOptions(options, call).mode;
  if (mode === undefined) return "raise";
  if (mode !== "raise" && mode !== "wrap" && mode !== "clip") {
    throw new TypeError(
      `Cannot ${call} with mode ${
        describe(mode)
      }: mode must be "raise", "wrap" or "clip"`,
    );
  }
  return mode;
}

/**
 * Converts indices: an integer, JavaScript data of integers (the rules of
 * every integer argument: 1.5, NaN, `true` are not integers), or an array
 * of an integer or bool type (NumPy's `same_kind` cast to `intp`, or its
 * `safe` cast, which refuses uint64, for `put`; float arrays are refused
 * as NumPy refuses them).
 */
function toIndices(x: unknown, call: string, safe = false): Indices {
  if (isArrayObject(x)) {
    const k = x.dtype.kind;
    if (
      (k !== "b" && k !== "i" && k !== "u") ||
      (safe && k === "u" && x.itemsize === 8)
    ) {
      throw new TypeError(
        `Cannot ${call} with indices of type ${x.dtype.name}: indices must cast to int64 under NumPy's ${
          safe ? "safe" : "same_kind"
        } rule`,
      );
    }
    open(x);
    const t = x.toTypedArray();
    const values = new Float64Array(x.size);
    if (t instanceof BigInt64Array || t instanceof BigUint64Array) {
      return { values, shape: [...x.shape], exact: int64Values(t, values) };
    }
    for (let i = 0; i < values.length; i++) values[i] = Number(t[i]);
    return { values, shape: [...x.shape] };
  }
  if (typeof x === "number" || typeof x === "bigint") {
    const exact = new Map<number, bigint>();
    const values = Float64Array.of(toIndex(x, 0, exact, call));
    return { values, shape: [], exact };
  }
  if (!isArray(x) && complexParts(x) === undefined && typeof x !== "object") {
    throw new TypeError(
      `Cannot ${call} with indices ${
        describe(x)
      }: indices must be integers, a list of them or an integer array`,
    );
  }
  const flat = flatten(x);
  const values = new Float64Array(flat.values.length);
  const exact = new Map<number, bigint>();
  for (let i = 0; i < values.length; i++) {
    values[i] = toIndex(flat.values[i], i, exact, call);
  }
  return { values, shape: flat.shape, exact };
}

/**
 * One index of JavaScript data: an integer, or a bigint within int64
 * (NumPy's `intp`), kept in `exact` at `i` when a number cannot hold it.
 */
function toIndex(
  v: unknown,
  i: number,
  exact: Map<number, bigint>,
  call: string,
): number {
  if (
    typeof v === "bigint" && v >= INT64_MIN && v <= INT64_MAX &&
    (v > SAFE || v < -SAFE)
  ) {
    exact.set(i, v);
    return Number(v);
  }
  return toInt(v, call, "index");
}

/**
 * 64-bit integers as numbers, from their 32-bit words (no bigint per
 * element): the high word times 2**32 plus the low one is rounded once, as
 * `Number()` rounds the integer.
 *
 * @returns The integers past 2**53 in magnitude, exactly, by position
 * (`undefined` when there are none).
 */
function int64Values(
  t: BigInt64Array | BigUint64Array,
  values: Float64Array,
): Map<number, bigint> | undefined {
  const words = new Int32Array(t.buffer, t.byteOffset, 2 * t.length);
  const signed = t instanceof BigInt64Array;
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  let exact: Map<number, bigint> | undefined;
  for (let i = 0; i < values.length; i++) {
    const h = signed ? words[2 * i + hi] : words[2 * i + hi] >>> 0;
    values[i] = h * 4294967296 + (words[2 * i + lo] >>> 0);
    // |h| past 2**21 - 1: the integer may not be a number exactly.
    if (h >= 0x200000 || h < -0x200000) (exact ??= new Map()).set(i, t[i]);
  }
  return exact;
}

/** Whether this machine stores the low word of a 64-bit integer first. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Resolves indices against a length in place (`raise`: negative ones count
 * from the end, others are a `RangeError`; `wrap`, `clip` as NumPy). As
 * NumPy: indices into an empty axis are an error only when the result
 * would have elements, and nothing is checked when there is nothing to
 * take them from (`outer`, the number of slices before the axis, is 0).
 */
function resolve(
  values: Float64Array,
  n: number,
  mode: IndexMode,
  axis: number,
  outer = 1,
  resultSize = 1,
  exact?: ReadonlyMap<number, bigint>,
): void {
  const len = values.length;
  if (len === 0) return;
  if (n === 0 && resultSize !== 0) {
    throw new RangeError(
      `Cannot take ${len} elements from an axis of length 0: cannot do a non-empty take from an empty axis`,
    );
  }
  if (outer === 0 || (n === 0 && mode !== "raise")) return;
  for (let i = 0; i < len; i++) {
    let j = values[i];
    if (j < 0 || j >= n) {
      if (mode === "raise") {
        if (j < 0) j += n;
        if (j < 0 || j >= n) {
          const index = exact?.get(i) ?? values[i];
          throw new RangeError(
            `Cannot index with ${index}: index ${index} is out of bounds for axis ${axis} with size ${n}`,
          );
        }
      } else if (mode === "wrap") {
        const big = exact?.get(i);
        j = big === undefined
          ? ((j % n) + n) % n
          : Number(((big % BigInt(n)) + BigInt(n)) % BigInt(n));
      } else j = j < 0 ? 0 : n - 1;
      values[i] = j;
    }
  }
}

/** Byte offsets of every element of `shape` with `strides` from `base`, in C order. */
function offsets(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
): Float64Array {
  const out = new Float64Array(shapeSize(shape));
  if (out.length === 0) return out;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let p = base;
  for (let i = 0; i < out.length; i++) {
    out[i] = p;
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) {
        p += strides[k];
        break;
      }
      p -= (shape[k] - 1) * strides[k];
      idx[k] = 0;
    }
  }
  return out;
}

/** Copies single elements of `isz` bytes between byte offsets of two byte arrays. */
interface Mover {
  (dstOffset: number, srcOffset: number): void;
}

/**
 * An element mover between `dst` and `src` (the same type and byte order):
 * whole words when every offset is aligned to them, else bytes.
 */
function mover(
  dst: Uint8Array,
  src: Uint8Array,
  isz: number,
  aligned: boolean,
): Mover {
  const db = dst.byteOffset, sb = src.byteOffset;
  if (aligned && isz % 8 === 0) {
    const d = new Float64Array(dst.buffer, 0, dst.buffer.byteLength >>> 3);
    const s = new Float64Array(src.buffer, 0, src.buffer.byteLength >>> 3);
    const words = isz >>> 3;
    if (words === 1) {
      return (o, i) => void (d[(db + o) >>> 3] = s[(sb + i) >>> 3]);
    }
    return (o, i) => {
      const p = (db + o) >>> 3, q = (sb + i) >>> 3;
      d[p] = s[q];
      d[p + 1] = s[q + 1];
    };
  }
  if (aligned && isz === 4) {
    const d = new Uint32Array(dst.buffer, 0, dst.buffer.byteLength >>> 2);
    const s = new Uint32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
    return (o, i) => void (d[(db + o) >>> 2] = s[(sb + i) >>> 2]);
  }
  if (aligned && isz === 2) {
    const d = new Uint16Array(dst.buffer, 0, dst.buffer.byteLength >>> 1);
    const s = new Uint16Array(src.buffer, 0, src.buffer.byteLength >>> 1);
    return (o, i) => void (d[(db + o) >>> 1] = s[(sb + i) >>> 1]);
  }
  if (isz === 1) return (o, i) => void (dst[o] = src[i]);
  return (o, i) => {
    for (let b = 0; b < isz; b++) dst[o + b] = src[i + b];
  };
}

/**
 * Copies single aligned elements `base + sel[k] * step` (byte offsets in
 * `src`, `k` from `from` to `to`) to `dst` from element `q` on: one typed
 * loop per element size (a loop fed typed arrays of several kinds runs
 * many times slower), for gathers of single elements (1-D `take`,
 * `compress`). Made once per gather over its `dst` and `src`.
 */
type Pick = (
  dst: Uint8Array,
  src: Uint8Array,
) => (
  q: number,
  outer: ArrayLike<number>,
  o0: number,
  o1: number,
  sel: Float64Array,
  k0: number,
  k1: number,
  step: number,
) => void;

const PICKS: Partial<Record<number, Pick>> = {
  8: (dst, src) => {
    const d = new Float64Array(dst.buffer, dst.byteOffset, dst.length >>> 3);
    const s = new Float64Array(src.buffer, 0, src.buffer.byteLength >>> 3);
    return (q, outer, o0, o1, sel, k0, k1, step) => {
      const st = step / 8;
      for (let o = o0; o < o1; o++) {
        const base = (src.byteOffset + outer[o]) / 8;
        for (let k = k0; k < k1; k++) d[q++] = s[base + sel[k] * st];
      }
    };
  },
  4: (dst, src) => {
    const d = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >>> 2);
    const s = new Uint32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
    return (q, outer, o0, o1, sel, k0, k1, step) => {
      const st = step / 4;
      for (let o = o0; o < o1; o++) {
        const base = (src.byteOffset + outer[o]) / 4;
        for (let k = k0; k < k1; k++) d[q++] = s[base + sel[k] * st];
      }
    };
  },
};

/**
 * Calls `body(o0, o1, k0, k1)` for the pairs of `rows` outer slices and
 * `cols` selected ones of a gather or scatter, in C order: in one call
 * without a check, else in parts of about {@linkcode CHECK_BYTES} (slices
 * of `unit` bytes), each after the check (the file of a memory map, whose
 * elements anywhere are read: see `PageCheck`).
 */
function inParts(
  rows: number,
  cols: number,
  unit: number,
  check: PageCheck | undefined,
  body: (o0: number, o1: number, k0: number, k1: number) => void,
): void {
  if (check === undefined) {
    body(0, rows, 0, cols);
    return;
  }
  const part = Math.max(1, Math.floor(CHECK_BYTES / Math.max(1, unit)));
  const per = cols >= part ? 1 : Math.floor(part / cols);
  for (let o0 = 0; o0 < rows; o0 += per) {
    const o1 = Math.min(rows, o0 + per);
    for (let k0 = 0; k0 < cols; k0 += part) {
      const k1 = Math.min(cols, k0 + part);
      check.before((o1 - o0) * (k1 - k0) * unit);
      body(o0, o1, k0, k1);
    }
  }
}

/** Whether `a`'s elements all sit at multiples of its item size within their buffer. */
function isAligned(a: NDArray): boolean {
  const isz = a.itemsize;
  const w = isz >= 8 ? 8 : isz;
  return (a.storage.bytes.byteOffset + a.byteOffset) % w === 0 &&
    a.strides.every((s) => s % w === 0);
}

/**
 * `a` with axis `axis` replaced by the elements `sel` (resolved indices)
 * of it, as a new C-contiguous array of `a`'s type with the indices'
 * dimensions `selShape` in place of the axis.
 */
function gather(
  a: NDArray,
  axis: number,
  sel: Float64Array,
  selShape: readonly number[],
): NDArray {
  const pre = a.shape.slice(0, axis), post = a.shape.slice(axis + 1);
  const out = emptyArray([...pre, ...selShape, ...post], a.dtype);
  if (out.size === 0) return out;
  const isz = a.itemsize;
  const inner = shapeSize(post);
  const postStrides = a.strides.slice(axis + 1);
  const step = a.strides[axis];
  const src = a.storage.bytes, dst = out.storage.bytes;
  const outer = offsets(pre, a.strides.slice(0, axis), a.byteOffset);
  let contiguous = true;
  for (let k = post.length - 1, s = isz; k >= 0; k--) {
    if (post[k] !== 1 && postStrides[k] !== s) contiguous = false;
    s *= post[k];
  }
  // Elements anywhere in a memory map: the file is checked again before
  // each part of the work (see inParts).
  const check = pageCheckOf(a);
  let q = 0;
  if (contiguous && inner * isz >= 64) {
    const bytes = inner * isz;
    inParts(outer.length, sel.length, bytes, check, (o0, o1, k0, k1) => {
      let at = q;
      for (let o = o0; o < o1; o++) {
        for (let k = k0; k < k1; k++, at += bytes) {
          const p = outer[o] + sel[k] * step;
          dst.set(src.subarray(p, p + bytes), at);
        }
      }
      q = at;
    });
    return out;
  }
  const pick = inner === 1 && isAligned(a) ? PICKS[isz]?.(dst, src) : undefined;
  if (pick !== undefined) {
    inParts(outer.length, sel.length, isz, check, (o0, o1, k0, k1) => {
      pick(q, outer, o0, o1, sel, k0, k1, step);
      q += (o1 - o0) * (k1 - k0);
    });
    return out;
  }
  const move = mover(dst, src, isz, isAligned(a));
  const within = offsets(post, postStrides, 0);
  inParts(outer.length, sel.length, inner * isz, check, (o0, o1, k0, k1) => {
    let at = q;
    for (let o = o0; o < o1; o++) {
      for (let k = k0; k < k1; k++) {
        const p = outer[o] + sel[k] * step;
        for (let e = 0; e < inner; e++, at += isz) move(at, p + within[e]);
      }
    }
    q = at;
  });
  return out;
}

/**
 * The elements of `a` at `indices` along `axis` (NumPy `np.take`); along
 * the flattened array when `axis` is omitted or null.
 *
 * @param a The array.
 * @param indices The indices.
 * @param axis The axis; null for the flattened array.
 * @param options `mode`.
 * @returns A new in-memory array of `a`'s type.
 */
export function take(
  a: NDArray,
  indices: ArrayInput,
  axis?: number | null,
  options?: IndexOptions,
): NDArray {
  const call = "take";
  const mode = toMode(options, call);
  const ax = axisOf(a, axis, call);
  const ind = toIndices(indices, call);
  resolve(
    ind.values,
    lengthAlong(a, ax),
    mode,
    Math.max(ax, 0),
    outerOf(a, ax),
    resultSize(a, ax, ind.values.length),
    ind.exact,
  );
  open(a);
  return gather(along(a, ax), Math.max(ax, 0), ind.values, ind.shape);
}

/**
 * The axis of `take`/`compress`: -1 for the flattened array (axis omitted
 * or null); a 0-d array takes axis 0 or -1 as a 1-element array, as NumPy.
 */
function axisOf(a: NDArray, axis: unknown, call: string): number {
  if (axis === undefined || axis === null) return -1;
  if (a.ndim === 0) {
    normalizeAxis(axis, 1, call);
    return -1;
  }
  return normalizeAxis(axis, a.ndim, call);
}

/** The length of the axis `take`/`compress` index (-1: flattened). */
function lengthAlong(a: NDArray, ax: number): number {
  return ax < 0 ? a.size : a.shape[ax];
}

/** The number of slices before the axis `take`/`compress` index. */
function outerOf(a: NDArray, ax: number): number {
  return ax < 0 ? 1 : shapeSize(a.shape.slice(0, ax));
}

/** The size of the result of `take`/`compress` of `m` indices along `ax`. */
function resultSize(a: NDArray, ax: number, m: number): number {
  if (ax < 0) return m;
  return m *
    (a.size === 0
      ? shapeSize(a.shape.filter((_, k) => k !== ax))
      : a.size / a.shape[ax]);
}

/** The array `take`/`compress` index along `ax` (-1: flattened). */
function along(a: NDArray, ax: number): NDArray {
  return ax < 0 ? a.reshape(a.size) : a;
}

/** Elements of the blocks the non-zero search reads at a time. */
const BLOCK = 1 << 20;

/**
 * Calls `each(start, t)` with the elements of `a` in C order, a block at a
 * time: `t` (native, complex interleaved) holds elements `start ..`; a view
 * of the storage where `a` is C-contiguous, native and aligned, else a copy
 * of at most about {@linkcode BLOCK} elements (never a copy of the whole).
 * Blocks are numbered in turn; `skip(k)` true passes block `k` over
 * without reading it. With a `check` (a memory map whose pages were asked
 * for up front), the file is checked again before each block is read, and
 * views are blocks of at most {@linkcode CHECK_BYTES}.
 */
function eachBlock(
  a: NDArray,
  each: (start: number, t: TypedArray) => void,
  skip: (k: number) => boolean = () => false,
  check?: PageCheck,
): void {
  let k = 0;
  const next = (start: number, block: () => TypedArray, bytes: number) => {
    if (skip(k++)) return;
    check?.before(bytes);
    each(start, block());
  };
  const visit = (v: NDArray, base: number): void => {
    const n = v.size;
    if (n === 0) return;
    const unit = unitOf(v.dtype);
    const per = v.itemsize / unit;
    if (
      v.dtype.isNative && isCContiguous(v.shape, v.strides, v.itemsize) &&
      (v.storage.bytes.byteOffset + v.byteOffset) % unit === 0
    ) {
      const first = v.byteOffset / unit;
      const data = v.data;
      const size = check === undefined
        ? BLOCK
        : Math.max(1, Math.min(BLOCK, Math.floor(CHECK_BYTES / v.itemsize)));
      for (let i = 0; i < n; i += size) {
        const m = Math.min(size, n - i);
        next(
          base + i,
          () => data.subarray(first + i * per, first + (i + m) * per),
          m * v.itemsize,
        );
      }
    } else if (v.ndim === 0 || n <= BLOCK) {
      next(base, () => v.toTypedArray(), n * v.itemsize);
    } else if (n / v.shape[0] > BLOCK) {
      const row = n / v.shape[0];
      for (let i = 0; i < v.shape[0]; i++) visit(v.slice(i), base + i * row);
    } else {
      const row = n / v.shape[0], step = Math.floor(BLOCK / row);
      for (let i = 0; i < v.shape[0]; i += step) {
        next(
          base + i * row,
          () => v.slice(`${i}:${i + step}`).toTypedArray(),
          row * step * v.itemsize,
        );
      }
    }
  };
  visit(a, 0);
}

/** How an element of a block is tested: by value, by pairs (complex), by 32-bit word pairs (64-bit integers). */
type TruthTest = "value" | "complex" | "words";

function truthTestOf(a: NDArray): TruthTest {
  if (a.dtype.kind === "c") return "complex";
  return a.itemsize === 8 && a.dtype.kind !== "f" ? "words" : "value";
}

/**
 * Whether every byte of a block is zero (then so is every element; a word
 * at a time, where the block is aligned to words; false when unknown).
 */
function allZero(t: TypedArray): boolean {
  if (t.byteOffset % 4 !== 0 || t.byteLength % 4 !== 0) return false;
  const w = new Int32Array(t.buffer, t.byteOffset, t.byteLength / 4);
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}

/** The number of non-zero elements in a block of `n` elements. */
function countBlock(t: TypedArray, n: number, test: TruthTest): number {
  if (allZero(t)) return 0;
  let count = 0;
  if (test === "complex") {
    const f = t as Float64Array;
    for (let i = 0; i < n; i++) {
      count += +(f[2 * i] !== 0 || f[2 * i + 1] !== 0);
    }
  } else if (test === "words") {
    const w = new Int32Array(t.buffer, t.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) count += +((w[2 * i] | w[2 * i + 1]) !== 0);
  } else {
    const f = t as Float64Array;
    for (let i = 0; i < n; i++) count += +(f[i] !== 0);
  }
  return count;
}

/**
 * Writes the positions (`start` + index) of the non-zero elements of a
 * block of `n` elements into `found` from `at`; returns the next free slot.
 * Positions are written unconditionally and kept by counting (no branch to
 * mispredict on random data); `found` has room for all of them (a write
 * past its end is dropped).
 */
function findBlock(
  t: TypedArray,
  n: number,
  test: TruthTest,
  found: Float64Array,
  at: number,
  start: number,
): number {
  let count = at;
  if (test === "complex") {
    const f = t as Float64Array;
    for (let i = 0; i < n; i++) {
      found[count] = start + i;
      count += +(f[2 * i] !== 0 || f[2 * i + 1] !== 0);
    }
  } else if (test === "words") {
    const w = new Int32Array(t.buffer, t.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) {
      found[count] = start + i;
      count += +((w[2 * i] | w[2 * i + 1]) !== 0);
    }
  } else {
    const f = t as Float64Array;
    for (let i = 0; i < n; i++) {
      found[count] = start + i;
      count += +(f[i] !== 0);
    }
  }
  return count;
}

/**
 * The number of non-zero elements of `a`, a block at a time, with each
 * block's count in `counts`; an axis of stride 0 (a broadcast view) is
 * counted once (then `counts` is left empty).
 */
function countTrue(
  a: NDArray,
  test: TruthTest,
  counts: number[],
  check?: PageCheck,
): number {
  if (a.ndim > 0 && a.strides[0] === 0 && a.shape[0] > 1) {
    return a.shape[0] * countTrue(a.slice(0), test, [], check);
  }
  let count = 0;
  const per = test === "complex" ? 2 : 1;
  eachBlock(
    a,
    (_, t) => {
      const c = countBlock(t, t.length / per, test);
      counts.push(c);
      count += c;
    },
    undefined,
    check,
  );
  return count;
}

/**
 * Flat (C-order) positions of the non-zero elements of `a` (NaN is
 * non-zero, -0 is zero): counted first, then found into an array of the
 * exact size, reading again only the blocks that hold some (memory: the
 * positions and one block, never a copy of the whole array).
 */
function nonzeroPositions(a: NDArray, call: string): Float64Array {
  // Strings of no characters are all false, whatever their number.
  if ("SU".includes(a.dtype.kind) && a.itemsize === 0) {
    open(a);
    return new Float64Array(0);
  }
  // Bytes, text and datetimes by their truth, as NumPy.
  if ("SUMm".includes(a.dtype.kind)) a = itemTruth(a);
  if (!isNumeric(a.dtype)) {
    throw new TypeError(
      `Cannot ${call} with an array of ${a.dtype.name}: only numeric arrays are tested for non-zero elements here`,
    );
  }
  open(a);
  // The blocks are views of a map's pages where they can be: asked for
  // first, and the file checked again before each block is read.
  const check = prepareWhole(a, false);
  const test = truthTestOf(a);
  const counts: number[] = [];
  const total = countTrue(a, test, counts, check);
  if (total === 0) return new Float64Array(0);
  const found = new Float64Array(allocateBytes(8 * total, call).buffer);
  const per = test === "complex" ? 2 : 1;
  const known = counts.length > 0;
  let at = 0;
  eachBlock(
    a,
    (start, t) => {
      at = findBlock(t, t.length / per, test, found, at, start);
    },
    (k) => known && counts[k] === 0,
    check,
  );
  return found;
}

/** Positions where a condition or mask is true, with its shape. */
interface Truths {
  positions: Float64Array;
  shape: number[];
}

/** Where a condition (an array of any type, JavaScript data or a scalar) is true. */
function truths(x: unknown, call: string, what: string): Truths {
  if (isArrayObject(x)) {
    return { positions: nonzeroPositions(x, call), shape: [...x.shape] };
  }
  let values: ArrayLike<unknown>, shape: number[];
  if (
    typeof x === "boolean" || typeof x === "number" || typeof x === "bigint"
  ) {
    values = [x];
    shape = [];
  } else if (isArray(x) || (typeof x === "object" && x !== null)) {
    const flat = flatten(x);
    values = flat.values;
    shape = flat.shape;
  } else {
    throw new TypeError(
      `Cannot ${call} with ${what} ${
        describe(x)
      }: ${what} must be an array, a list or a scalar`,
    );
  }
  const positions: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (truthy(values[i])) positions.push(i);
  }
  return { positions: Float64Array.from(positions), shape };
}

function truthy(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  const parts = complexParts(v);
  return parts !== undefined && (parts[0] !== 0 || parts[1] !== 0);
}

/**
 * The slices of `a` along `axis` where `condition` is true (NumPy
 * `np.compress`, `a[mask]` along an axis); along the flattened array when
 * `axis` is omitted or null.
 *
 * @param a The array.
 * @param condition A 1-D condition (any type: non-zero is true); it may be
 * shorter than the axis (the rest counts as false).
 * @param axis The axis; null for the flattened array.
 * @returns A new in-memory array of `a`'s type.
 */
export function compress(
  a: NDArray,
  condition: ArrayInput,
  axis?: number | null,
): NDArray {
  const call = "compress";
  const cond = truths(condition, call, "condition");
  if (cond.shape.length !== 1) {
    throw new RangeError(
      `Cannot ${call} with a condition of shape ${
        formatShape(cond.shape)
      }: the condition must be 1-D`,
    );
  }
  const ax = axisOf(a, axis, call);
  const sel = cond.positions;
  resolve(
    sel,
    lengthAlong(a, ax),
    "raise",
    Math.max(ax, 0),
    outerOf(a, ax),
    resultSize(a, ax, sel.length),
  );
  open(a);
  return gather(along(a, ax), Math.max(ax, 0), sel, [sel.length]);
}

/** Byte offset of flat (C-order) element `j` of `a`. */
function flatOffset(a: NDArray, j: number): number {
  let p = a.byteOffset;
  for (let k = a.ndim - 1; k >= 0; k--) {
    const n = a.shape[k];
    p += (j % n) * a.strides[k];
    j = Math.floor(j / n);
  }
  return p;
}

/**
 * Values to write into `a`: converted to its type (an array: NumPy's
 * unsafe cast, or `safe` when `casting` says so; JavaScript data: as
 * {@linkcode array} converts it to that type), flat, C-contiguous.
 */
function toValues(
  a: NDArray,
  values: unknown,
  call: string,
  safe: boolean,
): NDArray {
  if (isArrayObject(values)) {
    if (safe && !canCastSafe(values.dtype, a.dtype)) {
      throw new TypeError(
        `Cannot ${call} values of type ${values.dtype.name} into an array of ${a.dtype.name}: NumPy casts them only under the safe rule`,
      );
    }
    open(values);
    return castCopy(values, a.dtype);
  }
  return fromData(values, a.dtype);
}

/** Writes `values` (flat, of `a`'s type) at the flat positions of `a`, cycling through the values. */
function scatter(
  a: NDArray,
  positions: Float64Array,
  values: NDArray,
  cycleBy: "count" | "position",
): void {
  const nv = values.size;
  if (nv === 0 || positions.length === 0) return;
  const isz = a.itemsize;
  const dst = a.storage.bytes, src = values.storage.bytes;
  const move = mover(dst, src, isz, isAligned(a));
  const contiguous = isCContiguous(a.shape, a.strides, isz);
  // The file of a memory map checked again before each part (see inParts).
  inParts(1, positions.length, isz, pageCheckOf(a), (_o0, _o1, i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const j = positions[i];
      const v = (cycleBy === "count" ? i : j) % nv;
      const p = contiguous ? a.byteOffset + j * isz : flatOffset(a, j);
      move(p, values.byteOffset + v * isz);
    }
  });
}

/**
 * Writes `values` at flat (C-order) positions `indices` of `a` (NumPy
 * `np.put`, `a.flat[indices] = values`), cycling through the values when
 * there are fewer of them than indices; a repeated index keeps the last
 * value.
 *
 * @param a The array (writable).
 * @param indices The flat positions.
 * @param values The values.
 * @param options `mode`.
 */
export function put(
  a: NDArray,
  indices: ArrayInput,
  values: ArrayInput,
  options?: IndexOptions,
): void {
  const call = "put";
  const ind = toIndices(indices, call, true);
  const mode = toMode(options, call);
  if (ind.values.length > 0 && a.size === 0) {
    throw new RangeError(
      `Cannot ${call} ${ind.values.length} elements into an empty array: cannot replace elements of an empty array`,
    );
  }
  const v = toValues(a, values, call, false);
  if (v.size > 0) resolve(ind.values, a.size, mode, 0, 1, 1, ind.exact);
  writable(a);
  scatter(a, ind.values, v, "count");
}

/**
 * Writes `values` where `mask` is true (NumPy `np.putmask`): element `n`
 * (in C order) takes `values[n % values.length]`.
 *
 * @param a The array (writable).
 * @param mask A mask of `a`'s size (any type: non-zero is true).
 * @param values The values.
 */
export function putmask(
  a: NDArray,
  mask: ArrayInput,
  values: ArrayInput,
): void {
  const call = "putmask";
  const m = truths(mask, call, "mask");
  if (shapeSize(m.shape) !== a.size) {
    throw new RangeError(
      `Cannot ${call} an array of shape ${
        formatShape(a.shape)
      } with a mask of shape ${
        formatShape(m.shape)
      }: the mask and the array must have the same size`,
    );
  }
  const v = toValues(a, values, call, true);
  writable(a);
  scatter(a, m.positions, v, "position");
}

/**
 * The indices of the non-zero elements, one int64 array per axis (NumPy
 * `np.nonzero`), in C order.
 *
 * @param a The array (at least 1-D).
 * @returns The index arrays.
 */
export function nonzero(a: NDArray): NDArray<"int64">[] {
  if (a.ndim === 0) {
    throw new RangeError(
      "Cannot find the non-zero elements of a 0-d array: use reshape(1) first",
    );
  }
  open(a);
  const flat = nonzeroPositions(a, "find the non-zero elements");
  const count = flat.length;
  const out = a.shape.map(() =>
    emptyArray([count], nativeDType("int64")) as NDArray<"int64">
  );
  const words = out.map((o) => new Int32Array(o.storage.bytes.buffer));
  for (let i = 0; i < count; i++) {
    let j = flat[i];
    for (let k = a.ndim - 1; k >= 0; k--) {
      const n = a.shape[k];
      const c = j % n;
      j = (j - c) / n;
      // The int64 as its low and high 32-bit words (c is a safe integer).
      words[k][2 * i] = c;
      words[k][2 * i + 1] = Math.floor(c / 4294967296);
    }
  }
  return out;
}

/**
 * `argmin` and `argmax` as NumPy computes them: the index of the first
 * extreme in C order (over the flattened array, or along one axis), a NaN
 * counting as more extreme than anything (the first NaN wins); complex
 * numbers compare lexicographically. C-contiguous data of the kernels'
 * types is searched by the SIMD kernels (in place for memory maps), the
 * rest in TypeScript.
 *
 * @module
 */

import { allocateBytes } from "../_args.ts";
import { NAT } from "./datetime.ts";
import { unitsComparer } from "./item_compare.ts";
import { countsOf } from "./item_arrays.ts";
import { type DType, nativeDType } from "./dtype.ts";
import {
  type DomainBuffer,
  domainOf,
  newDomainBuffer,
  readRun,
} from "./element.ts";
import { walk } from "./iterate.ts";
import { argRows, itemArgRows, PIECE, rowsFirst } from "./arg_rows.ts";
import type { KernelType } from "./kernels/reduce_kernels.ts";
import { SIZE } from "./kernels/reduce_run.ts";
import { settings, type Shower } from "./kernels/runtime.ts";
import { argBlock, firstTruth } from "./kernels/search_run.ts";
import { truthKindOf } from "./kernels/search_kernels.ts";
import { NDArray } from "./ndarray.ts";
import { CHECK_BYTES, type PageCheck } from "./read_ahead.ts";
import { type ReduceView, withShower } from "./reduce.ts";
import { keepdimsOf, singleAxis } from "./reduce_axes.ts";
import { reduceViewOf } from "./reductions.ts";
import { isCContiguous } from "./shape.ts";
import { memoryStorage, operandOf } from "./storage.ts";

const F64 = nativeDType("float64");
const I64 = nativeDType("int64");
const C128 = nativeDType("complex128");

/** Validated arguments of `argmin`/`argmax`. */
export interface ArgArgs {
  /** The axis, or -1 for the flattened array. */
  axis: number;
  /** Keep the reduced axis (all axes for the flattened array) as length 1. */
  keepdims: boolean;
}

/**
 * Converts and checks the arguments of `argmin`/`argmax` (one integer axis
 * or none; a 0-d array counts as one element along axis 0).
 *
 * @param kind `"min"` or `"max"`.
 * @param ndim The array's number of axes.
 * @param axis The axis argument.
 * @param options The options argument.
 * @returns The arguments.
 * @throws {TypeError} For an axis that is not one integer, or bad options.
 * @throws {RangeError} For an axis that does not exist.
 */
export function argArgs(
  kind: "min" | "max",
  ndim: number,
  axis: unknown,
  options: unknown,
): ArgArgs {
  const call = `compute the arg${kind}`;
  return {
    axis: singleAxis(axis, ndim, call) ?? -1,
    keepdims: keepdimsOf(options, call),
  };
}

function emptyError(kind: "min" | "max"): RangeError {
  return new RangeError(
    `Cannot compute the arg${kind} of an empty array: attempt to get arg${kind} of an empty sequence`,
  );
}

/** The kernels' name for contiguous little-endian data they search, or null. */
function kernelTypeOf(dt: DType): KernelType | null {
  if (!dt.littleEndian || !(dt.name in SIZE)) return null;
  return dt.name as KernelType;
}

/** The first extreme of `n` C-contiguous elements at byte `offset` with the kernels, or null when they cannot. */
function kernelArg(
  v: ReduceView,
  kind: "min" | "max",
  offset: number,
  n: number,
): number | null {
  if (!kernelSearches(v, n)) return null;
  return withShower(v, (sh) => shownArg(sh, v, kind, offset, n));
}

/** Whether the kernels search `n` contiguous elements of the view. */
function kernelSearches(v: ReduceView, n: number): boolean {
  const dt = v.io.dtype;
  return kernelTypeOf(dt) !== null && n * dt.itemsize >= 16 && !settings.off;
}

/** {@linkcode kernelArg} with a shower of the view's bytes (null: no kernels). */
function shownArg(
  sh: Shower | null,
  v: ReduceView,
  kind: "min" | "max",
  offset: number,
  n: number,
): number | null {
  if (sh === null) return null;
  const dt = v.io.dtype;
  const kt = kernelTypeOf(dt)!;
  const bytes = n * dt.itemsize;
  if (kt === "bool") {
    // The first true (argmax) or false (argmin) element, else 0.
    const at = firstTruth(sh, truthKindOf(kt), kind === "max", offset, bytes);
    return at < 0 ? 0 : at;
  }
  return argBlock(sh, kt, kind, offset, bytes).index;
}

/** A running first extreme: NumPy's `arg*` loop over values read in order. */
class Arg {
  index = 0;
  #count = 0;
  #done = false;
  #re: number | bigint = 0;
  #im = 0;
  readonly #max: boolean;
  readonly #complex: boolean;

  constructor(kind: "min" | "max", complex: boolean) {
    this.#max = kind === "max";
    this.#complex = complex;
  }

  /** Takes in `n` values of `x` (pairs for complex) in order; returns false once the answer is known (a NaN). */
  feed(x: DomainBuffer, n: number): boolean {
    if (this.#done) return false;
    const max = this.#max;
    let i = 0;
    if (this.#count === 0 && n > 0) {
      this.#re = x[0];
      if (this.#complex) this.#im = x[1] as number;
      i = 1;
      if (this.#nan(this.#re, this.#im)) return this.#stop(0);
    }
    if (this.#complex) {
      const t = x as Float64Array;
      for (; i < n; i++) {
        const r = t[2 * i], im = t[2 * i + 1];
        const b = this.#re as number;
        const beats = max
          ? (r > b || (r === b && im > this.#im))
          : (r < b || (r === b && im < this.#im));
        if (beats || r !== r || im !== im) {
          this.#re = r;
          this.#im = im;
          this.index = this.#count + i;
          if (r !== r || im !== im) return this.#stop(this.index);
        }
      }
    } else if (x instanceof Float64Array) {
      let b = this.#re as number;
      if (max) {
        for (; i < n; i++) {
          const y = x[i];
          if (y > b) {
            b = y;
            this.index = this.#count + i;
          } else if (y !== y) return this.#stop(this.#count + i);
        }
      } else {
        for (; i < n; i++) {
          const y = x[i];
          if (y < b) {
            b = y;
            this.index = this.#count + i;
          } else if (y !== y) return this.#stop(this.#count + i);
        }
      }
      this.#re = b;
    } else {
      let b = this.#re as bigint;
      for (; i < n; i++) {
        const y = x[i] as bigint;
        if (max ? y > b : y < b) {
          b = y;
          this.index = this.#count + i;
        }
      }
      this.#re = b;
    }
    this.#count += n;
    return true;
  }

  #nan(re: number | bigint, im: number): boolean {
    return re !== re || im !== im;
  }

  #stop(index: number): boolean {
    this.index = index;
    this.#done = true;
    return false;
  }
}

/** The type values are read in: numbers, bigints (64-bit integers) or complex pairs. */
function readTypeOf(dt: DType): DType {
  if (dt.kind === "c") return C128;
  return domainOf(dt) === "bigint" ? dt.toNative() : F64;
}

/**
 * The first extreme of the whole view in C order.
 *
 * @param v The view (not empty).
 * @param kind `"min"` or `"max"`.
 * @returns The flat index.
 */
function argAll(v: ReduceView, kind: "min" | "max"): number {
  const dt = v.io.dtype;
  let n = 1;
  for (const m of v.shape) n *= m;
  if (isCContiguous(v.shape, v.strides, dt.itemsize)) {
    const r = kernelArg(v, kind, v.offset, n);
    if (r !== null) return r;
  }
  if (v.io.check !== undefined) return argAllForward(v, kind);
  const arg = new Arg(kind, dt.kind === "c");
  const type = readTypeOf(dt);
  let tmp = newDomainBuffer(type, 1024);
  try {
    walk(
      v.shape,
      [{ offset: v.offset, strides: v.strides }],
      (offs, count, strides) => {
        if (tmp.length < count * (dt.kind === "c" ? 2 : 1)) {
          tmp = newDomainBuffer(type, count);
        }
        readRun(v.io, offs[0], strides[0], count, tmp, type, 0);
        if (!arg.feed(tmp, count)) throw STOP;
      },
      { release: v.release, prefetch: v.prefetch, itemsize: dt.itemsize },
    );
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return arg.index;
}

const STOP = Symbol("stop");

/**
 * {@linkcode argAll} of a map checked as it is read (its pages asked for up
 * front, see `PageCheck`), not C-contiguous: the view is gone through in
 * its memory order, each element's C-order index along with it (a
 * transposed map read in C order went across the file between two checks:
 * a cut of a part not reached yet faulted; attack14). The first extreme in
 * C order is the extreme of least index (a NaN the most extreme).
 */
function argAllForward(v: ReduceView, kind: "min" | "max"): number {
  const dt = v.io.dtype;
  const complex = dt.kind === "c";
  const type = readTypeOf(dt);
  const max = kind === "max";
  const cIndex = v.shape.map((_, k) =>
    v.shape.slice(k + 1).reduce((x, y) => x * y, 1)
  );
  let tmp = newDomainBuffer(type, 1024);
  let index = -1, nan = false;
  let re: number | bigint = 0, im = 0;
  walk(
    v.shape,
    [{ offset: v.offset, strides: v.strides }, {
      offset: 0,
      strides: cIndex,
    }],
    (offs, count, strides) => {
      if (tmp.length < count * (complex ? 2 : 1)) {
        tmp = newDomainBuffer(type, count);
      }
      readRun(v.io, offs[0], strides[0], count, tmp, type, 0);
      for (let k = 0; k < count; k++) {
        const i = offs[1] + k * strides[1];
        const r = complex ? (tmp as Float64Array)[2 * k] : tmp[k];
        const m = complex ? (tmp as Float64Array)[2 * k + 1] : 0;
        const isNaN = r !== r || m !== m;
        if (nan) {
          if (isNaN && i < index) index = i;
          continue;
        }
        if (isNaN) {
          nan = true;
          index = i;
          continue;
        }
        if (index < 0) {
          re = r;
          im = m;
          index = i;
          continue;
        }
        const beats = max
          ? (r > re || (r === re && m > im))
          : (r < re || (r === re && m < im));
        if (beats) {
          re = r;
          im = m;
          index = i;
        } else if (r === re && m === im && i < index) index = i;
      }
    },
    {
      memoryOrder: true,
      release: v.release,
      prefetch: v.prefetch,
      itemsize: dt.itemsize,
    },
  );
  return index;
}

/** Lines shorter than this are searched in TypeScript (a kernel call costs more). */
const LINE_KERNEL_BYTES = 4096;

/**
 * The first extreme along `axis` for each index of the other axes, in C
 * order of those (int64 indices).
 *
 * @param v The view.
 * @param kind `"min"` or `"max"`.
 * @param axis The axis (not empty).
 * @returns The indices.
 */
function argAlong(
  v: ReduceView,
  kind: "min" | "max",
  axis: number,
): BigInt64Array {
  const dt = v.io.dtype;
  const n = v.shape[axis];
  const sa = v.strides[axis];
  const type = readTypeOf(dt);
  const kernels = sa === dt.itemsize && n * dt.itemsize >= LINE_KERNEL_BYTES &&
    kernelSearches(v, n);
  // A line across rows of memory: read the rows in order instead.
  if (!kernels && rowsFirst(v, axis)) return argRows(v, kind, axis, type);
  const tmp = newDomainBuffer(type, Math.min(n, PIECE));
  // One shower for all lines (a memory map's bytes are shown once, not per line).
  const lines = (sh: Shower | null) =>
    eachLine(v.shape, v.strides, v.offset, axis, (off) => {
      const r = kernels ? shownArg(sh, v, kind, off, n) : null;
      if (r !== null) return r;
      // Read in pieces (bounded memory for long lines), until a NaN decides.
      const arg = new Arg(kind, dt.kind === "c");
      for (let from = 0; from < n; from += PIECE) {
        const k = Math.min(PIECE, n - from);
        readRun(v.io, off + from * sa, sa, k, tmp, type, 0);
        if (!arg.feed(tmp, k)) break;
      }
      return arg.index;
    });
  return kernels ? withShower(v, lines) : lines(null);
}

/**
 * The index `line(offset)` gives for each line along `axis` (`offset`: its
 * first element's), in C order of the other axes, as int64s.
 */
function eachLine(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  axis: number,
  line: (offset: number) => number,
): BigInt64Array {
  const others = shape.filter((_, k) => k !== axis);
  const steps = strides.filter((_, k) => k !== axis);
  let size = 1;
  for (const m of others) size *= m;
  const out = new BigInt64Array(size);
  if (size === 0) return out;
  let j = 0;
  walk(
    others.length === 0 ? [1] : others,
    [{ offset, strides: steps.length === 0 ? [0] : steps }],
    (offs, count, st) => {
      for (let c = 0; c < count; c++) {
        out[j++] = BigInt(line(offs[0] + c * st[0]));
      }
    },
  );
  return out;
}

/**
 * NumPy's `argmin`/`argmax` of an open array.
 *
 * @param a The array.
 * @param kind `"min"` or `"max"`.
 * @param args The checked arguments.
 * @returns The flat index (a number), or an int64 array of indices.
 * @throws {TypeError} For arrays of raw bytes or records.
 * @throws {RangeError} For an empty array or axis.
 */
export function argReduce(
  a: NDArray,
  kind: "min" | "max",
  args: ArgArgs,
): number | NDArray<"int64"> {
  const dt = a.dtype;
  if (dt.kind === "M" || dt.kind === "m") return countArg(a, kind, args);
  const units = dt.kind === "S" || dt.kind === "U";
  if (!units && !"biufc".includes(dt.kind)) {
    throw new TypeError(
      `Cannot compute the arg${kind} of an array of ${dt.name}: not supported for this type`,
    );
  }
  // Strings of no characters are all equal: the first is the extreme of
  // every line, whatever their number (as sort leaves them as they are).
  const equal = units && a.itemsize === 0;
  const whole = args.axis < 0 || a.ndim <= 1;
  const v = reduceViewOf(a, whole);
  if (args.axis < 0 || a.ndim === 0) {
    if (a.size === 0) throw emptyError(kind);
    const index = equal ? 0 : units ? unitsArgAll(a, kind) : argAll(v, kind);
    // A 0-d array along axis 0 gives a 0-d array, as any axis gives an array.
    if (!args.keepdims && (args.axis < 0 || a.ndim > 0)) return index;
    return make(BigInt64Array.of(BigInt(index)), a.shape.map(() => 1));
  }
  if (a.shape[args.axis] === 0) throw emptyError(kind);
  const shape = a.shape.map((m, k) => k === args.axis ? 1 : m);
  const out = equal
    ? firsts(a.size / a.shape[args.axis])
    : units
    ? unitsArgAlong(a, kind, args.axis, v.io.check)
    : argAlong(v, kind, args.axis);
  return make(
    out,
    args.keepdims ? shape : shape.filter((_, k) => k !== args.axis),
  );
}

/** Index 0 for each of `lines` lines (lines of equal elements). */
function firsts(lines: number): BigInt64Array {
  const bytes = allocateBytes(lines * 8, "compute an argument reduction");
  return new BigInt64Array(bytes.buffer, 0, lines);
}

/**
 * The index of the first extreme, by `cmp` (code units of bytes or text),
 * among the elements at the byte offsets `each` visits, in that order.
 */
function firstExtreme(
  cmp: (p: number, q: number) => number,
  kind: "min" | "max",
  each: (visit: (p: number) => void) => void,
): number {
  const sign = kind === "min" ? -1 : 1;
  let best = -1, index = 0, i = 0;
  each((p) => {
    if (best < 0 || sign * cmp(p, best) > 0) {
      best = p;
      index = i;
    }
    i++;
  });
  return index;
}

/**
 * The first extreme of the whole array of bytes or text in C order, by
 * code units, NUL-padded (as NumPy orders them). The array is gone through
 * in its memory order (a memory map's file forward, each window read ahead
 * before it is reached: a transposed map read in C order went across the
 * file), each element's C-order index along with it: of equal extremes,
 * the one of the least index wins.
 */
function unitsArgAll(a: NDArray, kind: "min" | "max"): number {
  const cmp = unitsComparer(a, a);
  const sign = kind === "min" ? -1 : 1;
  // The C-order index as a second operand of the walk.
  const cIndex = a.shape.map((_, k) =>
    a.shape.slice(k + 1).reduce((x, y) => x * y, 1)
  );
  let best = -1, index = 0;
  walk(
    a.shape,
    [operandOf(a), { offset: 0, strides: cIndex }],
    (offs, count, strides) => {
      for (let k = 0; k < count; k++) {
        const p = offs[0] + k * strides[0], i = offs[1] + k * strides[1];
        if (best < 0) {
          best = p;
          index = i;
          continue;
        }
        const c = sign * cmp(p, best);
        if (c > 0 || (c === 0 && i < index)) {
          best = p;
          index = i;
        }
      }
    },
    { memoryOrder: true },
  );
  return index;
}

/**
 * {@linkcode unitsArgAll} along `axis` for each index of the other axes, in
 * C order of those. A line across rows of memory (another axis steps
 * through memory by less) is searched a row at a time, rows in memory
 * order (see `itemArgRows`), else line by line; with a `check` (a map's
 * pages asked for up front, see `PageCheck`), before each row, or each
 * MiB of a line's span: the file is read forward and a cut of the part not
 * reached yet is met by a check (a line down a column read the whole
 * column between two checks).
 */
function unitsArgAlong(
  a: NDArray,
  kind: "min" | "max",
  axis: number,
  check?: PageCheck,
): BigInt64Array {
  const cmp = unitsComparer(a, a);
  const n = a.shape[axis];
  const sa = a.strides[axis];
  const across = a.shape.some((m, k) =>
    k !== axis && m > 1 && Math.abs(a.strides[k]) < Math.abs(sa)
  );
  if (across) {
    return itemArgRows(
      a.shape,
      a.strides,
      a.byteOffset,
      a.itemsize,
      kind,
      axis,
      cmp,
      check,
    );
  }
  // Elements of a line between two checks: a MiB of its span at most.
  const step = Math.max(a.itemsize, Math.abs(sa));
  const piece = Math.max(1, Math.floor(CHECK_BYTES / step));
  return eachLine(
    a.shape,
    a.strides,
    a.byteOffset,
    axis,
    (start) =>
      firstExtreme(cmp, kind, (visit) => {
        for (let i = 0; i < n; i++) {
          if (i % piece === 0) check?.before(Math.min(piece, n - i) * step);
          visit(start + i * sa);
        }
      }),
  );
}

/**
 * `argmin`/`argmax` of datetimes or timedeltas, on their int64 counts, as
 * NumPy 2: NaT (the int64 minimum) is the first minimum, and a line with a
 * NaT gives its first NaT for `argmax` too.
 */
function countArg(
  a: NDArray,
  kind: "min" | "max",
  args: ArgArgs,
): number | NDArray<"int64"> {
  const counts = countsOf(a);
  const low = argReduce(counts, "min", args);
  if (kind === "min") return low;
  const high = argReduce(counts, "max", args);
  // The minimum of each line: NaT where the line has one.
  const axis = args.axis < 0 || a.ndim === 0 ? null : args.axis;
  const least = counts.min(axis, { keepdims: args.keepdims });
  if (typeof low === "number") return least === NAT ? low : high;
  const nat = least instanceof NDArray
    ? least.toTypedArray() as BigInt64Array
    : BigInt64Array.of(least as bigint); // a 0-d array along axis 0
  const lows = low.toTypedArray() as BigInt64Array;
  const out = (high as NDArray<"int64">).toTypedArray() as BigInt64Array;
  for (let i = 0; i < out.length; i++) if (nat[i] === NAT) out[i] = lows[i];
  return make(out, low.shape as number[]);
}

/** An in-memory int64 array over the indices. */
function make(indices: BigInt64Array, shape: number[]): NDArray<"int64"> {
  const bytes = new Uint8Array(
    indices.buffer as ArrayBuffer,
    indices.byteOffset,
    indices.byteLength,
  );
  return new NDArray(memoryStorage(bytes), I64, shape) as NDArray<"int64">;
}

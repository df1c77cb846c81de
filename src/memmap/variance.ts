/**
 * `var` and `std` as NumPy's `_var` computes them, in two passes: the mean
 * (a sum divided by the count, kept as length-1 axes), then the squared
 * deviations `|x - mean|²` in an array laid out in the operand's memory
 * order (NumPy's K order), summed over the same axes in NumPy's order and
 * divided by `max(n - ddof, 0)`; `std` is the square root. Every step
 * rounds as NumPy's loops do: integers and bools in float64, float32 and
 * complex64 in float32, float16 through float32 to half, so results are
 * NumPy's bit for bit. Memory maps are read a window at a time. A whole
 * array that fills one block of memory in ascending order never holds all
 * its deviations (they are made and summed in subtrees of NumPy's pairwise
 * recursion); otherwise they take one element of the result type per
 * element, as NumPy's temporary does.
 *
 * @module
 */

import { type DType, nativeDType } from "./dtype.ts";
import { newDomainBuffer, readRun } from "./element.ts";
import { wantsItems } from "./item_arrays.ts";
import { walk, WINDOW } from "./iterate.ts";
import { arrayIO, NDArray } from "./ndarray.ts";
import { pairwiseSum, pairwiseSum32 } from "./pairwise.ts";
import {
  reducedShape,
  reductionAxes,
  varianceOptionsOf,
} from "./reduce_axes.ts";
import { combineRows, squaredDeviationsLine } from "./kernels/reduce_run.ts";
import { newArrayStrides } from "./shape.ts";
import type { FloatType } from "./kernels/reduce_kernels.ts";
import { type ReduceView, withShower } from "./reduce.ts";
import { memoryDims } from "./reduce_plan.ts";
import { reduceArray, reduceViewOf } from "./reductions.ts";
import { memoryStorage } from "./storage.ts";

const F32 = nativeDType("float32");
const F64 = nativeDType("float64");
const C128 = nativeDType("complex128");

/** Validated arguments of `var`/`std`. */
export interface VarianceArgs {
  /** Reduced axes, or `null` for all. */
  reduced: boolean[] | null;
  /** Keep reduced axes as length 1. */
  keepdims: boolean;
  /** Delta degrees of freedom. */
  ddof: number;
}

/**
 * Converts and checks the arguments of `var`/`std` (a 0-d array refuses
 * axis 0, as NumPy's).
 *
 * @param std Whether the call is `std`.
 * @param ndim The array's number of axes.
 * @param axis The axis argument.
 * @param options The options argument.
 * @returns The arguments.
 * @throws {TypeError} For an axis that is not an integer or list of them, or bad options.
 * @throws {RangeError} For an axis that does not exist or is repeated, or a ddof that is not finite.
 */
export function varianceArgs(
  std: boolean,
  ndim: number,
  axis: unknown,
  options: unknown,
): VarianceArgs {
  const call = callOf(std);
  const reduced = reductionAxes(axis, ndim, call, false, true);
  return { reduced, ...varianceOptionsOf(options, call) };
}

function callOf(std: boolean): string {
  return `compute the ${std ? "standard deviation" : "variance"}`;
}

/** NumPy's result type of `var`/`std`: the real type of floats and complex numbers, else float64. */
function resultTypeOf(dt: DType): DType {
  if (dt.kind === "c") return dt.itemsize === 8 ? F32 : F64;
  if (dt.kind === "f") return dt.toNative();
  return F64;
}

/** Rounds a float64 to the result type as NumPy's loops of that type do. */
function rounderOf(rt: DType): (x: number) => number {
  if (rt.itemsize === 4) return Math.fround;
  if (rt.itemsize === 2) return (x) => Math.f16round(Math.fround(x));
  return (x) => x;
}

/**
 * Axis strides of a new C-contiguous array whose axes are laid out in the
 * memory order of `strides` (NumPy's K order: by decreasing |stride|, ties
 * in axis order).
 */
export function kOrderStrides(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): number[] {
  const order = shape.map((_, k) => k).sort((a, b) =>
    Math.abs(strides[b]) - Math.abs(strides[a]) || a - b
  );
  // The C-contiguous strides of a new array of the axes in that order (all
  // 0 for an array of no elements, as NumPy's new arrays).
  const inOrder = newArrayStrides(order.map((k) => shape[k]), itemsize);
  const out = new Array<number>(shape.length);
  for (let i = 0; i < order.length; i++) out[order[i]] = inOrder[i];
  return out;
}

/**
 * The mean NumPy's `_var` subtracts, C-contiguous with reduced axes of
 * length 1: float64 for integers and bools, the type itself otherwise; a
 * float16 mean is its float16 sum divided in float64 (not `mean()`'s
 * float32 route).
 */
function meanOf(a: NDArray, reduced: boolean[], n: number): NDArray {
  const args = { reduced, keepdims: true };
  if (a.dtype.name !== "float16") {
    return reduceArray(a, "mean", args) as NDArray;
  }
  return inPlace(reduceArray(a, "sum", args) as NDArray, (s) => s / n);
}

/** The values of a C-contiguous array as float64 (pairs for complex). */
function valuesOf(a: NDArray, complex: boolean): Float64Array {
  const type = complex ? C128 : F64;
  const m = newDomainBuffer(type, a.size) as Float64Array;
  readRun(arrayIO(a), a.byteOffset, a.itemsize, a.size, m, type, 0);
  return m;
}

/** Elements per range whose squared deviations are made at once (a subtree of NumPy's pairwise recursion). */
const CHUNK = 1 << 14;

/**
 * The sum of the squared deviations of a whole array whose elements fill
 * one block of memory in C order of some axis order, ascending (so NumPy's
 * K-order deviations are in memory order, one contiguous line that NumPy
 * sums in one pairwise call), without making them all: NumPy's recursion
 * over the line, each subtree of at most {@linkcode CHUNK} elements made
 * and summed at once. Memory maps are released window by window. Null
 * when the array is not such a block or the result is float16. (`norm`
 * passes a mean of 0: the sum of squares.)
 */
export function streamedSum(
  a: NDArray,
  reduced: readonly boolean[],
  m: Float64Array,
  rt: DType,
): number | null {
  const real = a.shape.every((n, k) => n === 1 || reduced[k]);
  const up = a.shape.every((n, k) => n === 1 || a.strides[k] > 0);
  if (!real || !up || a.size === 0 || rt.itemsize === 2) return null;
  const { dims } = memoryDims(a.shape, a.strides, a.byteOffset);
  if (dims.length > 1 || (dims.length === 1 && dims[0].s !== a.itemsize)) {
    return null;
  }
  const v = reduceViewOf(a, true);
  const kt = kernelFloatOf(a.dtype, rt);
  if (kt !== null) {
    // The kernels make and sum the deviations where the data is shown.
    const total = withShower(
      v,
      (sh) =>
        sh === null
          ? null
          : squaredDeviationsLine(sh, kt, v.offset, a.size, m[0]),
    );
    if (total !== null) return total;
  }
  const line = lineSummer(a, v, m, rt, true);
  const total = line.sum(v.offset, a.size, 0);
  line.end(v.offset + a.size * a.itemsize);
  return total;
}

/** What {@linkcode lineSummer} gives. */
interface LineSummer {
  /** The sum of the squared deviations of the `n` elements from byte `at`, from mean `m[p]` (`m[p]`, `m[p + 1]` complex). */
  sum(at: number, n: number, p: number): number;
  /** Releases a memory map's windows up to byte `to` (nothing before it is read again) once they add up to a window. */
  upTo(to: number): void;
  /** Releases a memory map's windows up to byte `to`, the last of them. */
  end(to: number): void;
}

/**
 * Sums of the squared deviations of contiguous lines of `a` (ascending
 * memory, one element after another) in TypeScript: NumPy's pairwise
 * recursion over each line, each subtree of at most {@linkcode CHUNK}
 * elements made and summed at once, every operation rounded in the result
 * type `rt` as NumPy's loops round it; no deviations kept. With `forward`
 * (no byte is read twice) a memory map's windows are released behind as the
 * lines go; else only by {@linkcode LineSummer.end}.
 */
function lineSummer(
  a: NDArray,
  v: ReduceView,
  m: Float64Array,
  rt: DType,
  forward: boolean,
): LineSummer {
  const complex = a.dtype.kind === "c";
  const readType = complex ? C128 : F64;
  const round = rounderOf(rt);
  const f32 = rt.itemsize === 4;
  const size = a.itemsize;
  const tmp = newDomainBuffer(readType, CHUNK) as Float64Array;
  let releasedTo = v.offset;
  const release = (to: number) => {
    if (v.release !== undefined && to - releasedTo >= WINDOW) {
      v.release(releasedTo, to - releasedTo);
      releasedTo = to;
    }
  };
  let p = 0;
  const leaf = (at: number, k: number): number => {
    readRun(v.io, at, size, k, tmp, readType, 0);
    if (complex) squaredComplex(tmp, k, m, p, 0, round);
    else if (!f32) squared64(tmp, k, m, p, 0);
    else squaredRounded(tmp, k, m, p, 0, round);
    if (forward) release(at + k * size);
    return f32 ? pairwiseSum32(tmp, 0, k) : pairwiseSum(tmp, 0, k);
  };
  const sum = (at: number, k: number): number => {
    if (k <= CHUNK) return leaf(at, k);
    let h = k >>> 1;
    h -= h % 8;
    return round(sum(at, h) + sum(at + h * size, k - h));
  };
  return {
    sum(at, n, mp) {
      p = mp;
      return sum(at, n);
    },
    upTo: release,
    end(to) {
      if (v.release !== undefined && to > releasedTo) {
        v.release(releasedTo, to - releasedTo);
        releasedTo = to;
      }
    },
  };
}

/** The kernels' type for deviations of `dt` in the result type `rt` (little-endian float32/float64 of that type), or null. */
function kernelFloatOf(dt: DType, rt: DType): FloatType | null {
  if (dt.kind !== "f" || !dt.littleEndian || dt.itemsize !== rt.itemsize) {
    return null;
  }
  return dt.itemsize === 8 ? "float64" : dt.itemsize === 4 ? "float32" : null;
}

/**
 * The sums of the squared deviations along one outer axis, when NumPy adds
 * the deviations' rows one after another and the kernels can too (`var(0)`
 * of a C-order matrix): float32 or float64 in one block of memory in K
 * order (so the deviations NumPy makes have the array's own layout), the
 * one reduced axis outermost in memory, the kept axes in C order of the
 * memory, and the means fitting the kernels' row area. Each column's
 * squared deviations are added to +0 row by row, each operation rounded in
 * the element type, without making the deviations. Null otherwise (the
 * caller makes them and sums them). (`norm` passes means of 0: the sums of
 * squares.)
 */
export function rowSums(
  a: NDArray,
  reduced: readonly boolean[],
  m: Float64Array,
  rt: DType,
  keepdims: boolean,
): NDArray | null {
  const kt = kernelFloatOf(a.dtype, rt);
  const real = a.shape.flatMap((n, k) => reduced[k] && n !== 1 ? [k] : []);
  if (real.length !== 1 || a.size === 0 || rt.itemsize === 2) return null;
  const size = a.itemsize;
  const k0 = kOrderStrides(a.shape, a.strides, size);
  if (a.shape.some((n, k) => n !== 1 && a.strides[k] !== k0[k])) return null;
  const axis = real[0];
  const rows = a.shape[axis];
  const cols = a.size / rows;
  if (a.strides[axis] !== cols * size) return null;
  // Kept axes in C order must step down through memory (column j = result j).
  let step = Infinity;
  for (let k = 0; k < a.ndim; k++) {
    if (k === axis || a.shape[k] === 1) continue;
    if (a.strides[k] >= step) return null;
    step = a.strides[k];
  }
  const sums = new Float64Array(cols);
  const v = reduceViewOf(a, kt !== null);
  const done = kt !== null && withShower(
    v,
    (sh) =>
      sh !== null &&
      combineRows(sh, kt, "sqdev", v.offset, rows, cols, sums, m),
  );
  if (!done) {
    sums.fill(0); // the kernels may have begun when their memory was lost
    rowSumsOf(
      a,
      v.prepared ? v : reduceViewOf(a, false),
      rows,
      cols,
      m,
      rt,
      sums,
    );
  }
  const shape = reducedShape(a.shape, reduced, keepdims);
  const out = new NDArray(memoryStorage(cols * rt.itemsize), rt, shape);
  (out.data as Float64Array | Float32Array).set(sums);
  return out;
}

/**
 * {@linkcode rowSums} in TypeScript (integers, bools, complex numbers, byte
 * swapped floats; or no kernels): each row read a chunk at a time, its
 * squared deviations added to the column sums, each operation rounded in
 * the result type; a memory map's windows released behind.
 */
function rowSumsOf(
  a: NDArray,
  v: ReduceView,
  rows: number,
  cols: number,
  m: Float64Array,
  rt: DType,
  sums: Float64Array,
): void {
  const complex = a.dtype.kind === "c";
  const readType = complex ? C128 : F64;
  const round = rounderOf(rt);
  const size = a.itemsize;
  const width = Math.min(cols, CHUNK);
  const tmp = newDomainBuffer(readType, width) as Float64Array;
  const unit = complex ? 2 : 1;
  let releasedTo = v.offset;
  for (let i = 0; i < rows; i++) {
    const row = v.offset + i * cols * size;
    for (let c = 0; c < cols; c += width) {
      const k = Math.min(width, cols - c);
      readRun(v.io, row + c * size, size, k, tmp, readType, 0);
      if (complex) squaredComplex(tmp, k, m, c * unit, unit, round);
      else if (rt.itemsize === 8) squared64(tmp, k, m, c, 1);
      else squaredRounded(tmp, k, m, c, 1, round);
      if (rt.itemsize === 8) {
        for (let j = 0; j < k; j++) sums[c + j] += tmp[j];
      } else {for (let j = 0; j < k; j++) {
          sums[c + j] = round(sums[c + j] + tmp[j]);
        }}
    }
    const to = row + cols * size;
    if (v.release !== undefined && to - releasedTo >= WINDOW) {
      v.release(releasedTo, to - releasedTo);
      releasedTo = to;
    }
  }
  const end = v.offset + rows * cols * size;
  if (v.release !== undefined && end > releasedTo) {
    v.release(releasedTo, end - releasedTo);
  }
}

/**
 * The sums of the squared deviations when each result's elements are one
 * contiguous line (`var(-1)` of a C-order matrix, `var((1, 2))` of a C-order
 * 3-D array): the reduced axes form one block of memory, ascending, so that
 * NumPy sums each line of its deviations with one pairwise call. Each line
 * is made and summed by the kernels (NumPy's recursion, each operation
 * rounded in the element type) without making the deviations. Null when
 * the array is not so laid out, not float32/float64 or the kernels are not
 * available (the caller makes the deviations and sums them).
 */
function lineSums(
  a: NDArray,
  reduced: readonly boolean[],
  m: Float64Array,
  rt: DType,
  keepdims: boolean,
): NDArray | null {
  const kt = kernelFloatOf(a.dtype, rt);
  if (a.size === 0 || rt.itemsize === 2) return null;
  const size = a.itemsize;
  const inner = a.shape.flatMap((n, k) => reduced[k] && n !== 1 ? [k] : []);
  if (inner.length === 0) return null;
  // The reduced axes, C-contiguous among themselves with positive strides.
  let step = size, n = 1;
  for (let i = inner.length - 1; i >= 0; i--) {
    const k = inner[i];
    if (a.strides[k] !== step) return null;
    step *= a.shape[k];
    n *= a.shape[k];
  }
  const kept = a.shape.flatMap((d, k) => !reduced[k] && d !== 1 ? [k] : []);
  const lines = a.size / n;
  // Line j's first byte, the kept axes in C order (as the means are).
  const starts = new Float64Array(lines);
  const index = kept.map(() => 0);
  let at = 0;
  for (let j = 0; j < lines; j++) {
    starts[j] = at;
    for (let i = kept.length - 1; i >= 0; i--) {
      const k = kept[i];
      at += a.strides[k];
      if (++index[i] < a.shape[k]) break;
      at -= a.strides[k] * a.shape[k];
      index[i] = 0;
    }
  }
  // Lines in memory order (a memmap's windows are shown going forward).
  let order: number[] | null = null;
  for (let j = 1; j < lines && order === null; j++) {
    if (starts[j] < starts[j - 1]) {
      order = [...starts.keys()].sort((x, y) => starts[x] - starts[y]);
    }
  }
  const sums = new Float64Array(lines);
  const v = reduceViewOf(a, kt !== null);
  const done = kt !== null && withShower(v, (sh) => {
    if (sh === null) return false;
    for (let i = 0; i < lines; i++) {
      const j = order === null ? i : order[i];
      sums[j] = squaredDeviationsLine(sh, kt, v.offset + starts[j], n, m[j]);
    }
    return true;
  });
  if (!done) {
    // In TypeScript, a line at a time (windows released behind the lines).
    const w = v.prepared ? v : reduceViewOf(a, false);
    let unique = true;
    for (let j = 1; j < lines && unique; j++) {
      const [x, y] = order === null ? [j - 1, j] : [order[j - 1], order[j]];
      unique = starts[y] >= starts[x] + n * size;
    }
    const line = lineSummer(a, w, m, rt, unique);
    const unit = a.dtype.kind === "c" ? 2 : 1;
    for (let i = 0; i < lines; i++) {
      const j = order === null ? i : order[i];
      line.upTo(w.offset + starts[j]);
      sums[j] = line.sum(w.offset + starts[j], n, j * unit);
    }
    const last = order === null ? lines - 1 : order[lines - 1];
    line.end(w.offset + starts[last] + n * size);
  }
  const shape = reducedShape(a.shape, reduced, keepdims);
  const out = new NDArray(memoryStorage(lines * rt.itemsize), rt, shape);
  (out.data as Float64Array | Float32Array).set(sums);
  return out;
}

/**
 * The squared deviations from the mean, of the result type, in K order.
 *
 * @param a The array.
 * @param mean The mean (C order, reduced axes of length 1).
 * @param m The mean's values ({@linkcode valuesOf}).
 * @param rt The result type.
 * @returns The deviations.
 */
function deviations(
  a: NDArray,
  mean: NDArray,
  m: Float64Array,
  rt: DType,
): NDArray {
  const complex = a.dtype.kind === "c";
  const readType = complex ? C128 : F64;
  const meanStrides: number[] = [];
  let step = complex ? 16 : 8; // bytes of m per element
  for (let k = a.ndim - 1; k >= 0; k--) {
    meanStrides[k] = mean.shape[k] === 1 ? 0 : step;
    step *= mean.shape[k];
  }
  const strides = kOrderStrides(a.shape, a.strides, rt.itemsize);
  const bytes = a.size * rt.itemsize;
  const x = new NDArray(memoryStorage(bytes), rt, a.shape, strides);
  const out = x.data as Float64Array | Float32Array | Float16Array;
  const round = rounderOf(rt);
  // The walk below reads the view's windows ahead in memory order.
  const v = reduceViewOf(a, true);
  let tmp = newDomainBuffer(readType, 1024) as Float64Array;
  const unit = rt.itemsize;
  walk(
    a.shape,
    [
      { offset: v.offset, strides: v.strides },
      { offset: 0, strides },
      { offset: 0, strides: meanStrides },
    ],
    (offs, count, st) => {
      if (tmp.length < count * (complex ? 2 : 1)) {
        tmp = newDomainBuffer(readType, count) as Float64Array;
      }
      readRun(v.io, offs[0], st[0], count, tmp, readType, 0);
      const p = offs[2] / 8;
      const ps = st[2] / 8;
      if (complex) squaredComplex(tmp, count, m, p, ps, round);
      else if (unit === 8) squared64(tmp, count, m, p, ps);
      else squaredRounded(tmp, count, m, p, ps, round);
      const q = offs[1] / unit;
      const qs = st[1] / unit;
      if (qs === 1) out.set(tmp.subarray(0, count), q);
      else for (let i = 0; i < count; i++) out[q + i * qs] = tmp[i];
    },
    {
      memoryOrder: true,
      release: v.release,
      prefetch: v.prefetch,
      itemsize: a.itemsize,
    },
  );
  return x;
}

/** `x[i] = (x[i] - m[p + i·ps])²` in float64. */
function squared64(
  x: Float64Array,
  n: number,
  m: Float64Array,
  p: number,
  ps: number,
): void {
  for (let i = 0; i < n; i++, p += ps) {
    const d = x[i] - m[p];
    x[i] = d * d;
  }
}

/** `x[i] = (x[i] - m[p + i·ps])²`, each operation rounded by `round`. */
function squaredRounded(
  x: Float64Array,
  n: number,
  m: Float64Array,
  p: number,
  ps: number,
  round: (x: number) => number,
): void {
  for (let i = 0; i < n; i++, p += ps) {
    const d = round(x[i] - m[p]);
    x[i] = round(d * d);
  }
}

/** `x[i] = |z - mean|²` of the pairs `z = x[2i], x[2i + 1]`, each operation rounded by `round`. */
function squaredComplex(
  x: Float64Array,
  n: number,
  m: Float64Array,
  p: number,
  ps: number,
  round: (x: number) => number,
): void {
  for (let i = 0; i < n; i++, p += ps) {
    const re = round(x[2 * i] - m[p]);
    const im = round(x[2 * i + 1] - m[p + 1]);
    x[i] = round(round(re * re) + round(im * im));
  }
}

/**
 * NumPy's `var` (or `std`) of an open array.
 *
 * @param a The array.
 * @param std Whether to take the square root (`std`).
 * @param args The checked arguments.
 * @returns A number (no axis, no `keepdims`) or an in-memory array.
 * @throws {TypeError} For arrays of bytes, text, records, datetimes or long doubles.
 */
export function variance(
  a: NDArray,
  std: boolean,
  args: VarianceArgs,
): number | NDArray {
  const dt = a.dtype;
  if (!"biufc".includes(dt.kind) || wantsItems(dt)) {
    throw new TypeError(
      `Cannot ${
        callOf(std)
      } of an array of ${dt.name}: not supported for this type`,
    );
  }
  const rt = resultTypeOf(dt);
  const reduced = args.reduced ?? a.shape.map(() => true);
  let n = 1;
  a.shape.forEach((m, k) => n *= reduced[k] ? m : 1);
  const mean = meanOf(a, reduced, n);
  const m = valuesOf(mean, dt.kind === "c");
  const whole = streamedSum(a, reduced, m, rt);
  let sum: number | NDArray;
  if (whole === null) {
    const rows = rowSums(a, reduced, m, rt, args.keepdims) ??
      lineSums(a, reduced, m, rt, args.keepdims);
    if (rows !== null) sum = rows;
    else {
      const x = deviations(a, mean, m, rt);
      sum = reduceArray(x, "sum", {
        reduced: args.reduced,
        keepdims: args.keepdims,
      }) as number | NDArray;
    }
  } else if (args.reduced === null && !args.keepdims) sum = whole;
  else {
    const shape = reducedShape(a.shape, reduced, args.keepdims);
    sum = new NDArray(memoryStorage(rt.itemsize), rt, shape);
    (sum.data as Float64Array)[0] = whole;
  }
  const count = Math.max(n - args.ddof, 0);
  // NumPy divides by the count as an integer (or float64 ddof): in float64.
  const finish = rt.itemsize === 2
    ? (s: number) => {
      const q = Math.f16round(s / count);
      return std ? Math.f16round(Math.fround(Math.sqrt(q))) : q;
    }
    : (s: number) => {
      const q = rounderOf(rt)(s / count);
      return std ? rounderOf(rt)(Math.sqrt(q)) : q;
    };
  if (!(sum instanceof NDArray)) return finish(sum);
  return inPlace(sum, finish);
}

/** Replaces each element of a C-contiguous float array by `fn` of it (stored in its type). */
function inPlace(a: NDArray, fn: (x: number) => number): NDArray {
  const t = a.data as Float64Array | Float32Array | Float16Array;
  const o = a.byteOffset / a.itemsize;
  for (let i = o; i < o + a.size; i++) t[i] = fn(t[i]);
  return a;
}

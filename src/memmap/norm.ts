/**
 * NumPy's `np.linalg.norm`: vector norms along one axis (`ord` `null`/2, 1,
 * `Infinity`, `-Infinity`, 0 or any other power), matrix norms over two
 * axes (`"fro"`, 1, -1, `Infinity`, `-Infinity`), and the 2-norm of a whole
 * array, each computed as NumPy's Python code composes it from ufuncs and
 * reductions, so in the same types (integers and bools as float64, float16
 * and float32 in their own type, complex as real magnitudes) and, through
 * this library's NumPy-exact ufuncs and reductions, with NumPy's bits.
 *
 * The 2-norm along one axis (and of a whole array) is the square root of
 * the sum of squares: float32 and float64 data whose reduced axis is
 * contiguous (or, along an outer axis, whose rows follow each other; or a
 * whole array in one block of memory) are squared and summed by the
 * reduction kernels where they lie (a memory map's pages in place),
 * without making the squares: the same roundings and additions in the same
 * order as `x.mul(x).sum(axis)` (NumPy's pairwise sums along a line, row
 * after row along an outer axis). NumPy's whole-array norm is a BLAS dot
 * product, whose order differs: it agrees to an ulp or two.
 *
 * @module
 */

import {
  inKOrder,
  reductionLayout,
  relayout,
  resultStrides,
} from "./ufunc/layout.ts";
import { describe, isArray, toBoolean, toInt, toOptions } from "../_args.ts";
import { type DType, dtype as makeDType, nativeDType } from "./dtype.ts";
import { wantsItems } from "./item_arrays.ts";
import {
  type ArrayInput,
  fromData,
  isArrayObject,
  NDArray,
} from "./ndarray.ts";
import { sumRows, withShower } from "./reduce.ts";
import { reductionAxes } from "./reduce_axes.ts";
import type { Dim } from "./reduce_plan.ts";
import { reduceViewOf } from "./reductions.ts";
import { isDetached, memoryStorage, throwClosed } from "./storage.ts";
import type { FloatType } from "./kernels/reduce_kernels.ts";
import { kOrderStrides, rowSums, streamedSum } from "./variance.ts";

const CALL = "norm";
const F64 = nativeDType("float64");

/** Options of {@linkcode norm}. */
export interface NormOptions {
  /**
   * The order of the norm (NumPy's `ord`): for vectors `null` or 2 (the
   * Euclidean norm), 1, `Infinity`, `-Infinity` (largest, smallest
   * magnitude), 0 (the count of non-zero elements) or any other number p
   * (`sum(|x|^p)^(1/p)`); for matrices `null` or `"fro"` (Frobenius), 1,
   * -1 (largest, smallest column sum of magnitudes), `Infinity`,
   * `-Infinity` (largest, smallest row sum). Matrix orders 2, -2 and
   * `"nuc"` need a singular value decomposition, which the library does
   * not have: they throw a TypeError.
   */
  ord?: number | "fro" | "nuc" | null;
  /**
   * The axis of vector norms, or two axes (rows, columns) of matrix norms;
   * `null` (the default): the whole array, as a vector when `ord` is `null`
   * (the 2-norm of all elements), else as a vector (1-D) or matrix (2-D).
   */
  axis?: number | readonly [number, number] | null;
  /** Keep the reduced axes as length 1 (NumPy's `keepdims`). */
  keepdims?: boolean;
}

type Ord = number | "fro" | "nuc" | null;

function improper(): RangeError {
  return new RangeError(
    "Cannot norm: improper number of dimensions to norm (a vector norm takes one axis, a matrix norm two)",
  );
}

/** Reads `ord` (a number, `"fro"`, `"f"`, `"nuc"` or null). */
function ordOf(value: unknown): Ord {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return value;
  if (value === "fro" || value === "f") return "fro";
  if (value === "nuc") return "nuc";
  throw new TypeError(
    `Cannot norm with ord ${
      describe(value)
    }: ord must be a number, "fro", "nuc" or null`,
  );
}

function ordText(ord: Ord): string {
  return typeof ord === "string" ? `'${ord}'` : String(ord);
}

/** Reads `axis`: null, an integer, or a list of integers (order kept, not yet checked against the array). */
function axisOf(value: unknown): number[] | null {
  if (value === undefined || value === null) return null;
  if (!isArray(value)) return [toInt(value, CALL, "axis")];
  const n: unknown = value.length;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`Cannot ${CALL}: the list of axes has no length`);
  }
  if (n > 2) throw improper();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(toInt(value[i], CALL, "axis"));
  return out;
}

/** NumPy's result type of `norm`: the real type of floats and complex numbers, else float64. */
function realTypeOf(dt: DType): DType {
  if (dt.kind === "c") {
    return makeDType(`${dt.littleEndian ? "<" : ">"}f${dt.itemsize / 2}`);
  }
  return dt;
}

/** Rounds a float64 to a float type as NumPy's loops of that type do. */
function rounderOf(rt: DType): (x: number) => number {
  if (rt.itemsize === 4) return Math.fround;
  if (rt.itemsize === 2) return (x) => Math.f16round(Math.fround(x));
  return (x) => x;
}

/** The real and imaginary parts of a complex array, as views of its memory. */
function partsOf(x: NDArray): [NDArray, NDArray] {
  const rt = realTypeOf(x.dtype);
  return [0, rt.itemsize].map((at) =>
    new NDArray(x.storage, rt, x.shape, x.strides, x.byteOffset + at)
  ) as [NDArray, NDArray];
}

/**
 * A new array of type `dt` laid out as NumPy lays out a ufunc's result for
 * `x` (its K order: the axes in `x`'s memory order), so that the sums
 * over it add in NumPy's order.
 */
function kEmpty(x: NDArray, dt: DType): NDArray {
  const strides = kOrderStrides(x.shape, x.strides, dt.itemsize);
  return new NDArray(memoryStorage(x.size * dt.itemsize), dt, x.shape, strides);
}

/** `(conj(x) * x).real` as NumPy computes it: `re·re + im·im` for complex, `x·x` otherwise (K order). */
function squares(x: NDArray): NDArray {
  const rt = realTypeOf(x.dtype).toNative();
  if (x.dtype.kind !== "c") return x.mul(x, { out: kEmpty(x, rt) }) as NDArray;
  const [re, im] = partsOf(x);
  const s = re.mul(re, { out: kEmpty(x, rt) }) as NDArray;
  return s.add(im.mul(im, { out: kEmpty(x, rt) }), { out: s }) as NDArray;
}

/** `abs(x)` in K order (of the real type). */
function absOf(x: NDArray): NDArray {
  return x.abs({ out: kEmpty(x, realTypeOf(x.dtype).toNative()) }) as NDArray;
}

/** A float array or number whose elements are replaced by `fn` of them. */
function mapValues(r: NDArray | number, fn: (x: number) => number) {
  if (typeof r === "number") return fn(r);
  const t = r.data as Float64Array | Float32Array | Float16Array;
  const o = r.byteOffset / r.itemsize;
  for (let i = o; i < o + r.size; i++) t[i] = fn(t[i]);
  return r;
}

/** A new C-contiguous array of type `rt` over float64 values. */
function arrayOf(values: Float64Array, rt: DType, shape: number[]): NDArray {
  const out = new NDArray(
    memoryStorage(values.length * rt.itemsize),
    rt,
    shape,
  );
  (out.data as Float64Array | Float32Array | Float16Array).set(values);
  return out;
}

/** The kernels' float type of little-endian float32/float64 data, or null. */
function kernelTypeOf(dt: DType): FloatType | null {
  if (dt.kind !== "f" || !dt.littleEndian) return null;
  return dt.itemsize === 8 ? "float64" : dt.itemsize === 4 ? "float32" : null;
}

/**
 * The sum of squares along one axis by the kernels, without making the
 * squares (`x.mul(x).sum(axis)`'s bits), or null when the layout is not
 * one they read: a contiguous reduced axis (NumPy's pairwise sum of each
 * line) or rows following each other along an outer axis.
 */
function fusedSquares(
  x: NDArray,
  axis: number,
  keepdims: boolean,
): NDArray | null {
  const kt = kernelTypeOf(x.dtype);
  const n = x.shape[axis];
  if (kt === null || x.size === 0 || n <= 1) return null;
  const reduced = x.shape.map((_, k) => k === axis);
  const shape = x.shape.flatMap((m, k) =>
    k !== axis ? [m] : keepdims ? [1] : []
  );
  const size = x.itemsize;
  if (x.strides[axis] === size) {
    const v = reduceViewOf(x, false);
    const out = new Float64Array(x.size / n);
    const lines: Dim[] = x.shape.flatMap((m, k) =>
      k === axis ? [] : [{ n: m, s: x.strides[k] }]
    );
    const round = kt === "float32" ? Math.fround : (s: number) => s;
    const done = withShower(v, (sh) => {
      if (sh === null || n * size > sh.limit) return false;
      sumRows(sh, kt, v, lines, n, out, round, "sqsumRows");
      return true;
    });
    return done ? arrayOf(out, x.dtype.toNative(), shape) : null;
  }
  const zeros = new Float64Array(x.size / n);
  return rowSums(x, reduced, zeros, x.dtype.toNative(), keepdims);
}

/** `sqrt` of each element, rounded in the element type (NumPy's `sqrt` loop). */
function rooted(r: NDArray | number, rt: DType): NDArray | number {
  const round = rounderOf(rt);
  return mapValues(r, (s) => round(Math.sqrt(s)));
}

/** The 2-norm of all elements: `sqrt(dot(x, x))` of the flattened array. */
function wholeNorm(x: NDArray, keepdims: boolean): NDArray | number {
  const rt = realTypeOf(x.dtype);
  const round = rounderOf(rt);
  let s: number | null = null;
  if (x.dtype.kind === "f" && x.dtype.itemsize >= 4 && x.size > 0) {
    s = streamedSum(x, x.shape.map(() => true), new Float64Array(1), rt);
  }
  if (s === null) {
    if (rt.itemsize === 2) s = halfDot(x);
    else if (x.dtype.kind === "c") {
      const [re, im] = partsOf(x);
      s = round(
        (re.mul(re).sum() as number) + (im.mul(im).sum() as number),
      );
    } else s = x.mul(x).sum() as number;
  }
  const r = round(Math.sqrt(s));
  if (!keepdims) return r;
  return arrayOf(Float64Array.of(r), rt.toNative(), x.shape.map(() => 1));
}

/** NumPy's float16 `dot(x, x)`: products and sum in float32, rounded to half once. */
function halfDot(x: NDArray): number {
  const parts = x.dtype.kind === "c" ? partsOf(x) : [x];
  let total = 0;
  for (const p of parts) {
    const v = p.astype("float32").toTypedArray() as Float32Array;
    let acc = 0;
    for (let i = 0; i < v.length; i++) {
      acc = Math.fround(acc + Math.fround(v[i] * v[i]));
    }
    total = Math.f16round(Math.fround(total + Math.f16round(acc)));
  }
  return Math.f16round(total);
}

/** Vector norms along one axis (NumPy's formulas). */
function vectorNorm(
  x: NDArray,
  ord: Ord,
  axis: number,
  keepdims: boolean,
): NDArray | number {
  const rt = realTypeOf(x.dtype);
  const o = { keepdims };
  const n = x.shape[axis];
  if (ord === null || ord === 2) {
    const fused = x.dtype.kind === "f" ? fusedSquares(x, axis, keepdims) : null;
    return rooted(fused ?? (squares(x).sum(axis, o) as NDArray), rt);
  }
  if (typeof ord === "string") throw vectorOrd(ord);
  const abs = absOf(x);
  if (ord === Infinity) {
    // NumPy's max(initial=0): an empty axis gives zeros.
    return (n === 0 ? abs.sum(axis, o) : abs.max(axis, o)) as NDArray;
  }
  if (ord === -Infinity) {
    if (n === 0) throw emptyExtreme("minimum");
    return abs.min(axis, o) as NDArray;
  }
  if (ord === 0) return x.ne(0).astype(rt).sum(axis, o) as NDArray;
  if (ord === 1) return abs.sum(axis, o) as NDArray;
  const round = rounderOf(rt);
  const p = round(ord);
  const sum = abs.pow(p, { out: abs }).sum(axis, o) as NDArray | number;
  const inverse = round(1 / p);
  if (typeof sum === "number") return round(Math.pow(sum, inverse));
  return sum.pow(inverse) as NDArray;
}

function vectorOrd(ord: Ord): TypeError {
  return new TypeError(
    `Cannot norm with ord ${ordText(ord)}: invalid norm order for vectors`,
  );
}

function emptyExtreme(which: string): RangeError {
  return new RangeError(
    `Cannot norm: zero-size array to reduction operation ${which} which has no identity`,
  );
}

/** Matrix norms over two axes (rows `r`, columns `c`; NumPy's formulas). */
function matrixNorm(
  x: NDArray,
  ord: Ord,
  r: number,
  c: number,
  keepdims: boolean,
): NDArray | number {
  if (ord === 2 || ord === -2 || ord === "nuc") {
    throw new TypeError(
      `Cannot norm with ord ${
        ordText(ord)
      } over two axes: matrix 2-norms and nuclear norms need a singular value decomposition, which the library does not have`,
    );
  }
  const k = { keepdims: true };
  let ret: NDArray;
  if (ord === null || ord === "fro") {
    ret = rooted(
      squares(x).sum([r, c], k) as NDArray,
      realTypeOf(x.dtype),
    ) as NDArray;
  } else if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // 1: the largest column sum (sum over rows, extreme over columns).
    const [summed, over] = ord === 1 || ord === -1 ? [r, c] : [c, r];
    const sums = absOf(x).sum(summed, k) as NDArray;
    if (sums.shape[over] === 0) {
      // NumPy's max(initial=0) gives zeros; min has no identity.
      if (ord < 0) throw emptyExtreme("minimum");
      ret = sums.sum(over, k) as NDArray;
    } else ret = (ord > 0 ? sums.max(over, k) : sums.min(over, k)) as NDArray;
  } else {
    throw new TypeError(
      `Cannot norm with ord ${ordText(ord)}: invalid norm order for matrices`,
    );
  }
  if (keepdims) return ret;
  const shape = x.shape.filter((_, i) => i !== r && i !== c);
  return ret.reshape(...shape) as NDArray;
}

/**
 * A matrix or vector norm, as NumPy's `np.linalg.norm(x, ord, axis,
 * keepdims)`.
 *
 * With no `ord` and no `axis`, the 2-norm of all elements (the Frobenius
 * norm of a matrix); with `axis` one axis, vector norms along it; with two
 * axes, matrix norms of the matrices they span (rows, then columns); with
 * `ord` but no `axis`, a vector norm of a 1-D array or a matrix norm of a
 * 2-D one. Integers and bools are computed in float64, float16 and float32
 * in their own type, complex numbers by magnitude; the result is real.
 *
 * The 2-norm along one axis of float32/float64 data squares and sums in
 * one pass where the data lies (a memory map read in place), with the
 * same bits as `x.mul(x).sum(axis).sqrt()`: the cosine similarity of a
 * row against a matrix is `m.matmul(v).div(norm(m, { axis: 1 }).mul(norm(v)))`
 * with no temporary the size of `m`.
 *
 * @example Row norms and a cosine similarity
 * ```ts
 * import { array, norm } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const m = array([[3, 4], [6, 8], [0, 0]], { dtype: "float32" });
 * assert.deepEqual(norm(m, { axis: 1 }).toArray(), [5, 10, 0]);
 * assert.equal(norm([3, 4]), 5);
 * assert.equal(norm(m, { ord: 1 }), 12); // the largest column sum
 * const v = array([3, 4], { dtype: "float32" });
 * const cos = m.matmul(v).div(norm(m, { axis: 1 }).mul(norm(v)));
 * assert.deepEqual(cos.toArray().slice(0, 2), [1, 1]);
 * ```
 *
 * @param x The array (or anything {@linkcode array} takes).
 * @param options `ord`, `axis` and `keepdims`.
 * @returns A number with no `axis` and no `keepdims` (as `sum()`), else an
 *   in-memory array of the real type (0-d when every axis is reduced).
 * @throws {TypeError} For an `ord` that is not a number, `"fro"`, `"nuc"` or
 *   null, one invalid for vectors or matrices, matrix orders 2, -2 and
 *   `"nuc"` (no SVD), an axis that is not an integer, bad options, or an
 *   array of a type with no norm (text, records, datetimes).
 * @throws {RangeError} For an axis that does not exist or is repeated, more
 *   than two axes (or an `ord` with no axis for an array that is not 1-D or
 *   2-D), and `-Infinity` (or a matrix norm's extreme) over an empty axis.
 * @throws {Deno.errors.BadResource} If the array's memory map is closed.
 */
export function norm(
  x: ArrayInput,
  options: NormOptions & { axis: number | readonly [number, number] },
): NDArray;
/**
 * NumPy's `np.linalg.norm` with `keepdims`: an array (see the first signature).
 *
 * @param x The array.
 * @param options `ord`, `axis` and `keepdims`.
 * @returns An in-memory array of the real type.
 */
export function norm(
  x: ArrayInput,
  options: NormOptions & { keepdims: true },
): NDArray;
/**
 * NumPy's `np.linalg.norm` of the whole array (no axis, no `keepdims`): a number (see the first signature).
 *
 * @param x The array.
 * @param options `ord`, `axis` and `keepdims`.
 * @returns The norm.
 */
export function norm(
  x: ArrayInput,
  options?: NormOptions & { axis?: null; keepdims?: false },
): number;
/**
 * NumPy's `np.linalg.norm` (see the first signature).
 *
 * @param x The array.
 * @param options `ord`, `axis` and `keepdims`.
 * @returns A number (no axis, no `keepdims`) or an array.
 */
export function norm(x: ArrayInput, options?: NormOptions): NDArray | number;
export function norm(
  x: ArrayInput,
  options?: NormOptions,
): NDArray | number {
  const opts = toOptions(options, CALL);
  const ord = ordOf(opts.ord);
  const axes = axisOf(opts.axis);
  const keepdims = toBoolean(opts.keepdims, false, CALL, "keepdims");
  let a = isArrayObject(x) ? x : fromData(x, undefined, false);
  if (isDetached(a.storage)) throwClosed(a.storage);
  const dt = a.dtype;
  if (!"biufc".includes(dt.kind) || wantsItems(dt)) {
    throw new TypeError(
      `Cannot norm an array of ${dt.name}: not supported for this type`,
    );
  }
  const nd = a.ndim;
  if (axes !== null && axes.length === 1 && typeof ord === "string") {
    throw vectorOrd(ord); // NumPy checks this before the axis
  }
  if (axes !== null) reductionAxes(axes, nd, CALL); // ranges and repeats
  if (dt.kind !== "f" && dt.kind !== "c") a = a.astype(F64) as NDArray;
  if (
    axes === null &&
    (ord === null || (ord === "fro" && nd === 2) || (ord === 2 && nd === 1))
  ) return wholeNorm(a, keepdims);
  const list = (axes ?? a.shape.map((_, k) => k)).map((k) =>
    k < 0 ? k + nd : k
  );
  const rooted = ord === null || ord === "fro" ||
    (list.length === 1 && ord === 2);
  let r: NDArray | number;
  if (list.length === 1) {
    if (axes !== null || keepdims) {
      // Made in the layout of the reduction (the input's K order), then
      // `sqrt`'s (an element-wise result's, the same bytes).
      const out = inKOrder(
        a,
        a.shape.map((_, k) => k === list[0]),
        keepdims,
        (v) => vectorNorm(v, ord, list[0], keepdims) as NDArray,
        true,
      );
      return rooted
        ? relayout(out, resultStrides(out.shape, [out], out.itemsize))
        : out;
    }
    r = vectorNorm(a, ord, list[0], keepdims);
  } else if (list.length === 2) {
    r = matrixNorm(a, ord, list[0], list[1], keepdims);
  } else throw improper();
  // No axis: a number, as the whole-array reductions give.
  if (typeof r === "number") return r;
  if (axes === null && !keepdims) return scalarOf(r);
  return matrixLayout(r, a, list, ord, rooted, keepdims);
}

/**
 * A matrix norm's result `r` of `a` along the two axes `list` laid out as
 * NumPy's `linalg.norm` lays it out (attack13 C9): the reduction's layout
 * (the input's K order), then for `sqrt` of it (`rooted`) an element-wise
 * result's layout, then with `keepdims` the reshape to length-1 axes. The
 * singular-value norms stay C-contiguous, as NumPy's.
 */
function matrixLayout(
  r: NDArray,
  a: NDArray,
  list: number[],
  ord: Ord,
  rooted: boolean,
  keepdims: boolean,
): NDArray {
  if (ord === 2 || ord === -2 || ord === "nuc") return r;
  const mask = a.shape.map((_, k) => list.includes(k));
  const shape = a.shape.filter((_, k) => !mask[k]);
  let out = reductionLayout(
    keepdims ? r.reshape(...shape) as NDArray : r,
    a,
    mask,
    false,
    true,
  );
  if (rooted) {
    out = relayout(out, resultStrides(out.shape, [out], out.itemsize));
  }
  return keepdims ? out.reshape(...r.shape) as NDArray : out;
}

/** The value of a float array of one element. */
function scalarOf(r: NDArray): number {
  return (r.data as Float64Array)[r.byteOffset / r.itemsize];
}

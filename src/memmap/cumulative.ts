/**
 * `cumsum` and `cumprod` as NumPy's `add.accumulate`/`multiply.accumulate`:
 * the array converted to NumPy's result type (int64 for bools and signed
 * integers, uint64 for unsigned ones, the type itself for floats and
 * complex numbers; integers wrap modulo 2^64), then each element combined
 * with the running result before it along the axis, one step after
 * another, rounded to the result type at every step as NumPy's loops do.
 * Without an axis the array is flattened in C order. Memory maps are read
 * a window at a time by the conversion; the result is in memory.
 *
 * @module
 */

import { type DType, nativeDType } from "./dtype.ts";
import { wantsItems } from "./item_arrays.ts";
import type { NDArray } from "./ndarray.ts";
import { singleAxis } from "./reduce_axes.ts";
import { castCopy } from "./ufunc/engine.ts";
import { fma, fma32 } from "./ufunc/helpers.ts";

const I64 = nativeDType("int64");
const U64 = nativeDType("uint64");

function callOf(prod: boolean): string {
  return `compute the cumulative ${prod ? "product" : "sum"}`;
}

/**
 * Converts and checks the axis of `cumsum`/`cumprod`: one integer or none
 * (a 0-d array counts as one element along axis 0).
 *
 * @param prod Whether the call is `cumprod`.
 * @param ndim The array's number of axes.
 * @param axis The axis argument.
 * @returns The axis, or `null` for the flattened array.
 * @throws {TypeError} For an axis that is not one integer.
 * @throws {RangeError} For an axis that does not exist.
 */
export function cumulativeAxis(
  prod: boolean,
  ndim: number,
  axis: unknown,
): number | null {
  const k = singleAxis(axis, ndim, callOf(prod));
  return ndim === 0 ? null : k;
}

/** NumPy's result type of `cumsum`/`cumprod`. */
function resultTypeOf(dt: DType): DType {
  if (dt.kind === "b" || dt.kind === "i") return I64;
  if (dt.kind === "u") return U64;
  return dt.toNative();
}

type Parts =
  | Float64Array
  | Float32Array
  | Float16Array
  | BigInt64Array
  | BigUint64Array;

/**
 * NumPy's `cumsum` (or `cumprod`) of an open array.
 *
 * @param a The array.
 * @param prod Whether to multiply (`cumprod`).
 * @param axis The axis, or `null` to flatten.
 * @returns A new in-memory array (1-D without an axis).
 * @throws {TypeError} For arrays of bytes, text, records, datetimes or long doubles.
 */
export function cumulate(
  a: NDArray,
  prod: boolean,
  axis: number | null,
): NDArray {
  const dt = a.dtype;
  if (!"biufc".includes(dt.kind) || wantsItems(dt)) {
    throw new TypeError(
      `Cannot ${
        callOf(prod)
      } of an array of ${dt.name}: not supported for this type`,
    );
  }
  // A C-contiguous copy (astype keeps the array's memory order).
  let r = castCopy(a, resultTypeOf(dt));
  if (axis === null) r = r.reshape(r.size);
  const k = axis ?? 0;
  const complex = dt.kind === "c";
  const parts = complex ? 2 : 1;
  // C-contiguous: `n` steps along the axis, `inner` parts per step.
  const n = r.shape[k];
  let inner = parts;
  for (let j = k + 1; j < r.ndim; j++) inner *= r.shape[j];
  const outer = r.size === 0 ? 0 : r.size / (n * (inner / parts));
  const t = r.data as Parts;
  const start = (r.byteOffset / r.itemsize) * parts;
  for (let o = 0; o < outer; o++) {
    const base = start + o * n * inner;
    if (complex && prod) {
      multiplyComplex(t as Float64Array, base, n, inner, dt.itemsize === 8);
    } else {
      accumulate(t, base, n, inner, prod);
    }
  }
  return r;
}

/**
 * `t[i] = t[i - inner] op t[i]` for the steps of one line, in the array's
 * type: the sum or product of two float16/float32 values is rounded once on
 * the store (float64 holds it exactly or rounds it innocuously), as NumPy's
 * loops round. One loop per array type keeps each loop monomorphic.
 */
function accumulate(
  t: Parts,
  base: number,
  n: number,
  inner: number,
  prod: boolean,
): void {
  const end = base + n * inner;
  if (t instanceof Float64Array) {
    if (prod) mulF64(t, base + inner, end, inner);
    else addF64(t, base + inner, end, inner);
  } else if (t instanceof Float32Array) {
    if (prod) mulF32(t, base + inner, end, inner);
    else addF32(t, base + inner, end, inner);
  } else if (t instanceof Float16Array) {
    for (let i = base + inner; i < end; i++) {
      t[i] = prod ? t[i] * t[i - inner] : t[i] + t[i - inner];
    }
  } else {
    const b = t as BigInt64Array;
    if (prod) { for (let i = base + inner; i < end; i++) b[i] *= b[i - inner]; }
    else for (let i = base + inner; i < end; i++) b[i] += b[i - inner];
  }
}

function addF64(t: Float64Array, i: number, end: number, s: number): void {
  for (; i < end; i++) t[i] += t[i - s];
}

function mulF64(t: Float64Array, i: number, end: number, s: number): void {
  for (; i < end; i++) t[i] *= t[i - s];
}

function addF32(t: Float32Array, i: number, end: number, s: number): void {
  for (; i < end; i++) t[i] += t[i - s];
}

function mulF32(t: Float32Array, i: number, end: number, s: number): void {
  for (; i < end; i++) t[i] *= t[i - s];
}

/**
 * Complex products along one line, as NumPy's loop: re = ar·br - ai·bi and
 * im = ar·bi + ai·br, each operation rounded to the part type. NumPy calls
 * its loop once per line with the `n - 1` products; when that is one
 * product its SIMD loop runs (no overlap of input and output), which fuses:
 * re = fma(ar, br, -(ai·bi)), im = fma(ar, bi, ai·br) (measured against
 * NumPy 2.4 on x86-64).
 */
function multiplyComplex(
  t: Float64Array,
  base: number,
  n: number,
  inner: number,
  c64: boolean,
): void {
  const f = c64 ? Math.fround : (x: number) => x;
  const mulAdd = n === 2
    ? (c64 ? fma32 : fma)
    : (a: number, b: number, c: number) => f(a * b) + c;
  const end = base + n * inner;
  for (let i = base + inner; i < end; i += 2) {
    const ar = t[i - inner], ai = t[i - inner + 1], br = t[i], bi = t[i + 1];
    t[i] = f(mulAdd(ar, br, -f(ai * bi)));
    t[i + 1] = f(mulAdd(ar, bi, f(ai * br)));
  }
}

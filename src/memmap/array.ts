/**
 * `array()`: in-memory arrays from JavaScript data.
 *
 * @module
 */

import { dtype as toDType, type DTypeLike } from "./dtype.ts";
import { toOptions, toShape } from "../_args.ts";
import { fromData, type NDArray } from "./ndarray.ts";
import type { NameOf } from "./types.ts";
import type { Complex, Scalar } from "./ndarray.ts";

/**
 * What {@linkcode array} takes: a scalar, a typed array, (nested)
 * JavaScript data or an array; for bytes, text, records and datetimes also
 * one element's value (a string, a `Uint8Array`, an object, a `Date`,
 * `null`).
 */
export type ArrayData =
  | Scalar
  | Complex
  | ArrayLike<Scalar | Complex>
  | readonly unknown[]
  | NDArray
  | string
  | Date
  | null
  | { readonly [field: string]: unknown };

/** Options of {@linkcode array}. */
export interface ArrayOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; inferred when omitted (see {@linkcode array}). */
  dtype?: D;
  /** A shape to give the data (its size must match). */
  shape?: readonly number[];
}

/**
 * Creates an in-memory array from JavaScript data, copying it (NumPy
 * `np.array`). Typed arrays keep their type (Float64Array → float64,
 * Int32Array → int32, BigInt64Array → int64 ...). For plain arrays the type
 * is inferred as NumPy does, with one difference: JavaScript numbers are
 * doubles, so numbers give float64 even when they are whole (pass
 * `dtype: "int64"` for NumPy's integer default); bigints give int64,
 * booleans bool and `{ re, im }` pairs complex128.
 *
 * @param data A scalar, a typed array, or a (nested) array of numbers, bigints, booleans or `{ re, im }`.
 * @param options The type and shape.
 * @returns The array.
 * @throws {TypeError} If the nesting is ragged, a value has an unsupported type, the type is not understood, or the shape does not fit.
 * @throws {RangeError} If an integer does not fit the requested integer type.
 *
 * @example Arrays from data
 * ```ts
 * import { array } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = array([[1, 2], [3, 4]]);
 * assert.equal(a.dtype.name, "float64");
 * const b = array([1, 2, 3, 4, 5, 6], { dtype: "int16", shape: [2, 3] });
 * assert.deepEqual(b.shape, [2, 3]);
 * assert.equal(b.get(1, 2), 6);
 * assert.equal(array(new Int32Array([1, 2])).dtype.name, "int32");
 * ```
 */
export function array<const D extends DTypeLike>(
  data: ArrayData,
  options: ArrayOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * An in-memory array of the type inferred from `data` (or given at run time).
 *
 * @param data The data.
 * @param options The type and shape.
 * @returns The array.
 */
export function array(data: ArrayData, options?: ArrayOptions): NDArray;
export function array(
  data: ArrayData,
  options?: ArrayOptions,
): NDArray {
  const call = "create an array";
  const o = toOptions(options, call);
  const dtypeOption = o.dtype, shapeOption = o.shape;
  const dt = dtypeOption === undefined ? undefined : toDType(dtypeOption);
  const shape = shapeOption === undefined
    ? undefined
    : toShape(shapeOption, call, dt?.itemsize ?? 1);
  return fromData(data, dt, true, shape);
}

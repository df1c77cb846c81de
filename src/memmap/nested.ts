/**
 * Turning JavaScript data (typed arrays, flat or nested arrays of numbers,
 * bigints, booleans and `{ re, im }` pairs) into a shape, a flat list of
 * values and the data type NumPy-like inference gives them.
 *
 * @module
 */

import { type DType, type DTypeName, nativeDType } from "./dtype.ts";
import type { TypedArray } from "./element.ts";
import {
  checkDims,
  checkSpan,
  describe,
  isArray,
  isRevoked,
  plainView,
  typedArrayTag,
} from "../_args.ts";

/** A complex number as `get()` returns it for complex types. */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/** One value as read from or written to an array element. */
export type Element = number | bigint | boolean | Complex;

/** Tells whether a value is a `{ re, im }` pair. */
export function isComplex(x: unknown): x is Complex {
  return complexParts(x) !== undefined;
}

/**
 * The parts of a `{ re, im }` pair, each read once (a getter runs once), or
 * `undefined` for anything else.
 *
 * @param x Any value.
 * @returns `[re, im]`, or `undefined`.
 */
export function complexParts(x: unknown): [number, number] | undefined {
  if (typeof x !== "object" || x === null || isRevoked(x)) return undefined;
  const re = (x as Complex).re;
  if (typeof re !== "number") return undefined;
  const im = (x as Complex).im;
  return typeof im === "number" ? [re, im] : undefined;
}

/** The data type of each typed array class. */
const TYPED_DTYPES: Record<string, DTypeName> = {
  Float64Array: "float64",
  Float32Array: "float32",
  Float16Array: "float16",
  Int8Array: "int8",
  Uint8Array: "uint8",
  Uint8ClampedArray: "uint8",
  Int16Array: "int16",
  Uint16Array: "uint16",
  Int32Array: "int32",
  Uint32Array: "uint32",
  BigInt64Array: "int64",
  BigUint64Array: "uint64",
};

/** Returns the data type of a typed array's elements, or `undefined` for other values (a brand check: runs no code of the value). */
export function typedArrayDType(x: unknown): DType | undefined {
  const tag = typedArrayTag(x);
  return tag === undefined || !Object.hasOwn(TYPED_DTYPES, tag)
    ? undefined
    : nativeDType(TYPED_DTYPES[tag]);
}

/** Flattened data: its shape, its values in C order, and the type inferred from them. */
export interface Flat {
  /** The shape of the nesting. */
  shape: number[];
  /** The values in C order. */
  values: ArrayLike<unknown>;
  /** The inferred type. */
  dtype: DType;
  /** The typed array itself, when the data was one typed array. */
  typed?: TypedArray;
}

/** A list level of nested data: an array or a typed array (not a DataView). */
function isList(x: unknown): x is ArrayLike<unknown> {
  return isArray(x) || (typedArrayTag(x) !== undefined);
}

/** The most elements one list may have: JavaScript's longest array. */
const MAX_LIST = 2 ** 32 - 1;

/** The length of a list level, checked to be a count (a Proxy may say anything). */
function lengthOf(x: ArrayLike<unknown>, depth: number): number {
  const n: unknown = x.length;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_LIST) {
    throw new TypeError(
      `Cannot create an array from a list of length ${
        describe(n)
      } at depth ${depth}: a length must be a count up to 2**32 - 1`,
    );
  }
  return n;
}

/**
 * Flattens (possibly nested) data: arrays, typed arrays and array-like
 * objects (`{ length, 0: ..., 1: ... }`, read by index without copying), at
 * most 64 levels deep (NumPy's limit on dimensions; a list that contains
 * itself is refused the same way), every element checked as it is read.
 *
 * @throws {TypeError} If the nesting is ragged or a value is not a number, bigint, boolean or `{ re, im }`.
 * @throws {RangeError} If the data nests more than 64 levels deep.
 */
export function flatten(data: unknown): Flat {
  const td = typedArrayDType(data);
  if (td !== undefined) {
    const typed = plainView(data as TypedArray) as TypedArray;
    return { shape: [typed.length], values: typed, dtype: td, typed };
  }
  // An array-like object ({ length, 0: ..., 1: ... }) at the top is one
  // more list level, read by index, never copied whole first.
  const arrayLike = !isList(data) && typeof data === "object" &&
      data !== null && !isRevoked(data) && complexParts(data) === undefined &&
      "length" in data
    ? data
    : undefined;
  const isLevel = (x: unknown): x is ArrayLike<unknown> =>
    isList(x) || (x === arrayLike && x !== undefined);
  const shape: number[] = [];
  let probe: unknown = data;
  while (isLevel(probe)) {
    const n = lengthOf(probe, shape.length);
    shape.push(n);
    checkDims(shape.length, "create an array from nested data");
    if (n === 0) break;
    probe = probe[0];
  }
  checkSpan(shape, 1, "create an array from nested data");
  const values: unknown[] = [];
  let sawFloat = false,
    sawInt = false,
    sawBig = false,
    sawBool = false,
    sawComplex = false;
  const visit = (x: unknown, depth: number): void => {
    if (depth < shape.length) {
      if (!isLevel(x) || lengthOf(x, depth) !== shape[depth]) {
        throw new TypeError(
          `Cannot create an array from nested data of inhomogeneous shape: expected length ${
            shape[depth]
          } at depth ${depth}`,
        );
      }
      const n = shape[depth];
      for (let i = 0; i < n; i++) visit(x[i], depth + 1);
      return;
    }
    if (typeof x === "number") {
      if (Number.isInteger(x)) sawInt = true;
      else sawFloat = true;
    } else if (typeof x === "bigint") sawBig = true;
    else if (typeof x === "boolean") sawBool = true;
    else if (complexParts(x) !== undefined) sawComplex = true;
    else if (isLevel(x)) {
      throw new TypeError(
        `Cannot create an array from nested data of inhomogeneous shape: unexpected list at depth ${depth}`,
      );
    } else {
      throw new TypeError(
        `Cannot create an array from ${
          describe(x)
        }: elements must be numbers, bigints, booleans or { re, im }`,
      );
    }
    values.push(x);
  };
  visit(data, 0);
  let name: DTypeName;
  if (sawComplex) name = "complex128";
  else if (sawFloat || sawInt) name = "float64";
  else if (sawBig) name = "int64";
  else if (sawBool) name = "bool";
  else name = "float64";
  return { shape, values, dtype: nativeDType(name) };
}

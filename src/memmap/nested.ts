/**
 * Turning JavaScript data (typed arrays, flat or nested arrays of numbers,
 * bigints, booleans and `{ re, im }` pairs) into a shape, a flat list of
 * values and the data type NumPy-like inference gives them.
 *
 * @module
 */

import { type DType, type DTypeName, nativeDType } from "./dtype.ts";
import type { TypedArray } from "./element.ts";

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
  return typeof x === "object" && x !== null &&
    typeof (x as Complex).re === "number" &&
    typeof (x as Complex).im === "number";
}

/** Returns the data type of a typed array's elements, or `undefined` for other values. */
export function typedArrayDType(x: unknown): DType | undefined {
  let name: DTypeName | undefined;
  if (x instanceof Float64Array) name = "float64";
  else if (x instanceof Float32Array) name = "float32";
  else if (x instanceof Float16Array) name = "float16";
  else if (x instanceof Int8Array) name = "int8";
  else if (x instanceof Uint8Array || x instanceof Uint8ClampedArray) {
    name = "uint8";
  } else if (x instanceof Int16Array) name = "int16";
  else if (x instanceof Uint16Array) name = "uint16";
  else if (x instanceof Int32Array) name = "int32";
  else if (x instanceof Uint32Array) name = "uint32";
  else if (x instanceof BigInt64Array) name = "int64";
  else if (x instanceof BigUint64Array) name = "uint64";
  return name === undefined ? undefined : nativeDType(name);
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

function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) ||
    (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * Flattens (possibly nested) data.
 *
 * @throws {TypeError} If the nesting is ragged or a value is not a number, bigint, boolean or `{ re, im }`.
 */
export function flatten(data: unknown): Flat {
  const td = typedArrayDType(data);
  if (td !== undefined) {
    const typed = data as TypedArray;
    return { shape: [typed.length], values: typed, dtype: td, typed };
  }
  if (
    !isList(data) && typeof data === "object" && data !== null &&
    !isComplex(data) && "length" in data
  ) {
    data = Array.from(data as ArrayLike<unknown>);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (isList(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: unknown[] = [];
  let sawFloat = false,
    sawInt = false,
    sawBig = false,
    sawBool = false,
    sawComplex = false;
  const visit = (x: unknown, depth: number): void => {
    if (depth < shape.length) {
      if (!isList(x) || x.length !== shape[depth]) {
        throw new TypeError(
          `Cannot create an array from nested data of inhomogeneous shape: expected length ${
            shape[depth]
          } at depth ${depth}`,
        );
      }
      for (let i = 0; i < x.length; i++) visit(x[i], depth + 1);
      return;
    }
    if (typeof x === "number") {
      if (Number.isInteger(x)) sawInt = true;
      else sawFloat = true;
    } else if (typeof x === "bigint") sawBig = true;
    else if (typeof x === "boolean") sawBool = true;
    else if (isComplex(x)) sawComplex = true;
    else if (isList(x)) {
      throw new TypeError(
        `Cannot create an array from nested data of inhomogeneous shape: unexpected list at depth ${depth}`,
      );
    } else {
      throw new TypeError(
        `Cannot create an array from ${
          String(x)
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

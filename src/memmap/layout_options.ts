/**
 * The options that lay an array over existing bytes (a file, a shared-memory
 * block): element type, byte offset, shape and order, as NumPy's
 * `np.memmap(dtype, offset, shape, order)` and `np.ndarray(shape, dtype,
 * buffer, offset, order)` take them.
 *
 * @module
 */

import { type DType, dtype as toDType, type DTypeLike } from "./dtype.ts";
import { describe, toShape, toSize } from "../_args.ts";

/** The options as given, each read once by the caller. */
export interface GivenLayout {
  dtype?: DTypeLike;
  offset?: number;
  shape?: number | readonly number[] | null;
  order?: "C" | "F";
}

/** The options converted and checked. */
export interface Layout {
  /** The element type (default `uint8`). */
  dt: DType;
  /** The byte offset (default 0). */
  offset: number;
  /** `"C"` (default) or `"F"`. */
  order: "C" | "F";
  /** The shape, or `undefined` for "the rest of the bytes as 1-D". */
  shape: number[] | undefined;
}

/**
 * Converts the layout options in NumPy's order (dtype, offset, order, shape),
 * before anything is touched.
 *
 * @param given The options' values.
 * @param call What the call does, for messages.
 * @returns The checked layout.
 * @throws {TypeError} For an unknown type or order, a bad shape or a
 * non-integer offset.
 * @throws {RangeError} For a negative offset or a shape out of range.
 */
export function toLayout(given: GivenLayout, call: string): Layout {
  const dt = toDType(given.dtype === undefined ? "uint8" : given.dtype);
  const offset = given.offset === undefined
    ? 0
    : toSize(given.offset, call, "offset");
  const order = given.order === undefined ? "C" : given.order;
  if (order !== "C" && order !== "F") {
    throw new TypeError(
      `Cannot ${call} with order ${describe(order)}: order must be "C" or "F"`,
    );
  }
  const shape = given.shape === undefined || given.shape === null
    ? undefined
    : toShape(given.shape, call, dt.itemsize);
  return { dt, offset, order, shape };
}

/**
 * Checks some rows make of their inputs before anything is written, where
 * NumPy raises from the middle of its loop (and so may have written part
 * of `out` already): here a failed call changes nothing.
 *
 * @module
 */

import type { NDArray } from "../ndarray.ts";

/**
 * Throws when an integer array holds a negative value.
 *
 * @param a The array (of an integer type).
 * @param message The error's message.
 * @throws {RangeError} If an element is negative.
 */
export function checkNonNegative(a: NDArray, message: string): void {
  if (a.size === 0 || a.dtype.kind !== "i") return;
  const least = a.min() as number | bigint;
  if (least < 0) throw new RangeError(message);
}

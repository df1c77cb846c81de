/**
 * The limits on building nested JavaScript arrays from an array's elements
 * (`toArray()`, NumPy's `tolist()`, and the nested value of a subarray
 * element): checked before anything is built, so that an array too large for
 * the engine gets the library's `RangeError` instead of V8's "Invalid array
 * length" or a fatal out-of-memory abort of the whole process.
 *
 * - every axis holds at most {@linkcode MAX_JS_ARRAY_LENGTH} elements (V8's
 *   largest array);
 * - the JavaScript arrays plus the elements in them number at most
 *   {@linkcode MAX_NESTED_VALUES};
 * - they fit in the engine's heap limit, counted at
 *   {@linkcode ARRAY_BYTES} bytes an array and {@linkcode VALUE_BYTES} bytes
 *   an element slot (a lower bound of what V8 needs) against the heap left
 *   under V8's limit (`total_available_size`: a Worker's `resourceLimits` and
 *   `--max-old-space-size` count).
 *
 * @module
 */

import { getHeapStatistics } from "node:v8";

/** The most elements a JavaScript array holds in V8 (2**27). */
export const MAX_JS_ARRAY_LENGTH = 2 ** 27;

/** The most JavaScript arrays plus elements one conversion builds (2**30). */
export const MAX_NESTED_VALUES = 2 ** 30;

/** Heap bytes counted for one JavaScript array (V8's JSArray header and backing store header). */
export const ARRAY_BYTES = 32;

/** Heap bytes counted for one element slot of a JavaScript array. */
export const VALUE_BYTES = 8;

/** Below this estimate the heap is not asked. */
const HEAP_CHECK_BYTES = 2 ** 26;

/**
 * Why nested arrays of `shape` cannot be built, or `undefined` when they can:
 * the limits of this module. `shape` is a list of non-negative integers.
 */
export function nestedArraysRefusal(
  shape: readonly number[],
): string | undefined {
  // arrays: the outer one and one per element of every axis but the last;
  // slots: the elements of every array built (arrays or leaves).
  let arrays = shape.length === 0 ? 0 : 1;
  let slots = 0;
  let rows = 1;
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (n > MAX_JS_ARRAY_LENGTH) {
      return `axis ${k} has ${n} elements, more than a JavaScript array holds (${MAX_JS_ARRAY_LENGTH})`;
    }
    rows *= n;
    slots += rows;
    if (rows === 0) break;
    if (k < shape.length - 1) arrays += rows;
  }
  const elements = shape.length === 0 || rows === 0 ? 0 : rows;
  const values = arrays + elements;
  if (values > MAX_NESTED_VALUES) {
    return `it needs ${values} JavaScript arrays and elements, more than ${MAX_NESTED_VALUES}`;
  }
  const bytes = arrays * ARRAY_BYTES + slots * VALUE_BYTES;
  if (bytes > HEAP_CHECK_BYTES) {
    const limit = heapLimit();
    if (bytes > limit) {
      return `it needs at least ${bytes} bytes of JavaScript heap, more than the ${limit} bytes left under its limit`;
    }
  }
  return undefined;
}

/** The bytes the engine's heap has left under its limit (infinite when they cannot be read). */
function heapLimit(): number {
  try {
    const left = getHeapStatistics().total_available_size;
    return typeof left === "number" && left > 0 ? left : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * Runs `build` (which makes nested arrays), turning the engine's
 * `RangeError` (an array or the heap too large after all) into the
 * library's, made by `refuse` with the engine's reason.
 */
export function buildNested<T>(
  build: () => T,
  refuse: (reason: string) => RangeError,
): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError && !isLibraryError(e)) {
      throw refuse("the JavaScript engine ran out of room for the arrays");
    }
    throw e;
  }
}

/** Whether an error is one of the library's own ("Cannot ..."). */
function isLibraryError(e: Error): boolean {
  return e.message.startsWith("Cannot ");
}

/**
 * Runs the search kernels (`search_kernels.ts`) over array data shown
 * through a {@linkcode Shower}, a window at a time: the first extreme (or
 * NaN) of a block for `argmax`/`argmin`, the first true or false element
 * for `any`/`all`.
 *
 * @module
 */

import type { KernelType } from "./reduce_kernels.ts";
import { eachShown, LANES, SIZE } from "./reduce_run.ts";
import type { Shower } from "./runtime.ts";
import type { TruthKind } from "./search_kernels.ts";

/** An `argmax`/`argmin` of a block: the element index, its value, and whether it is a NaN. */
export interface ArgResult {
  /** Index of the element from the block's start. */
  index: number;
  /** Its value (a bigint for 64-bit integers). */
  value: number | bigint;
  /** Whether it is a NaN (then it is the block's first NaN). */
  nan: boolean;
}

/** Stops the walk over shown pieces. */
const STOP = Symbol("stop");

/**
 * NumPy's `argmax`/`argmin` of the contiguous elements in `[start, start +
 * bytes)` (not bool; at least 16 bytes): the first extreme, or the first NaN.
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param kind `"max"` or `"min"`.
 * @param start The first byte.
 * @param bytes How many bytes.
 * @returns The result.
 */
export function argBlock(
  sh: Shower,
  type: Exclude<KernelType, "bool">,
  kind: "min" | "max",
  start: number,
  bytes: number,
): ArgResult {
  const k = sh.k;
  const size = SIZE[type];
  const fn = k.fn[kind === "max" ? "argmax" : "argmin"][type];
  const out = k.out;
  const words = new Int32Array(k.memory.buffer, out, 2);
  const lane = new LANES[type](k.memory.buffer as ArrayBuffer, out + 16, 1);
  let best: ArgResult | undefined;
  let done = 0; // bytes of the pieces before this one
  try {
    eachShown(sh, start, bytes, 16, (at, length) => {
      fn(at, length, out);
      const r: ArgResult = {
        index: done / size + words[0],
        value: lane[0],
        nan: words[1] !== 0,
      };
      done += length;
      if (
        best === undefined || r.nan ||
        (kind === "max" ? r.value > best.value : r.value < best.value)
      ) best = r;
      if (r.nan) throw STOP;
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return best!;
}

/**
 * The byte offset (from `start`) of the first element of `[start, start +
 * bytes)` that is true (non-zero; NaN is, -0 is not) when `want` is set,
 * or false, or -1 when there is none.
 *
 * @param sh Shows the data.
 * @param kind The elements' kind (`truthKindOf` in `search_kernels.ts`).
 * @param want Look for a true element (`any`) or a false one (`all`).
 * @param start The first byte.
 * @param bytes How many bytes.
 * @returns The offset or -1.
 */
export function firstTruth(
  sh: Shower,
  kind: TruthKind,
  want: boolean,
  start: number,
  bytes: number,
): number {
  const fn = sh.k.fn[want ? "firstTrue" : "firstFalse"][kind];
  let found = -1;
  let done = 0;
  try {
    eachShown(sh, start, bytes, 0, (at, length) => {
      const r = fn(at, length);
      if (r >= 0) {
        found = done + r;
        throw STOP;
      }
      done += length;
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return found;
}

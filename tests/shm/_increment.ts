/**
 * The work each party of the cross-process tests does on one shared block:
 * a float64 NDArray of shape (parts, ELEMENTS), one row per party. Each party adds
 * 1 to every element of its own part `ROUNDS` times, raises its flag, waits
 * until every party has raised theirs, and then reads every part.
 *
 * Layout of the block: `parts` int32 flags at byte 0, the array at byte 64.
 *
 * @module
 */

import type { NDArray, SharedMemory } from "../../mod.ts";

/** Elements in each party's part. */
export const ELEMENTS = 1000;
/** Times each element is incremented. */
export const ROUNDS = 50;
/** Byte offset of the array in the block. */
export const ARRAY_OFFSET = 64;

/**
 * Bytes a block needs for `parts` parties.
 *
 * @param parts Number of parties.
 * @returns The block size.
 */
export function blockSize(parts: number): number {
  return ARRAY_OFFSET + 8 * ELEMENTS * parts;
}

/**
 * Fills the array with its indices (done once, by the creator).
 *
 * @param shm The block.
 * @param parts Number of parties.
 */
export function initialize(shm: SharedMemory, parts: number): void {
  const array = shm.ndarray({
    dtype: "float64",
    shape: ELEMENTS * parts,
    offset: ARRAY_OFFSET,
  });
  array.assign(Array.from({ length: array.size }, (_, i) => i));
}

/**
 * The sum every part must have once every party is done.
 *
 * @param part The part.
 * @returns `sum(i + ROUNDS)` over the part's indices.
 */
export function expectedSum(part: number): number {
  const first = part * ELEMENTS;
  const last = first + ELEMENTS - 1;
  return ((first + last) * ELEMENTS) / 2 + ROUNDS * ELEMENTS;
}

/**
 * Does one party's work and reports what it then sees.
 *
 * @param shm The block, attached by this party.
 * @param part This party's part.
 * @param parts Number of parties.
 * @returns The sum of each part, read after every party raised its flag.
 */
export async function incrementPart(
  shm: SharedMemory,
  part: number,
  parts: number,
): Promise<number[]> {
  const flags = new Int32Array(shm.buf.buffer, 0, parts);
  const array = shm.ndarray({
    dtype: "float64",
    shape: [parts, ELEMENTS],
    offset: ARRAY_OFFSET,
  });
  const mine = array.slice(part);
  for (let round = 0; round < ROUNDS; round++) mine.assign(mine.add(1));
  Atomics.store(flags, part, 1);
  const deadline = Date.now() + 120_000; // a hang guard: Workers start slowly on a loaded machine
  for (let p = 0; p < parts; p++) {
    while (Atomics.load(flags, p) !== 1) {
      if (Date.now() > deadline) throw new Error(`Party ${p} never finished`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const sums = array.sum(1) as NDArray;
  return Array.from(sums.toTypedArray() as Float64Array);
}

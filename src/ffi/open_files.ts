/**
 * What this thread's open files and maps hold: descriptors, counted so that
 * running out of them can say how many the library holds, and mappings,
 * weighed so that the garbage collector feels them.
 *
 * A map dropped without `close()` is unmapped (and its descriptor closed)
 * by a `FinalizationRegistry` once the garbage collector has collected it,
 * but the collector runs on memory pressure, and a map is a few small
 * objects over memory the engine barely counts: a loop that opens maps and
 * forgets them runs out of descriptors (`EMFILE`), or of memory, long before
 * the heap asks for a full collection. So past {@linkcode FREE} live
 * mappings each new one carries a {@linkcode WEIGHT}-byte `ArrayBuffer`,
 * which the engine counts as memory held outside its heap: forgotten maps
 * then bring a full collection about after a few dozen (less weight only
 * starts an incremental collection, which a loop that allocates little does
 * not finish in time). The weight is address space only: a resizable
 * buffer, which the engine reserves and never touches, so no page of it
 * becomes resident; where even that is refused the mapping goes without, as
 * do mappings past {@linkcode WEIGHED} (a program that keeps that many has
 * had collections enough). Unmapping lets go of the weight at once.
 *
 * @module
 */

/** Descriptors of this thread's open files; read by the `EMFILE` message. */
export const openFiles = { count: 0 };

/** Counts a descriptor opened. */
export function opened(): void {
  openFiles.count++;
}

/** Counts a descriptor closed. */
export function closed(): void {
  openFiles.count--;
}

/** Mappings that carry no weight: a program's usual few maps cost nothing. */
const FREE = 64;

/** The memory each further mapping weighs, in bytes. */
const WEIGHT = 64 << 20;

/** Mappings past this many carry no weight either (64 GiB of address space at most). */
const WEIGHED = FREE + 1024;

/** Live mappings of this thread. */
let mappings = 0;

/**
 * Counts a mapping made.
 *
 * @returns The weight it must hold (and give to {@linkcode unweigh}), or
 * `null`.
 */
export function weigh(): ArrayBuffer | null {
  mappings++;
  if (mappings <= FREE || mappings > WEIGHED) return null;
  try {
    return new ArrayBuffer(WEIGHT, { maxByteLength: WEIGHT });
  } catch {
    return null; // No address space to spare: no weight.
  }
}

/**
 * Counts a mapping unmapped and lets go of its weight at once.
 *
 * @param weight What {@linkcode weigh} returned, or `null` (a mapping
 * collected without being unmapped: its weight went with it).
 */
export function unweigh(weight: ArrayBuffer | null): void {
  mappings--;
  if (weight !== null && !weight.detached) weight.transfer(0);
}

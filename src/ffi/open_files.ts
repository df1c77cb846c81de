/**
 * What this thread's open files and maps hold: descriptors, counted so that
 * running out of them can say how many the library holds, and mappings,
 * weighed so that the garbage collector looks for forgotten ones.
 *
 * A map dropped without `close()` is unmapped (and its descriptor closed)
 * by a `FinalizationRegistry` once the garbage collector has collected it,
 * but the collector runs on memory pressure, and a map is a few small
 * objects over memory the engine barely counts: a loop that opens maps and
 * forgets them runs out of descriptors (`EMFILE`), or of memory, long before
 * the heap asks for a full collection. So past {@linkcode FREE} live
 * mappings each new one carries a {@linkcode WEIGHT}-byte `ArrayBuffer`,
 * which the engine counts as memory held outside its heap: forgotten maps
 * then bring a full collection about after a few dozen (a collected map's
 * weight goes with it), and their finalizers release them when the program
 * next awaits.
 *
 * Maps the program keeps must not pay for that: a collection per new map
 * once the weights pile up, and address space the program may need. So:
 * at most {@linkcode PER_JOB} weights are given in one job (a synchronous
 * loop's forgotten maps cannot be released before it ends anyway) unless
 * half the descriptors are in use; once a full collection has run and
 * released none of the weighed maps, they are the program's own: no more
 * weights are given until the count of live mappings has doubled (or grown
 * by a quarter of the descriptors left, if that comes first) or the
 * collector releases a map. All weights together hold at most
 * {@linkcode BUDGET} bytes, and under an address-space limit (`ulimit -v`)
 * at most a 16th of it in the main thread (none when that is less than one
 * weight) and none in Workers. A weight is address space only: a resizable
 * buffer, which the engine reserves and never touches, so no page of it
 * becomes resident; where even that is refused the mapping goes without.
 *
 * @module
 */

import { PLATFORM as C } from "./constants.ts";
import { libc } from "./libc.ts";

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

/**
 * Live mappings that carry no weight: a program's usual few maps cost
 * nothing. Fewer in a Worker: each thread counts its own, and descriptors
 * are the process's (16 Workers x 64 would be a whole `ulimit -n 1024`).
 */
const FREE = inWorker() ? 8 : 64;

/** The most weights given in one job (a synchronous loop's maps cannot be released before it ends). */
const PER_JOB = 64;

/** The most each weight holds, in bytes. */
const WEIGHT = 64 << 20;

/** The most bytes all weights hold at once without an address-space limit (the old 1024 weights). */
const BUDGET = 64 * 2 ** 30;

/** Live mappings of this thread. */
let mappings = 0;

/** Live mappings from which weights are given. */
let weighFrom = FREE + 1;

/**
 * Weights given and not yet let go. Only their mappings hold them, so that
 * a collected map's weight goes in the same collection: a `WeakRef` to it
 * (kept alive through the job that made it) or a strong reference until
 * the finalizer runs kept that memory past collections, and the engine
 * then collected forgotten maps too seldom (descriptors ran out).
 */
let outstanding = 0;

/** Weights given in this job. */
let givenInJob = 0;

/** Whether {@linkcode weigh} ran already in this job (reset by a microtask). */
let inJob = false;

/** Jobs in which {@linkcode weigh} ran. */
let jobs = 0;

/**
 * Made with a weight (in job `sentinelJob`) and cleared by the next full
 * collection after that job: a `WeakRef`'s target survives the job that
 * made or read it, so it is read once, two jobs on at the earliest.
 */
let sentinel: WeakRef<object> | null = null;
let sentinelJob = 0;

/** Whether the collector released a mapping since `sentinel` was made. */
let released = false;

/**
 * Counts a mapping made.
 *
 * @returns The weight it must hold (and give to {@linkcode unweigh}), or
 * `null`.
 */
export function weigh(): ArrayBuffer | null {
  mappings++;
  if (!inJob) {
    inJob = true;
    givenInJob = 0;
    jobs++;
    queueMicrotask(() => inJob = false);
    check();
  }
  // Past half the descriptors, whatever else: forgotten maps must go
  // before they run out (a collection per open costs less than EMFILE).
  if (openFiles.count < descriptorsHalf()) {
    if (mappings < weighFrom || givenInJob >= PER_JOB) return null;
  }
  if (outstanding >= weightsMax()) return null;
  const weight = makeWeight();
  if (weight === null) return null;
  givenInJob++;
  outstanding++;
  if (sentinel === null) {
    sentinel = new WeakRef({});
    sentinelJob = jobs;
  }
  return weight;
}

/**
 * Once per job: when a full collection has run since weights were given
 * and released no map, the weighed maps are the program's own: no more
 * weights are given until the count of live mappings has doubled or grown
 * by a quarter of the descriptors left (or the collector releases a map).
 */
function check(): void {
  if (sentinel === null || jobs - sentinelJob < 2) return;
  if (sentinel.deref() !== undefined) {
    // Read now, so kept through this job: a new one for the next check.
    sentinel = new WeakRef({});
    sentinelJob = jobs;
    return;
  }
  sentinel = null;
  if (released) {
    released = false;
    return;
  }
  // Before the descriptors left run out, whatever the count.
  const room = 2 * descriptorsHalf() - openFiles.count;
  weighFrom = Math.max(
    FREE + 1,
    Math.min(Math.max(mappings, FREE) * 2, mappings + Math.floor(room / 4)),
  );
}

/**
 * Counts a mapping unmapped and lets go of its weight at once.
 *
 * @param weight What {@linkcode weigh} returned, or `null` (none, or a
 * mapping collected without being unmapped: its weight went with it).
 * @param collected Whether the garbage collector released it (it had been
 * forgotten), rather than `close()`.
 * @param weighed Whether it was given a weight (a collected mapping's went
 * with it, so `weight` is `null` then).
 */
export function unweigh(
  weight: ArrayBuffer | null,
  collected = false,
  weighed = weight !== null,
): void {
  mappings--;
  if (weighed) outstanding--;
  // Its address space now, not at the next collection: a resizable
  // buffer's transfer() keeps the reservation, transferToFixedLength(0)
  // gives it back.
  if (weight !== null && !weight.detached) weight.transferToFixedLength(0);
  if (collected) {
    released = true;
    weighFrom = FREE + 1;
  }
}

/** A weight, or `null` when there is no room for one. */
function makeWeight(): ArrayBuffer | null {
  try {
    return new ArrayBuffer(WEIGHT, { maxByteLength: WEIGHT });
  } catch {
    return null; // No address space to spare: no weight.
  }
}

/** See {@linkcode descriptorsHalf}. */
let halfOfDescriptors: number | undefined;

/** Half this process's descriptor limit (`ulimit -n`; Infinity for none). */
function descriptorsHalf(): number {
  return halfOfDescriptors ??= (limit(C.RLIMIT_NOFILE) ?? Infinity) / 4;
}

/** See {@linkcode weightsMax}. */
let capacity: number | undefined;

/**
 * The most weights held at once: {@linkcode BUDGET} bytes' worth; under an
 * address-space limit a 16th of it in the main thread and none in Workers
 * (each loads this module on its own, so a share per thread would add up
 * past the limit).
 */
function weightsMax(): number {
  return capacity ??= Math.floor(
    Math.min(BUDGET, roomForWeights()) / WEIGHT,
  );
}

/** Address space weights may take in this thread (see {@linkcode weightsMax}). */
function roomForWeights(): number {
  const space = limit(C.RLIMIT_AS);
  if (space === null) return Infinity;
  return inWorker() ? 0 : space / 16;
}

/**
 * Whether this process runs under an address-space limit (`ulimit -v`):
 * then address space is the scarce thing, and memory reserved ahead (a
 * WebAssembly memory reserves several GiB) is not taken for speed.
 *
 * @returns `true` under a limit.
 */
export function addressSpaceLimited(): boolean {
  return limit(C.RLIMIT_AS) !== null;
}

/** Whether this code runs in a Worker rather than the main thread. */
function inWorker(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: unknown })
    .WorkerGlobalScope;
  return typeof scope === "function" && globalThis instanceof scope;
}

/**
 * This process's soft limit of a `getrlimit` resource.
 *
 * @returns The limit, or `null` when there is none.
 */
function limit(resource: number): number | null {
  if (resource < 0) return null;
  const limits = new BigUint64Array(2);
  if (libc().getrlimit(resource, limits) !== 0) return null;
  // RLIM_INFINITY: 2**64 - 1 on Linux, 2**63 - 1 on macOS.
  return limits[0] >= 2n ** 62n ? null : Number(limits[0]);
}

/**
 * The reduction kernels at run time: one instance per thread over a
 * fixed-size `WebAssembly.Memory`, and "showers" that put the bytes the
 * kernels read into that memory. WebAssembly reads only its own memory, so
 * data is shown either in place (a memory map's file pages mapped over a
 * region of the memory, `Sys.overlay`) or by copying it there a chunk at a
 * time (in-memory arrays; a copy into a small scratch that stays in cache
 * costs less than the JavaScript loop it replaces).
 *
 * @module
 */

import type { OverlayTarget } from "../../ffi/sys.ts";
import {
  type FloatType,
  type IntegerType,
  type KernelType,
  reduceKernelsModule,
} from "./reduce_kernels.ts";
import type { TruthKind } from "./search_kernels.ts";
import { readAheadHooks } from "../read_ahead.ts";

/** Data that can be shown in place in WebAssembly memory (a memory map's file). */
export interface OverlaySource {
  /**
   * Maps bytes of the data into `target`; returns where `byteStart` landed,
   * or -1. Throws an error with `code` `"EFAULT"` or `"EIO"` for bytes the
   * data cannot give (a file cut short by another program): that error
   * reaches the caller; on any other failure the data is copied instead.
   */
  show(target: OverlayTarget, byteStart: number, byteLength: number): number;
  /** Puts zero pages back over `target`. */
  clear(target: OverlayTarget): void;
}

/** Bytes of a file shown in place at a time. */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** Bytes copied at a time. */
export const COPY_BYTES = 256 * 1024;

// Memory layout: results, the copy and gather scratch, the row results, then
// the overlay region (a window plus the 4 MiB an overlay needs to align). A
// memory of array data (see `arrayMemory`) has the same layout, less the
// region, after its data.
/** Where kernels write their results (64 bytes), from the scratch's start. */
const OUT_AT = 0;
/** The copy scratch (room for a chunk and for 8192 gathered complex128 elements). */
const COPY_AT = 64 * 1024;
const COPY_LENGTH = 320 * 1024;
/** Where gathered data goes, from the scratch's start (after the copy scratch). */
const GATHER_AT = COPY_AT + COPY_LENGTH;
/** Where the row kernels keep their results, from the scratch's start. */
const ROWS_AT = 1024 * 1024;
/** Bytes of row results (column sums, minima, maxima). */
export const ROWS_BYTES = 4 * 1024 * 1024;
const REGION_AT = ROWS_AT + ROWS_BYTES;
const REGION_LENGTH = WINDOW_BYTES + 4 * 1024 * 1024;
const PAGES = (REGION_AT + REGION_LENGTH) / 65536;
/**
 * Bytes of the kernels' scratch after the data in a memory of array data
 * (or of a memmap's file, see {@linkcode mappedShower}).
 */
export const SCRATCH_BYTES: number = REGION_AT;

type Fn3 = (p: number, n: number, out: number) => void;
type RowsFn = (p: number, rows: number, cols: number, out: number) => void;

/** The kernel functions, by name (see `reduce_kernels.ts`). */
export interface KernelFunctions {
  sum: Record<IntegerType, Fn3>;
  min: Record<KernelType, Fn3>;
  max: Record<KernelType, Fn3>;
  minZero: Record<FloatType, Fn3>;
  maxZero: Record<FloatType, Fn3>;
  pairwise: Record<FloatType, (p: number, n: number) => number>;
  pairwiseStrided: Record<
    FloatType,
    (p: number, n: number, s: number) => number
  >;
  pairwiseRows: Record<
    FloatType,
    (p: number, rows: number, n: number, stride: number, out: number) => void
  >;
  addRows: Record<KernelType, RowsFn>;
  /** NumPy's pairwise sum of the squared deviations from `mean` (`var`). */
  sqdev: Record<FloatType, (p: number, n: number, mean: number) => number>;
  /** `addRows` of the squared deviations from the means after the sums. */
  sqdevRows: Record<FloatType, RowsFn>;
  /** `pairwiseRows` of the lines' squares (`sqdev` from +0 of each line). */
  sqsumRows: Record<
    FloatType,
    (p: number, rows: number, n: number, stride: number, out: number) => void
  >;
  minRows: Record<KernelType, RowsFn>;
  maxRows: Record<KernelType, RowsFn>;
  toF64: Record<IntegerType, Fn3>;
  argmax: Record<Exclude<KernelType, "bool">, Fn3>;
  argmin: Record<Exclude<KernelType, "bool">, Fn3>;
  firstTrue: Record<TruthKind, (p: number, bytes: number) => number>;
  firstFalse: Record<TruthKind, (p: number, bytes: number) => number>;
  prod: Record<FloatType, (p: number, bytes: number, acc: number) => number>;
}

/** The instance: its functions and its memory. */
export interface Kernels {
  readonly fn: KernelFunctions;
  readonly memory: WebAssembly.Memory;
  /** The whole memory as bytes (the memory never grows). */
  readonly bytes: Uint8Array;
  /** Where the kernels write their results (64 bytes) in the memory. */
  readonly out: number;
  /** Where gathered data goes ({@linkcode GATHER_BYTES}). */
  readonly gather: number;
  /** Where the row kernels keep their results ({@linkcode ROWS_BYTES}). */
  readonly rows: number;
  /** The overlay region (the thread's instances only). */
  readonly target?: OverlayTarget;
}

/** The thread's instances, by slot (see {@linkcode kernels}). */
const instances: (Kernels | null | undefined)[] = [];

/** Settings tests change to reach every path. */
export const settings = {
  /** Compute in TypeScript only. */
  off: false,
  /** Views spanning fewer bytes are copied, not overlaid (mapping costs system calls). */
  overlayMinBytes: WINDOW_BYTES,
  /** Arrays of fewer bytes are not given a memory of their own ({@linkcode arrayMemory}). */
  arrayMemoryMinBytes: 4 * 1024 * 1024,
};

/** The module's exports as [group, type] names (`"sum_int8"`: sum, int8), listed once. */
let exportNames: [string, string, string][] | undefined;

/**
 * The instance's functions by group and type, in one pass over the names
 * (an instance is made for every large array a reduction reads: arrays
 * allocated for results, one per call, so what it allocates is garbage
 * for the collector soon after).
 */
function groups(
  module: WebAssembly.Module,
  f: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  exportNames ??= WebAssembly.Module.exports(module).map(({ name }) => {
    const cut = name.indexOf("_");
    return [name, name.slice(0, cut), name.slice(cut + 1)];
  });
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, group, type] of exportNames) {
    (out[group] ??= {})[type] = f[name];
  }
  return out;
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernels' module, compiled once, or null without WebAssembly SIMD. */
function kernelsModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(reduceKernelsModule());
    } catch {
      compiled = null; // No WebAssembly SIMD here.
    }
  }
  return compiled;
}

/** Instantiates the kernels over `memory`, their scratch at `base`. */
function instantiate(
  memory: WebAssembly.Memory,
  base: number,
  target?: OverlayTarget,
): Kernels | null {
  const module = kernelsModule();
  if (module === null) return null;
  const f = new WebAssembly.Instance(module, { env: { memory } })
    .exports as Record<string, unknown>;
  const g = groups(module, f);
  const group = <T>(name: string): T => (g[name] ?? {}) as T;
  return {
    fn: {
      sum: group("sum"),
      min: group("min"),
      max: group("max"),
      minZero: group("minZero"),
      maxZero: group("maxZero"),
      pairwise: group("pairwise"),
      pairwiseStrided: group("pairwiseStrided"),
      pairwiseRows: group("pairwiseRows"),
      addRows: group("addRows"),
      sqdev: group("sqdev"),
      sqdevRows: group("sqdevRows"),
      sqsumRows: group("sqsumRows"),
      minRows: group("minRows"),
      maxRows: group("maxRows"),
      toF64: group("toF64"),
      argmax: group("argmax"),
      argmin: group("argmin"),
      firstTrue: group("firstTrue"),
      firstFalse: group("firstFalse"),
      prod: group("prod"),
    },
    memory,
    bytes: new Uint8Array(memory.buffer),
    out: base + OUT_AT,
    gather: base + GATHER_AT,
    rows: base + ROWS_AT,
    target,
  };
}

/**
 * The kernels of this thread, made on first use (about 5 ms: encode,
 * compile, instantiate), or `null` where WebAssembly SIMD is not available
 * (the callers then compute in TypeScript). Each `slot` is an instance of
 * its own, with its own memory and overlay region: slot 0 for reductions
 * and the first input of an element-wise operation, slot 1 for the second
 * (two memory maps shown at once).
 *
 * @param slot Which instance.
 * @returns The kernels or null.
 */
export function kernels(slot = 0): Kernels | null {
  if (settings.off) return null;
  if (instances[slot] !== undefined) return instances[slot];
  try {
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    instances[slot] = instantiate(memory, 0, {
      memory,
      start: REGION_AT,
      length: REGION_LENGTH,
    });
  } catch {
    instances[slot] = null; // No WebAssembly SIMD here.
  }
  return instances[slot];
}

/** A memory of array data: where its scratch starts, and its kernels once made. */
interface ArrayMemory {
  readonly memory: WebAssembly.Memory;
  /** Where the scratch starts (the data's size rounded up to a page). */
  readonly base: number;
  /** Bytes of data at the memory's start. */
  readonly length: number;
  kernels?: Kernels | null;
}

/** The memories {@linkcode arrayMemory} made, by their buffer. */
const arrayMemories = new WeakMap<ArrayBuffer, ArrayMemory>();

/**
 * Scratch and data stay below 2 GiB: the kernels take addresses and byte
 * counts as signed 32-bit integers.
 */
const ARRAY_MEMORY_MAX = 2 ** 31;

/**
 * Zeroed bytes for an array's data inside a `WebAssembly.Memory` of their
 * own (the data from byte 0, the kernels' scratch after it), so that the
 * kernels read the array in place instead of through copies (see
 * {@linkcode arrayShower}); or null for small arrays (below
 * `settings.arrayMemoryMinBytes`) and where it cannot be had (no
 * WebAssembly SIMD, 2 GiB or more, or no memory): the caller then
 * allocates as usual. The memory never grows, so its buffer is never
 * detached, and nothing outside this module holds the `WebAssembly.Memory`
 * itself.
 *
 * @param byteLength The data's size in bytes.
 * @returns The data's bytes (`byteOffset` 0), or null.
 */
export function arrayMemory(
  byteLength: number,
): Uint8Array<ArrayBuffer> | null {
  const base = Math.ceil(byteLength / 65536) * 65536;
  if (
    byteLength === 0 || byteLength < settings.arrayMemoryMinBytes ||
    base + SCRATCH_BYTES > ARRAY_MEMORY_MAX || kernelsModule() === null
  ) {
    return null;
  }
  const pages = (base + SCRATCH_BYTES) / 65536;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
  const buffer = memory.buffer as ArrayBuffer;
  arrayMemories.set(buffer, { memory, base, length: byteLength });
  return new Uint8Array(buffer, 0, byteLength);
}

/**
 * The bytes of data at the start of `buffer` when it is the buffer of a
 * memory from {@linkcode arrayMemory}: the kernels write the bytes after
 * them, so no array may view those.
 *
 * @param buffer Any buffer.
 * @returns The data's size in bytes, or `undefined` for any other buffer.
 */
export function arrayDataLength(buffer: ArrayBufferLike): number | undefined {
  return arrayMemories.get(buffer as ArrayBuffer)?.length;
}

/**
 * The `WebAssembly.Memory` of an array's data from {@linkcode arrayMemory},
 * when bytes `[0, end)` of `buffer` lie within that data (never in the
 * kernels' scratch after it); `undefined` for other buffers or with the
 * kernels turned off. For kernels that work on arrays in place (the
 * element-wise ones, `elementwise.ts`).
 *
 * @param buffer The buffer of an array's bytes.
 * @param end The end of the bytes used, from the buffer's start.
 * @returns The memory, or undefined.
 */
export function dataMemory(
  buffer: ArrayBufferLike,
  end: number,
): WebAssembly.Memory | undefined {
  const home = arrayMemories.get(buffer as ArrayBuffer);
  if (settings.off || home === undefined || end > home.length) return undefined;
  return home.memory;
}

/** Memories holding a memory map's file (a second map of it), by their buffer. */
const mappedMemories = new WeakMap<ArrayBuffer, WebAssembly.Memory>();

/**
 * Tells that `memory` holds a memory map's file (`mapIntoMemory` in
 * `mmap.ts`), so that kernels may read arrays over it in place
 * ({@linkcode readableMemory}).
 *
 * @param memory The memory.
 */
export function offerMappedMemory(memory: WebAssembly.Memory): void {
  mappedMemories.set(memory.buffer as ArrayBuffer, memory);
}

/**
 * The `WebAssembly.Memory` that kernels may read bytes `[0, end)` of
 * `buffer` from in place: array data ({@linkcode dataMemory}), or a memory
 * map's file shown in a memory of its own (while it is open: closing it
 * detaches the buffer). Reading a map there is as safe as reading it from
 * JavaScript, which the caller would otherwise do: the caller reads the
 * range ahead first (a walk's windows), so that a file cut short is an
 * error and not a `SIGBUS`. `undefined` for other buffers, addresses of 2
 * GiB or more, or with the kernels turned off.
 *
 * @param buffer The buffer of the bytes read.
 * @param end The end of the bytes read, from the buffer's start.
 * @returns The memory, or undefined.
 */
export function readableMemory(
  buffer: ArrayBufferLike,
  end: number,
): WebAssembly.Memory | undefined {
  const data = dataMemory(buffer, end);
  if (data !== undefined || settings.off) return data;
  const mapped = mappedMemories.get(buffer as ArrayBuffer);
  return mapped !== undefined && mapped.buffer === buffer && end <= 2 ** 31
    ? mapped
    : undefined;
}

/**
 * The copy scratch of the memory of array data whose buffer is `buffer`
 * (see {@linkcode arrayMemory}): its address and length, where a kernel
 * writing that memory may copy operands from other buffers a chunk at a
 * time (nothing else uses it across a kernel call); `undefined` for other
 * buffers or with the kernels turned off.
 *
 * @param buffer The buffer of a memory of array data.
 * @returns The scratch, or undefined.
 */
export function copyScratch(
  buffer: ArrayBufferLike,
): { at: number; length: number } | undefined {
  const home = arrayMemories.get(buffer as ArrayBuffer);
  if (settings.off || home === undefined) return undefined;
  return { at: home.base + COPY_AT, length: COPY_LENGTH };
}

/**
 * A shower that shows `bytes` in place, when they lie in the data of a
 * memory from {@linkcode arrayMemory} (the kernels of that memory are made
 * on first use); null otherwise (or with the kernels turned off).
 *
 * @param bytes The data's bytes.
 * @returns The shower, or null.
 */
export function arrayShower(bytes: Uint8Array): Shower | null {
  const home = arrayMemories.get(bytes.buffer as ArrayBuffer);
  if (
    settings.off || home === undefined ||
    bytes.byteOffset + bytes.length > home.base
  ) {
    return null;
  }
  if (home.kernels === undefined) {
    try {
      home.kernels = instantiate(home.memory, home.base);
    } catch {
      home.kernels = null;
    }
  }
  const k = home.kernels;
  if (k === null) return null;
  const origin = bytes.byteOffset;
  return {
    k,
    limit: bytes.length,
    show: (start) => origin + start,
    close() {},
  };
}

/** The kernels made over memories of memmaps' files (see {@linkcode mappedShower}), by memory. */
const mappedKernels = new WeakMap<WebAssembly.Memory, Kernels | null>();

/**
 * A shower that shows `bytes` in place where they already lie in a
 * WebAssembly memory (a memmap's file mapped into a memory of its own, its
 * pages kept mapped between calls as NumPy's map keeps them), the kernels'
 * scratch at `scratch` in the same memory ({@linkcode SCRATCH_BYTES} of
 * it, past the data); each window is read ahead with `prepare` before a
 * kernel reads it (a file cut short is an error there, not a `SIGBUS` in
 * the kernel). Null where the bytes are not in `memory`, the kernels or
 * their addresses (below 2 GiB) cannot be had, or with the kernels turned
 * off.
 *
 * @param memory The memory holding `bytes`.
 * @param scratch Where the kernels' scratch goes in `memory`.
 * @param bytes The data's bytes (offsets are relative to `bytes[0]`).
 * @param prepare Reads bytes `[start, start + length)` ahead (throws for
 * pages the file cannot give).
 * @returns The shower, or null.
 */
export function mappedShower(
  memory: WebAssembly.Memory,
  scratch: number,
  bytes: Uint8Array,
  prepare: (start: number, length: number) => void,
): Shower | null {
  if (
    settings.off || bytes.buffer !== memory.buffer ||
    bytes.byteOffset + bytes.length > scratch ||
    scratch + SCRATCH_BYTES >
      Math.min(ARRAY_MEMORY_MAX, bytes.buffer.byteLength)
  ) {
    return null;
  }
  let k = mappedKernels.get(memory);
  if (k === undefined) {
    try {
      k = instantiate(memory, scratch);
    } catch {
      k = null;
    }
    mappedKernels.set(memory, k);
  }
  if (k === null) return null;
  const origin = bytes.byteOffset;
  // The bytes read ahead last: [from, to) of the data.
  let from = 0, to = 0;
  return {
    k,
    limit: WINDOW_BYTES,
    show(start: number, length: number): number {
      if (start < from || start + length > to) {
        // A whole window from `start`, so that the next requests find it.
        const ahead = Math.max(
          length,
          Math.min(WINDOW_BYTES, bytes.length - start),
        );
        prepare(start, ahead);
        from = start;
        to = start + ahead;
        readAheadHooks.windowShown?.(start, ahead);
      }
      return origin + start;
    },
    close() {
      to = from;
    },
  };
}

/** Puts bytes of an array's data into the kernels' memory. */
export interface Shower {
  /** The kernels. */
  readonly k: Kernels;
  /** The most bytes one `show` takes. */
  readonly limit: number;
  /**
   * Shows data bytes `[start, start + length)` (`length` at most `limit`);
   * returns where `start` is in the kernels' memory. What an earlier call
   * showed may be gone.
   */
  show(start: number, length: number): number;
  /** Ends the use of the memory (puts zero pages back over an overlay). */
  close(): void;
}

/**
 * A shower for `bytes`: in place through `overlay` when given (a window of
 * up to {@linkcode WINDOW_BYTES} at a time; copies into the same region if
 * an overlay fails), by copies of up to {@linkcode COPY_BYTES} otherwise.
 * `release` (memory maps) is told about finished ranges when data is copied
 * from `bytes` in ascending order.
 *
 * @param k The kernels.
 * @param bytes The data's bytes (offsets are relative to `bytes[0]`).
 * @param overlay How to show the data in place, if it can be.
 * @param release Releases finished byte ranges of `bytes`.
 * @returns The shower; call `close()` when done.
 */
export function shower(
  k: Kernels,
  bytes: Uint8Array,
  overlay?: OverlaySource,
  release?: (start: number, length: number) => void,
): Shower {
  let shown = false;
  let inPlace = overlay !== undefined;
  let releasedTo = -1;
  let copiedTo = -1;
  // The bytes shown last: [from, to) of the data, at `at` in the memory.
  let from = 0, to = 0, at = 0;
  const limit = overlay !== undefined ? WINDOW_BYTES : COPY_BYTES;
  const copy = (start: number, length: number, where: number): number => {
    k.bytes.set(bytes.subarray(start, start + length), where);
    if (release !== undefined) {
      // Ranges copied in ascending order are released a window at a time.
      if (releasedTo < 0 || start < releasedTo) releasedTo = start;
      else if (start - releasedTo >= WINDOW_BYTES) {
        release(releasedTo, start - releasedTo);
        releasedTo = start;
      }
      copiedTo = Math.max(copiedTo, start + length);
    }
    return where;
  };
  const clear = (): void => {
    to = from; // nothing shown
    if (release !== undefined && releasedTo >= 0 && copiedTo > releasedTo) {
      release(releasedTo, copiedTo - releasedTo);
      releasedTo = -1;
    }
    if (!shown) return;
    shown = false;
    try {
      overlay!.clear(k.target!);
    } catch {
      // Never use a memory whose pages may be gone.
      const slot = instances.indexOf(k);
      if (slot >= 0) instances[slot] = undefined;
      throw new KernelsLost();
    }
  };
  const fresh = (start: number, length: number): number => {
    if (inPlace) {
      let where = -1;
      try {
        where = overlay!.show(k.target!, start, length);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === "EFAULT" || code === "EIO") {
          clear();
          throw error;
        }
        where = -1;
      }
      if (where >= 0) {
        shown = true;
        return where;
      }
      // The overlay failed: copy into the region from now on.
      clear();
      inPlace = false;
    }
    if (overlay !== undefined) {
      return copy(start, length, k.target!.start + (start & 4095));
    }
    return copy(start, length, COPY_AT + (start & 63));
  };
  return {
    k,
    limit,
    show(start: number, length: number): number {
      if (start >= from && start + length <= to) return at + (start - from);
      // Show a whole window from `start`, so that the next requests find it.
      const length2 = Math.max(length, Math.min(limit, bytes.length - start));
      at = fresh(start, length2);
      from = start;
      to = start + length2;
      return at;
    },
    close: clear,
  };
}

/** Thrown when the kernels' memory can no longer be trusted (an overlay could not be cleared). */
export class KernelsLost extends Error {
  constructor() {
    super("Cannot clear the kernels' overlay");
  }
}

/** Bytes the gather scratch holds. */
export const GATHER_BYTES = 256 * 1024;

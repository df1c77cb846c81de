/**
 * The byte storage an {@linkcode NDArray} views: a plain in-memory buffer or
 * the bytes of a memory map.
 *
 * @module
 */

import { describe, typedArrayTag } from "../_args.ts";
import {
  closures,
  isMappedMemory,
  isReadOnlyMemory,
} from "../ffi/mapped_buffer.ts";
import { allocateArray } from "./alloc.ts";
import {
  arrayDataLength,
  offerMappedMemory,
  type OverlaySource,
} from "./kernels/runtime.ts";
import type { DType } from "./dtype.ts";
import {
  type Operand,
  type OperandWindows,
  prepareAhead,
  WINDOW,
} from "./iterate.ts";
import type { NDArray } from "./ndarray.ts";
import { PageCheck } from "./read_ahead.ts";

/**
 * Bytes an array views, with the rules for writing and releasing them.
 *
 * Storage owned by a memory map is detached when the map closes: its
 * `bytes.buffer` becomes detached (`bytes.length` is then 0), and every array
 * over it throws `Deno.errors.BadResource` instead of reading.
 *
 * An array's `storage` is the library's own frozen copy of the storage it was
 * made over (read once, when the array is made): changing the object given
 * to the constructor afterwards changes nothing, and memory whose pages
 * cannot be written gives a read-only array whatever `readOnly` says. Its
 * hooks are the given ones, guarded: called after the storage was closed
 * they throw `Deno.errors.BadResource` without calling the given hook, and a
 * hook that closes a memory map (its own storage's or any other: every walk
 * of the call may be over it) makes the call throw
 * `Deno.errors.BadResource` as soon as the hook returns, before any byte is
 * touched again. An error thrown by a hook propagates as it is.
 */
export interface ArrayStorage {
  /** The bytes; element offsets and strides of arrays are relative to `bytes[0]`. */
  readonly bytes: Uint8Array;
  /** Whether writes must be refused (NumPy mode `"r"`). */
  readonly readOnly: boolean;
  /** A short description used in error messages, e.g. a file name. */
  readonly label?: string;
  /**
   * Tells the storage that `[byteStart, byteStart + byteLength)` of `bytes`
   * is no longer needed for now (windowed walks call it for finished
   * windows); the bytes must read back unchanged later. Optional.
   */
  release?(byteStart: number, byteLength: number): void;
  /**
   * Walks over fewer bytes than this keep their pages (see
   * {@linkcode releaseFor}); default {@linkcode RELEASE_THRESHOLD}.
   */
  readonly releaseThreshold?: number;
  /**
   * Prepares `[byteStart, byteStart + byteLength)` of `bytes` for a
   * sequential pass (mapping its pages in one call), for writing when
   * `write` is set. Optional.
   */
  prefetch?(byteStart: number, byteLength: number, write?: boolean): void;
  /**
   * Checks that every byte of `bytes` can still be reached (a memory map:
   * that the file still covers the map, which another program may have cut
   * short); throws the storage's error (`code` `EFAULT`) otherwise. Work
   * that touches elements anywhere in an array (`take`, `put`) calls it
   * instead of asking for the pages, and walks over storage that also has
   * `prefetch` call it again after each MiB of work through pages asked
   * for before (a cut while they run). Optional.
   */
  verify?(): void;
}

/**
 * Walks over less than this many bytes of a memory map keep the pages they
 * touched mapped: releasing them (`MADV_DONTNEED`) makes the next call over
 * the same data fault every page in again, which costs more than the work
 * itself (NumPy never releases). Larger walks release finished windows, so
 * that work on files larger than RAM keeps memory use bounded. See the
 * README's performance section for the measurements behind the value.
 */
export const RELEASE_THRESHOLD: number = 1024 * 1024 * 1024;

/**
 * The release hook a walk over `span` bytes of `storage` should call: the
 * storage's, when the walk is large enough (see {@linkcode RELEASE_THRESHOLD}).
 *
 * @param storage The storage walked.
 * @param span Bytes from the lowest to the highest byte the walk touches.
 * @returns The hook, bound, or `undefined`.
 */
export function releaseFor(
  storage: ArrayStorage,
  span: number,
): ((byteStart: number, byteLength: number) => void) | undefined {
  if (storage.release === undefined) return undefined;
  if (span < (storage.releaseThreshold ?? RELEASE_THRESHOLD)) return undefined;
  return storage.release.bind(storage);
}

/**
 * Checks the byte range a storage hook was called with (the hooks are
 * reachable through an array's `storage`): integers, whatever their sign
 * (the hooks clip ranges to their memory).
 *
 * @param what What the hook does, e.g. `"read ahead"`.
 * @param start The range's start.
 * @param length Its length.
 * @param label What the storage holds, for the message (a path).
 * @throws {TypeError} If `start` or `length` is not a safe integer.
 */
export function checkHookRange(
  what: string,
  start: unknown,
  length: unknown,
  label: string,
): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length)) {
    throw new TypeError(
      `Cannot ${what} bytes of ${label}: start and length must be integers, got ${
        describe(start)
      } and ${describe(length)}`,
    );
  }
}

/** Bytes from the lowest to the highest byte of `a`'s elements (0 when empty). */
export function spanOf(a: NDArray): number {
  if (a.size === 0) return 0;
  let span = a.itemsize;
  for (let k = 0; k < a.ndim; k++) {
    span += (a.shape[k] - 1) * Math.abs(a.strides[k]);
  }
  return span;
}

/**
 * The windows of a walk over `a` (memory maps; `undefined` for other
 * storage): each window's pages are asked for before the walk reaches them
 * (for writing when `write` is set), so that pages the kernel cannot give (a
 * file cut short by another program, a hole a full disk cannot fill) are an
 * error, not a fault; finished windows are released when the walk is large
 * (see {@linkcode releaseFor}). A sparse view (every other element, a
 * column) has its windows prepared whole, the pages between its elements
 * too: they cannot be told apart from the pages it touches without a call
 * per page.
 *
 * @param a The array walked.
 * @param write Whether the walk writes `a`.
 */
export function windowsOf(
  a: NDArray,
  write: boolean,
): OperandWindows | undefined {
  const storage = a.storage;
  if (storage.prefetch === undefined && storage.release === undefined) {
    return undefined;
  }
  return {
    release: releaseFor(storage, spanOf(a)),
    prefetch: storage.prefetch === undefined
      ? undefined
      : (start: number, length: number) =>
        storage.prefetch!(start, length, write),
    verify: storage.prefetch === undefined || storage.verify === undefined
      ? undefined
      : () => storage.verify!(),
    itemsize: a.itemsize,
  };
}

/**
 * `a` as an operand of a walk (see `walk` in `iterate.ts`), with its
 * windows: every walk over an array's storage takes its operands from here.
 *
 * @param a The array walked.
 * @param write Whether the walk writes `a`.
 * @param strides Byte strides to walk `a` with (broadcast); default `a`'s.
 */
export function operandOf(
  a: NDArray,
  write = false,
  strides: readonly number[] = a.strides,
): Operand {
  return {
    offset: a.byteOffset,
    strides,
    windows: windowsOf(a, write),
    itemsize: a.itemsize,
  };
}

/**
 * Asks for all of `a`'s pages (memory maps) before work that goes through
 * them in an order of its own, a window at a time (released again when the
 * span is large): pages the kernel cannot give are then an error before any
 * is touched (see {@linkcode windowsOf}). The work then checks the file
 * again as it goes, through the {@linkcode PageCheck} returned: pages asked
 * for up front are gone when another program cuts the file while the work
 * runs.
 *
 * @param a The array.
 * @param write Whether the work writes `a`.
 * @returns The check the work calls before each part of it (memory maps),
 * or `undefined`.
 */
export function prepareWhole(
  a: NDArray,
  write: boolean,
): PageCheck | undefined {
  a.storage.verify?.();
  const windows = windowsOf(a, write);
  if (windows === undefined || a.size === 0) return undefined;
  let low = a.byteOffset;
  for (let k = 0; k < a.ndim; k++) {
    if (a.strides[k] < 0) low += (a.shape[k] - 1) * a.strides[k];
  }
  prepareAhead(windows, WINDOW, low, spanOf(a) - a.itemsize);
  return pageCheckOf(a);
}

/**
 * A check for work through `a`'s pages (see {@linkcode PageCheck}): for
 * storage whose pages are asked for (memory maps, `SharedMemory`) and can
 * be checked, else `undefined`.
 *
 * @param a The array.
 * @returns The check, or `undefined`.
 */
export function pageCheckOf(a: NDArray): PageCheck | undefined {
  const storage = a.storage;
  if (storage.prefetch === undefined || storage.verify === undefined) {
    return undefined;
  }
  return new PageCheck(() => storage.verify!());
}

/** Storage whose bytes are made on first use (see {@linkcode LazyBytes}). */
const pending = new WeakMap<ArrayStorage, {
  readonly length: number;
  made(): boolean;
  closed(): boolean;
}>();

/** Bytes of a detached buffer: what a storage closed before its bytes were made shows. */
function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array(new ArrayBuffer(0));
  bytes.buffer.transfer();
  return bytes;
}

/**
 * The length of a storage's bytes while they are not made yet (see
 * {@linkcode LazyBytes}): arrays over it are made without making them.
 *
 * @param storage The storage.
 * @returns The length, or `undefined` once the bytes are made (or for
 * storage of plain bytes).
 */
export function pendingLength(storage: ArrayStorage): number | undefined {
  const lazy = pending.get(storage);
  return lazy === undefined || lazy.made() ? undefined : lazy.length;
}

/** Storage objects the library made (frozen, hooks guarded). */
const owned = new WeakSet<object>();
/** Those of them made of a storage the program gave (`new NDArray(storage, ...)`). */
const given = new WeakSet<object>();

/**
 * Bytes made on first use (a memmap's second map of its file in a
 * WebAssembly memory of its own: see `memorySettings` in `memmap.ts`), so
 * that a map opened and closed, or one a call never reads, makes none.
 */
export interface LazyBytes {
  /** The bytes' length, known before they are made. */
  readonly length: number;
  /** Makes the bytes; called once, on first use, only while the storage is open. */
  make(): Uint8Array;
  /** Called once the storage's `bytes` are set to what `make` returned. */
  made?(bytes: Uint8Array): void;
}

/** What {@linkcode ownStorage} makes a storage of. */
export interface StorageFields {
  /** The bytes, or how to make them on first use. */
  bytes: Uint8Array | LazyBytes;
  /** Whether writes must be refused. */
  readOnly: boolean;
  /** For messages. */
  label?: string;
  /** See {@linkcode ArrayStorage}. */
  release?: (byteStart: number, byteLength: number) => void;
  /** See {@linkcode ArrayStorage}. */
  prefetch?: (byteStart: number, byteLength: number, write?: boolean) => void;
  /** See {@linkcode ArrayStorage}. */
  verify?: () => void;
  /** See {@linkcode ArrayStorage}. */
  releaseThreshold?: number;
  /** Whether the memory behind `bytes` is gone (besides `bytes` detached). */
  closed?: () => boolean;
}

/**
 * Makes the library's storage object: frozen (its read-only flag, bytes and
 * hooks cannot be changed through `a.storage`), with each hook guarded:
 * arguments checked (`TypeError`), `Deno.errors.BadResource` when the
 * storage is closed, before the hook runs; with `foreign` (hooks the library
 * did not write), `Deno.errors.BadResource` after the hook when it closed
 * its storage or any other map (see {@linkcode ArrayStorage}).
 *
 * @param fields The storage's fields.
 * @param self `this` for the hooks (the user's object); default the storage.
 * @param foreign Whether the hooks are the user's.
 * @returns The storage.
 */
export function ownStorage(
  fields: StorageFields,
  self?: object,
  foreign = false,
): ArrayStorage {
  const source = fields.bytes;
  const lazy = source instanceof Uint8Array ? undefined : source;
  let bytes = lazy === undefined ? source as Uint8Array : undefined;
  const label = fields.label;
  const what = label === undefined ? "an array's storage" : label;
  const gone = fields.closed;
  const closed = () =>
    (bytes?.buffer as ArrayBuffer | undefined)?.detached === true ||
    gone?.() === true;
  const { release, prefetch, verify } = fields;
  // The hooks below call `call` (defined after) only once `storage` is made.
  const storage = {
    ...(lazy === undefined ? { bytes } : {}),
    readOnly: fields.readOnly,
    ...(label === undefined ? {} : { label }),
    ...(fields.releaseThreshold === undefined
      ? {}
      : { releaseThreshold: fields.releaseThreshold }),
    ...(release === undefined ? {} : {
      release(byteStart: number, byteLength: number): void {
        checkHookRange("release", byteStart, byteLength, what);
        call(release, "release", [byteStart, byteLength]);
      },
    }),
    ...(prefetch === undefined ? {} : {
      prefetch(byteStart: number, byteLength: number, write?: boolean): void {
        checkHookRange("read ahead", byteStart, byteLength, what);
        call(prefetch, "prefetch", [byteStart, byteLength, write]);
      },
    }),
    ...(verify === undefined ? {} : {
      verify(): void {
        call(verify, "verify", []);
      },
    }),
  } as ArrayStorage;
  if (lazy !== undefined) {
    // Made on first use; a storage closed before gives detached bytes.
    const make = (): Uint8Array => {
      if (bytes !== undefined) return bytes;
      if (gone?.() === true) return bytes = detachedBytes();
      bytes = lazy.make();
      lazy.made?.(bytes);
      return bytes;
    };
    Object.defineProperty(storage, "bytes", { get: make, enumerable: true });
    pending.set(storage, {
      length: lazy.length,
      made: () => bytes !== undefined,
      closed: () => gone?.() === true,
    });
  }
  const call = (
    hook: (...args: never[]) => void,
    name: string,
    args: unknown[],
  ): void => {
    if (closed()) throwClosed(storage);
    const before = closures();
    Reflect.apply(hook, self ?? storage, args);
    if (closed() || (foreign && closures() !== before)) {
      const whose = label === undefined ? "" : ` of "${label}"`;
      throw new Deno.errors.BadResource(
        `Cannot use the array: its storage's ${name} hook${whose} closed a memory map while the call was using it`,
      );
    }
  };
  Object.freeze(storage);
  owned.add(storage);
  if (foreign) given.add(storage);
  return storage;
}

/**
 * Whether the library made (or already adopted) this storage: views of its
 * arrays may sit anywhere when they have no elements, as NumPy's views.
 *
 * @param storage Any object.
 * @returns True for the library's own storage.
 */
export function isLibraryStorage(storage: object): boolean {
  return owned.has(storage);
}

/**
 * The library's storage for a storage given to the `NDArray` constructor:
 * itself when the library made it, else a frozen copy of its fields read
 * once, with the given hooks guarded (see {@linkcode ArrayStorage}).
 *
 * @param storage The given storage (an object whose `bytes` is a
 * `Uint8Array`).
 * @param call What is being done, for messages.
 * @returns The library's storage.
 * @throws {TypeError} If a hook is neither a function nor `undefined`,
 * `label` not a string, or `releaseThreshold` not a number.
 */
export function adoptStorage(
  storage: ArrayStorage,
  call: string,
): ArrayStorage {
  if (owned.has(storage)) return storage;
  const { bytes, readOnly, label, releaseThreshold } = storage;
  const hooks: Pick<StorageFields, "release" | "prefetch" | "verify"> = {};
  for (const name of ["release", "prefetch", "verify"] as const) {
    const hook: unknown = storage[name];
    if (hook === undefined) continue;
    if (typeof hook !== "function") {
      throw new TypeError(
        `Cannot ${call} over storage whose ${name} is ${
          describe(hook)
        }: a storage's hooks must be functions`,
      );
    }
    hooks[name] = hook as () => void;
  }
  if (label !== undefined && typeof label !== "string") {
    throw new TypeError(
      `Cannot ${call} over storage whose label is ${
        describe(label)
      }: a storage's label must be a string`,
    );
  }
  if (
    releaseThreshold !== undefined &&
    (typeof releaseThreshold !== "number" || Number.isNaN(releaseThreshold))
  ) {
    throw new TypeError(
      `Cannot ${call} over storage whose releaseThreshold is ${
        describe(releaseThreshold)
      }: it must be a number of bytes`,
    );
  }
  if (typedArrayTag(bytes) !== "Uint8Array") {
    throw new TypeError(
      `Cannot ${call} over storage ${
        describe(storage)
      }: storage must be an object with bytes, a Uint8Array`,
    );
  }
  checkViewable(bytes);
  return ownStorage(
    {
      bytes,
      // Pages that cannot be written fault on a write, whatever the flag says.
      readOnly: Boolean(readOnly) || isReadOnlyMemory(bytes.buffer),
      label,
      releaseThreshold,
      ...hooks,
    },
    storage,
    true,
  );
}

const overlays = new WeakMap<ArrayStorage, OverlaySource>();
/** Where a memmap's file lies in the memory showing it, by the memory's buffer. */
const mapsShown = new WeakMap<ArrayBuffer, { start: number; end: number }>();

/**
 * Refuses bytes that reach past the library's own data in the buffer they
 * are in: the kernels' scratch after a large in-memory array's data, and
 * the bytes around a memmap's file in the memory that shows it (a skew
 * before, the kernels' scratch after): an array over them would be
 * overwritten by any reduction.
 *
 * @param bytes The bytes an array would view.
 * @throws {RangeError} If they reach into those bytes.
 */
function checkViewable(bytes: Uint8Array): void {
  const end = bytes.byteOffset + bytes.length;
  const data = arrayDataLength(bytes.buffer);
  if (data !== undefined && end > data) {
    throw new RangeError(
      `Cannot view bytes ${bytes.byteOffset}..${end} of an array's memory: only its first ${data} bytes are the array's data, the bytes after them are the library's scratch (view the array's data, not all of data.buffer)`,
    );
  }
  const shown = mapsShown.get(bytes.buffer as ArrayBuffer);
  if (
    shown !== undefined && bytes.length > 0 &&
    (bytes.byteOffset < shown.start || end > shown.end)
  ) {
    throw new RangeError(
      `Cannot view bytes ${bytes.byteOffset}..${end} of a memmap's memory: only bytes ${shown.start}..${shown.end} are its file's map, the bytes around them are the library's (view the memmap's data, not all of data.buffer)`,
    );
  }
}
const memories = new WeakMap<ArrayStorage, WebAssembly.Memory>();
const scratches = new WeakMap<ArrayStorage, number>();

/** Makes a view over a storage (a memmap's views are memmaps too). */
export type ViewMaker = (
  dtype: DType,
  shape: readonly number[],
  strides: readonly number[],
  byteOffset: number,
) => NDArray;

const viewMakers = new WeakMap<ArrayStorage, ViewMaker>();

/**
 * Has views of arrays over `storage` made by `make` (memmaps register one so
 * that their slices, reshapes and transposes are memmaps). Internal.
 *
 * @param storage The storage.
 * @param make The view maker.
 */
export function offerViews(storage: ArrayStorage, make: ViewMaker): void {
  viewMakers.set(storage, make);
}

/**
 * The view maker registered for a storage, if any.
 *
 * @param storage The storage.
 * @returns The maker, or `undefined` (plain `NDArray` views).
 */
export function viewMakerOf(storage: ArrayStorage): ViewMaker | undefined {
  return viewMakers.get(storage);
}

/**
 * Lets SIMD kernels see the storage's bytes in place in WebAssembly memory
 * (memory maps of files, where the platform can). Only for storage whose
 * file always holds what `bytes` reads. Internal: not exported by `mod.ts`.
 *
 * @param storage The storage.
 * @param source How to show its bytes.
 */
export function offerOverlay(
  storage: ArrayStorage,
  source: OverlaySource,
): void {
  overlays.set(storage, source);
}

/**
 * Tells that the storage's bytes lie in `memory` (a memmap's second map of
 * its file, `mapIntoMemory` in `mmap.ts`): SIMD kernels read them there in
 * place, after the storage's `prefetch` of each range (the read-ahead that
 * turns a file cut short into an error instead of `SIGBUS`). Internal: not
 * exported by `mod.ts`.
 *
 * @param storage The storage.
 * @param memory The memory holding `storage.bytes`.
 * @param scratch Where the memory has room for the reduction kernels'
 * scratch (`SCRATCH_BYTES` of `kernels/runtime.ts`, past the data), or -1.
 */
export function offerMemory(
  storage: ArrayStorage,
  memory: WebAssembly.Memory,
  scratch = -1,
): void {
  memories.set(storage, memory);
  offerMappedMemory(memory);
  if (scratch >= 0) scratches.set(storage, scratch);
  const { bytes } = storage;
  mapsShown.set(bytes.buffer as ArrayBuffer, {
    start: bytes.byteOffset,
    end: bytes.byteOffset + bytes.length,
  });
}

/**
 * The memory offered for a storage and where the reduction kernels may
 * keep their scratch in it (see {@linkcode offerMemory}), while its bytes
 * are still there (not closed).
 *
 * @param storage The storage.
 * @returns The memory and the scratch's address, or `undefined`.
 */
export function kernelMemoryOf(
  storage: ArrayStorage,
): { memory: WebAssembly.Memory; scratch: number } | undefined {
  const memory = memoryOf(storage);
  const scratch = scratches.get(storage);
  return memory === undefined || scratch === undefined
    ? undefined
    : { memory, scratch };
}

/**
 * The memory offered for a storage (see {@linkcode offerMemory}), while
 * its bytes are still there (not closed).
 *
 * @param storage The storage.
 * @returns The memory, or `undefined`.
 */
export function memoryOf(
  storage: ArrayStorage,
): WebAssembly.Memory | undefined {
  if (pendingLength(storage) !== undefined && !isDetached(storage)) {
    void storage.bytes; // A kernel asks: the memory is made now.
  }
  const memory = memories.get(storage);
  return memory === undefined || isDetached(storage) ? undefined : memory;
}

/**
 * The overlay source offered for a storage, if any.
 *
 * @param storage The storage.
 * @returns The source, or `undefined`.
 */
export function overlayOf(storage: ArrayStorage): OverlaySource | undefined {
  return overlays.get(storage);
}

/**
 * Creates in-memory storage of `byteLength` zeroed bytes (from
 * {@linkcode allocateArray}: huge pages, and WebAssembly memory of their own
 * for large arrays) or over the given bytes.
 *
 * @param bytesOrLength The bytes to use, or how many zeroed bytes to allocate.
 * @returns The storage.
 * @throws {RangeError} If the bytes reach past an in-memory array's data
 * into the scratch after it, or past a memmap's file in the memory showing
 * it.
 */
export function memoryStorage(
  bytesOrLength: Uint8Array | number,
): ArrayStorage {
  const bytes = typeof bytesOrLength === "number"
    ? allocateArray(bytesOrLength)
    : bytesOrLength;
  // The memory of a large in-memory array holds the kernels' scratch after
  // its data: an array over those bytes would be overwritten by any
  // reduction (an `out=` there would get wrong values). So does a memmap's.
  checkViewable(bytes);
  // Memory whose pages cannot be written (a map made without PROT_WRITE)
  // gives read-only arrays, as NumPy's frombuffer() of read-only bytes.
  return ownStorage({ bytes, readOnly: isReadOnlyMemory(bytes.buffer) });
}

/**
 * Tells whether the storage's buffer has been detached (its map was closed).
 *
 * @param storage The storage.
 * @returns `true` when closed.
 */
export function isDetached(storage: ArrayStorage): boolean {
  // Bytes not made yet are not made for the question (see LazyBytes).
  const lazy = pending.get(storage);
  if (lazy !== undefined && !lazy.made()) return lazy.closed();
  // `detached` is undefined on SharedArrayBuffer, which cannot be detached.
  return (storage.bytes.buffer as ArrayBuffer).detached === true;
}

/**
 * Throws the error for an array whose memory map has been closed.
 *
 * @param storage The storage (for its label).
 * @throws {Deno.errors.BadResource} Always.
 */
export function throwClosed(storage: ArrayStorage): never {
  const what = storage.label ? ` of "${storage.label}"` : "";
  // Worded by what the memory is: a map's (closed), or a caller's plain
  // ArrayBuffer that was transferred away (there is no map to speak of).
  if (storage.label === undefined && !isMappedMemory(storage.bytes.buffer)) {
    throw new Deno.errors.BadResource(
      "Cannot use the array: its ArrayBuffer was detached (transferred away)",
    );
  }
  throw new Deno.errors.BadResource(
    `Cannot use the array: the memory map${what} is closed`,
  );
}

/**
 * Throws the error for a write through a read-only array.
 *
 * @param storage The storage (for its label).
 * @throws {TypeError} Always.
 */
export function throwReadOnly(storage: ArrayStorage): never {
  throw new TypeError(`Cannot write to the array: ${readOnlyKind(storage)}`);
}

/**
 * What makes a storage read-only, worded by what its memory is: a memmap's
 * file opened with mode "r", a map's pages that cannot be written (its bytes
 * given to frombuffer() or as storage), or storage the program gave as
 * read-only (its label, if any, being the program's, not a file's).
 *
 * @param storage The read-only storage.
 * @returns The words.
 */
function readOnlyKind(storage: ArrayStorage): string {
  const label = storage.label;
  if (!given.has(storage) && label !== undefined) {
    return `the memory map "${label}" is read-only (mode "r")`;
  }
  if (isReadOnlyMemory(storage.bytes.buffer)) {
    return 'its memory is a read-only map\'s (access "read" or made without PROT_WRITE)';
  }
  const what = label === undefined ? "" : ` "${label}"`;
  return `its storage${what} was given as read-only (readOnly: true)`;
}

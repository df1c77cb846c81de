/**
 * `Mmap`: the file-like object of Python's `mmap.mmap`.
 *
 * @module
 */

import { guardReceivers, throwReceiver } from "../_receivers.ts";
import { type InspectState, inspectText } from "../_inspect.ts";
import { cloneRefusal, refuseJSON } from "../_clone.ts";
import { sys } from "../ffi/platform.ts";
import { osError } from "../ffi/os_error.ts";
import { isReadOnlyMemory, noteClosure } from "../ffi/mapped_buffer.ts";
import { withReadOnlyHint } from "../ffi/permissions.ts";
import type {
  FileHandle,
  MapKind,
  Mapping,
  MapRequest,
  MemoryMap,
  OverlayTarget,
} from "../ffi/sys.ts";
import { type Access, ALLOCATIONGRANULARITY, MADVISE } from "./constants.ts";
import {
  clampIndex,
  findInMap,
  findLastInMap,
  lineEnd,
  needleBytes,
  sliceRange,
} from "./search.ts";
import { LineIndex } from "./scan.ts";
import { linkTarget, toPath } from "./path.ts";
import { allocate, copyRange } from "./copy_pool.ts";
import {
  describe,
  MAX_SAFE,
  toBoolean,
  toBound,
  toBytes,
  toInt,
  toOptions,
  toSize,
} from "../_args.ts";

export type { Access } from "./constants.ts";

/** Options shared by every way of making a map. */
export interface MmapOptions {
  /** Bytes to map; 0 or omitted maps the whole file from `offset`. */
  length?: number;
  /** Where the map starts in the file; a multiple of `ALLOCATIONGRANULARITY`. */
  offset?: number;
  /** How writes are treated; default `"default"` (shared read/write). */
  access?: Access;
  /** Unix `MAP_*` flags; exclusive with `access`. */
  flags?: number;
  /**
   * Unix `PROT_*` protection; exclusive with `access`. With `PROT_EXEC` but
   * not `PROT_WRITE` the pages are read + exec only (W^X): a write through
   * a view of them (`bytes`, `lines()`, `readable()`) faults, as writing
   * code pages does in C.
   */
  prot?: number;
}

/** Options of {@linkcode Mmap.open}. */
export interface MmapOpenOptions extends MmapOptions {
  /** Create the file (empty) when it does not exist. */
  create?: boolean;
}

/** Options of {@linkcode Mmap.readable}. */
export interface ReadableOptions {
  /** First byte; default 0. Negative values count from the end, as in Python. */
  start?: number;
  /** End byte, exclusive; default the end of the map. */
  end?: number;
  /** Bytes per chunk; default 65536. */
  chunkSize?: number;
  /** Hand out copies instead of zero-copy views of the map; default false. */
  copy?: boolean;
}

/** Options of {@linkcode Mmap.anonymous}. */
export interface AnonymousOptions {
  /** Unix `MAP_SHARED` (default) or `MAP_PRIVATE`, with optional extras. */
  flags?: number;
  /** Unix `PROT_*` protection; default read/write. */
  prot?: number;
}

const EMPTY: Uint8Array<ArrayBuffer> = new Uint8Array(0);
/** C `int` options (flags, prot, madvise advice) are non-negative and fit 31 bits. */
const INT_MAX = 0x7fffffff;
/** The advice `madvise()` passes on: this platform's table, nothing else. */
const ADVICE_VALUES: ReadonlySet<number> = new Set(Object.values(MADVISE));

interface Layout {
  kind: MapKind;
  access: Access;
  exec: boolean;
  extraFlags: number;
}

/**
 * A map request of one shape (object spreads cost about 0.07 us each on
 * every open).
 */
function requestOf(
  file: FileHandle,
  offset: number,
  length: number,
  layout: Layout,
): MapRequest & { readonly file: FileHandle } {
  return {
    file,
    offset,
    length,
    kind: layout.kind,
    exec: layout.exec,
    extraFlags: layout.extraFlags,
  };
}

/**
 * Checks the access, flags and prot options (read once by the caller) and
 * tells how to map.
 */
function layoutFor(
  call: string,
  access: unknown,
  flags: unknown,
  prot: unknown,
): Layout {
  const C = sys.constants;
  if (access !== undefined) {
    if (flags !== undefined || prot !== undefined) {
      throw new TypeError(
        `Cannot ${call} with both access and flags/prot: choose one`,
      );
    }
    switch (access) {
      case "read":
        return { kind: "readonly", access: "read", exec: false, extraFlags: 0 };
      case "copy":
        return { kind: "private", access: "copy", exec: false, extraFlags: 0 };
      case "write":
      case "default":
        return {
          kind: "shared",
          access: access as Access,
          exec: false,
          extraFlags: 0,
        };
      default:
        throw new TypeError(
          `Cannot ${call} with access ${
            describe(access)
          }: access must be "read", "write", "copy" or "default"`,
        );
    }
  }
  const p = prot === undefined
    ? C.PROT_READ | C.PROT_WRITE
    : toInt(prot, call, "prot", 0, INT_MAX);
  const f = flags === undefined
    ? C.MAP_SHARED
    : toInt(flags, call, "flags", 0, INT_MAX);
  const protections = C.PROT_READ | C.PROT_WRITE | C.PROT_EXEC;
  if ((p & ~protections) !== 0) {
    throw new TypeError(
      `Cannot ${call} with prot 0x${
        p.toString(16)
      }: prot must combine PROT_READ, PROT_WRITE and PROT_EXEC only`,
    );
  }
  const allowed = C.MAP_SHARED | C.MAP_PRIVATE | C.MAP_ANONYMOUS |
    C.MAP_NORESERVE |
    C.MAP_POPULATE;
  if ((f & ~allowed) !== 0) {
    throw new TypeError(
      `Cannot ${call} with flags 0x${
        f.toString(16)
      }: only MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE and MAP_POPULATE are supported`,
    );
  }
  if ((f & C.MAP_SHARED) !== 0 && (f & C.MAP_PRIVATE) !== 0) {
    throw new TypeError(
      `Cannot ${call} with flags 0x${
        f.toString(16)
      }: MAP_SHARED and MAP_PRIVATE exclude each other`,
    );
  }
  const extraFlags = f & (C.MAP_NORESERVE | C.MAP_POPULATE);
  const exec = (p & C.PROT_EXEC) !== 0;
  if ((p & C.PROT_WRITE) === 0) {
    return { kind: "readonly", access: "read", exec, extraFlags };
  }
  if ((f & C.MAP_PRIVATE) !== 0) {
    return { kind: "private", access: "copy", exec, extraFlags };
  }
  return { kind: "shared", access: "default", exec, extraFlags };
}

/** The map's place in a file: `offset` and `length` options, read once by the caller. */
function placeFor(
  call: string,
  offset: unknown,
  length: unknown,
): { offset: number; length: number } {
  const at = offset === undefined ? 0 : toSize(offset, call, "offset");
  if (at % ALLOCATIONGRANULARITY !== 0) {
    throw new RangeError(
      `Cannot ${call} at offset ${at}: offset must be a multiple of ALLOCATIONGRANULARITY (${ALLOCATIONGRANULARITY})`,
    );
  }
  const n = length === undefined ? 0 : toSize(length, call, "length");
  if (at + n > MAX_SAFE) {
    throw new RangeError(
      `Cannot ${call} ${n} bytes at offset ${at}: the map would end past byte 2**53 - 1`,
    );
  }
  return { offset: at, length: n };
}

/** What posting or cloning a map fails with (see cloneRefusal). */
const NOT_CLONEABLE = cloneRefusal(
  "Cannot post an Mmap to a Worker (post its file path, or use SharedMemory, and map it again there): this Mmap",
);

let fileOf: (m: Mmap) => FileHandle | null;
let mappingOf: (m: Mmap) => Mapping | null;

/** How {@linkcode openFile} maps a file. */
export interface OpenFileOptions {
  /** `"read"`, `"write"` or `"copy"`. */
  access: Access;
  /** Where the map starts; a multiple of `ALLOCATIONGRANULARITY`. */
  offset: number;
  /**
   * The length to map, given the file's size (read once the file is open)
   * and whether it is a character device (`/dev/zero`: its size is 0 and
   * the length asked is mapped as it is); may throw to refuse the file.
   */
  length: (size: number, device: boolean) => number;
  /** Create the file when it does not exist (and remove it if mapping fails). */
  create: boolean;
  /**
   * Replace the content by `offset + length` zero bytes (NumPy's `"w+"`):
   * refused with `Deno.errors.Busy` while another map covers the file, and
   * on failure the old content is kept.
   */
  overwrite: boolean;
}

/**
 * Opens and maps a file as `memmap()` and `openMemmap()` need, with a
 * length chosen from the file's size and NumPy's `"w+"` overwrite; not
 * exported by `mod.ts`.
 *
 * @param path The file, as made by `toPath`.
 * @param options How to map it.
 * @returns The map.
 */
export let openFile: (path: string, options: OpenFileOptions) => Mmap;

/** The iterator of `Mmap.lines()` (made inside the class: see there). */
let linesOf: (m: Mmap) => IterableIterator<Uint8Array<ArrayBuffer>>;
let valuesOf: (m: Mmap) => IterableIterator<number>;

/** The token only this module's factories pass to the `Mmap` constructor. */
const CONSTRUCT: unique symbol = Symbol("Mmap");

/** An instance, in the messages for a receiver that is not one. */
const AN_MMAP = "an Mmap";

/**
 * Whether `value` is an `Mmap` made by this library (a brand check: a
 * look-alike object or subclass prototype does not pass); not exported by
 * `mod.ts`.
 */
export let isMmap: (value: unknown) => value is Mmap;

/**
 * Shows bytes `[start, start + length)` of a file-backed map read-only in
 * WebAssembly memory, in place (see `Sys.overlay`), for this library's own
 * kernels; not exported by `mod.ts`.
 *
 * @returns Where byte `start` landed in `target.memory`, or -1 when the
 * platform cannot overlay or the map is closed, anonymous, of a device or
 * copy-on-write (its changes are not in the file).
 */
export function overlayMmap(
  m: Mmap,
  target: OverlayTarget,
  start: number,
  length: number,
): number {
  const file = fileOf(m);
  // A device's private map is not what its shared map shows (/dev/zero gives
  // fresh zeros): only regular files are read through an overlay.
  if (
    file === null || file.device || sys.overlay === undefined ||
    m.access === "copy"
  ) {
    return -1;
  }
  return sys.overlay(target, file, m.offset + start, length);
}

/**
 * Faults in bytes `[start, start + length)` of `m` now, for reading or for
 * writing (see {@linkcode Sys.populate}), clipped to the map.
 *
 * @returns Whether the platform did it (false: closed map, or no such call).
 * @throws {Error} With the errno's code where the pages cannot be had.
 */
export function populateMmap(
  m: Mmap,
  start: number,
  length: number,
  write: boolean,
): boolean {
  const mapping = mappingOf(m);
  if (mapping === null || sys.populate === undefined) return false;
  // Only the map's own pages, whatever the range asked for.
  const end = Math.min(start + length, mapping.length);
  start = Math.max(start, 0);
  if (!(end > start)) return true;
  return sys.populate(
    mapping,
    start,
    end - start,
    write && m.access === "write",
  );
}

/**
 * Shows bytes `[start, start + length)` of a file-backed map in WebAssembly
 * memory for this library's own kernels, in place: the map's own pages lent
 * for the moment (see `Sys.lend`) where the platform can, else the file's
 * shown anew as {@linkcode overlayMmap} does; not exported by `mod.ts`.
 * {@linkcode clearOverlay} gives them back.
 *
 * @returns As {@linkcode overlayMmap}.
 */
export function lendMmap(
  m: Mmap,
  target: OverlayTarget,
  start: number,
  length: number,
): number {
  const mapping = mappingOf(m);
  const at = mapping === null || sys.lend === undefined
    ? -1
    : sys.lend(target, mapping, start, length);
  return at >= 0 ? at : overlayMmap(m, target, start, length);
}

/** Puts zeroed memory back over a target {@linkcode overlayMmap} used. */
export function clearOverlay(target: OverlayTarget): void {
  sys.clearOverlay?.(target);
}

/** The bytes of a map shown a second time in a memory of their own (see {@linkcode mapIntoMemory}). */
export interface MemoryShown {
  /** The map's bytes (byte 0 is the map's first byte). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The memory they are in (at `bytes.byteOffset`). */
  readonly memory: WebAssembly.Memory;
  /**
   * Where the spare bytes asked for start in the memory (zeroed memory past
   * the map's pages, a multiple of 64 KiB), or -1 where none were asked for.
   */
  readonly spare: number;
  /**
   * Faults in `[start, start + length)` of the map now, for writing when
   * `write` and the map writes its file (as {@linkcode populateMmap}).
   *
   * @throws {Error} With the errno's code where the pages cannot be had.
   */
  populate(start: number, length: number, write: boolean): void;
  /** Lets go of the pages of `[start, start + length)` (read again from the file when next touched). */
  release(start: number, length: number): void;
  /** Unmaps them and detaches `bytes`' buffer; idempotent. */
  close(): void;
}

/**
 * Whether the regular file under `m` was cut short (by another program)
 * below the map's end: its size and the size the map needs, else null
 * (also for devices, anonymous and closed maps, whose size says nothing).
 * Not exported by `mod.ts`.
 */
export function cutShort(m: Mmap): { size: number; needed: number } | null {
  const file = fileOf(m);
  if (file === null || file.device) return null;
  const size = sys.size(file), needed = m.offset + m.length;
  return size < needed ? { size, needed } : null;
}

/**
 * Shows the bytes of a map of a file a second time, in a
 * `WebAssembly.Memory` of their own (`Sys.mapInto`: the same pages of the
 * same file), for arrays to read and write instead of the map's own
 * buffer, so that the SIMD kernels read and write them in place. V8 counts
 * the memory as memory held outside its heap, as it counts the map's own
 * buffer (`--trace-incremental-marking` shows either in its "global"
 * size): making one starts V8's marking while its limit is low, in a
 * process's first calls (see the README's issue 11 sections), so memmaps
 * make theirs when their bytes are first used. Not exported by `mod.ts`.
 *
 * @param m The map (open).
 * @param minBytes Maps of fewer bytes are not shown (null).
 * @param spare Bytes of zeroed memory to leave past the map's pages (room
 * for kernels that read the map in place); none where the map and they
 * would reach past 2 GiB (the kernels' addresses are below it).
 * @returns The bytes, or null where they cannot be shown so (not Linux, a
 * map of a device, copy-on-write or anonymous map, over 4 GiB, no address
 * space for a memory): then use the map's own.
 */
export function mapIntoMemory(
  m: Mmap,
  minBytes: number,
  spare = 0,
): MemoryShown | null {
  const shown = showInMemory(m, minBytes, spare);
  if (shown !== null) memoriesMade++;
  return shown;
}

/** How many memories {@linkcode mapIntoMemory} made so far (for tests). */
let memoriesMade = 0;

/**
 * How many maps {@linkcode mapIntoMemory} has shown in a memory of their
 * own so far: tests tell from it when a memmap makes its memory. Not
 * exported by `mod.ts`.
 *
 * @returns The count.
 */
export function memoriesShown(): number {
  return memoriesMade;
}

function showInMemory(
  m: Mmap,
  minBytes: number,
  spare: number,
): MemoryShown | null {
  const mapping = mappingOf(m);
  const file = fileOf(m);
  const mapInto = sys.mapInto;
  if (
    mapping === null || file === null || file.device ||
    m.access === "copy" || mapInto === undefined ||
    mapping.length < Math.max(minBytes, 1)
  ) {
    return null;
  }
  // The map starts within 2 MiB of the memory's start (see Sys.mapInto).
  const room = spare > 0 && mapping.length + 2 * 2 ** 20 + spare < 2 ** 31;
  let shown: MemoryMap;
  try {
    shown = mapInto(mapping, room ? spare : 0);
  } catch {
    return null; // The map's own buffer serves.
  }
  const home = shown.memory;
  let memory: WebAssembly.Memory | null = home;
  const write = m.access === "write";
  const bytes = new Uint8Array(
    home.buffer as ArrayBuffer,
    shown.at,
    mapping.length,
  );
  return {
    bytes,
    memory: home,
    spare: room ? shown.spare : -1,
    populate: (start, length, w) => shown.populate(start, length, w && write),
    release: (start, length) => shown.release(start, length),
    close() {
      if (memory === null) return;
      // A memory's buffer cannot be transferred; growing by nothing
      // detaches it (and the memory goes with the last reference to it).
      memory.grow(0);
      noteClosure();
      memory = null;
      shown.clear();
    },
  };
}

/**
 * A memory-mapped file or block of anonymous memory, with the file-like and
 * bytes-like API of Python's `mmap.mmap`: a position for `read`/`write`/
 * `seek`, `find`/`rfind`, indexing and slicing, `flush`, `resize` and
 * `madvise`. `bytes` is a zero-copy `Uint8Array` over the memory.
 *
 * Access modes: `"read"` refuses writes (`TypeError`), `"write"`/`"default"`
 * write through to the file (visible at once to every other map of it),
 * `"copy"` keeps writes in this process's memory.
 *
 * **Safety.** Every view handed out (`bytes`, `lines()`) is detached before
 * the memory goes away on `close()` or `resize()`: it then reads as length 0
 * instead of touching unmapped memory; a buffer moved away by a transfer,
 * or an async write of a view still in flight, reads zeros instead (POSIX
 * leaves zero pages where the map was). A read-only map is private, so even a stray write
 * through `bytes` never reaches the file. The library never cuts a file
 * under a live map of its own (a shrinking `resize()` is `Deno.errors.Busy`
 * while another map covers the bytes), and grows files with their disk
 * blocks reserved, so a full disk is an error rather than a fault. What it
 * cannot prevent: another program (or Deno's own file APIs) truncating a
 * file while it is mapped makes access past the new end fault (`SIGBUS`),
 * as in every language. See the README's Safety section.
 *
 * @example Read, slice and edit a file in place (the Python tutorial)
 * ```ts
 * import { Mmap } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/hello.txt`;
 * Deno.writeTextFileSync(path, "Hello Python!\n");
 * {
 *   using m = Mmap.open(path);
 *   const text = (b: Uint8Array) => new TextDecoder().decode(b);
 *   assert.equal(text(m.readline()), "Hello Python!\n");
 *   assert.equal(text(m.slice(0, 5)), "Hello");
 *   m.set(6, new TextEncoder().encode(" world!\n"));
 *   m.seek(0);
 *   assert.equal(text(m.readline()), "Hello  world!\n");
 * }
 * assert.equal(Deno.readTextFileSync(path), "Hello  world!\n");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class Mmap implements Disposable, Iterable<number> {
  #file: FileHandle | null;
  #mapping: Mapping;
  #bytes: Uint8Array<ArrayBuffer> | undefined;
  #words: Uint32Array | undefined;
  #access: Access;
  #offset: number;
  #pos = 0;
  #closed = false;
  /** Counts writes through this object's methods (and resizes), for `lines()`. */
  #version = 0;
  /** The range `#searchRange` resolved last. */
  #from = 0;
  #to = 0;

  private constructor(
    token: typeof CONSTRUCT,
    file: FileHandle | null,
    mapping: Mapping,
    access: Access,
    offset: number,
  ) {
    // TypeScript's `private` is gone at run time: a map made any other way
    // would hand a forged mapping to the C calls.
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Cannot construct an Mmap directly: use Mmap.open(), Mmap.anonymous() or Mmap.fromFd()",
      );
    }
    // An own symbol: posting or cloning the map fails with this message
    // (assigned: defineProperty cost 0.28 us an open).
    (this as { notCloneable?: object }).notCloneable = NOT_CLONEABLE;
    this.#file = file;
    this.#mapping = mapping;
    this.#access = access;
    this.#offset = offset;
  }

  static {
    fileOf = (m) => m.#closed ? null : m.#file;
    mappingOf = (m) => m.#closed || m.#mapping.moved ? null : m.#mapping;
    isMmap = (value): value is Mmap =>
      typeof value === "object" && value !== null && #mapping in value;
  }

  /**
   * Maps a file.
   *
   * @param path The file, as a path or `file:` URL.
   * @param options Length, offset, access (or Unix flags/prot) and `create`.
   * @returns The map, positioned at 0.
   * @throws {Deno.errors.NotCapable} Without `--allow-ffi`, `--allow-read`, or
   * (for write access or `create`) `--allow-write`.
   * @throws {Deno.errors.NotFound} If the file does not exist and `create` is not set.
   * @throws {Deno.errors.NotSupported} For a FIFO or socket (`ENODEV`), and
   * {Deno.errors.IsADirectory} for a directory: such files are never waited on.
   * @throws {Error} With `code` `EFBIG` or `ENOSPC` when a longer `length`
   * would grow the file past what the file system or the disk can hold (the
   * file is left as it was).
   * @throws {RangeError} If `offset` is not a multiple of `ALLOCATIONGRANULARITY`,
   * or the range lies past the end of the file for read/copy access.
   * @throws {TypeError} For an unknown access or both access and flags/prot.
   *
   * @example Map a file read-only
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * Deno.writeTextFileSync(`${dir}/lorem.txt`, "Lorem ipsum dolor sit amet");
   * using m = Mmap.open(`${dir}/lorem.txt`, { access: "read" });
   * assert.equal(new TextDecoder().decode(m.read(10)), "Lorem ipsu");
   * assert.equal(new TextDecoder().decode(m.read(10)), "m dolor si");
   * m.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  static open(path: string | URL, options?: MmapOpenOptions): Mmap {
    const filename = toPath(path);
    const o = toOptions(options, "map a file");
    const { access, flags, prot, create } = o;
    const place = placeFor("map a file", o.offset, o.length);
    const layout = layoutFor("map a file", access, flags, prot);
    if (create !== undefined && typeof create !== "boolean") {
      throw new TypeError(
        `Cannot map a file with create ${
          describe(create)
        }: create must be a boolean`,
      );
    }
    const { offset, length } = place;
    // Python's default access is read/write; a read-only job that forgot to
    // say so is told both fixes (the flag, or access: "read").
    return withReadOnlyHint(
      () =>
        Mmap.#openFile(filename, layout, offset, () => length, {
          create: create === true,
          overwrite: false,
        }),
      access === undefined && flags === undefined && prot === undefined,
      'access: "read"',
    );
  }

  static {
    openFile = (path, options) =>
      Mmap.#openFile(
        path,
        layoutFor("map a file", options.access, undefined, undefined),
        options.offset,
        options.length,
        options,
      );
  }

  /** Opens (maybe creates) `filename` and maps it; the file is removed again if this made it and then failed. */
  static #openFile(
    filename: string,
    layout: Layout,
    offset: number,
    lengthFor: (size: number, device: boolean) => number,
    how: { create: boolean; overwrite: boolean },
  ): Mmap {
    const write = layout.kind === "shared";
    let file: FileHandle;
    let created: string | null = null;
    try {
      file = sys.open(filename, { write });
    } catch (error) {
      if (!how.create || !(error instanceof Deno.errors.NotFound)) {
        throw error;
      }
      // A link to a file not made yet: the file is made where it leads, as
      // NumPy's open does (and save), checked against the permissions there.
      const target = linkTarget(filename);
      file = sys.open(target, { write, create: true, exclusive: true });
      created = target;
    }
    try {
      return Mmap.#mapFile(file, lengthFor, offset, layout, how.overwrite);
    } catch (error) {
      // The file made here is removed from the directory it was made in,
      // by the platform where it can (a directory swapped for a link since
      // makes nothing else go), else by path.
      let removed = created === null;
      try {
        removed ||= sys.removeCreated?.(file) === true;
      } catch {
        removed = true; // Cannot be told: left rather than remove another file.
      }
      sys.close(file);
      if (!removed) {
        try {
          Deno.removeSync(created!);
        } catch {
          // Gone already; the error to report is the first one.
        }
      }
      throw error;
    }
  }

  /**
   * Maps a file from a descriptor the caller owns; the map has a handle of
   * its own (on Linux the file opened anew through `/proc/self/fd`,
   * elsewhere a duplicate), so the caller may close theirs. A descriptor
   * is no grant: Deno's permissions are checked for the file it refers to,
   * by the path the kernel gives for it (Linux `/proc/self/fd`, macOS
   * `F_GETPATH`): read access, write access too for a writable map (which
   * may also `resize()` the file), `--allow-all` for a special file, as
   * `Mmap.open()` of that path needs (a file made by `memfd_create` has no
   * path and needs none; where the path cannot be told, access to every
   * file is needed).
   *
   * @param fd An open file descriptor (Unix).
   * @param options Length, offset and access (or Unix flags/prot).
   * @returns The map, positioned at 0.
   * @throws {TypeError} If `fd` is not an integer.
   * @throws {Deno.errors.BadResource} If `fd` is not an open descriptor
   * (`EBADF`), as in CPython.
   * @throws {Deno.errors.NotCapable} Without `--allow-read` for its file
   * (and `--allow-write` for a writable map).
   *
   * @example Map standard input's descriptor when it is a file
   * ```ts ignore
   * import { Mmap } from "@seed/mmap";
   * using m = Mmap.fromFd(0, { access: "read" });
   * console.log(m.length);
   * ```
   */
  static fromFd(fd: number, options?: MmapOptions): Mmap {
    const descriptor = toInt(fd, "map a descriptor", "fd", -(2 ** 31), INT_MAX);
    const o = toOptions(options, "map a descriptor");
    const { access, flags, prot } = o;
    const { offset, length } = placeFor("map a descriptor", o.offset, o.length);
    const layout = layoutFor("map a descriptor", access, flags, prot);
    // A writable shared map may write the file and resize() it.
    const file = sys.duplicate(descriptor, layout.kind === "shared");
    try {
      return Mmap.#mapFile(file, () => length, offset, layout, false);
    } catch (error) {
      sys.close(file);
      throw error;
    }
  }

  static #mapFile(
    file: FileHandle,
    lengthFor: (size: number, device: boolean) => number,
    offset: number,
    layout: Layout,
    overwrite: boolean,
  ): Mmap {
    // The file's size is read once it is open: what is checked is what is mapped.
    const size = overwrite ? 0 : file.openedSize ?? sys.size(file);
    let length = lengthFor(size, file.device === true);
    if (overwrite) {
      const mapping = sys.mapFile(
        requestOf(file, offset, length, layout),
        { size: offset + length, overwrite: true },
      );
      return new Mmap(CONSTRUCT, file, mapping, layout.access, offset);
    }
    if (file.device) {
      // A device has no size to check or grow: map what was asked for.
      if (length === 0) length = Math.max(size - offset, 0);
      const mapping = sys.mapFile(requestOf(file, offset, length, layout));
      return new Mmap(CONSTRUCT, file, mapping, layout.access, offset);
    }
    if (offset > size && !(layout.kind === "shared" && length > 0)) {
      throw new RangeError(
        `Cannot map at offset ${offset}: offset is past the end of "${file.path}" (${size} bytes)`,
      );
    }
    if (length === 0) length = size - offset;
    const grown = offset + length > size;
    if (grown && layout.kind !== "shared") {
      throw new RangeError(
        `Cannot map ${length} bytes at offset ${offset}: "${file.path}" has only ${size} bytes and the map is not writable`,
      );
    }
    const mapping = sys.mapFile(
      requestOf(file, offset, length, layout),
      grown ? { size: offset + length } : undefined,
    );
    return new Mmap(CONSTRUCT, file, mapping, layout.access, offset);
  }

  /**
   * Maps anonymous memory, filled with zeros. Shared by default: a child
   * process would see writes, as with Python's `mmap.mmap(-1, n)`.
   *
   * @param length Size in bytes (0 makes an empty, resizable map).
   * @param options Unix `flags` (`MAP_PRIVATE` for private memory) and `prot`.
   * @returns The map.
   * @throws {RangeError} If `length` is negative.
   * @throws {Deno.errors.NotCapable} Without `--allow-ffi`.
   *
   * @example Write into anonymous memory
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(13);
   * m.write("Hello world!");
   * assert.deepEqual([...m.slice()].slice(-2), [33, 0]);
   * ```
   */
  static anonymous(length: number, options?: AnonymousOptions): Mmap {
    const size = toSize(length, "map anonymous memory", "length");
    const o = toOptions(options, "map anonymous memory") as MmapOptions;
    const layout = layoutFor("map anonymous memory", o.access, o.flags, o.prot);
    const mapping = sys.map({ file: null, length: size, offset: 0, ...layout });
    return new Mmap(CONSTRUCT, null, mapping, layout.access, 0);
  }

  #check(): void {
    if (this.#closed) {
      throw new Deno.errors.BadResource("Cannot use a closed mmap");
    }
    if (this.#mapping.moved) {
      throw new Deno.errors.BadResource(
        "Cannot use the mmap: its memory was moved to another thread or buffer (a transfer of bytes.buffer); close() it, or post a copy (slice()) instead",
      );
    }
  }

  #checkWritable(): void {
    this.#check();
    if (this.#access === "read") {
      throw new TypeError(
        'Cannot write to a read-only mmap (access is "read")',
      );
    }
  }

  /**
   * Number of bytes mapped, as Python's `len(m)`.
   *
   * @example Length of an anonymous map
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(10);
   * assert.equal(m.length, 10);
   * ```
   */
  get length(): number {
    this.#check();
    return this.#mapping.length;
  }

  /**
   * Whether `close()` has been called (or the memory was moved away by a
   * transfer of `bytes.buffer`, after which the map cannot be used).
   *
   * @example After close
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const m = Mmap.anonymous(10);
   * m.close();
   * assert.equal(m.closed, true);
   * ```
   */
  get closed(): boolean {
    // A map whose memory was moved away is as good as closed (as a Memmap's
    // views are); close() still lets go of its file.
    return this.#closed || this.#mapping.moved;
  }

  /**
   * The access mode: `"read"`, `"write"`, `"copy"` or `"default"`.
   *
   * @example Default access
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(10);
   * assert.equal(m.access, "default");
   * ```
   */
  get access(): Access {
    return this.#access;
  }

  /**
   * The file offset the map starts at.
   *
   * @example An anonymous map starts at 0
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(10);
   * assert.equal(m.offset, 0);
   * ```
   */
  get offset(): number {
    return this.#offset;
  }

  /**
   * A zero-copy view of the whole map. Writes to it go straight to the
   * memory (and, for shared maps, the file). It is detached (length 0) after
   * `close()` or `resize()`; take it again after a resize.
   *
   * @example View the memory
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const m = Mmap.anonymous(4);
   * const view = m.bytes;
   * view[0] = 42;
   * assert.equal(m.get(0), 42);
   * m.close();
   * assert.equal(view.length, 0);
   * ```
   */
  get bytes(): Uint8Array<ArrayBuffer> {
    return this.#closed ? EMPTY : this.#view();
  }

  /**
   * Unmaps the memory and closes the file; views read as length 0 after it.
   * Idempotent.
   *
   * @example Close twice
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * const m = Mmap.anonymous(4);
   * m.close();
   * m.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      sys.unmap(this.#mapping);
    } finally {
      if (this.#file) sys.close(this.#file);
      this.#dropViews();
    }
  }

  /** Closes the map, for `using`. See {@linkcode Mmap.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Reads up to `n` bytes from the position (all the rest when `n` is
   * omitted, null or negative) and advances the position.
   *
   * @param n How many bytes at most.
   * @returns A copy; shorter than `n` near the end, empty at the end.
   * @throws {Deno.errors.BadResource} If the map is closed.
   *
   * @example Read in pieces
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(5);
   * assert.equal(m.read(3).length, 3);
   * assert.equal(m.read().length, 2);
   * assert.equal(m.read(3).length, 0);
   * ```
   */
  read(n?: number | null): Uint8Array<ArrayBuffer> {
    const count = n === undefined || n === null ? -1 : toInt(n, "read", "n");
    this.#check();
    const length = this.#mapping.length;
    const pos = this.#pos;
    if (pos >= length) return allocate(0);
    const end = count >= 0 ? Math.min(pos + count, length) : length;
    const out = copyRange(this.#view(), pos, end);
    this.#pos = end; // only once the copy is made: a failed read moves nothing
    return out;
  }

  /**
   * Copies bytes into a buffer the caller owns, as Python's `readinto` (and
   * Deno's `readSync(buffer)`): from `position`, or from the current
   * position, which then advances past the bytes copied.
   *
   * @param buffer Where the bytes go; up to its length is copied.
   * @param position Where to read from; when given, the position does not move.
   * @returns The number of bytes copied: 0 at (or past) the end.
   * @throws {TypeError} If `buffer` is not a `Uint8Array`, or `position` not an integer.
   * @throws {RangeError} If `position` is negative.
   * @throws {Deno.errors.BadResource} If the map is closed.
   *
   * @example Read a file in pieces into one buffer
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(10);
   * m.write("0123456789");
   * m.seek(0);
   * const buffer = new Uint8Array(4);
   * assert.equal(m.readInto(buffer), 4);
   * assert.equal(m.readInto(buffer), 4);
   * assert.equal(m.readInto(buffer), 2);
   * assert.equal(m.readInto(buffer), 0);
   * assert.equal(m.readInto(buffer, 1), 4);
   * assert.equal(new TextDecoder().decode(buffer), "1234");
   * ```
   */
  readInto(buffer: Uint8Array, position?: number): number {
    const target = toBytes(buffer, "read into a buffer", "buffer", false);
    if (isReadOnlyMemory(target.buffer)) {
      throw new TypeError(
        'Cannot read into a buffer: it is the memory of a read-only map (access "read" or made without PROT_WRITE)',
      );
    }
    const at = position === undefined
      ? undefined
      : toSize(position, "read into a buffer", "position");
    this.#check();
    const length = this.#mapping.length;
    const from = at ?? this.#pos;
    if (from >= length) return 0;
    const n = Math.min(target.length, length - from);
    const bytes = this.#view();
    // The byte loop copies front to back: only for a target in other memory
    // (a view of this map that overlaps the source needs set()'s memmove).
    if (n <= 32 && target.buffer !== bytes.buffer) {
      for (let i = 0; i < n; i++) target[i] = bytes[from + i];
    } else {
      target.set(new Uint8Array(bytes.buffer, from, n));
    }
    if (at === undefined) this.#pos = from + n;
    return n;
  }

  /**
   * The bytes of `[start, end)` as a stream of chunks, for `Response`,
   * `CompressionStream`, `TextDecoderStream` or `pipeTo`. The chunks are
   * zero-copy views of the map (valid until it is closed or resized) unless
   * `copy` is set. A chunk is read only when the consumer asks for it; the
   * position does not move. A shrinking `resize()` ends the stream at the
   * new end.
   *
   * @param options The range, the chunk size and whether to copy.
   * @returns The stream.
   * @throws {TypeError} For a non-integer `start`, `end` or `chunkSize`.
   * @throws {RangeError} For a `chunkSize` below 1.
   * @throws {Deno.errors.BadResource} If the map is closed; the stream
   * errors with it when the map closes before the stream ends.
   *
   * @example Gzip a file's bytes
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * Deno.writeTextFileSync(`${dir}/words.txt`, "the cat sat\n".repeat(1000));
   * using m = Mmap.open(`${dir}/words.txt`, { access: "read" });
   * const gzip = m.readable().pipeThrough(new CompressionStream("gzip"));
   * const packed = await new Response(gzip).bytes();
   * assert.ok(packed.length < m.length / 10);
   * const text = await new Response(m.readable({ start: 4, end: 11 })).text();
   * assert.equal(text, "cat sat");
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  readable(
    options?: ReadableOptions,
  ): ReadableStream<Uint8Array<ArrayBuffer>> {
    const call = "stream the map";
    const o = toOptions(options, call);
    const first = o.start === undefined
      ? undefined
      : toInt(o.start, call, "start");
    const last = o.end === undefined ? undefined : toInt(o.end, call, "end");
    const chunkSize = o.chunkSize === undefined
      ? 65536
      : toInt(o.chunkSize, call, "chunkSize", 1, MAX_SAFE);
    const copy = toBoolean(o.copy, false, call, "copy");
    this.#check();
    const length = this.#mapping.length;
    let pos = clampIndex(first, length, 0);
    const to = clampIndex(last, length, length);
    // A default stream, not a byte stream: byte streams detach (transfer)
    // the buffer of every chunk enqueued, which here is the map's memory.
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: (controller) => {
        if (this.#closed || this.#mapping.moved) {
          controller.error(
            new Deno.errors.BadResource(
              this.#closed
                ? "Cannot read from a closed mmap: it was closed while streaming"
                : "Cannot read from the mmap: its memory was moved to another thread or buffer while streaming",
            ),
          );
          return;
        }
        const stop = Math.min(to, this.#mapping.length);
        if (pos >= stop) {
          controller.close();
          return;
        }
        const next = Math.min(pos + chunkSize, stop);
        const bytes = this.#view() as Uint8Array<ArrayBuffer>;
        controller.enqueue(
          copy ? bytes.slice(pos, next) : bytes.subarray(pos, next),
        );
        pos = next;
      },
    }, { highWaterMark: 0 });
  }

  /**
   * Reads the byte at the position and advances it.
   *
   * @returns The byte value.
   * @throws {RangeError} At the end of the map.
   *
   * @example Read one byte
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(1);
   * m.set(0, 7);
   * assert.equal(m.readByte(), 7);
   * assert.throws(() => m.readByte(), RangeError);
   * ```
   */
  readByte(): number {
    this.#check();
    if (this.#pos >= this.#mapping.length) {
      throw new RangeError(
        `Cannot read a byte at position ${this.#pos}: the map ends at ${this.#mapping.length}`,
      );
    }
    return this.#view()[this.#pos++];
  }

  #lineEnd(): number {
    const bytes = this.#view();
    this.#words ??= new Uint32Array(
      bytes.buffer,
      bytes.byteOffset,
      bytes.length >>> 2,
    );
    return lineEnd(bytes, this.#words, this.#pos);
  }

  /**
   * Reads one line from the position, including its `"\n"`.
   *
   * @returns A copy of the line; empty at the end of the map.
   * @throws {Deno.errors.BadResource} If the map is closed.
   *
   * @example Count lines
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(6);
   * m.write("a\nbb\nc");
   * m.seek(0);
   * let count = 0;
   * while (m.readline().length > 0) count++;
   * assert.equal(count, 3);
   * ```
   */
  readline(): Uint8Array<ArrayBuffer> {
    this.#check();
    const pos = this.#pos;
    if (pos >= this.#mapping.length) return allocate(0);
    const end = this.#lineEnd();
    const out = copyRange(this.#view(), pos, end);
    this.#pos = end; // only once the copy is made: a failed read moves nothing
    return out;
  }

  /**
   * Iterates over the lines from the position to the end, advancing the
   * position. Each line (with its `"\n"`) is a zero-copy view, valid until
   * the map is closed or resized.
   *
   * Line ends are found ahead (SIMD), 64 KiB at a time, or 4 MiB at a time
   * over the file's own pages for a map of a file (not `"copy"`). Writes
   * through this map's methods, `seek()` and `resize()` are seen at the
   * next line; a byte changed by another process or through a `bytes` view
   * in the part already looked at is seen only from the next 64 KiB (4 MiB)
   * on (`readline()` looks at the bytes afresh each time).
   *
   * @returns An iterator of line views.
   * @throws {Deno.errors.BadResource} If the map is closed (also mid-iteration).
   * @throws {Error} With `code` `"EFAULT"` when the file was cut short by
   * another program under a file's map (Linux; instead of a fault).
   *
   * @example Print each word of a vocabulary file
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(12);
   * m.write("the\ncat\nwas\n");
   * m.seek(0);
   * const words = [...m.lines()].map((l) => new TextDecoder().decode(l).trim());
   * assert.deepEqual(words, ["the", "cat", "was"]);
   * ```
   */
  lines(): IterableIterator<Uint8Array<ArrayBuffer>> {
    this.#check();
    return linesOf(this);
  }

  static {
    /**
     * The iterator of `lines()`: a class inside `Mmap`'s body, so that each
     * step reads and moves the map's position itself (no closure per step).
     */
    class Lines implements IterableIterator<Uint8Array<ArrayBuffer>> {
      readonly #m: Mmap;
      readonly #index: LineIndex;
      /** The map's view last seen, and its buffer (a getter call saved per line). */
      #bytes: Uint8Array<ArrayBuffer> | undefined;
      #buffer: ArrayBuffer | undefined;
      constructor(m: Mmap) {
        this.#m = m;
        this.#index = new LineIndex(
          (target, start, length) => lendMmap(m, target, start, length),
          clearOverlay,
          (start, length) => void populateMmap(m, start, length, false),
          () => {
            // Before each chunk of a window read ahead before: the
            // caller's code ran between lines (attack11 A6).
            const cut = cutShort(m);
            if (cut !== null) {
              throw osError(
                "fstat",
                "EFAULT",
                `the file was cut short by another program: it has ${cut.size} ` +
                  `bytes, the map needs ${cut.needed}`,
              );
            }
          },
        );
      }
      next(): IteratorResult<Uint8Array<ArrayBuffer>> {
        const m = this.#m;
        if (m.#closed) m.#check();
        const pos = m.#pos;
        const bytes = m.#view();
        if (pos >= bytes.length) {
          m.#check(); // a view emptied by a move is not the end of the lines
          return { done: true, value: undefined };
        }
        const end = this.#index.end(bytes, pos, m.#version) ?? m.#lineEnd();
        m.#pos = end;
        if (bytes !== this.#bytes) {
          this.#bytes = bytes;
          this.#buffer = bytes.buffer;
        }
        // (faster than subarray, which looks up a species constructor)
        return {
          done: false,
          value: new Uint8Array(this.#buffer!, pos, end - pos),
        };
      }
      [Symbol.iterator](): IterableIterator<Uint8Array<ArrayBuffer>> {
        return this;
      }
    }
    linesOf = (m) => new Lines(m);

    /**
     * The iterator of the map's byte values: it reads the map's view at each
     * step, so that it follows a resize and throws once the map is closed
     * or its memory moved (a view's own iterator would fail in the engine).
     */
    class Values implements IterableIterator<number> {
      readonly #m: Mmap;
      #i = 0;
      constructor(m: Mmap) {
        this.#m = m;
      }
      next(): IteratorResult<number> {
        const m = this.#m;
        const bytes = m.#closed ? EMPTY : m.#view();
        if (this.#i < bytes.length) {
          return { done: false, value: bytes[this.#i++] };
        }
        m.#check(); // closed or moved mid-iteration is not the end
        return { done: true, value: undefined };
      }
      [Symbol.iterator](): IterableIterator<number> {
        return this;
      }
    }
    valuesOf = (m) => new Values(m);
  }

  /**
   * Writes bytes (a string as UTF-8) at the position and advances it. Writes
   * all or nothing.
   *
   * @param data The bytes or text.
   * @returns The number of bytes written.
   * @throws {TypeError} If the map is read-only.
   * @throws {RangeError} If the data would run past the end of the map.
   *
   * @example Write text
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(5);
   * assert.equal(m.write("abc"), 3);
   * assert.equal(m.tell(), 3);
   * assert.throws(() => m.write("abc"), RangeError);
   * ```
   */
  write(data: Uint8Array | string): number {
    const bytes = toBytes(data, "write", "data");
    this.#checkWritable();
    const pos = this.#pos;
    if (pos + bytes.length > this.#mapping.length) {
      throw new RangeError(
        `Cannot write ${bytes.length} bytes at position ${pos}: the map ends at ${this.#mapping.length}`,
      );
    }
    this.#view().set(bytes, pos);
    this.#version++;
    this.#pos = pos + bytes.length;
    return bytes.length;
  }

  /**
   * Writes one byte at the position and advances it.
   *
   * @param byte A value in 0..255.
   * @throws {TypeError} If the map is read-only or `byte` is not an integer.
   * @throws {RangeError} At the end of the map, or for a value outside 0..255.
   *
   * @example Write a byte
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(1);
   * m.writeByte(65);
   * assert.equal(m.get(0), 65);
   * ```
   */
  writeByte(byte: number): void {
    const value = toInt(byte, "write a byte", "byte", 0, 255);
    this.#checkWritable();
    if (this.#pos >= this.#mapping.length) {
      throw new RangeError(
        `Cannot write a byte at position ${this.#pos}: the map ends at ${this.#mapping.length}`,
      );
    }
    this.#version++;
    this.#view()[this.#pos++] = value;
  }

  /**
   * Moves the position: from the start (`whence` 0), the current position
   * (1) or the end (2).
   *
   * @param pos The offset.
   * @param whence The reference point.
   * @returns The new position.
   * @throws {RangeError} If the new position is outside `0..length`.
   * @throws {TypeError} For a `whence` other than 0, 1 or 2.
   *
   * @example Seek from the end
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(10);
   * assert.equal(m.seek(-3, 2), 7);
   * ```
   */
  seek(pos: number, whence: 0 | 1 | 2 = 0): number {
    const offset = toInt(pos, "seek", "pos");
    if (whence !== 0 && whence !== 1 && whence !== 2) {
      throw new TypeError(
        `Cannot seek with whence ${describe(whence)}: whence must be 0, 1 or 2`,
      );
    }
    this.#check();
    const base = whence === 0
      ? 0
      : whence === 1
      ? this.#pos
      : this.#mapping.length;
    const target = base + offset;
    if (target < 0 || target > this.#mapping.length) {
      throw new RangeError(
        `Cannot seek to ${target}: position must be within 0..${this.#mapping.length}`,
      );
    }
    this.#pos = target;
    return target;
  }

  /**
   * The current position.
   *
   * @returns The position.
   *
   * @example After a write
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(4);
   * m.write("ab");
   * assert.equal(m.tell(), 2);
   * ```
   */
  tell(): number {
    this.#check();
    return this.#pos;
  }

  /**
   * Whether the map supports `seek` (always true).
   *
   * @returns `true`.
   *
   * @example Seekable
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(4);
   * assert.equal(m.seekable(), true);
   * ```
   */
  seekable(): boolean {
    this.#check();
    return true;
  }

  /**
   * The size of the underlying file (which may differ from `length` for an
   * offset or partial map); an anonymous map's length.
   *
   * @returns The size in bytes.
   *
   * @example Anonymous size
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(4);
   * assert.equal(m.size(), 4);
   * ```
   */
  size(): number {
    this.#check();
    return this.#file === null ? this.#mapping.length : sys.size(this.#file);
  }

  /**
   * Lowest index of `sub` in `[start, end)`.
   *
   * @param sub The bytes (or UTF-8 text) to look for.
   * @param start Where to begin; defaults to the current position, as in
   * Python. Negative values count from the end.
   * @param end Where to stop (exclusive); defaults to the end.
   * @returns The index, or -1 when `sub` does not occur.
   * @throws {Deno.errors.BadResource} If the map is closed.
   *
   * @example Find a word
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(16);
   * m.write("the cat");
   * assert.equal(m.find("cat", 0), 4);
   * assert.equal(m.find("dog", 0), -1);
   * ```
   */
  find(sub: Uint8Array | string, start?: number, end?: number): number {
    const needle = this.#searchRange("find", sub, start, end);
    const from = this.#from;
    const to = this.#to;
    if (to < from) return -1;
    if (needle.length === 0) return from;
    if (to - from < needle.length) return -1;
    return findInMap(this.#view(), this.#mapping, needle, from, to);
  }

  /**
   * Highest index of `sub` in `[start, end)`.
   *
   * @param sub The bytes (or UTF-8 text) to look for.
   * @param start Where the range begins; defaults to the current position.
   * @param end Where it ends (exclusive); defaults to the end.
   * @returns The index, or -1 when `sub` does not occur.
   * @throws {Deno.errors.BadResource} If the map is closed.
   *
   * @example Find the last occurrence
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(11);
   * m.write("cat cat cat");
   * assert.equal(m.rfind("cat", 0), 8);
   * ```
   */
  rfind(sub: Uint8Array | string, start?: number, end?: number): number {
    const needle = this.#searchRange("rfind", sub, start, end);
    const from = this.#from;
    const to = this.#to;
    if (to < from) return -1;
    if (needle.length === 0) return to;
    if (to - from < needle.length) return -1;
    return findLastInMap(this.#view(), this.#mapping, needle, from, to);
  }

  /**
   * The needle of a find, with the clamped `[from, to)` left in `#from` and
   * `#to` (no object made per call), as Python resolves them; a start past
   * the end gives an empty range (`to < from`), so that even an empty needle
   * is not found there (CPython 3.15, python/cpython#151021; before, the
   * start was clamped to the end and an empty needle found there).
   */
  #searchRange(
    call: string,
    sub: Uint8Array | string,
    start: number | undefined,
    end: number | undefined,
  ): Uint8Array {
    const needle = typeof sub === "string"
      ? needleBytes(sub)
      : toBytes(sub, call, "sub");
    const first = start === undefined ? undefined : toInt(start, call, "start");
    const last = end === undefined ? undefined : toInt(end, call, "end");
    this.#check();
    const length = this.#mapping.length;
    this.#from = first !== undefined && first > length
      ? length + 1
      : clampIndex(first, length, this.#pos);
    this.#to = clampIndex(last, length, length);
    return needle;
  }

  #index(index: number): number {
    const length = this.#mapping.length;
    const i = index < 0 ? index + length : index;
    if (i < 0 || i >= length) {
      throw new RangeError(
        `Cannot access index ${index}: the map has ${length} bytes`,
      );
    }
    return i;
  }

  /**
   * The byte at `index`, as Python's `m[i]`; negative indices count from the
   * end.
   *
   * @param index The index.
   * @returns The byte value.
   * @throws {RangeError} Outside the map.
   *
   * @example Last byte
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(3);
   * m.write("abc");
   * assert.equal(m.get(-1), 99);
   * ```
   */
  get(index: number): number {
    try {
      const i = toInt(index, "get a byte", "index");
      this.#check();
      return this.#view()[this.#index(i)];
    } catch (error) {
      // The receiver is checked here, once the call has failed, and not by
      // the prototype's guard (see the end of the file): a loop of get()
      // costs no more for it.
      if (!isMmap(this)) throwReceiver("Mmap", "call", "get", AN_MMAP);
      throw error;
    }
  }

  /**
   * Sets the byte at `index` (Python `m[i] = v`), or writes bytes starting at
   * `index` (Python `m[i:i + len(b)] = b`). The position does not move.
   *
   * @param index Where to write; negative counts from the end.
   * @param value A byte value 0..255, or bytes.
   * @throws {TypeError} If the map is read-only.
   * @throws {RangeError} If the index or the bytes fall outside the map.
   *
   * @example Replace a word
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(7);
   * m.write("the cat");
   * m.set(4, new TextEncoder().encode("dog"));
   * assert.equal(new TextDecoder().decode(m.slice()), "the dog");
   * ```
   */
  set(index: number, value: number | Uint8Array): void {
    try {
      const at = toInt(index, "set a byte", "index");
      if (typeof value === "number" || typeof value === "bigint") {
        const byte = toInt(value, "set a byte", "value", 0, 255);
        this.#checkWritable();
        this.#view()[this.#index(at)] = byte;
        this.#version++;
        return;
      }
      const bytes = toBytes(value, "set bytes", "value", false);
      this.#checkWritable();
      const length = this.#mapping.length;
      const i = at < 0 ? at + length : at;
      if (i < 0 || i + bytes.length > length) {
        throw new RangeError(
          `Cannot write ${bytes.length} bytes at index ${index}: the map has ${length} bytes`,
        );
      }
      this.#view().set(bytes, i);
      this.#version++;
    } catch (error) {
      if (!isMmap(this)) throwReceiver("Mmap", "call", "set", AN_MMAP);
      throw error;
    }
  }

  /**
   * A copy of `m[start:end:step]` with Python's slice rules (negative values
   * count from the end, out-of-range bounds are clamped). The position does
   * not move.
   *
   * @param start First index; default 0 (or the end for a negative step).
   * @param end End index, exclusive; default the end.
   * @param step Stride; default 1.
   * @returns The bytes, copied.
   * @throws {RangeError} If `step` is 0.
   *
   * @example Reverse a word
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(3);
   * m.write("cat");
   * assert.equal(new TextDecoder().decode(m.slice(undefined, undefined, -1)), "tac");
   * ```
   */
  slice(start?: number, end?: number, step?: number): Uint8Array<ArrayBuffer> {
    const a = toBound(start, "slice", "start");
    const b = toBound(end, "slice", "end");
    const c = toBound(step, "slice", "step");
    this.#check();
    const length = this.#mapping.length;
    if (c == null) {
      // step 1 without a SliceRange object: the common call, kept cheap
      const from = a == null ? 0 : clampIndex(a, length, 0);
      const to = b == null ? length : clampIndex(b, length, length);
      return copyRange(this.#view(), from, to > from ? to : from);
    }
    const range = sliceRange(length, a, b, c);
    if (range.step === 1) {
      return copyRange(this.#view(), range.start, range.start + range.count);
    }
    const bytes = this.#view();
    const out = allocate(range.count);
    for (let i = 0, j = range.start; i < range.count; i++, j += range.step) {
      out[i] = bytes[j];
    }
    return out;
  }

  /**
   * Writes changes in `[offset, offset + size)` back to the file (`msync`),
   * rounding the range out to whole pages. A no-op for read and copy maps
   * and anonymous memory.
   *
   * @param offset Start of the range; default 0.
   * @param size Bytes; default to the end of the map.
   * @throws {RangeError} If the range lies outside the map.
   *
   * @example Flush after writing
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * const dir = Deno.makeTempDirSync();
   * Deno.writeTextFileSync(`${dir}/f.txt`, "xxxx");
   * using m = Mmap.open(`${dir}/f.txt`);
   * m.write("ab");
   * m.flush();
   * m.close();
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  flush(offset?: number, size?: number): void {
    const at = offset === undefined ? 0 : toSize(offset, "flush", "offset");
    const n = size === undefined ? undefined : toSize(size, "flush", "size");
    this.#check();
    const length = this.#mapping.length;
    const count = n ?? Math.max(length - at, 0);
    if (at + count > length) {
      throw new RangeError(
        `Cannot flush ${count} bytes at offset ${at}: the map has ${length} bytes`,
      );
    }
    if (
      this.#file === null || this.#access === "read" || this.#access === "copy"
    ) return;
    sys.flush(this.#mapping, at, count);
  }

  /**
   * Advises the kernel how `[start, start + length)` will be used
   * (`MADV_*`). `start` must be a multiple of the page size.
   *
   * @param option An `MADV_*` constant.
   * @param start Start of the range; default 0.
   * @param length Bytes; default (and at most) to the end of the map.
   * @throws {RangeError} If `start` is outside the map or `length` negative.
   * @throws {TypeError} For an advice not in {@linkcode MADVISE} (advice that
   * could make a later access fault, such as Linux `MADV_REMOVE`, is not there).
   *
   * @example Release pages
   * ```ts
   * import { MADV_DONTNEED, Mmap } from "@seed/mmap";
   * using m = Mmap.anonymous(8192);
   * m.madvise(MADV_DONTNEED, 4096);
   * ```
   */
  madvise(option: number, start?: number, length?: number): void {
    const advice = toInt(option, "advise", "option", 0, INT_MAX);
    if (!ADVICE_VALUES.has(advice)) {
      throw new TypeError(
        `Cannot advise with option ${advice}: expected one of this platform's MADV_* values (see MADVISE); advice that can make a later access fault is refused`,
      );
    }
    const at = start === undefined ? 0 : toInt(start, "advise", "start");
    const n = length === undefined
      ? undefined
      : toSize(length, "advise", "length");
    this.#check();
    const size = this.#mapping.length;
    if (at < 0 || at >= size) {
      throw new RangeError(
        `Cannot advise at ${at}: start must be within 0..${size - 1}`,
      );
    }
    const count = n ?? size - at;
    sys.advise(this.#mapping, at, Math.min(count, size - at), advice);
  }

  /**
   * Copies `count` bytes from `src` to `dest` within the map; the ranges may
   * overlap.
   *
   * @param dest Destination index.
   * @param src Source index.
   * @param count Bytes to copy.
   * @throws {TypeError} If the map is read-only.
   * @throws {RangeError} If either range falls outside the map.
   *
   * @example Shift bytes left
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(5);
   * m.write("abcde");
   * m.move(0, 2, 3);
   * assert.equal(new TextDecoder().decode(m.slice()), "cdede");
   * ```
   */
  move(dest: number, src: number, count: number): void {
    const to = toSize(dest, "move", "dest");
    const from = toSize(src, "move", "src");
    const n = toSize(count, "move", "count");
    this.#checkWritable();
    const length = this.#mapping.length;
    if (from + n > length || to + n > length) {
      throw new RangeError(
        `Cannot move ${n} bytes from ${from} to ${to}: the map has ${length} bytes`,
      );
    }
    this.#view().copyWithin(to, from, from + n);
    this.#version++;
  }

  /**
   * Changes the map's length. A file-backed map resizes its file to
   * `offset + newSize` bytes, as Python does; anonymous memory (shared or
   * private) keeps its contents up to the smaller length. Views taken before are
   * detached; take `bytes` again.
   *
   * @param newSize The new length in bytes.
   * @throws {TypeError} For read maps and file-backed copy maps.
   * @throws {RangeError} If `newSize` is negative.
   * @throws {Deno.errors.Busy} If the file would shrink under another live
   * map of it (`EBUSY`); nothing changes.
   * @throws {Error} With `code` `EFBIG` or `ENOSPC` if the file cannot grow
   * that far; the map and the file stay as they were.
   *
   * @example Grow anonymous memory
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(4);
   * m.write("abcd");
   * m.resize(8);
   * assert.equal(m.length, 8);
   * assert.equal(new TextDecoder().decode(m.slice(0, 4)), "abcd");
   * ```
   */
  resize(newSize: number): void {
    const size = toSize(newSize, "resize", "newSize");
    this.#check();
    const fixed = this.#access === "read" ||
      (this.#access === "copy" && this.#file !== null);
    if (fixed) {
      throw new TypeError(
        `Cannot resize a ${
          this.#access === "read" ? "read-only" : "copy-on-write"
        } mmap`,
      );
    }
    // Drop the view first: whatever happens, the next access makes a fresh
    // one from the mapping that is current then.
    this.#dropViews();
    this.#version++;
    this.#mapping = sys.remap(this.#mapping, size);
  }

  /** Forgets the views over the mapping; the next access makes them anew. */
  #dropViews(): void {
    this.#bytes = undefined;
    this.#words = undefined;
  }

  /** The view over the mapping, made on first use. */
  #view(): Uint8Array<ArrayBuffer> {
    return this.#bytes ??= new Uint8Array(this.#mapping.buffer);
  }

  /**
   * Iterates over the byte values of the whole map (each a number, as
   * indexing gives; Python's iteration gives 1-byte `bytes`). The iterator
   * follows a `resize()` and throws once the map is closed or its memory
   * moved away.
   *
   * @returns An iterator of numbers.
   * @throws {Deno.errors.BadResource} If the map is closed (also
   * mid-iteration).
   *
   * @example Sum the bytes
   * ```ts
   * import { Mmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * using m = Mmap.anonymous(3);
   * m.write(new Uint8Array([1, 2, 3]));
   * let total = 0;
   * for (const b of m) total += b;
   * assert.equal(total, 6);
   * ```
   */
  [Symbol.iterator](): IterableIterator<number> {
    this.#check();
    return valuesOf(this);
  }

  /**
   * Refuses `JSON.stringify`, as Python's `json.dumps` refuses an `mmap`:
   * a map is memory, not a JSON value.
   *
   * @returns Never.
   * @throws {Deno.errors.BadResource} If it is closed (checked first).
   * @throws {TypeError} Otherwise, always, naming what to convert instead.
   */
  toJSON(): never {
    this.#check();
    return refuseJSON(
      "an Mmap",
      "a map is memory, not a value; convert a copy of its bytes instead (Array.from(m.slice()))",
    );
  }

  /** Shows `Mmap { closed, access, length, pos, offset }` in `console.log`. */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options: unknown) => string,
    options: unknown,
  ): string {
    const state: InspectState = this.#closed
      ? { closed: true, access: this.#access, offset: this.#offset }
      : {
        closed: false,
        access: this.#access,
        length: this.#mapping.length,
        pos: this.#pos,
        offset: this.#offset,
      };
    return inspectText("Mmap", state, inspect, options);
  }
}

// A method or getter called on anything but a map throws the library's TypeError.
// The byte accessors check it themselves (a wrapper would slow a loop of
// them).
guardReceivers(Mmap.prototype, "Mmap", isMmap, AN_MMAP, ["get", "set"]);

/**
 * The one platform seam. Everything above `src/ffi` maps memory through the
 * {@linkcode Sys} interface and never names an operating system or holds a
 * raw pointer. Each backend (POSIX on libc, Windows on kernel32) solves
 * offsets, zero-length maps, flush ranges and the lifetime of the
 * `ArrayBuffer` over a mapping in the same way:
 *
 * - a mapping of length 0 makes no OS call and has an empty buffer;
 * - `unmap` and `remap` first detach the mapping's buffer (so that every view
 *   reads as length 0), then release the memory (POSIX: zero pages in its
 *   place once a buffer was made, for operations still reading it, see
 *   `held_ranges.ts`);
 * - a `FinalizationRegistry` releases mappings that were never closed, and
 *   only once no view of them is reachable: the buffer (made on first use)
 *   holds its mapping, so any live view keeps the mapping registered and
 *   mapped. A buffer moved away by a transfer does not hold it, and once
 *   the mapping is collected nothing can tell whether that happened: so the
 *   memory of a mapping whose buffer was ever made is not freed at once by
 *   the backstop (POSIX puts zero pages in its place; Windows leaves the view);
 * - file handles claim the bytes their maps cover, and a shrink of a file
 *   that would cut bytes another handle claims is refused (`Busy`), so the
 *   library never cuts a file under its own maps.
 *
 * @module
 */

import type { PlatformConstants } from "./constants.ts";

/** An open file or shared-memory object; opaque above `src/ffi`. */
export interface FileHandle {
  /** The path (or shared-memory name) it was opened as, for messages. */
  readonly path: string;
  /**
   * A device (such as `/dev/zero`) rather than a file: it has no size to
   * grow, and a map of it may be longer than its size.
   */
  readonly device?: boolean;
  /**
   * The size read when the file was opened, where the backend reads it
   * then (after the handle's claim, so no handle of this library has cut
   * it since); the first size check may use it instead of asking again.
   */
  readonly openedSize?: number;
}

/**
 * How {@linkcode Sys.mapFile} changes the file before mapping it.
 * - `size`: the file is set to this many bytes (grown; with `overwrite`,
 *   also shrunk). Disk blocks are reserved for the bytes added, so that a
 *   full disk is an error here rather than a fault (`SIGBUS`) on first write.
 * - `overwrite`: the old content is replaced by zeros (NumPy's mode `"w+"`).
 */
export interface SizeChange {
  readonly size: number;
  readonly overwrite?: boolean;
}

/**
 * How a mapping treats writes:
 * - `shared`: writes reach the file (and other maps of it);
 * - `private`: copy-on-write, writes stay in this process;
 * - `readonly`: the library refuses writes; stray writes through a view stay
 *   private and never reach the file (and never fault).
 */
export type MapKind = "shared" | "private" | "readonly";

/** What to map. */
export interface MapRequest {
  /** The file; `null` for anonymous memory. */
  readonly file: FileHandle | null;
  /** Length in bytes; 0 makes an empty mapping. */
  readonly length: number;
  /** File offset; a multiple of the allocation granularity. */
  readonly offset: number;
  readonly kind: MapKind;
  /** Map executable pages too (Unix `PROT_EXEC`). */
  readonly exec?: boolean;
  /** Further platform flags (Unix `MAP_*`) added to those the kind implies. */
  readonly extraFlags?: number;
}

/** A live mapping; opaque above `src/ffi` but for its buffer and length. */
export interface Mapping {
  /** The memory; detached once the mapping is unmapped or remapped. */
  readonly buffer: ArrayBuffer;
  /** Its length in bytes. */
  readonly length: number;
  /** The request it was made from. */
  readonly request: MapRequest;
  /**
   * Whether its buffer was moved away (transferred by `structuredClone` or
   * `postMessage`): the memory stays mapped for the moved buffer, but the
   * mapping itself can no longer be read or written.
   */
  readonly moved: boolean;
}

/**
 * How to open a file. Only regular files and devices open: a FIFO, socket
 * or directory is refused without waiting.
 */
export interface OpenOptions {
  readonly write: boolean;
  readonly create?: boolean;
  readonly exclusive?: boolean;
  readonly truncate?: boolean;
}

/**
 * A page-aligned byte range of a `WebAssembly.Memory` that file pages can be
 * shown in (see {@linkcode Sys.overlay}). The memory must belong to the
 * caller and never grow, and nothing else may use the range.
 */
export interface OverlayTarget {
  /** The memory. */
  readonly memory: WebAssembly.Memory;
  /** Start of the range in the memory, in bytes (a multiple of 64 KiB). */
  readonly start: number;
  /** Length of the range in bytes (a multiple of 64 KiB). */
  readonly length: number;
}

/**
 * A second map of the bytes of a map of a file, inside a
 * `WebAssembly.Memory` (see {@linkcode Sys.mapInto}). Offsets are the
 * map's (byte 0 is the map's first byte).
 */
export interface MemoryMap {
  /** The memory (of its own: nothing else is in it). */
  readonly memory: WebAssembly.Memory;
  /** Where the map's first byte is in the memory. */
  readonly at: number;
  /**
   * Where the spare bytes asked for start in the memory (past the map's
   * pages, at a multiple of 64 KiB).
   */
  readonly spare: number;
  /**
   * Faults in `[start, start + length)` now, as {@linkcode Sys.populate}
   * does for the map itself (clipped to the map).
   *
   * @throws {Error} With the errno's code where the pages cannot be had.
   */
  populate(start: number, length: number, write: boolean): void;
  /**
   * Lets go of the pages of `[start, start + length)` (`MADV_DONTNEED`):
   * they are read from the file again when next touched.
   */
  release(start: number, length: number): void;
  /** Puts zeroed private memory back over the range; idempotent. */
  clear(): void;
}

/** What {@linkcode Directory.stat} tells of a name, its links not followed. */
export interface DirectoryEntry {
  /** `"file"`, `"a directory"`, `"a symbolic link"`, `"a FIFO"`... */
  readonly type: string;
  /** The permission bits and file type (`st_mode`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Device and inode: the file's identity. */
  readonly dev: bigint;
  readonly ino: bigint;
}

/** A file made by {@linkcode Directory.create}, open for writing. */
export interface NewFile {
  /** Writes all of `bytes` from byte `at`; failures name `what`. */
  write(bytes: Uint8Array, at: number, what: string): void;
  /** Reserves disk blocks for `length` bytes (a hint, as `Sys.preallocate`). */
  preallocate(length: number): void;
  /**
   * Gives the file the owner and group `uid`/`gid` where this process may
   * (else the group alone where it may, else neither), then the permission
   * bits `mode` (`chown` clears set-user-ID); failures name `what`.
   */
  keep(mode: number, uid: number, gid: number, what: string): void;
  /** The file's own identity and attributes; failures name `what`. */
  stat(what: string): DirectoryEntry;
  /**
   * Gives a file made with no name ({@linkcode Directory.createUnnamed})
   * the name `name` in its directory, never over an existing one: false
   * when the name is taken (`EEXIST`); other failures name `what`.
   */
  link?(name: string, what: string): boolean;
  /** Closes it; idempotent. */
  close(): void;
}

/**
 * A directory held open so that the names a save makes, renames and
 * removes are in that directory, whatever its path names by then (POSIX
 * `openat`, `renameat`, `unlinkat` on the directory's descriptor): its
 * path, as Deno's permissions are checked on, is resolved once, when it is
 * opened. Failures are the library's OS errors naming `what`.
 */
export interface Directory {
  /** Where the opened directory is, as the kernel tells it for the descriptor. */
  readonly path: string;
  /** The name's entry, its links not followed; null when there is none. */
  stat(name: string, what: string): DirectoryEntry | null;
  /**
   * Makes a new file `name` (never an existing one, never through a link)
   * with permission bits `mode`, open for writing.
   */
  create(name: string, mode: number, what: string): NewFile;
  /**
   * Makes a new file with no name in the directory (Linux `O_TMPFILE`),
   * to be named with `NewFile.link` once complete: a process or Worker
   * ended before then leaves nothing behind. Null where the platform or
   * the file system cannot (then use `create`).
   */
  createUnnamed?(mode: number): NewFile | null;
  /** Renames `from` over `to`, both in this directory. */
  rename(from: string, to: string, what: string): void;
  /** Removes the name `name` (not a directory); whether it was there. */
  remove(name: string): boolean;
  /** Closes the directory; idempotent. */
  close(): void;
}

/** The operations each platform provides. */
export interface Sys {
  /** Constant values of this platform. */
  readonly constants: PlatformConstants;
  /** The real page size (may load the library). */
  pageSize(): number;
  /**
   * Opens a file after checking Deno's permissions for it. The path is made
   * absolute and normalised first (as Deno does for its check), and that one
   * string is both checked and opened.
   *
   * While the handle is open, no other handle of this library (in this
   * process or, where the platform allows, another) may cut the file under
   * the bytes it maps, or, until it maps, under any byte: such a shrink
   * throws `Deno.errors.Busy`.
   */
  open(path: string, options: OpenOptions): FileHandle;
  /**
   * Looks a path up without opening it, following symbolic links, as
   * `Deno.statSync` (Deno checks `--allow-read`; no FFI). A path that ends
   * with a separator names a directory on every platform: for a file named
   * so it fails as {@linkcode Sys.open} does (`ENOTDIR` on POSIX,
   * `ERROR_DIRECTORY` on Windows, whose own lookup calls such a name
   * invalid and which Deno reports as a missing file).
   *
   * @throws The library's OS error naming `stat` and the path.
   */
  stat(path: string): Deno.FileInfo;
  /**
   * Opens a descriptor the caller owns, with a handle of its own (Unix).
   * A negative or unknown descriptor is `EBADF` (`Deno.errors.BadResource`).
   * Deno's permissions are checked for the file it refers to: read access,
   * and write access for `write` (a map that may write the file or change
   * its size); `Deno.errors.NotCapable` otherwise.
   */
  duplicate(fd: number, write: boolean): FileHandle;
  /** The file's size in bytes. */
  size(file: FileHandle): number;
  /**
   * Sets the file's size. A shrink that would cut bytes another handle maps
   * throws `Deno.errors.Busy` and changes nothing.
   */
  truncate(file: FileHandle, size: number): void;
  /**
   * Reserves disk blocks for the first `length` bytes of the file without
   * changing its size, where the platform can (Linux `fallocate` with
   * `FALLOC_FL_KEEP_SIZE`); a hint: does nothing where it cannot.
   */
  preallocate(file: FileHandle, length: number): void;
  /**
   * Takes the whole file for this handle alone, before its content is
   * rewritten in place (a save without access to the directory); it stays
   * so until the handle is closed. Optional: where the platform has no
   * claims of its own to check (Windows refuses to cut a mapped file by
   * itself).
   *
   * @throws {Deno.errors.Busy} If another handle of this library maps any
   * byte of the file (nothing is changed then).
   */
  exclusive?(file: FileHandle, call: string): void;
  /** Closes the file; idempotent. */
  close(file: FileHandle): void;
  /**
   * Writes all of `bytes` to the file from byte `at` (POSIX `pwrite`).
   * Optional: where the platform has it (saves write through Deno
   * elsewhere). Failures name `what`.
   */
  write?(file: FileHandle, bytes: Uint8Array, at: number, what: string): void;
  /**
   * Opens the directory `path` for making, renaming and removing names in
   * it (see {@linkcode Directory}). The caller checks Deno's permissions
   * against the returned `path`, which is where the directory really is
   * (a directory swapped for a link after the caller's check is found out
   * here). Optional: POSIX only; null where the kernel cannot tell where a
   * descriptor's directory is.
   *
   * @throws The library's OS error (naming `what`) when it cannot be opened.
   */
  openDirectory?(path: string, what: string): Directory | null;
  /**
   * Removes the file this handle made, by the name the kernel gives for it
   * now and only while that name in that directory is still this file and
   * `--allow-write` grants it, before the handle is closed: a directory
   * swapped since the file was made makes nothing else go. Optional: POSIX
   * only.
   *
   * @returns Whether the platform could tell the file's name (else the
   * caller removes it by path).
   */
  removeCreated?(file: FileHandle): boolean;

  /** Maps memory. */
  map(request: MapRequest): Mapping;
  /**
   * Maps a file, first changing its size as `change` says (in whatever
   * order the platform needs). On failure the file is left as it was: a
   * size that the file system, the disk or the address space cannot hold is
   * an error before any byte of the old content is lost.
   */
  mapFile(
    request: MapRequest & { readonly file: FileHandle },
    change?: SizeChange,
  ): Mapping;
  /**
   * Changes a mapping's length. The old mapping's buffer is detached; its
   * contents carry over. A file-backed mapping's file is set to
   * `offset + newLength` bytes, at the moment the platform allows (POSIX: grown
   * before the memory is given up, shrunk after the shorter memory is mapped
   * and before the old is given up; Windows: while no view is mapped). On
   * failure the file keeps its size and contents, and the old mapping stays
   * usable (POSIX: with its buffer and every view of it, also when the file
   * refuses the change, as a sealed memfd does).
   */
  remap(mapping: Mapping, newLength: number): Mapping;
  /** Writes `[start, start + length)` back to the file, rounded out to pages. */
  flush(mapping: Mapping, start: number, length: number): void;
  /** Gives the kernel advice about `[start, start + length)`. */
  advise(mapping: Mapping, start: number, length: number, advice: number): void;
  /**
   * Asks the kernel for the pages of `[start, start + length)` now, in one
   * call instead of a fault per page: Linux `MADV_POPULATE_READ`, or
   * `MADV_POPULATE_WRITE` when `write` (Linux 5.14+). Pages the kernel cannot
   * give (holes a full disk has no room to fill, a file cut short) fail
   * here with the errno instead of a SIGBUS at the first touch. Optional:
   * only where the platform has it.
   *
   * @returns Whether the kernel did it (false when it does not know the
   * advice; the caller then lets the pages fault in).
   * @throws {Error} With the errno's code (EFAULT, EIO, ...) otherwise.
   */
  populate?(
    mapping: Mapping,
    start: number,
    length: number,
    write: boolean,
  ): boolean;
  /** Detaches the buffer and releases the memory; idempotent. */
  unmap(mapping: Mapping): void;
  /**
   * Maps `length` bytes of `file` from byte `offset` read-only into
   * `target`, replacing what the range held, so that WebAssembly code reads
   * the file's pages in place (no copy). Placed so that large pages of the
   * page cache can be mapped whole where the kernel does that. Optional:
   * only where the platform supports it (Linux).
   *
   * @returns The index in `target.memory` where byte `offset` of the file lands.
   * @throws {RangeError} If the bytes do not fit in the range (it needs
   * `length` plus 4 MiB).
   */
  overlay?(
    target: OverlayTarget,
    file: FileHandle,
    offset: number,
    length: number,
  ): number;
  /**
   * Lends `target` the pages of `[start, start + length)` of a map of a
   * file, in place and for the moment: the range's page tables are moved
   * into `target` (no page is mapped anew, a few calls whatever the length)
   * while the map's range stays mapped, its pages found again in the file
   * on access, until {@linkcode Sys.clearOverlay} moves them back. Only for
   * a map of a regular file whose pages are the file's (shared or read-only;
   * -1 for anonymous, copy-on-write and device maps), read by this library's
   * own kernels within one synchronous step. Optional: Linux 5.13+ (`mremap`
   * with `MREMAP_DONTUNMAP`).
   *
   * @returns Where byte `start` of the map landed in `target.memory`, or -1
   * when the pages cannot be lent (an older kernel, a range the map does not
   * hold in one piece): then show the file with {@linkcode Sys.overlay}.
   * @throws {Error} `EFAULT` when the file no longer has the bytes (cut
   * short by another program since it was mapped), or the errno of
   * populating them (as {@linkcode Sys.populate}) where some are not in
   * memory and cannot be had; nothing stays lent then.
   */
  lend?(
    target: OverlayTarget,
    mapping: Mapping,
    start: number,
    length: number,
  ): number;
  /**
   * Puts zeroed private memory back over the whole of `target` (after
   * `overlay`), and the pages `lend` moved back where they came from first.
   */
  clearOverlay?(target: OverlayTarget): void;
  /**
   * Maps what `mapping` maps (the same bytes of the same file, with the
   * same protection and sharing: writes through either are the file's) a
   * second time, inside a new `WebAssembly.Memory` of its own: from the
   * returned map's `at`, chosen within the memory's first 2 MiB so that the
   * page cache's large pages can be mapped whole. JavaScript reads a map through an
   * `ArrayBuffer`, and V8 counts one made over foreign memory as memory
   * held outside its heap (a map of 64 MiB or more opened after a
   * collection starts another); the buffer of a WebAssembly memory is not
   * counted. Optional: Linux only.
   *
   * `spare` bytes of zeroed memory (default 0) follow the map's pages in
   * the memory, from {@linkcode MemoryMap.spare}: room for the library's
   * kernels to work in beside the data they read in place.
   *
   * @throws {TypeError} For a map that is not of a file.
   * @throws {RangeError} Over 4 GiB, under an address-space limit (`ulimit
   * -v`: the memory reserves more than it holds), or where the memory
   * cannot be had.
   * @throws {Error} With the errno's code where the kernel refuses the map
   * (nothing stays mapped in the memory then).
   */
  mapInto?(mapping: Mapping, spare?: number): MemoryMap;
  /**
   * Asks the OS to back the memory of `buffer` (a plain `ArrayBuffer` the
   * JavaScript engine allocated and nothing has touched yet) with huge pages
   * where it can: Linux `madvise(MADV_HUGEPAGE)` on the part of the memory
   * that covers whole 2 MiB pages, as NumPy does for its large arrays. A
   * hint: the contents and the lifetime of the buffer do not change.
   * Optional: only where the platform has it (Linux).
   *
   * @returns Whether the advice was taken (false when the OS refused it).
   */
  hugePages?(buffer: ArrayBuffer): boolean;
  /** Index of `needle` in `[start, end)` of the mapping, or -1. */
  find(
    mapping: Mapping,
    needle: Uint8Array,
    start: number,
    end: number,
  ): number;
  /**
   * Index of the first `byte` in `[start, end)` of the mapping (C `memchr`),
   * or -1. Optional: where the platform has no such call, callers scan in
   * WebAssembly or TypeScript.
   */
  findByte?(mapping: Mapping, byte: number, start: number, end: number): number;
  /** Index of the last `byte` in `[start, end)` (C `memrchr`), or -1. Optional. */
  findLastByte?(
    mapping: Mapping,
    byte: number,
    start: number,
    end: number,
  ): number;
  /**
   * The longest shared-memory name `openShared` accepts, in bytes of UTF-8,
   * not counting the leading slash POSIX adds; 255 when not given.
   */
  readonly sharedNameMax?: number;
  /** Opens (or creates) a named shared-memory object. */
  openShared(
    name: string,
    options: { create: boolean; exclusive: boolean },
  ): FileHandle;
  /** Removes a shared-memory object's name. */
  unlinkShared(name: string): void;
}

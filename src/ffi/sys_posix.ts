/**
 * The POSIX backend of {@linkcode Sys}, on libc (Linux tested; macOS untested).
 *
 * Read-only maps are `MAP_PRIVATE | MAP_NORESERVE` with `PROT_READ |
 * PROT_WRITE` over a descriptor opened read-only: the library refuses writes,
 * and a stray write through a view lands in a private page instead of
 * faulting, so it can neither crash the process nor reach the file.
 * `MAP_NORESERVE` keeps such maps from counting against RAM + swap.
 *
 * @module
 */

import { PLATFORM, type PlatformConstants } from "./constants.ts";
import { HELD_BYTES, HELD_RANGES, HeldRanges } from "./held_ranges.ts";
import { errno, libc } from "./libc.ts";
import { openDirectory, removeCreated } from "./posix_directory.ts";
import { MappedBuffer } from "./mapped_buffer.ts";
import { addressSpaceLimited, unweigh, weigh } from "./open_files.ts";
import { osError, statPath } from "./os_error.ts";
import { requireFileAccess, requireWriteAccess } from "./permissions.ts";
import {
  checkBytes,
  claim,
  claimTail,
  cString,
  type Descriptor,
  duplicateFile,
  fail,
  fstat,
  live,
  mappingReleased,
  openFile,
  PosixFile,
  reserve,
  resizing,
  restoreClaim,
  tryClaimTail,
  variadicMode,
  writeAll,
  zero,
} from "./posix_file.ts";
import type {
  Directory,
  FileHandle,
  Mapping,
  MapRequest,
  MemoryMap,
  OpenOptions,
  OverlayTarget,
  SizeChange,
  Sys,
} from "./sys.ts";

const C: PlatformConstants = PLATFORM;
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * What the backstop needs to release a mapping nobody closed: its memory,
 * whether a buffer over it was ever made (and so may have been moved away
 * by a transfer), and the descriptor it maps.
 */
interface Backstop {
  readonly address: bigint;
  readonly length: number;
  exposed: boolean;
  /** The buffer was seen moved away while the mapping lived. */
  moved: boolean;
  /** Its pages are the file's own (a shared or read-only map of a file). */
  readonly filePages: boolean;
  readonly descriptor: Descriptor | null;
  /** Whether it carries a GC weight (see `open_files.ts`). */
  weighed: boolean;
}

/**
 * A mapping, with the address only this module sees. Its buffer (see
 * {@linkcode MappedBuffer}) is made on first use.
 */
class PosixMapping implements Mapping {
  readonly length: number;
  readonly request: MapRequest;
  /** Start address; 0 for an empty mapping. */
  readonly address: bigint;
  #memory: MappedBuffer;
  #backstop: Backstop;
  /** What makes the garbage collector feel it (see `open_files.ts`). */
  #weight: ArrayBuffer | null = null;

  constructor(
    request: MapRequest,
    address: bigint,
    pointer: Deno.PointerObject | null,
  ) {
    this.request = request;
    this.length = pointer === null ? 0 : request.length;
    this.address = address;
    const file = request.file as PosixFile | null;
    this.#backstop = {
      address,
      length: this.length,
      exposed: false,
      moved: false,
      filePages: file !== null && request.kind !== "private",
      descriptor: file?.descriptor ?? null,
      weighed: false,
    };
    this.#memory = new MappedBuffer(this, () => {
      if (pointer === null) return null;
      this.#backstop.exposed = true;
      return Deno.UnsafePointerView.getArrayBuffer(pointer, this.length);
    }, (flagsFor(request).prot & C.PROT_WRITE) !== 0);
    this.#track();
  }

  get buffer(): ArrayBuffer {
    return this.#memory.buffer;
  }

  get released(): boolean {
    return this.#memory.released;
  }

  get moved(): boolean {
    const moved = this.#memory.moved;
    if (moved) this.#backstop.moved = true;
    return moved;
  }

  /** Whether a buffer over the memory was ever made (and so may be read late). */
  get exposed(): boolean {
    return this.#backstop.exposed;
  }

  #track(): void {
    if (this.length > 0) {
      mappings.register(this, this.#backstop, this);
      if (this.#backstop.descriptor) this.#backstop.descriptor.maps++;
      this.#weight = weigh();
      this.#backstop.weighed = this.#weight !== null;
    }
  }

  /**
   * Detaches the buffer so that no view can reach the memory any more.
   *
   * @returns `false` if the buffer had been moved away: the memory must stay
   * readable (see {@linkcode vacate}).
   */
  release(): boolean {
    if (this.length > 0 && !this.released) {
      mappings.unregister(this);
      if (this.#backstop.descriptor) this.#backstop.descriptor.maps--;
      unweigh(this.#weight);
      this.#weight = null;
    }
    return this.#memory.release();
  }

  /** Undoes `release()` when the memory turned out to stay mapped. */
  restore(): void {
    this.#memory.restore();
    this.#track();
  }
}

/**
 * Lets go of a released mapping's file and memory. A mapping no buffer was
 * ever made over is unmapped. Otherwise private zero pages take its place,
 * so that whatever may still read the buffer reads zeros and never the
 * memory of a later map: a buffer moved away by a transfer (the range is
 * pinned for good), or an operation in flight when the buffer was detached,
 * such as an async write of a view (the range is held for a while, see
 * {@linkcode HeldRanges}).
 */
function vacate(m: PosixMapping, intact: boolean): void {
  if (m.length === 0) return;
  const path = m.request.file?.path;
  if (intact && m.exposed) {
    try {
      zeroPagesAt(m.address, m.length, path);
      held.hold(m.address, m.length);
      return;
    } catch {
      // No zero pages to be had (ENOMEM): unmap instead.
    }
  }
  if (intact) {
    unmapRange(m.address, m.length, path);
    return;
  }
  zeroPagesAt(m.address, m.length, path);
}

/** Replaces `[address, address + length)` with private zero pages (`MAP_FIXED`). */
function zeroPagesAt(address: bigint, length: number, path?: string): void {
  const pointer = libc().mmap(
    Deno.UnsafePointer.create(address),
    BigInt(length),
    C.PROT_READ | C.PROT_WRITE,
    C.MAP_PRIVATE | C.MAP_ANONYMOUS | C.MAP_NORESERVE | C.MAP_FIXED,
    -1,
    0n,
  );
  if (pointer === null || Deno.UnsafePointer.value(pointer) === MAP_FAILED) {
    fail("mmap", path);
  }
}

/** Copies the first `count` bytes of one mapping's memory into another's buffer. */
function copyMemory(from: PosixMapping, to: Mapping, count: number): void {
  if (count === 0) return;
  const source = Deno.UnsafePointerView.getArrayBuffer(
    Deno.UnsafePointer.create(from.address)!,
    count,
  );
  new Uint8Array(to.buffer, 0, count).set(new Uint8Array(source));
  source.transfer(0);
}

function unmapRange(address: bigint, length: number, path?: string): void {
  if (libc().munmap(address, BigInt(length)) !== 0) fail("munmap", path);
}

/**
 * Ranges of mappings closed (or resized) while a buffer over them existed:
 * held for operations in flight when the buffer was detached.
 */
const held = new HeldRanges(unmapRange);

/**
 * Ranges of mappings collected with a buffer made over them: held longer
 * (4x), in their own account, since their buffer may have been moved away
 * unseen; closing maps never gives one of these back.
 */
const heldAfterCollection = new HeldRanges(
  unmapRange,
  4 * HELD_RANGES,
  2 * HELD_BYTES,
);

// Backstop for maps users forget to close. A mapping is registered on
// itself, and its buffer holds it: any view still held keeps the buffer, so
// the mapping, so the memory alive. Once the mapping is collected, no view
// can reach its memory, but two things still can: an operation in flight
// (an async write of a view holds the memory, not the view: the one-liner
// `await file.write(Mmap.open(p).bytes)` lets the map be collected mid-write)
// and a buffer moved away by a transfer (structuredClone, postMessage), which
// is seen only while the mapping lives (any use of the Mmap after it reports
// closed). So the memory of a mapping whose buffer was ever made is not
// unmapped: a file's own pages stay mapped (a write in flight copies the
// file's bytes, and the pages cost only page cache); other memory (anonymous,
// or a private copy) is replaced by zero pages. The range is then held and
// given back once enough later ranges are held; a buffer seen moved keeps
// zero pages for good. A mapping whose buffer was never made is unmapped.
// The descriptor is let go in every case, and with it the file's claims
// (unlocked explicitly: a held mapping keeps the open file description,
// and so its locks, alive past close()).
const mappings = new FinalizationRegistry<Backstop>((m) => {
  try {
    if (!m.exposed) {
      libc().munmap(m.address, BigInt(m.length));
    } else if (m.moved) {
      zeroPagesAt(m.address, m.length);
    } else {
      if (!m.filePages) zeroPagesAt(m.address, m.length);
      heldAfterCollection.hold(m.address, m.length);
    }
  } catch {
    // No zero pages to be had (ENOMEM): leave the mapping as it is rather
    // than free memory a moved buffer may still use.
  } finally {
    unweigh(null, true, m.weighed);
    if (m.descriptor) {
      // Its memory may still map the file (held file pages; or zero pages
      // were not to be had): the descriptor lets go of its claims itself.
      if (m.exposed) m.descriptor.pagesHeld = true;
      mappingReleased(m.descriptor);
    }
  }
});

/**
 * The protection and flags of a request. Pages are writable, so that a
 * stray write through a view of a read-only map lands in a private page,
 * but for executable maps (W^X): those asked for without `PROT_WRITE` are
 * read + exec only.
 */
function flagsFor(request: MapRequest): { prot: number; flags: number } {
  const exec = request.exec ? C.PROT_EXEC : 0;
  const write = request.exec && request.kind === "readonly" ? 0 : C.PROT_WRITE;
  let flags = request.extraFlags ?? 0;
  if (request.file === null) flags |= C.MAP_ANONYMOUS;
  switch (request.kind) {
    case "shared":
      flags |= C.MAP_SHARED;
      break;
    case "private":
      flags |= C.MAP_PRIVATE;
      break;
    case "readonly":
      flags |= C.MAP_PRIVATE | C.MAP_NORESERVE;
      break;
  }
  return { prot: C.PROT_READ | write | exec, flags };
}

function mapNow(request: MapRequest): PosixMapping {
  checkBytes(request.length, "a map length");
  checkBytes(request.offset, "a map offset");
  if (request.length === 0) return new PosixMapping(request, 0n, null);
  const { prot, flags } = flagsFor(request);
  const fd = request.file === null ? -1 : live(request.file).fd;
  const pointer = libc().mmap(
    null,
    BigInt(request.length),
    prot,
    flags,
    fd,
    BigInt(request.offset),
  );
  const address = pointer === null ? 0n : Deno.UnsafePointer.value(pointer);
  if (pointer === null || address === MAP_FAILED) {
    fail("mmap", request.file?.path);
  }
  return new PosixMapping(request, address, pointer);
}

/**
 * Maps a shared map's file again at a new length, for `remapMemory`. Where
 * the kernel refuses a new map (a memfd sealed `F_SEAL_FUTURE_WRITE` after
 * it was mapped refuses every new writable shared map, `EPERM`, but lets
 * existing ones be moved and resized, as Python's `resize` does), the
 * existing mapping is duplicated instead: `mremap` with `MREMAP_DONTUNMAP`
 * (Linux 5.13+ for file maps) moves its page tables to a new range of the
 * same file pages and leaves the old range mapped (its pages fault in from
 * the file again), so that whatever still reads the old buffer reads the
 * same bytes until the mapping is vacated as usual; the new range is then
 * resized. Should that fail too, the first error is thrown and nothing
 * changed (the duplicate, if made, is unmapped).
 */
function mapAnew(old: PosixMapping, request: MapRequest): PosixMapping {
  try {
    return mapNow(request);
  } catch (error) {
    const again = duplicate(old, request);
    if (again === null) throw error;
    return again;
  }
}

/** The duplicate of {@linkcode mapAnew}, or null where it cannot be made. */
function duplicate(
  old: PosixMapping,
  request: MapRequest,
): PosixMapping | null {
  const move = C.mremapMove;
  const c = libc();
  if (
    move === null || c.mremap_to == null || c.mremap == null ||
    old.length === 0 || request.length === 0 || old.released ||
    old.request.file === null || old.request.kind !== "shared"
  ) {
    return null;
  }
  const length = BigInt(old.length);
  const copy = c.mremap_to(
    old.address,
    length,
    length,
    C.MREMAP_MAYMOVE | move.MREMAP_DONTUNMAP,
    0n,
  );
  if (copy === MAP_FAILED) return null;
  if (request.length === old.length) {
    return new PosixMapping(request, copy, Deno.UnsafePointer.create(copy));
  }
  const pointer = c.mremap(
    copy,
    length,
    BigInt(request.length),
    C.MREMAP_MAYMOVE,
  );
  const address = pointer === null ? 0n : Deno.UnsafePointer.value(pointer);
  if (pointer === null || address === MAP_FAILED) {
    c.munmap(copy, length);
    return null;
  }
  return new PosixMapping(request, address, pointer);
}

/**
 * Moves or resizes the memory of a mapping; the file is left as it is.
 * `ready`, if given, runs once the new memory is mapped and before the old
 * mapping is released (its buffer detached): should it throw, the new memory
 * is unmapped and the old mapping, its buffer and views stay as they were.
 */
function remapMemory(
  mapping: Mapping,
  newLength: number,
  ready?: () => void,
): Mapping {
  checkBytes(newLength, "a map length");
  const old = mapping as PosixMapping;
  const request = { ...old.request, length: newLength };
  const c = libc();
  // mremap keeps file-backed and private pages; a shared anonymous map is
  // moved by copying, because growing its shmem object in place would leave
  // the new tail unbacked (SIGBUS on access). A mapping whose buffer was made
  // is not moved either: mremap would free the old range at once, under an
  // operation still reading the detached buffer (see vacate). Nor is one
  // with a `ready` step, which must run while the old mapping is whole.
  const movable = c.mremap != null && C.MREMAP_MAYMOVE !== 0 &&
    ready === undefined && old.length !== 0 && newLength !== 0 &&
    !old.exposed &&
    !(old.request.file === null && old.request.kind === "shared");
  const fresh = movable ? null : mapAnew(old, request);
  if (fresh !== null && ready !== undefined) {
    try {
      ready();
    } catch (error) {
      posixSys.unmap(fresh);
      throw error;
    }
  }
  if (old.length === 0 || newLength === 0) {
    posixSys.unmap(old);
    return fresh!;
  }
  const intact = old.release();
  if (fresh === null && intact) {
    const pointer = c.mremap!(
      old.address,
      BigInt(old.length),
      BigInt(newLength),
      C.MREMAP_MAYMOVE,
    );
    const address = pointer === null ? 0n : Deno.UnsafePointer.value(pointer);
    if (pointer === null || address === MAP_FAILED) {
      const code = errno();
      // The old mapping is still in place: let it be used again.
      old.restore();
      fail("mremap", old.request.file?.path, code);
    }
    return new PosixMapping(request, address, pointer);
  }
  let next: Mapping;
  try {
    next = fresh ?? mapAnew(old, request);
  } catch (error) {
    old.restore();
    throw error;
  }
  if (old.request.file === null) {
    copyMemory(old, next, Math.min(old.length, newLength));
  }
  vacate(old, intact);
  return next;
}

let pageSizeCache = 0;

function pageSize(): number {
  if (pageSizeCache === 0) pageSizeCache = libc().getpagesize();
  return pageSizeCache;
}

/**
 * Where the page cache may hold large folios that the kernel maps whole with
 * one page-table entry: 2 MiB (x86-64, and arm64 with 4 KiB pages). An
 * overlay's address and file offset agree modulo this, or every 4 KiB page
 * costs a fault of its own.
 */
const LARGE_PAGE = 2n * 1024n * 1024n;

/** The address of `target`'s first byte, after checking the range. */
function overlayAddress(target: OverlayTarget): { base: bigint; at: bigint } {
  const page = pageSize();
  const { memory, start, length } = target;
  if (
    start % page !== 0 || length % page !== 0 || start < 0 || length <= 0 ||
    start + length > memory.buffer.byteLength
  ) {
    throw new RangeError(
      `Cannot overlay bytes ${start}..${start + length} of a ` +
        `${memory.buffer.byteLength}-byte memory: not whole pages inside it`,
    );
  }
  const pointer = Deno.UnsafePointer.of(new Uint8Array(memory.buffer));
  const base = Deno.UnsafePointer.value(pointer) as bigint;
  if (base % BigInt(page) !== 0n) {
    throw new RangeError("Cannot overlay a memory that is not page-aligned");
  }
  return { base, at: base + BigInt(start) };
}

function overlay(
  target: OverlayTarget,
  file: FileHandle,
  offset: number,
  length: number,
): number {
  const fd = live(file).fd;
  takeBack(target);
  const { base, at } = overlayAddress(target);
  const page = BigInt(pageSize());
  const from = (BigInt(offset) / LARGE_PAGE) * LARGE_PAGE;
  const address = ((at + LARGE_PAGE - 1n) / LARGE_PAGE) * LARGE_PAGE;
  const span = ((BigInt(offset + length) - from + page - 1n) / page) * page;
  if (address + span > at + BigInt(target.length)) {
    throw new RangeError(
      `Cannot overlay ${length} bytes in a ${target.length}-byte range: ` +
        "it needs 4 MiB more than the bytes",
    );
  }
  // Bytes past the end of the file (cut short by another program since it
  // was mapped) would be SIGBUS when read through the overlay: EFAULT here,
  // as a walk over them reports.
  if (currentSize(fd, file.path) < offset + length) {
    fail("mmap", file.path, EFAULT);
  }
  const pointer = libc().mmap(
    Deno.UnsafePointer.create(address),
    span,
    C.PROT_READ | C.PROT_WRITE,
    C.MAP_PRIVATE | C.MAP_NORESERVE | C.MAP_FIXED,
    fd,
    from,
  );
  if (pointer === null || Deno.UnsafePointer.value(pointer) === MAP_FAILED) {
    const code = errno();
    // A failed MAP_FIXED may have unmapped part of the range already.
    clearOverlay(target);
    fail("mmap", file.path, code);
  }
  // Pages the kernel cannot give (holes a full disk has no room to fill)
  // would be SIGBUS when read: ask for them all now (one call, instead of
  // a fault per page), and fail as a walk does where they cannot be had.
  const code = populateRange(address, span, false);
  if (code !== 0) {
    clearOverlay(target);
    fail("madvise", file.path, code);
  }
  return Number(address - base) + offset - Number(from);
}

/** `MADV_POPULATE_READ`/`_WRITE` (Linux 5.14+), while the kernel takes them. */
const POPULATE_READ: number | undefined = C.madvise.MADV_POPULATE_READ;
const POPULATE_WRITE: number | undefined = C.madvise.MADV_POPULATE_WRITE;
let populateWorks = POPULATE_READ !== undefined;

/**
 * Faults in `[address, address + length)` in one call: 0 when done or when
 * the kernel does not know the advice (then {@linkcode populateWorks} turns
 * false and pages fault in one by one as before), else the errno.
 */
function populateRange(
  address: bigint,
  length: bigint,
  write: boolean,
): number {
  if (!populateWorks || length <= 0n) return 0;
  const advice = write && POPULATE_WRITE !== undefined
    ? POPULATE_WRITE
    : POPULATE_READ as number;
  if (libc().madvise(address, length, advice) === 0) return 0;
  const code = errno();
  if (C.errnoNames[code] !== "EINVAL") return code;
  populateWorks = false; // a kernel before 5.14
  return 0;
}

/**
 * The size of what `fd` is open on now, in bytes: `lseek` to its end, which
 * also tells a block device's size (`fstat` gives those as 0).
 */
function currentSize(fd: number, path: string): number {
  const size = libc().lseek(fd, 0n, C.SEEK_END);
  if (size >= 0) return Number(size);
  // macOS answers ESPIPE for shared-memory objects: ask fstat instead.
  const code = errno();
  if (Deno.build.os !== "darwin" || C.errnoNames[code] !== "ESPIPE") {
    fail("lseek", path, code);
  }
  return fstat(fd, path).size;
}

/** The platform's errno of `EFAULT` (bad address). */
const EFAULT = Number(
  Object.entries(C.errnoNames).find(([, name]) => name === "EFAULT")?.[0] ?? 14,
);

/** Pages {@linkcode lend} moved into a target, until they are moved back. */
interface Lent {
  readonly target: OverlayTarget;
  readonly mapping: PosixMapping;
  /** Where they belong (in the map) and where they are (in the target). */
  readonly home: bigint;
  readonly away: bigint;
  readonly span: bigint;
}

let lent: Lent | null = null;
/** Cleared once the kernel refuses to move a map's page tables (before 5.13). */
let lendWorks = C.mremapMove !== null;

function lend(
  target: OverlayTarget,
  mapping: Mapping,
  start: number,
  length: number,
): number {
  const m = mapping as PosixMapping;
  const move = C.mremapMove;
  const mremap = libc().mremap_to;
  const file = m.request.file;
  takeBack(target);
  if (
    !lendWorks || move === null || mremap == null || lent !== null ||
    file === null || (file as PosixFile).device || m.released ||
    m.request.kind === "private" ||
    length <= 0 || start < 0 || start + length > m.length
  ) {
    return -1;
  }
  const { base, at } = overlayAddress(target);
  const page = BigInt(pageSize());
  const from = m.address + BigInt(start);
  // Whole 2 MiB steps of the map (within it), put at the same place modulo
  // 2 MiB: the kernel then moves whole page tables (and large pages) at
  // once, and splits none of the map's large pages.
  const first = m.address;
  const last = first + (BigInt(m.length) + page - 1n) / page * page;
  const down = (from / LARGE_PAGE) * LARGE_PAGE;
  const up = (from + BigInt(length) + LARGE_PAGE - 1n) / LARGE_PAGE *
    LARGE_PAGE;
  const home = down > first ? down : first;
  const span = (up < last ? up : last) - home;
  const away = at + ((home - at) % LARGE_PAGE + LARGE_PAGE) % LARGE_PAGE;
  if (away + span > at + BigInt(target.length)) return -1;
  // Bytes past the end of the file (cut short by another program) would be
  // SIGBUS when read: EFAULT instead, as the overlay reports.
  const fd = live(file).fd;
  if (currentSize(fd, file.path) < m.request.offset + start + length) {
    fail("mremap", file.path, EFAULT);
  }
  const flags = C.MREMAP_MAYMOVE | move.MREMAP_FIXED | move.MREMAP_DONTUNMAP;
  if (mremap(home, span, span, flags, away) !== away) {
    // Nothing moved, but the target's range may have been unmapped already.
    const name = C.errnoNames[errno()];
    if (name === "EINVAL" || name === "ENOSYS" || name === "EPERM") {
      lendWorks = false;
    }
    clearOverlay(target);
    return -1;
  }
  lent = { target, mapping: m, home, away, span };
  // Pages not in memory that the kernel cannot give would be SIGBUS in the
  // scan: fail as the overlay does (asked only where some are not in memory:
  // the ask walks every page, which costs more than telling).
  const code = resident(away, span) ? 0 : populateRange(away, span, false);
  if (code !== 0) {
    clearOverlay(target);
    fail("madvise", file.path, code);
  }
  return Number(away - base) + Number(from - home);
}

let residency = new Uint8Array(0);

/** Whether every page of the range is in memory and read (`mincore`). */
function resident(address: bigint, length: bigint): boolean {
  const mincore = libc().mincore;
  if (mincore == null) return false;
  const pages = Number(length) / pageSize();
  if (residency.length < pages) residency = new Uint8Array(pages);
  const vector = residency.subarray(0, pages);
  if (mincore(address, length, vector) !== 0) return false;
  for (let i = 0; i < pages; i++) if ((vector[i] & 1) === 0) return false;
  return true;
}

/**
 * Moves lent pages back into their map. Should the kernel refuse after
 * taking the map's range away, the file is mapped there anew (the same
 * pages for a shared map), or zero pages as a last resort: the map's range
 * never stays empty.
 */
function giveBack({ mapping, home, away, span }: Lent): void {
  const c = libc();
  const flags = C.MREMAP_MAYMOVE | C.mremapMove!.MREMAP_FIXED;
  if (c.mremap_to!(away, span, span, flags, home) === home) return;
  lendWorks = false;
  const { prot, flags: mapFlags } = flagsFor(mapping.request);
  const fd = (mapping.request.file as PosixFile).fd;
  const pointer = fd < 0 ? null : c.mmap(
    Deno.UnsafePointer.create(home),
    span,
    prot,
    mapFlags | C.MAP_FIXED,
    fd,
    BigInt(mapping.request.offset) + (home - mapping.address),
  );
  if (pointer === null || Deno.UnsafePointer.value(pointer) === MAP_FAILED) {
    zeroPagesAt(home, Number(span), mapping.request.file?.path);
  }
}

/** Gives back the pages lent to `target`, if any: a target holds one thing at a time. */
function takeBack(target: OverlayTarget): void {
  const pages = lent;
  if (pages !== null && pages.target === target) {
    lent = null;
    giveBack(pages);
  }
}

function clearOverlay(target: OverlayTarget): void {
  takeBack(target);
  zeroPagesAt(overlayAddress(target).at, target.length);
}

/** The largest WebAssembly memory, in 64 KiB pages (4 GiB). */
const MEMORY_PAGES_MAX = 65536;

function mapInto(mapping: Mapping, spare = 0): MemoryMap {
  const m = mapping as PosixMapping;
  const file = m.request.file;
  if (file === null || m.length === 0 || m.released) {
    throw new TypeError("Cannot map a map again: it is not of a file");
  }
  if (addressSpaceLimited()) {
    throw new RangeError(
      "Cannot map a map again under an address-space limit (ulimit -v)",
    );
  }
  const path = file.path;
  const page = BigInt(pageSize());
  const span = ((BigInt(m.length) + page - 1n) / page) * page;
  // The spare bytes start at the first 64 KiB past the map's pages, which
  // end at most LARGE_PAGE past the span (see skew below).
  const sparePages = Math.ceil(Math.max(spare, 0) / 65536);
  const pages = Math.ceil((Number(span + LARGE_PAGE)) / 65536) + sparePages;
  if (pages > MEMORY_PAGES_MAX) {
    throw new RangeError(
      `Cannot map ${m.length} bytes into a WebAssembly memory: over 4 GiB`,
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const pointer = Deno.UnsafePointer.of(new Uint8Array(memory.buffer));
  const base = Deno.UnsafePointer.value(pointer) as bigint;
  // The file offset and the address agree modulo 2 MiB (see LARGE_PAGE).
  const offset = BigInt(m.request.offset);
  const skew = (((offset - base) % LARGE_PAGE) + LARGE_PAGE) % LARGE_PAGE;
  if (
    base % page !== 0n ||
    skew + span > BigInt(memory.buffer.byteLength)
  ) {
    throw new RangeError(
      `Cannot map ${m.length} bytes into a ${memory.buffer.byteLength}-byte memory: it needs 2 MiB more than the bytes`,
    );
  }
  const address = base + skew;
  const { prot, flags } = flagsFor(m.request);
  const fd = live(file).fd;
  const mapped = libc().mmap(
    Deno.UnsafePointer.create(address),
    span,
    prot,
    flags | C.MAP_FIXED,
    fd,
    offset,
  );
  if (mapped === null || Deno.UnsafePointer.value(mapped) === MAP_FAILED) {
    const code = errno();
    // A failed MAP_FIXED may have unmapped part of the range already.
    zeroPagesAt(address, Number(span), path);
    fail("mmap", path, code);
  }
  let cleared = false;
  // [start, start + length) clipped to the map, as absolute addresses.
  // Only the map's own bytes, whatever the range asked for.
  const range = (start: number, length: number): [bigint, bigint] => {
    const end = Math.min(start + length, m.length);
    start = Math.min(Math.max(start, 0), m.length);
    return [address + BigInt(start), BigInt(Math.max(end - start, 0))];
  };
  return {
    memory,
    at: Number(skew),
    spare: Math.ceil(Number(skew + span) / 65536) * 65536,
    populate(start, length, write) {
      const [from, count] = range(start, length);
      if (cleared || count === 0n) return;
      const code = populateRange(from, count, write);
      if (code !== 0) fail("madvise", path, code);
    },
    release(start, length) {
      const [from, count] = range(start, length);
      if (cleared || count === 0n) return;
      if (libc().madvise(from, count, C.madvise.MADV_DONTNEED) !== 0) {
        fail("madvise", path);
      }
    },
    clear() {
      if (cleared) return;
      cleared = true;
      zeroPagesAt(address, Number(span), path);
    },
  };
}

/** `MADV_HUGEPAGE` of the platform table (Linux only). */
const MADV_HUGEPAGE: number | undefined = C.madvise.MADV_HUGEPAGE;

function hugePages(buffer: ArrayBuffer): boolean {
  if (MADV_HUGEPAGE === undefined || buffer.byteLength < Number(LARGE_PAGE)) {
    return false;
  }
  const pointer = Deno.UnsafePointer.of(buffer);
  if (pointer === null) return false;
  const address = Deno.UnsafePointer.value(pointer) as bigint;
  const start = ((address + LARGE_PAGE - 1n) / LARGE_PAGE) * LARGE_PAGE;
  const end = ((address + BigInt(buffer.byteLength)) / LARGE_PAGE) *
    LARGE_PAGE;
  if (end <= start) return false;
  return libc().madvise(start, end - start, MADV_HUGEPAGE) === 0;
}

/**
 * Puts a file grown by a call that then failed back to its old size,
 * unless another handle has mapped the new bytes in the meantime: then they
 * stay (a larger file, but no map cut short).
 */
function shrinkBack(file: PosixFile, size: number): void {
  try {
    claimTail(file, size, "ftruncate");
  } catch {
    return;
  }
  libc().ftruncate(file.fd, BigInt(size));
}

/** `fcntl` commands and seals of a Linux memfd. */
const F_GET_SEALS = 1034;
const F_SEAL_SHRINK = 0x2;
const F_SEAL_WRITE = 0x8;
const F_SEAL_FUTURE_WRITE = 0x10;
/** `EPERM`, which a sealed memfd's refusals give (1 on every POSIX system). */
const EPERM = 1;

/** The seals of a memfd (Linux `F_GET_SEALS`); 0 for any other file. */
function sealsOf(file: PosixFile): number {
  if (Deno.build.os !== "linux") return 0;
  const seals = libc().fcntl(file.fd, F_GET_SEALS, null);
  return seals < 0 ? 0 : seals;
}

/**
 * Grows a file from `before` to `size` bytes with the new blocks reserved,
 * changing nothing if it throws. A file that refuses to be put back to its
 * old size (a memfd sealed `F_SEAL_SHRINK`) is grown in one step that
 * either grows and reserves or does nothing (`fallocate`, which `shmem`
 * undoes on failure), so that growing is the last step that can fail;
 * callers map first (attack13 C7).
 */
function growFile(file: PosixFile, before: number, size: number): void {
  const c = libc();
  if ((sealsOf(file) & F_SEAL_SHRINK) !== 0) {
    const length = BigInt(size - before);
    if (c.fallocate?.(file.fd, 0, BigInt(before), length) === 0) return;
    const code = errno();
    if (c.fallocate != null && NO_SPACE.has(C.errnoNames[code] ?? "")) {
      fail("fallocate", file.path, code);
    }
    // No fallocate here: the size alone (refused by F_SEAL_GROW).
    if (c.ftruncate(file.fd, BigInt(size)) !== 0) fail("ftruncate", file.path);
    return;
  }
  if (c.ftruncate(file.fd, BigInt(size)) !== 0) fail("ftruncate", file.path);
  try {
    reserve(file, before, size);
  } catch (error) {
    shrinkBack(file, before);
    throw error;
  }
}

/**
 * Refuses to resize a shared map to nothing when its file refuses every new
 * writable shared map (a memfd sealed `F_SEAL_FUTURE_WRITE` or
 * `F_SEAL_WRITE`): such a map grows only by duplicating its mapping, and an
 * empty map has none, so it could never grow again (attack13 C2). Refused
 * before anything changes, as Python's `resize(0)` is (`EINVAL`).
 */
function refuseEmptying(mapping: Mapping, file: PosixFile): void {
  if (mapping.request.kind !== "shared") return;
  if ((sealsOf(file) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) === 0) return;
  throw osError(
    "mremap",
    "EINVAL",
    "Invalid argument: a file sealed against new writable maps " +
      "(F_SEAL_FUTURE_WRITE) could not be mapped again once the map is empty",
    file.path,
  );
}

/** Disk-space errors of `fallocate`, as {@linkcode reserve} takes them. */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT", "EFBIG", "EIO", "EINTR"]);

/**
 * {@linkcode Sys.mapFile} with a size change, in {@linkcode resizing}: a
 * file already at least `change.size` long (another handle grew it since it
 * was opened) is not grown, and never cut but by an overwrite.
 */
function mapResized(
  request: MapRequest,
  file: PosixFile,
  change: SizeChange,
): Mapping {
  // A handle maps once, right after it was opened: it claims the whole
  // file still (see openFile), the bytes it grows included.
  const before = currentSize(file.fd, file.path);
  const size = change.size;
  const overwrite = change.overwrite === true;
  // Overwriting: the whole file for this handle alone, or Busy.
  if (overwrite) claimTail(file, 0, "open");
  let grown = false;
  let mapping: Mapping;
  try {
    // A shrink the file would refuse (F_SEAL_SHRINK), after the content
    // was zeroed: refused first.
    if (overwrite && size < before && (sealsOf(file) & F_SEAL_SHRINK) !== 0) {
      fail("ftruncate", file.path, EPERM);
    }
    // Grown first, its blocks reserved, then mapped (a file too large
    // for the disk is ENOSPC, not the address space's ENOMEM), and put
    // back if mapping fails. A file that refuses to be put back (a memfd
    // sealed F_SEAL_SHRINK) is mapped first (a map may reach past the end
    // of the file) and grown last in one step, so a map the kernel
    // refuses (a writable shared map of a memfd sealed against writes)
    // leaves it as it was (attack13 C7).
    const last = size > before && (sealsOf(file) & F_SEAL_SHRINK) !== 0;
    if (size > before && !last) {
      growFile(file, before, size);
      grown = true;
    }
    mapping = mapNow(request);
    if (last) {
      growFile(file, before, size);
      grown = true;
    }
    if (overwrite) {
      zero(file, Math.min(before, size));
      if (size < before && libc().ftruncate(file.fd, BigInt(size)) !== 0) {
        fail("ftruncate", file.path);
      }
    }
  } catch (error) {
    if (mapping! !== undefined) posixSys.unmap(mapping);
    if (grown) shrinkBack(file, before);
    restoreClaim(file);
    throw error;
  }
  claim(file, request.offset, request.offset + request.length);
  return mapping;
}

/**
 * {@linkcode Sys.remap} of a file's map, in {@linkcode resizing}: the
 * file's size is read, its claims checked and the file grown or cut with
 * no other handle's size change in between, so that a grow never sets the
 * file below its size (attack14 D9).
 */
function remapResized(
  mapping: Mapping,
  file: PosixFile,
  newLength: number,
  newSize: number,
): Mapping {
  const offset = mapping.request.offset;
  const oldSize = currentSize(file.fd, file.path);
  if (newSize < oldSize) {
    // Python sets the file to offset + newLength. Bytes past it that
    // another live map covers are never cut: a map that shrinks is refused
    // (Busy); one that grows leaves the file as large as it is (another
    // handle grew it past this one's target).
    if (newLength <= mapping.length) claimTail(file, newSize, "ftruncate");
    else if (!tryClaimTail(file, newSize)) {
      return remapWithin(mapping, file, newLength, newSize);
    }
    // Take the bytes to cut first (Busy: nothing changed), map the
    // shorter memory, cut the file (a file may refuse: a memfd sealed
    // against shrinking), and only then let the old mapping go, its
    // buffer detached: a refusal at any step leaves the map and every
    // view of it as they were (attack12 B2). Between the cut and the
    // release no other code runs, so no page past the end is touched.
    let fresh: Mapping;
    try {
      fresh = remapMemory(mapping, newLength, () => {
        if (libc().ftruncate(file.fd, BigInt(newSize)) !== 0) {
          fail("ftruncate", file.path);
        }
      });
    } catch (error) {
      restoreClaim(file);
      throw error;
    }
    claim(file, offset, newSize);
    return fresh;
  }
  if (newSize > oldSize) {
    claim(file, offset, newSize);
    if ((sealsOf(file) & F_SEAL_SHRINK) !== 0) {
      // The file cannot be put back to its old size: the memory is mapped
      // first and the file grown last, before the old mapping goes
      // (attack13 C7).
      try {
        return remapMemory(
          mapping,
          newLength,
          () => growFile(file, oldSize, newSize),
        );
      } catch (error) {
        claim(file, offset, offset + mapping.length);
        throw error;
      }
    }
    // Grow the file (its new blocks reserved) before the memory.
    if (libc().ftruncate(file.fd, BigInt(newSize)) !== 0) {
      const code = errno();
      claim(file, offset, offset + mapping.length);
      fail("ftruncate", file.path, code);
    }
    try {
      reserve(file, oldSize, newSize);
      return remapMemory(mapping, newLength);
    } catch (error) {
      shrinkBack(file, oldSize);
      claim(file, offset, offset + mapping.length);
      throw error;
    }
  }
  return remapWithin(mapping, file, newLength, newSize);
}

/** Resizes a file's map within the file, its claim set to the new bytes. */
function remapWithin(
  mapping: Mapping,
  file: PosixFile,
  newLength: number,
  newSize: number,
): Mapping {
  const fresh = remapMemory(mapping, newLength);
  claim(file, mapping.request.offset, newSize);
  return fresh;
}

/** The POSIX implementation of the platform seam. */
export const posixSys: Sys = {
  constants: C,
  pageSize,

  open(path: string, options: OpenOptions): FileHandle {
    return openFile(path, options);
  },

  stat(path: string): Deno.FileInfo {
    return statPath(path);
  },

  duplicate(fd: number, write: boolean): FileHandle {
    return duplicateFile(fd, write);
  },

  size(file: FileHandle): number {
    return currentSize(live(file).fd, file.path);
  },

  truncate(file: FileHandle, size: number): void {
    checkBytes(size, "a file size");
    const posix = live(file);
    resizing(posix, "ftruncate", () => {
      const shrink = size < this.size(posix);
      // A shrink first takes the bytes it cuts: refused while another handle maps them.
      if (shrink) claimTail(posix, size, "ftruncate");
      if (libc().ftruncate(posix.fd, BigInt(size)) !== 0) {
        const code = errno();
        if (shrink) restoreClaim(posix);
        fail("ftruncate", file.path, code);
      }
      if (shrink) restoreClaim(posix, size);
    });
  },

  preallocate(file: FileHandle, length: number): void {
    const fallocate = libc().fallocate;
    if (fallocate == null || length <= 0) return;
    // FALLOC_FL_KEEP_SIZE: reserve the blocks, leave the size. A file system
    // without fallocate (EOPNOTSUPP) just gets no reservation.
    fallocate(live(file).fd, 1, 0n, BigInt(length));
  },

  exclusive(file: FileHandle, call: string): void {
    const posix = live(file);
    resizing(posix, call, () => claimTail(posix, 0, call));
  },

  close(file: FileHandle): void {
    (file as PosixFile).close();
  },

  write(file: FileHandle, bytes: Uint8Array, at: number, what: string): void {
    writeAll(live(file).fd, bytes, at, what);
  },

  openDirectory(path: string, what: string): Directory | null {
    return openDirectory(path, what);
  },

  removeCreated(file: FileHandle): boolean {
    return removeCreated(file);
  },

  map(request: MapRequest): Mapping {
    return mapNow(request);
  },

  mapFile(
    request: MapRequest & { readonly file: FileHandle },
    change?: SizeChange,
  ): Mapping {
    const file = live(request.file);
    if (change === undefined) {
      const mapping = mapNow(request);
      const end = request.offset + request.length;
      try {
        // A map that reaches the end of the file keeps the claim to the end
        // of whatever the file grows to (one call fewer; a later cut of
        // bytes it does not map may then be refused).
        const toEnd = file.openedSize !== undefined && end >= file.openedSize;
        claim(file, request.offset, toEnd ? Infinity : end);
      } catch (error) {
        posixSys.unmap(mapping);
        throw error;
      }
      return mapping;
    }
    checkBytes(change.size, "a file size");
    // The size read, the claims checked and the file grown or cut with no
    // other handle's size change in between (attack14 D9).
    return resizing(file, "ftruncate", () => mapResized(request, file, change));
  },

  remap(mapping: Mapping, newLength: number): Mapping {
    const { file: handle, offset } = mapping.request;
    if (handle === null) return remapMemory(mapping, newLength);
    const file = live(handle);
    if (newLength === 0 && mapping.length > 0) refuseEmptying(mapping, file);
    const newSize = checkBytes(offset + newLength, "a file size");
    return resizing(
      file,
      "ftruncate",
      () => remapResized(mapping, file, newLength, newSize),
    );
  },

  flush(mapping: Mapping, start: number, length: number): void {
    const m = mapping as PosixMapping;
    if (m.length === 0 || length <= 0) return;
    const page = pageSize();
    const from = Math.floor(start / page) * page;
    const to = Math.min(start + length, m.length);
    if (
      libc().msync(m.address + BigInt(from), BigInt(to - from), C.MS_SYNC) !== 0
    ) {
      fail("msync", m.request.file?.path);
    }
  },

  advise(
    mapping: Mapping,
    start: number,
    length: number,
    advice: number,
  ): void {
    const m = mapping as PosixMapping;
    if (m.length === 0 || length <= 0) return;
    if (
      libc().madvise(m.address + BigInt(start), BigInt(length), advice) !== 0
    ) {
      fail("madvise", m.request.file?.path);
    }
  },

  populate: POPULATE_READ === undefined ? undefined : (
    mapping: Mapping,
    start: number,
    length: number,
    write: boolean,
  ): boolean => {
    const m = mapping as PosixMapping;
    if (m.length === 0 || length <= 0) return populateWorks;
    const code = populateRange(
      m.address + BigInt(start),
      BigInt(length),
      write,
    );
    if (code !== 0) fail("madvise", m.request.file?.path, code);
    return populateWorks;
  },

  unmap(mapping: Mapping): void {
    const m = mapping as PosixMapping;
    if (m.released) return;
    vacate(m, m.release());
  },

  // Tested on Linux only: elsewhere reductions read through the map itself.
  overlay: Deno.build.os === "linux" ? overlay : undefined,
  lend: Deno.build.os === "linux" ? lend : undefined,
  clearOverlay: Deno.build.os === "linux" ? clearOverlay : undefined,
  mapInto: Deno.build.os === "linux" ? mapInto : undefined,
  hugePages: Deno.build.os === "linux" ? hugePages : undefined,

  find(
    mapping: Mapping,
    needle: Uint8Array,
    start: number,
    end: number,
  ): number {
    const m = mapping as PosixMapping;
    if (end - start < needle.length || m.length === 0) return -1;
    const found = libc().memmem(
      m.address + BigInt(start),
      BigInt(end - start),
      needle as Uint8Array<ArrayBuffer>,
      BigInt(needle.length),
    );
    return found === 0n ? -1 : Number(found - m.address);
  },

  findByte(
    mapping: Mapping,
    byte: number,
    start: number,
    end: number,
  ): number {
    const m = mapping as PosixMapping;
    if (end <= start || m.length === 0) return -1;
    const found = libc().memchr(
      m.address + BigInt(start),
      byte,
      BigInt(end - start),
    );
    return found === 0n ? -1 : Number(found - m.address);
  },

  findLastByte(
    mapping: Mapping,
    byte: number,
    start: number,
    end: number,
  ): number {
    const m = mapping as PosixMapping;
    if (end <= start || m.length === 0) return -1;
    const memrchr = libc().memrchr;
    if (memrchr == null) { // macOS
      const i = new Uint8Array(m.buffer, start, end - start).lastIndexOf(byte);
      return i < 0 ? -1 : start + i;
    }
    const found = memrchr(m.address + BigInt(start), byte, BigInt(end - start));
    return found === 0n ? -1 : Number(found - m.address);
  },

  // Linux: NAME_MAX of the /dev/shm file; macOS: PSHMNAMLEN (31) minus the slash.
  sharedNameMax: Deno.build.os === "darwin" ? 30 : 255,

  openShared(
    name: string,
    options: { create: boolean; exclusive: boolean },
  ): FileHandle {
    const path = sharedPath(name);
    requireFileAccess(path, true);
    const shmOpen = libc().shm_open;
    if (shmOpen == null) {
      throw new Deno.errors.NotSupported(
        "shm_open() is not available in this C library",
      );
    }
    // Without waiting (a FIFO or device node put in /dev/shm opens at once).
    let flags = C.O_RDWR | C.O_CLOEXEC | C.O_NONBLOCK;
    if (options.create) flags |= C.O_CREAT;
    if (options.exclusive) flags |= C.O_EXCL;
    const fd = shmOpen(cString(slashed(name)), flags, ...variadicMode(0o600));
    if (fd < 0) {
      const code = errno();
      // glibc's shm_open turns EISDIR (a directory under the name) into
      // EINVAL: report it as the directory it is, as open(2) would.
      if (C.errnoNames[code] === "EINVAL" && isDirectoryPath(path)) {
        throw osError(
          "shm_open",
          "EISDIR",
          "Is a directory",
          slashed(name),
        );
      }
      fail("shm_open", slashed(name), code);
    }
    // A block is a file (of tmpfs on Linux): claimed as files are.
    const file = new PosixFile(fd, slashed(name), "file");
    try {
      // Anything else under the name (a device node, a FIFO) is not a block:
      // mapping it would reach a disk or wait, which --allow-all guards.
      const { type } = fstat(fd, path);
      if (type !== "file") {
        throw osError(
          "shm_open",
          "ENODEV",
          `Not a shared-memory block: ${type}`,
          slashed(name),
        );
      }
      claim(file, 0, Infinity);
    } catch (error) {
      file.close();
      throw error;
    }
    return file;
  },

  unlinkShared(name: string): void {
    requireWriteAccess(sharedPath(name));
    const shmUnlink = libc().shm_unlink;
    if (shmUnlink == null) {
      throw new Deno.errors.NotSupported(
        "shm_unlink() is not available in this C library",
      );
    }
    if (shmUnlink(cString(slashed(name))) !== 0) {
      fail("shm_unlink", slashed(name));
    }
  },
};

/**
 * The name POSIX takes: with one leading slash. A name given with it (as
 * Python allows) is the same block as without.
 */
function slashed(name: string): string {
  return name.startsWith("/") ? name : `/${name}`;
}

/** Where a shared-memory name lives in the file system, for permission checks. */
/** Whether a path names a directory (`false` when it cannot be looked up). */
function isDirectoryPath(path: string): boolean {
  try {
    return statPath(path).isDirectory;
  } catch {
    return false;
  }
}

function sharedPath(name: string): string {
  const bare = slashed(name).slice(1);
  return Deno.build.os === "linux" ? `/dev/shm/${bare}` : `/${bare}`;
}

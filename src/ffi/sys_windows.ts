/**
 * The Windows backend of {@linkcode Sys}, on kernel32. CI runs the test
 * suite on it with `deno.exe` under Wine 10 (.ci/wine.sh), and on Linux
 * against a TypeScript model of kernel32 (tests/ffi/fake_kernel32.ts) that
 * enforces the documented rules Wine is lenient about.
 *
 * How the Win32 file-mapping model meets the seam:
 *
 * - Files are opened with `CreateFileW`, sharing read, write and delete, so
 *   the library locks nobody out (a mapped file still cannot be deleted:
 *   Windows refuses while a view exists). A directory, which `CreateFileW`
 *   refuses with `ERROR_ACCESS_DENIED`, is reported as `EISDIR`.
 * - Each {@linkcode Mapping} owns one file mapping object
 *   (`CreateFileMappingW`) and one view (`MapViewOfFile`). Views start at
 *   multiples of the allocation granularity (64 KiB); a request at any other
 *   offset is mapped from the boundary below and its buffer starts at the
 *   requested byte, so callers may use any page-aligned offset.
 * - Kinds: `shared` is `PAGE_READWRITE` + `FILE_MAP_WRITE`; `private` is
 *   `PAGE_WRITECOPY` + `FILE_MAP_COPY`; `readonly` is `PAGE_READONLY` +
 *   `FILE_MAP_COPY`: the mapping object cannot write the file, and a stray
 *   write through a view lands in a private copy-on-write page instead of
 *   faulting, as `MAP_PRIVATE` does on POSIX. Executable maps are refused.
 * - Anonymous memory is a mapping object backed by the paging file
 *   (`CreateFileMappingW(INVALID_HANDLE_VALUE, ...)`), unnamed, so no other
 *   process can open it.
 * - `remap` cannot grow a view in place. A file-backed shared map whose file
 *   must change size is unmapped first (Windows refuses to truncate a file
 *   while a view of it is mapped: `ERROR_USER_MAPPED_FILE`), the file is set
 *   to `offset + newLength` bytes, and a new mapping object and view are
 *   made; on failure the old size and mapping are put back. Otherwise the new
 *   view is made before the old one goes, and anonymous contents are copied.
 * - `flush` is `FlushViewOfFile` over the page-rounded range, then
 *   `FlushFileBuffers`. `advise` is a no-op (Windows has no `madvise`).
 *   `find` searches in JavaScript (kernel32 has no `memmem`).
 * - Shared memory is a named mapping object backed by the paging file, named
 *   exactly as given, as Python's `multiprocessing.shared_memory` does on
 *   Windows, so blocks are shared with Python. A block lives while any
 *   handle or view of it is open, in any process; `unlinkShared` does
 *   nothing, as Python's `unlink()` on Windows. Each mapping opens the block
 *   by name for a handle of its own, so the block's handle may be closed
 *   right after mapping. The size of a block opened by name is what
 *   `VirtualQuery` reports for a view of it: rounded up to whole pages, as in
 *   Python.
 * - Errors: `GetLastError()` is read right after the failing call, named
 *   from the platform table and described by `FormatMessageW`, and turned
 *   into the matching `Deno.errors` class as errno is on Unix.
 *
 * Lifetime: unmapping detaches the buffer, then calls `UnmapViewOfFile`, then
 * closes the mapping object's handle (the documented order; Windows accepts
 * either, the model insists on this one). A `FinalizationRegistry` does the
 * same for mappings nobody closed: it watches the mapping, which its buffer
 * (made on first use) holds, so a live view keeps the memory mapped. Another
 * closes forgotten {@linkcode FileHandle}s.
 *
 * @module
 */

import { resolve } from "node:path";
import { type PlatformConstants, WINDOWS } from "./constants.ts";
import {
  formatMessage,
  INVALID_HANDLE_VALUE,
  type Kernel32,
  kernel32,
  KERNEL32_SYMBOLS,
  MEMORY_BASIC_INFORMATION_LAYOUT,
  SYSTEM_INFO_LAYOUT,
  wideString,
  WIN32,
  WIN32_ERROR,
} from "./kernel32.ts";
import { MappedBuffer } from "./mapped_buffer.ts";
import { type OsError, osError, statPath } from "./os_error.ts";
import { requireFileAccess, requireSpecialFileAccess } from "./permissions.ts";
import { unsignedParameters } from "./unsigned.ts";
import type {
  FileHandle,
  Mapping,
  MapRequest,
  OpenOptions,
  SizeChange,
  Sys,
} from "./sys.ts";

const SHARE_ALL = WIN32.FILE_SHARE_READ | WIN32.FILE_SHARE_WRITE |
  WIN32.FILE_SHARE_DELETE;
const TWO_32 = 2 ** 32;

/** A handle value as the pointer the FFI passes. */
function pointer(handle: bigint): Deno.PointerValue {
  return Deno.UnsafePointer.create(handle);
}

function high(value: number): number {
  return Math.floor(value / TWO_32);
}

function low(value: number): number {
  return value % TWO_32;
}

/** An open file. */
class WinFile implements FileHandle {
  /** The HANDLE; 0 once closed. */
  handle: bigint;
  readonly path: string;
  constructor(handle: bigint, path: string) {
    this.handle = handle;
    this.path = path;
  }
}

/** A named shared-memory block (a mapping object backed by the paging file). */
class WinShared implements FileHandle {
  /** The mapping object's HANDLE; 0 until created (size unset) or once closed. */
  handle = 0n;
  /** The block's name, for messages. */
  readonly path: string;
  readonly name: string;
  /** Bytes, or -1 until asked of the system. */
  size: number;
  /** Refuse a block of this name that appears before the size is set. */
  readonly exclusive: boolean;
  closed = false;
  constructor(name: string, size: number, exclusive: boolean) {
    this.path = name;
    this.name = name;
    this.size = size;
    this.exclusive = exclusive;
  }
}

/** What the backstop needs to release a forgotten mapping. */
interface ViewRecord {
  view: bigint;
  section: bigint;
  /**
   * Whether a buffer over the view was ever made: it may have been moved
   * away by a transfer, so the view must then stay mapped.
   */
  exposed: boolean;
}

/**
 * A mapping: one mapping object and one view of it. Its buffer is made on
 * first use and holds the mapping, so any live view keeps the mapping (and
 * so its registration with the backstop) alive.
 */
class WinMapping implements Mapping {
  readonly request: MapRequest;
  readonly length: number;
  /** Base address of the view (what `MapViewOfFile` returned); 0 if empty. */
  view: bigint;
  /** Where byte 0 of the mapping lies in the view. */
  delta: number;
  /** The mapping object's HANDLE; 0 if empty. */
  section: bigint;
  #backstop: FinalizationRegistry<ViewRecord>;
  #memory: MappedBuffer;
  #exposed = false;

  constructor(
    request: MapRequest,
    view: bigint,
    delta: number,
    section: bigint,
    backstop: FinalizationRegistry<ViewRecord>,
  ) {
    this.request = request;
    this.length = view === 0n ? 0 : request.length;
    this.view = view;
    this.delta = delta;
    this.section = section;
    this.#backstop = backstop;
    this.#memory = new MappedBuffer(this, () => {
      if (this.view === 0n) return null;
      this.#exposed = true;
      if (this.#record) this.#record.exposed = true;
      return Deno.UnsafePointerView.getArrayBuffer(
        Deno.UnsafePointer.create(this.view)!,
        this.length,
        this.delta,
      );
    });
    this.#track();
  }

  get buffer(): ArrayBuffer {
    return this.#memory.buffer;
  }

  get released(): boolean {
    return this.#memory.released;
  }

  get moved(): boolean {
    return this.#memory.moved;
  }

  #track(): void {
    if (this.view !== 0n) {
      const record = { view: this.view, section: this.section, exposed: false };
      this.#record = record;
      record.exposed = this.#exposed;
      this.#backstop.register(this, record, this);
    }
  }

  /** The backstop's record of the current view. */
  #record: ViewRecord | undefined;

  /**
   * Detaches the buffer so that no view can reach the memory any more.
   *
   * @returns `false` if the buffer had been moved away: the view must then
   * stay mapped.
   */
  release(): boolean {
    if (this.view !== 0n && !this.released) this.#backstop.unregister(this);
    return this.#memory.release();
  }

  /** Takes over the view of `source` (same request), after a failed remap. */
  restore(source: WinMapping): void {
    source.release();
    this.view = source.view;
    this.delta = source.delta;
    this.section = source.section;
    this.#memory.restore();
    this.#track();
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** A path ending with a separator: it names a directory. */
const TRAILING_SEPARATOR = /[\\/]$/;

/**
 * The error for a file named as a directory (with a separator at the end):
 * `ERROR_DIRECTORY` where POSIX says `ENOTDIR` (Windows itself calls such a
 * name invalid, which Deno reports as `ENOENT`).
 */
function notADirectory(call: string, name: string): OsError {
  return osError(
    call,
    "ERROR_DIRECTORY",
    "The directory name is invalid",
    name,
  );
}

function checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
    throw new TypeError(
      `Cannot use shared memory name ${
        JSON.stringify(name)
      }: expected a non-empty string without NUL`,
    );
  }
}

function indexOf(
  hay: Uint8Array,
  needle: Uint8Array,
  start: number,
  end: number,
): number {
  const last = end - needle.length;
  const first = needle[0];
  let i = hay.indexOf(first, start);
  while (i !== -1 && i <= last) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

/**
 * Builds the Windows backend over a kernel32 symbol table. The table is
 * asked for on first use only, so building the backend opens nothing.
 *
 * @param loadSymbols Returns the kernel32 symbols: the real DLL's, or a
 * model's in tests. Called until it succeeds once.
 * @param constants The platform table; Windows's by default.
 * @returns The backend.
 */
export function createWindowsSys(
  loadSymbols: () => Kernel32,
  constants: PlatformConstants = WINDOWS,
): Sys {
  let symbols: Kernel32 | undefined;
  // Flags go through unsignedParameters: masks with bit 31 set are negative
  // in JavaScript, and the FFI refuses them for DWORD parameters.
  const load = (): Kernel32 =>
    symbols ??= unsignedParameters(loadSymbols(), KERNEL32_SYMBOLS);
  let info: { page: number; granularity: number } | undefined;

  // Backstops for mappings and handles nobody closed. A mapping is
  // registered on itself, and its buffer holds it: any view still held keeps
  // the buffer, so the mapping, so the memory alive.
  // A view whose buffer was ever made stays mapped: a buffer moved away by
  // a transfer may still point at it, and nothing tells once its owner is
  // collected (POSIX puts zero pages in its place; Windows cannot replace a
  // view in place). Its mapping object's handle is closed either way.
  const views = new FinalizationRegistry<ViewRecord>(
    ({ view, section, exposed }) => {
      const k = load();
      if (!exposed) k.UnmapViewOfFile(view);
      k.CloseHandle(pointer(section));
    },
  );
  const handles = new FinalizationRegistry<bigint>((handle) => {
    load().CloseHandle(pointer(handle));
  });

  function systemInfo(): { page: number; granularity: number } {
    if (info === undefined) {
      const bytes = new Uint8Array(SYSTEM_INFO_LAYOUT.size);
      load().GetSystemInfo(bytes);
      const data = new DataView(bytes.buffer);
      const page = data.getUint32(SYSTEM_INFO_LAYOUT.dwPageSize, true);
      const granularity = data.getUint32(
        SYSTEM_INFO_LAYOUT.dwAllocationGranularity,
        true,
      );
      info = {
        page: page || constants.pageSize,
        granularity: granularity || constants.allocationGranularity,
      };
    }
    return info;
  }

  function errorFor(
    k: Kernel32,
    call: string,
    code: number,
    path?: string,
  ): OsError {
    if (code === WIN32_ERROR.ERROR_SUCCESS) {
      return osError(
        call,
        "ERROR_SUCCESS",
        "The call failed but Windows reported no error code",
        path,
      );
    }
    const name = constants.errnoNames[code] ?? `ERROR_${code}`;
    const text = formatMessage(k, code) ?? `Windows error ${code}`;
    return osError(call, name, text, path);
  }

  /** The error of the call that just failed; read before any other call. */
  function lastError(k: Kernel32, call: string, path?: string): OsError {
    return errorFor(k, call, k.GetLastError(), path);
  }

  function liveFile(file: FileHandle): WinFile | WinShared {
    if (file instanceof WinFile) {
      if (file.handle === 0n) throw closedError(file);
      return file;
    }
    if (file instanceof WinShared) {
      if (file.closed) throw closedError(file);
      return file;
    }
    throw new TypeError(
      `Cannot use "${file.path}": it was not opened by the Windows backend`,
    );
  }

  function closedError(file: FileHandle): Error {
    return new Deno.errors.BadResource(
      `Cannot use "${file.path}": file is closed`,
    );
  }

  function fileSize(k: Kernel32, file: WinFile): number {
    const out = new BigInt64Array(1);
    if (!k.GetFileSizeEx(pointer(file.handle), out)) {
      throw lastError(k, "GetFileSizeEx", file.path);
    }
    return Number(out[0]);
  }

  function setFileSize(k: Kernel32, file: WinFile, size: number): void {
    if (
      !k.SetFilePointerEx(
        pointer(file.handle),
        BigInt(size),
        null,
        WIN32.FILE_BEGIN,
      )
    ) {
      throw lastError(k, "SetFilePointerEx", file.path);
    }
    if (!k.SetEndOfFile(pointer(file.handle))) {
      throw lastError(k, "SetEndOfFile", file.path);
    }
  }

  /** Size of a shared block opened by name: the region of a view of it. */
  function sharedSize(k: Kernel32, block: WinShared): number {
    const view = k.MapViewOfFile(
      pointer(block.handle),
      WIN32.FILE_MAP_READ,
      0,
      0,
      0n,
    );
    if (view === null) throw lastError(k, "MapViewOfFile", block.path);
    const address = Deno.UnsafePointer.value(view);
    const out = new Uint8Array(MEMORY_BASIC_INFORMATION_LAYOUT.size);
    const written = k.VirtualQuery(address, out, BigInt(out.length));
    const error = written === 0n
      ? lastError(k, "VirtualQuery", block.path)
      : undefined;
    k.UnmapViewOfFile(address);
    if (error) throw error;
    return Number(
      new DataView(out.buffer).getBigUint64(
        MEMORY_BASIC_INFORMATION_LAYOUT.RegionSize,
        true,
      ),
    );
  }

  function createShared(k: Kernel32, block: WinShared, size: number): void {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(
        `Cannot create shared memory "${block.name}" of ${size} bytes: Windows needs at least 1 byte`,
      );
    }
    const handle = k.CreateFileMappingW(
      pointer(INVALID_HANDLE_VALUE),
      null,
      WIN32.PAGE_READWRITE,
      high(size),
      low(size),
      wideString(block.name),
    );
    if (handle === null) throw lastError(k, "CreateFileMappingW", block.name);
    // Success with ERROR_ALREADY_EXISTS: a block of that name appeared since
    // openShared looked; this handle is to it, at its own size.
    const existed = k.GetLastError() === WIN32_ERROR.ERROR_ALREADY_EXISTS;
    if (existed && block.exclusive) {
      k.CloseHandle(handle);
      throw errorFor(
        k,
        "CreateFileMappingW",
        WIN32_ERROR.ERROR_ALREADY_EXISTS,
        block.name,
      );
    }
    block.handle = Deno.UnsafePointer.value(handle);
    block.size = existed ? -1 : size;
    handles.register(block, block.handle, block);
  }

  /** Makes a mapping object for `request`; its HANDLE. */
  function sectionFor(
    k: Kernel32,
    request: MapRequest,
    file: WinFile | WinShared | null,
  ): bigint {
    let handle: Deno.PointerValue;
    let call: string;
    if (file === null) {
      call = "CreateFileMappingW";
      handle = k.CreateFileMappingW(
        pointer(INVALID_HANDLE_VALUE),
        null,
        WIN32.PAGE_READWRITE,
        high(request.length),
        low(request.length),
        null,
      );
    } else if (file instanceof WinShared) {
      if (file.handle === 0n) {
        throw new RangeError(
          `Cannot map ${request.length} bytes of shared memory "${file.name}": it has 0 bytes until its size is set`,
        );
      }
      // The mapping gets a handle of its own, so that the block's handle
      // may be closed before the view is unmapped.
      call = "OpenFileMappingW";
      const access = request.kind === "shared"
        ? WIN32.FILE_MAP_READ | WIN32.FILE_MAP_WRITE
        : WIN32.FILE_MAP_READ;
      handle = k.OpenFileMappingW(access, 0, wideString(file.name));
    } else {
      call = "CreateFileMappingW";
      const protect = request.kind === "shared"
        ? WIN32.PAGE_READWRITE
        : request.kind === "private"
        ? WIN32.PAGE_WRITECOPY
        : WIN32.PAGE_READONLY;
      const end = request.offset + request.length;
      handle = k.CreateFileMappingW(
        pointer(file.handle),
        null,
        protect,
        high(end),
        low(end),
        null,
      );
    }
    if (handle === null) throw lastError(k, call, file?.path);
    return Deno.UnsafePointer.value(handle);
  }

  function mapNow(request: MapRequest): WinMapping {
    if (request.exec) {
      throw new Deno.errors.NotSupported(
        "Cannot map executable memory on Windows: PROT_EXEC is not supported",
      );
    }
    const file = request.file === null ? null : liveFile(request.file);
    if (request.length === 0) {
      return new WinMapping(request, 0n, 0, 0n, views);
    }
    const k = load();
    const { granularity } = systemInfo();
    const base = Math.floor(request.offset / granularity) * granularity;
    const delta = request.offset - base;
    const section = sectionFor(k, request, file);
    const access = request.kind === "readonly" ||
        (request.kind === "private" && file !== null)
      ? WIN32.FILE_MAP_COPY
      : WIN32.FILE_MAP_WRITE;
    const view = k.MapViewOfFile(
      pointer(section),
      access,
      high(base),
      low(base),
      BigInt(delta + request.length),
    );
    if (view === null) {
      const error = lastError(k, "MapViewOfFile", file?.path);
      k.CloseHandle(pointer(section));
      throw error;
    }
    return new WinMapping(
      request,
      Deno.UnsafePointer.value(view),
      delta,
      section,
      views,
    );
  }

  /** Detaches the buffer, unmaps the view, closes the mapping object. */
  function release(mapping: WinMapping): void {
    if (mapping.released) return;
    // A buffer moved away (structuredClone/postMessage transfer) may still
    // point at the view: leave it mapped rather than free memory in use.
    if (!mapping.release() || mapping.view === 0n) return;
    const k = load();
    const { view, section } = mapping;
    const path = mapping.request.file?.path;
    if (!k.UnmapViewOfFile(view)) {
      const error = lastError(k, "UnmapViewOfFile", path);
      k.CloseHandle(pointer(section));
      throw error;
    }
    if (!k.CloseHandle(pointer(section))) {
      throw lastError(k, "CloseHandle", path);
    }
  }

  const sys: Sys = {
    constants,

    pageSize(): number {
      return systemInfo().page;
    },

    open(name: string, options: OpenOptions): FileHandle {
      // The path Deno checks is the one opened (see src/mmap/path.ts).
      const path = resolve(name);
      const write = options.write || options.truncate === true;
      requireFileAccess(path, write || options.create === true);
      // Deno's special-file rule (devices, network shares), on the path as
      // given: links are not resolved here.
      requireSpecialFileAccess(path, write || options.create === true, path);
      // A name ending with a separator names a directory: never open (or
      // create) the file without it, as POSIX open(2) says ENOTDIR.
      if (TRAILING_SEPARATOR.test(name) && !isDirectory(path)) {
        throw notADirectory("CreateFileW", name);
      }
      const k = load();
      const access = WIN32.GENERIC_READ | (write ? WIN32.GENERIC_WRITE : 0);
      const disposition = options.create
        ? options.exclusive
          ? WIN32.CREATE_NEW
          : options.truncate
          ? WIN32.CREATE_ALWAYS
          : WIN32.OPEN_ALWAYS
        : options.truncate
        ? WIN32.TRUNCATE_EXISTING
        : WIN32.OPEN_EXISTING;
      const handle = k.CreateFileW(
        wideString(path),
        access,
        SHARE_ALL,
        null,
        disposition,
        WIN32.FILE_ATTRIBUTE_NORMAL,
        null,
      );
      const value = Deno.UnsafePointer.value(handle);
      if (value === INVALID_HANDLE_VALUE || value === 0n) {
        let code = k.GetLastError();
        // Deno's FFI does not keep the last error; should the runtime have
        // reset it, a missing file is still told apart (open with create
        // relies on NotFound).
        if (code === WIN32_ERROR.ERROR_SUCCESS && !exists(path)) {
          code = WIN32_ERROR.ERROR_FILE_NOT_FOUND;
        }
        // CreateFileW refuses a directory with ERROR_ACCESS_DENIED; say
        // EISDIR, as Node does on Windows and every Unix does.
        if (code === WIN32_ERROR.ERROR_ACCESS_DENIED && isDirectory(path)) {
          throw osError("CreateFileW", "EISDIR", "Is a directory", path);
        }
        throw errorFor(k, "CreateFileW", code, path);
      }
      const file = new WinFile(value, path);
      handles.register(file, value, file);
      return file;
    },

    stat(name: string): Deno.FileInfo {
      // Windows calls "file\\" an invalid name, which Deno reports as a
      // missing file: look the path up without the separator instead.
      if (!TRAILING_SEPARATOR.test(name)) return statPath(name);
      const info = statPath(resolve(name), name);
      if (!info.isDirectory) throw notADirectory("stat", name);
      return info;
    },

    duplicate(fd: number, _write: boolean): FileHandle {
      throw new Deno.errors.NotSupported(
        `Cannot map descriptor ${fd}: file descriptors are a Unix concept, open the file by path on Windows`,
      );
    },

    size(file: FileHandle): number {
      const open = liveFile(file);
      if (open instanceof WinFile) return fileSize(load(), open);
      if (open.handle === 0n) return 0;
      if (open.size < 0) open.size = sharedSize(load(), open);
      return open.size;
    },

    truncate(file: FileHandle, size: number): void {
      const open = liveFile(file);
      const k = load();
      if (open instanceof WinShared) {
        if (open.handle === 0n) return createShared(k, open, size);
        const current = this.size(open);
        if (current === size) return;
        throw new Deno.errors.NotSupported(
          `Cannot resize shared memory "${open.name}" from ${current} to ${size} bytes: on Windows a block keeps the size it was created with`,
        );
      }
      // SetEndOfFile to the current size is skipped: Windows may refuse
      // even that while a view of the file is mapped.
      if (fileSize(k, open) === size) return;
      setFileSize(k, open, size);
    },

    preallocate(_file: FileHandle, _length: number): void {
      // No reservation on Windows: writing allocates as it goes.
    },

    close(file: FileHandle): void {
      if (!(file instanceof WinFile) && !(file instanceof WinShared)) return;
      if (file instanceof WinShared) file.closed = true;
      const handle = file.handle;
      if (handle === 0n) return;
      file.handle = 0n;
      handles.unregister(file);
      const k = load();
      if (!k.CloseHandle(pointer(handle))) {
        throw lastError(k, "CloseHandle", file.path);
      }
    },

    map(request: MapRequest): Mapping {
      return mapNow(request);
    },

    mapFile(
      request: MapRequest & { readonly file: FileHandle },
      change?: SizeChange,
    ): Mapping {
      const file = liveFile(request.file);
      if (change === undefined) return mapNow(request);
      if (file instanceof WinShared) {
        this.truncate(file, change.size);
        return mapNow(request);
      }
      // Windows cannot change the size while a view is mapped: the file is
      // set first, and put back if mapping fails. Overwriting first grows
      // the file (a full disk refuses that before anything is lost), then
      // empties it and sets the size again, so the content reads as zeros.
      const k = load();
      const before = fileSize(k, file);
      const size = change.size;
      if (size > before) setFileSize(k, file, size);
      if (change.overwrite) {
        setFileSize(k, file, 0);
        setFileSize(k, file, size);
      }
      try {
        return mapNow(request);
      } catch (error) {
        if (!change.overwrite && size > before) {
          try {
            setFileSize(k, file, before);
          } catch {
            // The grown file stays; the error to report is the first one.
          }
        }
        throw error;
      }
    },

    remap(mapping: Mapping, newLength: number): Mapping {
      const old = mapping as WinMapping;
      const request: MapRequest = { ...old.request, length: newLength };
      const file = request.file === null ? null : liveFile(request.file);
      const k = load();
      if (file instanceof WinFile && request.kind === "shared") {
        const before = fileSize(k, file);
        const target = request.offset + newLength;
        if (target !== before) {
          // Nothing of the file may stay mapped while its size changes.
          release(old);
          try {
            setFileSize(k, file, target);
            return mapNow(request);
          } catch (error) {
            try {
              if (fileSize(k, file) !== before) {
                setFileSize(k, file, before);
              }
              old.restore(mapNow(old.request));
            } catch {
              // The old mapping could not be restored: it stays released.
            }
            throw error;
          }
        }
      }
      const fresh = mapNow(request);
      if (file === null) {
        // Copied from the old view itself: its buffer may have been moved
        // away (structuredClone/postMessage) and so be detached here.
        const kept = Math.min(old.length, newLength);
        if (kept > 0) {
          new Uint8Array(fresh.buffer, 0, kept).set(
            new Uint8Array(
              Deno.UnsafePointerView.getArrayBuffer(
                Deno.UnsafePointer.create(old.view)!,
                kept,
                old.delta,
              ),
            ),
          );
        }
      }
      release(old);
      return fresh;
    },

    flush(mapping: Mapping, start: number, length: number): void {
      const m = mapping as WinMapping;
      if (m.length === 0 || length <= 0 || m.request.kind !== "shared") return;
      const k = load();
      const page = systemInfo().page;
      const from = Math.floor((m.delta + start) / page) * page;
      const to = m.delta + Math.min(start + length, m.length);
      const path = m.request.file?.path;
      if (!k.FlushViewOfFile(m.view + BigInt(from), BigInt(to - from))) {
        throw lastError(k, "FlushViewOfFile", path);
      }
      const file = m.request.file;
      if (file instanceof WinFile) {
        if (!k.FlushFileBuffers(pointer(liveFile(file).handle))) {
          throw lastError(k, "FlushFileBuffers", path);
        }
      }
    },

    advise(): void {
      // Windows has no madvise; the advice is accepted and ignored.
    },

    unmap(mapping: Mapping): void {
      release(mapping as WinMapping);
    },

    find(
      mapping: Mapping,
      needle: Uint8Array,
      start: number,
      end: number,
    ): number {
      if (needle.length === 0) return start <= end ? start : -1;
      if (end - start < needle.length || mapping.length === 0) return -1;
      return indexOf(new Uint8Array(mapping.buffer), needle, start, end);
    },

    openShared(
      name: string,
      options: { create: boolean; exclusive: boolean },
    ): FileHandle {
      checkName(name);
      const k = load();
      const existing = k.OpenFileMappingW(
        WIN32.FILE_MAP_READ | WIN32.FILE_MAP_WRITE,
        0,
        wideString(name),
      );
      if (existing !== null) {
        if (options.create && options.exclusive) {
          k.CloseHandle(existing);
          throw errorFor(
            k,
            "CreateFileMappingW",
            WIN32_ERROR.ERROR_ALREADY_EXISTS,
            name,
          );
        }
        const block = new WinShared(name, -1, false);
        block.handle = Deno.UnsafePointer.value(existing);
        handles.register(block, block.handle, block);
        return block;
      }
      let code = k.GetLastError();
      // A reset last error (see open) most likely hides a missing name.
      if (code === WIN32_ERROR.ERROR_SUCCESS) {
        code = WIN32_ERROR.ERROR_FILE_NOT_FOUND;
      }
      if (!options.create || code !== WIN32_ERROR.ERROR_FILE_NOT_FOUND) {
        throw errorFor(k, "OpenFileMappingW", code, name);
      }
      // Windows sizes a block when it creates it: that happens in truncate().
      return new WinShared(name, 0, options.exclusive);
    },

    // Kernel object names are limited to MAX_PATH (260) characters; UTF-8
    // bytes never undercount them.
    sharedNameMax: 260,

    unlinkShared(name: string): void {
      // Windows has no unlink: a block goes away with its last handle and
      // view, so there is nothing to remove (Python's unlink() does nothing
      // on Windows either).
      checkName(name);
    },
  };

  return sys;
}

/**
 * The Windows implementation of the platform seam, on the real kernel32
 * (loaded on first use).
 */
export const windowsSys: Sys = createWindowsSys(kernel32);

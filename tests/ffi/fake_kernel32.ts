/**
 * A model of the kernel32 file-mapping API, written in TypeScript over Linux,
 * so that the Windows backend (src/ffi/sys_windows.ts) runs in CI. It has the
 * exact shape of the real symbol table (`Kernel32`), and it keeps the rules
 * of the documented API, returning the same failure values and
 * `GetLastError()` codes:
 *
 * - `CreateFileW` fails with `INVALID_HANDLE_VALUE`; `CreateFileMappingW`,
 *   `OpenFileMappingW` and `MapViewOfFile` fail with `NULL`; `BOOL` calls
 *   with 0. `GetLastError()` keeps its value over successful calls, except
 *   where Windows documents a reset (`CreateFileMappingW`, `CreateFileW`
 *   with `OPEN_ALWAYS`/`CREATE_ALWAYS`).
 * - `CreateFileW`: creation dispositions, `ERROR_FILE_NOT_FOUND` vs
 *   `ERROR_PATH_NOT_FOUND`, `ERROR_FILE_EXISTS`, a directory
 *   (`ERROR_ACCESS_DENIED`, whatever the access), and share modes
 *   (`ERROR_SHARING_VIOLATION`) between open handles.
 * - `CreateFileMappingW`: protection against the file handle's access
 *   (`ERROR_ACCESS_DENIED`), an empty file (`ERROR_FILE_INVALID`), a size past
 *   the end of the file (grows it for `PAGE_READWRITE`, else
 *   `ERROR_NOT_ENOUGH_MEMORY`), paging-file objects need a size
 *   (`ERROR_INVALID_PARAMETER`), names (`ERROR_ALREADY_EXISTS` on success,
 *   with the existing object).
 * - `MapViewOfFile`: offsets must be multiples of the 64 KiB allocation
 *   granularity (`ERROR_MAPPED_ALIGNMENT`), the view must lie within the
 *   mapping object (a paging-file object counts in whole pages, which is
 *   how Python attaches to a block at the size `VirtualQuery` reports) and
 *   its access must fit the object's protection and the handle's access
 *   (`ERROR_ACCESS_DENIED`).
 * - `SetEndOfFile` cannot shrink a file while a mapping object of it exists
 *   (`ERROR_USER_MAPPED_FILE`; `MmCanFileBeTruncated`); with
 *   `strictEndOfFile` it refuses any size change then, as the SetEndOfFile
 *   reference page words it.
 * - `UnmapViewOfFile` takes exactly the address `MapViewOfFile` returned
 *   (`ERROR_INVALID_ADDRESS`); `CloseHandle` of an unknown handle is
 *   `ERROR_INVALID_HANDLE`.
 * - {@linkcode FakeKernel32.deleteFile} is `DeleteFileW`: a file with a
 *   mapping object cannot be deleted (`ERROR_ACCESS_DENIED`).
 *
 * One rule is stricter than Windows, on purpose: closing a mapping object's
 * handle while a view mapped through that handle is still mapped throws a
 * {@linkcode ModelViolation} (Windows accepts either order; the backend
 * promises to unmap first).
 *
 * Memory is real, so the backend's `ArrayBuffer`s are real: a file is a real
 * file (so tests can check it with `Deno.readFileSync`), a view is an `mmap`
 * of it (`MAP_SHARED`, or `MAP_PRIVATE` for `FILE_MAP_COPY`), and a
 * paging-file mapping object is a `memfd`. Linux only.
 *
 * @module
 */

import {
  fromWideString,
  INVALID_HANDLE_VALUE,
  type Kernel32,
  KERNEL32_SYMBOLS,
  MEMORY_BASIC_INFORMATION_LAYOUT,
  SYSTEM_INFO_LAYOUT,
  WIN32,
  WIN32_ERROR,
} from "../../src/ffi/kernel32.ts";
import { LINUX } from "../../src/ffi/constants.ts";

/** A call that Windows might accept but that the model's discipline forbids. */
export class ModelViolation extends Error {
  override name = "ModelViolation";
}

const LIBC = {
  open: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  memfd_create: { parameters: ["buffer", "u32"], result: "i32" },
  mmap: {
    parameters: ["usize", "usize", "i32", "i32", "i32", "i64"],
    result: "usize",
  },
  munmap: { parameters: ["usize", "usize"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof LIBC>["symbols"];

let libcSymbols: Libc | undefined;

function libc(): Libc {
  libcSymbols ??= Deno.dlopen("libc.so.6", LIBC).symbols;
  return libcSymbols;
}

function errno(): number {
  const cell = libc().__errno_location();
  return cell === null ? 0 : new Deno.UnsafePointerView(cell).getInt32();
}

const MAP_FAILED = 0xffff_ffff_ffff_ffffn;
const MFD_CLOEXEC = 1;
const ENOENT = 2;
const EACCES = 13;
const EEXIST = 17;
const EISDIR = 21;
const PAGE = 4096;
const GRANULARITY = 65536;

/** The texts `FormatMessageW` gives for the codes the model sets. */
const MESSAGES: Readonly<Record<number, string>> = {
  2: "The system cannot find the file specified.",
  3: "The system cannot find the path specified.",
  5: "Access is denied.",
  6: "The handle is invalid.",
  8: "Not enough memory resources are available to process this command.",
  32:
    "The process cannot access the file because it is being used by another process.",
  80: "The file exists.",
  87: "The parameter is incorrect.",
  131:
    "An attempt was made to move the file pointer before the beginning of the file.",
  183: "Cannot create a file when that file already exists.",
  487: "Attempt to access invalid address.",
  1006:
    "The volume for a file has been externally altered so that the opened file is no longer valid.",
  1132:
    "The base address or the file offset specified does not have the proper alignment.",
  1224:
    "The requested operation cannot be performed on a file with a user-mapped section open.",
};

/** One `CreateFileW` open of a file (a Windows file object). */
interface FileObject {
  path: string;
  fd: number;
  read: boolean;
  write: boolean;
  share: number;
  position: bigint;
  handleOpen: boolean;
  /** Mapping objects made from it (they keep it, and its share mode, alive). */
  sections: number;
}

/** A file mapping object. */
interface Section {
  id: number;
  /** The file object it maps; null when backed by the paging file. */
  object: FileObject | null;
  /** The descriptor views map: the file's, or a memfd of its own. */
  fd: number;
  size: number;
  protect: number;
  name: string | null;
  handles: number;
  views: Set<View>;
}

interface View {
  address: bigint;
  length: number;
  offset: number;
  section: Section;
  handle: bigint;
  access: number;
}

type HandleRecord =
  | { kind: "file"; object: FileObject }
  | { kind: "section"; section: Section; access: number };

/** Options of the this. */
export interface FakeKernel32Options {
  /**
   * Refuse any `SetEndOfFile` while a mapping object of the file exists, as
   * the SetEndOfFile reference page says, not only truncation.
   */
  strictEndOfFile?: boolean;
}

type Buffer = AllowSharedBufferSource | null;

function bytesOf(source: Buffer): Uint8Array {
  if (source === null) throw new TypeError("Expected a buffer, got NULL");
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  return new Uint8Array(source);
}

function decodeWide(source: Buffer): string {
  const bytes = bytesOf(source);
  const units = new Uint16Array(bytes.byteLength >> 1);
  new Uint8Array(units.buffer).set(bytes.subarray(0, units.length * 2));
  return fromWideString(units);
}

function dataView(source: Buffer): DataView {
  const bytes = bytesOf(source);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function roundUp(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

const RANGES: Partial<Record<string, [bigint, bigint]>> = {
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
  u32: [0n, 2n ** 32n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
  u64: [0n, 2n ** 64n - 1n],
  usize: [0n, 2n ** 64n - 1n],
};

/**
 * Refuses an argument that Deno's FFI would refuse for a parameter of this
 * type (an integer out of range: a negative `u32` among them, as a mask with
 * bit 31 set is in JavaScript), so that the model fails where the real DLL's
 * symbols would throw.
 */
function checkArgument(call: string, type: string, value: unknown): void {
  const range = RANGES[type];
  if (range === undefined) return;
  const fits = (typeof value === "bigint" && type !== "i32" &&
    type !== "u32") ||
    (typeof value === "number" && Number.isInteger(value));
  if (
    fits && BigInt(value as number) >= range[0] &&
    BigInt(value as number) <= range[1]
  ) return;
  throw new TypeError(
    `${call}: Invalid FFI ${type} type, expected ${
      range[0] === 0n ? "unsigned" : "signed"
    } integer (got ${String(value)})`,
  );
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/**
 * The this. `symbols` is what the backend gets in place of the DLL's
 * symbols; the other members let tests inspect and provoke the this.
 */
export class FakeKernel32 {
  /** The kernel32 functions, with the real table's types. */
  readonly symbols: Kernel32;
  /** Names of the kernel32 functions called, in order. */
  readonly calls: string[] = [];
  /** Ranges passed to `FlushViewOfFile`, as file offsets and lengths. */
  readonly flushes: { path: string | null; offset: number; length: number }[] =
    [];
  #lastError = 0;
  #handles = new Map<bigint, HandleRecord>();
  #nextHandle = 0x100n;
  #views = new Map<bigint, View>();
  #names = new Map<string, Section>();
  #sections = new Set<Section>();
  #objects = new Set<FileObject>();
  #nextSection = 1;
  #strictEndOfFile: boolean;
  #injected = new Map<string, number>();

  constructor(options: FakeKernel32Options = {}) {
    this.#strictEndOfFile = options.strictEndOfFile ?? false;
    this.symbols = this.#inject(this.#makeSymbols());
  }

  /** Open handles (files and mapping objects). */
  get openHandles(): number {
    return this.#handles.size;
  }

  /** Mapped views. */
  get mappedViews(): number {
    return this.#views.size;
  }

  /** Mapping objects alive (kept by a handle or a view). */
  get liveSections(): number {
    return this.#sections.size;
  }

  /** The mapped views: which file (null: paging file), where, and how. */
  get views(): {
    path: string | null;
    name: string | null;
    offset: number;
    length: number;
    access: number;
    protect: number;
  }[] {
    return [...this.#views.values()].map((v) => ({
      path: v.section.object?.path ?? null,
      name: v.section.name,
      offset: v.offset,
      length: v.length,
      access: v.access,
      protect: v.section.protect,
    }));
  }

  /**
   * Makes the next call of `call` fail with `code` (and its failure value),
   * to drive the backend's error paths.
   *
   * @param call A kernel32 function name, e.g. `MapViewOfFile`.
   * @param code The Win32 error code `GetLastError()` will return.
   */
  failNext(call: keyof Kernel32, code: number): void {
    this.#injected.set(call, code);
  }

  /** The value `GetLastError()` would return now. */
  get lastError(): number {
    return this.#lastError;
  }

  /**
   * `DeleteFileW`: deletes a file unless a mapping object of it exists
   * (`ERROR_ACCESS_DENIED`) or a handle does not share delete access
   * (`ERROR_SHARING_VIOLATION`).
   *
   * @param path The file.
   * @returns Whether it was deleted; on failure `lastError` says why.
   */
  deleteFile(path: string): boolean {
    this.calls.push("DeleteFileW");
    const open = [...this.#objects].filter((o) => o.path === path);
    if (open.some((o) => o.sections > 0)) {
      return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, false);
    }
    if (open.some((o) => (o.share & WIN32.FILE_SHARE_DELETE) === 0)) {
      return this.#fail(WIN32_ERROR.ERROR_SHARING_VIOLATION, false);
    }
    try {
      Deno.removeSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return this.#fail(WIN32_ERROR.ERROR_FILE_NOT_FOUND, false);
      }
      throw error;
    }
    return true;
  }

  /** Unmaps every view and closes every descriptor the model holds. */
  dispose(): void {
    const c = libc();
    for (const view of this.#views.values()) {
      c.munmap(view.address, BigInt(view.length));
    }
    this.#views.clear();
    for (const section of this.#sections) {
      if (section.object === null) c.close(section.fd);
    }
    this.#sections.clear();
    for (const object of this.#objects) c.close(object.fd);
    this.#objects.clear();
    this.#handles.clear();
    this.#names.clear();
  }

  #fail<T>(code: number, result: T): T {
    this.#lastError = code;
    return result;
  }

  #newHandle(record: HandleRecord): Deno.PointerValue {
    const value = this.#nextHandle;
    this.#nextHandle += 4n;
    this.#handles.set(value, record);
    return Deno.UnsafePointer.create(value);
  }

  #record(handle: Deno.PointerValue): HandleRecord | undefined {
    return this.#handles.get(Deno.UnsafePointer.value(handle));
  }

  #fileRecord(handle: Deno.PointerValue): FileObject | undefined {
    const record = this.#record(handle);
    return record?.kind === "file" ? record.object : undefined;
  }

  #fileSize(object: FileObject): number {
    return Number(libc().lseek(object.fd, 0n, 2));
  }

  #sectionsOf(path: string): Section[] {
    return [...this.#sections].filter((s) => s.object?.path === path);
  }

  #releaseObject(object: FileObject): void {
    if (object.handleOpen || object.sections > 0) return;
    this.#objects.delete(object);
    libc().close(object.fd);
  }

  #releaseSection(section: Section): void {
    if (section.handles > 0 || section.views.size > 0) return;
    this.#sections.delete(section);
    if (section.name !== null) this.#names.delete(section.name);
    if (section.object === null) {
      libc().close(section.fd);
    } else {
      section.object.sections--;
      this.#releaseObject(section.object);
    }
  }

  /** Wraps each symbol so that `failNext` can make it fail. */
  #inject(symbols: Kernel32): Kernel32 {
    const failure: Record<string, unknown> = {
      CreateFileW: Deno.UnsafePointer.create(INVALID_HANDLE_VALUE),
      CreateFileMappingW: null,
      OpenFileMappingW: null,
      MapViewOfFile: null,
      VirtualQuery: 0n,
    };
    const wrapped: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(symbols)) {
      const { parameters } =
        KERNEL32_SYMBOLS[name as keyof typeof KERNEL32_SYMBOLS];
      wrapped[name] = (...args: unknown[]) => {
        parameters.forEach((type, i) =>
          checkArgument(name, String(type), args[i])
        );
        const code = this.#injected.get(name);
        if (code === undefined) {
          return (fn as (...a: unknown[]) => unknown)(...args);
        }
        this.#injected.delete(name);
        this.calls.push(name);
        this.#lastError = code;
        return name in failure ? failure[name] : 0;
      };
    }
    return wrapped as unknown as Kernel32;
  }

  #makeSymbols(): Kernel32 {
    const c = libc;
    const symbols: Kernel32 = {
      CreateFileW: (name, access, share, _security, disposition) => {
        this.calls.push("CreateFileW");
        const invalid = Deno.UnsafePointer.create(INVALID_HANDLE_VALUE);
        const path = decodeWide(name);
        const read = (access & WIN32.GENERIC_READ) !== 0;
        const write = (access & WIN32.GENERIC_WRITE) !== 0;
        for (const other of this.#objects) {
          if (other.path !== path) continue;
          const refused = (read && !(other.share & WIN32.FILE_SHARE_READ)) ||
            (write && !(other.share & WIN32.FILE_SHARE_WRITE)) ||
            (other.read && !(share & WIN32.FILE_SHARE_READ)) ||
            (other.write && !(share & WIN32.FILE_SHARE_WRITE));
          if (refused) {
            return this.#fail(WIN32_ERROR.ERROR_SHARING_VIOLATION, invalid);
          }
        }
        let flags = (write ? LINUX.O_RDWR : LINUX.O_RDONLY) | LINUX.O_CLOEXEC;
        let truncates = false;
        switch (disposition) {
          case WIN32.CREATE_NEW:
            flags |= LINUX.O_CREAT | LINUX.O_EXCL;
            break;
          case WIN32.CREATE_ALWAYS:
            flags |= LINUX.O_CREAT;
            truncates = true;
            break;
          case WIN32.OPEN_EXISTING:
            break;
          case WIN32.OPEN_ALWAYS:
            flags |= LINUX.O_CREAT;
            break;
          case WIN32.TRUNCATE_EXISTING:
            if (!write) {
              return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, invalid);
            }
            truncates = true;
            break;
          default:
            return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, invalid);
        }
        if (truncates && this.#sectionsOf(path).length > 0) {
          return this.#fail(WIN32_ERROR.ERROR_USER_MAPPED_FILE, invalid);
        }
        let existed = true;
        try {
          // Without FILE_FLAG_BACKUP_SEMANTICS a directory cannot be opened,
          // not even for reading.
          if (Deno.statSync(path).isDirectory) {
            return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, invalid);
          }
        } catch {
          existed = false;
        }
        const fd = c().open(
          new TextEncoder().encode(`${path}\0`),
          flags,
          0o666,
        );
        if (fd < 0) {
          const code = errno();
          if (code === ENOENT) {
            let parent = true;
            try {
              Deno.statSync(parentOf(path));
            } catch {
              parent = false;
            }
            return this.#fail(
              parent
                ? WIN32_ERROR.ERROR_FILE_NOT_FOUND
                : WIN32_ERROR.ERROR_PATH_NOT_FOUND,
              invalid,
            );
          }
          if (code === EEXIST) {
            return this.#fail(WIN32_ERROR.ERROR_FILE_EXISTS, invalid);
          }
          if (code === EACCES || code === EISDIR) {
            return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, invalid);
          }
          return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, invalid);
        }
        if (truncates) c().ftruncate(fd, 0n);
        if (
          disposition === WIN32.OPEN_ALWAYS ||
          disposition === WIN32.CREATE_ALWAYS
        ) {
          this.#lastError = existed ? WIN32_ERROR.ERROR_ALREADY_EXISTS : 0;
        }
        const object: FileObject = {
          path,
          fd,
          read,
          write,
          share,
          position: 0n,
          handleOpen: true,
          sections: 0,
        };
        this.#objects.add(object);
        return this.#newHandle({ kind: "file", object });
      },

      GetFileSizeEx: (handle, out) => {
        this.calls.push("GetFileSizeEx");
        const object = this.#fileRecord(handle);
        if (!object) return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, 0);
        dataView(out).setBigInt64(0, BigInt(this.#fileSize(object)), true);
        return 1;
      },

      SetFilePointerEx: (handle, distance, newPointer, method) => {
        this.calls.push("SetFilePointerEx");
        const object = this.#fileRecord(handle);
        if (!object) return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, 0);
        const base = method === WIN32.FILE_BEGIN
          ? 0n
          : method === WIN32.FILE_CURRENT
          ? object.position
          : method === WIN32.FILE_END
          ? BigInt(this.#fileSize(object))
          : -1n;
        if (base < 0n) {
          return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, 0);
        }
        const target = base + distance;
        if (target < 0n) return this.#fail(WIN32_ERROR.ERROR_NEGATIVE_SEEK, 0);
        object.position = target;
        if (newPointer !== null) {
          new DataView(Deno.UnsafePointerView.getArrayBuffer(newPointer, 8))
            .setBigInt64(0, target, true);
        }
        return 1;
      },

      SetEndOfFile: (handle) => {
        this.calls.push("SetEndOfFile");
        const object = this.#fileRecord(handle);
        if (!object) return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, 0);
        if (!object.write) {
          return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, 0);
        }
        const size = BigInt(this.#fileSize(object));
        const mapped = this.#sectionsOf(object.path).length > 0;
        if (
          mapped &&
          (object.position < size ||
            (this.#strictEndOfFile && object.position !== size))
        ) {
          return this.#fail(WIN32_ERROR.ERROR_USER_MAPPED_FILE, 0);
        }
        c().ftruncate(object.fd, object.position);
        return 1;
      },

      CreateFileMappingW: (file, _security, protect, high, low, name) => {
        this.calls.push("CreateFileMappingW");
        const size = high * 2 ** 32 + low;
        const key = name === null ? null : decodeWide(name);
        if (key !== null) {
          const existing = this.#names.get(key);
          if (existing) {
            existing.handles++;
            const handle = this.#newHandle({
              kind: "section",
              section: existing,
              access: WIN32.FILE_MAP_READ | WIN32.FILE_MAP_WRITE |
                WIN32.FILE_MAP_COPY,
            });
            this.#lastError = WIN32_ERROR.ERROR_ALREADY_EXISTS;
            return handle;
          }
        }
        const known = protect === WIN32.PAGE_READONLY ||
          protect === WIN32.PAGE_READWRITE || protect === WIN32.PAGE_WRITECOPY;
        let section: Section;
        if (Deno.UnsafePointer.value(file) === INVALID_HANDLE_VALUE) {
          if (!known || size === 0) {
            return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, null);
          }
          const fd = c().memfd_create(
            new TextEncoder().encode(`section\0`),
            MFD_CLOEXEC,
          );
          c().ftruncate(fd, BigInt(roundUp(size, PAGE)));
          section = {
            id: this.#nextSection++,
            object: null,
            fd,
            size,
            protect,
            name: key,
            handles: 1,
            views: new Set(),
          };
        } else {
          const object = this.#fileRecord(file);
          if (!object) {
            return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, null);
          }
          // PAGE_EXECUTE_* would need GENERIC_EXECUTE, which the model never
          // grants.
          const allowed = known && object.read &&
            (protect !== WIN32.PAGE_READWRITE || object.write);
          if (!allowed) {
            return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, null);
          }
          const fileSize = this.#fileSize(object);
          const sectionSize = size === 0 ? fileSize : size;
          if (sectionSize === 0) {
            return this.#fail(WIN32_ERROR.ERROR_FILE_INVALID, null);
          }
          if (sectionSize > fileSize) {
            if (protect !== WIN32.PAGE_READWRITE) {
              return this.#fail(WIN32_ERROR.ERROR_NOT_ENOUGH_MEMORY, null);
            }
            c().ftruncate(object.fd, BigInt(sectionSize));
          }
          object.sections++;
          section = {
            id: this.#nextSection++,
            object,
            fd: object.fd,
            size: sectionSize,
            protect,
            name: key,
            handles: 1,
            views: new Set(),
          };
        }
        this.#sections.add(section);
        if (key !== null) this.#names.set(key, section);
        this.#lastError = 0;
        return this.#newHandle({
          kind: "section",
          section,
          access: WIN32.FILE_MAP_READ | WIN32.FILE_MAP_WRITE |
            WIN32.FILE_MAP_COPY,
        });
      },

      OpenFileMappingW: (access, _inherit, name) => {
        this.calls.push("OpenFileMappingW");
        const section = this.#names.get(decodeWide(name));
        if (!section) {
          return this.#fail(WIN32_ERROR.ERROR_FILE_NOT_FOUND, null);
        }
        if (
          (access & WIN32.FILE_MAP_WRITE) !== 0 &&
          section.protect !== WIN32.PAGE_READWRITE
        ) {
          return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, null);
        }
        section.handles++;
        return this.#newHandle({ kind: "section", section, access });
      },

      MapViewOfFile: (handle, access, high, low, bytes) => {
        this.calls.push("MapViewOfFile");
        const record = this.#record(handle);
        if (record?.kind !== "section") {
          return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, null);
        }
        const { section } = record;
        const offset = high * 2 ** 32 + low;
        if (offset % GRANULARITY !== 0) {
          return this.#fail(WIN32_ERROR.ERROR_MAPPED_ALIGNMENT, null);
        }
        const write = (access & WIN32.FILE_MAP_WRITE) !== 0;
        const copy = (access & WIN32.FILE_MAP_COPY) !== 0;
        const read = (access & WIN32.FILE_MAP_READ) !== 0;
        const fits = (access & WIN32.FILE_MAP_EXECUTE) === 0 &&
          (write || copy || read) &&
          (!write || copy || section.protect === WIN32.PAGE_READWRITE) &&
          (!write || copy || (record.access & WIN32.FILE_MAP_WRITE) !== 0) &&
          (record.access & (WIN32.FILE_MAP_READ | WIN32.FILE_MAP_COPY)) !== 0;
        if (!fits) return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, null);
        // A paging-file object is whole pages: Python maps a block it did
        // not create at the page-rounded size VirtualQuery reports.
        const limit = section.object === null
          ? roundUp(section.size, PAGE)
          : section.size;
        const length = bytes === 0n ? limit - offset : Number(bytes);
        if (offset >= limit || offset + length > limit) {
          return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, null);
        }
        const prot = write || copy
          ? LINUX.PROT_READ | LINUX.PROT_WRITE
          : LINUX.PROT_READ;
        const flags = copy ? LINUX.MAP_PRIVATE : LINUX.MAP_SHARED;
        const address = c().mmap(
          0n,
          BigInt(length),
          prot,
          flags,
          section.fd,
          BigInt(offset),
        );
        if (address === MAP_FAILED) {
          return this.#fail(WIN32_ERROR.ERROR_NOT_ENOUGH_MEMORY, null);
        }
        const view: View = {
          address,
          length,
          offset,
          section,
          handle: Deno.UnsafePointer.value(handle),
          access,
        };
        this.#views.set(address, view);
        section.views.add(view);
        return Deno.UnsafePointer.create(address);
      },

      FlushViewOfFile: (address, bytes) => {
        this.calls.push("FlushViewOfFile");
        const view = [...this.#views.values()].find((v) =>
          address >= v.address && address < v.address + BigInt(v.length)
        );
        if (!view) return this.#fail(WIN32_ERROR.ERROR_INVALID_ADDRESS, 0);
        const start = Number(address - view.address);
        const length = bytes === 0n ? view.length - start : Number(bytes);
        if (start + length > view.length) {
          return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, 0);
        }
        this.flushes.push({
          path: view.section.object?.path ?? null,
          offset: view.offset + start,
          length,
        });
        return 1;
      },

      FlushFileBuffers: (handle) => {
        this.calls.push("FlushFileBuffers");
        const object = this.#fileRecord(handle);
        if (!object) return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, 0);
        if (!object.write) {
          return this.#fail(WIN32_ERROR.ERROR_ACCESS_DENIED, 0);
        }
        return 1;
      },

      UnmapViewOfFile: (address) => {
        this.calls.push("UnmapViewOfFile");
        const view = this.#views.get(address);
        if (!view) return this.#fail(WIN32_ERROR.ERROR_INVALID_ADDRESS, 0);
        c().munmap(view.address, BigInt(view.length));
        this.#views.delete(address);
        view.section.views.delete(view);
        this.#releaseSection(view.section);
        return 1;
      },

      CloseHandle: (handle) => {
        this.calls.push("CloseHandle");
        const value = Deno.UnsafePointer.value(handle);
        const record = this.#handles.get(value);
        if (!record) return this.#fail(WIN32_ERROR.ERROR_INVALID_HANDLE, 0);
        if (record.kind === "section") {
          const through = [...record.section.views].find((v) =>
            v.handle === value
          );
          if (through) {
            throw new ModelViolation(
              `CloseHandle(0x${value.toString(16)}): the view at 0x${
                through.address.toString(16)
              } mapped through this handle is still mapped; unmap it first`,
            );
          }
          this.#handles.delete(value);
          record.section.handles--;
          this.#releaseSection(record.section);
        } else {
          this.#handles.delete(value);
          record.object.handleOpen = false;
          this.#releaseObject(record.object);
        }
        return 1;
      },

      GetSystemInfo: (out) => {
        this.calls.push("GetSystemInfo");
        const data = dataView(out);
        data.setUint16(0, 9, true); // PROCESSOR_ARCHITECTURE_AMD64
        data.setUint32(SYSTEM_INFO_LAYOUT.dwPageSize, PAGE, true);
        data.setBigUint64(8, 0x10000n, true);
        data.setBigUint64(16, 0x7fff_fffe_ffffn, true);
        data.setBigUint64(24, 0xffn, true);
        data.setUint32(32, 8, true);
        data.setUint32(36, 8664, true); // PROCESSOR_AMD_X8664
        data.setUint32(
          SYSTEM_INFO_LAYOUT.dwAllocationGranularity,
          GRANULARITY,
          true,
        );
      },

      VirtualQuery: (address, out, length) => {
        this.calls.push("VirtualQuery");
        const view = [...this.#views.values()].find((v) =>
          address >= v.address &&
          address < v.address + BigInt(roundUp(v.length, PAGE))
        );
        const size = BigInt(MEMORY_BASIC_INFORMATION_LAYOUT.size);
        if (!view || length < size) {
          return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, 0n);
        }
        const page = address - (address % BigInt(PAGE));
        const end = view.address + BigInt(roundUp(view.length, PAGE));
        const data = dataView(out);
        const layout = MEMORY_BASIC_INFORMATION_LAYOUT;
        data.setBigUint64(layout.BaseAddress, page, true);
        data.setBigUint64(layout.AllocationBase, view.address, true);
        data.setBigUint64(layout.RegionSize, end - page, true);
        data.setUint32(layout.State, WIN32.MEM_COMMIT, true);
        data.setUint32(layout.Type, WIN32.MEM_MAPPED, true);
        return size;
      },

      GetLastError: () => {
        this.calls.push("GetLastError");
        return this.#lastError;
      },

      FormatMessageW: (_flags, _source, code, _language, buffer, size) => {
        this.calls.push("FormatMessageW");
        const message = MESSAGES[code];
        if (message === undefined) {
          return this.#fail(WIN32_ERROR.ERROR_MR_MID_NOT_FOUND, 0);
        }
        const text = `${message}\r\n`;
        const out = dataView(buffer);
        if (text.length + 1 > size) {
          return this.#fail(WIN32_ERROR.ERROR_INVALID_PARAMETER, 0);
        }
        for (let i = 0; i < text.length; i++) {
          out.setUint16(i * 2, text.charCodeAt(i), true);
        }
        out.setUint16(text.length * 2, 0, true);
        return text.length;
      },
    };
    return symbols;
  }
}

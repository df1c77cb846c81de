/**
 * The kernel32 symbols the Windows backend calls, their constants and struct
 * layouts, declared once and loaded lazily on first use, so that importing the
 * library needs no permission and opens no library on any OS.
 *
 * Every prototype, constant and offset below is written from Microsoft's
 * Win32 documentation (learn.microsoft.com, the `MicrosoftDocs/sdk-api`
 * sources) and the SDK header `winerror.h`, for 64-bit Windows (the only
 * Windows Deno runs on). Handles and addresses cross the boundary as
 * pointers or `usize`; 64-bit sizes are split into high and low `DWORD`s
 * where the API asks for them.
 *
 * Tested under Wine 10 (.ci/wine.sh), and through a TypeScript model of
 * kernel32 (tests/ffi/fake_kernel32.ts) that checks every argument against
 * this table as Deno's FFI does.
 *
 * @module
 */

import { requireFfi } from "./permissions.ts";

/** The kernel32 symbols, with their C prototypes. */
export const KERNEL32_SYMBOLS = {
  // HANDLE CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
  //   DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
  //   DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
  //   HANDLE hTemplateFile)   -- fails with INVALID_HANDLE_VALUE
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "pointer"],
    result: "pointer",
  },
  // BOOL GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
  GetFileSizeEx: { parameters: ["pointer", "buffer"], result: "i32" },
  // BOOL SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
  //   PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod)
  // (LARGE_INTEGER by value is one 64-bit integer register in the x64 and
  // arm64 Windows ABIs)
  SetFilePointerEx: {
    parameters: ["pointer", "i64", "pointer", "u32"],
    result: "i32",
  },
  // BOOL SetEndOfFile(HANDLE hFile)
  SetEndOfFile: { parameters: ["pointer"], result: "i32" },
  // HANDLE CreateFileMappingW(HANDLE hFile,
  //   LPSECURITY_ATTRIBUTES lpFileMappingAttributes, DWORD flProtect,
  //   DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName)
  //   -- fails with NULL
  CreateFileMappingW: {
    parameters: ["pointer", "pointer", "u32", "u32", "u32", "buffer"],
    result: "pointer",
  },
  // HANDLE OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
  //   LPCWSTR lpName)   -- fails with NULL
  OpenFileMappingW: { parameters: ["u32", "i32", "buffer"], result: "pointer" },
  // LPVOID MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
  //   DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
  //   SIZE_T dwNumberOfBytesToMap)   -- fails with NULL
  MapViewOfFile: {
    parameters: ["pointer", "u32", "u32", "u32", "usize"],
    result: "pointer",
  },
  // BOOL FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
  FlushViewOfFile: { parameters: ["usize", "usize"], result: "i32" },
  // BOOL FlushFileBuffers(HANDLE hFile)
  FlushFileBuffers: { parameters: ["pointer"], result: "i32" },
  // BOOL UnmapViewOfFile(LPCVOID lpBaseAddress)
  UnmapViewOfFile: { parameters: ["usize"], result: "i32" },
  // BOOL CloseHandle(HANDLE hObject)
  CloseHandle: { parameters: ["pointer"], result: "i32" },
  // void GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
  GetSystemInfo: { parameters: ["buffer"], result: "void" },
  // SIZE_T VirtualQuery(LPCVOID lpAddress,
  //   PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
  VirtualQuery: { parameters: ["usize", "buffer", "usize"], result: "usize" },
  // DWORD GetLastError(void)
  GetLastError: { parameters: [], result: "u32" },
  // DWORD FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
  //   DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize, va_list *Arguments)
  FormatMessageW: {
    parameters: ["u32", "pointer", "u32", "u32", "buffer", "u32", "pointer"],
    result: "u32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The kernel32 symbols as the backend calls them (loaded or modelled). */
export type Kernel32 = Deno.DynamicLibrary<typeof KERNEL32_SYMBOLS>["symbols"];

/**
 * Win32 constant values, each as documented for the call that takes it.
 * Sources: CreateFileW, CreateFileMappingW, MapViewOfFile, SetFilePointerEx,
 * FormatMessageW reference pages; `winnt.h` / `winbase.h` for the values.
 */
export const WIN32 = {
  // CreateFileW dwDesiredAccess (winnt.h)
  GENERIC_READ: 0x80000000,
  GENERIC_WRITE: 0x40000000,
  // CreateFileW dwShareMode (winnt.h)
  FILE_SHARE_READ: 0x00000001,
  FILE_SHARE_WRITE: 0x00000002,
  FILE_SHARE_DELETE: 0x00000004,
  // CreateFileW dwCreationDisposition (fileapi.h)
  CREATE_NEW: 1,
  CREATE_ALWAYS: 2,
  OPEN_EXISTING: 3,
  OPEN_ALWAYS: 4,
  TRUNCATE_EXISTING: 5,
  // CreateFileW dwFlagsAndAttributes (winnt.h)
  FILE_ATTRIBUTE_NORMAL: 0x00000080,
  // SetFilePointerEx dwMoveMethod (winbase.h)
  FILE_BEGIN: 0,
  FILE_CURRENT: 1,
  FILE_END: 2,
  // CreateFileMappingW flProtect (winnt.h; values listed on the reference page)
  PAGE_READONLY: 0x02,
  PAGE_READWRITE: 0x04,
  PAGE_WRITECOPY: 0x08,
  PAGE_EXECUTE_READ: 0x20,
  PAGE_EXECUTE_READWRITE: 0x40,
  // MapViewOfFile / OpenFileMappingW dwDesiredAccess (memoryapi.h)
  FILE_MAP_COPY: 0x0001,
  FILE_MAP_WRITE: 0x0002,
  FILE_MAP_READ: 0x0004,
  FILE_MAP_EXECUTE: 0x0020,
  // FormatMessageW dwFlags (winbase.h)
  FORMAT_MESSAGE_IGNORE_INSERTS: 0x00000200,
  FORMAT_MESSAGE_FROM_SYSTEM: 0x00001000,
  // MEMORY_BASIC_INFORMATION State and Type (winnt.h)
  MEM_COMMIT: 0x00001000,
  MEM_MAPPED: 0x00040000,
} as const satisfies Record<string, number>;

/**
 * Win32 error codes the backend and its model name (winerror.h). The names
 * for messages live in the platform table (`WINDOWS.errnoNames`).
 */
export const WIN32_ERROR = {
  ERROR_SUCCESS: 0,
  ERROR_FILE_NOT_FOUND: 2,
  ERROR_PATH_NOT_FOUND: 3,
  ERROR_ACCESS_DENIED: 5,
  ERROR_INVALID_HANDLE: 6,
  ERROR_NOT_ENOUGH_MEMORY: 8,
  ERROR_SHARING_VIOLATION: 32,
  ERROR_FILE_EXISTS: 80,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_NEGATIVE_SEEK: 131,
  ERROR_ALREADY_EXISTS: 183,
  ERROR_MR_MID_NOT_FOUND: 317,
  ERROR_INVALID_ADDRESS: 487,
  ERROR_FILE_INVALID: 1006,
  ERROR_MAPPED_ALIGNMENT: 1132,
  ERROR_USER_MAPPED_FILE: 1224,
} as const satisfies Record<string, number>;

/**
 * `INVALID_HANDLE_VALUE`, `(HANDLE)(LONG_PTR)-1`: what `CreateFileW` returns
 * on failure, and the `hFile` that asks `CreateFileMappingW` for memory
 * backed by the paging file.
 */
export const INVALID_HANDLE_VALUE: bigint = 0xffff_ffff_ffff_ffffn;

/**
 * Byte layout of `SYSTEM_INFO` on 64-bit Windows (sysinfoapi.h): a 4-byte
 * union, `DWORD dwPageSize` at 4, two pointers at 8 and 16,
 * `DWORD_PTR dwActiveProcessorMask` at 24, `DWORD dwNumberOfProcessors` at
 * 32, `DWORD dwProcessorType` at 36, `DWORD dwAllocationGranularity` at 40
 * (28 in the 32-bit layout), two `WORD`s at 44 and 46; 48 bytes in all.
 */
export const SYSTEM_INFO_LAYOUT = {
  size: 48,
  dwPageSize: 4,
  dwAllocationGranularity: 40,
} as const satisfies Record<string, number>;

/**
 * Byte layout of `MEMORY_BASIC_INFORMATION` on 64-bit Windows (winnt.h):
 * `PVOID BaseAddress` at 0, `PVOID AllocationBase` at 8,
 * `DWORD AllocationProtect` at 16, `WORD PartitionId` at 20,
 * `SIZE_T RegionSize` at 24, `DWORD State` at 32, `DWORD Protect` at 36,
 * `DWORD Type` at 40; 48 bytes in all.
 */
export const MEMORY_BASIC_INFORMATION_LAYOUT = {
  size: 48,
  BaseAddress: 0,
  AllocationBase: 8,
  RegionSize: 24,
  State: 32,
  Type: 40,
} as const satisfies Record<string, number>;

/**
 * Encodes text as a NUL-terminated UTF-16 string for the `W` functions.
 * JavaScript strings are UTF-16 already, so each code unit is copied as is.
 *
 * @param text The text; must not contain NUL.
 * @returns The code units followed by a 0.
 */
export function wideString(text: string): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Decodes a NUL-terminated UTF-16 string written by the `W` functions or
 * passed to them.
 *
 * @param units The code units.
 * @returns The text up to the first NUL (or all of it).
 */
export function fromWideString(units: Uint16Array): string {
  let end = units.indexOf(0);
  if (end === -1) end = units.length;
  let text = "";
  for (let i = 0; i < end; i += 4096) {
    text += String.fromCharCode(...units.subarray(i, Math.min(end, i + 4096)));
  }
  return text;
}

/**
 * The system's text for a Win32 error code (`FormatMessageW`), without the
 * trailing period and line break.
 *
 * @param k The kernel32 symbols.
 * @param code The error code.
 * @returns The text, or `null` when the system has none.
 */
export function formatMessage(k: Kernel32, code: number): string | null {
  const buffer = new Uint16Array(512);
  const count = k.FormatMessageW(
    WIN32.FORMAT_MESSAGE_FROM_SYSTEM | WIN32.FORMAT_MESSAGE_IGNORE_INSERTS,
    null,
    code,
    0,
    buffer,
    buffer.length,
    null,
  );
  if (count === 0) return null;
  const text = fromWideString(buffer.subarray(0, count)).replace(
    /[\s.]+$/,
    "",
  );
  return text.length === 0 ? null : text;
}

let loaded: Kernel32 | undefined;

/**
 * Opens kernel32 on first use.
 *
 * @returns The typed symbols.
 * @throws {Deno.errors.NotCapable} Without `--allow-ffi`.
 * @throws {Error} When kernel32.dll cannot be opened (not on Windows).
 */
export function kernel32(): Kernel32 {
  if (loaded) return loaded;
  requireFfi();
  try {
    loaded = Deno.dlopen("kernel32.dll", KERNEL32_SYMBOLS).symbols;
  } catch (error) {
    throw new Error(
      `Cannot load kernel32.dll on ${Deno.build.os}: ${
        (error as Error).message
      }`,
    );
  }
  return loaded;
}

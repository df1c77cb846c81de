/**
 * The kernel32 table's helpers and layouts, and the Win32 error mapping.
 *
 * @module
 */

import assert from "node:assert/strict";
import { WINDOWS } from "../../src/ffi/constants.ts";
import {
  formatMessage,
  fromWideString,
  KERNEL32_SYMBOLS,
  MEMORY_BASIC_INFORMATION_LAYOUT,
  SYSTEM_INFO_LAYOUT,
  wideString,
  WIN32_ERROR,
} from "../../src/ffi/kernel32.ts";
import { osError } from "../../src/ffi/os_error.ts";
import { FakeKernel32 } from "./fake_kernel32.ts";

type Field = [name: string, size: number];

/** Offsets of a C struct's fields under natural alignment, and its size. */
function layout(fields: Field[]): Record<string, number> {
  const out: Record<string, number> = {};
  let offset = 0;
  let align = 1;
  for (const [name, size] of fields) {
    offset = Math.ceil(offset / size) * size;
    out[name] = offset;
    offset += size;
    align = Math.max(align, size);
  }
  out.size = Math.ceil(offset / align) * align;
  return out;
}

Deno.test("SYSTEM_INFO and MEMORY_BASIC_INFORMATION offsets follow the 64-bit C layout of their fields", () => {
  // sysinfoapi.h: the union is a DWORD; LPVOID and DWORD_PTR are 8 bytes.
  const systemInfo = layout([
    ["dwOemId", 4],
    ["dwPageSize", 4],
    ["lpMinimumApplicationAddress", 8],
    ["lpMaximumApplicationAddress", 8],
    ["dwActiveProcessorMask", 8],
    ["dwNumberOfProcessors", 4],
    ["dwProcessorType", 4],
    ["dwAllocationGranularity", 4],
    ["wProcessorLevel", 2],
    ["wProcessorRevision", 2],
  ]);
  for (const [name, offset] of Object.entries(SYSTEM_INFO_LAYOUT)) {
    assert.equal(offset, systemInfo[name], name);
  }
  // winnt.h: PVOID, PVOID, DWORD, WORD PartitionId, SIZE_T, DWORD x3.
  const basic = layout([
    ["BaseAddress", 8],
    ["AllocationBase", 8],
    ["AllocationProtect", 4],
    ["PartitionId", 2],
    ["RegionSize", 8],
    ["State", 4],
    ["Protect", 4],
    ["Type", 4],
  ]);
  for (
    const [name, offset] of Object.entries(MEMORY_BASIC_INFORMATION_LAYOUT)
  ) {
    assert.equal(offset, basic[name], name);
  }
});

Deno.test("wideString() encodes UTF-16 with a NUL and fromWideString() reads it back", () => {
  const path = "C:\\Données\\𝄞 x.bin";
  const units = wideString(path);
  assert.equal(units.length, path.length + 1);
  assert.equal(units.at(-1), 0);
  assert.equal(units[0], 0x43);
  assert.equal(units[path.indexOf("𝄞")], 0xd834, "surrogate pairs as is");
  assert.equal(fromWideString(units), path);
  assert.equal(fromWideString(new Uint16Array([0x61, 0x62])), "ab");
});

Deno.test("formatMessage() trims Windows's final period and line break, and gives null without text", () => {
  const fake = new FakeKernel32();
  assert.equal(formatMessage(fake.symbols, 5), "Access is denied");
  assert.equal(formatMessage(fake.symbols, 12345), null);
});

Deno.test("Win32 error names map to the Deno.errors classes Deno uses for them", () => {
  const expected: [number, new (message: string) => Error][] = [
    [2, Deno.errors.NotFound],
    [3, Deno.errors.NotFound],
    [5, Deno.errors.PermissionDenied],
    [32, Deno.errors.Busy],
    [80, Deno.errors.AlreadyExists],
    [183, Deno.errors.AlreadyExists],
    [267, Deno.errors.NotADirectory],
    [1224, Deno.errors.Busy],
    [1921, Deno.errors.FilesystemLoop],
    [50, Deno.errors.NotSupported],
  ];
  for (const [code, Class] of expected) {
    const name = WINDOWS.errnoNames[code];
    const error = osError("CreateFileW", name, "text", "C:\\x");
    assert.ok(error instanceof Class, `${code} ${name}: ${error.name}`);
    assert.equal(error.code, name);
    assert.equal(
      error.message,
      `CreateFileW(): text (${name}): "C:\\\\x"`,
    );
  }
  for (const [name, code] of Object.entries(WIN32_ERROR)) {
    if (code !== 0) assert.equal(WINDOWS.errnoNames[code], name);
  }
  const odd = osError("MapViewOfFile", "ERROR_MAPPED_ALIGNMENT", "text");
  assert.equal(odd.constructor, Error);
});

Deno.test("the kernel32 table declares the functions the issue lists", () => {
  const wanted = [
    "CreateFileW",
    "GetFileSizeEx",
    "SetFilePointerEx",
    "SetEndOfFile",
    "CreateFileMappingW",
    "OpenFileMappingW",
    "MapViewOfFile",
    "FlushViewOfFile",
    "FlushFileBuffers",
    "UnmapViewOfFile",
    "CloseHandle",
    "GetSystemInfo",
    "GetLastError",
    "FormatMessageW",
  ];
  for (const name of wanted) assert.ok(name in KERNEL32_SYMBOLS, name);
  // Handles are pointers; the failure values differ per function.
  assert.equal(KERNEL32_SYMBOLS.CreateFileW.result, "pointer");
  assert.equal(KERNEL32_SYMBOLS.MapViewOfFile.result, "pointer");
});

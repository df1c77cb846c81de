/**
 * The kernel32 model's own rules, called directly: if the model let through
 * what Windows refuses, the backend tests on it would prove nothing.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  INVALID_HANDLE_VALUE,
  MEMORY_BASIC_INFORMATION_LAYOUT,
  SYSTEM_INFO_LAYOUT,
  wideString,
  WIN32,
  WIN32_ERROR,
} from "../../src/ffi/kernel32.ts";
import {
  FakeKernel32,
  type FakeKernel32Options,
  ModelViolation,
} from "./fake_kernel32.ts";
import { MODEL_IGNORE, symbolsOf } from "./_model.ts";

const ignore = MODEL_IGNORE;
const RW = WIN32.GENERIC_READ | WIN32.GENERIC_WRITE;
const SHARE = WIN32.FILE_SHARE_READ | WIN32.FILE_SHARE_WRITE |
  WIN32.FILE_SHARE_DELETE;
const INVALID = Deno.UnsafePointer.create(INVALID_HANDLE_VALUE);

/** Runs `fn` with a fresh model and temp dir; disposes both. */
function model(
  fn: (fake: FakeKernel32, dir: string) => void,
  options: FakeKernel32Options = {},
): () => void {
  return () => {
    const fake = new FakeKernel32(options);
    const dir = Deno.makeTempDirSync({ prefix: "fake-kernel32-" });
    try {
      fn(fake, dir);
    } finally {
      fake.dispose();
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

function open(
  fake: FakeKernel32,
  path: string,
  access: number = RW,
  disposition: number = WIN32.OPEN_EXISTING,
  share: number = SHARE,
): Deno.PointerValue {
  return symbolsOf(fake).CreateFileW(
    wideString(path),
    access,
    share,
    null,
    disposition,
    WIN32.FILE_ATTRIBUTE_NORMAL,
    null,
  );
}

function isInvalid(handle: Deno.PointerValue): boolean {
  return Deno.UnsafePointer.value(handle) === INVALID_HANDLE_VALUE;
}

function section(
  fake: FakeKernel32,
  file: Deno.PointerValue,
  protect: number,
  size: number,
  name?: string,
): Deno.PointerValue {
  return symbolsOf(fake).CreateFileMappingW(
    file,
    null,
    protect,
    Math.floor(size / 2 ** 32),
    size % 2 ** 32,
    name === undefined ? null : wideString(name),
  );
}

Deno.test({
  name:
    "model CreateFileW fails with INVALID_HANDLE_VALUE and tells a missing file from a missing directory",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    const missing = open(fake, `${dir}/none.bin`);
    assert.ok(isInvalid(missing));
    assert.notEqual(missing, null, "failure is INVALID_HANDLE_VALUE, not NULL");
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_FILE_NOT_FOUND);
    assert.ok(isInvalid(open(fake, `${dir}/nodir/none.bin`)));
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_PATH_NOT_FOUND);
    Deno.writeTextFileSync(`${dir}/there.bin`, "x");
    assert.ok(isInvalid(open(fake, `${dir}/there.bin`, RW, WIN32.CREATE_NEW)));
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_FILE_EXISTS);
    const again = open(fake, `${dir}/there.bin`, RW, WIN32.OPEN_ALWAYS);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ALREADY_EXISTS);
    const fresh = open(fake, `${dir}/fresh.bin`, RW, WIN32.OPEN_ALWAYS);
    assert.equal(k.GetLastError(), 0);
    assert.equal(k.CloseHandle(again), 1);
    assert.equal(k.CloseHandle(fresh), 1);
    assert.equal(fake.openHandles, 0);
  }),
});

Deno.test({
  name: "model CreateFileW refuses access that an open handle does not share",
  ignore,
  fn: model((fake, dir) => {
    const path = `${dir}/shared.bin`;
    Deno.writeTextFileSync(path, "x");
    const reader = open(fake, path, WIN32.GENERIC_READ, WIN32.OPEN_EXISTING, 1);
    assert.ok(!isInvalid(reader));
    assert.ok(!isInvalid(open(fake, path, WIN32.GENERIC_READ)));
    assert.ok(isInvalid(open(fake, path, RW)));
    assert.equal(
      symbolsOf(fake).GetLastError(),
      WIN32_ERROR.ERROR_SHARING_VIOLATION,
    );
  }),
});

Deno.test({
  name:
    "model GetLastError keeps its value over successful calls that do not reset it",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    Deno.writeTextFileSync(`${dir}/a.bin`, "abc");
    assert.ok(isInvalid(open(fake, `${dir}/none.bin`)));
    const file = open(fake, `${dir}/a.bin`);
    const size = new BigInt64Array(1);
    assert.equal(k.GetFileSizeEx(file, size), 1);
    assert.equal(size[0], 3n);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_FILE_NOT_FOUND);
    assert.equal(k.CloseHandle(file), 1);
  }),
});

Deno.test({
  name:
    "model CreateFileMappingW fails with NULL: empty file, protection beyond the handle's access, size past a read-only file",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    Deno.writeFileSync(`${dir}/empty.bin`, new Uint8Array(0));
    Deno.writeFileSync(`${dir}/ten.bin`, new Uint8Array(10));
    const empty = open(fake, `${dir}/empty.bin`);
    assert.equal(section(fake, empty, WIN32.PAGE_READWRITE, 0), null);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_FILE_INVALID);
    const readOnly = open(fake, `${dir}/ten.bin`, WIN32.GENERIC_READ);
    assert.equal(section(fake, readOnly, WIN32.PAGE_READWRITE, 0), null);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ACCESS_DENIED);
    assert.equal(section(fake, readOnly, WIN32.PAGE_EXECUTE_READ, 0), null);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ACCESS_DENIED);
    assert.equal(section(fake, readOnly, WIN32.PAGE_READONLY, 11), null);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_NOT_ENOUGH_MEMORY);
    assert.equal(section(fake, INVALID, WIN32.PAGE_READWRITE, 0), null);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_INVALID_PARAMETER);
    assert.equal(fake.liveSections, 0);
    for (const h of [empty, readOnly]) assert.equal(k.CloseHandle(h), 1);
  }),
});

Deno.test({
  name:
    "model CreateFileMappingW with PAGE_READWRITE grows the file to the mapping's size",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    Deno.writeFileSync(`${dir}/grow.bin`, new Uint8Array(10));
    const file = open(fake, `${dir}/grow.bin`);
    const mapping = section(fake, file, WIN32.PAGE_READWRITE, 70000);
    assert.notEqual(mapping, null);
    assert.equal(Deno.statSync(`${dir}/grow.bin`).size, 70000);
    assert.equal(k.CloseHandle(mapping), 1);
    assert.equal(k.CloseHandle(file), 1);
  }),
});

Deno.test({
  name:
    "model MapViewOfFile needs 64 KiB offsets, a range inside the mapping and access its protection allows",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    Deno.writeFileSync(`${dir}/v.bin`, new Uint8Array(3 * 65536));
    const file = open(fake, `${dir}/v.bin`, WIN32.GENERIC_READ);
    const mapping = section(fake, file, WIN32.PAGE_READONLY, 0);
    assert.equal(
      k.MapViewOfFile(mapping, WIN32.FILE_MAP_READ, 0, 4096, 1n),
      null,
    );
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_MAPPED_ALIGNMENT);
    assert.equal(
      k.MapViewOfFile(mapping, WIN32.FILE_MAP_READ, 0, 65536, 2n * 65536n + 1n),
      null,
    );
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ACCESS_DENIED);
    assert.equal(
      k.MapViewOfFile(mapping, WIN32.FILE_MAP_WRITE, 0, 0, 1n),
      null,
    );
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ACCESS_DENIED);
    const view = k.MapViewOfFile(mapping, WIN32.FILE_MAP_READ, 0, 65536, 0n);
    assert.notEqual(view, null);
    assert.equal(fake.views[0].offset, 65536);
    assert.equal(fake.views[0].length, 2 * 65536, "0 maps to the end");
    const copy = k.MapViewOfFile(mapping, WIN32.FILE_MAP_COPY, 0, 0, 8n);
    assert.notEqual(copy, null, "a read-only mapping allows copy views");
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(copy!, 8))[0] = 1;
    assert.equal(Deno.readFileSync(`${dir}/v.bin`)[0], 0);
    assert.equal(k.UnmapViewOfFile(Deno.UnsafePointer.value(view)), 1);
    assert.equal(k.UnmapViewOfFile(Deno.UnsafePointer.value(copy)), 1);
    assert.equal(k.CloseHandle(mapping), 1);
    assert.equal(k.CloseHandle(file), 1);
  }),
});

Deno.test({
  name:
    "model refuses to close a mapping handle while a view mapped through it is mapped",
  ignore,
  fn: model((fake) => {
    const k = symbolsOf(fake);
    const mapping = section(fake, INVALID, WIN32.PAGE_READWRITE, 100);
    const view = k.MapViewOfFile(mapping, WIN32.FILE_MAP_WRITE, 0, 0, 0n);
    const address = Deno.UnsafePointer.value(view);
    assert.throws(() => k.CloseHandle(mapping), ModelViolation);
    assert.equal(k.UnmapViewOfFile(address + 4096n), 0);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_INVALID_ADDRESS);
    assert.equal(k.UnmapViewOfFile(address), 1);
    assert.equal(k.CloseHandle(mapping), 1);
    assert.equal(k.CloseHandle(mapping), 0);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_INVALID_HANDLE);
    assert.equal(fake.liveSections, 0);
  }),
});

Deno.test({
  name:
    "model SetEndOfFile cannot shrink a file with a mapping object, and with strictEndOfFile cannot grow it either",
  ignore,
  fn: () => {
    for (const strict of [false, true]) {
      model((fake, dir) => {
        const k = symbolsOf(fake);
        const path = `${dir}/eof.bin`;
        Deno.writeFileSync(path, new Uint8Array(100));
        const file = open(fake, path);
        const mapping = section(fake, file, WIN32.PAGE_READWRITE, 0);
        const setSize = (size: number) =>
          k.SetFilePointerEx(file, BigInt(size), null, WIN32.FILE_BEGIN) &&
          k.SetEndOfFile(file);
        assert.equal(setSize(50), 0);
        assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_USER_MAPPED_FILE);
        assert.equal(setSize(200), strict ? 0 : 1);
        assert.equal(Deno.statSync(path).size, strict ? 100 : 200);
        assert.equal(k.CloseHandle(mapping), 1);
        assert.equal(setSize(50), 1);
        assert.equal(Deno.statSync(path).size, 50);
        assert.equal(k.CloseHandle(file), 1);
      }, { strictEndOfFile: strict })();
    }
  },
});

Deno.test({
  name: "model DeleteFileW refuses a file with a mapping object",
  ignore,
  fn: model((fake, dir) => {
    const k = symbolsOf(fake);
    const path = `${dir}/del.bin`;
    Deno.writeFileSync(path, new Uint8Array(10));
    const file = open(fake, path);
    const mapping = section(fake, file, WIN32.PAGE_READWRITE, 0);
    const view = k.MapViewOfFile(mapping, WIN32.FILE_MAP_WRITE, 0, 0, 0n);
    assert.equal(k.CloseHandle(file), 1, "the file handle may close early");
    assert.equal(fake.deleteFile(path), false);
    assert.equal(fake.lastError, WIN32_ERROR.ERROR_ACCESS_DENIED);
    assert.equal(k.UnmapViewOfFile(Deno.UnsafePointer.value(view)), 1);
    assert.equal(k.CloseHandle(mapping), 1);
    assert.equal(fake.deleteFile(path), true);
  }),
});

Deno.test({
  name:
    "model named mapping objects: a second create returns the same object with ERROR_ALREADY_EXISTS",
  ignore,
  fn: model((fake) => {
    const k = symbolsOf(fake);
    const first = section(fake, INVALID, WIN32.PAGE_READWRITE, 100, "blk");
    assert.equal(k.GetLastError(), 0);
    const second = section(fake, INVALID, WIN32.PAGE_READWRITE, 10_000, "blk");
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_ALREADY_EXISTS);
    const opened = k.OpenFileMappingW(
      WIN32.FILE_MAP_READ,
      0,
      wideString("blk"),
    );
    const a = k.MapViewOfFile(first, WIN32.FILE_MAP_WRITE, 0, 0, 0n)!;
    const b = k.MapViewOfFile(opened, WIN32.FILE_MAP_READ, 0, 0, 0n)!;
    assert.equal(
      fake.views[1].length,
      4096,
      "the existing object's size (100), in whole pages",
    );
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(a, 100))[5] = 77;
    assert.equal(new Deno.UnsafePointerView(b).getUint8(5), 77);
    const info = new Uint8Array(MEMORY_BASIC_INFORMATION_LAYOUT.size);
    assert.equal(
      k.VirtualQuery(Deno.UnsafePointer.value(b), info, BigInt(info.length)),
      BigInt(info.length),
    );
    const region = new DataView(info.buffer).getBigUint64(
      MEMORY_BASIC_INFORMATION_LAYOUT.RegionSize,
      true,
    );
    assert.equal(region, 4096n, "VirtualQuery rounds to whole pages");
    k.UnmapViewOfFile(Deno.UnsafePointer.value(a));
    k.UnmapViewOfFile(Deno.UnsafePointer.value(b));
    for (const h of [first, second, opened]) assert.equal(k.CloseHandle(h), 1);
    assert.equal(
      k.OpenFileMappingW(WIN32.FILE_MAP_READ, 0, wideString("blk")),
      null,
      "the object went with its last handle",
    );
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_FILE_NOT_FOUND);
  }),
});

Deno.test({
  name:
    "model GetSystemInfo writes the page size and the 64 KiB granularity at the 64-bit offsets",
  ignore,
  fn: model((fake) => {
    const info = new Uint8Array(SYSTEM_INFO_LAYOUT.size);
    symbolsOf(fake).GetSystemInfo(info);
    const data = new DataView(info.buffer);
    assert.equal(data.getUint32(SYSTEM_INFO_LAYOUT.dwPageSize, true), 4096);
    assert.equal(
      data.getUint32(SYSTEM_INFO_LAYOUT.dwAllocationGranularity, true),
      65536,
    );
    assert.equal(data.getUint32(32, true), 8, "dwNumberOfProcessors at 32");
  }),
});

Deno.test({
  name: "model FormatMessageW has text for its codes and fails for others",
  ignore,
  fn: model((fake) => {
    const k = symbolsOf(fake);
    const out = new Uint16Array(256);
    const flags = WIN32.FORMAT_MESSAGE_FROM_SYSTEM |
      WIN32.FORMAT_MESSAGE_IGNORE_INSERTS;
    const n = k.FormatMessageW(flags, null, 5, 0, out, out.length, null);
    assert.equal(
      String.fromCharCode(...out.subarray(0, n)),
      "Access is denied.\r\n",
    );
    assert.equal(k.FormatMessageW(flags, null, 9999, 0, out, 256, null), 0);
    assert.equal(k.GetLastError(), WIN32_ERROR.ERROR_MR_MID_NOT_FOUND);
  }),
});

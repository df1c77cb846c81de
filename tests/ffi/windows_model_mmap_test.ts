/**
 * Key `Mmap` behaviours on the Windows backend over the kernel32 model, with
 * what only Windows has: 64 KiB view offsets, Win32 error names, sharing and
 * delete rules, the order of unmapping and closing. The full Linux behaviour
 * suite runs on the model too (windows_model_linux_suite_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  ALLOCATIONGRANULARITY,
  MADV_DONTNEED,
  MADV_NORMAL,
  MADV_WILLNEED,
  MAP_PRIVATE,
  Mmap,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "../../mod.ts";
import {
  INVALID_HANDLE_VALUE,
  WIN32,
  WIN32_ERROR,
} from "../../src/ffi/kernel32.ts";
import { MODEL_IGNORE, symbolsOf, withModel } from "./_model.ts";

const GRANULE = 65536;
const ignore = MODEL_IGNORE;
const encoder = new TextEncoder();

function pattern(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

function wide(text: string): Uint16Array<ArrayBuffer> {
  const units = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

Deno.test({
  name:
    "Mmap.open() at an offset off the 64 KiB grid maps the view from the boundary below",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/grid.bin`;
      const content = pattern(3 * GRANULE);
      Deno.writeFileSync(path, content);
      // A multiple of this platform's ALLOCATIONGRANULARITY that (on x86_64,
      // 4096) is not a multiple of Windows's 64 KiB.
      const offset = GRANULE + ALLOCATIONGRANULARITY;
      {
        using m = Mmap.open(path, { offset, length: 5000 });
        assert.equal(m.offset, offset);
        assert.equal(m.length, 5000);
        assert.deepEqual(m.slice(0, 64), content.slice(offset, offset + 64));
        const [view] = fake.views;
        assert.equal(view.offset, Math.floor(offset / GRANULE) * GRANULE);
        assert.equal(view.length, offset - view.offset + 5000);
        m.set(10, 0xee);
        m.set(4999, 0xdd);
      }
      const after = Deno.readFileSync(path);
      assert.equal(after[offset + 10], 0xee);
      assert.equal(after[offset + 4999], 0xdd);
      assert.equal(after[offset + 11], content[offset + 11]);
      assert.equal(after[offset - 1], content[offset - 1]);
    }),
});

Deno.test({
  name:
    "Mmap.open() of a missing file throws NotFound naming CreateFileW, the Win32 error and the path",
  ignore,
  fn: () =>
    withModel(({ dir }) => {
      const path = `${dir}/missing.bin`;
      assert.throws(() => Mmap.open(path), (e: unknown) => {
        assert.ok(e instanceof Deno.errors.NotFound);
        assert.equal(
          e.message,
          `CreateFileW(): The system cannot find the file specified (ERROR_FILE_NOT_FOUND): ${
            JSON.stringify(path)
          }`,
        );
        assert.equal((e as { code?: string }).code, "ERROR_FILE_NOT_FOUND");
        return true;
      });
      assert.throws(
        () => Mmap.open(`${dir}/no/such/dir.bin`),
        (e: unknown) =>
          e instanceof Deno.errors.NotFound &&
          (e as { code?: string }).code === "ERROR_PATH_NOT_FOUND",
      );
    }),
});

Deno.test({
  name:
    "Mmap.resize() of anonymous memory whose buffer was moved away is refused and keeps the old memory readable",
  ignore,
  fn: () =>
    withModel(
      ({ fake }) => {
        const a = Mmap.anonymous(4096);
        a.set(0, 9);
        const bytes = a.bytes;
        const stolen = new Uint8Array(
          structuredClone(bytes.buffer, {
            transfer: [bytes.buffer as ArrayBuffer],
          }),
        );
        assert.throws(() => a.resize(1 << 20), Deno.errors.BadResource);
        assert.equal(stolen[0], 9, "the old view stays mapped");
        assert.equal(fake.mappedViews, 1);
        a.close();
        assert.equal(fake.mappedViews, 1, "the moved buffer's view stays");
      },
      {},
      false,
    ), // that view is left mapped for good, by design
});

Deno.test({
  name:
    "Mmap.open() of a directory throws IsADirectory (EISDIR) where CreateFileW says ERROR_ACCESS_DENIED",
  ignore,
  fn: () =>
    withModel(({ dir }) => {
      for (const access of ["write", "read"] as const) {
        assert.throws(() => Mmap.open(dir, { access }), (e: unknown) => {
          assert.ok(e instanceof Deno.errors.IsADirectory, String(e));
          assert.equal((e as { code?: string }).code, "EISDIR");
          assert.match((e as Error).message, /^CreateFileW\(\): /);
          return true;
        });
      }
      const file = `${dir}/plain.bin`;
      Deno.writeTextFileSync(file, "x");
      Deno.chmodSync(file, 0o444);
      if (Deno.uid?.() !== 0) {
        assert.throws(() => Mmap.open(file), Deno.errors.PermissionDenied);
      }
    }),
});

Deno.test({
  name:
    "Mmap.open() with create makes the file with CREATE_NEW after OPEN_EXISTING fails",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/new.bin`;
      {
        using m = Mmap.open(path, { create: true });
        assert.equal(m.length, 0);
        m.resize(10);
        m.write("0123456789");
      }
      assert.equal(Deno.readTextFileSync(path), "0123456789");
      assert.deepEqual(
        fake.calls.filter((c) => c === "CreateFileW").length,
        2,
      );
    }),
});

Deno.test({
  name:
    "Mmap.open() of a file held without sharing throws Busy (ERROR_SHARING_VIOLATION)",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/held.bin`;
      Deno.writeTextFileSync(path, "held");
      const k = symbolsOf(fake);
      const holder = k.CreateFileW(
        wide(path),
        WIN32.GENERIC_READ | WIN32.GENERIC_WRITE,
        0,
        null,
        WIN32.OPEN_EXISTING,
        WIN32.FILE_ATTRIBUTE_NORMAL,
        null,
      );
      assert.notEqual(Deno.UnsafePointer.value(holder), INVALID_HANDLE_VALUE);
      try {
        assert.throws(
          () => Mmap.open(path, { access: "read" }),
          (e: unknown) =>
            e instanceof Deno.errors.Busy &&
            (e as { code?: string }).code === "ERROR_SHARING_VIOLATION",
        );
      } finally {
        assert.equal(k.CloseHandle(holder), 1);
      }
      using m = Mmap.open(path, { access: "read" });
      assert.equal(new TextDecoder().decode(m.read()), "held");
    }),
});

Deno.test({
  name: "A mapped file cannot be deleted until its map is closed",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/pinned.bin`;
      Deno.writeTextFileSync(path, "pinned");
      const m = Mmap.open(path);
      assert.equal(fake.deleteFile(path), false);
      assert.equal(fake.lastError, WIN32_ERROR.ERROR_ACCESS_DENIED);
      assert.equal(Deno.readTextFileSync(path), "pinned");
      m.close();
      assert.equal(fake.deleteFile(path), true);
      assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
    }),
});

Deno.test({
  name:
    "Mmap access modes map to PAGE_READWRITE/FILE_MAP_WRITE, PAGE_WRITECOPY and PAGE_READONLY with FILE_MAP_COPY",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/modes.bin`;
      Deno.writeTextFileSync(path, "abcdef");
      const expected = [
        ["default", WIN32.PAGE_READWRITE, WIN32.FILE_MAP_WRITE],
        ["write", WIN32.PAGE_READWRITE, WIN32.FILE_MAP_WRITE],
        ["copy", WIN32.PAGE_WRITECOPY, WIN32.FILE_MAP_COPY],
        ["read", WIN32.PAGE_READONLY, WIN32.FILE_MAP_COPY],
      ] as const;
      for (const [access, protect, viewAccess] of expected) {
        using m = Mmap.open(path, { access });
        const [view] = fake.views;
        assert.equal(view.protect, protect, access);
        assert.equal(view.access, viewAccess, access);
        assert.equal(m.get(0), 97);
      }
      {
        using ro = Mmap.open(path, { access: "read" });
        assert.throws(() => ro.write("x"), /read-only/);
        ro.bytes[0] = 0x5a; // a stray write lands in a private page
        assert.equal(ro.get(0), 0x5a);
        using copy = Mmap.open(path, { access: "copy" });
        copy.set(1, 0x5b);
        assert.equal(copy.get(1), 0x5b);
      }
      assert.equal(Deno.readTextFileSync(path), "abcdef");
    }),
});

Deno.test({
  name:
    "Mmap.resize() of a file map shrinks and grows the file while nothing else maps it",
  ignore,
  fn: () =>
    withModel(({ dir }) => {
      const path = `${dir}/resize.bin`;
      const content = pattern(200_000);
      Deno.writeFileSync(path, content);
      using m = Mmap.open(path, { offset: ALLOCATIONGRANULARITY });
      m.resize(1000);
      assert.equal(Deno.statSync(path).size, ALLOCATIONGRANULARITY + 1000);
      assert.deepEqual(
        m.slice(),
        content.slice(ALLOCATIONGRANULARITY, ALLOCATIONGRANULARITY + 1000),
      );
      m.resize(3 * GRANULE);
      assert.equal(m.length, 3 * GRANULE);
      assert.equal(
        Deno.statSync(path).size,
        ALLOCATIONGRANULARITY + 3 * GRANULE,
      );
      assert.equal(m.get(999), content[ALLOCATIONGRANULARITY + 999]);
      assert.equal(m.get(1000), 0);
      m.set(3 * GRANULE - 1, 9);
      m.close();
      assert.equal(Deno.readFileSync(path).at(-1), 9);
    }),
});

Deno.test({
  name:
    "Mmap.resize() that would shrink a file another map still maps throws Busy and changes nothing",
  ignore,
  fn: () =>
    withModel(({ dir }) => {
      const path = `${dir}/shared.bin`;
      Deno.writeFileSync(path, pattern(100_000));
      using a = Mmap.open(path);
      using b = Mmap.open(path);
      assert.throws(
        () => a.resize(1000),
        (e: unknown) =>
          e instanceof Deno.errors.Busy &&
          (e as { code?: string }).code === "ERROR_USER_MAPPED_FILE",
      );
      assert.equal(Deno.statSync(path).size, 100_000);
      assert.equal(a.length, 100_000);
      b.set(99_999, 0x42);
      assert.equal(Deno.readFileSync(path)[99_999], 0x42);
    }),
});

Deno.test({
  name: "Mmap.flush() flushes whole pages of the view, then the file's buffers",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/flush.bin`;
      Deno.writeFileSync(path, new Uint8Array(3 * 4096));
      using m = Mmap.open(path);
      m.set(5000, encoder.encode("flushed"));
      fake.calls.length = 0;
      m.flush(5000, 7);
      assert.deepEqual(fake.flushes, [{
        path,
        offset: 4096,
        length: 5007 - 4096,
      }]);
      assert.deepEqual(fake.calls, ["FlushViewOfFile", "FlushFileBuffers"]);
      using copy = Mmap.open(path, { access: "copy" });
      fake.calls.length = 0;
      copy.flush();
      assert.deepEqual(fake.calls, []);
      assert.throws(() => m.flush(0, 4 * 4096), RangeError);
    }),
});

Deno.test({
  name: "Mmap.madvise() checks its range and makes no call on Windows",
  ignore,
  fn: () =>
    withModel(({ fake }) => {
      using m = Mmap.anonymous(4 * 4096, { flags: MAP_PRIVATE });
      m.set(4096, 9);
      fake.calls.length = 0;
      for (const advice of [MADV_NORMAL, MADV_WILLNEED, MADV_DONTNEED]) {
        m.madvise(advice);
      }
      m.madvise(MADV_DONTNEED, 4096, 4096);
      assert.deepEqual(fake.calls, []);
      assert.equal(m.get(4096), 9, "MADV_DONTNEED keeps the contents");
      assert.throws(() => m.madvise(MADV_NORMAL, 4 * 4096), RangeError);
      assert.throws(() => m.madvise(MADV_NORMAL, -1), RangeError);
      assert.throws(() => m.madvise(MADV_NORMAL, 0, -1), RangeError);
    }),
});

Deno.test({
  name: "Mmap of an empty file makes no mapping object until it is resized",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/empty.bin`;
      Deno.writeFileSync(path, new Uint8Array(0));
      using m = Mmap.open(path);
      assert.equal(m.length, 0);
      assert.equal(m.bytes.length, 0);
      assert.ok(!fake.calls.includes("CreateFileMappingW"));
      m.resize(3);
      m.write("abc");
      assert.equal(fake.views.length, 1);
      m.resize(0);
      assert.equal(fake.views.length, 0);
      assert.equal(Deno.statSync(path).size, 0);
    }),
});

Deno.test({
  name:
    "Mmap.close() detaches views, unmaps the view, then closes the mapping object and the file",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/close.bin`;
      Deno.writeTextFileSync(path, "one\ntwo\n");
      const m = Mmap.open(path);
      const bytes = m.bytes;
      const line = m.lines().next().value!;
      assert.equal(line.length, 4);
      fake.calls.length = 0;
      m.close();
      assert.deepEqual(fake.calls, [
        "UnmapViewOfFile",
        "CloseHandle",
        "CloseHandle",
      ]);
      assert.equal(bytes.length, 0);
      assert.equal(line.length, 0);
      assert.throws(() => m.read(), /closed/);
      m.close();
      assert.equal(fake.calls.length, 3);
    }),
});

Deno.test({
  name:
    "Mmap.anonymous() maps paging-file memory that resizes with its contents",
  ignore,
  fn: () =>
    withModel(({ fake }) => {
      using m = Mmap.anonymous(10);
      const [view] = fake.views;
      assert.equal(view.path, null);
      assert.equal(view.name, null);
      assert.equal(view.access, WIN32.FILE_MAP_WRITE);
      assert.deepEqual([...m.slice()], new Array(10).fill(0));
      m.write("abcdefghij");
      m.resize(GRANULE + 5);
      assert.equal(new TextDecoder().decode(m.slice(0, 10)), "abcdefghij");
      assert.equal(m.get(GRANULE + 4), 0);
      m.resize(4);
      assert.equal(new TextDecoder().decode(m.slice()), "abcd");
      assert.equal(fake.views.length, 1);
      using ro = Mmap.anonymous(8, { prot: PROT_READ });
      assert.equal(fake.views[1].access, WIN32.FILE_MAP_COPY);
      assert.equal(ro.get(7), 0);
    }),
});

Deno.test({
  name: "Mmap with PROT_EXEC and Mmap.fromFd() throw NotSupported on Windows",
  ignore,
  fn: () =>
    withModel(() => {
      assert.throws(
        () => Mmap.anonymous(8, { prot: PROT_READ | PROT_WRITE | PROT_EXEC }),
        Deno.errors.NotSupported,
      );
      assert.throws(() => Mmap.fromFd(0), Deno.errors.NotSupported);
    }),
});

Deno.test({
  name: "A failed MapViewOfFile leaves no handle behind and the file as it was",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/fail.bin`;
      Deno.writeTextFileSync(path, "abc");
      fake.failNext("MapViewOfFile", WIN32_ERROR.ERROR_NOT_ENOUGH_MEMORY);
      assert.throws(
        () => Mmap.open(path, { length: 10 }),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.equal(
            e.message,
            `MapViewOfFile(): Not enough memory resources are available to process this command (ERROR_NOT_ENOUGH_MEMORY): ${
              JSON.stringify(path)
            }`,
          );
          return true;
        },
      );
      assert.equal(Deno.readTextFileSync(path), "abc");
    }),
});

Deno.test({
  name:
    "A Win32 error without system text is described by its number and is a plain Error",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/odd.bin`;
      fake.failNext("CreateFileW", 9999);
      assert.throws(() => Mmap.open(path), (e: unknown) => {
        assert.equal((e as Error).constructor, Error);
        assert.equal(
          (e as Error).message,
          `CreateFileW(): Windows error 9999 (ERROR_9999): ${
            JSON.stringify(path)
          }`,
        );
        return true;
      });
    }),
});

Deno.test({
  name:
    "Mmap.open() with create still creates the file when the runtime lost CreateFileW's error code",
  ignore,
  fn: () =>
    withModel(({ dir, fake }) => {
      const path = `${dir}/lost.bin`;
      fake.failNext("CreateFileW", WIN32_ERROR.ERROR_SUCCESS);
      assert.throws(
        () => Mmap.open(path),
        (e: unknown) =>
          e instanceof Deno.errors.NotFound &&
          (e as { code?: string }).code === "ERROR_FILE_NOT_FOUND",
      );
      fake.failNext("CreateFileW", WIN32_ERROR.ERROR_SUCCESS);
      using m = Mmap.open(path, { create: true });
      assert.equal(m.length, 0);
      assert.equal(Deno.statSync(path).size, 0);
      Deno.writeTextFileSync(`${dir}/there.bin`, "x");
      fake.failNext("CreateFileW", WIN32_ERROR.ERROR_SUCCESS);
      assert.throws(
        () => Mmap.open(`${dir}/there.bin`),
        (e: unknown) =>
          (e as { code?: string }).code === "ERROR_SUCCESS" &&
          /reported no error code/.test((e as Error).message),
      );
    }),
});

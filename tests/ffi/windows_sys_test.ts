/**
 * The Windows backend's side of the seam, driven directly over the kernel32
 * model: alignment inside the seam, zero-length maps, remapping rules,
 * lifetime, shared memory, lazy loading.
 *
 * @module
 */

import assert from "node:assert/strict";
import { WINDOWS } from "../../src/ffi/constants.ts";
import { WIN32 } from "../../src/ffi/kernel32.ts";
import { windowsSys } from "../../src/ffi/sys_windows.ts";
import type { FileHandle, Mapping, Sys } from "../../src/ffi/sys.ts";
import { MODEL_IGNORE, withModel } from "./_model.ts";

const ignore = MODEL_IGNORE;

function pattern(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 9)) & 0xff;
  return bytes;
}

function openFile(sys: Sys, path: string, content: Uint8Array): FileHandle {
  Deno.writeFileSync(path, content);
  return sys.open(path, { write: true });
}

Deno.test({
  name:
    "sys.map() at any page offset maps from the 64 KiB boundary below and exposes the requested byte first",
  ignore,
  fn: () =>
    withModel(({ sys, fake, dir }) => {
      const content = pattern(4 * 65536);
      const file = openFile(sys, `${dir}/a.bin`, content);
      for (const offset of [4096, 65536, 65536 + 3 * 4096, 3 * 65536 + 4096]) {
        const m = sys.map({ file, length: 5000, offset, kind: "shared" });
        assert.equal(m.length, 5000);
        assert.equal(m.buffer.byteLength, 5000);
        assert.deepEqual(
          new Uint8Array(m.buffer).slice(0, 100),
          content.slice(offset, offset + 100),
        );
        assert.equal(fake.views[0].offset, Math.floor(offset / 65536) * 65536);
        sys.unmap(m);
      }
      sys.close(file);
    }),
});

Deno.test({
  name: "sys.map() of length 0 makes no kernel32 call and an empty buffer",
  ignore,
  fn: () =>
    withModel(({ sys, fake, dir }) => {
      const file = openFile(sys, `${dir}/e.bin`, new Uint8Array(0));
      fake.calls.length = 0;
      const m = sys.map({ file, length: 0, offset: 0, kind: "shared" });
      const anon = sys.map({
        file: null,
        length: 0,
        offset: 0,
        kind: "shared",
      });
      assert.equal(m.buffer.byteLength, 0);
      sys.flush(m, 0, 0);
      sys.advise(m, 0, 0, 0);
      sys.unmap(m);
      sys.unmap(anon);
      assert.deepEqual(fake.calls, []);
      sys.close(file);
    }),
});

Deno.test({
  name:
    "sys.remap() alone sets the file to offset + newLength with nothing mapped, so it holds under the documented SetEndOfFile rule",
  ignore,
  fn: () =>
    withModel(({ sys, dir }) => {
      const path = `${dir}/r.bin`;
      const content = pattern(100_000);
      const file = openFile(sys, path, content);
      let m: Mapping = sys.map({
        file,
        length: 100_000 - 4096,
        offset: 4096,
        kind: "shared",
      });
      m = sys.remap(m, 1000);
      assert.equal(Deno.statSync(path).size, 4096 + 1000);
      assert.deepEqual(new Uint8Array(m.buffer), content.slice(4096, 5096));
      m = sys.remap(m, 200_000);
      assert.equal(Deno.statSync(path).size, 4096 + 200_000);
      assert.equal(new Uint8Array(m.buffer)[999], content[4096 + 999]);
      assert.equal(new Uint8Array(m.buffer)[1000], 0);
      sys.truncate(file, 4096 + 200_000); // the caller's truncate: a no-op
      sys.unmap(m);
      sys.close(file);
    }, { strictEndOfFile: true }),
});

Deno.test({
  name:
    "sys.remap() that cannot shrink a file another mapping holds restores the old mapping",
  ignore,
  fn: () =>
    withModel(({ sys, dir }) => {
      const path = `${dir}/busy.bin`;
      const content = pattern(70_000);
      const file = openFile(sys, path, content);
      const other = sys.map({
        file,
        length: 70_000,
        offset: 0,
        kind: "shared",
      });
      const m = sys.map({ file, length: 70_000, offset: 0, kind: "shared" });
      const before = new Uint8Array(m.buffer);
      assert.throws(() => sys.remap(m, 10), Deno.errors.Busy);
      assert.equal(before.length, 0, "views of the old buffer are detached");
      assert.equal(m.length, 70_000);
      assert.deepEqual(new Uint8Array(m.buffer), content);
      new Uint8Array(m.buffer)[0] = 1;
      assert.equal(new Uint8Array(other.buffer)[0], 1);
      assert.equal(Deno.statSync(path).size, 70_000);
      sys.unmap(m);
      sys.unmap(other);
      sys.close(file);
    }),
});

Deno.test({
  name:
    "sys.unmap() detaches the buffer, unmaps before closing the mapping object, and is idempotent",
  ignore,
  fn: () =>
    withModel(({ sys, fake }) => {
      const m = sys.map({ file: null, length: 100, offset: 0, kind: "shared" });
      const view = new Uint8Array(m.buffer);
      view[3] = 3;
      fake.calls.length = 0;
      sys.unmap(m);
      assert.deepEqual(fake.calls, ["UnmapViewOfFile", "CloseHandle"]);
      assert.equal(view.length, 0);
      assert.equal(m.buffer.byteLength, 0);
      sys.unmap(m);
      assert.equal(fake.calls.length, 2);
    }),
});

Deno.test({
  name: "sys.pageSize() is GetSystemInfo's dwPageSize",
  ignore,
  fn: () =>
    withModel(({ sys, fake }) => {
      assert.equal(sys.pageSize(), 4096);
      assert.deepEqual(fake.calls, ["GetSystemInfo"]);
      assert.equal(sys.pageSize(), 4096);
      assert.equal(fake.calls.length, 1, "asked once");
    }),
});

Deno.test({
  name: "sys.find() searches the mapping in JavaScript within [start, end)",
  ignore,
  fn: () =>
    withModel(({ sys }) => {
      const m = sys.map({
        file: null,
        length: 10_000,
        offset: 0,
        kind: "shared",
      });
      const bytes = new Uint8Array(m.buffer);
      const needle = new TextEncoder().encode("needle!");
      bytes.set(needle, 7000);
      bytes.set(needle, 10_000 - needle.length);
      assert.equal(sys.find(m, needle, 0, 10_000), 7000);
      assert.equal(sys.find(m, needle, 7001, 10_000), 9993);
      assert.equal(sys.find(m, needle, 0, 7006), -1);
      assert.equal(sys.find(m, needle, 0, 7007), 7000);
      assert.equal(sys.find(m, needle, 9994, 10_000), -1);
      assert.equal(sys.find(m, needle.subarray(0, 1), 7001, 10_000), 9993);
      sys.unmap(m);
    }),
});

Deno.test({
  name: "sys.duplicate() and executable maps are not supported on Windows",
  ignore,
  fn: () =>
    withModel(({ sys }) => {
      assert.throws(() => sys.duplicate(3, false), Deno.errors.NotSupported);
      assert.throws(
        () =>
          sys.map({
            file: null,
            length: 10,
            offset: 0,
            kind: "shared",
            exec: true,
          }),
        /PROT_EXEC/,
      );
    }),
});

Deno.test({
  name:
    "sys.close() of a file is idempotent and later use is BadResource naming it closed",
  ignore,
  fn: () =>
    withModel(({ sys, fake, dir }) => {
      const file = openFile(sys, `${dir}/c.bin`, new Uint8Array(3));
      sys.close(file);
      sys.close(file);
      assert.equal(fake.calls.filter((c) => c === "CloseHandle").length, 1);
      assert.throws(() => sys.size(file), /closed/);
      assert.throws(
        () => sys.map({ file, length: 3, offset: 0, kind: "shared" }),
        Deno.errors.BadResource,
      );
    }),
});

Deno.test({
  name:
    "sys shared memory: created at its size by truncate(), mapped with a handle of its own, opened by name page-rounded",
  ignore,
  fn: () =>
    withModel(({ sys, fake }) => {
      const created = sys.openShared("wnsm_test", {
        create: true,
        exclusive: true,
      });
      assert.equal(sys.size(created), 0);
      assert.throws(
        () => sys.map({ file: created, length: 8, offset: 0, kind: "shared" }),
        RangeError,
      );
      sys.truncate(created, 100);
      assert.equal(sys.size(created), 100);
      const a = sys.map({
        file: created,
        length: 100,
        offset: 0,
        kind: "shared",
      });
      sys.close(created); // the mapping keeps the block
      assert.equal(fake.views[0].name, "wnsm_test");
      assert.equal(fake.views[0].protect, WIN32.PAGE_READWRITE);

      const opened = sys.openShared("wnsm_test", {
        create: false,
        exclusive: false,
      });
      assert.equal(sys.size(opened), 4096, "VirtualQuery's whole pages");
      assert.throws(() => sys.truncate(opened, 50), Deno.errors.NotSupported);
      const b = sys.map({
        file: opened,
        length: 100,
        offset: 0,
        kind: "shared",
      });
      sys.close(opened);
      new Uint8Array(a.buffer)[42] = 42;
      assert.equal(new Uint8Array(b.buffer)[42], 42);

      assert.throws(
        () => sys.openShared("wnsm_test", { create: true, exclusive: true }),
        (e: unknown) =>
          e instanceof Deno.errors.AlreadyExists &&
          (e as { code?: string }).code === "ERROR_ALREADY_EXISTS",
      );
      fake.calls.length = 0;
      sys.unlinkShared("wnsm_test");
      assert.deepEqual(fake.calls, [], "Windows has no unlink");
      sys.unmap(a);
      sys.unmap(b);
      assert.throws(
        () => sys.openShared("wnsm_test", { create: false, exclusive: false }),
        (e: unknown) =>
          e instanceof Deno.errors.NotFound &&
          (e as { code?: string }).code === "ERROR_FILE_NOT_FOUND",
        "the block went with its last view",
      );
      assert.throws(
        () =>
          sys.truncate(
            sys.openShared("zero", { create: true, exclusive: true }),
            0,
          ),
        RangeError,
      );
    }),
});

Deno.test("windowsSys is built without loading kernel32, which loads on first use", () => {
  assert.equal(windowsSys.constants, WINDOWS);
  if (Deno.build.os === "windows") {
    assert.ok(windowsSys.pageSize() >= 4096);
  } else {
    assert.throws(
      () => windowsSys.pageSize(),
      new RegExp(`Cannot load kernel32\\.dll on ${Deno.build.os}`),
    );
  }
});

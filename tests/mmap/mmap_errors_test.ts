import assert from "node:assert/strict";
import { resolve } from "node:path";
import {
  ALLOCATIONGRANULARITY,
  MAP_PRIVATE,
  MAP_SHARED,
  Mmap,
  PROT_READ,
} from "../../mod.ts";
import { OS_NAMES, tempDir, utf8, WINDOWS, writeFile } from "../test_util.ts";

Deno.test("Mmap methods on a closed map throw BadResource mentioning closed", () => {
  const m = Mmap.anonymous(8);
  m.close();
  const calls: [string, () => unknown][] = [
    ["length", () => m.length],
    ["read", () => m.read()],
    ["readByte", () => m.readByte()],
    ["readline", () => m.readline()],
    ["lines", () => m.lines()],
    ["write", () => m.write("x")],
    ["writeByte", () => m.writeByte(1)],
    ["seek", () => m.seek(0)],
    ["tell", () => m.tell()],
    ["seekable", () => m.seekable()],
    ["size", () => m.size()],
    ["find", () => m.find("x")],
    ["rfind", () => m.rfind("x")],
    ["get", () => m.get(0)],
    ["set", () => m.set(0, 1)],
    ["slice", () => m.slice()],
    ["flush", () => m.flush()],
    ["madvise", () => m.madvise(0)],
    ["move", () => m.move(0, 1, 1)],
    ["resize", () => m.resize(4)],
    ["iterator", () => m[Symbol.iterator]()],
  ];
  for (const [name, call] of calls) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof Deno.errors.BadResource, `${name} threw ${e}`);
      assert.match((e as Error).message, /closed/);
      return true;
    });
  }
  assert.equal(m.closed, true);
  assert.equal(m.bytes.length, 0);
  m.close();
  m[Symbol.dispose]();
});

Deno.test("Mmap.lines() throws BadResource when the map closes mid-iteration", () => {
  const m = Mmap.anonymous(4);
  m.write("a\nb\n");
  m.seek(0);
  const it = m.lines();
  assert.equal(it.next().value?.length, 2);
  m.close();
  assert.throws(() => it.next(), Deno.errors.BadResource);
});

Deno.test("Mmap index, position, slice and range errors are RangeErrors", () => {
  using m = Mmap.anonymous(10);
  assert.throws(() => m.get(10), RangeError);
  assert.throws(() => m.get(-11), RangeError);
  assert.throws(() => m.set(10, 1), RangeError);
  assert.throws(() => m.set(8, utf8("abc")), RangeError);
  assert.throws(() => m.set(-1, utf8("ab")), RangeError);
  assert.throws(() => m.set(0, 256), RangeError);
  assert.throws(() => m.set(0, -1), RangeError);
  assert.throws(() => m.seek(11), {
    name: "RangeError",
    message: "Cannot seek to 11: position must be within 0..10",
  });
  assert.throws(() => m.seek(-1), RangeError);
  assert.throws(() => m.seek(1, 2), RangeError);
  assert.throws(() => m.slice(0, 5, 0), RangeError);
  assert.throws(() => m.flush(0, 11), RangeError);
  assert.throws(() => m.flush(11), RangeError);
  assert.throws(() => m.move(5, 0, 6), RangeError);
  assert.throws(() => m.move(0, 5, 6), RangeError);
  assert.throws(() => m.resize(-1), RangeError);
  m.seek(0, 2);
  assert.throws(() => m.readByte(), RangeError);
  assert.throws(() => m.writeByte(1), RangeError);
  assert.throws(() => m.write("x"), RangeError);
  m.seek(8);
  assert.throws(() => m.write("abc"), RangeError);
  assert.equal(m.tell(), 8, "a failed write does not move the position");
  assert.deepEqual([...m.slice(8)], [0, 0], "a failed write writes nothing");
  assert.throws(() => Mmap.anonymous(-1), RangeError);
});

Deno.test("Mmap argument type errors are TypeErrors", () => {
  using m = Mmap.anonymous(4);
  assert.throws(() => m.get(1.5), TypeError);
  assert.throws(() => m.get("1" as unknown as number), TypeError);
  assert.throws(() => m.set(0, 1.5), TypeError);
  assert.throws(() => m.write(42 as unknown as string), TypeError);
  assert.throws(() => m.find(42 as unknown as string), TypeError);
  assert.throws(() => m.seek(0, 3 as 0), TypeError);
  assert.throws(() => Mmap.anonymous(1.5), TypeError);
  assert.throws(() => Mmap.anonymous(4, { flags: 0x10 }), TypeError); // MAP_FIXED is refused
  assert.throws(() => Mmap.open("", {}), TypeError);
  assert.throws(() => Mmap.open(new URL("https://example.com/x")), TypeError);
});

Deno.test("Mmap.open() rejects a bad access, access with flags, and bad offsets", () => {
  using dir = tempDir();
  const path = writeFile(
    dir.path,
    "x.bin",
    new Uint8Array(ALLOCATIONGRANULARITY * 2),
  );
  assert.throws(() => Mmap.open(path, { access: "rw" as "read" }), TypeError);
  assert.throws(
    () => Mmap.open(path, { access: "read", flags: MAP_SHARED }),
    TypeError,
  );
  assert.throws(
    () => Mmap.open(path, { access: "read", prot: PROT_READ }),
    TypeError,
  );
  assert.throws(() => Mmap.open(path, { offset: 100 }), {
    name: "RangeError",
    message: /multiple of ALLOCATIONGRANULARITY/,
  });
  assert.throws(
    () => Mmap.open(path, { offset: -ALLOCATIONGRANULARITY }),
    RangeError,
  );
  assert.throws(
    () =>
      Mmap.open(path, { offset: ALLOCATIONGRANULARITY * 4, access: "read" }),
    RangeError,
  );
  assert.throws(() => Mmap.open(path, { length: -1 }), RangeError);
});

Deno.test("Mmap.open() of a missing file throws NotFound naming call, errno and path", () => {
  using dir = tempDir();
  const path = `${dir.path}/missing.txt`;
  assert.throws(() => Mmap.open(path), (e: unknown) => {
    assert.ok(e instanceof Deno.errors.NotFound);
    const { openFile, notFound } = OS_NAMES;
    const description = WINDOWS
      ? (e as Error).message.slice(`${openFile}(): `.length).split(" (")[0]
      : "No such file or directory";
    assert.equal(
      (e as Error).message,
      `${openFile}(): ${description} (${notFound}): ${
        JSON.stringify(resolve(path)) // the library reports the absolute path
      }`,
    );
    assert.ok(description.length > 0);
    assert.equal((e as { code?: string }).code, notFound);
    return true;
  });
});

Deno.test("Mmap.open() of a directory for writing throws IsADirectory", () => {
  using dir = tempDir();
  assert.throws(() => Mmap.open(dir.path), (e: unknown) => {
    assert.ok(e instanceof Deno.errors.IsADirectory);
    assert.equal((e as { code?: string }).code, "EISDIR");
    return true;
  });
});

Deno.test(
  "Mmap.open() of a file without OS permission throws PermissionDenied",
  {
    ignore: Deno.build.os === "windows" || Deno.uid?.() === 0,
  },
  () => {
    using dir = tempDir();
    const path = writeFile(dir.path, "locked.txt", "x");
    Deno.chmodSync(path, 0o000);
    assert.throws(
      () => Mmap.open(path, { access: "read" }),
      Deno.errors.PermissionDenied,
    );
  },
);

Deno.test("Mmap.open() that fails to map leaves the file as it was", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "keep.txt", "abc");
  // Asking for more than the address space fails in mmap() after the file was grown.
  assert.throws(() => Mmap.open(path, { length: 2 ** 52 }), Error);
  assert.equal(Deno.statSync(path).size, 3);
  const created = `${dir.path}/created.txt`;
  assert.throws(
    () => Mmap.open(created, { create: true, length: 2 ** 52 }),
    Error,
  );
  assert.throws(() => Deno.statSync(created), Deno.errors.NotFound);
});

Deno.test("Mmap.resize() that fails leaves the map and the file as they were", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "keep.txt", "abcdef");
  using m = Mmap.open(path);
  const view = m.bytes;
  assert.throws(() => m.resize(2 ** 52), Error);
  assert.equal(Deno.statSync(path).size, 6);
  assert.equal(m.length, 6);
  assert.equal(m.get(5), 102);
  assert.equal(m.bytes[0], 97);
  view[0] = 65; // the old view may be detached or not; either way no crash
  using anon = Mmap.anonymous(4096);
  anon.set(7, 7);
  assert.throws(() => anon.resize(2 ** 52), Error);
  assert.equal(anon.length, 4096);
  assert.equal(anon.get(7), 7);
  using priv = Mmap.anonymous(4096, { flags: MAP_PRIVATE });
  priv.set(1, 1);
  assert.throws(() => priv.resize(2 ** 52), Error); // mremap fails: the map stays
  assert.equal(priv.get(1), 1);
  assert.equal(priv.bytes.length, 4096);
});

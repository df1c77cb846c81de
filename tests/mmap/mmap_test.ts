import assert from "node:assert/strict";
import {
  ACCESS_COPY,
  ACCESS_READ,
  ALLOCATIONGRANULARITY,
  MADV_DONTNEED,
  MADV_NORMAL,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_WILLNEED,
  MADVISE,
  MAP_PRIVATE,
  Mmap,
  PAGESIZE,
  PROT_READ,
} from "../../mod.ts";
import {
  EMULATOR,
  tempDir,
  text,
  utf8,
  WINDOWS,
  writeFile,
} from "../test_util.ts";
import { pathToFileURL } from "node:url";

const LOREM =
  "Lorem ipsum dolor sit amet, consectetuer adipiscing elit.\nDonec odio.\n";
const VOCAB = "VOCABULARY\ncastaña\nthe\ncat\nwas\nnot\na\ncaterpilar\n";

Deno.test("Mmap.open() maps the whole file and reads like a file", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "lorem.txt", LOREM);
  using m = Mmap.open(path, { access: ACCESS_READ });
  assert.equal(m.length, LOREM.length);
  assert.equal(text(m.read(10)), "Lorem ipsu");
  assert.equal(text(m.slice(0, 10)), "Lorem ipsu");
  assert.equal(text(m.read(10)), "m dolor si");
  assert.equal(m.tell(), 20);
  assert.equal(m.size(), LOREM.length);
  assert.equal(m.access, "read");
  assert.equal(m.offset, 0);
});

Deno.test("Mmap.open() accepts a file: URL", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "a b.txt", "xyz");
  const url = pathToFileURL(path);
  assert.match(url.href, /a%20b\.txt$/);
  using m = Mmap.open(url, { access: "read" });
  assert.equal(text(m.read()), "xyz");
  assert.throws(
    () => Mmap.open(new URL(`${url.href.slice(0, -4)}%00.txt`)),
    TypeError,
  );
});

Deno.test("Mmap.read() stops quietly at the end and reads the rest by default", () => {
  using m = Mmap.anonymous(5);
  m.write("abcde");
  m.seek(3);
  assert.equal(text(m.read(10)), "de");
  assert.equal(m.read(1).length, 0);
  m.seek(1);
  assert.equal(text(m.read()), "bcde");
  m.seek(1);
  assert.equal(text(m.read(null)), "bcde");
  m.seek(1);
  assert.equal(text(m.read(-1)), "bcde");
});

Deno.test("Mmap.read() returns a copy, not a view", () => {
  using m = Mmap.anonymous(4);
  const copy = m.read(4);
  m.set(0, 9);
  assert.equal(copy[0], 0);
});

Deno.test("Mmap.readline() and lines() walk the vocabulary file", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "vocab.txt", VOCAB);
  using m = Mmap.open(path, { access: "read" });
  const lines: string[] = [];
  const positions: number[] = [];
  for (let line = m.readline(); line.length > 0; line = m.readline()) {
    lines.push(text(line));
    positions.push(m.tell());
  }
  assert.deepEqual(lines, VOCAB.split(/(?<=\n)/));
  assert.deepEqual(positions, [11, 20, 24, 28, 32, 36, 38, 49]);
  m.seek(0);
  const viaLines = [...m.lines()].map(text);
  assert.deepEqual(viaLines, lines);
  assert.equal(m.tell(), m.length);
  m.seek(20);
  assert.deepEqual([...m.lines()].map(text), [
    "the\n",
    "cat\n",
    "was\n",
    "not\n",
    "a\n",
    "caterpilar\n",
  ]);
});

Deno.test("Mmap.lines() yields views and the last line without a newline", () => {
  using m = Mmap.anonymous(7);
  m.write("ab\ncd\ne");
  m.seek(0);
  const lines = [...m.lines()];
  assert.deepEqual(lines.map(text), ["ab\n", "cd\n", "e"]);
  m.set(0, utf8("X"));
  assert.equal(text(lines[0]), "Xb\n");
});

Deno.test("Mmap.readline() without a final newline returns the tail, then empty", () => {
  using m = Mmap.anonymous(3);
  m.write("a\nb");
  m.seek(0);
  assert.equal(text(m.readline()), "a\n");
  assert.equal(text(m.readline()), "b");
  assert.equal(m.readline().length, 0);
});

Deno.test("Mmap.find() starts at the position by default, as Python", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "vocab.txt", VOCAB);
  using m = Mmap.open(path, { access: "read" });
  assert.equal(m.find("cat"), 24);
  assert.equal(text(m.slice(24, 27)), "cat");
  m.seek(25);
  assert.equal(m.find("cat"), 38);
  assert.equal(m.find("cat", 0), 24);
  assert.equal(m.find("cat", -11), 38);
  assert.equal(m.find("cat", 0, 26), -1);
  assert.equal(m.find("cat", 0, 27), 24);
  assert.equal(m.find("dog", 0), -1);
  assert.equal(m.find(utf8("ñ"), 0), 16);
  assert.equal(m.find("", 5), 5);
  assert.equal(m.find("", 49), 49);
  assert.equal(m.find("a", 30, 20), -1);
});

Deno.test("Mmap.find() and rfind() return -1 when start is past the end, even for an empty needle (CPython 3.15)", () => {
  using m = Mmap.anonymous(3);
  m.write("abc");
  for (const method of ["find", "rfind"] as const) {
    assert.equal(m[method]("", 4), -1, method);
    assert.equal(m[method]("", 2 ** 40), -1, method);
    assert.equal(m[method]("c", 4), -1, method);
  }
  assert.equal(m.find("", 3), 3);
  assert.equal(m.rfind("", 3), 3);
  assert.equal(m.find("", -10), 0);
  assert.equal(m.rfind("", -10), 3);
  assert.equal(m.rfind("", 0, 2), 2);
});

Deno.test("Mmap.find() over large ranges (the memmem path) agrees with the JS search", () => {
  using m = Mmap.anonymous(1 << 20);
  const bytes = m.bytes;
  for (let i = 0; i < bytes.length; i++) bytes[i] = 97 + (i % 7);
  m.set(900_001, utf8("needle"));
  m.set(5_000, utf8("needle"));
  assert.equal(m.find("needle", 0), 5_000);
  assert.equal(m.find("needle", 5_001), 900_001);
  assert.equal(m.find("needle", 5_001, 900_006), -1);
  assert.equal(m.find("needle", 5_001, 900_007), 900_001);
  assert.equal(m.find("needle", -(1 << 19)), 900_001);
  assert.equal(m.find("zzz", 0), -1);
  assert.equal(m.rfind("needle", 0), 900_001);
  assert.equal(m.rfind("needle", 0, 900_006), 5_000);
});

Deno.test("Mmap.rfind() finds the last occurrence within the range", () => {
  using m = Mmap.anonymous(11);
  m.write("cat cat cat");
  assert.equal(m.rfind("cat", 0), 8);
  assert.equal(m.rfind("cat", 0, 10), 4);
  assert.equal(m.rfind("cat", 5), 8);
  assert.equal(m.rfind("cat", 9), -1);
  assert.equal(m.rfind("cat"), -1); // position is at the end
  m.seek(0);
  assert.equal(m.rfind("c"), 8);
  assert.equal(m.rfind("", 0, 4), 4);
  assert.equal(m.rfind("dog", 0), -1);
});

Deno.test("Mmap.get() and set() index bytes, negative from the end", () => {
  using m = Mmap.anonymous(4);
  m.set(0, 1);
  m.set(-1, 255);
  assert.equal(m.get(0), 1);
  assert.equal(m.get(3), 255);
  assert.equal(m.get(-1), 255);
  m.set(1, utf8("ab"));
  assert.deepEqual([...m], [1, 97, 98, 255]);
  m.set(-2, utf8("yz"));
  assert.deepEqual([...m], [1, 97, 121, 122]);
  assert.equal(m.tell(), 0);
});

Deno.test("Mmap.slice() follows Python's slice rules and copies", () => {
  using m = Mmap.anonymous(10);
  m.write("0123456789");
  assert.equal(text(m.slice()), "0123456789");
  assert.equal(text(m.slice(2)), "23456789");
  assert.equal(text(m.slice(-3)), "789");
  assert.equal(text(m.slice(2, -2)), "234567");
  assert.equal(text(m.slice(1, 8, 3)), "147");
  assert.equal(text(m.slice(undefined, undefined, -1)), "9876543210");
  assert.equal(text(m.slice(8, 2, -2)), "864");
  assert.equal(text(m.slice(-100, 100)), "0123456789");
  assert.equal(m.slice(5, 2).length, 0);
  const copy = m.slice(0, 2);
  m.set(0, 120);
  assert.equal(text(copy), "01");
  assert.equal(m.tell(), 10);
});

Deno.test("Mmap.write() writes at the position in access write and reaches the file and other maps", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "lorem_copy.txt", LOREM);
  using m = Mmap.open(path, { access: "write" });
  using other = Mmap.open(path, { access: "read" });
  const word = "consectetuer";
  const at = m.find(word);
  assert.equal(at, 28);
  m.set(at, utf8([...word].reverse().join("")));
  assert.equal(text(other.slice(at, at + word.length)), "reutetcesnoc");
  m.flush();
  assert.equal(
    Deno.readTextFileSync(path).split("\n")[0],
    "Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit.",
  );
  m.seek(0);
  assert.equal(m.write("LOREM"), 5);
  assert.equal(m.tell(), 5);
  m.writeByte(33);
  m.close();
  assert.ok(Deno.readTextFileSync(path).startsWith("LOREM!ipsum"));
});

Deno.test("Mmap access copy keeps writes in memory and never changes the file", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "lorem_copy_2.txt", LOREM);
  using m = Mmap.open(path, { access: ACCESS_COPY });
  using reader = Mmap.open(path, { access: "read" });
  const at = m.find("consectetuer");
  m.set(at, utf8("reutetcesnoc"));
  m.seek(0);
  assert.equal(
    text(m.readline()),
    "Lorem ipsum dolor sit amet, reutetcesnoc adipiscing elit.\n",
  );
  m.flush();
  m.bytes[0] = 120;
  m.close();
  assert.equal(Deno.readTextFileSync(path), LOREM);
  assert.equal(text(reader.slice(0, 5)), "Lorem");
});

Deno.test("Mmap access read refuses writes and a stray write through bytes stays private", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "ro.txt", "readonly");
  using m = Mmap.open(path, { access: "read" });
  assert.throws(() => m.write("x"), {
    name: "TypeError",
    message: /read-only/,
  });
  assert.throws(() => m.writeByte(1), {
    name: "TypeError",
    message: /read-only/,
  });
  assert.throws(() => m.set(0, 1), { name: "TypeError", message: /read-only/ });
  assert.throws(() => m.set(0, utf8("x")), {
    name: "TypeError",
    message: /read-only/,
  });
  assert.throws(() => m.move(0, 1, 1), {
    name: "TypeError",
    message: /read-only/,
  });
  assert.throws(() => m.resize(10), TypeError);
  m.bytes[0] = 88; // must not crash, must not reach the file
  assert.equal(m.get(0), 88);
  m.flush();
  m.close();
  assert.equal(Deno.readTextFileSync(path), "readonly");
});

Deno.test("Mmap access default and write are shared", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "d.txt", "abc");
  using a = Mmap.open(path);
  using b = Mmap.open(path, { access: "write" });
  assert.equal(a.access, "default");
  a.set(0, 120);
  assert.equal(b.get(0), 120);
});

Deno.test("Mmap.open() with length beyond the file extends it for write access only", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "short.txt", "abc");
  assert.throws(
    () => Mmap.open(path, { length: 10, access: "read" }),
    RangeError,
  );
  assert.throws(
    () => Mmap.open(path, { length: 10, access: "copy" }),
    RangeError,
  );
  assert.equal(Deno.statSync(path).size, 3);
  using m = Mmap.open(path, { length: 10 });
  assert.equal(m.length, 10);
  assert.equal(Deno.statSync(path).size, 10);
  assert.equal(text(m.slice(0, 3)), "abc");
  assert.equal(m.get(9), 0);
});

Deno.test("Mmap.open() with length maps part of the file", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "part.txt", "abcdefgh");
  using m = Mmap.open(path, { length: 3, access: "read" });
  assert.equal(m.length, 3);
  assert.equal(text(m.read()), "abc");
  assert.equal(m.size(), 8);
});

Deno.test("Mmap.open() maps an empty file to a zero-length map that can grow", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "empty.txt", "");
  using m = Mmap.open(path);
  assert.equal(m.length, 0);
  assert.equal(m.bytes.length, 0);
  assert.equal(m.read().length, 0);
  assert.equal(m.readline().length, 0);
  assert.equal(m.find("x"), -1);
  m.resize(4);
  m.write("abcd");
  m.close();
  assert.equal(Deno.readTextFileSync(path), "abcd");
});

Deno.test("Mmap.open() with create makes a missing file", () => {
  using dir = tempDir();
  const path = `${dir.path}/new.bin`;
  using m = Mmap.open(path, { create: true, length: 8 });
  m.write("12345678");
  m.flush();
  assert.equal(Deno.readTextFileSync(path), "12345678");
  // open()'s variadic mode argument arrived: rw for all, less the umask.
  const umask = Deno.umask();
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o666 & ~umask);
});

Deno.test("Mmap.open() with an offset maps from there", () => {
  using dir = tempDir();
  const data = new Uint8Array(ALLOCATIONGRANULARITY * 3);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  const path = writeFile(dir.path, "off.bin", data);
  using m = Mmap.open(path, { offset: ALLOCATIONGRANULARITY, access: "read" });
  assert.equal(m.offset, ALLOCATIONGRANULARITY);
  assert.equal(m.length, ALLOCATIONGRANULARITY * 2);
  assert.equal(m.get(0), ALLOCATIONGRANULARITY % 251);
  assert.equal(m.size(), data.length);
  using w = Mmap.open(path, { offset: ALLOCATIONGRANULARITY * 2, length: 16 });
  w.write(new Uint8Array(16).fill(7));
  w.close();
  assert.equal(Deno.readFileSync(path)[ALLOCATIONGRANULARITY * 2 + 15], 7);
});

Deno.test("Mmap.resize() grows and shrinks the file to offset + size", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "vocab.txt", VOCAB);
  using m = Mmap.open(path, { access: "write" });
  // Append to the file, as the tutorial does, then resize to see the new words.
  Deno.writeTextFileSync(path, "dog\nhouse\n", { append: true });
  assert.equal(m.length, 49);
  m.resize(m.size());
  assert.equal(m.length, 59);
  m.seek(49);
  assert.deepEqual([...m.lines()].map(text), ["dog\n", "house\n"]);
  m.resize(100);
  assert.equal(Deno.statSync(path).size, 100);
  m.set(99, 33);
  m.resize(3);
  assert.equal(m.length, 3);
  assert.equal(Deno.statSync(path).size, 3);
  m.close();
  assert.equal(Deno.readTextFileSync(path), "VOC");
});

Deno.test("Mmap.resize() of an offset map sizes the file to offset + newSize", () => {
  using dir = tempDir();
  const path = writeFile(
    dir.path,
    "o.bin",
    new Uint8Array(ALLOCATIONGRANULARITY + 10),
  );
  using m = Mmap.open(path, { offset: ALLOCATIONGRANULARITY });
  assert.equal(m.length, 10);
  m.resize(20);
  assert.equal(Deno.statSync(path).size, ALLOCATIONGRANULARITY + 20);
});

Deno.test("Mmap.resize() of anonymous memory keeps the contents", () => {
  using m = Mmap.anonymous(4);
  m.write("abcd");
  m.resize(3 * PAGESIZE);
  assert.equal(text(m.slice(0, 4)), "abcd");
  m.set(3 * PAGESIZE - 1, 5);
  assert.equal(m.get(-1), 5);
  m.resize(2);
  assert.equal(text(m.slice()), "ab");
  m.resize(0);
  assert.equal(m.length, 0);
  m.resize(5);
  assert.deepEqual([...m], [0, 0, 0, 0, 0]);
  using priv = Mmap.anonymous(4, { flags: MAP_PRIVATE });
  priv.write("wxyz");
  priv.resize(PAGESIZE * 2);
  assert.equal(text(priv.slice(0, 4)), "wxyz");
});

Deno.test("Mmap.resize() keeps the position, as Python", () => {
  using m = Mmap.anonymous(10);
  m.seek(8);
  m.resize(5);
  assert.equal(m.tell(), 8);
  assert.equal(m.read().length, 0);
  assert.throws(() => m.write("x"), RangeError);
});

Deno.test("Mmap.seek() moves from start, current and end, and returns the position", () => {
  using m = Mmap.anonymous(49);
  assert.equal(m.seek(10), 10);
  assert.equal(m.seek(5, 1), 15);
  assert.equal(m.seek(-4, 1), 11);
  assert.equal(m.seek(-9, 2), 40);
  assert.equal(m.seek(0, 2), 49);
  assert.equal(m.tell(), 49);
  assert.equal(m.seekable(), true);
});

Deno.test("Mmap.move() copies overlapping ranges", () => {
  using m = Mmap.anonymous(6);
  m.write("abcdef");
  m.move(2, 0, 4);
  assert.equal(text(m.slice()), "ababcd");
  m.move(0, 2, 4);
  assert.equal(text(m.slice()), "abcdcd");
});

Deno.test("Mmap.flush() writes a page-unaligned range back", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "f.bin", new Uint8Array(3 * PAGESIZE));
  using m = Mmap.open(path);
  m.set(PAGESIZE + 100, 42);
  m.flush(PAGESIZE + 50, 100);
  m.flush();
  m.flush(0, 0);
  assert.equal(Deno.readFileSync(path)[PAGESIZE + 100], 42);
  using anon = Mmap.anonymous(10);
  anon.flush();
});

Deno.test("Mmap.madvise() accepts every Python advice and checks its range", () => {
  using m = Mmap.anonymous(4 * PAGESIZE);
  m.set(PAGESIZE, 9);
  for (
    const advice of [MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED]
  ) m.madvise(advice);
  m.madvise(MADV_NORMAL, PAGESIZE, PAGESIZE);
  m.madvise(MADV_NORMAL, 0, 100 * PAGESIZE); // length is clamped
  assert.throws(() => m.madvise(MADV_NORMAL, 4 * PAGESIZE), RangeError);
  assert.throws(() => m.madvise(MADV_NORMAL, -1), RangeError);
  assert.throws(() => m.madvise(MADV_NORMAL, 0, -1), RangeError);
});

Deno.test("Mmap.madvise() refuses advice outside MADVISE, which includes every advice that can make a later access fault", () => {
  for (const make of [() => Mmap.anonymous(4 * PAGESIZE)]) {
    using m = make();
    for (const advice of Object.values(MADVISE)) {
      // Each is passed on; the kernel may refuse one for this kind of map
      // (MADV_FREE of shared memory: EINVAL), never the library.
      try {
        m.madvise(advice);
      } catch (error) {
        assert.ok(!(error instanceof TypeError), String(error));
        assert.equal(typeof (error as { code?: unknown }).code, "string");
      }
    }
    // Linux: 9 MADV_REMOVE (frees a shared file's blocks), 100 MADV_HWPOISON,
    // 101 MADV_SOFT_OFFLINE, 102/103 MADV_GUARD_INSTALL/REMOVE (guard pages
    // fault on access); 5-7 and 24+ are unassigned or unknown here.
    const known = new Set(Object.values(MADVISE));
    for (
      const advice of [9, 100, 101, 102, 103, 5, 6, 7, 24, 25, 26, 2 ** 31 - 1]
    ) {
      if (known.has(advice)) continue;
      assert.throws(() => m.madvise(advice), TypeError, String(advice));
    }
    m.set(0, 7);
    assert.equal(m.get(0), 7, "the map is still usable");
  }
});

Deno.test({
  name: "Mmap.madvise(MADV_DONTNEED) drops private anonymous pages to zero",
  // Windows has no madvise: the advice is accepted and ignored by design.
  // qemu-user accepts MADV_DONTNEED without dropping the pages.
  ignore: WINDOWS || EMULATOR === "qemu-user",
  fn() {
    using priv = Mmap.anonymous(2 * PAGESIZE, { flags: MAP_PRIVATE });
    priv.set(PAGESIZE, 9);
    priv.madvise(MADV_DONTNEED, PAGESIZE);
    assert.equal(priv.get(PAGESIZE), 0);
  },
});

Deno.test("Mmap.anonymous() is zeroed, shared by default, private or read-only by flags/prot", () => {
  using m = Mmap.anonymous(13);
  m.write("Hello world!");
  assert.deepEqual(m.slice(), utf8("Hello world!\0"));
  assert.equal(m.access, "default");
  assert.equal(m.size(), 13);
  using p = Mmap.anonymous(8, { flags: MAP_PRIVATE });
  assert.equal(p.access, "copy");
  using r = Mmap.anonymous(8, { prot: PROT_READ });
  assert.equal(r.access, "read");
  assert.throws(() => r.write("x"), TypeError);
  r.bytes[0] = 1; // stray write: private page, no fault
  using empty = Mmap.anonymous(0);
  assert.equal(empty.length, 0);
});

Deno.test("Mmap iterates over byte values", () => {
  using m = Mmap.anonymous(3);
  m.write(new Uint8Array([5, 6, 7]));
  assert.deepEqual([...m], [5, 6, 7]);
  assert.deepEqual(Array.from(m), [5, 6, 7]);
});

Deno.test("Mmap shows closed, access, length, pos and offset in console.log", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "vocab.txt", VOCAB);
  const m = Mmap.open(path, { access: "read" });
  m.readline();
  assert.equal(
    Deno.inspect(m),
    'Mmap { closed: false, access: "read", length: 49, pos: 11, offset: 0 }',
  );
  m.close();
  assert.equal(
    Deno.inspect(m),
    'Mmap { closed: true, access: "read", offset: 0 }',
  );
});

Deno.test({
  name: "Mmap.fromFd() maps a duplicate of a descriptor",
  // Descriptors are POSIX: on Windows fromFd() throws NotSupported by design
  // (tests/ffi/windows_model_mmap_test.ts).
  ignore: WINDOWS,
  async fn() {
    using dir = tempDir();
    const path = writeFile(dir.path, "fd.txt", "from a descriptor");
    // Any descriptor will do: open one through the same C library.
    const { libc } = await import("../../src/ffi/libc.ts");
    const fd = libc().open(utf8(`${path}\0`), 0, 0, 0, 0, 0, 0, 0, 0);
    assert.ok(fd >= 0);
    try {
      using m = Mmap.fromFd(fd, { access: "read" });
      assert.equal(text(m.read()), "from a descriptor");
    } finally {
      libc().close(fd); // the map's duplicate stays open until the map closes
    }
    assert.throws(() => Mmap.fromFd(1.5), TypeError);
  },
});

Deno.test({
  name:
    "Mmap.fromFd() of a descriptor that is not open is EBADF, as in CPython",
  ignore: WINDOWS,
  fn() {
    for (const fd of [-1, -2, 1_000_000]) {
      assert.throws(() => Mmap.fromFd(fd), {
        name: "BadResource",
        code: "EBADF",
      });
    }
  },
});

Deno.test("Mmap small copies are independent of the map and of each other", () => {
  using m = Mmap.anonymous(10_000);
  m.write("first\nsecond\n");
  m.seek(0);
  const a = m.readline();
  const b = m.readline();
  const c = m.slice(0, 5000); // large: a buffer of its own
  const d = m.read(3);
  m.set(0, 88);
  a[1] = 89;
  assert.equal(text(a), "fYrst\n");
  assert.equal(text(b), "second\n");
  assert.equal(c[0], 102);
  assert.equal(c.buffer.byteLength, 5000);
  assert.deepEqual([...d], [0, 0, 0]);
  for (const copy of [a, b, d]) assert.equal(copy.byteOffset % 8, 0);
});

Deno.test("Posting or cloning an Mmap throws a DataCloneError saying to post its file path; the map works on", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "post.bin", new Uint8Array([1, 2, 3]));
  // [how it is sent]
  const sends: [string, (value: unknown) => void][] = [
    ["structuredClone", (value) => structuredClone(value)],
    ["postMessage", (value) => {
      const channel = new MessageChannel();
      try {
        channel.port1.postMessage(value);
      } finally {
        channel.port1.close();
        channel.port2.close();
      }
    }],
  ];
  for (const [how, send] of sends) {
    for (const m of [Mmap.open(path, { access: "read" }), Mmap.anonymous(3)]) {
      using map = m;
      assert.throws(() => send(map), (error: unknown) => {
        assert.ok(error instanceof DOMException, how);
        assert.equal(error.name, "DataCloneError", how);
        assert.match(error.message, /post its file path/, how);
        return true;
      });
      assert.equal(map.length, 3, how);
      assert.equal(map.closed, false, how);
    }
  }
});

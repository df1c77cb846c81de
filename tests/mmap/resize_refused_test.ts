/**
 * A `resize()` that the file refuses leaves the map exactly as it was
 * (attack11 A11): a shrink moves the memory first and then cuts the file,
 * so a file that refuses the cut (a memfd sealed against shrinking: EPERM)
 * used to leave `length` unchanged over released memory (`get` gave
 * `undefined`, reads zeros, writes went nowhere, engine messages) and the
 * file's tail claimed (every later open `Busy`). Each way the file refuses
 * a change of size (seals against shrinking, growing, or both), then every
 * reader and writer of the map, a second open of the file, and a resize
 * that the file allows. And (attack12 B2) the views taken before the
 * refused call, of the map's bytes and the arrays over them, stay alive:
 * a refused shrink used to detach them for good.
 */
import assert from "node:assert/strict";
import { frombuffer, Mmap } from "../../mod.ts";
import { F_SEAL_GROW, F_SEAL_SHRINK, libc, memfd, seal } from "./_memfd.ts";

const linux = Deno.build.os === "linux";

const SIZE = 131072;

const ROWS: [string, number, number][] = [
  ["shrink, sealed against shrinking", F_SEAL_SHRINK, 4096],
  ["shrink to nothing, sealed against shrinking", F_SEAL_SHRINK, 0],
  ["grow, sealed against growing", F_SEAL_GROW, 2 * SIZE],
  ["shrink, sealed both ways", F_SEAL_SHRINK | F_SEAL_GROW, 8192],
];

/**
 * Runs `body` for each row of {@linkcode ROWS} on a write map of a new memfd
 * of {@linkcode SIZE} bytes with the row's seals; closes both after.
 */
function eachSealedMap(
  body: (what: string, to: number, m: Mmap, fd: number) => void,
): void {
  const lib = libc();
  try {
    for (const [what, seals, to] of ROWS) {
      const fd = memfd(lib, SIZE);
      try {
        seal(lib, fd, seals);
        const m = Mmap.fromFd(fd, { access: "write" });
        try {
          body(what, to, m, fd);
        } finally {
          m.close();
        }
      } finally {
        lib.symbols.close(fd);
      }
    }
  } finally {
    lib.close();
  }
}

/** What a map shows: every reader, in one record. */
function readAll(m: Mmap) {
  m.seek(69999);
  const read = Array.from(m.read(2));
  m.seek(65000);
  const line = m.readline().length;
  let lines = 0;
  for (const l of m.lines()) lines += l.length;
  let sum = 0;
  for (const b of m) sum += b;
  return {
    length: m.length,
    bytes: m.bytes.length,
    get: m.get(70000),
    find: m.find(new Uint8Array([77])),
    rfind: m.rfind(new Uint8Array([77])),
    slice: Array.from(m.slice(69999, 70001)),
    read,
    line,
    lines,
    sum,
  };
}

Deno.test({
  name:
    "a resize the file refuses (sealed memfd) leaves the map, its bytes and the file's claims as they were",
  ignore: !linux,
  fn() {
    eachSealedMap((what, to, m, fd) => {
      m.set(70000, 77);
      const before = readAll(m);
      assert.throws(
        () => m.resize(to),
        (e: Error) =>
          e instanceof Deno.errors.PermissionDenied &&
          /^ftruncate\(\): .*\(EPERM\): "fd \d+"$/.test(e.message),
        what,
      );
      assert.deepEqual(readAll(m), before, what);
      // Writes reach the file.
      m.set(70001, 5);
      m.seek(100000);
      assert.equal(m.write(new Uint8Array(1000).fill(1)), 1000, what);
      // The file is not claimed by the failed call: it opens again.
      const again = Mmap.fromFd(fd, { access: "read" });
      try {
        assert.equal(again.length, SIZE, what);
        assert.equal(again.get(70000), 77, what);
        assert.equal(again.get(70001), 5, what);
        assert.equal(again.get(100999), 1, what);
      } finally {
        again.close();
      }
      // A resize the file allows still works.
      m.resize(SIZE);
      assert.equal(m.length, SIZE, what);
      assert.equal(m.get(70000), 77, what);
    });
  },
});

/** Views of a map taken before a resize, each read and written the same way. */
function viewsOf(m: Mmap) {
  const bytes = m.bytes;
  const sub = bytes.subarray(65536, 81920);
  const u8 = frombuffer(m.bytes, { dtype: "uint8" });
  const f64 = frombuffer(m.bytes, { dtype: "float64" });
  const rows = u8.reshape(32, 4096).slice("17:"); // rows 17.. start at 69632
  return [
    ["m.bytes", (i: number) => bytes[i], (i: number, v: number) => {
      bytes[i] = v;
    }],
    ["subarray", (i: number) => sub[i - 65536], (i: number, v: number) => {
      sub[i - 65536] = v;
    }],
    ["frombuffer uint8", (i: number) => u8.get(i), (i: number, v: number) => {
      u8.set(i, v);
    }],
    [
      "frombuffer float64",
      (i: number) =>
        new Uint8Array(new Float64Array([f64.get(i >> 3)]).buffer)[i & 7],
      (i: number, v: number) => {
        const word = new Uint8Array(new Float64Array([f64.get(i >> 3)]).buffer);
        word[i & 7] = v;
        f64.set(i >> 3, new Float64Array(word.buffer)[0]);
      },
    ],
    [
      "reshaped, sliced array",
      (i: number) => rows.get((i >> 12) - 17, i & 4095),
      (i: number, v: number) => rows.set((i >> 12) - 17, i & 4095, v),
    ],
  ] as const;
}

Deno.test({
  name:
    "a resize the file refuses (sealed memfd) leaves every view and array taken before it alive",
  ignore: !linux,
  fn() {
    eachSealedMap((what, to, m) => {
      m.set(70000, 77);
      const views = viewsOf(m);
      assert.throws(() => m.resize(to), Deno.errors.PermissionDenied);
      let at = 70001;
      for (const [view, read, write] of views) {
        const where = `${what}: ${view}`;
        assert.equal(read(70000), 77, where);
        write(at, 200);
        assert.equal(read(at), 200, where);
        assert.equal(m.get(at), 200, where);
        m.set(at, 201);
        assert.equal(read(at), 201, where);
        at++;
      }
    });
  },
});

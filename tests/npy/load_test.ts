import assert from "node:assert/strict";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { load, Memmap, NDArray, NpzFile } from "../../mod.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";
import { outputFile } from "../../src/npy/_files.ts";
import {
  EXPECTED,
  expectedValue,
  FIXTURES,
  flat,
  sameValues,
  tempDir,
} from "./_helpers.ts";

function assertFixture(a: NDArray, key: string): void {
  const exp = EXPECTED[key];
  assert.equal(a.dtype.str, exp.descr, key);
  assert.deepEqual(a.shape, exp.shape, key);
  const values = flat(a.toArray());
  const expected = exp.values.map((v) => expectedValue(exp.descr, v));
  assert.ok(
    sameValues(values, expected),
    `${key}: ${Deno.inspect(values)} != ${Deno.inspect(expected)}`,
  );
}

const NPY = Object.keys(EXPECTED).filter((k) =>
  k.endsWith(".npy") && !k.startsWith("npz:")
);
const MEMBERS = ["odd", "f8", "be_c8", "fortran", "empty", "scalar"];

Deno.test("load() reads every NumPy-made .npy fixture into memory", () => {
  assert.ok(NPY.length >= 30);
  for (const name of NPY) {
    const a = load(FIXTURES + name);
    assert.ok(a instanceof NDArray && !(a instanceof Memmap), name);
    assertFixture(a, name);
  }
});

Deno.test("load() keeps Fortran order as strides and reads F-order values right", () => {
  const a = load(FIXTURES + "fortran_f8.npy") as NDArray;
  assert.deepEqual(a.strides, [8, 16, 48]);
  const b = load(FIXTURES + "fortran_be_i2.npy") as NDArray;
  assert.deepEqual(b.strides, [2, 6]);
  assert.equal(b.dtype.str, ">i2");
});

Deno.test("load() with mmapMode 'r' maps every .npy fixture read-only at its data offset", () => {
  for (const name of NPY) {
    const bytes = Deno.readFileSync(FIXTURES + name);
    using m = load(FIXTURES + name, { mmapMode: "r" }) as Memmap;
    assert.ok(m instanceof Memmap, name);
    assert.equal(m.mode, "r");
    assert.equal(m.offset, bytes.length - m.nbytes, name);
    assertFixture(m, name);
    if (m.size > 0) assert.throws(() => m.fill(0), /read-only/);
  }
});

Deno.test("load() with mmapMode 'r+' writes through to the file, 'c' does not", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy`;
  Deno.copyFileSync(FIXTURES + "dtype_be_i4.npy", path);
  {
    using c = load(path, { mmapMode: "c" }) as Memmap;
    c.set(0, 0, 99);
    assert.equal(c.get(0, 0), 99);
  }
  assert.equal((load(path) as NDArray).get(0, 0), -2147483648);
  {
    using w = load(path, { mmapMode: "r+" }) as Memmap;
    w.set(0, 0, 12345);
    w.flush();
  }
  const a = load(path) as NDArray;
  assert.equal(a.get(0, 0), 12345);
  assert.equal(a.dtype.str, ">i4");
  const raw = Deno.readFileSync(path);
  assert.deepEqual([...raw.subarray(128, 132)], [0, 0, 0x30, 0x39]); // big-endian 12345
});

Deno.test("load() accepts file: URLs", () => {
  const a = load(pathToFileURL(FIXTURES + "dtype_le_f8.npy")) as NDArray;
  assert.deepEqual(a.shape, [2, 3]);
});

Deno.test("load() returns an NpzFile listing members without .npy", () => {
  for (const name of ["stored.npz", "deflated.npz"]) {
    using npz = load(FIXTURES + name) as NpzFile;
    assert.ok(npz instanceof NpzFile);
    assert.deepEqual(npz.files, MEMBERS);
    for (const m of MEMBERS) {
      const a = npz.get(m);
      assert.ok(!(a instanceof Memmap));
      assertFixture(a, `npz:${m}`);
      assertFixture(npz.get(`${m}.npy`), `npz:${m}`);
    }
  }
  using pos = load(FIXTURES + "positional.npz") as NpzFile;
  assert.deepEqual(pos.files, ["arr_0", "arr_1"]);
  assertFixture(pos.get("arr_0"), "npz:arr_0");
  assertFixture(pos.get("arr_1"), "npz:arr_1");
});

Deno.test("load() with mmapMode maps stored .npz members in place, even unaligned", () => {
  const bytes = Deno.readFileSync(FIXTURES + "stored.npz");
  using npz = load(FIXTURES + "stored.npz", { mmapMode: "r" }) as NpzFile;
  const offsets: number[] = [];
  for (const m of MEMBERS) {
    using a = npz.get(m) as Memmap;
    assert.ok(a instanceof Memmap, m);
    assert.equal(a.mode, "r");
    assertFixture(a, `npz:${m}`);
    offsets.push(a.offset);
    // The memmap's offset is the absolute offset of the data in the archive.
    assert.deepEqual(
      bytes.subarray(a.offset - 1, a.offset),
      new Uint8Array([0x0a]),
    ); // end of the .npy header
  }
  assert.ok(
    offsets.some((o, i) => o % 8 !== 0 && ["f8", "be_c8"].includes(MEMBERS[i])),
    String(offsets),
  );
});

Deno.test("load() with mmapMode reads deflate members into memory", () => {
  using npz = load(FIXTURES + "deflated.npz", { mmapMode: "r" }) as NpzFile;
  const a = npz.get("f8");
  assert.ok(!(a instanceof Memmap));
  assertFixture(a, "npz:f8");
});

Deno.test("load() with mmapMode 'c' maps .npz members copy-on-write", () => {
  using dir = tempDir();
  const path = `${dir.path}/s.npz`;
  Deno.copyFileSync(FIXTURES + "stored.npz", path);
  {
    using npz = load(path, { mmapMode: "c" }) as NpzFile;
    using a = npz.get("f8") as Memmap;
    a.set(0, 1.25);
    assert.equal(a.get(0), 1.25);
  }
  assert.deepEqual(
    Deno.readFileSync(path),
    Deno.readFileSync(FIXTURES + "stored.npz"),
  );
});

Deno.test("load() refuses mmapMode 'r+' for .npz archives and unknown modes", () => {
  assert.throws(
    () => load(FIXTURES + "stored.npz", { mmapMode: "r+" }),
    (e: unknown) =>
      e instanceof TypeError && /CRC-32 stale/.test((e as Error).message),
  );
  assert.throws(
    () => load(FIXTURES + "dtype_u1.npy", { mmapMode: "w+" as "r" }),
    TypeError,
  );
});

Deno.test("NpzFile.get() refuses unknown names and a closed archive; arrays outlive close()", () => {
  const npz = new NpzFile(FIXTURES + "stored.npz", { mmapMode: "r" });
  assert.throws(
    () => npz.get("nope"),
    (e: unknown) =>
      e instanceof RangeError && /"odd", "f8"/.test((e as Error).message),
  );
  const mapped = npz.get("f8") as Memmap;
  const inMemory = new NpzFile(FIXTURES + "deflated.npz");
  const copied = inMemory.get("f8");
  npz.close();
  npz.close();
  inMemory[Symbol.dispose]();
  assert.equal(npz.closed, true);
  assert.throws(
    () => npz.get("f8"),
    (e: unknown) =>
      e instanceof Deno.errors.BadResource &&
      /closed/.test((e as Error).message),
  );
  assertFixture(mapped, "npz:f8");
  assertFixture(copied, "npz:f8");
  mapped.close();
});

Deno.test("load() refuses files that are neither .npy nor .npz", () => {
  using dir = tempDir();
  Deno.writeFileSync(
    `${dir.path}/p.pkl`,
    new Uint8Array([0x80, 0x04, 0x95, 1, 2, 3]),
  );
  assert.throws(
    () => load(`${dir.path}/p.pkl`),
    (e: unknown) =>
      e instanceof Deno.errors.InvalidData &&
      (e as Error).message ===
        `Not a .npy or .npz file: it starts with b'\\x80\\x04\\x95\\x01\\x02\\x03' (pickles are never read) in ${
          JSON.stringify(resolve(`${dir.path}/p.pkl`))
        } at byte 0`,
  );
  Deno.writeFileSync(`${dir.path}/empty.npy`, new Uint8Array(0));
  assert.throws(() => load(`${dir.path}/empty.npy`), Deno.errors.InvalidData);
  assert.throws(() => load(`${dir.path}/missing.npy`), Deno.errors.NotFound);
});

Deno.test("load() refuses truncated data before allocating or mapping", () => {
  using dir = tempDir();
  const full = Deno.readFileSync(FIXTURES + "dtype_le_f8.npy");
  Deno.writeFileSync(`${dir.path}/t.npy`, full.subarray(0, full.length - 1));
  for (const mmapMode of [null, "r", "r+", "c"] as const) {
    assert.throws(
      () => load(`${dir.path}/t.npy`, { mmapMode }),
      (e: unknown) =>
        e instanceof Deno.errors.InvalidData &&
        /^Truncated \.npy data: shape \(2, 3\) of <f8 needs 48 bytes but 47 follow the header in ".*t\.npy" at byte 175$/
          .test((e as Error).message),
    );
  }
  // A header claiming 2**40 elements in a 200-byte file fails without allocating them.
  const text =
    "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }";
  const header = new Uint8Array(10 + 118);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  header.set(new TextEncoder().encode(text.padEnd(117) + "\n"), 10);
  Deno.writeFileSync(`${dir.path}/huge.npy`, header);
  assert.throws(
    () => load(`${dir.path}/huge.npy`),
    /needs 8796093022208 bytes but 0 follow the header/,
  );
  // The file is left as it was: r+ does not grow it.
  assert.throws(
    () => load(`${dir.path}/huge.npy`, { mmapMode: "r+" }),
    Deno.errors.InvalidData,
  );
  assert.equal(Deno.statSync(`${dir.path}/huge.npy`).size, 128);
});

Deno.test("load() throws TypeError for object arrays without reading the pickle", () => {
  using dir = tempDir();
  const text = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }";
  const header = new Uint8Array(128);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  header.set(new TextEncoder().encode(text.padEnd(117) + "\n"), 10);
  Deno.writeFileSync(
    `${dir.path}/o.npy`,
    new Uint8Array([...header, 0x80, 0x04, 0x2e]),
  );
  for (const mmapMode of [null, "r"] as const) {
    assert.throws(
      () => load(`${dir.path}/o.npy`, { mmapMode }),
      (e: unknown) =>
        e instanceof TypeError &&
        /holds pickled Python objects/.test((e as Error).message),
    );
  }
});

Deno.test("NpzFile.get() returns a member that is not .npy as its bytes", () => {
  using dir = tempDir();
  const path = `${dir.path}/mixed.npz`;
  // A zip with a text member, made with ZipWriter.
  using file = Deno.openSync(path, { write: true, read: true, create: true });
  const w = new ZipWriter(outputFile(file, path));
  w.add("notes.txt", [new TextEncoder().encode("hi")]);
  w.finish();
  using npz = new NpzFile(path);
  assert.deepEqual(npz.files, ["notes.txt"]);
  assert.deepEqual(npz.get("notes.txt").toArray(), [104, 105]);
  using mapped = new NpzFile(path, { mmapMode: "r" });
  using m = mapped.get("notes.txt") as Memmap;
  assert.deepEqual(m.toArray(), [104, 105]);
});

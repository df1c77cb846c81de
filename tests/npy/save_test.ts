import assert from "node:assert/strict";
import {
  array,
  load,
  Memmap,
  memmap,
  type NDArray,
  type NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";
import { bytesSource } from "../../src/npy/byte_source.ts";
import { readNpyHeader } from "../../src/npy/header.ts";
import { ZipReader } from "../../src/npy/zip_reader.ts";
import { EXPECTED, FIXTURES, tempDir } from "./_helpers.ts";

const MODERN = Object.keys(EXPECTED).filter((k) =>
  k.endsWith(".npy") && !k.startsWith("npz:") && !k.startsWith("numpy1") &&
  !k.startsWith("python2") &&
  !k.startsWith("version")
);

function leftovers(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".tmp")
  );
}

Deno.test("save() writes the same bytes as np.save for every fixture", () => {
  using dir = tempDir();
  for (const name of MODERN) {
    for (const mmapMode of [null, "r"] as const) {
      const a = load(FIXTURES + name, { mmapMode }) as NDArray;
      save(`${dir.path}/${name}`, a);
      if (a instanceof Memmap) a.close();
      assert.deepEqual(
        Deno.readFileSync(`${dir.path}/${name}`),
        Deno.readFileSync(FIXTURES + name),
        name,
      );
    }
  }
});

Deno.test("save() appends .npy when missing, as NumPy", () => {
  using dir = tempDir();
  save(`${dir.path}/plain`, array([1, 2]));
  save(`${dir.path}/keep.npy`, array([1, 2]));
  save(`${dir.path}/other.bin`, array([1, 2]));
  assert.deepEqual(
    [...Deno.readDirSync(dir.path)].map((e) => e.name).sort(),
    ["keep.npy", "other.bin.npy", "plain.npy"],
  );
});

Deno.test("save() writes Fortran-contiguous arrays in Fortran order and others in C order", () => {
  using dir = tempDir();
  const c = array([[1, 2, 3], [4, 5, 6]], { dtype: "int16" });
  const cases: [string, NDArray, boolean][] = [
    ["c", c, false],
    ["t", c.T, true],
    ["step", c.slice(":", "::2"), false],
    ["reversed", c.slice("::-1", "::-1"), false],
    [
      "t3",
      array(Array.from({ length: 24 }, (_, i) => i), { shape: [2, 3, 4] })
        .transpose(1, 0, 2),
      false,
    ],
    ["row", c.slice(1), false],
    ["scalar", array(3.5), false],
    ["empty", array([], { dtype: "u2" }), false],
  ];
  for (const [name, a, fortran] of cases) {
    save(`${dir.path}/${name}.npy`, a);
    const bytes = Deno.readFileSync(`${dir.path}/${name}.npy`);
    const h = readNpyHeader(bytesSource(bytes), 0, name);
    assert.equal(h.fortranOrder, fortran, name);
    assert.deepEqual(h.shape, a.shape, name);
    assert.equal(bytes.length, h.headerLength + a.nbytes, name);
    const back = load(`${dir.path}/${name}.npy`) as NDArray;
    assert.deepEqual(back.toArray(), a.toArray(), name);
    assert.equal(back.dtype.str, a.dtype.str, name);
  }
});

Deno.test("save() keeps a non-native byte order", () => {
  using dir = tempDir();
  const a = array([1, 256], { dtype: ">u2" });
  save(`${dir.path}/be.npy`, a);
  const bytes = Deno.readFileSync(`${dir.path}/be.npy`);
  assert.deepEqual([...bytes.subarray(128)], [0, 1, 1, 0]);
  assert.match(
    new TextDecoder().decode(bytes.subarray(10, 30)),
    /'descr': '>u2'/,
  );
});

Deno.test("save() refuses what is not an array and a closed memmap, leaving no file", () => {
  using dir = tempDir();
  assert.throws(
    () => save(`${dir.path}/x.npy`, [1, 2] as unknown as NDArray),
    (e: unknown) =>
      e instanceof TypeError &&
      /expected an NDArray/.test((e as Error).message),
  );
  const m = memmap(`${dir.path}/raw.bin`, { mode: "w+", shape: [4] });
  m.close();
  assert.throws(() => save(`${dir.path}/x.npy`, m), Deno.errors.BadResource);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), [
    "raw.bin",
  ]);
});

Deno.test("save() that fails midway leaves the previous file and no temporary file", () => {
  using dir = tempDir();
  const path = `${dir.path}/keep.npy`;
  save(path, array([1, 2, 3]));
  const before = Deno.readFileSync(path);
  // A directory in the way makes the final rename fail after all data is written.
  Deno.mkdirSync(`${dir.path}/blocked.npy/inner`, { recursive: true });
  assert.throws(() => save(`${dir.path}/blocked.npy`, array([1, 2, 3])));
  assert.deepEqual(leftovers(dir.path), []);
  assert.deepEqual(Deno.readFileSync(path), before);
});

Deno.test("save() over the file a memmap maps replaces it safely", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy`;
  save(path, array([1, 2, 3, 4], { dtype: "float32" }));
  using m = load(path, { mmapMode: "r" }) as Memmap;
  if (Deno.build.os === "windows") {
    // Windows cannot replace a mapped file: the save fails and changes
    // nothing (NumPy's np.save fails there too).
    assert.throws(() => save(path, m.slice("::-1")), (e: unknown) => {
      assert.ok(e instanceof Deno.errors.PermissionDenied, String(e));
      assert.match((e as Error).message, /^Cannot replace ".*a\.npy": /);
      return true;
    });
    assert.deepEqual(leftovers(dir.path), []);
    assert.deepEqual((load(path) as NDArray).toArray(), [1, 2, 3, 4]);
  } else {
    save(path, m.slice("::-1"));
    assert.deepEqual((load(path) as NDArray).toArray(), [4, 3, 2, 1]);
  }
  assert.deepEqual(m.toArray(), [1, 2, 3, 4]);
});

Deno.test("openMemmap() in mode 'w+' creates a .npy file with a zeroed body", () => {
  using dir = tempDir();
  const path = `${dir.path}/new.npy`;
  {
    using m = openMemmap(path, {
      mode: "w+",
      dtype: "<c8",
      shape: [3, 2],
      fortranOrder: true,
    });
    assert.equal(m.mode, "r+");
    assert.equal(m.offset, 128);
    assert.deepEqual(m.strides, [8, 24]);
    assert.deepEqual(m.get(2, 1), { re: 0, im: 0 });
    m.set(2, 1, 5);
  }
  assert.equal(Deno.statSync(path).size, 128 + 48);
  const h = readNpyHeader(bytesSource(Deno.readFileSync(path)), 0, "new");
  assert.equal(h.descr.str, "<c8");
  assert.equal(h.fortranOrder, true);
  assert.deepEqual(h.shape, [3, 2]);
  assert.deepEqual((load(path) as NDArray).get(2, 1), { re: 5, im: 0 });
});

Deno.test("openMemmap() defaults to float64 and honours the version", () => {
  using dir = tempDir();
  for (
    const [version, headerLength] of [[[1, 0], 128], [[2, 0], 128], [
      [3, 0],
      128,
    ]] as const
  ) {
    const path = `${dir.path}/v${version[0]}.npy`;
    using m = openMemmap(path, {
      mode: "w+",
      shape: [5],
      version: [...version] as [1, 0],
    });
    assert.equal(m.dtype.str, "<f8");
    assert.equal(m.offset, headerLength);
    const bytes = Deno.readFileSync(path);
    assert.equal(bytes[6], version[0]);
    assert.deepEqual(
      readNpyHeader(bytesSource(bytes), 0, "v").version,
      version,
    );
  }
});

Deno.test("openMemmap() maps existing files in modes 'r', 'r+' and 'c'", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy`;
  Deno.copyFileSync(FIXTURES + "fortran_f8.npy", path);
  {
    using r = openMemmap(path, { mode: "r", dtype: "int8", shape: [1] }); // dtype and shape ignored, as NumPy
    assert.equal(r.dtype.str, "<f8");
    assert.deepEqual(r.shape, [2, 3, 4]);
    assert.deepEqual(r.strides, [8, 16, 48]);
    assert.throws(() => r.set(0, 0, 0, 1), /read-only/);
  }
  {
    using c = openMemmap(path, { mode: "c" });
    c.set(0, 0, 0, 42);
  }
  assert.notEqual((load(path) as NDArray).get(0, 0, 0), 42);
  {
    using w = openMemmap(path);
    assert.equal(w.mode, "r+");
    w.set(0, 0, 0, 42);
  }
  assert.equal((load(path) as NDArray).get(0, 0, 0), 42);
});

Deno.test("openMemmap() refuses bad arguments without creating a file", () => {
  using dir = tempDir();
  const path = `${dir.path}/x.npy`;
  assert.throws(() => openMemmap(path, { mode: "w+" }), /without a shape/);
  assert.throws(
    () => openMemmap(path, { mode: "w+", shape: [2], dtype: "object" }),
    TypeError,
  );
  assert.throws(
    () =>
      openMemmap(path, {
        mode: "w+",
        shape: [2],
        version: [4, 0] as unknown as [1, 0],
      }),
    /version must be/,
  );
  assert.throws(() => openMemmap(path, { mode: "x" as "r" }), /mode must be/);
  assert.throws(() => openMemmap(path, { mode: "r" }), Deno.errors.NotFound);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});

Deno.test("savez() and savezCompressed() write archives that load back, appending .npz", () => {
  using dir = tempDir();
  const arrays = {
    a: array([[1, 2], [3, 4]], { dtype: ">i8" }),
    odd: array([1, 2, 3], { dtype: "int8" }),
    t: array([[1, 2, 3], [4, 5, 6]], { dtype: "float32" }).T,
    s: array([[1, 2, 3], [4, 5, 6]]).slice(":", "::2"),
    e: array([], { dtype: "c16" }),
    z: array(true),
  };
  savez(`${dir.path}/s`, arrays);
  savezCompressed(`${dir.path}/c.npz`, arrays);
  for (const name of ["s.npz", "c.npz"]) {
    using npz = load(`${dir.path}/${name}`) as NpzFile;
    assert.deepEqual(npz.files, Object.keys(arrays));
    for (const [key, a] of Object.entries(arrays)) {
      const b = npz.get(key);
      assert.equal(b.dtype.str, a.dtype.str, `${name} ${key}`);
      assert.deepEqual(b.shape, a.shape);
      assert.deepEqual(b.toArray(), a.toArray());
    }
  }
  // Stored members' data is 64-byte aligned in the archive.
  const zip = new ZipReader(
    bytesSource(Deno.readFileSync(`${dir.path}/s.npz`)),
    "s",
  );
  for (const e of zip.entries) assert.equal(zip.dataOffset(e) % 64, 0, e.name);
  using mapped = load(`${dir.path}/s.npz`, { mmapMode: "r" }) as NpzFile;
  for (const key of Object.keys(arrays)) {
    using m = mapped.get(key) as Memmap;
    assert.equal(m.offset % 64, 0);
    assert.deepEqual(m.toArray(), arrays[key as keyof typeof arrays].toArray());
  }
});

Deno.test("savez() of no arrays writes an empty archive", () => {
  using dir = tempDir();
  savez(`${dir.path}/none.npz`, {});
  assert.equal(Deno.statSync(`${dir.path}/none.npz`).size, 22);
  using npz = load(`${dir.path}/none.npz`) as NpzFile;
  assert.deepEqual(npz.files, []);
});

Deno.test("savez() refuses a member that is not an array before creating the file", () => {
  using dir = tempDir();
  assert.throws(
    () =>
      savez(`${dir.path}/bad.npz`, {
        a: array([1]),
        b: 5 as unknown as NDArray,
      }),
    (e: unknown) =>
      e instanceof TypeError &&
      /Cannot save member "b"/.test((e as Error).message),
  );
  assert.throws(
    () =>
      savezCompressed(
        `${dir.path}/bad.npz`,
        null as unknown as Record<string, NDArray>,
      ),
    TypeError,
  );
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});

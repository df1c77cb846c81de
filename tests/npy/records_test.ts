import assert from "node:assert/strict";
import {
  array,
  type ArrayData,
  dtype,
  load,
  type Memmap,
  type NDArray,
  NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";
import { tempDir } from "../test_util.ts";
import {
  HAS_NUMPY,
  makeFixtures,
  nestValues,
  type RecordCase,
  recordCases,
  RECORDS,
} from "../memmap/_records.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";
import { outputFile } from "../../src/npy/_files.ts";

function same(a: NDArray, c: RecordCase, what: string): void {
  assert.ok(
    a.dtype.equals(dtype(c.spec, { align: c.align })),
    `${what}: dtype`,
  );
  assert.deepEqual(a.shape, c.shape, `${what}: shape`);
  assert.deepEqual(a.toArray(), nestValues(c.shape, c.values), what);
}

function checkFiles(dir: string): void {
  const cases = recordCases(dir);
  using out = tempDir();
  for (const [name, c] of Object.entries(cases)) {
    const file = `${dir}/${name}.npy`;
    const numpyBytes = Deno.readFileSync(file);
    const inMemory = load(file as `${string}.npy`);
    same(inMemory, c, `${name}: load`);
    {
      using mapped = load(file as `${string}.npy`, { mmapMode: "r" });
      same(mapped, c, `${name}: load mmapMode r`);
    }
    // save() writes what np.save wrote, from the loaded array and from values.
    save(`${out.path}/${name}.npy`, inMemory);
    assert.deepEqual(
      Deno.readFileSync(`${out.path}/${name}.npy`),
      numpyBytes,
      `${name}: save of the loaded array`,
    );
    const t = dtype(c.spec, { align: c.align });
    const built = array(nestValues(c.shape, c.values) as ArrayData, {
      dtype: t,
      shape: c.shape,
    });
    save(`${out.path}/${name}_built.npy`, built);
    assert.deepEqual(
      Deno.readFileSync(`${out.path}/${name}_built.npy`),
      numpyBytes,
      `${name}: save of an array built here`,
    );
    // openMemmap w+ and the values assigned through the map: the same file.
    {
      using m = openMemmap(`${out.path}/${name}_map.npy`, {
        mode: "w+",
        dtype: t,
        shape: c.shape,
      });
      m.assign(built);
    }
    assert.deepEqual(
      Deno.readFileSync(`${out.path}/${name}_map.npy`),
      numpyBytes,
      `${name}: openMemmap w+`,
    );
  }
  for (const archive of ["records.npz", "records_c.npz"]) {
    for (const mmapMode of [null, "r"] as const) {
      using npz = load(`${dir}/${archive}` as `${string}.npz`, { mmapMode });
      assert.deepEqual(npz.files, Object.keys(cases));
      for (const [name, a] of npz.entries()) {
        same(a, cases[name], `${archive} ${name} mmapMode ${mmapMode}`);
        if (mmapMode !== null && archive === "records.npz") {
          (a as Memmap).close();
        }
      }
    }
  }
}

Deno.test("NumPy's .npy and .npz files of records, bytes, text and datetimes load value for value, and save() writes them byte for byte", () => {
  checkFiles(RECORDS);
});

Deno.test({
  name: "the same, with files made by the installed NumPy",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    makeFixtures(dir.path);
    checkFiles(dir.path);
  },
});

Deno.test({
  name:
    "NumPy loads what savez() and savezCompressed() write here, identical to its own arrays",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    const cases = recordCases();
    const arrays: Record<string, NDArray> = {};
    for (const [name, c] of Object.entries(cases)) {
      arrays[name] = array(nestValues(c.shape, c.values) as ArrayData, {
        dtype: dtype(c.spec, { align: c.align }),
        shape: c.shape,
      });
    }
    savez(`${dir.path}/ours.npz`, arrays);
    savezCompressed(`${dir.path}/ours_c.npz`, arrays);
    const script = `
import sys, numpy as np
ref = np.load(sys.argv[1] + "/records.npz")
bad = []
for f in ("ours.npz", "ours_c.npz"):
    ours = np.load(sys.argv[2] + "/" + f)
    if list(ours.keys()) != list(ref.keys()): bad.append(f + ": keys")
    for k in ref.keys():
        a, b = ref[k], ours[k]
        if a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
            bad.append(f + ": " + k)
print(" ".join(bad) or "ok")`;
    const out = new Deno.Command("python3", {
      args: ["-c", script, RECORDS, dir.path],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(
      new TextDecoder().decode(out.stdout).trim(),
      "ok",
      new TextDecoder().decode(out.stderr),
    );
  },
});

/** A record type with `n` fields: its header passes 10,000 characters from about 700 fields. */
function wide(n: number) {
  return dtype(
    Array.from({ length: n }, (_, i) => [`field_${i}`, "<f4"] as const),
  );
}

Deno.test("the .npy version is chosen as NumPy's writer does: 1.0, 2.0 past 64 KiB of header, 3.0 for names beyond Latin-1", () => {
  using dir = tempDir();
  const cases: [string, NDArray, number][] = [
    ["plain", array([1, 2]), 1],
    ["latin1", array([{ "données": 1 }], { dtype: [["données", "<f8"]] }), 1],
    ["utf8", array([{ "数据": 1 }], { dtype: [["数据", "<f8"]] }), 3],
    ["long", array([], { dtype: wide(5000) }), 2],
  ];
  for (const [name, a, major] of cases) {
    save(`${dir.path}/${name}.npy`, a);
    const bytes = Deno.readFileSync(`${dir.path}/${name}.npy`);
    assert.equal(bytes[6], major, name);
    const back = load(`${dir.path}/${name}.npy`, { maxHeaderSize: 1e6 });
    assert.ok(back.dtype.equals(a.dtype), name);
  }
  assert.throws(
    () =>
      openMemmap(`${dir.path}/v2.npy`, {
        mode: "w+",
        dtype: [["数据", "<f8"]],
        shape: [1],
        version: [2, 0],
      }),
    TypeError,
  );
  using m = openMemmap(`${dir.path}/v3.npy`, {
    mode: "w+",
    dtype: [["数据", "<f8"]],
    shape: [1],
    version: [3, 0],
  });
  assert.equal(Deno.readFileSync(`${dir.path}/v3.npy`)[6], 3);
  m.close();
});

Deno.test({
  name:
    "version choice and the header text match np.save byte for byte for wide and unicode records",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    save(`${dir.path}/wide.npy`, array([], { dtype: wide(5000) }));
    save(
      `${dir.path}/uni.npy`,
      array([], { dtype: [["数据", "<f8"], ["x'y", "S2"]] }),
    );
    const script = `
import sys, io, warnings, numpy as np
warnings.simplefilter("ignore")
d = sys.argv[1]
for name, dt in [("wide", [(f"field_{i}", "<f4") for i in range(5000)]),
                 ("uni", [("数据", "<f8"), ("x'y", "S2")])]:
    buf = io.BytesIO(); np.save(buf, np.zeros(0, dt))
    print(buf.getvalue() == open(f"{d}/{name}.npy", "rb").read())`;
    const out = new Deno.Command("python3", {
      args: ["-c", script, dir.path],
      stdout: "piped",
    }).outputSync();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "True\nTrue");
  },
});

Deno.test("maxHeaderSize: headers over 10,000 characters are refused by default and load when allowed, in load(), openMemmap() and NpzFile", () => {
  using dir = tempDir();
  const a = array([], { dtype: wide(1000) });
  save(`${dir.path}/big.npy`, a);
  savez(`${dir.path}/big.npz`, { a });
  const refused = (e: unknown) =>
    e instanceof Deno.errors.InvalidData && /maxHeaderSize/.test(String(e));
  assert.throws(() => load(`${dir.path}/big.npy`), refused);
  assert.throws(() => load(`${dir.path}/big.npy`, { mmapMode: "r" }), refused);
  assert.throws(
    () => openMemmap(`${dir.path}/big.npy`, { mode: "r" }),
    refused,
  );
  assert.throws(() => load(`${dir.path}/big.npz`).get("a"), refused);
  assert.throws(() => new NpzFile(`${dir.path}/big.npz`).get("a"), refused);
  const big = { maxHeaderSize: 100_000 };
  assert.equal(load(`${dir.path}/big.npy`, big).dtype.names!.length, 1000);
  using m = openMemmap(`${dir.path}/big.npy`, { mode: "r", ...big });
  assert.equal(m.dtype.itemsize, 4000);
  using npz = load(`${dir.path}/big.npz`, big);
  assert.equal(npz.get("a").dtype.itemsize, 4000);
  using npz2 = new NpzFile(`${dir.path}/big.npz`, big);
  assert.equal(npz2.get("a").size, 0);
  for (const bad of [0, -1, 1.5, "10", null]) {
    assert.throws(
      () => load(`${dir.path}/big.npy`, { maxHeaderSize: bad as number }),
      TypeError,
    );
  }
});

Deno.test("NpzFile is a read-only mapping: keys(), values(), entries(), has(), iteration over names", () => {
  using dir = tempDir();
  savez(`${dir.path}/a.npz`, {
    x: array([1, 2]),
    s: array(["ab", "c"], { dtype: "S2" }),
  });
  using npz = new NpzFile(`${dir.path}/a.npz`);
  assert.deepEqual([...npz], ["x", "s"]);
  assert.deepEqual([...npz.keys()], ["x", "s"]);
  assert.deepEqual(
    [...npz.values()].map((a) => a.dtype.str),
    ["<f8", "|S2"],
  );
  assert.deepEqual(
    [...npz.entries()].map(([k, a]) => [k, a.size]),
    [["x", 2], ["s", 2]],
  );
  assert.ok(npz.has("x") && npz.has("x.npy") && npz.has("s"));
  assert.ok(!npz.has("y") && !npz.has(5 as unknown as string));
  npz.close();
  assert.throws(() => [...npz.values()], Deno.errors.BadResource);
  assert.deepEqual([...npz.keys()], ["x", "s"]);
});

Deno.test("an .npz member whose name lacks .npy but whose bytes start with NumPy's magic loads as an array", () => {
  using dir = tempDir();
  save(`${dir.path}/m.npy`, array([1, 2, 3], { dtype: "<i2" }));
  const npy = Deno.readFileSync(`${dir.path}/m.npy`);
  for (const compress of [false, true]) {
    const path = `${dir.path}/odd_${compress}.npz`;
    {
      using file = Deno.openSync(path, { write: true, create: true });
      const zip = new ZipWriter(outputFile(file, path));
      zip.add("data", [npy], { compress });
      zip.add("notes.txt", [new TextEncoder().encode("hello")], { compress });
      zip.finish();
    }
    for (const mmapMode of [null, "r"] as const) {
      using npz = new NpzFile(path, { mmapMode });
      assert.deepEqual(npz.files, ["data", "notes.txt"]);
      const data = npz.get("data");
      assert.equal(data.dtype.str, "<i2");
      assert.deepEqual(data.toArray(), [1, 2, 3]);
      const notes = npz.get("notes.txt");
      assert.equal(notes.dtype.str, "|u1");
      // Mapped members are closed (Windows cannot delete a mapped file).
      if (mmapMode !== null && !compress) {
        (data as Memmap).close();
        (notes as Memmap).close();
      }
    }
  }
});

Deno.test("save() refuses a record with overlapping fields (NumPy has no descr for it)", () => {
  using dir = tempDir();
  const t = dtype({
    names: ["a", "b"],
    formats: ["<i4", "<i2"],
    offsets: [0, 0],
  });
  assert.throws(
    () => save(`${dir.path}/o.npy`, array([{ a: 1, b: 1 }], { dtype: t })),
    TypeError,
  );
  assert.throws(() => Deno.statSync(`${dir.path}/o.npy`), Deno.errors.NotFound);
});

Deno.test("hostile record headers are refused with InvalidData (or TypeError for pickles), allocating nothing", () => {
  using dir = tempDir();
  const npy = (descr: string) => {
    const text = `{'descr': ${descr}, 'fortran_order': False, 'shape': (3,), }`;
    const body = new TextEncoder().encode(text);
    const total = Math.ceil((10 + body.length + 1) / 64) * 64;
    const out = new Uint8Array(total).fill(0x20);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, total - 10, true);
    out.set(body, 10);
    out[total - 1] = 0x0a;
    const path = `${dir.path}/h.npy`;
    Deno.writeFileSync(path, out);
    return path;
  };
  let deep = "'<f8'";
  for (let i = 0; i < 40; i++) deep = `[('a', ${deep})]`;
  const invalid: string[] = [
    "[('a', '<U2147483647', (2147483647, 2147483647))]",
    "('<f8', (4294967296, 4294967296))",
    "'|S1000000000000'",
    "[('a', '<f8'), ('a', '<i4')]",
    "[('a', '<f8', (-1,))]",
    "[('a',)]",
    "[(('t', 'a'), '<f8'), ('t', '<i4')]",
    deep,
    "'|V9007199254740993'",
  ];
  for (const descr of invalid) {
    const path = npy(descr);
    assert.throws(
      () => load(path as `${string}.npy`),
      (e: unknown) => e instanceof Deno.errors.InvalidData,
      descr.slice(0, 60),
    );
    assert.throws(
      () => load(path as `${string}.npy`, { mmapMode: "r" }),
      (e: unknown) => e instanceof Deno.errors.InvalidData,
      descr.slice(0, 60),
    );
  }
  for (
    const descr of ["[('a', '<f8'), ('b', '|O')]", "[('a', [('b', 'O')])]"]
  ) {
    assert.throws(
      () => load(npy(descr) as `${string}.npy`),
      (e: unknown) =>
        e instanceof TypeError && /pickled Python objects/.test(e.message),
    );
  }
  // Well-formed but larger than the file: truncated data, nothing allocated.
  assert.throws(
    () => load(npy("[('a', '|S2000000000')]") as `${string}.npy`),
    (e: unknown) =>
      e instanceof Deno.errors.InvalidData && /Truncated/.test(e.message),
  );
});

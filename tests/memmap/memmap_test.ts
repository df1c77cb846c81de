import assert from "node:assert/strict";
import { resolve } from "node:path";
import { memmap } from "../../src/memmap/memmap.ts";
import type { NDArray } from "../../src/memmap/ndarray.ts";
import { NO_NUMPY, numpy, tempDir } from "./_numpy.ts";

const TYPES = [
  "b1",
  "i1",
  "u1",
  "i2",
  "u2",
  "i4",
  "u4",
  "i8",
  "u8",
  "f2",
  "f4",
  "f8",
  "c8",
  "c16",
];

function plain(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === "bigint") return String(x);
  if (typeof x === "object" && x !== null) {
    return [(x as { re: number }).re, (x as { im: number }).im];
  }
  return x;
}

const PY_PLAIN = `
def plain(v):
    v = np.asarray(v)
    def one(z):
        if v.dtype.kind == 'c': return [z.real, z.imag]
        if v.dtype.kind in 'iu' and v.dtype.itemsize == 8: return str(z)
        return z
    def rec(x):
        return [rec(y) for y in x] if isinstance(x, list) else one(x)
    return rec(v.tolist())
`;

Deno.test(
  "memmap() reads every type in both byte orders at unaligned offsets, as NumPy",
  {
    ignore: NO_NUMPY,
  },
  () => {
    using tmp = tempDir();
    const specs = TYPES.flatMap((t) =>
      t === "b1" || t.endsWith("1") ? [`|${t}`] : [`<${t}`, `>${t}`]
    );
    const expected = numpy<Record<string, unknown>>(`${PY_PLAIN}
rng = np.random.default_rng(3)
out = {}
for i, s in enumerate(${JSON.stringify(specs)}):
    d = np.dtype(s)
    off = 3 + i
    vals = rng.integers(-100, 100, size=(3, 5)).astype(d)
    if d.kind == 'c': vals = vals + 1j * rng.integers(-9, 9, size=(3, 5))
    if d.kind == 'f': vals = vals / 4
    vals = vals.astype(d)
    path = "${tmp.dir}/" + s.replace("<", "L").replace(">", "B").replace("|", "N") + ".bin"
    with open(path, "wb") as f:
        f.write(b"x" * off)
        f.write(vals.tobytes(order="C"))
    m = np.memmap(path, dtype=d, mode="r", offset=off, shape=(3, 5))
    out[s] = [path, off, plain(m), plain(m.sum()), plain(m.T[1:, ::-2]), plain(m.max(axis=0))]
print(json.dumps(out))`);
    for (const spec of specs) {
      const [path, offset, values, sum, sliced, max] = expected[spec] as [
        string,
        number,
        unknown,
        unknown,
        unknown,
        unknown,
      ];
      using m = memmap(path, { dtype: spec, mode: "r", offset, shape: [3, 5] });
      assert.equal(m.dtype.str, spec);
      assert.deepEqual(plain(m.toArray()), values, spec);
      assert.deepEqual(plain(m.T.slice("1:", "::-2").toArray()), sliced, spec);
      assert.deepEqual(plain((m.max(0) as NDArray).toArray()), max, spec);
      const s = m.sum();
      if (spec.includes("f") || spec.includes("c")) {
        const a = plain(s), b = sum;
        assert.ok(
          JSON.stringify(a) === JSON.stringify(b) ||
            Math.abs(Number(a) - Number(b)) < 1e-2,
          `${spec} sum`,
        );
      } else assert.equal(String(plain(s)), String(sum), `${spec} sum`);
    }
  },
);

Deno.test(
  "memmap() writes files NumPy reads back: r+ after flush, w+ creates, c never reaches the file",
  {
    ignore: NO_NUMPY,
  },
  () => {
    using tmp = tempDir();
    const path = `${tmp.dir}/modes.bin`;
    {
      using w = memmap(path, {
        dtype: ">i4",
        mode: "w+",
        offset: 5,
        shape: [2, 3],
      });
      w.assign([[1, 2, 3], [4, 5, 6]]);
      w.flush();
    }
    assert.equal(
      Deno.statSync(path).size,
      5 + 24,
      "w+ makes the file offset + nbytes long",
    );
    const read = () =>
      numpy<number[][]>(
        `print(json.dumps(np.memmap("${path}", dtype=">i4", mode="r", offset=5, shape=(2, 3)).tolist()))`,
      );
    assert.deepEqual(read(), [[1, 2, 3], [4, 5, 6]]);
    {
      using c = memmap(path, {
        dtype: ">i4",
        mode: "c",
        offset: 5,
        shape: [2, 3],
      });
      c.fill(-1);
      c.flush();
      assert.equal(c.sum(), -6n);
    }
    assert.deepEqual(
      read(),
      [[1, 2, 3], [4, 5, 6]],
      "c never reaches the file",
    );
    {
      using rw = memmap(path, {
        dtype: ">i4",
        mode: "readwrite",
        offset: 5,
        shape: [2, 3],
      });
      rw.set(1, -1, 60);
      using ro = memmap(path, {
        dtype: ">i4",
        mode: "readonly",
        offset: 5,
        shape: [2, 3],
      });
      assert.equal(
        ro.get(1, 2),
        60,
        "r+ writes are visible to other maps at once",
      );
      rw.flush();
    }
    assert.deepEqual(read(), [[1, 2, 3], [4, 5, 60]]);
    {
      using w2 = memmap(path, { dtype: "u1", mode: "write", shape: 2 });
      assert.equal(w2.mode, "w+");
    }
    assert.equal(Deno.statSync(path).size, 2, "w+ overwrites");
  },
);

Deno.test("memmap() in mode r rejects writes with TypeError", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/ro.bin`;
  Deno.writeFileSync(path, new Uint8Array(16));
  using m = memmap(path, { dtype: "float64", mode: "r" });
  assert.deepEqual(m.shape, [2]);
  assert.throws(() => m.set(0, 1), /read-only/);
  assert.throws(() => m.fill(1), /read-only/);
  assert.throws(() => m.slice("1:").assign([2]), /read-only/);
  assert.deepEqual(
    m.add(1).toArray(),
    [1, 1],
    "arithmetic gives an in-memory array",
  );
});

Deno.test("memmap() with shape omitted maps the rest of the file and checks divisibility", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/rest.bin`;
  Deno.writeFileSync(
    path,
    new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer),
  );
  using m = memmap(path, { dtype: "f4", mode: "r", offset: 4 });
  assert.deepEqual(m.toArray(), [2, 3, 4]);
  assert.equal(m.offset, 4);
  assert.equal(m.filename, resolve(path));
  assert.throws(
    () => memmap(path, { dtype: "f4", mode: "r", offset: 3 }),
    RangeError,
  );
  assert.throws(
    () => memmap(path, { dtype: "f4", mode: "r", offset: 20 }),
    RangeError,
  );
});

Deno.test("memmap() with order F lays out columns first, as NumPy", {
  ignore: NO_NUMPY,
}, () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/f.bin`;
  const expected = numpy<[number[][], number[]]>(`
m = np.memmap("${path}", dtype="<i2", mode="w+", shape=(3, 4), order="F")
m[:] = np.arange(12).reshape(3, 4)
m.flush()
print(json.dumps([np.fromfile("${path}", dtype="<i2").tolist(), list(m.strides)]))`);
  using m = memmap(path, {
    dtype: "<i2",
    mode: "r",
    shape: [3, 4],
    order: "F",
  });
  assert.deepEqual(m.strides, expected[1]);
  assert.deepEqual(m.toArray(), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  using raw = memmap(path, { dtype: "<i2", mode: "r" });
  assert.deepEqual(raw.toArray(), expected[0]);
});

Deno.test("memmap() grows a short file in r+ and is a RangeError in r and c", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/short.bin`;
  Deno.writeFileSync(path, new Uint8Array([1, 2, 3]));
  assert.throws(() => memmap(path, { mode: "r", shape: 10 }), RangeError);
  assert.throws(() => memmap(path, { mode: "c", shape: 10 }), RangeError);
  {
    using m = memmap(path, { mode: "r+", shape: 10, offset: 1 });
    assert.deepEqual(m.toArray(), [2, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  }
  assert.equal(Deno.statSync(path).size, 11);
});

Deno.test("memmap() rejects bad modes, types, shapes and offsets", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/bad.bin`;
  Deno.writeFileSync(path, new Uint8Array(8));
  assert.throws(() => memmap(path, { mode: "rw" as "r" }), TypeError);
  assert.throws(() => memmap(path, { dtype: "O" }), TypeError);
  assert.throws(() => memmap(path, { mode: "w+" }), TypeError);
  assert.throws(() => memmap(path, { shape: [-1] }), RangeError);
  assert.throws(() => memmap(path, { shape: [1.5] }), TypeError);
  assert.throws(() => memmap(path, { offset: -1 }), RangeError);
  assert.throws(() => memmap(path, { offset: 0.5 }), TypeError);
  assert.throws(() => memmap(path, { order: "K" as "C" }), TypeError);
  assert.throws(() => memmap(`${tmp.dir}/missing.bin`), Deno.errors.NotFound);
});

Deno.test("Memmap views are detached after close(), never read garbage", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/closed.bin`;
  const m = memmap(path, { dtype: ">f8", mode: "w+", shape: [4, 4] });
  const row = m.slice(1);
  const t = m.T;
  const native = memmap(path, { dtype: "f8", mode: "r", shape: [16] });
  native.close();
  m.close();
  m.close();
  for (
    const call of [
      () => m.get(0, 0),
      () => row.get(0),
      () => t.sum(),
      () => m.flush(),
      () => row.fill(1),
      () => native.get(0),
      () => native.sum(),
    ]
  ) {
    assert.throws(
      call,
      (e: Error) =>
        e instanceof Deno.errors.BadResource && e.message.includes("closed"),
    );
  }
});

Deno.test("memmap() redoes the seed notebook at 2000 x 2000", {
  ignore: NO_NUMPY,
}, () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/big.dat`;
  const n = 2000;
  {
    using fp = memmap(path, { dtype: "float64", mode: "w+", shape: [n, n] });
    let data = fp.slice(0).copy().fill(1);
    for (let i = 0; i < n; i++) {
      data = data.mul(1.0001);
      fp.slice(i).assign(data.mul(i));
    }
    fp.flush();
  }
  const expected = numpy<[number, number[], number, number, number]>(`
fp = np.memmap("${path}", dtype="float64", mode="r", shape=(${n}, ${n}))
col = fp[1500:, 1500]
image = fp[:100, :100]
print(json.dumps([float(col.sum()), col[:3].tolist(), float(fp.sum()), float(image.mean()), float((image * 0.5).mean())]))`);
  using fp = memmap(path, { dtype: "float64", mode: "r", shape: [n, n] });
  const col = fp.slice("1500:", 1500);
  assert.equal(col.sum(), expected[0]);
  assert.deepEqual(col.slice(":3").toArray(), expected[1]);
  assert.equal(fp.sum(), expected[2]);
  const image = fp.slice(":100", ":100");
  const half = image.mul(0.5);
  assert.equal(
    half.storage.bytes.length,
    100 * 100 * 8,
    "mul() gives an in-memory array",
  );
  assert.equal(image.mean(), expected[3]);
  assert.equal(half.mean(), expected[4]);
});

Deno.test("Memmap sums a sparse file larger than one window in windows", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/sparse.bin`;
  const n = 6 * 1024 * 1024; // 48 MiB of float64, sparse on disk
  {
    using w = memmap(path, { dtype: "float64", mode: "w+", shape: n });
    w.set(0, 1.5);
    w.set(n - 1, 2.5);
    w.slice("1000:1010").fill(1);
  }
  using r = memmap(path, { dtype: "float64", mode: "r" });
  assert.equal(r.sum(), 14);
  assert.equal(r.max(), 2.5);
  using c = memmap(path, { dtype: "float64", mode: "c" });
  c.assign(1);
  assert.equal(c.sum(), n, "copy-on-write data survives the walk");
});

Deno.test("Memmap assign() in windows keeps released writes in the file (r+/w+)", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/windows.bin`;
  const n = 5 * 1024 * 1024; // 40 MiB of float64: more than two windows
  {
    using w = memmap(path, { dtype: "float64", mode: "w+", shape: n });
    w.assign(3);
    assert.equal(w.get(0), 3, "released windows read back");
  }
  using r = memmap(path, { dtype: "float64", mode: "r" });
  assert.equal(r.sum(), 3 * n);
  assert.equal(r.min(), 3);
});

import assert from "node:assert/strict";
import {
  array,
  type ArrayData,
  dtype,
  memmap,
  type NDArray,
} from "../../mod.ts";
import { tempDir } from "../test_util.ts";
import {
  HAS_NUMPY,
  makeFixtures,
  nestValues,
  type RecordCase,
  recordCases,
  RECORDS,
} from "./_records.ts";

function checkCases(dir: string, cases: Record<string, RecordCase>): void {
  for (const [name, c] of Object.entries(cases)) {
    const t = dtype(c.spec, { align: c.align });
    const file = `${dir}/${name}.bin`;
    const expected = nestValues(c.shape, c.values);
    // Mapped, as NumPy's np.memmap(file, dtype, shape=...).
    {
      using m = memmap(file, { dtype: t, mode: "r", shape: c.shape });
      assert.deepEqual(m.toArray(), expected, `${name}: mapped`);
      if (c.shape.length > 0 && c.shape[0] > 0) {
        const first = c.values[0];
        const idx = c.shape.map(() => 0);
        assert.deepEqual(m.get(...idx), first, `${name}: get`);
      }
    }
    // In memory: a copy of the map.
    {
      using m = memmap(file, { dtype: t, mode: "r", shape: c.shape });
      const copy = m.copy();
      m.close();
      assert.deepEqual(copy.toArray(), expected, `${name}: copied`);
    }
    // Written here from the JavaScript values: the bytes NumPy's tofile wrote.
    const built = array(expected as ArrayData, { dtype: t, shape: c.shape });
    const bytes = built.storage.bytes.subarray(0, built.nbytes);
    assert.deepEqual(bytes, Deno.readFileSync(file), `${name}: written`);
    // Through a w+ map, element by element.
    const out = `${dir}/${name}.out`;
    {
      using w = memmap(out, { dtype: t, mode: "w+", shape: c.shape });
      if (c.shape.length === 0) w.set(c.values[0] as never);
      else {
        c.values.forEach((v, i) => {
          const idx = unravel(i, c.shape);
          w.set(...idx, v as never);
        });
      }
      w.flush();
    }
    assert.deepEqual(
      Deno.readFileSync(out),
      Deno.readFileSync(file),
      `${name}: set`,
    );
    Deno.removeSync(out);
  }
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return idx;
}

Deno.test("records, bytes, text and datetimes written by NumPy's tofile read back value for value, and write the same bytes", () => {
  checkCases(RECORDS, recordCases());
});

Deno.test({
  name: "the same cases made by the installed NumPy read and write identically",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    makeFixtures(dir.path);
    checkCases(dir.path, recordCases(dir.path));
  },
});

Deno.test("get() of bytes and text strips trailing NULs only; V keeps every byte", () => {
  const s = array([new Uint8Array([0, 97, 0, 98, 0, 0])], { dtype: "S6" });
  assert.deepEqual(s.get(0), new Uint8Array([0, 97, 0, 98]));
  const u = array(["\0a\0b"], { dtype: "U6" });
  assert.equal(u.get(0), "\0a\0b");
  const v = array([new Uint8Array([1, 0])], { dtype: "V3" });
  assert.deepEqual(v.get(0), new Uint8Array([1, 0, 0]));
});

Deno.test("bytes and raw bytes values are copies that alias nothing and whose buffer cannot be moved", () => {
  for (const dtype of ["S3", "V3"]) {
    const a = array([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])], {
      dtype,
    });
    const [x, y] = a.toArray() as Uint8Array<ArrayBuffer>[];
    x[0] = 9;
    assert.deepEqual([...y], [4, 5, 6]);
    assert.deepEqual([...(a.get(0) as Uint8Array)], [1, 2, 3]);
    // Values share pool buffers (as Mmap's copies): moving one would empty the others.
    assert.throws(() => structuredClone(x, { transfer: [x.buffer] }));
    assert.deepEqual([...y], [4, 5, 6]);
    assert.deepEqual([...x.slice()], [9, 2, 3]);
  }
  // Strided (a field of records, reversed) and empty values.
  const recs = array([{ n: 1, s: "ab" }, { n: 2, s: "" }, { n: 3, s: "xyz" }], {
    dtype: [["n", "<i2"], ["s", "S3"]],
  });
  assert.deepEqual(
    (recs.field("s").slice("::-1").toArray() as Uint8Array[]).map((b) => [
      ...b,
    ]),
    [[120, 121, 122], [], [97, 98]],
  );
  assert.deepEqual(array([], { dtype: "S0" }).toArray(), []);
});

Deno.test("set() truncates too-long bytes and text as NumPy does, by code points for text", () => {
  const s = array(["", ""], { dtype: "S3" });
  s.set(0, "abcdef");
  s.set(1, new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(s.toArray(), [
    new Uint8Array([97, 98, 99]),
    new Uint8Array([1, 2, 3]),
  ]);
  const u = array([""], { dtype: "U2" });
  u.set(0, "😀😀😀");
  assert.equal(u.get(0), "😀😀");
});

Deno.test("set() of a value that does not convert leaves the element unchanged", () => {
  const r = array([{ a: 1, b: "x" }], { dtype: [["a", "<i4"], ["b", "U2"]] });
  const cases: unknown[] = [
    { a: 2 },
    { a: 2, b: "y", c: 3 },
    { a: 2, b: 5 },
    { a: 2 ** 40, b: "y" },
    [2],
    "ab",
    null,
  ];
  for (const bad of cases) {
    assert.throws(
      () => r.set(0, bad as never),
      (e) => e instanceof TypeError || e instanceof RangeError,
    );
    assert.deepEqual(r.get(0), { a: 1, b: "x" });
  }
  const s = array([""], { dtype: "S2" });
  assert.throws(() => s.set(0, "é"), TypeError);
  assert.throws(() => s.set(0, 5 as never), TypeError);
  const u = array([""], { dtype: "U2" });
  assert.throws(() => u.set(0, new Uint8Array(2) as never), TypeError);
});

Deno.test("records take objects or tuple-like arrays; subarray fields take nested arrays or one value", () => {
  const r = array([{ id: 0, pos: [0, 0, 0] }], {
    dtype: [["id", "<u2"], ["pos", "<f4", [3]]],
  });
  r.set(0, [5, [1, 2, 3]]);
  assert.deepEqual(r.get(0), { id: 5, pos: [1, 2, 3] });
  r.set(0, { id: 6, pos: 9 });
  assert.deepEqual(r.get(0), { id: 6, pos: [9, 9, 9] });
  assert.throws(() => r.set(0, { id: 6, pos: [1, 2] }), TypeError);
});

Deno.test("datetime64 takes bigints, Dates, ISO 8601 strings and null; timedelta64 bigints and integer strings", () => {
  const d = array([0n, 0n, 0n, 0n, 0n], { dtype: "M8[ms]" });
  d.set(0, new Date(Date.UTC(2001, 2, 3, 4, 5, 6, 789)));
  d.set(1, "2001-03-03T04:05:06.789Z");
  d.set(2, "2001-03-03T05:05:06.789+01:00");
  d.set(3, null);
  d.set(4, "NaT");
  const ms = BigInt(Date.UTC(2001, 2, 3, 4, 5, 6, 789));
  assert.deepEqual(d.toArray(), [ms, ms, ms, -(2n ** 63n), -(2n ** 63n)]);
  assert.throws(() => d.set(0, 1.5), TypeError);
  assert.throws(() => d.set(0, "2001-02-30"), RangeError);
  assert.throws(() => d.set(0, "yesterday"), TypeError);
  const g = array([null], { dtype: "M8" });
  assert.throws(() => g.set(0, 5n), TypeError);
  const t = array(["3", -4, 5n], { dtype: "m8[s]" });
  assert.deepEqual(t.toArray(), [3n, -4n, 5n]);
  assert.throws(() => t.set(0, new Date() as never), TypeError);
});

Deno.test({
  name:
    "datetime64 strings and Dates convert to every unit as NumPy converts them",
  ignore: !HAS_NUMPY,
  fn() {
    const units = [
      "Y",
      "M",
      "W",
      "D",
      "h",
      "m",
      "s",
      "ms",
      "us",
      "ns",
      "ps",
      "fs",
      "as",
      "3D",
      "15m",
    ];
    const texts = [
      "2000-02-29T12:34:56.789012345678",
      "1969-12-31T23:59:59.999",
      "1600-01-01",
      "2262-04-11T23:47:16",
      "-0100-06-15T01:02:03",
      "1970-01-01T00:00:00.000000000000000001",
    ];
    const code = `
out = []
for u in ${JSON.stringify(units)}:
    row = []
    for t in ${JSON.stringify(texts)}:
        try:
            row.append(str(int(np.array([t], dtype=f"M8[{u}]").view("<i8")[0])))
        except Exception:
            row.append(None)
    out.append(row)
print(json.dumps(out))`;
    const out = new Deno.Command("python3", {
      args: ["-c", `import json, numpy as np\n${code}`],
      stdout: "piped",
    }).outputSync();
    const expected: (string | null)[][] = JSON.parse(
      new TextDecoder().decode(out.stdout),
    );
    units.forEach((u, i) => {
      const a = array(texts.map(() => null), { dtype: `M8[${u}]` });
      texts.forEach((t, j) => {
        const want = expected[i][j];
        if (want === null) return;
        a.set(j, t);
        assert.equal(a.get(j), BigInt(want), `${t} as M8[${u}]`);
      });
    });
  },
});

Deno.test("field() views one field with the subarray shape appended; writes reach the records", () => {
  const t = dtype([["id", "<u4"], ["x", "<f4"], ["pos", "<f8", [2, 3]]]);
  const a = array([{ id: 1, x: 0.5, pos: [[1, 2, 3], [4, 5, 6]] }, {
    id: 2,
    x: 1.5,
    pos: [[7, 8, 9], [10, 11, 12]],
  }], { dtype: t });
  const id = a.field("id");
  assert.equal(id.dtype.str, "<u4");
  assert.deepEqual(id.strides, [t.itemsize]);
  assert.equal(id.byteOffset, 0);
  assert.deepEqual(a.field("pos").shape, [2, 2, 3]);
  assert.deepEqual(a.field("pos").strides, [t.itemsize, 24, 8]);
  assert.equal(a.field("pos").sum(), 78);
  a.field("x").assign([10, 20]);
  assert.deepEqual(a.field("x").toArray(), [10, 20]);
  assert.equal((a.get(1) as { x: number }).x, 20);
  assert.deepEqual(a.slice("::-1").field("id").toArray(), [2, 1]);
  assert.throws(() => a.field("nope"), RangeError);
  assert.throws(() => array([1, 2]).field("x"), TypeError);
  const titled = array([{ id: 3, x: 1 }], {
    dtype: [[["The id", "id"], "<u4"], ["x", "<f4"]],
  });
  assert.deepEqual(titled.field("The id").toArray(), [3]);
  const nested = array([{ a: { b: 1, c: 2 } }], {
    dtype: [["a", [["b", "<i2"], ["c", ">f8"]]]],
  });
  assert.deepEqual(nested.field("a").field("c").toArray(), [2]);
});

Deno.test("field() of a memmap is a memmap of the same file with its own offset, and flush() works on it", () => {
  using dir = tempDir();
  const path = `${dir.path}/recs.bin`;
  const t = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f4"]]);
  {
    using fp = memmap(path, { dtype: t, mode: "w+", offset: 20, shape: [4] });
    const x = fp.field("x");
    assert.equal(x.filename, fp.filename);
    assert.equal(x.mode, "w+");
    assert.equal(x.offset, 24);
    assert.equal(fp.slice(2).field("y").offset, 20 + 2 * 12 + 8);
    x.assign([1, 2, 3, 4]);
    x.flush();
  }
  const raw = Deno.readFileSync(path);
  const f32 = new DataView(raw.buffer);
  assert.deepEqual([0, 1, 2, 3].map((i) => f32.getFloat32(24 + 12 * i, true)), [
    1,
    2,
    3,
    4,
  ]);
});

Deno.test("describe() of a record memmap (and of a field) reopens the same elements", () => {
  using dir = tempDir();
  const t = dtype(
    [[["T", "id"], "<u4"], ["p", [["x", ">f8"], ["y", "u1"]]], ["v", "<i2", [
      2,
    ]]],
    { align: true },
  );
  using fp = memmap(`${dir.path}/r.bin`, { dtype: t, mode: "w+", shape: [3] });
  fp.set(1, { id: 7, p: { x: 1.5, y: 2 }, v: [3, 4] });
  const d = JSON.parse(JSON.stringify(fp.describe()));
  using again = memmap(d.filename, d);
  assert.ok(again.dtype.equals(t));
  assert.deepEqual(again.get(1), { id: 7, p: { x: 1.5, y: 2 }, v: [3, 4] });
  const v = fp.field("v").describe();
  using column = memmap(v.filename, v);
  assert.deepEqual(column.toArray(), [[0, 0], [3, 4], [0, 0]]);
  again.close();
  column.close();
  fp.close();
});

Deno.test("assign() casts between bytes and text, sizes, record layouts and datetime units as NumPy's astype", () => {
  const s = array(["abc", "d"], { dtype: "S3" });
  assert.deepEqual(s.astype("U5").toArray(), ["abc", "d"]);
  assert.deepEqual(s.astype("S2").toArray(), [
    new Uint8Array([97, 98]),
    new Uint8Array([100]),
  ]);
  assert.deepEqual(array(["ab", "é"], { dtype: "U2" }).astype("U1").toArray(), [
    "a",
    "é",
  ]);
  assert.throws(() => array(["é"], { dtype: "U2" }).astype("S2"), TypeError);
  assert.throws(
    () => array([new Uint8Array([255])], { dtype: "S1" }).astype("U1"),
    TypeError,
  );
  const r = array([{ a: 1, b: 2.5 }], { dtype: [["a", "<i4"], ["b", "<f8"]] });
  assert.deepEqual(r.astype([["x", "<f4"], ["y", "<i2"]]).toArray(), [{
    x: 1,
    y: 2,
  }]);
  assert.throws(() => r.astype([["x", "<f4"]]), TypeError);
  assert.throws(() => r.astype("f8"), TypeError);
  const d = array([1n, -1n], { dtype: "M8[s]" });
  assert.deepEqual(d.astype("M8[ms]").toArray(), [1000n, -1000n]);
  assert.deepEqual(d.astype("M8[m]").toArray(), [0n, -1n]);
  assert.deepEqual(
    array([1n, 2n], { dtype: "m8[Y]" }).astype("m8[D]").toArray(),
    [365n, 730n],
  );
  assert.deepEqual(d.astype("int64").toArray(), [1n, -1n]);
  assert.deepEqual(array([1.5, NaN]).astype("M8[s]").toArray(), [
    1n,
    -(2n ** 63n),
  ]);
  assert.deepEqual(d.astype("float64").toArray(), [1, -1]);
});

Deno.test("arithmetic on bytes, text, records and datetimes is a TypeError", () => {
  const arrays: NDArray[] = [
    array(["a"], { dtype: "U1" }),
    array(["a"], { dtype: "S1" }),
    array([{ a: 1 }], { dtype: [["a", "<i4"]] }),
    array([new Uint8Array(2)], { dtype: "V2" }),
    array([1n], { dtype: "M8[s]" }),
  ];
  for (const a of arrays) {
    assert.throws(() => a.add(1), TypeError);
    assert.throws(() => a.mul(a), TypeError);
    assert.throws(() => array([1]).sub(a), TypeError);
    if (a.dtype.kind !== "M") assert.throws(() => a.sum(), TypeError);
  }
});

Deno.test("min/max of datetimes and sum/mean of timedeltas: NaT wins, as NumPy", () => {
  const NAT = -(2n ** 63n);
  const d = array(["2000-01-02", "1999-12-31", "2000-01-01"], {
    dtype: "M8[D]",
  });
  assert.equal(d.min(), 10956n);
  assert.equal(d.max(), 10958n);
  assert.throws(() => d.sum(), TypeError);
  assert.throws(() => d.mean(), TypeError);
  d.set(1, null);
  assert.equal(d.max(), NAT);
  const t = array([[1n, 2n, 3n], [4n, 5n, 7n]], { dtype: "m8[s]" });
  assert.equal(t.sum(), 22n);
  assert.deepEqual(t.sum(0).toArray(), [5n, 7n, 10n]);
  assert.equal(t.sum(0).dtype.str, "<m8[s]");
  assert.deepEqual(t.max(1).toArray(), [3n, 7n]);
  assert.equal(array([1n, 2n, 2n], { dtype: "m8[s]" }).mean(), 1n);
  assert.equal(array([-1n, -2n], { dtype: "m8[s]" }).mean(), -1n);
  assert.equal(array([1n, NAT], { dtype: "m8[s]" }).sum(), NAT);
  assert.throws(() => array([], { dtype: "m8[s]" }).min(), RangeError);
  assert.equal(array([], { dtype: "m8[s]" }).sum(), 0n);
});

Deno.test("toTypedArray() and data of bytes, text and records", () => {
  const u = array(["ab", "c"], { dtype: ">U2" });
  assert.deepEqual([...u.toTypedArray()], [97, 98, 99, 0]);
  const s = array(["ab", "c"], { dtype: "S2" });
  assert.deepEqual([...s.toTypedArray()], [97, 98, 99, 0]);
  assert.ok(s.data instanceof Uint8Array);
  assert.ok(array(["ab"], { dtype: "<U2" }).data instanceof Uint32Array);
});

Deno.test("array() infers text from strings and datetime64[ms] from Dates", () => {
  const a = array([["a", "bcd"], ["", "😀"]]);
  assert.equal(a.dtype.str, "<U3");
  assert.deepEqual(a.shape, [2, 2]);
  const d = array([new Date(1000)]);
  assert.equal(d.dtype.str, "<M8[ms]");
  assert.deepEqual(d.toArray(), [1000n]);
  assert.equal(array("xyz").dtype.str, "<U3");
});

Deno.test("array() with an unsized S, U or V type sizes it to the longest value, as NumPy", () => {
  assert.equal(array(["ab", "c"], { dtype: "S" }).dtype.str, "|S2");
  assert.equal(array(["ab", "😀😀😀"], { dtype: "U" }).dtype.str, "<U3");
  assert.equal(array([new Uint8Array(5)], { dtype: "V" }).dtype.str, "|V5");
  assert.equal(array([""], { dtype: "S" }).dtype.str, "|S1");
});

Deno.test("fill() takes one element's value of the array's type", () => {
  const a = array(["", ""], { dtype: "U3" }).fill("hey");
  assert.deepEqual(a.toArray(), ["hey", "hey"]);
  const r = array([{ a: 0 }, { a: 0 }], { dtype: [["a", "<i2"]] }).fill({
    a: 3,
  });
  assert.deepEqual(r.toArray(), [{ a: 3 }, { a: 3 }]);
  assert.throws(
    () => array([""], { dtype: "U3" }).fill(["x"] as never),
    TypeError,
  );
});

Deno.test({
  name:
    "long doubles (float128, complex256) read as the nearest double, as Python's float() of them",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    const code = `
import json, sys, numpy as np
rng = np.random.default_rng(7)
a = np.concatenate([np.longdouble(1) / np.arange(1, 40, dtype=np.longdouble),
                    np.ldexp(np.longdouble(1) + np.longdouble(2) ** -60, np.arange(-1100, 1100, 97)),
                    np.array([np.nan, np.inf, -np.inf, 0, -0.0], np.longdouble),
                    rng.standard_normal(50).astype(np.longdouble) * np.longdouble(10) ** 30])
a.tofile(sys.argv[1] + "/ld.bin")
a.astype(">f16").tofile(sys.argv[1] + "/ld_be.bin")
(a[:10] + 1j * a[10:20]).astype(np.clongdouble).tofile(sys.argv[1] + "/cld.bin")
print(json.dumps([repr(float(x)) for x in a]))`;
    const out = new Deno.Command("python3", {
      args: ["-c", code, dir.path],
      stdout: "piped",
    }).outputSync();
    const expected =
      (JSON.parse(new TextDecoder().decode(out.stdout)) as string[])
        .map((s) =>
          s === "nan"
            ? NaN
            : s === "inf"
            ? Infinity
            : s === "-inf"
            ? -Infinity
            : Number(s)
        );
    using le = memmap(`${dir.path}/ld.bin`, { dtype: "<f16", mode: "r" });
    assert.deepEqual(le.toArray(), expected);
    using be = memmap(`${dir.path}/ld_be.bin`, { dtype: ">f16", mode: "r" });
    assert.deepEqual(be.toArray(), expected);
    using c = memmap(`${dir.path}/cld.bin`, { dtype: "complex256", mode: "r" });
    assert.deepEqual(c.get(3), { re: expected[3], im: expected[13] });
    // Doubles convert exactly, so writing them back gives NumPy's bits (but
    // the 6 padding bytes, which NumPy leaves as they were in memory).
    const back = array(expected, { dtype: "<f16" });
    const file = Deno.readFileSync(`${dir.path}/ld.bin`);
    assert.equal(back.get(0), 1);
    assert.deepEqual(
      back.storage.bytes.subarray(0, 10),
      file.subarray(0, 10),
    );
    assert.throws(() => le.sum(), TypeError);
    assert.deepEqual(le.astype("float64").toArray(), expected);
  },
});

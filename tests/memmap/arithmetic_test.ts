import assert from "node:assert/strict";
import { array } from "../../src/memmap/array.ts";
import type { DTypeName } from "../../src/memmap/dtype.ts";
import type { NDArray } from "../../src/memmap/ndarray.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { NUMERIC_NAMES } from "../test_util.ts";

const NAMES: readonly DTypeName[] = NUMERIC_NAMES;

function ones(name: DTypeName, n = 2): NDArray {
  return array(Array.from({ length: n }, () => 1), { dtype: name });
}

Deno.test("NDArray.add()/mul()/div() promote array types as NumPy 2", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<Record<string, string>>(`
names = ${JSON.stringify(NAMES)}
out = {}
for a in names:
    for b in names:
        x = np.ones(2, a); y = np.ones(2, b)
        out[a + "+" + b] = (x + y).dtype.name
        out[a + "/" + b] = (x / y).dtype.name
        out[a + "*" + b] = (x * y).dtype.name
print(json.dumps(out))`);
  for (const a of NAMES) {
    for (const b of NAMES) {
      const x = ones(a), y = ones(b);
      assert.equal(x.add(y).dtype.name, expected[`${a}+${b}`], `${a}+${b}`);
      assert.equal(x.div(y).dtype.name, expected[`${a}/${b}`], `${a}/${b}`);
      assert.equal(x.mul(y).dtype.name, expected[`${a}*${b}`], `${a}*${b}`);
    }
  }
});

Deno.test("NDArray arithmetic with plain numbers follows NEP 50", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<Record<string, string>>(`
names = ${JSON.stringify(NAMES)}
out = {}
for a in names:
    x = np.ones(2, a)
    out[a + "+int"] = (x + 3).dtype.name
    out[a + "*float"] = (x * 0.5).dtype.name
    out[a + "/int"] = (x / 2).dtype.name
    out[a + "+bool"] = (x + True).dtype.name
print(json.dumps(out))`);
  for (const a of NAMES) {
    const x = ones(a);
    assert.equal(x.add(3).dtype.name, expected[`${a}+int`], `${a}+int`);
    assert.equal(x.mul(0.5).dtype.name, expected[`${a}*float`], `${a}*float`);
    assert.equal(x.div(2).dtype.name, expected[`${a}/int`], `${a}/int`);
    assert.equal(x.add(true).dtype.name, expected[`${a}+bool`], `${a}+bool`);
  }
  assert.throws(() => ones("uint8").add(300), RangeError);
  assert.throws(() => ones("uint8").sub(-1), RangeError);
  assert.throws(() => ones("bool").sub(ones("bool")), TypeError);
});

Deno.test(
  "NDArray arithmetic values match NumPy, with wrapping and broadcasting",
  { ignore: NO_NUMPY },
  () => {
    const expected = numpy<unknown[]>(`
a = np.array([[250, 3, 7], [100, 200, 1]], np.uint8)
b = np.array([10, 2, 3], np.uint8)
i32 = np.array([2**30, -7, 123456], np.int32)
h = np.array([0.1, 1000.5, -3.25], np.float16)
f = np.array([[1.5], [-2.25]], np.float32)
i64 = np.array([2**62, -5, 7], np.int64)
c = np.array([1+2j, -3+0.5j, 0j], np.complex64)
print(json.dumps([
  (a + b).tolist(), (a - b).tolist(), (a * b).tolist(), (a / b).tolist(),
  (i32 * i32).tolist(), (i32 * 3).tolist(), (h * h).tolist(), (h / 3).tolist(),
  (f * a).tolist(), (a.T - f.T).tolist(), [str(v) for v in (i64 * 4).tolist()], [str(v) for v in (i64 + i64).tolist()],
  [[v.real, v.imag] for v in (c * c).tolist()], [[v.real, v.imag] for v in (c / np.complex64(1-1j)).tolist()],
]))`);
    const a = array([[250, 3, 7], [100, 200, 1]], { dtype: "uint8" });
    const b = array([10, 2, 3], { dtype: "uint8" });
    const i32 = array([2 ** 30, -7, 123456], { dtype: "int32" });
    const h = array([0.1, 1000.5, -3.25], { dtype: "float16" });
    const f = array([[1.5], [-2.25]], { dtype: "float32" });
    const i64 = array([2n ** 62n, -5n, 7n], { dtype: "int64" });
    const c = array([{ re: 1, im: 2 }, { re: -3, im: 0.5 }, { re: 0, im: 0 }], {
      dtype: "complex64",
    });
    const pairs = (x: NDArray) =>
      (x.toArray() as { re: number; im: number }[]).map((z) => [z.re, z.im]);
    const got = [
      a.add(b).toArray(),
      a.sub(b).toArray(),
      a.mul(b).toArray(),
      a.div(b).toArray(),
      i32.mul(i32).toArray(),
      i32.mul(3).toArray(),
      h.mul(h).toArray(),
      h.div(3).toArray(),
      f.mul(a).toArray(),
      a.T.sub(f.T).toArray(),
      i64.mul(4).toArray().map(String),
      i64.add(i64).toArray().map(String),
      pairs(c.mul(c)),
      pairs(c.div(array([{ re: 1, im: -1 }], { dtype: "complex64" }))),
    ];
    got.forEach((g, i) => assert.deepEqual(g, expected[i], `case ${i}`));
  },
);

Deno.test("NDArray reductions match NumPy for every type and axis", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<Record<string, unknown>>(`
names = ${JSON.stringify(NAMES)}
rng = np.random.default_rng(7)
base = rng.integers(-60, 60, size=(3, 4, 5))
out = {}
def conv(v):
    v = np.asarray(v)
    if v.dtype.kind == 'c':
        return [[z.real, z.imag] for z in v.ravel().tolist()]
    if v.dtype.kind in 'iu' and v.dtype.itemsize == 8:
        return [str(z) for z in v.ravel().tolist()]
    return v.ravel().tolist()
for n in names:
    a = base.astype(n)
    for op in ["sum", "mean", "min", "max"]:
        if n == "bool" and op == "mean": pass
        for ax in [None, 0, 1, 2]:
            r = getattr(a, op)(axis=ax)
            out[f"{n}.{op}.{ax}"] = [conv(r), np.asarray(r).dtype.name]
print(json.dumps(out))`);
  const baseList = numpy<number[]>(`
rng = np.random.default_rng(7)
print(json.dumps(rng.integers(-60, 60, size=(3, 4, 5)).ravel().tolist()))`);
  const flat = (x: unknown): unknown[] => {
    const vals = Array.isArray(x) ? (x as unknown[]).flat(3) : [x];
    return vals.map((v) =>
      typeof v === "bigint"
        ? String(v)
        : typeof v === "boolean"
        ? v
        : typeof v === "object" && v !== null
        ? [(v as { re: number }).re, (v as { im: number }).im]
        : v
    );
  };
  for (const name of NAMES) {
    const base = array(baseList, { dtype: "int64" }).reshape(3, 4, 5).astype(
      name,
    );
    for (const op of ["sum", "mean", "min", "max"] as const) {
      for (const ax of [undefined, 0, 1, 2]) {
        const key = `${name}.${op}.${ax ?? "None"}`;
        const [values, dtypeName] = expected[key] as [unknown[], string];
        const r = base[op](ax);
        const got = typeof r === "object" && r !== null && "shape" in r
          ? flat((r as NDArray).toArray())
          : flat(r);
        if (ax !== undefined) {
          assert.equal((r as NDArray).dtype.name, dtypeName, key);
        }
        if (
          name.startsWith("float") || name.startsWith("complex") ||
          op === "mean"
        ) {
          const close = (x: number, y: number) =>
            Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(y));
          (got as unknown[]).forEach((g, i) => {
            const e = values[i];
            if (Array.isArray(g)) {
              assert.ok(
                close(g[0], (e as number[])[0]) &&
                  close(g[1], (e as number[])[1]),
                key,
              );
            } else {assert.ok(
                close(Number(g), Number(e)),
                `${key}: ${g} vs ${e}`,
              );}
          });
        } else {
          if (ax === undefined && op === "sum") {
            // Integer sums are int64/uint64 (bigint), as NumPy's; a bool sum is a number.
            assert.equal(typeof r, name === "bool" ? "number" : "bigint", key);
          }
          assert.deepEqual(got.map(String), values.map(String), key);
        }
      }
    }
  }
});

Deno.test("NDArray min()/max() propagate NaN and reject empty arrays", () => {
  const a = array([1, NaN, -2]);
  assert.ok(Number.isNaN(a.min() as number));
  assert.ok(Number.isNaN(a.max() as number));
  assert.throws(() => array([]).min(), RangeError);
  assert.throws(() => array([[], []]).max(1), RangeError);
  assert.equal(array([]).sum(), 0);
  assert.ok(Number.isNaN(array([]).mean() as number));
});

Deno.test("NDArray.sum() returns bigint for int64 and wraps as NumPy", () => {
  const a = array([2n ** 63n - 1n, 1n], { dtype: "int64" });
  assert.equal(a.sum(), -(2n ** 63n));
  const u = array([2n ** 64n - 1n, 2n], { dtype: "uint64" });
  assert.equal(u.sum(), 1n);
  assert.equal(array([1, 2], { dtype: "int32" }).sum(), 3n);
  assert.equal(array([255, 255], { dtype: "uint8" }).sum(), 510n);
  assert.equal(array([true, true, false]).sum(), 2);
  assert.equal(array([true, true, false]).sum(0).get(), 2n);
  assert.equal(array([-1, 2], { dtype: "int8" }).sum(0).get(), 1n);
  assert.equal(array([[true], [true]]).sum(1).dtype.name, "int64");
});

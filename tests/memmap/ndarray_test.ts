import assert from "node:assert/strict";
import { array } from "../../src/memmap/array.ts";
import { dtype } from "../../src/memmap/dtype.ts";
import { type Index, NDArray } from "../../src/memmap/ndarray.ts";
import type { ArrayStorage } from "../../src/memmap/storage.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";

function arange(n: number, dt = "float64"): NDArray {
  return array(Array.from({ length: n }, (_, i) => i), { dtype: dt });
}

const SLICES: [Index[], string][] = [
  [[1], "a[1]"],
  [[-1, 2], "a[-1, 2]"],
  [[":", 1], "a[:, 1]"],
  [["...", 2], "a[..., 2]"],
  [[null, "::-1"], "a[:, ::-1]"],
  [["::-1", "1:", "::2"], "a[::-1, 1:, ::2]"],
  [["-1:-3:-1"], "a[-1:-3:-1]"],
  [[0, "5:0:-2", "-2:"], "a[0, 5:0:-2, -2:]"],
  [["1:1"], "a[1:1]"],
  [["...", "3:-5:-1"], "a[..., 3:-5:-1]"],
  [[1, "...", 0], "a[1, ..., 0]"],
  [["10:"], "a[10:]"],
  [[":", "-100:100:3"], "a[:, -100:100:3]"],
];

Deno.test("NDArray.slice() matches NumPy basic indexing, strides included", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<[unknown, number[], number[]][]>(`
a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
out = []
for e in ${JSON.stringify(SLICES.map((s) => s[1]))}:
    v = eval(e)
    v = np.asarray(v)
    out.append([v.tolist(), list(v.shape), list(v.strides)])
print(json.dumps(out))`);
  const a = arange(24).reshape(2, 3, 4);
  SLICES.forEach(([idx], i) => {
    const v = a.slice(...idx);
    const [list, shape, strides] = expected[i];
    assert.deepEqual(v.shape, shape, SLICES[i][1]);
    if (v.size > 0) assert.deepEqual(v.strides, strides, SLICES[i][1]);
    assert.deepEqual(
      v.ndim === 0 ? v.toArray()[0] : v.toArray(),
      list,
      SLICES[i][1],
    );
  });
});

Deno.test("NDArray.slice() with a negative step returns a view", () => {
  const a = arange(6);
  const r = a.slice("::-2");
  assert.deepEqual(r.toArray(), [5, 3, 1]);
  assert.deepEqual(r.strides, [-16]);
  r.set(0, 50);
  assert.equal(a.get(5), 50);
});

Deno.test("NDArray.slice() rejects bad indices", () => {
  const a = arange(6).reshape(2, 3);
  assert.throws(() => a.slice(2), RangeError);
  assert.throws(() => a.slice(0, 0, 0), RangeError);
  assert.throws(() => a.slice("::0"), RangeError);
  assert.throws(() => a.slice("a:b"), TypeError);
  assert.throws(() => a.slice("...", "..."), TypeError);
  assert.throws(() => a.slice(1.5), TypeError);
});

Deno.test("NDArray.get() and set() take negative indices and check ranges", () => {
  const a = arange(6).reshape(2, 3);
  assert.equal(a.get(-1, -1), 5);
  assert.equal(a.get(0, -3), 0);
  a.set(-2, 1, 42);
  assert.equal(a.get(0, 1), 42);
  assert.throws(() => a.get(2, 0), RangeError);
  assert.throws(() => a.get(0, -4), RangeError);
  assert.throws(() => a.get(0), TypeError);
  assert.throws(() => a.get(0, 0.5), TypeError);
});

Deno.test("NDArray.set() converts values as NumPy does for Python scalars", () => {
  const i8 = array([0, 0], { dtype: "int8" });
  i8.set(0, 3.7);
  assert.equal(i8.get(0), 3);
  assert.throws(() => i8.set(0, 300), RangeError);
  assert.throws(() => i8.set(0, NaN), RangeError);
  const u64 = array([0n], { dtype: "uint64" });
  u64.set(0, 2n ** 64n - 1n);
  assert.equal(u64.get(0), 2n ** 64n - 1n);
  assert.throws(() => u64.set(0, -1), RangeError);
  const b = array([false]);
  b.set(0, 2);
  assert.equal(b.get(0), true);
  const c = array([{ re: 0, im: 0 }], { dtype: "complex64" });
  c.set(0, { re: 1.5, im: -2 });
  assert.deepEqual(c.get(0), { re: 1.5, im: -2 });
  assert.throws(() => arange(2).set(0, { re: 1, im: 1 }), TypeError);
});

Deno.test("NDArray.reshape() views when possible and copies otherwise, as NumPy", () => {
  const a = arange(12).reshape(3, 4);
  const v = a.reshape(2, -1, 2);
  assert.deepEqual(v.shape, [2, 3, 2]);
  v.set(0, 0, 0, 99);
  assert.equal(a.get(0, 0), 99, "C-contiguous reshape is a view");
  const t = a.T;
  const c = t.reshape(12);
  assert.deepEqual(c.toArray(), [99, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  c.set(0, -1);
  assert.equal(a.get(0, 0), 99, "reshape of a transpose is a copy");
  const col = a.slice(":", "1:2");
  assert.deepEqual(
    col.reshape(3).strides,
    [32],
    "single column reshapes as a view",
  );
  assert.throws(() => a.reshape(5, -1), TypeError);
  assert.throws(() => a.reshape(-1, -1), TypeError);
  assert.throws(
    () => a.reshape(4, 4),
    /Cannot reshape array of size 12 into shape \(4, 4\)/,
  );
});

Deno.test("NDArray.reshape() and transpose() give NumPy's strides", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<number[][]>(`
a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
print(json.dumps([list(a.T.strides), list(a.transpose(1, 0, 2).strides), list(a[:, ::2].reshape(2, 2, 2, 2).strides), list(a.reshape(6, 4).strides)]))`);
  const a = arange(24, "int32").reshape(2, 3, 4);
  assert.deepEqual(a.T.strides, expected[0]);
  assert.deepEqual(a.transpose(1, 0, 2).strides, expected[1]);
  assert.deepEqual(
    a.slice(":", "::2").reshape(2, 2, 2, 2).strides,
    expected[2],
  );
  assert.deepEqual(a.reshape(6, 4).strides, expected[3]);
  assert.throws(() => a.transpose(0, 0, 1), TypeError);
});

Deno.test("NDArray.assign() broadcasts like NumPy and converts types", {
  ignore: NO_NUMPY,
}, () => {
  const expected = numpy<unknown[]>(`
a = np.zeros((2, 3, 4), dtype=np.int16)
a[...] = np.arange(4)
r1 = a.tolist()
a[:, 1] = np.array([[7], [8]])
r2 = a.tolist()
a[0, :, ::-2] = np.array([1.9, -2.9])
r3 = a.tolist()
print(json.dumps([r1, r2, r3]))`);
  const a = array(new Int16Array(24)).reshape(2, 3, 4);
  a.assign(arange(4));
  assert.deepEqual(a.toArray(), expected[0]);
  a.slice(":", 1).assign([[7], [8]]);
  assert.deepEqual(a.toArray(), expected[1]);
  a.slice(0, ":", "::-2").assign(new Float64Array([1.9, -2.9]));
  assert.deepEqual(a.toArray(), expected[2]);
  assert.throws(() => a.assign([1, 2, 3]), RangeError);
});

Deno.test("NDArray.assign() of an overlapping view reads the old values", () => {
  const a = arange(9).reshape(3, 3);
  a.assign(a.T);
  assert.deepEqual(a.toArray(), [[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
  const b = arange(5);
  b.slice("1:").assign(b.slice(":-1"));
  assert.deepEqual(b.toArray(), [0, 0, 1, 2, 3]);
});

Deno.test("NDArray.fill(), copy(), toArray(), toTypedArray() and iteration", () => {
  const a = arange(6, "int32").reshape(2, 3);
  const c = a.copy();
  c.fill(1);
  assert.deepEqual(a.toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(c.toArray(), [[1, 1, 1], [1, 1, 1]]);
  const t = a.T.toTypedArray();
  assert.ok(t instanceof Int32Array);
  assert.deepEqual([...t], [0, 3, 1, 4, 2, 5]);
  const rows = [...a].map((r) => (r as NDArray).toArray());
  assert.deepEqual(rows, [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual([...arange(3)], [0, 1, 2]);
  assert.deepEqual(
    array(new BigInt64Array([5n])).toTypedArray(),
    new BigInt64Array([5n]),
  );
  const big = array([1, 2], { dtype: ">i2" });
  assert.deepEqual([...big.toTypedArray()], [1, 2]);
  assert.ok(big.toTypedArray() instanceof Int16Array);
});

Deno.test("array() infers types and checks nesting", () => {
  assert.equal(array([1, 2]).dtype.name, "float64");
  assert.equal(array([1n, 2n]).dtype.name, "int64");
  assert.equal(array([true, false]).dtype.name, "bool");
  assert.equal(array([{ re: 1, im: 0 }]).dtype.name, "complex128");
  assert.equal(array(new Uint16Array(2)).dtype.name, "uint16");
  assert.deepEqual(array([[1, 2], [3, 4]]).shape, [2, 2]);
  assert.deepEqual(array([]).shape, [0]);
  assert.throws(() => array([[1, 2], [3]]), TypeError);
  assert.throws(() => array([() => 1] as unknown as number[]), TypeError);
  assert.throws(() => array([1, "a"] as unknown as number[]), TypeError);
  assert.equal(array(["a"]).dtype.str, "<U1"); // text, as NumPy
  assert.throws(() => array([1, 2, 3], { shape: [2, 2] }), TypeError);
  assert.throws(() => array([300], { dtype: "uint8" }), RangeError);
  const src = new Float64Array([1, 2]);
  const copy = array(src);
  src[0] = 9;
  assert.equal(copy.get(0), 1, "array() copies");
});

Deno.test("NDArray.data, strides and byteOffset locate elements without copying", () => {
  const a = arange(12).reshape(3, 4).slice("1:", "::-2");
  const data = a.data as Float64Array;
  const [s0, s1] = a.strides.map((s) => s / a.itemsize);
  const base = a.byteOffset / a.itemsize;
  for (let i = 0; i < a.shape[0]; i++) {
    for (let j = 0; j < a.shape[1]; j++) {
      assert.equal(data[base + i * s0 + j * s1], a.get(i, j));
    }
  }
  assert.throws(() => array([1], { dtype: ">f8" }).data, TypeError);
});

Deno.test("NDArray reads big-endian and unaligned data like native data", () => {
  for (
    const name of [
      "int16",
      "uint32",
      "int64",
      "float16",
      "float32",
      "float64",
      "complex64",
      "complex128",
    ]
  ) {
    const native = dtype(name);
    const swapped = dtype(">" + native.str.slice(1));
    const values = name.startsWith("complex")
      ? [{ re: 1.5, im: -2 }, { re: -3, im: 4.25 }]
      : name === "int64"
      ? [-5n, 7n]
      : [3, 100];
    const a = array(values, { dtype: native });
    const b = a.astype(swapped);
    assert.deepEqual(b.toArray(), a.toArray(), name);
    assert.deepEqual(b.sum(), a.sum(), `${name} sum`);
    assert.deepEqual(b.max(), a.max(), `${name} max`);
    // An unaligned copy: shift the bytes by one.
    const bytes = new Uint8Array(a.nbytes + 1);
    bytes.set(new Uint8Array(a.storage.bytes.buffer, 0, a.nbytes), 1);
    const u = new NDArray(
      { bytes, readOnly: false },
      native,
      a.shape,
      undefined,
      1,
    );
    assert.deepEqual(u.toArray(), a.toArray(), `${name} unaligned`);
    assert.deepEqual(u.get(1), a.get(1));
    u.set(0, values[1]);
    assert.deepEqual(u.get(0), a.get(1));
    b.set(1, values[0]);
    assert.deepEqual(b.get(1), a.get(0));
  }
});

function detachable(
  n: number,
  readOnly = false,
): ArrayStorage & { close(): void } {
  const buffer = new ArrayBuffer(n);
  const bytes = new Uint8Array(buffer);
  return {
    get bytes() {
      return bytes;
    },
    readOnly,
    label: "test",
    close() {
      buffer.transfer(0);
    },
  };
}

Deno.test("NDArray views of detached storage throw BadResource from every method", () => {
  const storage = detachable(64);
  const a = new NDArray(storage, "float64", [2, 4]);
  const big = new NDArray(storage, ">i4", [4]);
  const view = a.slice(1, "::2");
  storage.close();
  const calls: (() => unknown)[] = [
    () => a.get(0, 0),
    () => a.set(0, 0, 1),
    () => view.get(0),
    () => big.get(0),
    () => big.set(0, 1),
    () => a.slice(0),
    () => a.reshape(8),
    () => a.T,
    () => a.sum(),
    () => a.mean(0),
    () => a.min(),
    () => a.max(),
    () => a.add(1),
    () => a.mul(a),
    () => a.assign(1),
    () => a.fill(0),
    () => a.copy(),
    () => a.toArray(),
    () => a.toTypedArray(),
    () => [...a],
    () => a.data,
    () => arange(8).reshape(2, 4).assign(a),
  ];
  for (const call of calls) {
    assert.throws(
      call,
      (e: Error) =>
        e instanceof Deno.errors.BadResource && /closed/.test(e.message),
    );
  }
});

Deno.test("NDArray writes to read-only storage throw TypeError", () => {
  const storage = detachable(32, true);
  const a = new NDArray(storage, "float64", [4]);
  assert.throws(() => a.set(0, 1), /read-only/);
  assert.throws(() => a.slice("1:").fill(1), /read-only/);
  assert.throws(() => a.assign([1, 2, 3, 4]), TypeError);
  assert.equal(a.sum(), 0);
});

Deno.test("NDArray walks call the storage's release hook window by window", () => {
  const n = 5 * 1024 * 1024; // 40 MiB of float64
  const bytes = new Uint8Array(n * 8);
  const released: [number, number][] = [];
  const storage: ArrayStorage = {
    bytes,
    readOnly: false,
    release: (start, length) => void released.push([start, length]),
    releaseThreshold: 32 * 1024 * 1024,
  };
  const a = new NDArray(storage, "float64", [n]);
  const windows = (what: string) => {
    assert.ok(released.length >= 2, what);
    let pos = 0;
    for (const [s, l] of released) {
      assert.equal(s, pos, what);
      pos += l;
    }
    assert.equal(pos, n * 8, `${what}: the whole array is released`);
    released.length = 0;
  };
  a.assign(2);
  windows("assign");
  a.mul(1.5, { out: a });
  windows("mul in place");
  a.reshape(1024, -1).add(array([1]).astype("float32"), {
    out: a.reshape(1024, -1),
  });
  windows("add of a broadcast float32 in place");
  assert.equal(a.sum(), 4 * n);
  assert.equal(released.reduce((t, [, l]) => t + l, 0), n * 8);
});

Deno.test("NDArray walks smaller than the storage's release threshold keep their pages", () => {
  for (const threshold of [undefined, 64 * 1024 * 1024]) {
    const n = 5 * 1024 * 1024; // 40 MiB of float64
    const released: [number, number][] = [];
    const storage: ArrayStorage = {
      bytes: new Uint8Array(n * 8),
      readOnly: false,
      release: (start, length) => void released.push([start, length]),
      releaseThreshold: threshold,
    };
    const a = new NDArray(storage, "float64", [n]);
    a.assign(2);
    a.mul(3, { out: a });
    assert.equal(a.sum(), 6 * n);
    assert.deepEqual(released, []);
  }
});

Deno.test("NDArray.sum() of floats is pairwise-accurate", () => {
  const n = 1_000_003;
  const x = new Float64Array(n).fill(0.1);
  const exact = numpySum(x);
  const s = array(x).sum() as number;
  let naive = 0;
  for (const v of x) naive += v;
  assert.ok(Math.abs(s - exact) <= Math.abs(naive - exact));
  assert.ok(Math.abs(s - exact) / exact < 1e-14);
});

/** A compensated reference sum. */
function numpySum(x: Float64Array): number {
  let s = 0, c = 0;
  for (const v of x) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

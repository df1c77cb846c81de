import assert from "node:assert/strict";
import { array, frombuffer, memmap, type NDArray } from "../../mod.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { tempDir } from "../test_util.ts";

/** NumPy's argmax/argmin of plain values: the first extreme, or the first NaN. */
function reference(xs: ArrayLike<number | bigint>, max: boolean): number {
  let best = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x !== x) return i;
    if (max ? x > xs[best] : x < xs[best]) best = i;
  }
  return best;
}

function lcg(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** Runs `fn` with the SIMD kernels on and off. */
function bothPaths(fn: (off: boolean) => void): void {
  const was = settings.off;
  try {
    for (const off of [false, true]) {
      settings.off = off;
      fn(off);
    }
  } finally {
    settings.off = was;
  }
}

const TYPES = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
] as const;
// Around the kernels' 16-byte vectors, 64-byte steps and 1 KiB blocks.
const LENGTHS = [1, 2, 15, 16, 17, 63, 64, 65, 127, 129, 1023, 1025, 4099];

Deno.test("argmax() and argmin() find the first extreme on every path, at every block edge", () => {
  const random = lcg(3);
  bothPaths((off) => {
    for (const type of TYPES) {
      for (const n of LENGTHS) {
        // Few distinct values: ties across blocks, extremes at both ends.
        const a = array(
          Array.from({ length: n }, () => Math.floor(random() * 7) - 3),
          {
            dtype: type === "uint8" || type.startsWith("uint") ? "int16" : type,
          },
        ).astype(type) as NDArray;
        const xs = a.toTypedArray() as ArrayLike<number | bigint>;
        for (const max of [true, false]) {
          const got = max ? a.argmax() : a.argmin();
          assert.equal(got, reference(xs, max), `${type}[${n}] off=${off}`);
        }
      }
    }
  });
});

Deno.test("argmax() and argmin() of floats: the first NaN wins, in any block; -0 and +0 tie", () => {
  bothPaths((off) => {
    for (const type of ["float32", "float64"] as const) {
      for (const n of [16, 300, 3000]) {
        for (const at of [0, 1, n >> 1, n - 1]) {
          const xs = Array.from({ length: n }, (_, i) => (i * 37) % 101);
          xs[at] = NaN;
          if (at + 5 < n) xs[at + 5] = NaN;
          const a = array(xs, { dtype: type });
          assert.equal(a.argmax(), at, `${type} ${n} ${at} off=${off}`);
          assert.equal(a.argmin(), at, `${type} ${n} ${at} off=${off}`);
        }
        const zeros = array(
          Array.from({ length: n }, (_, i) => (i % 3 === 1 ? -0 : 0)),
          { dtype: type },
        );
        assert.equal(zeros.argmax(), 0);
        assert.equal(zeros.argmin(), 0);
        const inf = array(
          Array.from({ length: n }, (_, i) => i === n - 1 ? -Infinity : 1),
          { dtype: type },
        );
        assert.equal(inf.argmin(), n - 1);
      }
    }
  });
});

Deno.test("argmax() and argmin() of 64-bit integers compare whole values (signs and top bits)", () => {
  bothPaths(() => {
    const u = array(
      Array.from(
        { length: 100 },
        (_, i) => BigInt(i) + (i === 70 ? 2n ** 63n : 0n),
      ),
      { dtype: "uint64" },
    );
    assert.equal(u.argmax(), 70);
    assert.equal(u.argmin(), 0);
    const s = array(
      Array.from(
        { length: 100 },
        (_, i) => i === 40 ? -(2n ** 63n) : BigInt(i),
      ),
      { dtype: "int64" },
    );
    assert.equal(s.argmin(), 40);
    assert.equal(s.argmax(), 99);
  });
});

Deno.test("argmax(), argmin(), any() and all() of bools find the first true or false", () => {
  bothPaths(() => {
    for (const n of [1, 17, 64, 65, 1000]) {
      for (const at of [0, n >> 1, n - 1]) {
        const xs = Array.from({ length: n }, (_, i) => i === at);
        const t = array(xs, { dtype: "bool" });
        assert.equal(t.argmax(), at);
        assert.equal(t.argmin(), at === 0 && n > 1 ? 1 : 0);
        assert.equal(t.any(), true);
        assert.equal(t.all(), n === 1);
        const f = array(xs.map(() => false), { dtype: "bool" });
        assert.equal(f.argmax(), 0);
        assert.equal(f.any(), false);
      }
    }
  });
});

Deno.test("any() and all() of floats: NaN is true, -0 is false", () => {
  bothPaths(() => {
    for (const type of ["float32", "float64", "complex64"] as const) {
      const n = 200;
      const z = array(Array.from({ length: n }, () => -0), { dtype: type });
      assert.equal(z.any(), false);
      const nan = array(
        Array.from({ length: n }, (_, i) => i === 150 ? NaN : -0),
        { dtype: type },
      );
      assert.equal(nan.any(), true);
      assert.equal(nan.all(), false);
      const ones = array(Array.from({ length: n }, () => NaN), { dtype: type });
      assert.equal(ones.all(), true);
    }
  });
});

Deno.test("argmax() along an axis gives int64 indices; keepdims keeps the axis", () => {
  const a = array([[3, 9, 1], [7, 2, 7]], { dtype: "int32" });
  assert.deepEqual(a.argmax(0).toArray(), [1n, 0n, 1n]);
  assert.deepEqual(a.argmax(1).toArray(), [1n, 0n]);
  assert.deepEqual(a.argmin(-1, { keepdims: true }).toArray(), [[2n], [1n]]);
  assert.equal(a.argmax(0).dtype.name, "int64");
  const kept = a.argmax(null, { keepdims: true });
  assert.deepEqual(kept.shape, [1, 1]);
  assert.equal(kept.get(0, 0), 1n);
  assert.equal(a.T.argmax(), 2); // C order of the view: 3 7 9 2 1 7
  assert.equal(array(5).argmax(), 0);
  assert.deepEqual(array(5).argmax(0).shape, []);
});

Deno.test("argmax() and argmin() refuse empty arrays, axis lists, and unordered types", () => {
  const e = array([], { dtype: "float64" });
  assert.throws(() => e.argmax(), RangeError);
  assert.throws(() => array([[]]).argmin(1), RangeError);
  assert.throws(() => array([[1, 2]]).argmax([0] as never), TypeError);
  assert.throws(() => array([[1, 2]]).argmax(2), RangeError);
  const raw = array([new Uint8Array([1]), new Uint8Array([2])], {
    dtype: "V1",
  });
  assert.throws(() => raw.argmax(), TypeError);
  // An empty array along another axis is fine.
  assert.deepEqual(array([[]]).argmax(0).shape, [0]);
});

Deno.test("argmax() of a memory map finds the extreme in place, past window edges", () => {
  using dir = tempDir();
  const n = 5 * 1024 * 1024; // 40 MiB of float64: several windows
  const path = `${dir.path}/a.bin`;
  const saved = settings.overlayMinBytes;
  settings.overlayMinBytes = 0;
  try {
    {
      using m = memmap(path, { dtype: "float64", mode: "w+", shape: [n] });
      m.set(n - 3, 5);
      m.set(n - 2, 5);
      m.set(4_000_000, -1);
      m.flush();
    }
    using r = memmap(path, { dtype: "float64", mode: "r", shape: [n] });
    assert.equal(r.argmax(), n - 3);
    assert.equal(r.argmin(), 4_000_000);
    assert.equal(r.any(), true);
    assert.equal(r.all(), false);
    const rows = r.reshape(1024, n / 1024);
    assert.equal(rows.argmax(1).get(1023), BigInt(n / 1024 - 3));
  } finally {
    settings.overlayMinBytes = saved;
  }
  const f = frombuffer(new Float64Array([1, 2]));
  assert.equal(f.argmax(), 1);
});

Deno.test("argmax(0) of a tall array reads long strided lines in pieces: the first extreme or NaN past the first piece", () => {
  const n = 200_000;
  const xs = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    xs[2 * i] = i % 1000;
    xs[2 * i + 1] = -(i % 777);
  }
  xs[2 * 150_000] = 5000; // column 0: the extreme in the third piece
  xs[2 * 100_000 + 1] = NaN; // column 1: a NaN in the second piece
  xs[2 * 190_000 + 1] = NaN;
  const a = frombuffer(xs).reshape(n, 2);
  assert.deepEqual(a.argmax(0).toArray(), [150_000n, 100_000n]);
  assert.deepEqual(a.argmin(0).toArray(), [0n, 100_000n]);
});

Deno.test("argmax(1) and argmin(1) of a memory map search every row in place through one showing of the map, as in memory", () => {
  using dir = tempDir();
  const path = `${dir.path}/rows.bin`;
  const saved = settings.overlayMinBytes;
  settings.overlayMinBytes = 0;
  try {
    for (const type of TYPES) {
      const rows = 64, cols = 4099; // lines past the kernels' 4 KiB minimum
      const next = lcg(7);
      const values = Array.from(
        { length: rows * cols },
        () => Math.floor(next() * 100) + (type.startsWith("u") ? 0 : -50),
      );
      // A NaN decides a float row: the first one wins.
      if (type.startsWith("float")) values[5 * cols + 4000] = NaN;
      const data = array(values, { dtype: type }).reshape(rows, cols);
      {
        using m = memmap(path, {
          dtype: type,
          mode: "w+",
          shape: [rows, cols],
        });
        m.assign(data);
      }
      using r = memmap(path, { dtype: type, mode: "r", shape: [rows, cols] });
      bothPaths((off) => {
        for (const max of [true, false]) {
          const got = (max ? r.argmax(1) : r.argmin(1)).toArray();
          const want = Array.from({ length: rows }, (_, i) =>
            BigInt(reference(
              data.slice(String(i)).toArray().map((x: number | bigint) =>
                typeof x === "bigint" ? Number(x) : x
              ),
              max,
            )));
          assert.deepEqual(got, want, `${type} ${max} kernels off: ${off}`);
        }
      });
    }
  } finally {
    settings.overlayMinBytes = saved;
  }
});

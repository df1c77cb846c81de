import assert from "node:assert/strict";
import {
  array,
  type ArrayStorage,
  frombuffer,
  memmap,
  NDArray,
} from "../../../mod.ts";
import { NO_NUMPY, numpy, tempDir } from "../_numpy.ts";

/** The same arrays on both sides: built from these lists in NumPy and here. */
const SETUP = `
a = (np.arange(24, dtype=np.float64) * 1.5 - 7).reshape(4, 6)
b = np.arange(6, dtype=np.int32) * 3 - 5
c = (np.arange(4, dtype=np.int16) * 1000 + 20000).reshape(4, 1)
u = (np.arange(24, dtype=np.uint8) * 11).reshape(4, 6)
q = np.array([2**62, -5, 7, -(2**63), 2**63 - 1, 12], np.int64)
z = np.array([1+2j, -3+0.5j, 0j, 1e300+1j, 2-2j, 0.5j], np.complex128)
h = (np.arange(24) * 0.37 - 3).astype(np.float16).reshape(4, 6)
be = a.astype(">f4")
bq = q.astype(">i8")
`;

function setup() {
  const a = array(Array.from({ length: 24 }, (_, i) => i * 1.5 - 7)).reshape(
    4,
    6,
  );
  const b = array(Array.from({ length: 6 }, (_, i) => i * 3 - 5), {
    dtype: "int32",
  });
  const c = array(Array.from({ length: 4 }, (_, i) => i * 1000 + 20000), {
    dtype: "int16",
  }).reshape(4, 1);
  const u = array(Array.from({ length: 24 }, (_, i) => (i * 11) & 255), {
    dtype: "uint8",
  }).reshape(4, 6);
  const q = array([2n ** 62n, -5n, 7n, -(2n ** 63n), 2n ** 63n - 1n, 12n], {
    dtype: "int64",
  });
  const z = array([
    { re: 1, im: 2 },
    { re: -3, im: 0.5 },
    { re: 0, im: 0 },
    { re: 1e300, im: 1 },
    { re: 2, im: -2 },
    { re: 0, im: 0.5 },
  ]);
  const h = array(Array.from({ length: 24 }, (_, i) => i * 0.37 - 3)).astype(
    "float16",
  ).reshape(4, 6);
  const be = a.astype(">f4");
  const bq = q.astype(">i8");
  return { a, b, c, u, q, z, h, be, bq };
}

type Arrays = ReturnType<typeof setup>;

/** [NumPy expression (the result, or the out array after the call), the same here]. */
const CASES: [string, (x: Arrays) => NDArray][] = [
  // broadcasting
  ["a + b", ({ a, b }) => a.add(b)],
  ["c * b", ({ c, b }) => c.mul(b)],
  ["u - c", ({ u, c }) => u.sub(c)],
  ["a / c", ({ a, c }) => a.div(c)],
  ["np.array(2.5) * b", ({ b }) => array(2.5).mul(b)],
  ["q + q[::-1]", ({ q }) => q.add(q.slice("::-1"))],
  // strided, reversed, transposed operands
  [
    "a[::-1, ::2] + b[::2]",
    ({ a, b }) => a.slice("::-1", "::2").add(b.slice("::2")),
  ],
  ["a.T * u.T", ({ a, u }) => a.T.mul(u.T)],
  ["a.T[::2] - c.T", ({ a, c }) => a.T.slice("::2").sub(c.T)],
  ["h * a[::-1]", ({ h, a }) => h.mul(a.slice("::-1"))],
  ["z / z[::-1]", ({ z }) => z.div(z.slice("::-1"))],
  ["z * q", ({ z, q }) => z.mul(q)],
  // byte orders
  ["be + a", ({ be, a }) => be.add(a)],
  ["bq - q", ({ bq, q }) => bq.sub(q)],
  ["be.T * 3", ({ be }) => be.T.mul(3)],
  // out: in place, of another dtype, non-native
  ["np.add(a, 1, out=a)", ({ a }) => a.add(1, { out: a })],
  ["np.multiply(u, 3, out=u)", ({ u }) => u.mul(3, { out: u })],
  [
    "np.add(u, u, out=np.zeros((4, 6), np.int16))",
    ({ u }) => u.add(u, { out: array(new Int16Array(24)).reshape(4, 6) }),
  ],
  [
    "np.multiply(a, 0.1, out=np.zeros((4, 6), np.float32))",
    ({ a }) => a.mul(0.1, { out: array(new Float32Array(24)).reshape(4, 6) }),
  ],
  [
    "np.subtract(b, 7, out=np.zeros(6, '>f8'))",
    ({ b }) => b.sub(7, { out: array(new Float64Array(6)).astype(">f8") }),
  ],
  ["np.add(q, 1, out=bq)", ({ q, bq }) => q.add(1, { out: bq })],
  [
    "np.true_divide(b, 4, out=np.zeros(6, np.complex64))",
    ({ b }) =>
      b.div(4, {
        out: array(new Float32Array(12)).astype("complex64").slice("::2"),
      }),
  ],
  [
    "np.add(b, 1, out=np.zeros((4, 6), np.int64))",
    ({ b }) => b.add(1, { out: array(new BigInt64Array(24)).reshape(4, 6) }),
  ],
  // out overlapping an input: as if through a copy
  [
    "np.add(a.ravel()[1:], 100, out=a.ravel()[:-1]) is not None and a",
    ({ a }) => {
      const f = a.reshape(24);
      f.slice("1:").add(100, { out: f.slice(":-1") });
      return a;
    },
  ],
  [
    "np.add(a.ravel()[:-1], 100, out=a.ravel()[1:]) is not None and a",
    ({ a }) => {
      const f = a.reshape(24);
      f.slice(":-1").add(100, { out: f.slice("1:") });
      return a;
    },
  ],
  ["np.add(a[:, :4].T, a[0, :4], out=a[:, :4]) is not None and a", ({ a }) => {
    a.slice(":", ":4").T.add(a.slice(0, ":4"), { out: a.slice(":", ":4") });
    return a;
  }],
  ["np.multiply(a, a[1], out=a)", ({ a }) => a.mul(a.slice(1), { out: a })],
  [
    "np.subtract(u[::-1], u, out=u)",
    ({ u }) => u.slice("::-1").sub(u, { out: u }),
  ],
];

function bits(x: NDArray): unknown[] {
  const t = x.toTypedArray();
  return [...new Uint8Array(t.buffer, t.byteOffset, t.byteLength)];
}

Deno.test(
  "element-wise results equal NumPy's for broadcasting, strided, reversed, transposed, byte-swapped operands and out=",
  {
    ignore: NO_NUMPY,
  },
  () => {
    const expected = numpy<[string, number[], string, number[]][]>(`${SETUP}
import warnings
warnings.simplefilter('ignore')
exprs = ${JSON.stringify(CASES.map(([p]) => p))}
out = []
for e in exprs:
    env = {k: v.copy() for k, v in globals().items() if isinstance(v, np.ndarray)}
    env["np"] = np
    r = np.asarray(eval(e, env))
    nat = r.astype(r.dtype.newbyteorder("="))
    out.append([r.dtype.str, list(r.shape), r.dtype.name, np.ascontiguousarray(nat).view(np.uint8).ravel().tolist()])
print(json.dumps(out))`);
    CASES.forEach(([expr, run], i) => {
      const r = run(setup());
      const [str, shape, name, data] = expected[i];
      assert.equal(r.dtype.str, str, `${expr}: dtype`);
      assert.equal(r.dtype.name, name, `${expr}: dtype`);
      assert.deepEqual(r.shape, shape, `${expr}: shape`);
      assert.deepEqual(bits(r), data, expr);
    });
  },
);

Deno.test("out= returns out and writes through views and memmaps", () => {
  using dir = tempDir();
  const path = `${dir.dir}/m.f8`;
  {
    using m = memmap(path, { dtype: "float64", mode: "w+", shape: [3, 4] });
    m.assign(array([1, 2, 3, 4]));
    const r = m.mul(2, { out: m });
    assert.equal(r, m);
    const col = m.slice(":", 1);
    assert.equal(col.add(0.5, { out: col }), col);
    m.flush();
  }
  const data = new Float64Array(Deno.readFileSync(path).buffer);
  assert.deepEqual([...data], [2, 4.5, 6, 8, 2, 4.5, 6, 8, 2, 4.5, 6, 8]);
});

Deno.test("out= is checked before anything is written", () => {
  const a = array([1, 2, 3]);
  const before = a.toArray();
  const cases: [
    () => unknown,
    ErrorConstructor | typeof Deno.errors.BadResource,
  ][] = [
    // a float result does not cast to int under same_kind
    [() => a.mul(2, { out: array([0, 0, 0], { dtype: "int32" }) }), RangeError],
    // complex to float
    [() => a.add({ re: 1, im: 1 }, { out: array([0, 0, 0]) }), RangeError],
    // signed int to unsigned
    [
      () =>
        array([1], { dtype: "int8" }).add(1, {
          out: array([0], { dtype: "uint8" }),
        }),
      RangeError,
    ],
    // wrong shapes: smaller, other, broadcast-only
    [() => a.add(1, { out: array([0, 0]) }), RangeError],
    [() => a.add(array([[1], [2]]), { out: array([0, 0, 0]) }), RangeError],
    // not an array / not an object
    [() => a.add(1, { out: [0, 0, 0] as unknown as NDArray }), TypeError],
    [() => a.add(1, 5 as unknown as { out: NDArray }), TypeError],
  ];
  for (const [f, kind] of cases) assert.throws(f, kind);
  assert.deepEqual(a.toArray(), before);
  // An out larger than the inputs' broadcast shape is NumPy's broadcasting too.
  const wide = array([[0, 0, 0], [0, 0, 0]]);
  a.add(1, { out: wide });
  assert.deepEqual(wide.toArray(), [[2, 3, 4], [2, 3, 4]]);
});

Deno.test("out= refuses read-only and closed memmaps", () => {
  using dir = tempDir();
  const path = `${dir.dir}/m.f8`;
  memmap(path, { dtype: "float64", mode: "w+", shape: [4] }).close();
  using ro = memmap(path, { dtype: "float64", mode: "r" });
  assert.throws(() => ro.add(1, { out: ro }), TypeError);
  const rw = memmap(path, { dtype: "float64", mode: "r+" });
  rw.close();
  assert.throws(
    () => array([1, 2, 3, 4]).add(1, { out: rw }),
    Deno.errors.BadResource,
  );
});

Deno.test("walks over transposed operands large enough to go in tiles give every element", () => {
  const [rows, cols] = [300, 203];
  const a = array(Float64Array.from({ length: rows * cols }, (_, i) => i))
    .reshape(rows, cols);
  const t = a.T.copy();
  assert.deepEqual(t.shape, [cols, rows]);
  const b = array(Int32Array.from({ length: cols * rows }, (_, i) => -i))
    .reshape(cols, rows);
  const sum = a.T.add(b);
  const into = array(new Float32Array(rows * cols)).reshape(rows, cols);
  b.T.mul(2, { out: into });
  for (let i = 0; i < cols; i += 7) {
    for (let j = 0; j < rows; j += 3) {
      assert.equal(t.get(i, j), j * cols + i);
      assert.equal(sum.get(i, j), j * cols + i - (i * rows + j));
      assert.equal(into.get(j, i), -2 * (i * rows + j) + 0);
    }
  }
  assert.equal(t.get(cols - 1, rows - 1), rows * cols - 1);
  assert.equal(t.sum(), a.sum());
});

Deno.test("same-type copies, fills and broadcasts move bits: NaN payloads and -0 survive", () => {
  const patterns: [string, number[]][] = [
    ["float16", [0x01, 0x7c]], // a signalling NaN
    ["float32", [0x01, 0x00, 0x80, 0x7f]], // a signalling NaN
    ["float64", [1, 2, 3, 4, 5, 6, 0xf0, 0x7f]], // a signalling NaN with payload
    ["float64", [0, 0, 0, 0, 0, 0, 0, 0x80]], // -0
    ["complex128", [1, 2, 3, 4, 5, 6, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x80]],
    [">f8", [0x7f, 0xf0, 6, 5, 4, 3, 2, 1]],
  ];
  for (const [dtype, bytes] of patterns) {
    const one = frombufferOf(bytes, dtype);
    const size = bytes.length;
    const check = (x: NDArray, what: string) => {
      const c = x.copy();
      const got = c.storage.bytes.subarray(
        c.byteOffset,
        c.byteOffset + c.nbytes,
      );
      for (let i = 0; i < x.size; i++) {
        assert.deepEqual(
          [...got.subarray(i * size, (i + 1) * size)],
          bytes,
          `${dtype} ${what}`,
        );
      }
    };
    const filled = one.reshape(1, 1).astype(dtype).reshape(1);
    const big = array(new Uint8Array(size * 300)).astype("uint8");
    const target = frombufferOf([...big.toTypedArray()], dtype);
    target.assign(filled); // broadcast over a contiguous run
    check(target, "broadcast");
    const strided = target.slice("::3").copy(); // strided same-type copy
    check(strided, "strided copy");
    check(target.reshape(10, 30).T.copy(), "transposed copy");
  }
});

function frombufferOf(bytes: number[], dtype: string): NDArray {
  return frombuffer(new Uint8Array(bytes), { dtype });
}

Deno.test("walks read every operand's windows ahead, sparse ones whole, for writing where they write", () => {
  const calls: [string, number, number, boolean][] = [];
  const storage = (name: string): ArrayStorage => ({
    bytes: new Uint8Array(8 * 1024 * 1024),
    readOnly: false,
    prefetch: (start, length, write) =>
      void calls.push([name, start, length, write === true]),
  });
  const a = new NDArray(storage("a"), "float64", [1024, 1024]);
  const b = new NDArray(storage("b"), "float64", [1024, 1024]);
  a.assign(b);
  assert.deepEqual(calls, [["a", 0, 8 * 1024 * 1024, true], [
    "b",
    0,
    8 * 1024 * 1024,
    false,
  ]]);
  calls.length = 0;
  // A column of each: sparse, so each window is asked for whole, from the
  // column's first byte to its last (b's read into the product first).
  a.slice(":", 3).assign(b.slice(":", 5).mul(2));
  const span = 1023 * 8192 + 8;
  assert.deepEqual(calls, [["b", 40, span, false], ["a", 24, span, true]]);
  assert.equal(a.get(7, 3), 0);
});

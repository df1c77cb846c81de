/**
 * `max`/`min` of floats give the bits of an input NaN (attack14 D7): those
 * of the first NaN among the elements a result reduces, in the order
 * NumPy's iterator meets them (the reduced axes by decreasing byte step,
 * each walked forward by index), payload, sign and signaling bit kept;
 * the same for a memmap and an in-memory array, in every path (whole,
 * along each axis, several axes, `keepdims`, the kernels and the
 * TypeScript loops). The library gave `0xffffffffffffffff` (a comparison
 * mask), x86's default NaN `0xfff8000000000000`, a quieted float32 or a
 * shortened float16, differing between a memmap and an array.
 *
 * NumPy gives the same bits wherever its scalar loops run (every case
 * without a reduced axis of contiguous elements: checked against NumPy's
 * fixture); its contiguous vector loops give `0x7ff8000000000000`
 * (`0x7fc00000`, `0x7e00`) or another of the line's NaNs, depending on the
 * processor and where the NaN lies: there the library keeps its one rule.
 */
import assert from "node:assert/strict";
import { frombuffer, type NDArray, openMemmap, save } from "../../mod.ts";
import { numpy, numpyFixtureTests, tempDir } from "./_numpy.ts";

/** NaNs of each width, as hex: quiet, payloads, negative, signaling. */
const NANS: Record<number, string[]> = {
  8: [
    "7ff8000000000123",
    "fff8000000000000",
    "fffc000000054321",
    "7ff4000000000000",
    "fff0000000012345",
    "7ff8000000000000",
  ],
  4: ["7fc00123", "ffc00000", "ffe54321", "7fa00000", "ff812345", "7fc00000"],
  2: ["7e23", "fe00", "fe41", "7d01", "fc05", "7e00"],
};
/** NaNs placed in each array (many lines have several, most results none). */
const COUNT = 120;

/** The arrays: dtype (byte order included) and shape. */
const ARRAYS: [string, number[]][] = [
  ["<f8", [3, 1500, 2]],
  ["<f4", [3, 1500, 2]],
  ["<f2", [3, 1500, 2]],
  [">f8", [3, 1500, 2]],
  [">f4", [3, 1500, 2]],
  ["<f8", [600, 72]],
  ["<f4", [600, 72]],
  ["<f2", [600, 72]],
];
const LAYOUTS = ["C", "reversed", "transposed"] as const;
type Layout = typeof LAYOUTS[number];
type Axis = null | number | number[];
const axesOf = (ndim: number): Axis[] => [
  null,
  ...Array.from({ length: ndim }, (_, k) => k),
  ...(ndim === 3 ? [[0, 1], [0, 2], [1, 2]] : []),
];
const OPS = ["max", "min"] as const;

interface Case {
  array: number;
  layout: Layout;
  axis: Axis;
  op: typeof OPS[number];
}
const CASES: Case[] = ARRAYS.flatMap(([, shape], array) =>
  LAYOUTS.flatMap((layout) =>
    axesOf(shape.length).flatMap((axis) =>
      OPS.map((op) => ({ array, layout, axis, op }))
    )
  )
);

const size = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);
const nanAt = (k: number, n: number) => (k * 7919 + 13) % n;

/** The elements' bits (as bigints) of array `i`: small numbers and the NaNs. */
function baseBits(i: number): bigint[] {
  const [dt, shape] = ARRAYS[i];
  const w = Number(dt.slice(2));
  const n = size(shape);
  const f = w === 8 ? new Float64Array(1) : new Float32Array(1);
  const bits = Array.from({ length: n }, (_, k) => {
    const x = ((k * 37) % 23 - 11) / 4;
    if (w === 2) return BigInt(half(x));
    f[0] = x;
    return w === 8
      ? new BigUint64Array(f.buffer)[0]
      : BigInt(new Uint32Array(f.buffer)[0]);
  });
  for (let k = 0; k < COUNT; k++) {
    bits[nanAt(k, n)] = BigInt("0x" + NANS[w][k % NANS[w].length]);
  }
  return bits;
}

/** float16 bits of a small multiple of 1/4. */
function half(x: number): number {
  if (x === 0) return 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** Array `i` in memory. */
function baseArray(i: number): NDArray {
  const [dt, shape] = ARRAYS[i];
  const w = Number(dt.slice(2));
  const little = dt[0] === "<";
  const bytes = new Uint8Array(size(shape) * w);
  const view = new DataView(bytes.buffer);
  baseBits(i).forEach((b, k) => {
    if (w === 8) view.setBigUint64(k * w, b, little);
    else if (w === 4) view.setUint32(k * w, Number(b), little);
    else view.setUint16(k * w, Number(b), little);
  });
  return frombuffer(bytes.buffer, { dtype: dt }).reshape(shape);
}

function layoutOf(a: NDArray, layout: Layout): NDArray {
  if (layout === "reversed") return a.slice(...a.shape.map(() => "::-1"));
  if (layout === "transposed") return a.transpose();
  return a;
}

/** Array `i`'s index of element `index` of its layout `layout`. */
function baseIndex(i: number, layout: Layout, index: number[]): number {
  const shape = ARRAYS[i][1];
  const at = layout === "transposed"
    ? index.slice().reverse()
    : layout === "reversed"
    ? index.map((x, k) => shape[k] - 1 - x)
    : index;
  return at.reduce((p, x, k) => p * shape[k] + x, 0);
}

const reducedOf = (axis: Axis, ndim: number) =>
  Array.from(
    { length: ndim },
    (_, k) =>
      axis === null || (Array.isArray(axis) ? axis.includes(k) : k === axis),
  );

/**
 * The library's rule, from the inputs: for each result with a NaN, the
 * bits of the first one in NumPy's iteration order.
 */
function firstNaNs(c: Case, view: NDArray): Map<number, bigint> {
  const bits = baseBits(c.array);
  const { shape, strides } = view;
  const reduced = reducedOf(c.axis, shape.length);
  const kept = shape.flatMap((_, k) => reduced[k] ? [] : [k]);
  const order = shape.flatMap((_, k) => reduced[k] ? [k] : [])
    .sort((p, q) => Math.abs(strides[q]) - Math.abs(strides[p]));
  const best = new Map<number, { key: number; bits: bigint }>();
  // Every element of the view that is a NaN (few: walk the view's indexes).
  const n = size(shape);
  const index = shape.map(() => 0);
  const nans = new Set(
    Array.from({ length: COUNT }, (_, k) => nanAt(k, bits.length)),
  );
  for (let flat = 0; flat < n; flat++) {
    let r = flat;
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k] = r % shape[k];
      r = Math.floor(r / shape[k]);
    }
    const b = baseIndex(c.array, c.layout, index);
    if (!nans.has(b)) continue;
    const j = kept.reduce((p, k) => p * shape[k] + index[k], 0);
    const key = order.reduce((p, k) => p * shape[k] + index[k], 0);
    const was = best.get(j);
    if (was === undefined || key < was.key) best.set(j, { key, bits: bits[b] });
  }
  return new Map([...best].map(([j, { bits }]) => [j, bits]));
}

/** The bits of a result's elements, in C order (a scalar: float64 only). */
function resultBits(r: NDArray | number, w: number): bigint[] | null {
  if (typeof r === "number") {
    return w === 8 ? [new BigUint64Array(Float64Array.of(r).buffer)[0]] : null;
  }
  const t = r.copy().toTypedArray() as unknown as {
    buffer: ArrayBuffer;
    byteOffset: number;
    length: number;
  };
  const u = w === 8
    ? new BigUint64Array(t.buffer, t.byteOffset, t.length)
    : w === 4
    ? new Uint32Array(t.buffer, t.byteOffset, t.length)
    : new Uint16Array(t.buffer, t.byteOffset, t.length);
  return Array.from(u as ArrayLike<number | bigint>, (x) => BigInt(x));
}

const isNaNBits = (b: bigint, w: number) =>
  w === 8
    ? (b & 0x7fffffffffffffffn) > 0x7ff0000000000000n
    : w === 4
    ? (b & 0x7fffffffn) > 0x7f800000n
    : (b & 0x7fffn) > 0x7c00n;

/** NumPy's NaN results of each case: [how many, how many with the library's bits]. */
type Expected = [number, number][];

function fromNumpy(): Expected {
  return numpy<Expected>(`
NANS = ${JSON.stringify(NANS)}
ARRAYS = ${JSON.stringify(ARRAYS)}
CASES = json.loads(${JSON.stringify(JSON.stringify(CASES))})
COUNT = ${COUNT}
def base(dt, shape):
    n = int(np.prod(shape)); w = np.dtype(dt).itemsize
    a = (((np.arange(n) * 37) % 23 - 11) / 4).astype(dt)
    u = a.view(dt.replace("f", "u"))
    for k in range(COUNT):
        u[(k * 7919 + 13) % n] = int(NANS[str(w)][k % len(NANS[str(w)])], 16)
    return a.reshape(shape)
def bits(x):
    x = np.ascontiguousarray(x)
    return x.view(x.dtype.str.replace("f", "u")).astype("u%d" % x.dtype.itemsize)
arrays = [base(dt, shape) for dt, shape in ARRAYS]
out = []
for c in CASES:
    a = arrays[c["array"]]
    x = {"C": a, "reversed": a[(slice(None, None, -1),) * a.ndim], "transposed": a.T}[c["layout"]]
    ax = c["axis"]
    red = list(range(x.ndim)) if ax is None else ([ax] if isinstance(ax, int) else ax)
    kept = [k for k in range(x.ndim) if k not in red]
    order = sorted(red, key=lambda k: -abs(x.strides[k]))
    y = np.transpose(x, kept + order).reshape([x.shape[k] for k in kept] + [-1])
    nan = np.isnan(y)
    first = np.take_along_axis(bits(y), nan.argmax(-1)[..., None], -1)[..., 0].reshape(-1)
    has = nan.any(-1).reshape(-1)
    r = getattr(x, c["op"])(axis=None if ax is None else tuple(red))
    rb = bits(np.asarray(r)).reshape(-1)
    assert (np.isnan(np.asarray(r)).reshape(-1) == has).all()
    out.append([int(has.sum()), int(((rb == first) & has).sum())])
print(json.dumps(out))
`);
}

function check(expected: Expected): void {
  assert.equal(expected.length, CASES.length);
  using tmp = tempDir();
  const arrays = ARRAYS.map((_, i) => baseArray(i));
  const paths = arrays.map((a, i) => {
    const path = `${tmp.dir}/${i}.npy`;
    save(path, a);
    return path;
  });
  let numpyAgrees = 0;
  CASES.forEach((c, n) => {
    const w = Number(ARRAYS[c.array][0].slice(2));
    // `using`: closed before the directory is removed (Windows).
    using mapped = openMemmap(paths[c.array], { mode: "r" });
    for (
      const [where, a] of [["in memory", arrays[c.array]], [
        "memmap",
        mapped,
      ]] as const
    ) {
      const view = layoutOf(a, c.layout);
      const want = firstNaNs(c, view);
      const what = `${ARRAYS[c.array].join(" ")} ${c.layout} ${c.op}(${
        JSON.stringify(c.axis)
      }) ${where}`;
      assert.equal(want.size, expected[n][0], `${what}: NaN results (NumPy)`);
      // keepdims on every other case (the whole max() a scalar otherwise).
      const keepdims = n % 4 >= 2;
      const r = (view[c.op] as (a: Axis, o: object) => NDArray | number)
        .call(view, c.axis, { keepdims });
      const got = resultBits(r, w);
      if (got === null) {
        assert.equal(Number.isNaN(r), want.size > 0, what);
        continue;
      }
      got.forEach((b, j) => {
        const bits = want.get(j);
        if (bits === undefined) {
          assert.ok(
            !isNaNBits(b, w),
            `${what}, result ${j}: NaN ${b.toString(16)}`,
          );
        } else {
          assert.equal(
            b.toString(16),
            bits.toString(16),
            `${what}, result ${j}`,
          );
        }
      });
    }
    // NumPy's scalar loops (no reduced axis of contiguous elements) give
    // the same bits; its vector loops may give their own.
    const view = layoutOf(arrays[c.array], c.layout);
    const reduced = reducedOf(c.axis, view.ndim);
    const vector = view.shape.some((m, k) =>
      reduced[k] && m > 1 && Math.abs(view.strides[k]) === view.itemsize
    );
    if (!vector) {
      assert.equal(expected[n][1], expected[n][0], `case ${n}: NumPy's bits`);
      numpyAgrees++;
    }
  });
  assert.ok(
    numpyAgrees > CASES.length / 3,
    `${numpyAgrees} cases against NumPy's bits`,
  );
}

numpyFixtureTests(
  "max and min give the first NaN's bits (NumPy's), float16/32/64, both byte orders, every axis and layout, memmap and in memory",
  new URL("./reduce_nan_bits_numpy.json", import.meta.url),
  fromNumpy,
  check,
  import.meta.main,
);

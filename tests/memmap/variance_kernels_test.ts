import assert from "node:assert/strict";
import { array, frombuffer, memmap, type NDArray } from "../../mod.ts";
import { sys, useSys } from "../../src/ffi/platform.ts";
import type { Sys } from "../../src/ffi/sys.ts";
import type { FloatType } from "../../src/memmap/kernels/reduce_kernels.ts";
import {
  combineRows,
  squaredDeviationsLine,
} from "../../src/memmap/kernels/reduce_run.ts";
import { kernels, settings, shower } from "../../src/memmap/kernels/runtime.ts";
import { pairwiseSum, pairwiseSum32 } from "../../src/memmap/pairwise.ts";
import { memorySettings } from "../../src/memmap/memmap.ts";
import { memoryOf } from "../../src/memmap/storage.ts";
import { HAS_NUMPY, tempDir } from "../test_util.ts";
import { numpy } from "./_numpy.ts";

// var() and std() of float32 and float64 make their squared deviations in
// WebAssembly kernels (`sqdev_T`: NumPy's pairwise recursion over
// (x - mean)²; `sqdevRows_T`: rows added in order along an outer axis)
// instead of a JavaScript pass: the same bits as the TypeScript path (which
// the reduction fixtures check against NumPy) on every layout.

const LINUX = Deno.build.os === "linux";

/** Values of every magnitude, with a few NaN, infinities and zeros when `special`. */
function values(count: number, seed: number, special = false): Float64Array {
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = (seed / 2147483648 - 0.3) * 10 ** ((i % 9) - 2);
  }
  if (special && count > 40) {
    data[3] = -0;
    data[17] = Infinity;
    data[count - 2] = NaN;
  }
  return data;
}

/** The TypeScript path's result of `fn`. */
function inTypeScript<T>(fn: () => T): T {
  const was = settings.off;
  settings.off = true;
  try {
    return fn();
  } finally {
    settings.off = was;
  }
}

/** Numbers, or an array's elements, compared with `Object.is`. */
function sameBits(got: number | NDArray, want: number | NDArray, what: string) {
  if (typeof got === "number" || typeof want === "number") {
    assert.ok(Object.is(got, want), `${what}: ${got} vs ${want}`);
    return;
  }
  assert.deepEqual(got.shape, want.shape, what);
  assert.equal(got.dtype.name, want.dtype.name, what);
  const g = got.toArray().flat(Infinity) as number[];
  const w = want.toArray().flat(Infinity) as number[];
  for (let i = 0; i < w.length; i++) {
    if (!Object.is(g[i], w[i])) {
      assert.fail(`${what}: element ${i}: ${g[i]} vs ${w[i]}`);
    }
  }
}

/** Every call of the table on `a`: kernels against the TypeScript path. */
function checkCalls(a: NDArray, what: string): void {
  const calls: [string, (a: NDArray) => number | NDArray][] = [
    ["var()", (a) => a.var()],
    ["std(ddof=1)", (a) => a.std(null, { ddof: 1 })],
    ["var(keepdims)", (a) => a.var(null, { keepdims: true })],
  ];
  if (a.ndim >= 2) {
    calls.push(
      ["var(0)", (a) => a.var(0)],
      ["std(0, keepdims)", (a) => a.std(0, { keepdims: true })],
      ["var(-1)", (a) => a.var(-1)],
      ["T.var(1)", (a) => a.T.var(1)],
      ["T.std(0)", (a) => a.T.std(0)],
    );
  }
  for (const [name, call] of calls) {
    sameBits(call(a), inTypeScript(() => call(a)), `${what} ${name}`);
  }
}

Deno.test("the squared deviation kernel sums (x - mean)² as NumPy's pairwise sum does", async (t) => {
  const k = kernels();
  if (k === null) return;
  for (const type of ["float32", "float64"] as FloatType[]) {
    await t.step(type, () => {
      const f32 = type === "float32";
      const round = f32 ? Math.fround : (x: number) => x;
      const T = f32 ? Float32Array : Float64Array;
      const size = T.BYTES_PER_ELEMENT;
      const sizes = [
        ...Array.from({ length: 140 }, (_, n) => n),
        255,
        256,
        257,
        1000,
        16_385,
        70_001,
      ];
      for (const n of sizes) {
        for (const skew of [0, 4, 3]) {
          const data = T.from(values(n, n + 11, n > 100));
          const bytes = new Uint8Array(skew + n * size);
          bytes.set(new Uint8Array(data.buffer), skew);
          const mean = round(0.37 + n / 7);
          const squares = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const d = round(data[i] - mean);
            squares[i] = round(d * d);
          }
          const want = f32
            ? pairwiseSum32(squares, 0, n)
            : pairwiseSum(squares, 0, n);
          const got = squaredDeviationsLine(
            shower(k, bytes),
            type,
            skew,
            n,
            mean,
          );
          assert.ok(Object.is(got, want), `${type} n=${n} skew=${skew}`);
        }
      }
    });
  }
});

Deno.test("the squared deviation row kernel adds rows of (x - mean)² in order", async (t) => {
  const k = kernels();
  if (k === null) return;
  for (const type of ["float32", "float64"] as FloatType[]) {
    await t.step(type, () => {
      const f32 = type === "float32";
      const round = f32 ? Math.fround : (x: number) => x;
      const T = f32 ? Float32Array : Float64Array;
      for (const cols of [1, 2, 3, 4, 5, 17, 64, 4099]) {
        for (const rows of [1, 2, 3, 4, 5, 8, 9, 30]) {
          const skew = (rows + cols) % 2 === 0 ? 0 : 4;
          const data = T.from(values(rows * cols, rows * 31 + cols, true));
          const bytes = new Uint8Array(skew + data.byteLength);
          bytes.set(new Uint8Array(data.buffer), skew);
          const means = Float64Array.from(
            values(cols, cols + 5),
            (x) => round(x),
          );
          const want = new Float64Array(cols);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              const d = round(data[r * cols + c] - means[c]);
              want[c] = round(want[c] + round(d * d));
            }
          }
          const got = new Float64Array(cols);
          assert.ok(
            combineRows(
              shower(k, bytes),
              type,
              "sqdev",
              skew,
              rows,
              cols,
              got,
              means,
            ),
          );
          for (let c = 0; c < cols; c++) {
            assert.ok(
              Object.is(got[c], want[c]),
              `${type} ${rows} x ${cols}, column ${c}: ${got[c]} vs ${want[c]}`,
            );
          }
        }
      }
    });
  }
});

Deno.test("var() and std() of float arrays through the kernels equal the TypeScript path bit for bit", async (t) => {
  if (kernels() === null) return;
  for (const dtype of ["float32", "float64"] as const) {
    const data = values(6 * 1021 * 7, 5, true);
    await t.step(`${dtype}: contiguous, strided, reversed, 3-D`, () => {
      const a = array(data).astype(dtype);
      checkCalls(a, `${dtype} 1-D`);
      const m = a.reshape(6 * 1021, 7);
      checkCalls(m, `${dtype} 2-D`);
      checkCalls(a.reshape(6, 1021, 7), `${dtype} 3-D`);
      checkCalls(m.slice("::2"), `${dtype} every other row`);
      checkCalls(m.slice("::-1"), `${dtype} reversed rows`);
      checkCalls(m.slice(":", "::-1"), `${dtype} reversed columns`);
      checkCalls(a.slice("::3"), `${dtype} every third`);
      checkCalls(a.slice("::-1"), `${dtype} reversed`);
      const three = a.reshape(6, 1021, 7);
      for (const axis of [0, 1, 2, [0, 1], [1, 2]]) {
        sameBits(
          three.var(axis),
          inTypeScript(() => three.var(axis)),
          `${dtype} 3-D var(${axis})`,
        );
      }
    });
    await t.step(`${dtype}: in a caller's buffer, unaligned`, () => {
      const typed = dtype === "float32"
        ? Float32Array.from(data)
        : Float64Array.from(data);
      const raw = new Uint8Array(typed.byteLength + 8);
      raw.set(new Uint8Array(typed.buffer), 4);
      const a = frombuffer(raw, { dtype, offset: 4, count: typed.length });
      checkCalls(a.reshape(-1, 7), `${dtype} unaligned`);
    });
    await t.step(`${dtype}: columns past the row kernels' room`, () => {
      const wide = array(values(3 * 300_001, 9)).astype(dtype).reshape(3, -1);
      sameBits(wide.var(0), inTypeScript(() => wide.var(0)), `${dtype} wide`);
    });
  }
});

Deno.test({
  name:
    "var() and std() of float memmaps past one window read the file in place in both passes and equal the TypeScript path",
  ignore: !LINUX,
  fn() {
    if (kernels() === null || sys.overlay === undefined) return;
    using dir = tempDir();
    for (const dtype of ["float32", "float64"] as const) {
      // Two 16 MiB windows and a tail; rows of 11, the tail not a vector.
      const n = 11 * (dtype === "float32" ? 900_001 : 400_003);
      const path = `${dir.path}/${dtype}.bin`;
      const typed = dtype === "float32"
        ? Float32Array.from(values(n, 3))
        : Float64Array.from(values(n, 3));
      Deno.writeFileSync(path, new Uint8Array(typed.buffer));
      // Shown through overlays: not mapped into a memory of its own (large
      // memmaps are, and read there in place: below).
      const saved = memorySettings.minBytes;
      memorySettings.minBytes = Infinity;
      let opened: ReturnType<typeof memmap>;
      try {
        opened = memmap(path, { dtype, mode: "r" });
      } finally {
        memorySettings.minBytes = saved;
      }
      using m = opened;
      assert.equal(memoryOf(m.storage), undefined);
      const real = sys.overlay!;
      let calls = 0;
      const counting: Sys["overlay"] = (...args) => {
        calls++;
        return real(...args);
      };
      const previous = useSys({ ...sys, overlay: counting });
      let whole: number, rows: NDArray;
      try {
        whole = m.var();
        const shown = calls;
        // The mean's pass and the deviations' pass show every window.
        assert.ok(shown >= 2 * Math.ceil(n * m.itemsize / 2 ** 24), dtype);
        rows = m.reshape(-1, 11).std(0);
        assert.ok(calls - shown >= 2 * 2, dtype);
      } finally {
        useSys(previous);
      }
      sameBits(whole, inTypeScript(() => m.var()), `${dtype} var()`);
      sameBits(
        rows,
        inTypeScript(() => m.reshape(-1, 11).std(0)),
        `${dtype} std(0)`,
      );
      // In a memory of its own: read there in place, no overlays, the same bits.
      using own = memmap(path, { dtype, mode: "r" });
      assert.notEqual(memoryOf(own.storage), undefined);
      calls = 0;
      useSys({ ...sys, overlay: counting });
      let ownWhole: number, ownRows: NDArray;
      try {
        ownWhole = own.var();
        ownRows = own.reshape(-1, 11).std(0);
      } finally {
        useSys(previous);
      }
      assert.equal(calls, 0, `${dtype}: overlays`);
      sameBits(ownWhole, whole, `${dtype} var() in its own memory`);
      sameBits(ownRows, rows, `${dtype} std(0) in its own memory`);
    }
  },
});

Deno.test({
  name:
    "var() and std() along an outer axis and of whole float arrays equal NumPy's bit for bit",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    for (const dtype of ["float32", "float64"] as const) {
      const typed = dtype === "float32"
        ? Float32Array.from(values(3 * 1021 * 13, 7))
        : Float64Array.from(values(3 * 1021 * 13, 7));
      const path = `${dir.path}/${dtype}.bin`;
      Deno.writeFileSync(path, new Uint8Array(typed.buffer));
      const want = numpy<number[][]>(`
a = np.fromfile(${JSON.stringify(path)}, "${dtype}")
m = a.reshape(3 * 1021, 13)
t = a.reshape(3, 1021, 13)
print(json.dumps([[float(x) for x in r.ravel()] for r in (
    np.atleast_1d(a.var()), np.atleast_1d(a.std(ddof=1)), m.var(0), m.std(0),
    m.T.var(1), t.var(0), t.std(0, keepdims=True))]))`);
      const a = frombuffer(typed.buffer, { dtype });
      const m = a.reshape(3 * 1021, 13);
      const t = a.reshape(3, 1021, 13);
      const got = [
        [a.var()],
        [a.std(null, { ddof: 1 })],
        m.var(0).toArray(),
        m.std(0).toArray(),
        m.T.var(1).toArray(),
        (t.var(0).toArray() as number[][]).flat(),
        (t.std(0, { keepdims: true }).toArray() as number[][][]).flat(2),
      ] as number[][];
      assert.deepEqual(got, want, dtype);
    }
  },
});

Deno.test({
  name:
    "var() and std() along the last axis of float memmaps past one window read each line in place, forward, and equal the TypeScript path",
  ignore: !LINUX,
  fn() {
    if (kernels() === null || sys.overlay === undefined) return;
    using dir = tempDir();
    for (const dtype of ["float32", "float64"] as const) {
      // Three windows of rows of 11 (shown through overlays, as above).
      const n = 11 * (dtype === "float32" ? 900_001 : 400_003);
      const path = `${dir.path}/${dtype}.bin`;
      const typed = dtype === "float32"
        ? Float32Array.from(values(n, 7))
        : Float64Array.from(values(n, 7));
      Deno.writeFileSync(path, new Uint8Array(typed.buffer));
      const saved = memorySettings.minBytes;
      memorySettings.minBytes = Infinity;
      let opened: ReturnType<typeof memmap>;
      try {
        opened = memmap(path, { dtype, mode: "r" });
      } finally {
        memorySettings.minBytes = saved;
      }
      using m = opened;
      const windows = Math.ceil(n * m.itemsize / 2 ** 24);
      const real = sys.overlay!;
      let calls = 0;
      const counting: Sys["overlay"] = (...args) => {
        calls++;
        return real(...args);
      };
      const rows = m.reshape(-1, 11);
      for (
        const [what, view] of [
          ["rows", rows],
          ["reversed rows", rows.slice("::-1")],
          ["every other row", rows.slice("::2")],
        ] as const
      ) {
        const previous = useSys({ ...sys, overlay: counting });
        let mean: number, got: NDArray;
        try {
          calls = 0;
          view.mean(-1);
          mean = calls;
          calls = 0;
          got = view.var(-1) as NDArray;
        } finally {
          useSys(previous);
        }
        // The deviations' pass shows the windows too (not a temporary made
        // in TypeScript), going forward: a few overlays a window, not one a
        // line.
        assert.ok(calls >= mean + windows - 1, `${dtype} ${what}: ${calls}`);
        assert.ok(
          calls <= mean + 3 * windows + 3,
          `${dtype} ${what}: ${calls}`,
        );
        sameBits(got, inTypeScript(() => view.var(-1)), `${dtype} ${what}`);
        sameBits(
          view.std(-1, { ddof: 1 }),
          inTypeScript(() => view.std(-1, { ddof: 1 })),
          `${dtype} ${what} std`,
        );
      }
    }
  },
});

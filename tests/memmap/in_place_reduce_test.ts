import assert from "node:assert/strict";
import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import { sys, useSys } from "../../src/ffi/platform.ts";
import type { OverlayTarget, Sys } from "../../src/ffi/sys.ts";
import {
  type OverlaySource,
  reduceInPlace,
} from "../../src/memmap/kernels/in_place.ts";
import { RUN_LENGTH } from "../../src/memmap/kernels/reduce_floats.ts";
import { pairwiseSum } from "../../src/memmap/pairwise.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";
import { firstReply, tempDir } from "../test_util.ts";

const LINUX = Deno.build.os === "linux";
/** Enough elements for the in-place kernel (two 16 MiB windows and a tail). */
const COUNT = 2 * 2 * 1024 * 1024 + 12_345;

function values(count: number, seed = 7): Float64Array {
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = (seed / 2147483648 - 0.5) * 10 ** ((i % 11) - 3);
  }
  return data;
}

/** Writes `data` after `offset` bytes of filler; returns the path. */
function dataFile(dir: string, data: Float64Array, offset = 0): string {
  const path = `${dir}/values-${offset}.f8`;
  const bytes = new Uint8Array(offset + data.byteLength);
  bytes.fill(0xab, 0, offset);
  bytes.set(new Uint8Array(data.buffer), offset);
  Deno.writeFileSync(path, bytes);
  return path;
}

/** Runs `fn` with the platform's overlay wrapped to count calls (or replaced). */
function withOverlay<T>(
  overlay: Sys["overlay"],
  fn: () => T,
): T {
  const previous = useSys({ ...sys, overlay });
  try {
    return fn();
  } finally {
    useSys(previous);
  }
}

function countingOverlay(): { calls: number; overlay: Sys["overlay"] } {
  const real = sys.overlay!;
  const counter = {
    calls: 0,
    overlay: (
      t: OverlayTarget,
      f: Parameters<typeof real>[1],
      o: number,
      n: number,
    ) => {
      counter.calls++;
      return real(t, f, o, n);
    },
  };
  return counter;
}

/**
 * Reduces a fresh `rows` x `cols` float64 memmap (written to `dir`) with an
 * overlay that fails on its second call, and checks that `reduce` gives
 * what it gives on the same data in memory.
 */
function checkSecondOverlayFailing(
  dir: string,
  rows: number,
  cols: number,
  seed: number,
  reduce: (a: NDArray) => NDArray,
): void {
  const data = values(rows * cols, seed);
  const path = `${dir}/fail-${seed}`;
  Deno.writeFileSync(path, new Uint8Array(data.buffer));
  const real = sys.overlay!;
  let calls = 0;
  withOverlay((target, file, offset, length) => {
    if (++calls === 2) throw new Error("mmap(): test failure");
    return real(target, file, offset, length);
  }, () => {
    using m = memmap(path, {
      dtype: "float64",
      mode: "r",
      shape: [rows, cols],
    });
    assert.deepEqual(
      reduce(m).toArray(),
      reduce(frombuffer(data).reshape(rows, cols)).toArray(),
    );
  });
  assert.equal(calls, 2);
}

/** The sum the JavaScript path computes: the same data, in memory. */
function referenceSum(array: NDArray): number {
  return array.copy().sum() as number;
}

/** Lines of /proc/self/maps that map `path`. */
function mapsOf(path: string): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((line) => line.endsWith(path)).length;
}

/** A source that copies into the kernels' memory: the kernels alone, no overlay. */
function copyingSource(
  typed: Float64Array | Float32Array,
  skew: number,
): OverlaySource & { cleared: number } {
  return {
    cleared: 0,
    show(target, byteStart, byteLength) {
      const at = target.start + skew; // unaligned loads too
      new Uint8Array(target.memory.buffer, at, byteLength).set(
        new Uint8Array(typed.buffer, byteStart, byteLength),
      );
      return at;
    },
    clear() {
      this.cleared++;
    },
  };
}

const KERNEL_RUNS = 40;

function kernelData(): Float64Array {
  const data = values(KERNEL_RUNS * RUN_LENGTH + 3, 3);
  data[5] = -0;
  data[RUN_LENGTH * 3 + 17] = 1e30;
  data[RUN_LENGTH * 3 + 18] = -1e30;
  data[RUN_LENGTH * 7 + 100] = Infinity;
  return data;
}

Deno.test("the SIMD kernels sum runs exactly as pairwiseSum does", async (t) => {
  const data = kernelData();
  data[RUN_LENGTH * 9 + 1] = NaN;
  for (const typed of [data, Float32Array.from(data)]) {
    const size = typed.BYTES_PER_ELEMENT as 8 | 4;
    const widened = Float64Array.from(typed);
    for (const skew of [0, 3]) {
      await t.step(`${size * 8}-bit elements, ${skew} bytes off`, () => {
        const source = copyingSource(typed, skew);
        const sums: number[] = [];
        const done = reduceInPlace(
          source,
          "sum",
          size,
          size * 3,
          KERNEL_RUNS,
          (s, n) => {
            sums.push(s);
            assert.equal(n, RUN_LENGTH);
          },
        );
        assert.equal(done, KERNEL_RUNS);
        assert.equal(source.cleared, 1);
        for (let r = 0; r < KERNEL_RUNS; r++) {
          const want = pairwiseSum(widened, 3 + r * RUN_LENGTH, RUN_LENGTH);
          assert.ok(
            Object.is(sums[r], want),
            `run ${r}: ${sums[r]} vs ${want}`,
          );
        }
      });
    }
  }
});

Deno.test("the SIMD kernels find min and max as Math.min/Math.max", async (t) => {
  const plain = kernelData();
  const withNaN = kernelData();
  withNaN[RUN_LENGTH * 30 + 5] = NaN;
  // Zeros of one sign but one: that one is the max (or the min).
  const negativeZeros = new Float64Array(KERNEL_RUNS * RUN_LENGTH + 3).fill(-0);
  negativeZeros[RUN_LENGTH * 5 + 2] = 0;
  const positiveZeros = new Float64Array(KERNEL_RUNS * RUN_LENGTH + 3);
  positiveZeros[RUN_LENGTH * 6 + 9] = -0;
  const length = KERNEL_RUNS * RUN_LENGTH + 3;
  const cases = {
    plain,
    "with NaN": withNaN,
    "-0 and one +0": negativeZeros,
    "+0 and one -0": positiveZeros,
    "only -0": new Float64Array(length).fill(-0),
    "only +0": new Float64Array(length),
  };
  for (const [label, data] of Object.entries(cases)) {
    for (const typed of [data, Float32Array.from(data)]) {
      const size = typed.BYTES_PER_ELEMENT as 8 | 4;
      await t.step(`${label}, ${size * 8}-bit elements`, () => {
        for (const extreme of ["min", "max"] as const) {
          const got: number[] = [];
          const done = reduceInPlace(
            copyingSource(typed, 5),
            extreme,
            size,
            size * 3,
            KERNEL_RUNS,
            (v, n) => {
              got.push(v);
              assert.equal(n, KERNEL_RUNS * RUN_LENGTH); // one window
            },
          );
          assert.equal(done, KERNEL_RUNS);
          let want = typed[3];
          for (let i = 4; i < 3 + KERNEL_RUNS * RUN_LENGTH; i++) {
            want = Math[extreme](want, typed[i]);
          }
          assert.ok(
            Object.is(got[0], want),
            `${extreme}: ${got[0]} vs ${want}`,
          );
        }
      });
    }
  }
});

Deno.test("reduceInPlace stops where the source cannot show data", () => {
  const sums: number[] = [];
  const refuse: OverlaySource = { show: () => -1, clear: () => {} };
  assert.equal(reduceInPlace(refuse, "sum", 8, 0, 10, (s) => sums.push(s)), 0);
  assert.deepEqual(sums, []);
});

Deno.test({
  name:
    "memmap sum() and mean() of large float64 arrays read the file in place",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const data = values(COUNT);
  for (const offset of [0, 8, 3, 4096 + 5, 2 * 1024 * 1024 + 24]) {
    await t.step(`offset ${offset}`, () => {
      const path = dataFile(dir.path, data, offset);
      const counter = countingOverlay();
      withOverlay(counter.overlay, () => {
        for (const mode of ["r", "r+"] as const) {
          using m = memmap(path, { dtype: "<f8", mode, offset });
          const want = referenceSum(m);
          counter.calls = 0;
          assert.equal(m.sum(), want);
          assert.ok(counter.calls >= 2, `${counter.calls} overlays`);
          assert.equal(m.mean(), want / COUNT);
          const copy = m.copy();
          counter.calls = 0;
          assert.equal(m.min(), copy.min());
          assert.equal(m.max(), copy.max());
          assert.ok(counter.calls >= 4, `${counter.calls} overlays`);
          assert.equal(mapsOf(path), 1, "no overlay left mapped");
        }
      });
    });
  }
  await t.step("float32, and float64 stored big-endian (not in place)", () => {
    const path = dataFile(dir.path, data);
    const singles = `${dir.path}/singles.f4`;
    // Values that cancel, so that the float32 total still shows every run's sum.
    const f32 = new Float32Array(2 * COUNT).map((_, i) => Math.sin(i) * 100);
    Deno.writeFileSync(singles, new Uint8Array(f32.buffer));
    const counter = countingOverlay();
    withOverlay(counter.overlay, () => {
      using f4 = memmap(singles, { dtype: "<f4", mode: "r", offset: 4 });
      const want = referenceSum(f4);
      assert.ok(Number.isFinite(want));
      counter.calls = 0;
      assert.equal(f4.sum(), want);
      assert.ok(counter.calls > 0);
      assert.equal(
        f4.mean(),
        Math.fround(referenceSum(f4.astype("float64")) / f4.size),
      );
      using big = memmap(path, { dtype: ">f8", mode: "r" });
      counter.calls = 0;
      assert.equal(big.sum(), referenceSum(big));
      assert.equal(counter.calls, 0);
    });
  });
  await t.step("views that fill one block: 2-D C and F order, reversed", () => {
    const path = dataFile(dir.path, data);
    const counter = countingOverlay();
    withOverlay(counter.overlay, () => {
      const rows = 1024, cols = Math.floor(COUNT / 1024);
      for (const order of ["C", "F"] as const) {
        using m = memmap(path, {
          dtype: "float64",
          mode: "r",
          shape: [rows, cols],
          order,
        });
        for (const view of [m, m.T, m.slice("::-1"), m.slice(null, "::-1")]) {
          counter.calls = 0;
          assert.equal(view.sum(), referenceSum(view));
          assert.ok(counter.calls > 0);
        }
        counter.calls = 0;
        const strided = m.slice("::2");
        assert.equal(strided.sum(), referenceSum(strided));
        assert.equal(counter.calls, 0, "strided views use the JavaScript path");
      }
    });
  });
  await t.step("mode c and small arrays read through the map", () => {
    const path = dataFile(dir.path, data);
    const counter = countingOverlay();
    withOverlay(counter.overlay, () => {
      using c = memmap(path, { dtype: "float64", mode: "c" });
      c.set(0, 1e6); // a private change the file does not have
      assert.equal(c.sum(), referenceSum(c));
      using small = memmap(path, { dtype: "float64", mode: "r", shape: 1000 });
      small.sum();
      assert.equal(counter.calls, 0);
    });
  });
});

Deno.test({
  name: "a failed overlay falls back to the map with the same result",
  ignore: !LINUX,
}, () => {
  using dir = tempDir();
  const data = values(COUNT, 5);
  const path = dataFile(dir.path, data);
  const real = sys.overlay!;
  let calls = 0;
  const failSecond: Sys["overlay"] = (target, file, offset, length) => {
    if (++calls === 2) {
      sys.clearOverlay!(target);
      throw new Error("mmap(): Cannot allocate memory (ENOMEM)");
    }
    return real(target, file, offset, length);
  };
  const want = referenceSum(frombuffer(data));
  withOverlay(failSecond, () => {
    using m = memmap(path, { dtype: "float64", mode: "r" });
    assert.equal(m.sum(), want);
  });
  assert.equal(calls, 2);
  withOverlay(undefined, () => {
    using m = memmap(path, { dtype: "float64", mode: "r" });
    assert.equal(m.sum(), want);
  });
  // And the kernel still works afterwards.
  using m = memmap(path, { dtype: "float64", mode: "r" });
  assert.equal(m.sum(), want);
});

Deno.test({
  name: "in-place sum(), min() and max() agree with NumPy",
  ignore: NO_NUMPY || !LINUX,
}, () => {
  using dir = tempDir();
  const data = values(COUNT, 9);
  const path = dataFile(dir.path, data, 3);
  using m = memmap(path, { dtype: "float64", mode: "r", offset: 3 });
  const [sum, min, max] = numpy<string[]>(`
a = np.memmap(${JSON.stringify(path)}, dtype="<f8", mode="r", offset=3)
print(json.dumps([repr(float(a.sum())), repr(float(a.min())), repr(float(a.max()))]))`)
    .map(Number);
  let magnitude = 0;
  for (const v of data) magnitude += Math.abs(v);
  const got = m.sum() as number;
  assert.ok(
    Math.abs(got - sum) <= magnitude * 2 ** -50,
    `${got} vs NumPy ${sum}`,
  );
  assert.equal(m.min(), min);
  assert.equal(m.max(), max);
});

Deno.test("min() and max() follow Math.min/Math.max on every path", () => {
  for (const values of [[-0, 0], [0, -0], [0, -0, 0, -0, 0, -0, 0, -0, 0]]) {
    const a = frombuffer(Float64Array.from(values));
    assert.ok(Object.is(a.max(), 0));
    assert.ok(Object.is(a.min(), -0));
    // Along axis 0 of a C-order array, rows are combined one after another.
    const pairs = frombuffer(Float64Array.from(values.flatMap((v) => [v, v])))
      .reshape(-1, 2);
    assert.ok(Object.is((pairs.max(0) as NDArray).get(1), 0), "axis max");
    assert.ok(Object.is((pairs.min(0) as NDArray).get(1), -0), "axis min");
  }
  const withNaN = frombuffer(Float64Array.from([1, NaN, 3]));
  assert.ok(Number.isNaN(withNaN.max()));
  assert.ok(Number.isNaN(withNaN.min()));
});

Deno.test({
  name: "a Worker and the main thread reduce the same file in place at once",
  ignore: !LINUX,
}, async () => {
  using dir = tempDir();
  const data = values(COUNT, 21);
  const path = dataFile(dir.path, data);
  const want = [referenceSum(frombuffer(data)), frombuffer(data).max()];
  const worker = new Worker(
    new URL("./sum_worker.ts", import.meta.url),
    { type: "module" },
  );
  try {
    const fromWorker = firstReply<number[]>(worker);
    const times = 6;
    worker.postMessage({ path, times });
    for (let i = 0; i < times; i++) {
      using m = memmap(path, { dtype: "float64", mode: "r" });
      assert.deepEqual([m.sum(), m.max()], want);
    }
    const theirs = await fromWorker;
    for (let i = 0; i < times; i++) {
      assert.deepEqual(theirs.slice(2 * i, 2 * i + 2), want);
    }
  } finally {
    worker.terminate();
  }
});

Deno.test({
  name: "sums along the outer axis add rows in place, as the TypeScript path",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const counter = countingOverlay();
  for (
    const [dtype, cols] of [["<f8", 4099], ["<f4", 3001], ["<f8", 2]] as const
  ) {
    await t.step(`${dtype}, ${cols} columns`, () => {
      const size = dtype === "<f8" ? 8 : 4;
      const rows = Math.ceil(20 * 1024 * 1024 / (cols * size));
      const typed = dtype === "<f8"
        ? values(rows * cols, 31)
        : Float32Array.from(values(rows * cols, 31));
      for (let r = 0; r < rows; r++) typed[r * cols] = -0; // a column of -0
      const path = `${dir.path}/rows-${dtype}-${cols}`;
      Deno.writeFileSync(path, new Uint8Array(typed.buffer));
      withOverlay(counter.overlay, () => {
        using m = memmap(path, { dtype, mode: "r", shape: [rows, cols] });
        const copy = m.copy();
        counter.calls = 0;
        const sums = m.sum(0) as NDArray;
        assert.ok(counter.calls > 0);
        assert.deepEqual(sums.toArray(), (copy.sum(0) as NDArray).toArray());
        assert.ok(Object.is(sums.get(0), -0));
        assert.deepEqual(
          (m.mean(0) as NDArray).toArray(),
          (copy.mean(0) as NDArray).toArray(),
        );
        // 3-D, the outer axis again; and a view that is not one block.
        const cube = m.reshape(rows, 1, cols);
        assert.deepEqual(
          (cube.sum(0) as NDArray).toArray(),
          (copy.reshape(rows, 1, cols).sum(0) as NDArray).toArray(),
        );
        counter.calls = 0;
        const half = m.slice(null, `:${Math.ceil(cols / 2)}`);
        assert.deepEqual(
          (half.sum(0) as NDArray).toArray(),
          (half.copy().sum(0) as NDArray).toArray(),
        );
        assert.equal(counter.calls, 0);
      });
    });
  }
  await t.step(
    "a failing overlay leaves the rest to the TypeScript path",
    () =>
      checkSecondOverlayFailing(
        dir.path,
        5000,
        1000,
        41,
        (a) => a.sum(0) as NDArray,
      ),
  );
});

Deno.test({
  name: "reductions along the innermost axis run line by line in place",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const counter = countingOverlay();
  const length = 2 * RUN_LENGTH + 1234; // whole runs and a tail
  const cases = [["<f8", 0], ["<f8", 4], ["<f4", 0], ["<f4", 2]] as const;
  for (const [dtype, offset] of cases) {
    await t.step(`${dtype} at offset ${offset}`, () => {
      const size = dtype === "<f8" ? 8 : 4;
      const lines = 2 * Math.ceil(12 * 1024 * 1024 / (length * size));
      const data = values(lines * length, 51);
      data[length + 5] = NaN; // line 1
      data.fill(-0, 2 * length, 3 * length); // line 2: -0 and one +0
      data[2 * length + 700] = 0;
      const typed = size === 8 ? data : Float32Array.from(data);
      const bytes = new Uint8Array(offset + typed.byteLength);
      bytes.set(new Uint8Array(typed.buffer), offset);
      const path = `${dir.path}/lines-${dtype}-${offset}`;
      Deno.writeFileSync(path, bytes);
      withOverlay(counter.overlay, () => {
        using m = memmap(path, {
          dtype,
          mode: "r",
          offset,
          shape: [lines, length],
        });
        const copy = m.copy();
        for (const op of ["sum", "mean", "min", "max"] as const) {
          counter.calls = 0;
          const got = (m[op](1) as NDArray).toArray();
          assert.ok(counter.calls > 0, op);
          assert.deepEqual(got, (copy[op](1) as NDArray).toArray(), op);
        }
        const cube = m.reshape(2, -1, length);
        assert.deepEqual(
          (cube.sum(-1) as NDArray).toArray(),
          (copy.reshape(2, -1, length).sum(-1) as NDArray).toArray(),
        );
      });
    });
  }
  await t.step("F order along axis 0; short lines stay in TypeScript", () => {
    const cols = 700;
    const data = values(length * cols, 61);
    const path = `${dir.path}/lines-f`;
    Deno.writeFileSync(path, new Uint8Array(data.buffer));
    withOverlay(counter.overlay, () => {
      using f = memmap(path, {
        dtype: "float64",
        mode: "r",
        shape: [length, cols],
        order: "F",
      });
      // The TypeScript path on the same layout: mode "c" never overlays.
      using typescript = memmap(path, {
        dtype: "float64",
        mode: "c",
        shape: [length, cols],
        order: "F",
      });
      counter.calls = 0;
      assert.deepEqual(
        (f.sum(0) as NDArray).toArray(),
        (typescript.sum(0) as NDArray).toArray(),
      );
      assert.ok(counter.calls > 0);
      using flat = memmap(path, { dtype: "float64", mode: "r" });
      counter.calls = 0;
      flat.reshape(-1, cols).sum(1);
      assert.equal(counter.calls, 0);
      // Lines longer than a window (16 MiB) stay in TypeScript too.
      const long = flat.reshape(2, -1);
      counter.calls = 0;
      assert.deepEqual(
        (long.sum(1) as NDArray).toArray(),
        (long.copy().sum(1) as NDArray).toArray(),
      );
      assert.equal(counter.calls, 0);
    });
  });
  await t.step(
    "a failing overlay leaves the rest of the lines to TypeScript",
    () =>
      checkSecondOverlayFailing(
        dir.path,
        300,
        length,
        71,
        (a) => a.max(1) as NDArray,
      ),
  );
});

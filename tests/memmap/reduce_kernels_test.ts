import assert from "node:assert/strict";
import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import { sys, useSys } from "../../src/ffi/platform.ts";
import type { Sys } from "../../src/ffi/sys.ts";
import type {
  IntegerType,
  KernelType,
} from "../../src/memmap/kernels/reduce_kernels.ts";
import {
  combineRows,
  extremeBlock,
  pairwiseLine,
  SIZE,
  sumBlock,
} from "../../src/memmap/kernels/reduce_run.ts";
import { kernels, settings, shower } from "../../src/memmap/kernels/runtime.ts";
import { pairwiseSum, pairwiseSum32 } from "../../src/memmap/pairwise.ts";
import { memorySettings } from "../../src/memmap/memmap.ts";
import { memoryOf } from "../../src/memmap/storage.ts";
import { firstReply, tempDir } from "../test_util.ts";

const LINUX = Deno.build.os === "linux";
/** Enough float64 elements for windows in place (two 16 MiB windows and a tail). */
const COUNT = 2 * 2 * 1024 * 1024 + 12_345;

function values(count: number, seed = 7): Float64Array {
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = (seed / 2147483648 - 0.5) * 10 ** ((i % 11) - 3);
  }
  return data;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = seed >>> 16;
  }
  return out;
}

/** Writes `data` after `offset` bytes of filler; returns the path. */
function dataFile(
  dir: string,
  data: Float64Array | Float32Array,
  offset = 0,
  name = "values",
): string {
  const path = `${dir}/${name}-${offset}`;
  const bytes = new Uint8Array(offset + data.byteLength);
  bytes.fill(0xab, 0, offset);
  bytes.set(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    offset,
  );
  Deno.writeFileSync(path, bytes);
  return path;
}

/**
 * Runs `fn` with the platform's overlay replaced (or counted), memmaps
 * opened in it read through overlays: none is mapped into a memory of its
 * own (large memmaps are, and reductions read those in place: see the test
 * "memmap reductions of a file in a memory of its own ...").
 */
function withOverlay<T>(overlay: Sys["overlay"], fn: () => T): T {
  const previous = useSys({ ...sys, overlay });
  const saved = memorySettings.minBytes;
  memorySettings.minBytes = Infinity;
  try {
    return fn();
  } finally {
    memorySettings.minBytes = saved;
    useSys(previous);
  }
}

function countingOverlay(): { calls: number; overlay: Sys["overlay"] } {
  const real = sys.overlay!;
  const counter = {
    calls: 0,
    overlay: (...args: Parameters<NonNullable<Sys["overlay"]>>) => {
      counter.calls++;
      return real(...args);
    },
  };
  return counter;
}

/** The result the TypeScript path computes for the same data in memory. */
function inTypeScript<T>(fn: () => T): T {
  const was = settings.off;
  settings.off = true;
  try {
    return fn();
  } finally {
    settings.off = was;
  }
}

/** Lines of /proc/self/maps that map `path`. */
function mapsOf(path: string): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((line) => line.endsWith(path)).length;
}

const TYPED = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

Deno.test("the integer kernels sum exactly and find min and max", async (t) => {
  const k = kernels();
  if (k === null) return;
  for (const type of Object.keys(TYPED) as KernelType[]) {
    await t.step(type, () => {
      const size = SIZE[type];
      for (const n of [1, 2, 7, 16, 17, 63, 64, 65, 100, 1000, 70_001]) {
        for (const skew of [0, 3]) {
          const raw = randomBytes(skew + n * size + 5, n + skew);
          if (type === "bool") raw.forEach((b, i) => raw[i] = b % 3); // 0, 1 and 2
          const bytes = raw.subarray(0, skew + n * size);
          const elements = new TYPED[type](
            raw.slice(skew, skew + n * size).buffer,
          ) as ArrayLike<number | bigint>;
          const sh = shower(k, bytes);
          const what = `${type}, ${n} elements, ${skew} bytes off`;
          if (type !== "float32" && type !== "float64") {
            let want = 0n;
            for (let i = 0; i < n; i++) {
              const x = elements[i];
              want += type === "bool" ? (x !== 0 ? 1n : 0n) : BigInt(x);
            }
            const got = sumBlock(sh, type as IntegerType, skew, n * size);
            // Exact, or exact modulo 2^64 for 64-bit elements.
            assert.equal(
              BigInt.asUintN(64, got),
              BigInt.asUintN(64, want),
              what,
            );
            if (size < 8) assert.equal(got, want, what);
          }
          if (n * size < 16) continue;
          for (const kind of ["min", "max"] as const) {
            let want = elements[0];
            for (let i = 1; i < n; i++) {
              const x = elements[i];
              want = typeof x === "number"
                ? Math[kind](want as number, x)
                : (kind === "min" ? x < want : x > want)
                ? x
                : want;
            }
            const got = extremeBlock(sh, type, kind, skew, n * size);
            assert.ok(
              Object.is(got, want),
              `${what} ${kind}: ${got} vs ${want}`,
            );
          }
        }
      }
    });
  }
  await t.step("extremes of 64-bit integers and sums that wrap", () => {
    const big = BigInt64Array.from([
      -(2n ** 63n),
      2n ** 63n - 1n,
      -1n,
      0n,
      ...new Array(60).fill(5n),
    ]);
    const bytes = new Uint8Array(big.buffer);
    const sh = shower(k, bytes);
    assert.equal(
      extremeBlock(sh, "int64", "min", 0, bytes.length),
      -(2n ** 63n),
    );
    assert.equal(
      extremeBlock(sh, "int64", "max", 0, bytes.length),
      2n ** 63n - 1n,
    );
    assert.equal(
      extremeBlock(sh, "uint64", "max", 0, bytes.length),
      2n ** 64n - 1n,
    );
    assert.equal(extremeBlock(sh, "uint64", "min", 0, bytes.length), 0n);
    assert.equal(
      BigInt.asIntN(64, sumBlock(sh, "int64", 0, bytes.length)),
      BigInt.asIntN(64, -(2n ** 63n) + 2n ** 63n - 1n - 1n + 300n),
    );
  });
});

Deno.test("the float kernels sum as NumPy's pairwise sum and find min and max as Math.min/Math.max", async (t) => {
  const k = kernels();
  if (k === null) return;
  const data = values(300_003, 3);
  data[5] = -0;
  data[1000] = 1e30;
  data[1001] = -1e30;
  data[70_000] = Infinity;
  for (const typed of [data, Float32Array.from(data)]) {
    const type = typed instanceof Float64Array ? "float64" : "float32";
    const reference = type === "float64" ? pairwiseSum : pairwiseSum32;
    await t.step(`${type} pairwise`, () => {
      for (const skew of [0, 5]) {
        const bytes = new Uint8Array(skew + typed.byteLength);
        bytes.set(new Uint8Array(typed.buffer), skew);
        const sh = shower(k, bytes);
        for (
          const n of [
            0,
            1,
            7,
            8,
            9,
            127,
            128,
            129,
            1000,
            8192,
            65_536,
            65_537,
            300_003,
          ]
        ) {
          const got = pairwiseLine(sh, type, skew, n);
          const want = reference(typed, 0, n);
          assert.ok(Object.is(got, want), `${type} n=${n}: ${got} vs ${want}`);
        }
      }
    });
  }
  const length = 100_003;
  const zeros = (sign: number, other: number, at: number) => {
    const a = new Float64Array(length).fill(sign);
    a[at] = other;
    return a;
  };
  const withNaN = values(length, 4);
  withNaN[60_000] = NaN;
  const cases = {
    plain: values(length, 5),
    "with NaN": withNaN,
    "-0 and one +0": zeros(-0, 0, 777),
    "+0 and one -0": zeros(0, -0, 99_999),
    "only -0": new Float64Array(length).fill(-0),
    "only +0": new Float64Array(length),
  };
  for (const [label, plain] of Object.entries(cases)) {
    for (const typed of [plain, Float32Array.from(plain)]) {
      const type = typed instanceof Float64Array ? "float64" : "float32";
      await t.step(`${label}, ${type} min and max`, () => {
        const bytes = new Uint8Array(3 + typed.byteLength);
        bytes.set(new Uint8Array(typed.buffer), 3);
        const sh = shower(k, bytes);
        for (const kind of ["min", "max"] as const) {
          let want = typed[0];
          for (let i = 1; i < length; i++) want = Math[kind](want, typed[i]);
          const got = extremeBlock(sh, type, kind, 3, typed.byteLength);
          assert.ok(Object.is(got, want), `${kind}: ${got} vs ${want}`);
        }
      });
    }
  }
});

Deno.test("the row kernels combine rows as the TypeScript path does", () => {
  const k = kernels();
  if (k === null) return;
  for (
    const [type, cols] of [
      ["float64", 4099],
      ["float32", 3001],
      ["float64", 2],
      ["int8", 37],
      ["uint8", 100],
      ["bool", 33],
      ["uint64", 5],
      ["int16", 1],
      ["uint16", 21],
      ["int32", 9],
      ["uint32", 7],
      ["int64", 3],
    ] as const
  ) {
    const rows = 50;
    const bytes = randomBytes(rows * cols * SIZE[type], cols);
    if (type === "float64" || type === "float32") {
      const f = new TYPED[type](bytes.buffer as ArrayBuffer);
      const v = values(f.length, cols);
      f.set(v);
      f[0] = NaN;
    }
    if (type === "bool") bytes.forEach((b, i) => bytes[i] = b % 3); // 0, 1 and 2
    const a = frombuffer(bytes, { dtype: type }).reshape(rows, cols);
    for (const kind of ["add", "min", "max"] as const) {
      const float = type === "float64" || type === "float32";
      const out = type === "uint64"
        ? new BigUint64Array(cols)
        : (kind === "add" && !float) || type === "int64"
        ? new BigInt64Array(cols)
        : new Float64Array(cols);
      assert.ok(combineRows(shower(k, bytes), type, kind, 0, rows, cols, out));
      const op = kind === "add" ? "sum" : kind;
      const want = inTypeScript(() => (a[op](0) as NDArray).toArray());
      const got = Array.from(out as ArrayLike<number | bigint>);
      for (let i = 0; i < cols; i++) {
        const g = type === "float32"
          ? Math.fround(got[i] as number)
          : type === "bool" && kind !== "add"
          ? got[i] !== 0 // raw bytes; elements read as booleans
          : got[i];
        assert.ok(
          Object.is(g, want[i]),
          `${type} ${kind} column ${i}: ${g} vs ${want[i]}`,
        );
      }
    }
  }
});

Deno.test({
  name: "memmap reductions of large arrays read the file in place",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const data = values(COUNT);
  for (const offset of [0, 8, 3, 4096 + 5, 2 * 1024 * 1024 + 24]) {
    await t.step(`float64 at offset ${offset}`, () => {
      const path = dataFile(dir.path, data, offset);
      const counter = countingOverlay();
      withOverlay(counter.overlay, () => {
        for (const mode of ["r", "r+"] as const) {
          using m = memmap(path, { dtype: "<f8", mode, offset });
          const want = inTypeScript(
            () => [m.sum(), m.mean(), m.min(), m.max()],
          );
          counter.calls = 0;
          assert.deepEqual([m.sum(), m.mean(), m.min(), m.max()], want);
          assert.ok(counter.calls >= 8, `${counter.calls} overlays`);
          assert.equal(memoryOf(m.storage), undefined);
          assert.equal(mapsOf(path), 1, "no overlay left mapped");
        }
      });
    });
  }
  await t.step("integers: sums, min and max of every width", () => {
    const path = dataFile(dir.path, data, 0, "ints");
    const counter = countingOverlay();
    withOverlay(counter.overlay, () => {
      for (
        const dtype of ["int8", "uint16", "int32", "uint32", "int64", "uint64"]
      ) {
        using m = memmap(path, { dtype, mode: "r" });
        const want = inTypeScript(() => [m.sum(), m.min(), m.max()]);
        counter.calls = 0;
        assert.deepEqual([m.sum(), m.min(), m.max()], want, dtype);
        assert.ok(counter.calls >= 3, dtype);
      }
    });
  });
  await t.step(
    "float32 in place; big-endian views in TypeScript; strided sums in place (strided kernel)",
    () => {
      const path = dataFile(dir.path, data);
      const counter = countingOverlay();
      withOverlay(counter.overlay, () => {
        using f4 = memmap(path, { dtype: "<f4", mode: "r", offset: 4 });
        const want = inTypeScript(() => [f4.sum(), f4.mean(), f4.max()]);
        counter.calls = 0;
        assert.deepEqual([f4.sum(), f4.mean(), f4.max()], want);
        assert.ok(counter.calls > 0);
        using big = memmap(path, { dtype: ">f8", mode: "r" });
        counter.calls = 0;
        assert.equal(big.sum(), inTypeScript(() => big.sum()));
        assert.equal(counter.calls, 0);
        using m = memmap(path, { dtype: "<f8", mode: "r" });
        const strided = m.slice("::2");
        counter.calls = 0;
        assert.equal(strided.sum(), inTypeScript(() => strided.sum()));
        assert.ok(counter.calls > 0);
      });
    },
  );
  await t.step(
    "views of one block: 2-D C and F order, transposed, reversed",
    () => {
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
            const want = inTypeScript(() => [view.sum(), view.max()]);
            counter.calls = 0;
            assert.deepEqual([view.sum(), view.max()], want);
            assert.ok(counter.calls > 0);
          }
        }
      });
    },
  );
  await t.step("mode c and small arrays are copied, not mapped over", () => {
    const path = dataFile(dir.path, data);
    const counter = countingOverlay();
    withOverlay(counter.overlay, () => {
      using c = memmap(path, { dtype: "float64", mode: "c" });
      c.set(0, 1e6); // a private change the file does not have
      assert.equal(c.sum(), inTypeScript(() => c.sum()));
      using small = memmap(path, { dtype: "float64", mode: "r", shape: 1000 });
      assert.equal(small.sum(), inTypeScript(() => small.sum()));
      assert.equal(counter.calls, 0);
    });
  });
});

Deno.test({
  name: "a failed overlay falls back to copies with the same result",
  ignore: !LINUX,
}, () => {
  using dir = tempDir();
  const rows = 1000, cols = 4300;
  const data = values(rows * cols, 5);
  const path = dataFile(dir.path, data);
  const ops: [string, (a: NDArray) => unknown][] = [
    ["sum()", (a) => a.sum()],
    ["max()", (a) => a.max()],
    ["sum(0)", (a) => (a.sum(0) as NDArray).toArray()],
    ["max(1)", (a) => (a.max(1) as NDArray).toArray()],
  ];
  const real = sys.overlay!;
  for (const [name, op] of ops) {
    const want = inTypeScript(() => op(frombuffer(data).reshape(rows, cols)));
    for (const failing of [1, 2]) {
      let calls = 0;
      const fail: Sys["overlay"] = (target, file, offset, length) => {
        if (++calls === failing) {
          sys.clearOverlay!(target);
          throw new Error("mmap(): Cannot allocate memory (ENOMEM)");
        }
        return real(target, file, offset, length);
      };
      withOverlay(fail, () => {
        using m = memmap(path, {
          dtype: "float64",
          mode: "r",
          shape: [rows, cols],
        });
        assert.deepEqual(op(m), want, `${name}, overlay ${failing} failing`);
      });
      assert.ok(calls >= failing);
      assert.equal(mapsOf(path), 0);
    }
    withOverlay(undefined, () => {
      using m = memmap(path, {
        dtype: "float64",
        mode: "r",
        shape: [rows, cols],
      });
      assert.deepEqual(op(m), want, `${name}, no overlays`);
    });
    // The kernels still work afterwards.
    using m = memmap(path, {
      dtype: "float64",
      mode: "r",
      shape: [rows, cols],
    });
    assert.deepEqual(op(m), want, `${name} afterwards`);
  }
});

Deno.test("min() and max() follow Math.min/Math.max on every path", () => {
  for (const off of [false, true]) {
    const was = settings.off;
    settings.off = off;
    try {
      for (
        const values of [
          [-0, 0],
          [0, -0],
          new Array(99).fill(0).map((_, i) => i % 2 ? -0 : 0),
        ]
      ) {
        const a = frombuffer(Float64Array.from(values));
        assert.ok(Object.is(a.max(), 0));
        assert.ok(Object.is(a.min(), -0));
        const pairs = frombuffer(
          Float64Array.from(values.flatMap((v) => [v, v])),
        ).reshape(-1, 2);
        assert.ok(Object.is((pairs.max(0) as NDArray).get(1), 0), "axis max");
        assert.ok(Object.is((pairs.min(0) as NDArray).get(1), -0), "axis min");
      }
      const withNaN = frombuffer(
        Float64Array.from({ length: 1000 }, (_, i) => i === 500 ? NaN : i),
      );
      assert.ok(Number.isNaN(withNaN.max()));
      assert.ok(Number.isNaN(withNaN.min()));
    } finally {
      settings.off = was;
    }
  }
});

Deno.test({
  name: "a Worker and the main thread reduce the same file in place at once",
  ignore: !LINUX,
}, async () => {
  using dir = tempDir();
  const data = values(COUNT, 21);
  const path = dataFile(dir.path, data);
  const want = inTypeScript(
    () => [frombuffer(data).sum(), frombuffer(data).max()],
  );
  const worker = new Worker(new URL("./sum_worker.ts", import.meta.url), {
    type: "module",
  });
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
  name: "axis reductions of memmaps run in place, as the TypeScript path",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const counter = countingOverlay();
  const saved = settings.overlayMinBytes;
  settings.overlayMinBytes = 0; // in place whatever the size
  using _restore = {
    [Symbol.dispose]: () => settings.overlayMinBytes = saved,
  };
  for (
    const [dtype, cols, offset] of [["<f8", 4099, 0], ["<f4", 3001, 4], [
      "<f8",
      2,
      8,
    ], ["<f8", 20_000, 3]] as const
  ) {
    await t.step(`${dtype}, ${cols} columns, offset ${offset}`, () => {
      const size = dtype === "<f8" ? 8 : 4;
      const rows = Math.ceil(3 * 1024 * 1024 / (cols * size));
      const data = values(rows * cols, 31);
      for (let r = 0; r < rows; r++) data[r * cols] = -0; // a column of -0
      data[cols + 1] = NaN;
      const typed = size === 8 ? data : Float32Array.from(data);
      const path = dataFile(dir.path, typed, offset, `rows-${dtype}-${cols}`);
      withOverlay(counter.overlay, () => {
        using m = memmap(path, {
          dtype,
          mode: "r",
          offset,
          shape: [rows, cols],
        });
        for (const view of [m, m.reshape(rows, 1, cols)]) {
          for (const op of ["sum", "mean", "min", "max"] as const) {
            for (const axis of [0, -1]) {
              const want = inTypeScript(() =>
                (view[op](axis) as NDArray).toArray()
              );
              counter.calls = 0;
              const got = (view[op](axis) as NDArray).toArray();
              assert.deepEqual(got, want, `${op}(${axis})`);
              // Lines shorter than a kernel call is worth stay in TypeScript.
              if (axis === 0 || cols > 100) {
                assert.ok(counter.calls > 0, `${op}(${axis}) in place`);
              }
            }
          }
        }
        assert.ok(
          Object.is((m.sum(0) as NDArray).get(0), 0),
          "sums start at +0, as NumPy's",
        );
      });
    });
  }
});

Deno.test("float sums along a contiguous axis, many lines a kernel call, equal the TypeScript path bit for bit", () => {
  using dir = tempDir();
  // Past one 16 MiB window of a memory map: lines straddle the windows.
  const data = values(17 * 1024 * 1024 / 8 + 1000);
  const path = `${dir.path}/rows.f8`;
  Deno.writeFileSync(path, new Uint8Array(data.buffer));
  const saved = { ...settings };
  settings.arrayMemoryMinBytes = 0;
  try {
    for (const dtype of ["float64", "float32"]) {
      const bytes = new Uint8Array(data.buffer);
      const count = Math.floor(bytes.length / (dtype === "float64" ? 8 : 4));
      const lines = Math.floor(count / 97);
      using map = memmap(path, { dtype, mode: "r", shape: [count] });
      const sources: [string, NDArray][] = [
        ["array memory", frombuffer(bytes, { dtype }).copy()],
        ["memory map", map],
      ];
      const matrix = (a: NDArray) => a.slice(`:${lines * 97}`).reshape(-1, 97);
      for (const [where, all] of sources) {
        const views: [string, (a: NDArray) => NDArray][] = [
          ["lines of 97", matrix],
          ["lines of 70001", (a) => a.slice(":280004").reshape(4, 70001)],
          ["reversed lines", (a) => matrix(a).slice("::-1")],
          ["3-D", (a) => a.slice(":291000").reshape(30, 100, 97)],
          ["every other line", (a) => matrix(a).slice("::2")],
        ];
        for (const [label, view] of views) {
          const a = view(all);
          const axis = a.ndim - 1;
          const got = [(a.sum(axis) as NDArray).toArray()].flat(3);
          const want = [
            inTypeScript(() => (a.sum(axis) as NDArray).toArray()),
          ].flat(3);
          assert.ok(
            got.length === want.length &&
              got.every((g, i) => Object.is(g, want[i])),
            `${dtype} ${where} ${label}`,
          );
        }
      }
    }
  } finally {
    Object.assign(settings, saved);
  }
});

Deno.test({
  name:
    "memmap reductions of a file in a memory of its own read it there in place (no overlays, no copies): the values of the TypeScript path and of overlays or copies",
  ignore: !LINUX,
}, async (t) => {
  using dir = tempDir();
  const data = values(COUNT);
  const ops: [string, (a: NDArray) => unknown][] = [
    ["sum()", (a) => a.sum()],
    ["mean()", (a) => a.mean()],
    ["min()", (a) => a.min()],
    ["max()", (a) => a.max()],
    ["std()", (a) => a.std()],
    ["argmax()", (a) => a.argmax()],
    ["sum(1)", (a) => (a.sum(1) as NDArray).toArray()],
    ["sum(0)", (a) => (a.sum(0) as NDArray).toArray()],
    ["mean(1)", (a) => (a.mean(1) as NDArray).toArray()],
    ["max(1)", (a) => (a.max(1) as NDArray).toArray()],
    ["argmin(1)", (a) => (a.argmin(1) as NDArray).toArray()],
    ["T.sum(0)", (a) => (a.T.sum(0) as NDArray).toArray()],
    ["::-1 sum(1)", (a) => (a.slice("::-1").sum(1) as NDArray).toArray()],
  ];
  // dtype, offset (bytes), columns, elements of `data` in the file: one
  // file of several 16 MiB windows, the others small (memmaps of every
  // size mapped into memories of their own).
  const cases: [string, number, number, number][] = [
    ["<f8", 2 * 1024 * 1024 + 24, 1000, COUNT],
    ["<f4", 0, 128, 300_000],
    ["<f4", 4, 100, 300_000],
    ["<f8", 8, 64, 300_000],
    ["<i4", 4096, 32, 300_000],
    ["<i8", 0, 7, 300_000],
  ];
  const saved = memorySettings.minBytes;
  memorySettings.minBytes = 0;
  try {
    await stepEach();
  } finally {
    memorySettings.minBytes = saved;
  }
  async function stepEach() {
    for (const [dtype, offset, cols, count] of cases) {
      await t.step(`${dtype} at offset ${offset}, rows of ${cols}`, () => {
        const path = dataFile(
          dir.path,
          data.subarray(0, count),
          offset,
          dtype.slice(1),
        );
        const size = dtype.endsWith("8") ? 8 : 4;
        const rows = Math.floor(count * 8 / size / cols);
        const open = (mode: "r" | "r+") =>
          memmap(path, { dtype, mode, offset, shape: [rows, cols] });
        const overlaid = withOverlay(sys.overlay, () => {
          using m = open("r");
          return ops.map(([, op]) => op(m));
        });
        const want = inTypeScript(() => {
          using m = open("r");
          return ops.map(([, op]) => op(m));
        });
        const counter = countingOverlay();
        const previous = useSys({ ...sys, overlay: counter.overlay });
        try {
          for (const mode of ["r", "r+"] as const) {
            using m = open(mode);
            assert.notEqual(
              memoryOf(m.storage),
              undefined,
              "a memory of its own",
            );
            counter.calls = 0;
            const got = ops.map(([, op]) => op(m));
            for (const [k, [name]] of ops.entries()) {
              assert.deepEqual(got[k], want[k], `${name} ${mode}`);
              assert.deepEqual(got[k], overlaid[k], `${name} ${mode} overlays`);
            }
            assert.equal(counter.calls, 0, "no overlays");
          }
        } finally {
          useSys(previous);
        }
      });
    }
  }
});

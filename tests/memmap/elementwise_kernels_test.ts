import assert from "node:assert/strict";
import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import { castKernel } from "../../src/memmap/kernels/cast_kernels.ts";
import { elementwiseKernel } from "../../src/memmap/kernels/elementwise.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import {
  add,
  multiply_,
  subtract,
  trueDivide,
  type Ufunc,
} from "../../src/memmap/ufunc/table.ts";
import { maximum_, minimum_ } from "../../src/memmap/ufunc/arith.ts";
import { lcgBytes } from "./_reduce_cases.ts";
import { tempDir } from "../test_util.ts";
import { quietNaNs } from "./_numpy.ts";

/** Elements per operand: past the kernels' minimum run, not a whole number of vectors. */
const N = 3001;

type Method = "add" | "sub" | "mul" | "div" | "maximum" | "minimum";

const METHODS: [Ufunc, Method][] = [
  [add, "add"],
  [subtract, "sub"],
  [multiply_, "mul"],
  [trueDivide, "div"],
  [maximum_, "maximum"],
  [minimum_, "minimum"],
];

/**
 * Runs `f` with the kernels on or off, every array the library allocates
 * in a WebAssembly memory of its own and every memory map shown in place.
 */
function withKernels<T>(on: boolean, f: () => T): T {
  const saved = { ...settings };
  settings.arrayMemoryMinBytes = 0;
  settings.overlayMinBytes = 0;
  settings.off = !on;
  try {
    return f();
  } finally {
    Object.assign(settings, saved);
  }
}

/** The labels of the `results` whose bytes differ with the kernels on and off. */
function differences(
  results: () => (readonly [string, Uint8Array])[],
): string[] {
  const got = withKernels(true, results), want = withKernels(false, results);
  return got.filter(([, g], k) => !g.every((b, i) => b === want[k][1][i]))
    .map(([label]) => label);
}

/** The bytes of `a`'s elements, NaNs made quiet (see `quietNaNs`). */
function bytesOf(a: NDArray): Uint8Array {
  const bytes = new Uint8Array(a.toTypedArray().buffer);
  quietNaNs(bytes, a.dtype.name);
  return bytes;
}

/** The calls compared, on `x` and `y` (arrays of one type in memories of their own). */
function calls(
  method: Method,
): [string, (x: NDArray, y: NDArray) => NDArray][] {
  return [
    ["x op y", (x, y) => x[method](y)],
    [
      "x op y, unaligned views",
      (x, y) => x.slice("1:-2")[method](y.slice("3:")),
    ],
    ["x op scalar", (x, y) => x[method](y.get(7) as number)],
    ["scalar op x", (x, y) => y.slice("7:8").reshape()[method](x)],
    ["in place", (x, y) => {
      const o = x.copy();
      o[method](y, { out: o });
      return o;
    }],
    [
      "2-D, broadcast row",
      (x, y) => x.slice(":3000").reshape(2, 1500)[method](y.slice(":1500")),
    ],
  ];
}

Deno.test("element-wise vector kernels give the JavaScript loops' bits for every type and operand layout", () => {
  const failures: string[] = [];
  for (const [ufunc, method] of METHODS) {
    for (const type of Object.keys(ufunc.simd!)) {
      const bytes = lcgBytes(N * 8, 11), other = lcgBytes(N * 8, 12);
      const labels = differences(() => {
        const x = frombuffer(bytes, { dtype: type, count: N }).copy();
        const y = frombuffer(other, { dtype: type, count: N }).copy();
        return calls(method).map(([label, f]) => [label, bytesOf(f(x, y))]);
      });
      failures.push(...labels.map((label) => `${type} ${method}: ${label}`));
    }
  }
  assert.deepEqual(failures, []);
});

/**
 * `bytes` with its float NaNs kept at even (`parity` 0) or odd indices
 * only (1 elsewhere), so that no two NaNs meet in the cases below: which
 * NaN's payload a result keeps is left to the engine's tier, for the loops
 * and the kernels alike.
 */
function nansAt(parity: number, bytes: Uint8Array, type: string): Uint8Array {
  if (type !== "float32" && type !== "float64") return bytes;
  const x = type === "float32"
    ? new Float32Array(bytes.buffer)
    : new Float64Array(bytes.buffer);
  for (let i = 1 - parity; i < x.length; i += 2) {
    if (Number.isNaN(x[i])) x[i] = 1;
  }
  return bytes;
}

/** Elements of the caller's buffers: past two chunks of the copy scratch for every type. */
const CALLER_N = 45001;

Deno.test("element-wise vector kernels over a caller's buffers (copied a chunk at a time, one copy for the same bytes) give the JavaScript loops' bits", () => {
  const failures: string[] = [];
  for (const [ufunc, method] of METHODS) {
    for (const type of Object.keys(ufunc.simd!)) {
      const bytes = nansAt(0, lcgBytes(CALLER_N * 8, 21), type);
      const other = nansAt(1, lcgBytes(CALLER_N * 8, 22), type);
      const labels = differences(() => {
        const x = frombuffer(bytes, { dtype: type, count: CALLER_N });
        const y = frombuffer(other, { dtype: type, count: CALLER_N });
        const inMemory = y.copy();
        const cases: [string, () => NDArray][] = [
          ["x op y", () => x[method](y)],
          ["x op itself", () => x[method](x)],
          ["x op x shifted", () => x.slice("1:")[method](x.slice(":-1"))],
          ["x op array", () => x[method](inMemory)],
          ["array op x", () => inMemory[method](x)],
          ["x op scalar", () => x[method](y.get(6) as number)],
          [
            "2-D, broadcast row",
            () => x.slice(":45000").reshape(30, 1500)[method](y.slice(":1500")),
          ],
        ];
        return cases.map(([label, f]) => [label, bytesOf(f())]);
      });
      failures.push(...labels.map((label) => `${type} ${method}: ${label}`));
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test("element-wise vector kernels run on arrays in WebAssembly memories and leave others to the loops", () => {
  const kernel = elementwiseKernel("f64x2Add", [
    "float64",
    "float64",
    "float64",
  ])!;
  assert.notEqual(kernel, null);
  const [x, y, o] = withKernels(
    true,
    () =>
      [1, 2, 0].map((k) =>
        frombuffer(new Float64Array(N).fill(k)).copy().data as Float64Array
      ),
  );
  // Whole vectors (two per step) from the first element; the rest is the caller's.
  assert.equal(kernel.run(N, [x, y, o], [0, 0, 0], [1, 1, 1]), N - N % 4);
  assert.equal(o[0], 3);
  assert.equal(o[N - N % 4 - 1], 3);
  assert.equal(o[N - 1], 0);
  // A fixed second input.
  assert.equal(kernel.run(8, [x, y, o], [0, 5, 0], [1, 0, 1]), 8);
  // An input in a caller's buffer is copied in chunks; an output there
  // is left to the loop (WebAssembly cannot write it).
  const plain = new Float64Array(N).fill(5);
  o.fill(0);
  const n = N - 2, count = n - n % 4;
  assert.equal(kernel.run(n, [x, plain, o], [0, 1, 2], [1, 1, 1]), count);
  assert.equal(o[1], 0);
  assert.equal(o[2], 6);
  assert.equal(o[count + 1], 6);
  assert.equal(o[count + 2], 0);
  assert.equal(kernel.run(N, [x, y, plain], [0, 0, 0], [1, 1, 1]), 0);
  // The same bytes twice are copied once, chunk after chunk.
  const [big, sum] = withKernels(
    true,
    () =>
      [0, 0].map(() =>
        frombuffer(new Float64Array(CALLER_N)).copy().data as Float64Array
      ),
  );
  const caller = new Float64Array(CALLER_N).map((_, i) => i * 0.5);
  const whole = CALLER_N - CALLER_N % 4;
  assert.equal(
    kernel.run(CALLER_N, [caller, caller, sum], [0, 0, 0], [1, 1, 1]),
    whole,
  );
  assert.ok(sum.subarray(0, whole).every((v, i) => v === i));
  assert.equal(
    kernel.run(CALLER_N - 1, [caller, caller, big], [1, 0, 0], [1, 1, 1]),
    CALLER_N - 1 - (CALLER_N - 1) % 4,
  );
  assert.equal(big[20480], 20480 + 0.5);
  // A cast's input in a caller's buffer is copied too.
  const cast = castKernel("float32", "float64")!;
  const floats = new Float32Array(CALLER_N).map((_, i) => i / 3);
  const castCount = cast.run(CALLER_N, [floats, big], [0, 0], [1, 1]);
  assert.equal(castCount, CALLER_N - CALLER_N % 4);
  assert.ok(big.subarray(0, castCount).every((v, i) => v === floats[i]));
  // Never past the data (into the kernels' scratch after it).
  assert.equal(kernel.run(N, [x, y, o], [0, 0, 8], [1, 1, 1]), 0);
  // Off with the kernels.
  const saved = settings.off;
  settings.off = true;
  try {
    assert.equal(kernel.run(N, [x, y, o], [0, 0, 0], [1, 1, 1]), 0);
  } finally {
    settings.off = saved;
  }
});

Deno.test("binary operations on memory maps read the maps in place through the vector kernels and give the loops' bits", () => {
  using dir = tempDir();
  const failures: string[] = [];
  // One window and a bit (16 MiB) for float64 add; within one otherwise.
  const big = 16 * 1024 * 1024 + 4104;
  const written = new Set<string>();
  for (const [ufunc, method] of METHODS) {
    for (const type of Object.keys(ufunc.simd!)) {
      const bytes = type === "float64" && method === "add" ? big : N * 8;
      const files = [11, 12].map((seed) => {
        const path = `${dir.path}/${bytes}.${seed}`;
        if (!written.has(path)) Deno.writeFileSync(path, lcgBytes(bytes, seed));
        written.add(path);
        return path;
      });
      const labels = differences(() => {
        using x = memmap(files[0], { dtype: type, mode: "r" });
        using y = memmap(files[1], { dtype: type, mode: "r" });
        const inMemory = y.copy();
        const cases: [string, () => NDArray][] = [
          ["map op map", () => x[method](y)],
          ["map op itself", () => x[method](x)],
          ["map op array", () => x[method](inMemory)],
          ["array op map", () => inMemory[method](x)],
          ["map op scalar", () => x[method](y.get(3) as number)],
          ["scalar op map", () => y.slice("5:6").reshape()[method](x)],
          ["unaligned views", () => x.slice("1:-2")[method](y.slice("3:"))],
        ];
        return cases.map(([label, f]) => [label, bytesOf(f())]);
      });
      failures.push(...labels.map((label) => `${type} ${method}: ${label}`));
    }
  }
  assert.deepEqual(failures, []);
});

/** The types of the cast kernels (every integer and float type of the vector kernels), every pair of which is compared. */
const CAST_TYPES = Object.keys(add.simd!);

Deno.test("casts through the vector kernels give the JavaScript loops' bits for every pair of types, in memory and on memory maps", () => {
  using dir = tempDir();
  const failures: string[] = [];
  // One window and a bit (16 MiB of input) for float64 to float32.
  const big = 16 * 1024 * 1024 + 4104;
  const small = `${dir.path}/small`, large = `${dir.path}/large`;
  Deno.writeFileSync(small, lcgBytes(N * 8, 13));
  Deno.writeFileSync(large, lcgBytes(big, 14));
  for (const from of CAST_TYPES) {
    for (const to of CAST_TYPES) {
      if (from === to) continue;
      const path = from === "float64" && to === "float32" ? large : small;
      const labels = differences(() => {
        using x = memmap(path, { dtype: from, mode: "r" });
        const inMemory = x.copy();
        const caller = frombuffer(Deno.readFileSync(path), { dtype: from });
        const cases: [string, () => NDArray][] = [
          ["array", () => inMemory.astype(to)],
          ["caller's buffer", () => caller.astype(to)],
          [
            "unaligned view of a caller's buffer",
            () => caller.slice("3:").astype(to),
          ],
          ["unaligned view of an array", () => inMemory.slice("3:").astype(to)],
          ["map", () => x.astype(to)],
          ["unaligned view of a map", () => x.slice("1:-2").astype(to)],
          ["assign into an array", () => {
            const o = inMemory.astype(to);
            o.slice("5:").assign(inMemory.slice(":-5"));
            return o;
          }],
        ];
        return cases.map(([label, f]) => [label, bytesOf(f())]);
      });
      failures.push(...labels.map((label) => `${from} -> ${to}: ${label}`));
    }
  }
  assert.deepEqual(failures, []);
});

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  array,
  type DTypeName,
  frombuffer,
  type NDArray,
} from "../../../mod.ts";
import { settings } from "../../../src/memmap/kernels/runtime.ts";
import { HAS_NUMPY } from "../../test_util.ts";

/** NumPy's results as tests/memmap/ufunc/_numpy_results.py writes them. */
interface Results {
  seed: number;
  count: number;
  casts: Record<string, { src: string; to: Record<string, string> }>;
  arith: {
    vals: Record<string, string>;
    res: Record<string, [string, string] | [string]>;
  };
}

const SCRIPT = fileURLToPath(new URL("./_numpy_results.py", import.meta.url));
const FIXTURE = new URL(
  "../../testdata/ufunc/numpy_results.json",
  import.meta.url,
);

function live(seed: number, count: number): Results {
  const out = new Deno.Command("python3", {
    args: [SCRIPT, String(seed), String(count)],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function hex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

function view(text: string, dtype: string): NDArray {
  return frombuffer(hex(text), { dtype });
}

/** Bit-equal elements, but any NaN equals any NaN (NumPy's NaN payloads are not part of its results). */
function sameElement(
  dtype: string,
  got: Uint8Array,
  want: Uint8Array,
): boolean {
  if (got.every((b, i) => b === want[i])) return true;
  const g = frombuffer(got.slice(), { dtype }).get(0);
  const w = frombuffer(want.slice(), { dtype }).get(0);
  const same = (x: unknown, y: unknown) =>
    Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
  if (
    typeof g === "object" && g !== null && typeof w === "object" && w !== null
  ) {
    const gc = g as { re: number; im: number },
      wc = w as { re: number; im: number };
    return same(gc.re, wc.re) && same(gc.im, wc.im);
  }
  return same(g, w);
}

/**
 * Float to uint32 out of [-2**31, 2**32) is undefined in C; NumPy's answer
 * depends on whether the element falls in its SIMD body or scalar tail, so
 * such elements are not compared.
 */
function comparable(from: string, to: string, value: unknown): boolean {
  if (to !== "uint32") return true;
  const x = typeof value === "object" && value !== null
    ? (value as { re: number }).re
    : value;
  if (typeof x !== "number" || !/float|complex/.test(from)) return true;
  return x >= -(2 ** 31) && x < 2 ** 32;
}

function show(x: unknown): string {
  return JSON.stringify(x, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
}

/**
 * Checks `astype` of every pair against NumPy's results, on the values as
 * given or repeated `reps` times (long runs: vector kernels).
 */
function checkCasts(results: Results, reps = 1): void {
  const failures: string[] = [];
  for (const [from, entry] of Object.entries(results.casts)) {
    const src = reps === 1
      ? view(entry.src, from)
      : tiled(entry.src, from, reps);
    for (const [to, text] of Object.entries(entry.to)) {
      const want = hex(text);
      const got = new Uint8Array(src.astype(to).toTypedArray().buffer);
      const size = want.length * reps / src.size;
      assert.equal(got.length, want.length * reps, `${from} -> ${to}: length`);
      const count = want.length / size;
      for (let i = 0; i < src.size; i++) {
        const g = got.subarray(i * size, (i + 1) * size);
        const w = want.subarray((i % count) * size, (i % count + 1) * size);
        if (!comparable(from, to, src.get(i))) continue;
        if (!sameElement(to, g, w)) {
          failures.push(
            `${from} ${show(src.get(i))} -> ${to}: got ${
              show(frombuffer(g.slice(), { dtype: to }).get(0))
            }, NumPy ${show(frombuffer(w.slice(), { dtype: to }).get(0))}`,
          );
          // Long runs repeat the values: their first failures say it all.
          if (failures.length >= 200) break;
        }
      }
    }
  }
  assert.deepEqual(failures, []);
}

const METHODS = ["add", "sub", "mul", "div"] as const;

/** `text`'s elements repeated `reps` times, in an array the library allocated. */
function tiled(text: string, dtype: string, reps: number): NDArray {
  const one = hex(text);
  const bytes = new Uint8Array(one.length * reps);
  for (let k = 0; k < reps; k++) bytes.set(one, k * one.length);
  return frombuffer(bytes, { dtype }).copy();
}

/**
 * Runs `f` with every array the library allocates in a WebAssembly memory
 * of its own, where the element-wise vector kernels run.
 */
function inArrayMemories(f: () => void): void {
  const saved = settings.arrayMemoryMinBytes;
  settings.arrayMemoryMinBytes = 0;
  try {
    f();
  } finally {
    settings.arrayMemoryMinBytes = saved;
  }
}

/**
 * Checks add/sub/mul/div of every pair against NumPy's results, on the
 * values as given or repeated `reps` times (long runs: vector kernels).
 */
function checkArithmetic(results: Results, reps = 1): void {
  const vals: Record<string, NDArray> = {};
  for (const [name, text] of Object.entries(results.arith.vals)) {
    vals[name] = reps === 1 ? view(text, name) : tiled(text, name, reps);
  }
  const failures: string[] = [];
  for (const [key, want] of Object.entries(results.arith.res)) {
    const [a, b, op] = key.split(",") as [
      string,
      string,
      typeof METHODS[number],
    ];
    const x = vals[a], y = vals[b];
    if (want.length === 1) {
      assert.throws(() => x[op](y), TypeError, key);
      continue;
    }
    const r = x[op](y);
    assert.equal(r.dtype.name, want[0], `${key}: dtype`);
    const w = hex(want[1]);
    // NumPy's results of one repetition of the values.
    const count = w.length / r.itemsize;
    const got = new Uint8Array(r.toTypedArray().buffer);
    const size = r.itemsize;
    for (let i = 0; i < r.size; i++) {
      const g = got.subarray(i * size, (i + 1) * size);
      const e = w.subarray((i % count) * size, (i % count + 1) * size);
      if (!sameElement(want[0], g, e)) {
        failures.push(
          `${a} ${show(x.get(i))} ${op} ${b} ${show(y.get(i))}: got ${
            show(r.get(i))
          }, NumPy ${show(frombuffer(e.slice(), { dtype: want[0] }).get(0))}`,
        );
      }
    }
  }
  assert.deepEqual(failures, []);
}

const fixture: Results = JSON.parse(Deno.readTextFileSync(FIXTURE));

Deno.test("astype() between every pair of dtypes gives NumPy's bits (committed fixture)", () => {
  checkCasts(fixture);
});

Deno.test("astype() gives NumPy's bits in long runs of arrays in WebAssembly memories (vector kernels, committed fixture)", () => {
  inArrayMemories(() => checkCasts(fixture, 331));
});

Deno.test("add/sub/mul/div give NumPy's dtypes and bits (committed fixture)", () => {
  checkArithmetic(fixture);
});

Deno.test("add/sub/mul/div give NumPy's bits in long runs of arrays in WebAssembly memories (vector kernels, committed fixture)", () => {
  inArrayMemories(() => checkArithmetic(fixture, 211));
});

Deno.test(
  "astype() between every pair of dtypes gives NumPy's bits (live NumPy, random bits)",
  {
    ignore: !HAS_NUMPY,
  },
  () => {
    for (const seed of [2, 3]) checkCasts(live(seed, 200));
    inArrayMemories(() => checkCasts(live(6, 40), 37));
  },
);

Deno.test(
  "add/sub/mul/div of every pair of dtypes give NumPy's dtypes and bits (live NumPy)",
  {
    ignore: !HAS_NUMPY,
  },
  () => {
    checkArithmetic(live(4, 40));
    inArrayMemories(() => checkArithmetic(live(5, 40), 52));
  },
);

Deno.test("64-bit integer casts are exact (the issue's examples)", () => {
  assert.equal(
    array([4890094247338191195n], { dtype: "int64" }).astype("int16").get(0),
    10587,
  );
  assert.equal(
    array([2n ** 64n - 1n], { dtype: "uint64" }).astype("int8").get(0),
    -1,
  );
  assert.equal(
    array([2n ** 54n + 2n ** 30n + 1n], { dtype: "int64" }).astype("float32")
      .get(0),
    18014400656965632,
  );
  assert.equal(
    array([-(2n ** 63n)], { dtype: "int64" }).astype("uint64").get(0),
    2n ** 63n,
  );
  assert.equal(
    array([2 ** 63], { dtype: "float64" }).astype("int64").get(0),
    -(2n ** 63n),
  );
  const names: DTypeName[] = [
    "int8",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
  ];
  for (const name of names) {
    assert.deepEqual(
      array([1.9, -1.9, -0.5], { dtype: "float64" }).astype(name).toArray(),
      name === "int64"
        ? [1n, -1n, 0n]
        : name === "uint64"
        ? [1n, 2n ** 64n - 1n, 0n]
        : name.startsWith("u")
        ? [1, 2 ** (Number(name.slice(4))) - 1, 0]
        : [1, -1, 0],
      name,
    );
  }
});

import assert from "node:assert/strict";
import { frombuffer, type NDArray, zeros } from "../../mod.ts";
import { mathSettings } from "../../src/memmap/kernels/math_kernels.ts";
import { settings } from "../../src/memmap/kernels/runtime.ts";
import { HAS_NUMPY, python, tempDir } from "../test_util.ts";

/**
 * `sqrt` of float32 and float64 through the math kernels (float32 in four
 * float32 lanes, `f32x4.sqrt`; float64 in two, `f64x2.sqrt`) gives IEEE's
 * correctly rounded root: `Math.sqrt`'s bits for float64 and
 * `Math.fround(Math.sqrt(x))`'s for float32, whatever the layout and
 * wherever the data lie (arrays of their own, a caller's buffer copied in a
 * chunk at a time, `out=`, in place).
 */

type Float = "float32" | "float64";

/** Arguments: IEEE's specials, subnormals, both signs, random bit patterns. */
function args(type: Float, n: number): Float64Array | Float32Array {
  const specials = [
    0,
    -0,
    1,
    -1,
    4,
    2,
    0.25,
    Infinity,
    -Infinity,
    NaN,
    -NaN,
    type === "float32" ? 2 ** -149 : 2 ** -1074,
    type === "float32" ? 2 ** -126 : 2 ** -1022,
    type === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE,
    -(2 ** -149),
  ];
  const T = type === "float32" ? Float32Array : Float64Array;
  const out = new T(n);
  const bits = new Uint32Array(out.buffer);
  let seed = 12345;
  for (let i = 0; i < bits.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    bits[i] = seed;
  }
  // Every other element a plain positive value (the common case).
  for (let i = 1; i < n; i += 2) out[i] = Math.abs(out[i]) || i;
  out.set(specials.slice(0, n));
  return out;
}

/** The root `Math` gives: float32's the double one rounded once. */
function want(type: Float, x: number): number {
  return type === "float32" ? Math.fround(Math.sqrt(x)) : Math.sqrt(x);
}

/** An array's elements as floats. */
function floats(a: NDArray): Float32Array | Float64Array {
  return a.toTypedArray() as Float32Array | Float64Array;
}

/** Asserts `got` holds `want(x)` of each argument, bit for bit (NaN for NaN). */
function assertRoots(
  type: Float,
  xs: ArrayLike<number>,
  got: ArrayLike<number>,
  label: string,
): void {
  assert.equal(got.length, xs.length, label);
  for (let i = 0; i < xs.length; i++) {
    const w = want(type, xs[i]);
    if (w !== w) {
      assert.ok(got[i] !== got[i], `${label} [${i}] sqrt(${xs[i]}): ${got[i]}`);
    } else {
      assert.ok(
        Object.is(got[i], w),
        `${label} [${i}] sqrt(${xs[i]}): ${got[i]}, want ${w}`,
      );
    }
  }
}

/** `fn` with arrays of at least `bytes` bytes in WebAssembly memories of their own. */
function withArrayMemories<T>(bytes: number, fn: () => T): T {
  const saved = settings.arrayMemoryMinBytes;
  settings.arrayMemoryMinBytes = bytes;
  try {
    return fn();
  } finally {
    settings.arrayMemoryMinBytes = saved;
  }
}

/** A copy of `a` in an array of the library's own (a memory of its own when large enough). */
function own(a: NDArray): NDArray {
  const c = zeros(a.shape, { dtype: a.dtype });
  c.assign(a);
  return c;
}

// 4096 elements is the runner's copy chunk: lengths about it and several of it.
const LENGTHS = [1, 3, 4, 5, 4095, 4096, 4097, 3 * 4096 + 7, 50_003];

for (const type of ["float32", "float64"] as const) {
  Deno.test(`sqrt ${type}: Math's bits through the kernels, contiguous, strided, reversed, broadcast, out= and in place, about the copy chunk`, () => {
    withArrayMemories(0, () => {
      for (const n of LENGTHS) {
        const xs = args(type, n);
        const caller = frombuffer(xs.slice().buffer, { dtype: type });
        const mine = own(caller);
        const cases: [string, NDArray, ArrayLike<number>][] = [
          ["a caller's buffer", caller, xs],
          ["an array memory", mine, xs],
          ["strided", mine.slice("1::2"), xs.filter((_, i) => i % 2 === 1)],
          ["reversed", caller.slice("::-1"), xs.slice().reverse()],
        ];
        for (const [label, a, values] of cases) {
          assertRoots(type, values, floats(a.sqrt()), `${n} ${label}`);
          const out = zeros(a.shape, { dtype: type });
          a.sqrt({ out });
          assertRoots(type, values, floats(out), `${n} ${label} out=`);
        }
        // Broadcast: one row into three.
        const out = zeros([3, n], { dtype: type });
        caller.sqrt({ out });
        assertRoots(
          type,
          [...xs, ...xs, ...xs],
          floats(out),
          `${n} broadcast`,
        );
        // In place, and nothing written past the run.
        const data = own(frombuffer(
          (type === "float32" ? Float32Array : Float64Array).from(
            [...xs, 7],
          ).buffer,
          { dtype: type },
        ));
        const run = data.slice(`0:${n}`);
        run.sqrt({ out: run });
        const after = floats(data);
        assertRoots(type, xs, after.subarray(0, n), `${n} in place`);
        assert.equal(after[n], 7, `${n} in place: past the run`);
      }
    });
  });

  Deno.test(`sqrt ${type}: the same bits with the kernels and without them (NaN payloads included)`, () => {
    withArrayMemories(0, () => {
      const xs = args(type, 20_011);
      const caller = frombuffer(xs.slice().buffer, { dtype: type });
      const mine = own(caller);
      for (const a of [caller, mine]) {
        const bytes = (r: NDArray) =>
          new Uint8Array(r.toTypedArray().buffer as ArrayBuffer);
        const withKernels = bytes(a.sqrt());
        mathSettings.off = true;
        let without: Uint8Array;
        try {
          without = bytes(a.sqrt());
        } finally {
          mathSettings.off = false;
        }
        assert.deepEqual(withKernels, without);
      }
    });
  });
}

Deno.test({
  name:
    "sqrt of float32 and float64 gives NumPy's bits, NaN payloads and negative arguments' NaN included",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    withArrayMemories(0, () => {
      for (const type of ["float32", "float64"] as const) {
        const xs = args(type, 10_007);
        const file = `${dir.path}/${type}`;
        Deno.writeFileSync(file, new Uint8Array(xs.buffer));
        python(
          `import numpy as np, sys
with np.errstate(all="ignore"):
    np.sqrt(np.fromfile(sys.argv[1], sys.argv[2])).tofile(sys.argv[1] + ".out")`,
          file,
          type,
        );
        const numpy = Deno.readFileSync(`${file}.out`);
        const a = own(frombuffer(xs.slice().buffer, { dtype: type }));
        const ours = new Uint8Array(
          a.sqrt().toTypedArray().buffer as ArrayBuffer,
        );
        assert.deepEqual(ours, numpy, type);
      }
    });
  },
});

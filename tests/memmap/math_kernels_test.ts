import assert from "node:assert/strict";
import { frombuffer } from "../../mod.ts";
import {
  MATH_KERNELS,
  mathRun,
  mathSettings,
} from "../../src/memmap/kernels/math_kernels.ts";
import { arrayMemory, settings } from "../../src/memmap/kernels/runtime.ts";
import { HAS_NUMPY, python, tempDir } from "../test_util.ts";

/** Values at every branch of fdlibm's exp and log, and past their ends. */
const EDGES = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  Math.E,
  Infinity,
  -Infinity,
  NaN,
  2 ** -1074,
  2 ** -1073 * 3,
  2 ** -1022,
  2 ** -1022 * (1 - 2 ** -52),
  1e-300,
  -1e-300,
  2 ** -28,
  2 ** -28 * (1 - 2 ** -52),
  -(2 ** -28),
  2 ** -29,
  0.34657359027997264,
  0.3465735912,
  -0.3465735912,
  1.0397,
  1.0398,
  -1.0398,
  707.9,
  708,
  709.43,
  709.78,
  709.782712893384,
  709.7827128933841,
  710,
  -708,
  -708.4,
  -709,
  -720,
  -745.13,
  -745.1332191019411,
  -745.14,
  -746,
  1e300,
  -1e300,
  1.7976931348623157e308,
  1 + 2 ** -52,
  1 - 2 ** -53,
  1 + 2 ** -20,
  1 - 2 ** -21,
  0.9999999,
  1.0000001,
  1.41421356,
  0.70710678,
];

/** Deterministic values over many magnitudes and both signs. */
function values(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = seed / 2147483648;
    switch (i % 4) {
      case 0:
        out[i] = (u - 0.5) * 1500;
        break;
      case 1:
        out[i] = (u - 0.5) * 4;
        break;
      case 2:
        out[i] = Math.exp((u - 0.5) * 1400);
        break;
      default:
        out[i] = u * 1e-6;
    }
  }
  out.set(EDGES.slice(0, count));
  return out;
}

/** Distance in units in the last place between two float64 values (NaNs equal). */
function ulps(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (Object.is(a, b)) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const [x, y] = new BigInt64Array(Float64Array.of(a, b).buffer);
  const ordered = (v: bigint) => v < 0n ? -(v & 0x7fffffffffffffffn) : v;
  const d = ordered(x) - ordered(y);
  return Number(d < 0n ? -d : d);
}

/** Math's function of each name. */
const MATH = {
  exp: Math.exp,
  exp2: (x: number) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
} as const;

/** The kernels with float64 loops (the others have float32 ones only). */
const FLOAT64_KERNELS = ["exp", "log", "sqrt"] as const;

/**
 * Whether `got` is `f(x)` rounded to float32 as the kernels promise: the
 * correctly rounded value (Math's double result rounded once), or the
 * float32 on the other side of it where the exact value lies within
 * 2**-30 (relatively) of the midpoint between the two.
 */
function float32Close(got: number, exact: number): boolean {
  const want = Math.fround(exact);
  if (Object.is(got, want) || (got !== got && want !== want)) return true;
  // Exact infinities, NaN: only themselves.
  if (!Number.isFinite(exact)) return false;
  if (!Number.isFinite(got) || Math.fround(got) !== got) return false;
  const [a, b] = new Int32Array(Float32Array.of(got, want).buffer);
  const neighbours = Math.abs(a - b) === 1 && (a ^ b) >= 0;
  const mid = want === Infinity ? 2 ** 128 - 2 ** 103 : (got + want) / 2;
  return neighbours && Math.abs(exact - mid) <= Math.abs(exact) * 2 ** -30;
}

/**
 * Float32 thresholds: exp's and exp2's overflow and underflow (to
 * subnormal and to zero), expm1's -1, tanh's ±1, sin/cos/tan's reduction
 * limit (2**19) and around multiples of pi / 2, the smallest subnormal.
 */
const F32_EDGES = [
  88.72283,
  88.722839,
  88.72284,
  -87.33654,
  -87.336548,
  -103.27893,
  -103.972076,
  -103.97208,
  -104,
  127.99999,
  128,
  -126,
  -149,
  -149.99998,
  -150,
  -150.00002,
  -151,
  -17,
  -16.635532,
  9.010913,
  -9.010913,
  2 ** 19,
  2 ** 19 + 0.0625,
  -(2 ** 19),
  1.5707963,
  1.5707964,
  3.1415925,
  3.1415927,
  4.712389,
  6.2831855,
  2 ** -149,
  -(2 ** -149),
  2 ** -126,
  2 ** -29,
  -(2 ** -29),
  2 ** -30,
];

/** Float32 arguments: random bit patterns (every exponent, NaN, inf, subnormals), then uniform over `span`. */
function float32Values(
  count: number,
  span: number,
  seed: number,
): Float32Array {
  const bits = new Uint32Array(count);
  const x = new Float32Array(bits.buffer);
  for (let i = 0; i < count; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    if (i % 2 === 0) bits[i] = seed;
    else x[i] = (seed / 2 ** 32 - 0.5) * span;
  }
  const edges = [...EDGES, ...F32_EDGES].slice(0, count);
  x.set(edges);
  return x;
}

/** The span of the uniform arguments per function: where each is most used. */
const SPANS = {
  exp: 220,
  exp2: 320,
  expm1: 40,
  log: 4,
  log2: 4,
  log10: 4,
  log1p: 4,
  sin: 200,
  cos: 200,
  tan: 200,
  tanh: 40,
  sqrt: 1e6,
} as const;

Deno.test("math kernels round float32 results correctly but within 2**-30 of a midpoint, over millions of arguments", () => {
  for (const name of MATH_KERNELS) {
    const x = float32Values(2_000_003, SPANS[name], 7);
    const out = new Float32Array(x.length);
    assert.ok(mathRun(name, x, out));
    let off = 0;
    for (let i = 0; i < x.length; i++) {
      const exact = MATH[name](x[i]);
      assert.ok(
        float32Close(out[i], exact),
        `${name}(${x[i]}): ${out[i]}, want ${Math.fround(exact)}`,
      );
      if (!Object.is(out[i], Math.fround(exact))) off++;
    }
    // The polynomials' error is far below float32's half ulp.
    assert.ok(off < x.length / 10_000, `${name}: ${off} results 1 ulp off`);
  }
});

Deno.test("math kernels give float64 results within 1 ulp of the correctly rounded Math functions, special values exactly", () => {
  assert.equal(mathRun("sin", new Float64Array(4), new Float64Array(4)), false);
  for (const name of FLOAT64_KERNELS) {
    const x = values(100_003, 5);
    const out = new Float64Array(x.length);
    assert.ok(mathRun(name, x, out));
    let off = 0;
    for (let i = 0; i < x.length; i++) {
      const want = MATH[name](x[i]);
      const d = ulps(out[i], want);
      const special = name === "sqrt" || !Number.isFinite(want) || want === 0 ||
        i < EDGES.length && [0, 1, Math.E].includes(Math.abs(x[i]));
      assert.ok(
        special ? d === 0 : d <= 1,
        `${name}(${x[i]}): ${out[i]}, want ${want}`,
      );
      if (d !== 0) off++;
    }
    // fdlibm's results are nearly always the correctly rounded ones.
    assert.ok(off < x.length / 5, `${name}: ${off} results 1 ulp off`);
  }
});

Deno.test("math kernels compute odd lengths, in place, and leave what follows a run alone", () => {
  for (const name of MATH_KERNELS) {
    for (const n of [1, 2, 3, 4095, 4096, 4097, 8193]) {
      const data = !FLOAT64_KERNELS.includes(name as "exp")
        ? new Float32Array(values(n + 1, n))
        : values(n + 1, n);
      const x = data.subarray(0, n);
      const last = data[n];
      const copy = x.slice();
      assert.ok(mathRun(name, x, x));
      assert.equal(data[n], last);
      for (let i = 0; i < n; i++) {
        const exact = MATH[name](copy[i]);
        assert.ok(
          data instanceof Float32Array
            ? float32Close(x[i], exact)
            : ulps(x[i], exact) <= 1,
          `${name} n=${n} [${i}]`,
        );
      }
    }
  }
});

/** A typed array of `type` over a memory of array data (as the library allocates large arrays), holding `values`. */
function inArrayMemory(
  values: ArrayLike<number>,
  type: "float32" | "float64",
  extra = 0,
): Float32Array | Float64Array {
  const saved = settings.arrayMemoryMinBytes;
  settings.arrayMemoryMinBytes = 0;
  try {
    const T = type === "float32" ? Float32Array : Float64Array;
    const bytes = arrayMemory((values.length + extra) * T.BYTES_PER_ELEMENT)!;
    const a = new T(bytes.buffer, 0, values.length + extra);
    a.set(values);
    return a;
  } finally {
    settings.arrayMemoryMinBytes = saved;
  }
}

Deno.test("math kernels give the same bits in place in array memories, from copies into them and through their own memory, and write nothing past a run", () => {
  for (const name of MATH_KERNELS) {
    for (const type of ["float32", "float64"] as const) {
      if (type === "float64" && !FLOAT64_KERNELS.includes(name as "exp")) {
        continue;
      }
      for (const n of [1, 3, 4, 5, 4097, 10_003]) {
        const args = type === "float32"
          ? float32Values(n, SPANS[name], n)
          : values(n, n);
        // Through the kernels' own memory: the reference.
        const want = type === "float32"
          ? new Float32Array(n)
          : new Float64Array(n);
        mathSettings.copy = true;
        try {
          assert.ok(mathRun(name, args, want));
        } finally {
          mathSettings.copy = false;
        }
        // [arguments, results and one element after them]
        const inPlace = inArrayMemory(args, type, 1);
        const cases = {
          "both in memories": [
            inArrayMemory(args, type).subarray(0, n),
            inArrayMemory([], type, n + 1),
          ],
          "arguments copied in": [args, inArrayMemory([], type, n + 1)],
          "in place": [inPlace.subarray(0, n), inPlace],
        };
        for (const [label, [from, out]] of Object.entries(cases)) {
          out[n] = 7;
          const dst = out.subarray(0, n);
          assert.ok(mathRun(name, from, dst));
          assert.deepEqual(
            new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength),
            new Uint8Array(want.buffer),
            `${name} ${type} n=${n} ${label}`,
          );
          assert.equal(
            out[n],
            7,
            `${name} ${type} n=${n} ${label}: past the run`,
          );
        }
      }
    }
  }
});

Deno.test("the kernels' functions of float32 arrays agree with and without the kernels, contiguous, strided, reversed, unaligned and byte-swapped", () => {
  const x = float32Values(20_001, 300, 3);
  const bytes = new Uint8Array(x.length * 4 + 1);
  bytes.set(new Uint8Array(x.buffer), 1);
  const swapped = new Uint8Array(x.length * 4);
  for (let i = 0; i < swapped.length; i++) swapped[i] = bytes[1 + (i ^ 3)];
  const a = frombuffer(x.buffer, { dtype: "float32" });
  const views = [
    a,
    a.slice("::-1"),
    a.slice("1::3"),
    frombuffer(bytes.buffer, { dtype: "float32", offset: 1 }),
    frombuffer(swapped.buffer, { dtype: ">f4" }),
  ];
  for (const name of MATH_KERNELS) {
    const withKernels = views.map((v) => v[name]().toTypedArray());
    mathSettings.off = true;
    let without: ReturnType<typeof withKernels.slice>;
    try {
      without = views.map((v) => v[name]().toTypedArray());
    } finally {
      mathSettings.off = false;
    }
    for (const [v, ours] of withKernels.entries()) {
      const args = views[v].toTypedArray();
      assert.equal(ours.length, args.length);
      for (let i = 0; i < args.length; i++) {
        // Without the kernels: the correctly rounded result.
        assert.ok(
          Object.is(without[v][i], Math.fround(MATH[name](args[i]))) ||
            without[v][i] !== without[v][i],
        );
        assert.ok(
          float32Close(ours[i] as number, MATH[name](args[i] as number)),
          `${name} view ${v} [${i}]: ${ours[i]}, ${without[v][i]}`,
        );
      }
    }
  }
});

Deno.test({
  name:
    "the kernels' functions of long float64 and float32 arrays are within NumPy's bound of NumPy's results",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    const x = values(50_000, 17);
    Deno.writeFileSync(`${dir.path}/x.f8`, new Uint8Array(x.buffer));
    python(
      `import numpy as np, sys
d = sys.argv[1]
x = np.fromfile(d + "/x.f8")
with np.errstate(all="ignore"):
    for f in ${JSON.stringify(MATH_KERNELS).replace(/^\[|\]$/g, "")},:
        getattr(np, f)(x).tofile(d + "/" + f + ".f8")
        getattr(np, f)(x.astype(np.float32)).tofile(d + "/" + f + ".f4")`,
      dir.path,
    );
    const a = frombuffer(x.buffer, { dtype: "float64" });
    const a32 = a.astype("float32");
    for (const name of MATH_KERNELS) {
      const np64 = new Float64Array(
        Deno.readFileSync(`${dir.path}/${name}.f8`).buffer,
      );
      const np32 = new Float32Array(
        Deno.readFileSync(`${dir.path}/${name}.f4`).buffer,
      );
      const ours64 = a[name]().toTypedArray() as Float64Array;
      const ours32 = a32[name]().toTypedArray() as Float32Array;
      // Float64 loops without a kernel are V8's Math (the differential test's bounds).
      const kernel64 = FLOAT64_KERNELS.includes(name as "exp");
      for (let i = 0; i < x.length; i++) {
        if (kernel64) {
          assert.ok(ulps(ours64[i], np64[i]) <= 1, `${name}(${x[i]})`);
        }
        // float32 ulps: NumPy's float32 loops are up to 2 ulps off, tan up to
        // 4 near its poles (6M arguments, against the correctly rounded).
        const f = (v: number) => new Int32Array(Float32Array.of(v).buffer)[0];
        const d = Math.abs(f(ours32[i]) - f(np32[i]));
        const same = Object.is(ours32[i], np32[i]) ||
          (ours32[i] !== ours32[i] && np32[i] !== np32[i]);
        assert.ok(
          same || d <= (name === "tan" ? 4 : 2),
          `${name} float32 (${a32.get(i)})`,
        );
      }
    }
  },
});

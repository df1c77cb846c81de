import assert from "node:assert/strict";
import { frombuffer } from "../../mod.ts";
import {
  MATH_KERNELS,
  MATH_ULPS,
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

/** The rows: every kernel and element type with a loop, and its documented bound (`MATH_ULPS`). */
const ROWS = MATH_KERNELS.flatMap((name) =>
  (["float32", "float64"] as const).flatMap((type) => {
    const bound = MATH_ULPS[name][type];
    return bound === undefined ? [] : [{ name, type, bound }];
  })
);

/** The kernels with float64 loops (the others have float32 ones only). */
const FLOAT64_KERNELS = ROWS.filter((r) => r.type === "float64").map((r) =>
  r.name
);

/**
 * The distance of float32 `got` from `exact` in float32 ulps at `exact`
 * (`MATH_ULPS`' measure: the ulp at 2**-126 below it, an infinite result
 * and exact values past 2**128 counted as 2**128; exact infinities, zeros
 * and NaN only themselves).
 */
function ulps32(got: number, exact: number): number {
  if (exact !== exact || got !== got) {
    return exact !== exact && got !== got ? 0 : Infinity;
  }
  if (!Number.isFinite(exact) || exact === 0) {
    return Object.is(got, exact) ? 0 : Infinity;
  }
  if (Math.fround(got) !== got) return Infinity;
  const g = Number.isFinite(got) ? got : Math.sign(got) * 2 ** 128;
  // Past float32's range the nearest is infinity: 2**128 in the measure.
  if (Math.abs(exact) > 2 ** 128) exact = Math.sign(exact) * 2 ** 128;
  const a = Math.max(Math.abs(exact), 2 ** -126);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  return Math.abs(g - exact) / 2 ** (e - 23);
}

/** Whether `x` is an argument whose result must be IEEE's exactly: ±0, ±inf, NaN. */
function special(x: number): boolean {
  return x === 0 || !Number.isFinite(x);
}

/** Whether float32 `got` is `name(x)` within its bound (specials exactly). */
function float32Within(name: keyof typeof MATH, x: number, got: number) {
  const exact = MATH[name](x);
  if (special(x)) {
    const want = Math.fround(exact);
    return Object.is(got, want) || (got !== got && want !== want);
  }
  return ulps32(got, exact) <= MATH_ULPS[name].float32!;
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
    if (i % 3 === 0) bits[i] = seed;
    else if (i % 3 === 1) x[i] = (seed / 2 ** 32 - 0.5) * span;
    else x[i] = seed / 2 ** 32 * 2000;
  }
  const edges = [...EDGES, ...F32_EDGES, ...nearQuarterPi()].slice(0, count);
  x.set(edges);
  return x;
}

/** The float32 values nearest multiples of pi / 4 up to 2000 and a few ulps about them (sin and cos near their zeros). */
function nearQuarterPi(): number[] {
  const out: number[] = [];
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  for (let j = -2600; j <= 2600; j++) {
    f[0] = j * Math.PI / 4;
    const at = u[0];
    for (let d = -3; d <= 3; d++) {
      u[0] = at + d;
      out.push(f[0]);
    }
  }
  return out;
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

for (const { name, type, bound } of ROWS) {
  Deno.test(`math kernel ${name} ${type}: within ${bound} ulp of the exact results over millions of arguments, ±0, ±inf and NaN exactly`, () => {
    if (type === "float32") {
      const x = float32Values(3_000_007, SPANS[name], 7);
      const out = new Float32Array(x.length);
      assert.ok(mathRun(name, x, out));
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const exact = MATH[name](x[i]);
        assert.ok(
          float32Within(name, x[i], out[i]),
          `${name}(${x[i]}): ${out[i]}, exact ${exact}`,
        );
        if (!special(x[i])) worst = Math.max(worst, ulps32(out[i], exact));
      }
      // The bound is met, not far above what the kernel reaches.
      assert.ok(worst > bound / 2, `${name}: at most ${worst} ulp`);
      return;
    }
    const x = values(100_003, 5);
    const out = new Float64Array(x.length);
    assert.ok(mathRun(name, x, out));
    let off = 0;
    for (let i = 0; i < x.length; i++) {
      // Math's functions are correctly rounded: within 1 ulp of them is
      // within (under) 1 ulp of the exact value.
      const want = MATH[name](x[i]);
      const d = ulps(out[i], want);
      const exactly = bound < 1 || !Number.isFinite(want) || want === 0 ||
        i < EDGES.length && [0, 1, Math.E].includes(Math.abs(x[i]));
      assert.ok(
        exactly ? d === 0 : d <= 1,
        `${name}(${x[i]}): ${out[i]}, want ${want}`,
      );
      if (d !== 0) off++;
    }
    // fdlibm's results are nearly always the correctly rounded ones.
    assert.ok(off < x.length / 5, `${name}: ${off} results 1 ulp off`);
  });
}

Deno.test("math kernels stay within their float32 bounds where multiply-adds are not fused (a product and a sum)", () => {
  mathSettings.unfused = true;
  try {
    for (const { name, type } of ROWS) {
      if (type !== "float32") continue;
      const x = float32Values(500_009, SPANS[name], 11);
      const out = new Float32Array(x.length);
      assert.ok(mathRun(name, x, out));
      for (let i = 0; i < x.length; i++) {
        assert.ok(
          float32Within(name, x[i], out[i]),
          `unfused ${name}(${x[i]}): ${out[i]}, exact ${MATH[name](x[i])}`,
        );
      }
    }
  } finally {
    mathSettings.unfused = false;
  }
});

Deno.test("math kernels have no float64 loops but the listed ones", () => {
  for (const name of MATH_KERNELS) {
    const has = mathRun(name, new Float64Array(4), new Float64Array(4));
    assert.equal(has, FLOAT64_KERNELS.includes(name), name);
  }
});

Deno.test("math kernels compute odd lengths, in place, and leave what follows a run alone", () => {
  for (const { name, type, bound } of ROWS) {
    for (const n of [1, 2, 3, 4095, 4096, 4097, 8193]) {
      const data = type === "float32"
        ? new Float32Array(values(n + 1, n))
        : values(n + 1, n);
      const x = data.subarray(0, n);
      const last = data[n];
      const copy = x.slice();
      assert.ok(mathRun(name, x, x));
      assert.equal(data[n], last);
      for (let i = 0; i < n; i++) {
        assert.ok(
          data instanceof Float32Array
            ? float32Within(name, copy[i], x[i])
            : ulps(x[i], MATH[name](copy[i])) <= Math.ceil(bound),
          `${name} ${type} n=${n} [${i}]`,
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
      if (MATH_ULPS[name][type] === undefined) continue;
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
          float32Within(name, args[i] as number, ours[i] as number),
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
      const kernel64 = FLOAT64_KERNELS.includes(name);
      let [ours, numpy] = [0, 0];
      for (let i = 0; i < x.length; i++) {
        if (kernel64) {
          assert.ok(ulps(ours64[i], np64[i]) <= 1, `${name}(${x[i]})`);
        }
        const arg = Math.fround(x[i]);
        if (special(arg)) {
          assert.ok(
            Object.is(ours32[i], np32[i]) ||
              (ours32[i] !== ours32[i] && np32[i] !== np32[i]),
            `${name} float32 (${arg})`,
          );
          continue;
        }
        const exact = MATH[name](arg);
        ours = Math.max(ours, ulps32(ours32[i], exact));
        numpy = Math.max(numpy, ulps32(np32[i], exact));
      }
      // Float32: at most NumPy's own largest error (or the kernel's bound,
      // where NumPy's loop is about as close to correctly rounded).
      assert.ok(
        ours <= Math.max(numpy, MATH_ULPS[name].float32!),
        `${name} float32: ${ours} ulp, NumPy ${numpy}`,
      );
    }
  },
});

Deno.test("float32 exp gives the same bits by its short way (steps of arguments above -87) and its full way (steps with a NaN), fused and not", () => {
  // Every 127th float32 bit pattern: each alone among three NaNs (the full
  // way) and among three copies of itself (the short way where it is above -87).
  const n = Math.ceil(2 ** 32 / 127);
  const chunk = 1 << 20;
  const short = new Float32Array(4 * chunk), full = new Float32Array(4 * chunk);
  const a = new Float32Array(4 * chunk), b = new Float32Array(4 * chunk);
  const ua = new Uint32Array(a.buffer), ub = new Uint32Array(b.buffer);
  const bits = new Uint32Array(1), x = new Float32Array(bits.buffer);
  for (const unfused of [false, true]) {
    mathSettings.unfused = unfused;
    try {
      let mismatches = 0, fast = 0;
      for (let from = 0; from < n; from += chunk) {
        const count = Math.min(chunk, n - from);
        for (let i = 0; i < count; i++) {
          bits[0] = (from + i) * 127;
          short.fill(x[0], 4 * i, 4 * i + 4);
          full.fill(NaN, 4 * i, 4 * i + 4);
          full[4 * i] = x[0];
          if (x[0] > -87) fast++;
        }
        mathRun("exp", short.subarray(0, 4 * count), a);
        mathRun("exp", full.subarray(0, 4 * count), b);
        for (let i = 0; i < count; i++) {
          if (ua[4 * i] !== ub[4 * i] && !(a[4 * i] !== a[4 * i])) mismatches++;
        }
      }
      assert.equal(mismatches, 0);
      assert.ok(fast > n / 4);
    } finally {
      mathSettings.unfused = false;
    }
  }
});

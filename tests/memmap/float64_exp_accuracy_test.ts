import assert from "node:assert/strict";
import { frombuffer } from "../../mod.ts";
import {
  mathRun,
  mathSettings,
} from "../../src/memmap/kernels/math_kernels.ts";
import { bitsOf, HAS_NUMPY, python, tempDir, ulps } from "../test_util.ts";

/**
 * The float64 `exp` kernel's measured bound: its largest distance from the
 * exact value, in units in the last place at the exact value (2**-1074 for
 * subnormal results), over every argument of these tests (0.5017 measured;
 * fdlibm's algorithm, the kernel before, reached 0.79).
 */
const BOUND = 0.505;

/** Arguments at exp's thresholds and its kernel's ways' borders, and special values. */
const EDGES = [
  0,
  -0,
  1,
  -1,
  2 ** -1074,
  -(2 ** -1074),
  2 ** -1022,
  1e-300,
  -1e-300,
  2 ** -53,
  -(2 ** -54),
  1e-10,
  Math.LN2 / 256,
  -Math.LN2 / 256,
  Math.LN2,
  // the largest finite result and the first +inf
  709.782712893384,
  709.7827128933841,
  709.78,
  709.5,
  708.5,
  // the short way's end, the clamps
  -700,
  -700.0000000000001,
  -699.9999999999999,
  710,
  710.0000000000001,
  -746,
  -746.0000000000001,
  // the smallest normal result (2**-1022 at -708.3964185322641...)
  -708.3964185322641,
  -708.3964185322642,
  -708.39,
  -708.4,
  // the smallest subnormal result and the first 0
  -744.4400719213812,
  -745.1332191019411,
  -745.1332191019412,
  -745.13,
  -745.14,
  -720,
  -730.5,
  1e300,
  -1e300,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Infinity,
  -Infinity,
];

/** NaNs by their bits: quiet, signalling, negative, with payloads. */
const NANS = [
  0x7ff8000000000000n,
  0x7ff8000000000123n,
  0x7ff0000000000123n,
  0x7ff4000000000001n,
  0xfff8000000000013n,
  0xfff0000000000001n,
];

/**
 * Deterministic arguments over exp's whole range: uniform over [-746, 711],
 * [-10, 10], subnormal results' [-745.2, -708], the short way's border
 * [-708.5, -699], near overflow [709, 709.8], tiny ones of both signs and
 * random bit patterns; the edges and NaNs first.
 */
function args(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  const bits = new BigInt64Array(out.buffer);
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < count; i++) {
    const u = next();
    switch (i % 7) {
      case 0:
        out[i] = -746 + u * 1457;
        break;
      case 1:
        out[i] = (u - 0.5) * 20;
        break;
      case 2:
        out[i] = -745.2 + u * 37.2;
        break;
      case 3:
        out[i] = -708.5 + u * 9.5;
        break;
      case 4:
        out[i] = 709 + u * 0.8;
        break;
      case 5:
        out[i] = (u - 0.5) * 2 ** -(next() * 60);
        break;
      default:
        bits[i] = BigInt(Math.floor(u * 2 ** 32)) << 32n |
          BigInt(Math.floor(next() * 2 ** 32));
    }
  }
  out.set(EDGES);
  bits.set(NANS.map((b) => BigInt.asIntN(64, b)), EDGES.length);
  return out;
}

/** Whether python3 has mpmath (the exact values). */
const HAS_MPMATH = HAS_NUMPY && (() => {
  try {
    python("import mpmath");
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "float64 exp is within 0.505 ulp of the exact value (mpmath) and 1 ulp of NumPy's over its whole range, subnormal results, overflow and underflow at NumPy's thresholds, ±0, ±inf and NaN payloads as NumPy's",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    const x = args(60_001, 3);
    // The kernel in place, through its own memory, and the array method.
    const ours = new Float64Array(x.length);
    assert.ok(mathRun("exp", x, ours));
    const copied = new Float64Array(x.length);
    mathSettings.copy = true;
    try {
      assert.ok(mathRun("exp", x, copied));
    } finally {
      mathSettings.copy = false;
    }
    const method = frombuffer(x.slice().buffer, { dtype: "float64" }).exp()
      .toTypedArray() as Float64Array;
    for (let i = 0; i < x.length; i++) {
      assert.equal(bitsOf(copied[i]), bitsOf(ours[i]), `copied exp(${x[i]})`);
      assert.equal(bitsOf(method[i]), bitsOf(ours[i]), `a.exp() at ${x[i]}`);
    }
    Deno.writeFileSync(`${dir.path}/x.f8`, new Uint8Array(x.buffer));
    Deno.writeFileSync(`${dir.path}/y.f8`, new Uint8Array(ours.buffer));
    // NumPy's results; with mpmath, each finite result's distance from the
    // exact value in ulps (-1: the exact value rounds past the largest
    // double, where the result must be +inf).
    python(
      `import numpy as np, sys
d = sys.argv[1]
x = np.fromfile(d + "/x.f8")
y = np.fromfile(d + "/y.f8")
with np.errstate(all="ignore"):
    np.exp(x).tofile(d + "/np.f8")
err = np.full(len(x), np.nan)
try:
    import mpmath
except ImportError:
    mpmath = None
if mpmath is not None:
    mpmath.mp.prec = 140
    top = mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -54)
    for i in range(len(x)):
        xi, yi = float(x[i]), float(y[i])
        if not abs(xi) <= 750 or yi != yi:
            continue
        e = mpmath.exp(mpmath.mpf(xi))
        if e >= top:
            err[i] = -1
            continue
        if yi == float("inf"):
            err[i] = float("inf")
            continue
        ex = int(mpmath.floor(mpmath.log(e, 2))) if e > 0 else -1074
        # log's rounding can put ex one off at a power of two: take the
        # exponent that brackets e
        while mpmath.mpf(2) ** ex > e:
            ex -= 1
        while mpmath.mpf(2) ** (ex + 1) <= e:
            ex += 1
        ulp = mpmath.mpf(2) ** max(ex - 52, -1074)
        err[i] = float(abs(mpmath.mpf(yi) - e) / ulp)
err.tofile(d + "/err.f8")`,
      dir.path,
    );
    const numpy = new Float64Array(
      Deno.readFileSync(`${dir.path}/np.f8`).buffer,
    );
    const err = new Float64Array(
      Deno.readFileSync(`${dir.path}/err.f8`).buffer,
    );
    let worst = 0, off = 0;
    for (let i = 0; i < x.length; i++) {
      const [y, want] = [ours[i], numpy[i]];
      const label = `exp(${x[i]} = 0x${
        bitsOf(x[i]).toString(16)
      }): ${y}, NumPy ${want}`;
      if (want !== want || !Number.isFinite(want) || want === 0) {
        // NaN (its payload as NumPy's), +inf, 0: the same bits.
        assert.equal(bitsOf(y), bitsOf(want), label);
        continue;
      }
      assert.ok(ulps(y, want) <= 1, label);
      if (y !== want) off++;
      if (!HAS_MPMATH || Number.isNaN(err[i])) continue;
      if (err[i] === -1) {
        assert.equal(y, Infinity, `${label}: past the largest double`);
        continue;
      }
      assert.ok(err[i] <= BOUND, `${label}: ${err[i]} ulp from exact`);
      worst = Math.max(worst, err[i]);
    }
    // exp(±0) is 1, the edges' results as NumPy's (checked above).
    assert.equal(ours[0], 1);
    assert.equal(ours[1], 1);
    // NumPy's AVX-512 loop is within about 0.7 ulp: the two differ by 1
    // ulp at a few arguments in a hundred, not more.
    assert.ok(off < x.length / 10, `${off} results 1 ulp from NumPy's`);
    if (HAS_MPMATH) assert.ok(worst > 0.5, `at most ${worst} ulp`);
  },
});

Deno.test("float64 exp gives the same bits by its short way (steps of arguments at or above -700) and its full way (steps with a NaN or an argument below -700)", () => {
  const x = args(200_003, 11).map((v) => v >= -700 ? v : v + 1400);
  const n = x.length;
  // [x0, NaN, x1, NaN, ...] and [x0, -720, x1, -720, ...]: every step full
  const withNaN = new Float64Array(2 * n).fill(NaN);
  const withLow = new Float64Array(2 * n).fill(-720);
  for (let i = 0; i < n; i++) withNaN[2 * i] = withLow[2 * i] = x[i];
  const short = new Float64Array(n);
  assert.ok(mathRun("exp", x, short));
  const partners = new Float64Array(2);
  assert.ok(mathRun("exp", Float64Array.of(NaN, -720), partners));
  for (const full of [withNaN, withLow]) {
    const out = new Float64Array(2 * n);
    assert.ok(mathRun("exp", full, out));
    for (let i = 0; i < n; i++) {
      if (x[i] !== x[i]) continue;
      assert.equal(
        bitsOf(out[2 * i]),
        bitsOf(short[i]),
        `exp(${x[i]}): short way ${short[i]}, full way ${out[2 * i]}`,
      );
      const partner = full === withNaN ? 0 : 1;
      assert.equal(
        bitsOf(out[2 * i + 1]),
        bitsOf(partners[partner]),
        `exp(${full[1]}) beside ${x[i]}`,
      );
    }
  }
});

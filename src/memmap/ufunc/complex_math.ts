/**
 * NumPy's complex functions, for the complex loops of the math rows: the
 * algorithms of NumPy's `npy_math_complex.c` (FreeBSD's msun: Kahan's
 * `ctanh`, Hull, Fairgrieve and Tang's `casinh`/`cacos`, `catanh`, the
 * scaled `cexp`; CPython's `clog`; Algorithm 312 for `csqrt`), with C99
 * Annex G's special values, and NumPy's own `cpow` (repeated
 * multiplication for small integer powers), `sign` (`z / |z|`), `exp2`,
 * `expm1`, `log1p`, `log2`, `log10`. complex64 computes in double
 * precision and rounds each part once.
 *
 * Each function leaves its result in the helpers' scratch `c` (real part,
 * imaginary part), as generated code reads it (`H.c[0]`, `H.c[1]`).
 *
 * @module
 */

import { helpers } from "./helpers.ts";

const c = helpers.c;
const f = Math.fround;
const EPS = 2.220446049250313e-16;
const DBL_MAX = Number.MAX_VALUE;
const DBL_MIN = 2.2250738585072014e-308;
const LN2 = Math.LN2;
const PIO2 = Math.PI / 2;

const isInf = (x: number) => x === Infinity || x === -Infinity;

function set(re: number, im: number): void {
  c[0] = re;
  c[1] = im;
}

function copysign(x: number, y: number): number {
  const neg = y < 0 || Object.is(y, -0) || (y !== y && signbitNaN(y));
  return neg ? -Math.abs(x) : Math.abs(x);
}

const nanView = new Float64Array(1);
const nanWords = new Uint32Array(nanView.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function signbitNaN(x: number): boolean {
  nanView[0] = x;
  return (nanWords[HI] >>> 31) === 1;
}

function signbit(x: number): boolean {
  return x < 0 || Object.is(x, -0) || (x !== x && signbitNaN(x));
}

/** `frexp`: the mantissa in [0.5, 1) and the exponent of x (x itself and 0 for 0, inf, NaN). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = 0;
  let m = x;
  // Subnormals first become normal (2**64 is exact to multiply by).
  if (Math.abs(m) < 2.2250738585072014e-308) {
    m *= 18446744073709551616;
    e = -64;
  }
  const k = Math.floor(Math.log2(Math.abs(m))) + 1;
  m *= Math.pow(2, -k);
  e += k;
  // log2 may be off by one near powers of two.
  if (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  } else if (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  return [m, e];
}

/** `ldexp`: x * 2**e without intermediate overflow or underflow. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * Math.pow(2, e);
}

/** Where exp overflows (log(DBL_MAX)): above it exp(x)·(cos y, sin y) is scaled. */
const SCALED_CEXP_LOWER = 709.782712893384;
const SCALED_CEXP_UPPER = 1454.9159319953251;

/** exp(x) * (cos y, sin y) * 2**expt without overflow (x near the top of the range). */
function scaledCexp(x: number, y: number, expt: number): [number, number] {
  const k = 1799;
  const [mant, ex] = frexp(Math.exp(x - k * LN2));
  const [mc, ec] = frexp(Math.cos(y));
  const [ms, es] = frexp(Math.sin(y));
  const e = expt + ex + k;
  return [ldexp(mant * mc, e + ec), ldexp(mant * ms, e + es)];
}

function cexp(r: number, i: number): void {
  if (Number.isFinite(r)) {
    if (r >= SCALED_CEXP_LOWER && r <= SCALED_CEXP_UPPER) {
      const [a, b] = scaledCexp(r, i, 0);
      return set(a, b);
    }
    const x = Math.exp(r);
    if (Number.isFinite(i)) {
      // exp(x) * (cos, sin) with the C99 exact zero imaginary part.
      return set(x * Math.cos(i), i === 0 ? i : x * Math.sin(i));
    }
    return set(NaN, copysign(NaN, i));
  }
  if (r !== r) {
    return i === 0 ? set(r, i) : set(r, copysign(NaN, i));
  }
  if (r > 0) {
    if (i === 0) return set(r, i);
    if (Number.isFinite(i)) return set(r * Math.cos(i), r * Math.sin(i));
    return set(r, NaN);
  }
  if (Number.isFinite(i)) {
    const x = Math.exp(r);
    return set(x * Math.cos(i), x * Math.sin(i));
  }
  return set(0, 0);
}

function clog(re: number, im: number): void {
  const ax = Math.abs(re), ay = Math.abs(im);
  let rr: number;
  if (ax > DBL_MAX / 4 || ay > DBL_MAX / 4) {
    rr = Math.log(Math.hypot(ax / 2, ay / 2)) + LN2;
  } else if (ax < DBL_MIN && ay < DBL_MIN) {
    if (ax > 0 || ay > 0) {
      rr = Math.log(Math.hypot(ax * 2 ** 53, ay * 2 ** 53)) - 53 * LN2;
    } else {
      return set(-Infinity, Math.atan2(im, re));
    }
  } else {
    const h = Math.hypot(ax, ay);
    if (h >= 0.71 && h <= 1.73) {
      const am = ax > ay ? ax : ay, an = ax > ay ? ay : ax;
      rr = Math.log1p((am - 1) * (am + 1) + an * an) / 2;
    } else rr = Math.log(h);
  }
  set(rr, Math.atan2(im, re));
}

/**
 * glibc's csqrt (which NumPy calls): special values as C99 Annex G, exact
 * zero parts, scaling of huge and tiny values, and the identity
 * 2·Re·Im = Im z to avoid cancellation.
 */
function csqrt(a: number, b: number): void {
  if (isInf(b)) return set(Infinity, b);
  if (isInf(a)) {
    if (a < 0) return set(b !== b ? NaN : 0, copysign(Infinity, b));
    return set(a, b !== b ? NaN : copysign(0, b));
  }
  if (a !== a || b !== b) return set(NaN, NaN);
  if (b === 0) {
    if (a < 0) return set(0, copysign(Math.sqrt(-a), b));
    return set(Math.abs(Math.sqrt(a)), copysign(0, b));
  }
  if (a === 0) {
    const r = Math.abs(b) >= 2 * DBL_MIN
      ? Math.sqrt(0.5 * Math.abs(b))
      : 0.5 * Math.sqrt(2 * Math.abs(b));
    return set(r, copysign(r, b));
  }
  let scale = 0;
  if (Math.abs(a) > DBL_MAX / 4) {
    scale = 1;
    a *= 0.25;
    b *= 0.25;
  } else if (Math.abs(b) > DBL_MAX / 4) {
    scale = 1;
    a = Math.abs(a) >= 4 * DBL_MIN ? a * 0.25 : 0;
    b *= 0.25;
  } else if (Math.abs(a) < 2 * DBL_MIN && Math.abs(b) < 2 * DBL_MIN) {
    scale = -27;
    a *= 2 ** 54;
    b *= 2 ** 54;
  }
  const d = Math.hypot(a, b);
  let r: number, s: number;
  if (a > 0) {
    r = Math.sqrt(0.5 * (d + a));
    if (scale === 1 && Math.abs(b) < 1) {
      s = b / r;
      r = ldexp(r, scale);
      scale = 0;
    } else s = 0.5 * (b / r);
  } else {
    s = Math.sqrt(0.5 * (d - a));
    if (scale === 1 && Math.abs(b) < 1) {
      r = Math.abs(b / s);
      s = ldexp(s, scale);
      scale = 0;
    } else r = Math.abs(0.5 * (b / s));
  }
  if (scale !== 0) {
    r = ldexp(r, scale);
    s = ldexp(s, scale);
  }
  set(r, copysign(s, b));
}

function ccosh(x: number, y: number): void {
  const xf = Number.isFinite(x), yf = Number.isFinite(y);
  if (xf && yf) {
    if (y === 0) return set(Math.cosh(x), x * y);
    const ax = Math.abs(x);
    if (ax < 22) {
      return set(Math.cosh(x) * Math.cos(y), Math.sinh(x) * Math.sin(y));
    }
    if (ax < SCALED_CEXP_LOWER) {
      const h = Math.exp(ax) * 0.5;
      return set(h * Math.cos(y), copysign(h, x) * Math.sin(y));
    }
    if (ax < SCALED_CEXP_UPPER) {
      const [a, b] = scaledCexp(ax, y, -1);
      return set(a, b * copysign(1, x));
    }
    const h = 8.9884656743115795e+307 * x;
    return set(h * h * Math.cos(y), h * Math.sin(y));
  }
  if (x === 0 && !yf) return set(y - y, copysign(0, x * (y - y)));
  if (y === 0 && !xf) return set(x * x, copysign(0, x) * y);
  if (xf && !yf) return set(y - y, x * (y - y));
  if (x === Infinity || x === -Infinity) {
    if (!yf) return set(x * x, x * (y - y));
    return set((x * x) * Math.cos(y), x * Math.sin(y));
  }
  set((x * x) * (y - y), (x + x) * (y - y));
}

function csinh(x: number, y: number): void {
  const xf = Number.isFinite(x), yf = Number.isFinite(y);
  if (xf && yf) {
    if (y === 0) return set(Math.sinh(x), y);
    const ax = Math.abs(x);
    if (ax < 22) {
      return set(Math.sinh(x) * Math.cos(y), Math.cosh(x) * Math.sin(y));
    }
    if (ax < SCALED_CEXP_LOWER) {
      const h = Math.exp(ax) * 0.5;
      return set(copysign(h, x) * Math.cos(y), h * Math.sin(y));
    }
    if (x < SCALED_CEXP_UPPER) {
      const [a, b] = scaledCexp(ax, y, -1);
      return set(a * copysign(1, x), b);
    }
    const h = 8.9884656743115795e+307 * x;
    return set(h * Math.cos(y), h * h * Math.sin(y));
  }
  if (x === 0 && !yf) return set(copysign(0, x * (y - y)), y - y);
  if (y === 0 && !xf) {
    if (x !== x) return set(x, y);
    return set(x, copysign(0, y));
  }
  if (xf && !yf) return set(y - y, x * (y - y));
  if (!xf && x === x) {
    if (!yf) return set(x * x, x * (y - y));
    return set(x * Math.cos(y), Infinity * Math.sin(y));
  }
  set((x * x) * (y - y), (x + x) * (y - y));
}

function ctanh(x: number, y: number): void {
  if (!Number.isFinite(x)) {
    if (x !== x) return set(x, y === 0 ? y : x * y);
    return set(
      copysign(1, x),
      copysign(
        0,
        y === Infinity || y === -Infinity ? y : Math.sin(y) * Math.cos(y),
      ),
    );
  }
  if (!Number.isFinite(y)) return set(y - y, y - y);
  if (Math.abs(x) >= 22) {
    const e = Math.exp(-Math.abs(x));
    return set(copysign(1, x), 4 * Math.sin(y) * Math.cos(y) * e * e);
  }
  const t = Math.tan(y);
  const beta = 1 + t * t;
  const s = Math.sinh(x);
  const rho = Math.sqrt(1 + s * s);
  const denom = 1 + beta * s * s;
  set((beta * rho * s) / denom, t / denom);
}

/** (hypot(a, b) - b) / 2, without cancellation. */
function fHalf(a: number, b: number, hypot: number): number {
  if (b < 0) return (hypot - b) / 2;
  if (b === 0) return a / 2;
  return a * a / (hypot + b) / 2;
}

const hard = { rx: 0, usable: false, B: 0, sqrtA2my2: 0, newY: 0 };

/** Hull et al.'s core of casinh/cacos for non-negative x, y (FreeBSD's do_hard_work). */
function doHardWork(x: number, y: number): void {
  const R = Math.hypot(x, y + 1), S = Math.hypot(x, y - 1);
  let A = (R + S) / 2;
  if (A < 1) A = 1;
  if (A < 10) {
    if (y === 1 && x < EPS * EPS / 128) hard.rx = Math.sqrt(x);
    else if (x >= EPS * Math.abs(y - 1)) {
      const Am1 = fHalf(x, 1 + y, R) + fHalf(x, 1 - y, S);
      hard.rx = Math.log1p(Am1 + Math.sqrt(Am1 * (A + 1)));
    } else if (y < 1) hard.rx = x / Math.sqrt((1 - y) * (1 + y));
    else hard.rx = Math.log1p((y - 1) + Math.sqrt((y - 1) * (y + 1)));
  } else hard.rx = Math.log(A + Math.sqrt(A * A - 1));
  hard.newY = y;
  if (y < 5.9666725849601654e-154) {
    hard.usable = false;
    hard.sqrtA2my2 = A * (2 / EPS);
    hard.newY = y * (2 / EPS);
    return;
  }
  hard.B = y / A;
  hard.usable = true;
  if (hard.B > 0.6417) {
    hard.usable = false;
    if (y === 1 && x < EPS / 128) {
      hard.sqrtA2my2 = Math.sqrt(x) * Math.sqrt((A + y) / 2);
    } else if (x >= EPS * Math.abs(y - 1)) {
      const Amy = fHalf(x, y + 1, R) + fHalf(x, y - 1, S);
      hard.sqrtA2my2 = Math.sqrt(Amy * (A + y));
    } else if (y > 1) {
      hard.sqrtA2my2 = x * (4 / EPS / EPS) * y / Math.sqrt((y + 1) * (y - 1));
      hard.newY = y * (4 / EPS / EPS);
    } else hard.sqrtA2my2 = Math.sqrt((1 - y) * (1 + y));
  }
}

/** clog for |z| beyond 1/EPS: [log|z|, arg z]. */
function clogLarge(x: number, y: number): [number, number] {
  let ax = Math.abs(x), ay = Math.abs(y);
  if (ax < ay) [ax, ay] = [ay, ax];
  let rr: number;
  if (ax > DBL_MAX / 2) rr = Math.log(Math.hypot(x / Math.E, y / Math.E)) + 1;
  else if (ax > 3.3519519824856489e+153 || ay < 1.4916681462400413e-154) {
    rr = Math.log(Math.hypot(x, y));
  } else rr = Math.log(ax * ax + ay * ay) / 2;
  return [rr, Math.atan2(y, x)];
}

const RECIP_EPSILON = 1 / EPS;
const PIO2_LO = 6.1232339957367659e-17;

function casinh(x: number, y: number): void {
  const ax = Math.abs(x), ay = Math.abs(y);
  if (x !== x || y !== y) {
    if (x === Infinity || x === -Infinity) return set(x, y + y);
    // glibc: casinh(NaN ± i inf) = +inf + i NaN.
    if (y === Infinity || y === -Infinity) return set(Infinity, x + x);
    if (y === 0) return set(x + x, y);
    return set(NaN, NaN);
  }
  if (ax > RECIP_EPSILON || ay > RECIP_EPSILON) {
    const [wx, wy] = signbit(x) ? clogLarge(-x, -y) : clogLarge(x, y);
    return set(copysign(wx + LN2, x), copysign(wy, y));
  }
  if (x === 0 && y === 0) return set(x, y);
  if (ax < 3.65002414998885671e-08 / 4 && ay < 3.65002414998885671e-08 / 4) {
    return set(x, y);
  }
  doHardWork(ax, ay);
  const ry = hard.usable
    ? Math.asin(hard.B)
    : Math.atan2(hard.newY, hard.sqrtA2my2);
  set(copysign(hard.rx, x), copysign(ry, y));
}

function cacos(x: number, y: number): void {
  const sx = signbit(x), sy = signbit(y);
  const ax = Math.abs(x), ay = Math.abs(y);
  if (x !== x || y !== y) {
    if (x === Infinity || x === -Infinity) return set(y + y, -Infinity);
    if (y === Infinity || y === -Infinity) return set(x + x, -y);
    if (x === 0) return set(PIO2 + PIO2_LO, y + y);
    return set(NaN, NaN);
  }
  if (ax > RECIP_EPSILON || ay > RECIP_EPSILON) {
    const [wx, wy] = clogLarge(x, y);
    const rx = Math.abs(wy);
    let ry = wx + LN2;
    if (!sy) ry = -ry;
    return set(rx, ry);
  }
  if (x === 1 && y === 0) return set(0, -y);
  if (ax < 3.65002414998885671e-08 / 4 && ay < 3.65002414998885671e-08 / 4) {
    return set(PIO2 - (x - PIO2_LO), -y);
  }
  doHardWork(ay, ax);
  let ry = hard.rx;
  const newX = hard.newY;
  let rx: number;
  if (hard.usable) rx = Math.acos(sx ? -hard.B : hard.B);
  else rx = Math.atan2(hard.sqrtA2my2, sx ? -newX : newX);
  if (!sy) ry = -ry;
  set(rx, ry);
}

function realPartReciprocal(x: number, y: number): number {
  if (isInf(x)) return 1 / x;
  if (isInf(y)) return x / y / y;
  const ix = frexp(x)[1], iy = frexp(y)[1];
  const CUTOFF = 27;
  if (ix - iy >= CUTOFF || x === Infinity || x === -Infinity) return 1 / x;
  if (iy - ix >= CUTOFF) return x / y / y;
  if (ix <= 512 - CUTOFF) return x / (x * x + y * y);
  const scale = Math.pow(2, 1 - ix);
  const sx = x * scale, sy = y * scale;
  return sx / (sx * sx + sy * sy) * scale;
}

function catanh(x: number, y: number): void {
  const ax = Math.abs(x), ay = Math.abs(y);
  if (y === 0 && ax <= 1) return set(Math.atanh(x), y);
  if (x === 0) return set(x, Math.atan(y));
  if (x !== x || y !== y) {
    if (x === Infinity || x === -Infinity) return set(copysign(0, x), y + y);
    if (y === Infinity || y === -Infinity) {
      return set(copysign(0, x), copysign(PIO2 + PIO2_LO, y));
    }
    return set(NaN, NaN);
  }
  if (ax > RECIP_EPSILON || ay > RECIP_EPSILON) {
    return set(realPartReciprocal(x, y), copysign(PIO2 + PIO2_LO, y));
  }
  if (ax < 2.5809568279517849e-8 / 2 && ay < 2.5809568279517849e-8 / 2) {
    return set(x, y);
  }
  let rx: number;
  if (ax === 1 && ay < EPS) rx = (LN2 - Math.log(ay)) / 2;
  else {
    const d = ax - 1;
    const sq = ay < 1.4916681462400413e-154 ? d * d : d * d + ay * ay;
    rx = Math.log1p(4 * ax / sq) / 4;
  }
  let ry: number;
  if (ax === 1) ry = Math.atan2(2, -ay) / 2;
  else if (ay < EPS) ry = Math.atan2(2 * ay, (1 - ax) * (1 + ax)) / 2;
  else ry = Math.atan2(2 * ay, (1 - ax) * (1 + ax) - ay * ay) / 2;
  set(copysign(rx, x), copysign(ry, y));
}

/** Complex multiply as NumPy's `cmul` (plain products). */
function cmul(
  ar: number,
  ai: number,
  br: number,
  bi: number,
): [number, number] {
  return [ar * br - ai * bi, ar * bi + ai * br];
}

/** The same in float precision (`cmulf`): every operation rounded to float32. */
function cmulF(
  ar: number,
  ai: number,
  br: number,
  bi: number,
): [number, number] {
  return [
    f(f(ar * br) - f(ai * bi)),
    f(f(ar * bi) + f(ai * br)),
  ];
}

/**
 * NumPy's `npy_cpow`: exact small integer powers by multiplication, else
 * exp(b log a); `mul` is the precision's complex multiply.
 */
function cpow(
  ar: number,
  ai: number,
  br: number,
  bi: number,
  mul = cmul,
  div = helpers.cdiv128,
): void {
  if (br === 0 && bi === 0) return set(1, 0);
  if (ar === 0 && ai === 0) {
    return br > 0 ? set(0, 0) : set(NaN, NaN);
  }
  if (bi === 0 && br > -100 && br < 100 && Number.isInteger(br)) {
    let n = br;
    if (n === 1) return set(ar, ai);
    if (n === 2) {
      const [r, i] = mul(ar, ai, ar, ai);
      return set(r, i);
    }
    if (n === 3) {
      const [r2, i2] = mul(ar, ai, ar, ai);
      const [r, i] = mul(ar, ai, r2, i2);
      return set(r, i);
    }
    if (n < 0) n = -n;
    let aar = 1, aai = 0, pr = ar, pi = ai, mask = 1;
    for (;;) {
      if (n & mask) [aar, aai] = mul(aar, aai, pr, pi);
      mask <<= 1;
      if (n < mask || mask <= 0) break;
      [pr, pi] = mul(pr, pi, pr, pi);
    }
    if (br < 0) {
      div(1, 0, aar, aai);
      return;
    }
    return set(aar, aai);
  }
  // C's cpow: cexp(b * clog(a)), the product as C99 Annex G's (__muldc3).
  clog(ar, ai);
  const [x, y] = muldc3(c[0], c[1], br, bi);
  cexp(x, y);
}

/** C99 Annex G complex multiplication: infinities survive NaN products. */
function muldc3(a: number, b: number, cc: number, d: number): [number, number] {
  const ac = a * cc, bd = b * d, ad = a * d, bc = b * cc;
  let x = ac - bd, y = ad + bc;
  if (x !== x && y !== y) {
    let recalc = false;
    if (isInf(a) || isInf(b)) {
      a = copysign(isInf(a) ? 1 : 0, a);
      b = copysign(isInf(b) ? 1 : 0, b);
      if (cc !== cc) cc = copysign(0, cc);
      if (d !== d) d = copysign(0, d);
      recalc = true;
    }
    if (isInf(cc) || isInf(d)) {
      cc = copysign(isInf(cc) ? 1 : 0, cc);
      d = copysign(isInf(d) ? 1 : 0, d);
      if (a !== a) a = copysign(0, a);
      if (b !== b) b = copysign(0, b);
      recalc = true;
    }
    if (!recalc && (isInf(ac) || isInf(bd) || isInf(ad) || isInf(bc))) {
      if (a !== a) a = copysign(0, a);
      if (b !== b) b = copysign(0, b);
      if (cc !== cc) cc = copysign(0, cc);
      if (d !== d) d = copysign(0, d);
      recalc = true;
    }
    if (recalc) {
      x = Infinity * (a * cc - b * d);
      y = Infinity * (a * d + b * cc);
    }
  }
  return [x, y];
}

/** NumPy 2's complex sign: z / |z| with the special cases of its loop. */
function csign(re: number, im: number): void {
  const abs = Math.hypot(re, im);
  if (abs !== abs) return set(NaN, NaN);
  if (abs === Infinity) {
    if (re === Infinity || re === -Infinity) {
      if (im === Infinity || im === -Infinity) return set(NaN, NaN);
      return set(re > 0 ? 1 : -1, 0);
    }
    return set(0, im > 0 ? 1 : -1);
  }
  if (abs === 0) return set(0, 0);
  set(re / abs, im / abs);
}

type Fn = (re: number, im: number) => void;

const DOUBLE: Record<string, Fn> = {
  sqrt: csqrt,
  exp: cexp,
  log: clog,
  exp2: (re, im) => cexp(re * LN2, im * LN2),
  expm1: (re, im) => {
    const a = Math.sin(im / 2);
    set(Math.expm1(re) * Math.cos(im) - 2 * a * a, Math.exp(re) * Math.sin(im));
  },
  log1p: (re, im) => {
    const l = Math.hypot(re + 1, im);
    set(Math.log(l), Math.atan2(im, re + 1));
  },
  log2: (re, im) => {
    clog(re, im);
    set(c[0] * Math.LOG2E, c[1] * Math.LOG2E);
  },
  log10: (re, im) => {
    clog(re, im);
    set(c[0] * Math.LOG10E, c[1] * Math.LOG10E);
  },
  sin: (re, im) => {
    csinh(-im, re);
    // glibc's csin: an infinite imaginary part beside NaN is +inf.
    if (c[1] !== c[1] && isInf(c[0])) set(NaN, Infinity);
    else set(c[1], -c[0]);
  },
  cos: (re, im) => ccosh(-im, re),
  tan: (re, im) => {
    // glibc's ctan: a zero imaginary part stays for a non-finite real part.
    if (im === 0 && !Number.isFinite(re)) return set(NaN, im);
    ctanh(-im, re);
    set(c[1], -c[0]);
  },
  sinh: csinh,
  cosh: ccosh,
  tanh: (re, im) => {
    // glibc's ctanh: a zero real part stays for a non-finite imaginary part.
    if (re === 0 && !Number.isFinite(im)) return set(re, NaN);
    ctanh(re, im);
  },
  arcsin: (re, im) => {
    casinh(im, re);
    set(c[1], c[0]);
  },
  arccos: cacos,
  arctan: (re, im) => {
    catanh(im, re);
    set(c[1], c[0]);
  },
};

/** The complex helpers, as generated code calls them (`H.c<name>128`, `H.c<name>64`). */
export const complexHelpers: Record<string, Fn | ((...a: number[]) => void)> = {
  cpow128: (ar: number, ai: number, br: number, bi: number) =>
    cpow(ar, ai, br, bi),
  cpow64: (ar: number, ai: number, br: number, bi: number) => {
    cpow(ar, ai, br, bi, cmulF, helpers.cdiv64);
    set(f(c[0]), f(c[1]));
  },
  csign128: csign,
  csign64: (re: number, im: number) => {
    csign(re, im);
    set(f(c[0]), f(c[1]));
  },
};

/**
 * NumPy's complex64 forms of the functions it writes itself (funcs.inc.src:
 * `nc_exp2f`, `nc_expm1f`, `nc_log1pf`, `nc_log2f`, `nc_log10f`): every
 * step in float precision, as its C code.
 */
const FLOAT: Record<string, Fn> = {
  exp2: (re, im) => {
    const LN2F = f(LN2);
    cexp(f(re * LN2F), f(im * LN2F));
    set(f(c[0]), f(c[1]));
  },
  expm1: (re, im) => {
    const a = f(Math.sin(f(im / 2)));
    set(
      f(f(f(Math.expm1(re)) * f(Math.cos(im))) - f(f(2 * a) * a)),
      f(f(Math.exp(re)) * f(Math.sin(im))),
    );
  },
  log1p: (re, im) => {
    const x = f(re + 1);
    const l = f(Math.hypot(x, im));
    set(f(Math.log(l)), f(Math.atan2(im, x)));
  },
  log2: (re, im) => {
    clog(re, im);
    const k = f(Math.LOG2E);
    set(f(f(c[0]) * k), f(f(c[1]) * k));
  },
  log10: (re, im) => {
    clog(re, im);
    const k = f(Math.LOG10E);
    set(f(f(c[0]) * k), f(f(c[1]) * k));
  },
};

for (const [name, fn] of Object.entries(DOUBLE)) {
  complexHelpers[`c${name}128`] = fn;
  complexHelpers[`c${name}64`] = FLOAT[name] ?? ((re: number, im: number) => {
    fn(re, im);
    set(f(c[0]), f(c[1]));
  });
}

/**
 * The element functions of NumPy's loops that are too long to write inline
 * in generated code (called as `H.name`): floor division and remainder with
 * NumPy's `npy_divmod` (in double and in float precision), integer powers
 * by squaring with wrap-around, C's `pow` special cases, round half to even
 * (`rint`), and the 64-bit integer forms of these.
 *
 * @module
 */

import { nanOf } from "./nan_bits.ts";

const f = Math.fround;

/**
 * NumPy's `npy_floor_divide` in double precision: `a / b` when `b` is
 * zero, else the quotient of `npy_divmod` (the fmod remainder taken off,
 * corrected toward minus infinity, snapped to the nearest integer).
 */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div !== 0) {
    let floor = Math.floor(div);
    if (div - floor > 0.5) floor += 1;
    return floor;
  }
  // A zero quotient takes the sign of a / b.
  const q = a / b;
  return q < 0 || Object.is(q, -0) ? -0 : 0;
}

/** The same in float precision (`npy_floor_dividef`), every operation rounded to float32. */
function floorDivF(a: number, b: number): number {
  if (b === 0) return f(a / b);
  const mod = a % b;
  let div = f(f(a - mod) / b);
  if (mod !== 0 && (b < 0) !== (mod < 0)) div = f(div - 1);
  if (div !== 0) {
    let floor = Math.floor(div);
    if (f(div - floor) > 0.5) floor = f(floor + 1);
    return floor;
  }
  const q = a / b;
  return q < 0 || Object.is(q, -0) ? -0 : 0;
}

/**
 * NumPy's `npy_remainder` in double precision: C's `fmod` when `b` is
 * zero (NaN), else the remainder with the sign of `b` (a zero remainder
 * takes `b`'s sign).
 */
function remainder(a: number, b: number): number {
  const mod = a % b;
  if (b === 0) return mod;
  if (mod !== 0) return (b < 0) !== (mod < 0) ? mod + b : mod;
  return b < 0 ? -0 : 0;
}

/** The same in float precision. */
function remainderF(a: number, b: number): number {
  const mod = a % b;
  if (b === 0) return mod;
  if (mod !== 0) return (b < 0) !== (mod < 0) ? f(mod + b) : mod;
  return b < 0 ? -0 : 0;
}

/** Floor division of 64-bit integers (bigints of the type's range); 0 for a zero divisor. */
function floorDivBig(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** The remainder of floor division of 64-bit integers; 0 for a zero divisor. */
function remainderBig(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

/**
 * `a ** b` for integers of at most 32 bits (`b` not negative), by NumPy's
 * squaring loop with products taken modulo 2**32: storing the result into
 * the loop's type keeps the low bits, which are the type's wrapped result.
 */
function ipow(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (b === 1) return a;
  let out = b % 2 === 1 ? a : 1;
  let e = Math.floor(b / 2);
  let base = a;
  while (e > 0) {
    base = Math.imul(base, base);
    if (e % 2 === 1) out = Math.imul(out, base);
    e = Math.floor(e / 2);
  }
  return out;
}

/** The same for 64-bit integers (bigints; the caller wraps the result). */
function ipowBig(a: bigint, b: bigint): bigint {
  if (b === 0n || a === 1n) return 1n;
  if (b === 1n) return a;
  let out = (b & 1n) === 1n ? a : 1n;
  let e = b >> 1n;
  let base = a;
  while (e > 0n) {
    base = BigInt.asUintN(64, base * base);
    if ((e & 1n) === 1n) out = BigInt.asUintN(64, out * base);
    e >>= 1n;
  }
  return out;
}

/**
 * C's `pow`: JavaScript's `**` but for the cases C99 defines otherwise
 * (`pow(1, y)` and `pow(-1, ±inf)` are 1, also for a NaN `y`).
 */
function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

const TWO_52 = 4503599627370496;

/** Rounds to the nearest integer, ties to even (C's `rint` in the default rounding mode). */
function rint(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties up: take the even neighbour instead.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `rint` through the 2**52 trick (exact for every double). */
function rint52(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < TWO_52)) return x;
  const r = (ax + TWO_52) - TWO_52;
  return x < 0 || 1 / x < 0 ? -r : r;
}

/** `2 ** x` (exact for integers, as C's exp2). */
function exp2(x: number): number {
  return Math.pow(2, x);
}

const SPLIT = 134217729; // 2**27 + 1

/** The rounding error of `a * a` (Dekker's exact square: a * a = p + error). */
function squareError(a: number, p: number): number {
  const t = SPLIT * a;
  const hi = t - (t - a), lo = a - hi;
  return ((hi * hi - p) + 2 * hi * lo) + lo * lo;
}

/**
 * C's `hypot`, correctly rounded but for near-ties (JavaScript's
 * `Math.hypot` is off by up to 2 ulps): `x² + y²` as an exact sum of
 * doubles, its square root corrected by one Newton step in double-double
 * arithmetic. Infinity wins over NaN.
 */
function hypot(a: number, b: number): number {
  let x = Math.abs(a), y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  if (x !== x || y !== y) return NaN;
  if (x < y) {
    const t = x;
    x = y;
    y = t;
  }
  // y/x below 2**-27: the result rounds to x (y == 0 included).
  if (y <= x * 7.450580596923828e-9) return x;
  let scale = 1;
  if (x > 3.273390607896142e+150) { // 2**500: scale down by 2**600
    x *= 2.409919865102884e-181;
    y *= 2.409919865102884e-181;
    scale = 4.149515568880993e+180;
  } else if (x < 3.054936363499605e-151) { // 2**-500: scale up by 2**600
    x *= 4.149515568880993e+180;
    y *= 4.149515568880993e+180;
    scale = 2.409919865102884e-181;
  }
  const xx = x * x, yy = y * y;
  const sum = xx + yy;
  const low = (xx - sum) + yy + squareError(x, xx) + squareError(y, yy);
  const r = Math.sqrt(sum);
  const rr = r * r;
  const correction = ((sum - rr) - squareError(r, rr) + low) / (2 * r);
  return (r + correction) * scale;
}

/**
 * `hypotf` for float32 inputs: the squares are exact in double precision
 * and their sum has no overflow, so one rounding to float32 of the double
 * result is the float result (but for double rounding at a tie).
 */
function hypotF(a: number, b: number): number {
  if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) {
    return Infinity;
  }
  return f(Math.sqrt(a * a + b * b));
}

/** The helpers, as generated code sees them (merged into `H`). */
export const mathHelpers = {
  floorDiv,
  floorDivF,
  remainder,
  remainderF,
  floorDivBig,
  remainderBig,
  ipow,
  ipowBig,
  pow,
  rint,
  rint52,
  exp2,
  hypot,
  hypotF,
  nanOf,
};

/** Exported for tests of the helpers themselves. */
export { floorDiv, floorDivF, ipow, pow, remainder, remainderF, rint };

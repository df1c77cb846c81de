/**
 * Functions the generated loops call (as `H.name`) for what is too long to
 * write inline: casts with NumPy's x86-64 results, exact conversions of
 * 64-bit integers to float32, a fused multiply-add (NumPy's complex
 * multiplication uses one), and NumPy's complex division.
 *
 * @module
 */

import { HI, LO } from "./values.ts";

/** Scratch words: helpers that give two int32 words leave them here. */
const words = new Int32Array(2);
const pair = new Float64Array(1);
const pairWords = new Int32Array(pair.buffer);
const big = new BigInt64Array(1);
const bigWords = new Int32Array(big.buffer);
/** Scratch results of the complex helpers: real part, imaginary part. */
const c = new Float64Array(2);

const TWO_31 = 2147483648;

/**
 * x86-64's truncating conversion of a double to a 32-bit integer
 * (`cvttsd2si`): NaN and values out of range give -2**31.
 */
function f2i32(x: number): number {
  return x >= -TWO_31 && x < TWO_31 ? x | 0 : -TWO_31;
}

/** NumPy's double to uint32 on x86-64 (its vectorized unsigned form). */
function f2u32(x: number): number {
  return x >= TWO_31 ? f2i32(x - TWO_31) ^ -TWO_31 : f2i32(x);
}

/**
 * NumPy's float16 and complex128 to uint32 on x86-64 (a scalar 64-bit
 * truncation, then the low 32 bits): out of the int64 range, 0.
 */
function f2u32Wide(x: number): number {
  return x >= -9223372036854775808 && x < 9223372036854775808
    ? Math.trunc(x) % 4294967296
    : 0;
}

/**
 * The float32 nearest to the int64 `hi * 2**32 + (lo >>> 0)`, rounded once
 * (as `cvtsi2ss`). Below 2**53 the double is exact; above, the bits of the
 * low word under 2**28 are folded into one sticky bit, which leaves the
 * float32 rounding unchanged and the double exact.
 */
function i64ToF32(lo: number, hi: number): number {
  if (hi >= -2097152 && hi < 2097152) {
    return Math.fround(hi * 4294967296 + (lo >>> 0));
  }
  return Math.fround(
    hi * 4294967296 + ((lo & 0xf0000000) >>> 0) +
      ((lo & 0x0fffffff) !== 0 ? 0x08000000 : 0),
  );
}

/** The float32 nearest to the uint64 `(hi >>> 0) * 2**32 + (lo >>> 0)`, rounded once. */
function u64ToF32(lo: number, hi: number): number {
  const h = hi >>> 0;
  if (h < 2097152) return Math.fround(h * 4294967296 + (lo >>> 0));
  return Math.fround(
    h * 4294967296 + ((lo & 0xf0000000) >>> 0) +
      ((lo & 0x0fffffff) !== 0 ? 0x08000000 : 0),
  );
}

/** The int64 with words `lo`, `hi` as a bigint. */
function i64FromWords(lo: number, hi: number): bigint {
  bigWords[LO] = lo;
  bigWords[HI] = hi;
  return big[0];
}

/** The uint64 with words `lo`, `hi` as a bigint. */
function u64FromWords(lo: number, hi: number): bigint {
  return BigInt.asUintN(64, i64FromWords(lo, hi));
}

/** Leaves the words of a 64-bit integer (taken modulo 2**64) in `words`. */
function i64Words(x: bigint): void {
  big[0] = x;
  words[LO] = bigWords[LO];
  words[HI] = bigWords[HI];
}

/**
 * `x + y` rounded to odd: the sum when it is a double, else whichever
 * neighbour of the exact sum has an odd last bit. Rounding that to a format
 * at least two bits narrower gives the exact sum's correct rounding.
 */
function addOdd(x: number, y: number): number {
  const s = x + y;
  const z = s - x;
  const err = (x - (s - z)) + (y - z);
  if (err === 0 || !Number.isFinite(s)) return s;
  pair[0] = s;
  if ((pairWords[LO] & 1) !== 0) return s;
  if ((err > 0) === (s > 0)) pairWords[LO]++; // even, so no carry
  else if (pairWords[LO]-- === 0) pairWords[HI]--;
  return pair[0];
}

const SPLIT = 134217729; // 2**27 + 1

/**
 * `a * b + c` with one rounding (C's `fma`), by Boldo and Melquiond's
 * emulation: the exact product as a sum of two doubles (Dekker), added
 * exactly to `c`, the low parts rounded to odd. Out of the range where the
 * pieces are exact it falls back to two roundings.
 */
function fma(a: number, b: number, cc: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (
    !(ap < 1e300 && ap > 1e-280 && Math.abs(a) < 1e290 &&
      Math.abs(b) < 1e290 && Math.abs(cc) < 1e300)
  ) {
    // An infinite c next to a finite (if overflowing) product is the result.
    if (
      (cc === Infinity || cc === -Infinity) && Number.isFinite(a) &&
      Number.isFinite(b)
    ) return cc;
    return p + cc;
  }
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const th = cc + p;
  const z = th - cc;
  const tl = (cc - (th - z)) + (p - z);
  return th + addOdd(tl, e);
}

/** `a * b + c` in float32 with one rounding, for float32 `a`, `b`, `c` (the product is exact in a double). */
function fma32(a: number, b: number, cc: number): number {
  return Math.fround(addOdd(a * b, cc));
}

/**
 * NumPy's complex division (Smith's method with a reciprocal, as its
 * loop), in double precision; the result goes to `c`.
 */
function cdiv128(ar: number, ai: number, br: number, bi: number): void {
  const brAbs = Math.abs(br), biAbs = Math.abs(bi);
  if (brAbs >= biAbs) {
    if (brAbs === 0 && biAbs === 0) {
      c[0] = ar / brAbs;
      c[1] = ai / biAbs;
    } else {
      const rat = bi / br;
      const scl = 1 / (br + bi * rat);
      c[0] = (ar + ai * rat) * scl;
      c[1] = (ai - ar * rat) * scl;
    }
  } else {
    const rat = br / bi;
    const scl = 1 / (bi + br * rat);
    c[0] = (ar * rat + ai) * scl;
    c[1] = (ai * rat - ar) * scl;
  }
}

/** The same in float32, every operation rounded as C's `float` arithmetic. */
function cdiv64(ar: number, ai: number, br: number, bi: number): void {
  const f = Math.fround;
  const brAbs = Math.abs(br), biAbs = Math.abs(bi);
  if (brAbs >= biAbs) {
    if (brAbs === 0 && biAbs === 0) {
      c[0] = f(ar / brAbs);
      c[1] = f(ai / biAbs);
    } else {
      const rat = f(bi / br);
      const scl = f(1 / f(br + f(bi * rat)));
      c[0] = f(f(ar + f(ai * rat)) * scl);
      c[1] = f(f(ai - f(ar * rat)) * scl);
    }
  } else {
    const rat = f(br / bi);
    const scl = f(1 / f(bi + f(br * rat)));
    c[0] = f(f(f(ar * rat) + ai) * scl);
    c[1] = f(f(f(ai * rat) - ar) * scl);
  }
}

/** The helpers, as generated code sees them (`H`). */
export const helpers = {
  words,
  c,
  f2i32,
  f2u32,
  f2u32Wide,
  i64ToF32,
  u64ToF32,
  i64FromWords,
  u64FromWords,
  i64Words,
  u64Words: i64Words,
  fma,
  fma32,
  cdiv128,
  cdiv64,
};

/** Exported for tests of the helpers themselves. */
export { addOdd, fma, fma32, i64ToF32, u64ToF32 };

/**
 * NumPy's long double on x86-64 (`np.longdouble`, `"<f16"`): the 80-bit
 * x87 extended format (64-bit significand with an explicit integer bit,
 * 15-bit exponent biased by 16383, sign) in the low 10 of 16 bytes; the
 * other 6 are padding. Values convert to and from JavaScript numbers:
 * a double converts exactly; a long double rounds to the nearest double.
 *
 * @module
 */

/** `x * 2 ** k` without overflowing or underflowing on the way. */
function ldexp(x: number, k: number): number {
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/**
 * Reads an x87 extended value stored little-endian at byte `p`.
 *
 * @param dv A view of the bytes.
 * @param p Where the value starts.
 * @returns The nearest double.
 */
export function getLongDouble(dv: DataView, p: number): number {
  const lo = dv.getUint32(p, true);
  const hi = dv.getUint32(p + 4, true);
  const se = dv.getUint16(p + 8, true);
  const sign = se & 0x8000 ? -1 : 1;
  const e = se & 0x7fff;
  if (e === 0x7fff) {
    return (hi & 0x7fffffff) === 0 && lo === 0 ? sign * Infinity : NaN;
  }
  // hi * 2**32 is exact; adding lo rounds once, to the nearest double.
  const m = hi * 4294967296 + lo;
  return sign * ldexp(m, (e === 0 ? 1 : e) - 16383 - 63);
}

const bits = new DataView(new ArrayBuffer(8));

/**
 * Writes a double as an x87 extended value, little-endian, at byte `p`
 * (exact: every double is a long double); the 6 padding bytes become 0.
 *
 * @param dv A view of the bytes.
 * @param p Where the value starts.
 * @param v The value.
 */
export function setLongDouble(dv: DataView, p: number, v: number): void {
  bits.setFloat64(0, v, true);
  const dhi = bits.getUint32(4, true);
  const dlo = bits.getUint32(0, true);
  const sign = dhi & 0x80000000 ? 0x8000 : 0;
  const ed = (dhi >>> 20) & 0x7ff;
  let frac = (BigInt(dhi & 0xfffff) << 32n) | BigInt(dlo);
  let e: number;
  let m: bigint;
  if (ed === 0x7ff) {
    e = 0x7fff;
    m = frac === 0n ? 1n << 63n : (3n << 62n) | (frac << 11n);
  } else if (ed === 0) {
    if (frac === 0n) {
      e = 0;
      m = 0n;
    } else {
      // A subnormal double is a normal long double: shift its top bit to bit 63.
      let shift = 11;
      while ((frac & (1n << 52n)) === 0n) {
        frac <<= 1n;
        shift++;
      }
      m = frac << 11n;
      e = 1 - 1023 + 16383 - (shift - 11);
    }
  } else {
    m = ((1n << 52n) | frac) << 11n;
    e = ed - 1023 + 16383;
  }
  dv.setUint32(p, Number(m & 0xffffffffn), true);
  dv.setUint32(p + 4, Number(m >> 32n), true);
  dv.setUint16(p + 8, sign | e, true);
  for (let i = 10; i < 16; i++) dv.setUint8(p + i, 0);
}

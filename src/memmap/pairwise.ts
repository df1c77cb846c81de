/**
 * NumPy's pairwise summation, bit for bit: blocks of at most 128 elements
 * summed with eight accumulators, blocks combined as NumPy's recursion
 * splits them. The error grows with log(n) instead of n as with a plain
 * running sum. The WebAssembly kernels (`kernels/reduce_kernels.ts`) do the
 * same additions in the same order; this is the path for data they cannot
 * read (strided, byte-swapped, unaligned, float16, complex).
 *
 * @module
 */

/** Elements per leaf block, as NumPy's `PW_BLOCKSIZE`. */
const BLOCK = 128;

/** Arrays pairwise sums read. */
export type Floats = Float64Array | Float32Array | Float16Array;

/**
 * Sums `n` elements of `a` from index `i`, `s` indices apart, in float64
 * arithmetic, as NumPy's pairwise sum of float64 does.
 *
 * @param a The elements.
 * @param i The first index.
 * @param n How many.
 * @param s The step between indices (may be negative).
 * @returns The sum.
 */
export function pairwiseSum(a: Floats, i: number, n: number, s = 1): number {
  if (n < 8) {
    let r = -0;
    for (let k = 0; k < n; k++) r += a[i + k * s];
    return r;
  }
  if (n <= BLOCK) {
    let r0 = a[i], r1 = a[i + s], r2 = a[i + 2 * s], r3 = a[i + 3 * s];
    let r4 = a[i + 4 * s], r5 = a[i + 5 * s];
    let r6 = a[i + 6 * s], r7 = a[i + 7 * s];
    const m = n - (n % 8);
    let k = 8;
    for (; k < m; k += 8) {
      const p = i + k * s;
      r0 += a[p];
      r1 += a[p + s];
      r2 += a[p + 2 * s];
      r3 += a[p + 3 * s];
      r4 += a[p + 4 * s];
      r5 += a[p + 5 * s];
      r6 += a[p + 6 * s];
      r7 += a[p + 7 * s];
    }
    let r = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; k < n; k++) r += a[i + k * s];
    return r;
  }
  let h = n >>> 1;
  h -= h % 8;
  return pairwiseSum(a, i, h, s) + pairwiseSum(a, i + h * s, n - h, s);
}

const f = Math.fround;

/**
 * {@linkcode pairwiseSum} in float32 arithmetic (every addition rounded to
 * float32, which double rounding through float64 does exactly): NumPy's
 * pairwise sum of float32, and of float16 (whose accumulators are float32).
 *
 * @param a The elements.
 * @param i The first index.
 * @param n How many.
 * @param s The step between indices (may be negative).
 * @returns The sum, a float32 value.
 */
export function pairwiseSum32(
  a: Floats,
  i: number,
  n: number,
  s = 1,
): number {
  if (n < 8) {
    let r = -0;
    for (let k = 0; k < n; k++) r = f(r + a[i + k * s]);
    return r;
  }
  if (n <= BLOCK) {
    let r0 = f(a[i]), r1 = f(a[i + s]), r2 = f(a[i + 2 * s]);
    let r3 = f(a[i + 3 * s]), r4 = f(a[i + 4 * s]), r5 = f(a[i + 5 * s]);
    let r6 = f(a[i + 6 * s]), r7 = f(a[i + 7 * s]);
    const m = n - (n % 8);
    let k = 8;
    for (; k < m; k += 8) {
      const p = i + k * s;
      r0 = f(r0 + a[p]);
      r1 = f(r1 + a[p + s]);
      r2 = f(r2 + a[p + 2 * s]);
      r3 = f(r3 + a[p + 3 * s]);
      r4 = f(r4 + a[p + 4 * s]);
      r5 = f(r5 + a[p + 5 * s]);
      r6 = f(r6 + a[p + 6 * s]);
      r7 = f(r7 + a[p + 7 * s]);
    }
    let r = f(
      f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)),
    );
    for (; k < n; k++) r = f(r + a[i + k * s]);
    return r;
  }
  let h = n >>> 1;
  h -= h % 8;
  return f(pairwiseSum32(a, i, h, s) + pairwiseSum32(a, i + h * s, n - h, s));
}

/**
 * NumPy's pairwise sum of complex elements stored as interleaved real and
 * imaginary parts: `n` complex elements from index `i` (of the real part),
 * `s` indices apart (2 when contiguous). NumPy runs its recursion over the
 * `2n` parts, eight parts (four complex elements) per step, blocks of 128
 * parts; real parts are summed with real parts.
 *
 * @param a The parts.
 * @param i The index of the first real part.
 * @param n How many complex elements.
 * @param s The step between complex elements, in indices.
 * @param round Rounds each addition to the element precision (`Math.fround` for complex64).
 * @returns `[re, im]`.
 */
export function pairwiseSumComplex(
  a: Floats,
  i: number,
  n: number,
  s: number,
  round: (x: number) => number = (x) => x,
): [number, number] {
  return complexParts(a, i, 2 * n, s / 2, round);
}

/** NumPy's complex pairwise sum over `m` parts, `t` indices per part step. */
function complexParts(
  a: Floats,
  i: number,
  m: number,
  t: number,
  r: (x: number) => number,
): [number, number] {
  // Part k is at a[i + k * t] for even k (real); its imaginary part follows it.
  const re = (k: number) => a[i + k * t];
  const im = (k: number) => a[i + k * t + 1];
  if (m < 8) {
    let rr = -0, ri = -0;
    for (let k = 0; k < m; k += 2) {
      rr = r(rr + re(k));
      ri = r(ri + im(k));
    }
    return [rr, ri];
  }
  if (m <= BLOCK) {
    let r0 = re(0), r1 = im(0), r2 = re(2), r3 = im(2);
    let r4 = re(4), r5 = im(4), r6 = re(6), r7 = im(6);
    let k = 8;
    for (; k < m - (m % 8); k += 8) {
      r0 = r(r0 + re(k));
      r1 = r(r1 + im(k));
      r2 = r(r2 + re(k + 2));
      r3 = r(r3 + im(k + 2));
      r4 = r(r4 + re(k + 4));
      r5 = r(r5 + im(k + 4));
      r6 = r(r6 + re(k + 6));
      r7 = r(r7 + im(k + 6));
    }
    let rr = r(r(r(r0 + r2) + r(r4 + r6)));
    let ri = r(r(r(r1 + r3) + r(r5 + r7)));
    for (; k < m; k += 2) {
      rr = r(rr + re(k));
      ri = r(ri + im(k));
    }
    return [rr, ri];
  }
  let h = m >>> 1;
  h -= h % 8;
  const [ar, ai] = complexParts(a, i, h, t, r);
  const [br, bi] = complexParts(a, i + h * t, m - h, t, r);
  return [r(ar + br), r(ai + bi)];
}

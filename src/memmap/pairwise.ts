/**
 * Pairwise summation (NumPy's algorithm family): blocks summed with eight
 * accumulators, blocks combined as a balanced tree. The error grows with
 * log(n) instead of n as with a plain running sum.
 *
 * @module
 */

/** Elements per leaf block, as NumPy's `PW_BLOCKSIZE`. */
const BLOCK = 128;

type Floats = Float64Array | Float32Array | Float16Array;

/**
 * Sums `n` elements of `a` starting at `i` (contiguous) with pairwise summation.
 */
export function pairwiseSum(a: Floats, i: number, n: number): number {
  if (n > BLOCK && n % BLOCK === 0 && ((n / BLOCK) & (n / BLOCK - 1)) === 0) {
    return perfectPairwiseSum(a, i, n);
  }
  if (n < 8) {
    let r = -0;
    for (let k = 0; k < n; k++) r += a[i + k];
    return r;
  }
  if (n <= BLOCK) {
    let r0 = a[i], r1 = a[i + 1], r2 = a[i + 2], r3 = a[i + 3];
    let r4 = a[i + 4], r5 = a[i + 5], r6 = a[i + 6], r7 = a[i + 7];
    const m = n - (n % 8);
    let k = 8;
    for (; k < m; k += 8) {
      const p = i + k;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let r = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; k < n; k++) r += a[i + k];
    return r;
  }
  let h = n >>> 1;
  h -= h % 8;
  return pairwiseSum(a, i, h) + pairwiseSum(a, i + h, n - h);
}

const partials = new Float64Array(64);

/**
 * `pairwiseSum` for `n` = 128 * 2^k, where the recursion tree is perfect:
 * leaves are summed in order and combined by a binary counter, which adds
 * exactly the pairs the recursion adds, without a call per leaf. The leaf
 * loop repeats `pairwiseSum`'s on purpose: as a call it costs a fifth of the
 * time of a whole sum.
 */
function perfectPairwiseSum(a: Floats, start: number, n: number): number {
  let depth = 0;
  let count = 0;
  const end = start + n;
  for (let i = start; i < end; i += BLOCK) {
    let r0 = a[i], r1 = a[i + 1], r2 = a[i + 2], r3 = a[i + 3];
    let r4 = a[i + 4], r5 = a[i + 5], r6 = a[i + 6], r7 = a[i + 7];
    for (let p = i + 8; p < i + BLOCK; p += 8) {
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (let c = ++count; (c & 1) === 0; c >>= 1) sum = partials[--depth] + sum;
    partials[depth++] = sum;
  }
  return partials[0];
}

/**
 * Sums `n` elements of `a` starting at `i`, `s` elements apart, with pairwise summation.
 */
export function pairwiseSumStrided(
  a: Floats,
  i: number,
  n: number,
  s: number,
): number {
  if (s === 1) return pairwiseSum(a, i, n);
  if (n < 8) {
    let r = -0;
    for (let k = 0; k < n; k++) r += a[i + k * s];
    return r;
  }
  if (n <= BLOCK) {
    let r0 = a[i], r1 = a[i + s], r2 = a[i + 2 * s], r3 = a[i + 3 * s];
    let r4 = a[i + 4 * s],
      r5 = a[i + 5 * s],
      r6 = a[i + 6 * s],
      r7 = a[i + 7 * s];
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
  return pairwiseSumStrided(a, i, h, s) +
    pairwiseSumStrided(a, i + h * s, n - h, s);
}

/**
 * A running sum of partial sums with Neumaier's compensation, so that
 * combining many block sums adds no error of its own.
 */
export class CompensatedSum {
  #sum = 0;
  #c = 0;
  #n = 0;
  /** Adds a value. */
  add(x: number): void {
    const t = this.#sum + x;
    if (Math.abs(this.#sum) >= Math.abs(x)) this.#c += (this.#sum - t) + x;
    else this.#c += (x - t) + this.#sum;
    this.#sum = t;
    this.#n++;
  }
  /** The compensated total. */
  get value(): number {
    if (this.#n === 1 || !Number.isFinite(this.#sum)) return this.#sum;
    return this.#sum + this.#c;
  }
}

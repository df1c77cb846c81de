/**
 * `sort` (in place) and `argsort` with NumPy's order and NumPy's stable
 * result (`kind="stable"`): equal keys keep their order, NaNs sort last (in
 * their order, payloads kept), -0 and +0 are equal (they too keep their
 * order), complex numbers are ordered by real then imaginary part with
 * NumPy's NaN classes (`R + Rj`, `R + nanj`, `nan + Rj`, `nan + nanj`).
 * Datetimes and timedeltas sort as their int64 counts with NaT last; bytes
 * and text by a merge sort of indices by code units, NUL-padded.
 *
 * Integers and floats are sorted by an LSD radix sort of order-preserving
 * unsigned keys (11-bit digits; digits that are the same for every key are
 * skipped), 64-bit integers as two 32-bit words (no bigints), one- and
 * two-byte types by counting; complex numbers by a merge sort. A float
 * sort keeps NaNs aside and the order of the signs of its zeros, so that
 * the keys can map back to the values bit for bit.
 *
 * Every lane (the elements along the axis) is sorted as a contiguous run
 * of a native typed array: in place when the array is in memory, native,
 * aligned and contiguous along the axis; otherwise (memory maps, other
 * strides, the other byte order) the array is copied into memory with the
 * axis last, sorted there and written back.
 *
 * @module
 */

import { describe } from "../_args.ts";
import { type DType, nativeDType } from "./dtype.ts";
import { type TypedArray, unitOf } from "./element.ts";
import { empty as emptyArray, NDArray } from "./ndarray.ts";
import { isNumeric } from "./promotion.ts";
import { CHECK_BYTES, type PageCheck } from "./read_ahead.ts";
import { normalizeAxis, shapeSize } from "./shape.ts";
import {
  isDetached,
  memoryStorage,
  prepareWhole,
  throwClosed,
  throwReadOnly,
} from "./storage.ts";
import { unitsComparer } from "./item_compare.ts";
import { countsOf } from "./item_arrays.ts";
import { castCopy, castInto } from "./ufunc/engine.ts";

/** Lanes up to this long are sorted by insertion. */
const SMALL = 24;

/** Bits per radix digit (2048 buckets: the counts stay in the L1 cache). */
const DIGIT = 11;
const BUCKETS = 1 << DIGIT;

/** How the elements of a type are keyed. */
type Family = "byte" | "short" | "word" | "long" | "complex";

interface Keying {
  family: Family;
  /** Integers with a sign (the top bit of the key is flipped). */
  signed: boolean;
  /** IEEE floats (NaN aside, zeros' signs kept, negative values reversed). */
  float: boolean;
  /**
   * Datetime or timedelta counts: NaT, the int64 minimum, sorts last (as
   * NumPy), so the key of a count `x` is that of `x - 1` (NaT wraps to the
   * largest).
   */
  nat?: boolean;
}

function keyingOf(dt: DType, call: string): Keying {
  const k = dt.kind;
  const size = dt.itemsize;
  if (k === "M" || k === "m") {
    return { family: "long", signed: true, float: false, nat: true };
  }
  if (!isNumeric(dt)) {
    throw new TypeError(
      `Cannot ${call} an array of ${dt.name}: only numeric types are sorted here`,
    );
  }
  if (k === "c") return { family: "complex", signed: false, float: true };
  const family: Family = size === 1
    ? "byte"
    : size === 2
    ? "short"
    : size === 4
    ? "word"
    : "long";
  return { family, signed: k === "i", float: k === "f" };
}

// ---------------------------------------------------------------------------
// Radix sort of unsigned 32-bit keys (W = 1) or 64-bit keys as word pairs
// (W = 2, low word first), with an optional Uint32 payload.

/** The digit `d` of a key whose words start at `i`. */
function digitCounts(
  keys: Uint32Array,
  n: number,
  words: 1 | 2,
): { counts: Uint32Array; passes: number } {
  const passes = words === 1 ? 3 : 6;
  const counts = new Uint32Array(passes * BUCKETS);
  const M = BUCKETS - 1;
  if (words === 1) {
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      counts[k & M]++;
      counts[BUCKETS + ((k >>> 11) & M)]++;
      counts[2 * BUCKETS + (k >>> 22)]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const lo = keys[2 * i], hi = keys[2 * i + 1];
      counts[lo & M]++;
      counts[BUCKETS + ((lo >>> 11) & M)]++;
      counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & M)]++;
      counts[3 * BUCKETS + ((hi >>> 1) & M)]++;
      counts[4 * BUCKETS + ((hi >>> 12) & M)]++;
      counts[5 * BUCKETS + (hi >>> 23)]++;
    }
  }
  return { counts, passes };
}

/**
 * Sorts `n` keys of `a` (and their payload `pa`) stably, using `b`/`pb` as
 * scratch of the same sizes; returns whether the result ended up in `b`.
 */
function radix(
  a: Uint32Array,
  b: Uint32Array,
  pa: Uint32Array | null,
  pb: Uint32Array | null,
  n: number,
  words: 1 | 2,
): boolean {
  const { counts, passes } = digitCounts(a, n, words);
  const M = BUCKETS - 1;
  let swapped = false;
  for (let pass = 0; pass < passes; pass++) {
    const c = counts.subarray(pass * BUCKETS, (pass + 1) * BUCKETS);
    // A digit that every key shares moves nothing.
    let used = 0;
    for (let d = 0; d < BUCKETS && used < 2; d++) if (c[d] !== 0) used++;
    if (used < 2) continue;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const t = c[d];
      c[d] = sum;
      sum += t;
    }
    const src = swapped ? b : a, dst = swapped ? a : b;
    const ps = swapped ? pb : pa, pd = swapped ? pa : pb;
    if (words === 1) {
      const s = pass * DIGIT;
      if (ps === null) {
        for (let i = 0; i < n; i++) {
          const k = src[i];
          dst[c[(k >>> s) & M]++] = k;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const k = src[i];
          const p = c[(k >>> s) & M]++;
          dst[p] = k;
          pd![p] = ps[i];
        }
      }
    } else {
      const shift = pass * DIGIT;
      const word = shift >= 32 ? 1 : 0;
      const s = shift & 31;
      const straddles = shift < 32 && shift + DIGIT > 32;
      for (let i = 0; i < n; i++) {
        const lo = src[2 * i], hi = src[2 * i + 1];
        const d = straddles
          ? ((lo >>> s) | (hi << (32 - s))) & M
          : ((word === 1 ? hi : lo) >>> s) & M;
        const p = c[d]++;
        dst[2 * p] = lo;
        dst[2 * p + 1] = hi;
        if (ps !== null) pd![p] = ps[i];
      }
    }
    swapped = !swapped;
  }
  return swapped;
}

/** Insertion sort of `n` keys (and payload), stable. */
function insertion(
  keys: Uint32Array,
  pay: Uint32Array | null,
  n: number,
  words: 1 | 2,
): void {
  if (words === 1) {
    for (let i = 1; i < n; i++) {
      const k = keys[i], p = pay === null ? 0 : pay[i];
      let j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        if (pay !== null) pay[j + 1] = pay[j];
        j--;
      }
      keys[j + 1] = k;
      if (pay !== null) pay[j + 1] = p;
    }
    return;
  }
  for (let i = 1; i < n; i++) {
    const lo = keys[2 * i], hi = keys[2 * i + 1];
    const p = pay === null ? 0 : pay[i];
    let j = i - 1;
    while (
      j >= 0 &&
      (keys[2 * j + 1] > hi || (keys[2 * j + 1] === hi && keys[2 * j] > lo))
    ) {
      keys[2 * j + 2] = keys[2 * j];
      keys[2 * j + 3] = keys[2 * j + 1];
      if (pay !== null) pay[j + 1] = pay[j];
      j--;
    }
    keys[2 * j + 2] = lo;
    keys[2 * j + 3] = hi;
    if (pay !== null) pay[j + 1] = p;
  }
}

/** Scratch buffers of one call, grown to the longest lane. */
class Scratch {
  #buffers: Uint32Array[] = [];
  /** Buffer number `i` of at least `n` words. */
  get(i: number, n: number): Uint32Array {
    let b = this.#buffers[i];
    if (b === undefined || b.length < n) {
      b = new Uint32Array(n);
      this.#buffers[i] = b;
    }
    return b;
  }
}

/** The scratch buffers' roles. */
const TEMP_KEYS = 0, TEMP_PAY = 1, KEYS = 2, PAY = 3;

/** Sorts `n` keys in place (`keys` holds them on return), with payload. */
function sortKeys(
  keys: Uint32Array,
  pay: Uint32Array | null,
  n: number,
  words: 1 | 2,
  scratch: Scratch,
): void {
  if (n < 2) return;
  if (n <= SMALL) {
    insertion(keys, pay, n, words);
    return;
  }
  const b = scratch.get(TEMP_KEYS, n * words);
  const pb = pay === null ? null : scratch.get(TEMP_PAY, n);
  if (radix(keys, b, pay, pb, n, words)) {
    keys.set(b.subarray(0, n * words));
    if (pay !== null) pay.set(pb!.subarray(0, n));
  }
}

// ---------------------------------------------------------------------------
// Keys of one lane. Integers: the bits with the sign bit flipped (signed).
// Floats: NaN aside; negative values bit-inverted, others with the sign
// bit set (so -0 sorts just before +0; the zeros' order is put back from
// the recorded signs).

/** What a float lane held besides its keys. */
interface FloatSide {
  /** Non-NaN elements (their keys come first). */
  count: number;
  /** Negative non-zero elements (where the zeros start in sorted order). */
  negatives: number;
  /** The signs of the zeros in their order (1 for -0), or null when all zeros have one sign. */
  zeroSigns: Uint8Array | null;
  /** The NaNs' words in their order. */
  nans: Uint32Array;
  nanCount: number;
}

/**
 * Replaces the words of `n` floats (`words` per element, top bit of the
 * last word the sign) by their keys, in place, moving NaNs out and the
 * other keys to the front in their order.
 */
function floatKeys(
  w: Uint32Array,
  n: number,
  words: 1 | 2,
  bits: 16 | 32,
): FloatSide {
  const sign = bits === 16 ? 0x8000 : 0x80000000;
  const full = bits === 16 ? 0xffff : 0xffffffff;
  const expMask = bits === 16 ? 0x7c00 : words === 1 ? 0x7f800000 : 0x7ff00000;
  const manMask = bits === 16 ? 0x03ff : words === 1 ? 0x007fffff : 0x000fffff;
  let m = 0, negatives = 0, nanCount = 0, zeros = 0, negZeros = 0;
  let nans = new Uint32Array(0);
  let signs: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const hi = w[words * i + words - 1];
    const lo = words === 2 ? w[2 * i] : 0;
    const exp = hi & expMask;
    if (exp === expMask && ((hi & manMask) !== 0 || lo !== 0)) {
      if (words * nanCount === nans.length) {
        const more = new Uint32Array(Math.max(16, 2 * nans.length));
        more.set(nans);
        nans = more;
      }
      for (let k = 0; k < words; k++) {
        nans[nanCount * words + k] = w[words * i + k];
      }
      nanCount++;
      continue;
    }
    const negative = (hi & sign) !== 0;
    if ((hi & (full ^ sign)) === 0 && lo === 0) {
      // A zero: note its sign in its order.
      let list: Uint8Array = signs ?? new Uint8Array(Math.min(n, 1024));
      if (zeros === list.length) {
        const more: Uint8Array = new Uint8Array(Math.min(n, 2 * list.length));
        more.set(list);
        list = more;
      }
      list[zeros++] = negative ? 1 : 0;
      signs = list;
      if (negative) negZeros++;
    } else if (negative) negatives++;
    if (negative) {
      w[words * m + words - 1] = ~hi & full;
      if (words === 2) w[2 * m] = ~lo;
    } else {
      w[words * m + words - 1] = hi | sign;
      if (words === 2) w[2 * m] = lo;
    }
    m++;
  }
  return {
    count: m,
    negatives,
    zeroSigns: negZeros > 0 && negZeros < zeros
      ? signs!.subarray(0, zeros)
      : null,
    nans: nans.subarray(0, nanCount * words),
    nanCount,
  };
}

/** Turns sorted float keys back into the floats, then the zeros' signs and the NaNs. */
function floatValues(
  w: Uint32Array,
  words: 1 | 2,
  bits: 16 | 32,
  side: FloatSide,
): void {
  const sign = bits === 16 ? 0x8000 : 0x80000000;
  const full = bits === 16 ? 0xffff : 0xffffffff;
  const m = side.count;
  for (let i = 0; i < m; i++) {
    const t = words * i + words - 1;
    const hi = w[t];
    if ((hi & sign) !== 0) w[t] = hi & (full ^ sign);
    else {
      w[t] = ~hi & full;
      if (words === 2) w[2 * i] = ~w[2 * i];
    }
  }
  const signs = side.zeroSigns;
  if (signs !== null) {
    for (let z = 0; z < signs.length; z++) {
      const t = words * (side.negatives + z) + words - 1;
      w[t] = signs[z] === 1 ? sign : 0;
    }
  }
  w.set(side.nans, words * m);
}

/** Keys for 16-bit elements (float16 or integers) in place; floats give their side. */
function sortShorts(
  bits: Uint16Array,
  keying: Keying,
  scratch: Scratch,
): void {
  const n = bits.length;
  if (keying.float) {
    const w = scratch.get(KEYS, n);
    for (let i = 0; i < n; i++) w[i] = bits[i];
    const side = floatKeys(w, n, 1, 16);
    countSort16(w, side.count);
    floatValues(w, 1, 16, side);
    for (let i = 0; i < n; i++) bits[i] = w[i];
    return;
  }
  const flip = keying.signed ? 0x8000 : 0;
  if (n <= SMALL) {
    const w = scratch.get(KEYS, n);
    for (let i = 0; i < n; i++) w[i] = bits[i] ^ flip;
    insertion(w, null, n, 1);
    for (let i = 0; i < n; i++) bits[i] = w[i] ^ flip;
    return;
  }
  const counts = new Uint32Array(65536);
  for (let i = 0; i < n; i++) counts[bits[i] ^ flip]++;
  let p = 0;
  for (let k = 0; k < 65536; k++) {
    const c = counts[k];
    if (c !== 0) bits.fill(k ^ flip, p, p + c), p += c;
  }
}

/** Sorts `n` 16-bit keys held in a Uint32Array (values only). */
function countSort16(w: Uint32Array, n: number): void {
  if (n <= SMALL) {
    insertion(w, null, n, 1);
    return;
  }
  const counts = new Uint32Array(65536);
  for (let i = 0; i < n; i++) counts[w[i]]++;
  let p = 0;
  for (let k = 0; k < 65536; k++) {
    const c = counts[k];
    if (c !== 0) w.fill(k, p, p + c), p += c;
  }
}

/** Sorts one-byte elements (bool, int8, uint8) by counting. */
function sortBytes(bytes: Uint8Array, signed: boolean): void {
  const n = bytes.length;
  const flip = signed ? 0x80 : 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[bytes[i] ^ flip]++;
  let p = 0;
  for (let k = 0; k < 256; k++) {
    const c = counts[k];
    if (c !== 0) bytes.fill(k ^ flip, p, p + c), p += c;
  }
}

/** Sorts 32- or 64-bit elements (as words) in place. */
function sortWords(
  w: Uint32Array,
  n: number,
  words: 1 | 2,
  keying: Keying,
  scratch: Scratch,
): void {
  if (keying.float) {
    const side = floatKeys(w, n, words, 32);
    sortKeys(w, null, side.count, words, scratch);
    floatValues(w, words, 32, side);
    return;
  }
  if (keying.nat) addOne(w, n, -1);
  if (keying.signed) {
    for (let i = words - 1; i < words * n; i += words) w[i] ^= 0x80000000;
  }
  sortKeys(w, null, n, words, scratch);
  if (keying.signed) {
    for (let i = words - 1; i < words * n; i += words) w[i] ^= 0x80000000;
  }
  if (keying.nat) addOne(w, n, 1);
}

/** Adds `d` (1 or -1) to each of `n` 64-bit integers held as word pairs (low word first), wrapping. */
function addOne(w: Uint32Array, n: number, d: 1 | -1): void {
  const edge = d === 1 ? 0xffffffff : 0; // the low word that carries
  for (let i = 0; i < 2 * n; i += 2) {
    if (w[i] === edge) w[i + 1] += d;
    w[i] += d;
  }
}

// ---------------------------------------------------------------------------
// Complex numbers: a stable merge sort of indices with NumPy's order.

/** NumPy's `a < b` for complex numbers at pair indices `i`, `j` of `t`. */
function complexLess(t: Float64Array, i: number, j: number): boolean {
  const ar = t[2 * i], ai = t[2 * i + 1], br = t[2 * j], bi = t[2 * j + 1];
  if (ar < br) return ai === ai || bi !== bi;
  if (ar > br) return bi !== bi && ai === ai;
  if (ar === br || (ar !== ar && br !== br)) {
    return ai < bi || (bi !== bi && ai === ai);
  }
  return br !== br;
}

/**
 * The stable order of `n` elements by `less(i, j)` (element `i` sorts
 * before element `j`), into `order`: runs of SMALL by insertion, then
 * bottom-up merges through `tmp`.
 */
function mergeOrder(
  n: number,
  less: (i: number, j: number) => boolean,
  order: Uint32Array,
  tmp: Uint32Array,
): void {
  for (let i = 0; i < n; i++) order[i] = i;
  for (let s = 0; s < n; s += SMALL) {
    const e = Math.min(n, s + SMALL);
    for (let i = s + 1; i < e; i++) {
      const v = order[i];
      let j = i - 1;
      while (j >= s && less(v, order[j])) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = v;
    }
  }
  let src = order, dst = tmp;
  for (let width = SMALL; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        dst[k++] = less(src[j], src[i]) ? src[j++] : src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src.subarray(0, n));
}

/** The order of `n` complex numbers (stable), into `order`. */
function complexOrder(
  t: Float64Array,
  n: number,
  order: Uint32Array,
  tmp: Uint32Array,
): void {
  mergeOrder(n, (i, j) => complexLess(t, i, j), order, tmp);
}

// ---------------------------------------------------------------------------
// Bytes and text: a stable merge sort of indices by code units, NUL-padded
// (NumPy's order, as their comparisons).

/**
 * Calls `each(order, lane)` with the stable order of each lane of `n`
 * elements of `work` (bytes or text, C-contiguous, lanes along its last
 * axis).
 */
function textOrders(
  work: NDArray,
  n: number,
  each: (order: Uint32Array, lane: number) => void,
): void {
  const cmp = unitsComparer(work, work);
  const size = work.itemsize;
  const order = new Uint32Array(n), tmp = new Uint32Array(n);
  for (let l = 0; l < work.size / n; l++) {
    const base = work.byteOffset + l * n * size;
    mergeOrder(
      n,
      (i, j) => cmp(base + i * size, base + j * size) < 0,
      order,
      tmp,
    );
    each(order, l);
  }
}

/** Sorts bytes or text in place along `axis`, through a copy with the axis last. */
function sortText(a: NDArray, axis: number): void {
  const view = axisLast(a, axis);
  const work = view.copy();
  const n = a.shape[axis], size = a.itemsize;
  const from = work.storage.bytes.subarray(work.byteOffset);
  const to = new Uint8Array(work.nbytes);
  textOrders(work, n, (order, l) => {
    const lane = l * n * size;
    for (let i = 0; i < n; i++) {
      const p = lane + order[i] * size;
      to.set(from.subarray(p, p + size), lane + i * size);
    }
  });
  view.assign(new NDArray(memoryStorage(to), work.dtype, work.shape));
}

// ---------------------------------------------------------------------------
// Lanes.

/** Sorts the values of one contiguous native lane in place. */
function sortLane(
  lane: TypedArray,
  n: number,
  keying: Keying,
  scratch: Scratch,
): void {
  if (n < 2) return;
  const buf = lane.buffer, off = lane.byteOffset;
  switch (keying.family) {
    case "byte":
      return sortBytes(new Uint8Array(buf, off, n), keying.signed);
    case "short":
      return sortShorts(new Uint16Array(buf, off, n), keying, scratch);
    case "word":
      return sortWords(new Uint32Array(buf, off, n), n, 1, keying, scratch);
    case "long":
      return sortWords(new Uint32Array(buf, off, 2 * n), n, 2, keying, scratch);
    case "complex": {
      const t = lane as Float64Array;
      const order = scratch.get(PAY, n), tmp = scratch.get(TEMP_PAY, n);
      complexOrder(t, n, order, tmp);
      // Moved as words: a float32 through a JavaScript number would lose
      // a signaling NaN's bits.
      const size = 2 * t.BYTES_PER_ELEMENT / 4;
      const w = new Uint32Array(buf, off, size * n);
      const copy = w.slice();
      for (let i = 0; i < n; i++) {
        const from = size * order[i];
        for (let k = 0; k < size; k++) w[size * i + k] = copy[from + k];
      }
    }
  }
}

/** The order of one contiguous native lane (stable), into `order`. */
function orderLane(
  lane: TypedArray,
  n: number,
  keying: Keying,
  order: Uint32Array,
  scratch: Scratch,
): void {
  if (keying.family === "complex") {
    complexOrder(lane as Float64Array, n, order, scratch.get(TEMP_PAY, n));
    return;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return;
  const words = keying.family === "long" ? 2 : 1;
  const keys = scratch.get(KEYS, words * n);
  const buf = lane.buffer, off = lane.byteOffset;
  // Canonical keys: every NaN the largest key, -0 the key of +0.
  if (keying.family === "byte" || keying.family === "short") {
    const wide = keying.family === "short";
    const src = wide
      ? new Uint16Array(buf, off, n)
      : new Uint8Array(buf, off, n);
    const bits = wide ? 16 : 8;
    const sign = 1 << (bits - 1), full = (1 << bits) - 1;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (keying.float) {
        if ((v & 0x7c00) === 0x7c00 && (v & 0x03ff) !== 0) keys[i] = full + 1;
        else if ((v & (full ^ sign)) === 0) keys[i] = sign;
        else keys[i] = (v & sign) !== 0 ? ~v & full : v | sign;
      } else keys[i] = keying.signed ? v ^ sign : v;
    }
  } else {
    const w = new Uint32Array(buf, off, words * n);
    for (let i = 0; i < n; i++) {
      let hi = w[words * i + words - 1];
      let lo = words === 2 ? w[2 * i] : 0;
      if (keying.nat) {
        if (lo === 0) hi = (hi - 1) >>> 0;
        lo = (lo - 1) >>> 0;
      }
      let khi: number, klo = lo;
      if (keying.float) {
        const expMask = words === 1 ? 0x7f800000 : 0x7ff00000;
        const manMask = words === 1 ? 0x007fffff : 0x000fffff;
        if ((hi & expMask) === expMask && ((hi & manMask) !== 0 || lo !== 0)) {
          khi = 0xffffffff;
          klo = 0xffffffff;
        } else if ((hi & 0x7fffffff) === 0 && lo === 0) {
          khi = 0x80000000;
          klo = 0;
        } else if ((hi & 0x80000000) !== 0) {
          khi = ~hi;
          klo = ~lo;
        } else khi = hi | 0x80000000;
      } else khi = keying.signed ? hi ^ 0x80000000 : hi;
      keys[words * i + words - 1] = khi;
      if (words === 2) keys[2 * i] = klo;
    }
  }
  sortKeys(keys, order, n, words, scratch);
}

function open(a: NDArray): void {
  if (isDetached(a.storage)) throwClosed(a.storage);
}

/**
 * Whether `a`'s lanes along `axis` can be sorted where they are: not with a
 * `check` (a map's pages asked for up front, see `PageCheck`) when a lane
 * is more than {@linkcode CHECK_BYTES}, whose sort would read the map
 * unchecked for a long time (such lanes are sorted in a copy).
 */
function inPlace(a: NDArray, axis: number, check?: PageCheck): boolean {
  const unit = unitOf(a.dtype);
  if (check !== undefined && a.shape[axis] * a.itemsize > CHECK_BYTES) {
    return false;
  }
  return a.dtype.isNative && a.storage.release === undefined &&
    a.strides[axis] === a.itemsize &&
    (a.storage.bytes.byteOffset + a.byteOffset) % unit === 0 &&
    a.strides.every((s) => s % unit === 0);
}

/**
 * Calls `f` with the index of each lane's first element in `a`'s storage
 * buffer, in units of its type's components, lanes in C order of the
 * other axes; with a `check`, after the check (see `PageCheck`).
 */
function eachLane(
  a: NDArray,
  axis: number,
  f: (start: number) => void,
  check?: PageCheck,
): void {
  const bytes = a.shape[axis] * a.itemsize;
  const unit = unitOf(a.dtype);
  const shape = a.shape.filter((_, k) => k !== axis);
  const strides = a.strides.filter((_, k) => k !== axis).map((s) => s / unit);
  const count = shapeSize(shape);
  const idx = new Array<number>(shape.length).fill(0);
  let p = (a.storage.bytes.byteOffset + a.byteOffset) / unit;
  for (let i = 0; i < count; i++) {
    check?.before(bytes);
    f(p);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) {
        p += strides[k];
        break;
      }
      p -= (shape[k] - 1) * strides[k];
      idx[k] = 0;
    }
  }
}

/** A typed array of the type's components over the whole storage buffer. */
function partsOf(a: NDArray): TypedArray {
  const t = a.data;
  const Ctor = t.constructor as {
    new (b: ArrayBufferLike, o: number, n: number): TypedArray;
    BYTES_PER_ELEMENT: number;
  };
  return new Ctor(
    t.buffer,
    0,
    Math.floor(t.buffer.byteLength / Ctor.BYTES_PER_ELEMENT),
  );
}

/** Reverses the bytes of every `unit`-byte component. */
function swapUnits(bytes: Uint8Array, unit: number): void {
  if (unit === 1) return;
  for (let i = 0; i < bytes.length; i += unit) {
    for (let lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo];
      bytes[lo] = bytes[hi];
      bytes[hi] = t;
    }
  }
}

/**
 * A C-contiguous in-memory copy of `a` in native byte order, bit for bit
 * (a byte swap, not a conversion: signaling NaNs stay as they are), and a
 * function that writes it back into `a` the same way.
 */
function nativeCopy(a: NDArray): { work: NDArray; writeBack(): void } {
  const copy = castCopy(a, a.dtype);
  const unit = unitOf(a.dtype);
  if (!a.dtype.isNative) swapUnits(copy.storage.bytes, unit);
  const work = new NDArray(copy.storage, a.dtype.toNative(), copy.shape);
  return {
    work,
    writeBack() {
      if (!a.dtype.isNative) swapUnits(copy.storage.bytes, unit);
      castInto(a, copy);
    },
  };
}

/** Whether the type is bytes or text (sorted by code units). */
function isText(dt: DType): boolean {
  return dt.kind === "S" || dt.kind === "U";
}

/** `a` with `axis` moved last (a view; lanes in C order of the other axes). */
function axisLast(a: NDArray, axis: number): NDArray {
  const perm = a.shape.map((_, k) => k).filter((k) => k !== axis);
  return a.transpose(...perm, axis);
}

/**
 * Sorts `a` in place along `axis` (NumPy `ndarray.sort`, stable).
 *
 * @param a The array (writable).
 * @param axis The axis; default -1.
 */
export function sort(a: NDArray, axis: number = -1): void {
  const call = "sort";
  if (axis === null) {
    throw new TypeError(
      `Cannot ${call} along axis ${
        describe(axis)
      }: sort() sorts in place along one axis (use flatten().sort() for all)`,
    );
  }
  const ax = normalizeAxis(axis, a.ndim, call);
  const keying = isText(a.dtype) ? null : keyingOf(a.dtype, call);
  open(a);
  if (a.storage.readOnly) throwReadOnly(a.storage);
  // Sorts go through the whole array in an order of their own: the file
  // checked again before each lane.
  const check = prepareWhole(a, true);
  if (keying === null) {
    // Elements of no bytes are all equal: sorted as they are, whatever
    // their number.
    if (a.size === 0 || a.shape[ax] < 2 || a.itemsize === 0) return;
    if (a.shape[ax] > 0xffffffff) {
      throw new RangeError(
        `Cannot ${call} ${
          a.shape[ax]
        } elements along one axis: at most 2**32 - 1`,
      );
    }
    sortText(a, ax);
    return;
  }
  if (keying.nat) a = countsOf(a);
  const n = a.shape[ax];
  if (a.size === 0 || n < 2) return;
  const scratch = new Scratch();
  const parts = a.dtype.kind === "c" ? 2 : 1;
  if (inPlace(a, ax, check)) {
    const t = partsOf(a);
    eachLane(a, ax, (start) => {
      sortLane(t.subarray(start, start + n * parts), n, keying, scratch);
    }, check);
    return;
  }
  // Sorted in a native copy with the axis last, then written back.
  const { work, writeBack } = nativeCopy(axisLast(a, ax));
  const t = partsOf(work);
  const lanes = work.size / n;
  for (let l = 0; l < lanes; l++) {
    sortLane(
      t.subarray(l * n * parts, (l + 1) * n * parts),
      n,
      keying,
      scratch,
    );
  }
  writeBack();
}

/**
 * The indices that sort `a` along `axis` (NumPy `argsort`, stable), as
 * int64; `null` sorts the flattened array.
 *
 * @param a The array.
 * @param axis The axis; default -1; null for the flattened array.
 * @returns The indices, of `a`'s shape (1-D for `null` or a 0-d array).
 */
export function argsort(
  a: NDArray,
  axis: number | null = -1,
): NDArray<"int64"> {
  const call = "argsort";
  let src = a;
  let ax: number;
  if (axis === null || a.ndim === 0) {
    if (axis !== null) normalizeAxis(axis, 1, call);
    ax = 0;
    open(a);
    src = a.reshape(a.size);
  } else ax = normalizeAxis(axis, a.ndim, call);
  const keying = isText(a.dtype) ? null : keyingOf(a.dtype, call);
  open(a);
  const check = prepareWhole(a, false);
  if (keying?.nat) src = countsOf(src);
  const n = src.shape[ax];
  // The lane limit only counts when there are lanes: an array with no
  // elements orders to an empty array of its shape (attack13 C6).
  if (src.size !== 0 && n > 0xffffffff) {
    throw new RangeError(
      `Cannot ${call} ${n} elements along one axis: at most 2**32 - 1`,
    );
  }
  const out = emptyArray(src.shape, nativeDType("int64")) as NDArray<"int64">;
  if (src.size === 0) return out;
  const words = new Int32Array(out.storage.bytes.buffer);
  const step = out.strides[ax] / 4;
  const scratch = new Scratch();
  const order = new Uint32Array(n);
  const parts = a.dtype.kind === "c" ? 2 : 1;
  const write = (first: number) => {
    for (let i = 0, p = first; i < n; i++, p += step) words[p] = order[i];
  };
  const outStarts: number[] = [];
  eachLane(out, ax, (start) => outStarts.push(2 * start)); // int64: two words
  if (keying === null) {
    textOrders(axisLast(src, ax).copy(), n, (o, l) => {
      for (let i = 0, p = outStarts[l]; i < n; i++, p += step) words[p] = o[i];
    });
    return out;
  }
  let lane = 0;
  if (inPlace(src, ax, check)) {
    const t = partsOf(src);
    eachLane(src, ax, (start) => {
      orderLane(
        t.subarray(start, start + n * parts),
        n,
        keying,
        order,
        scratch,
      );
      write(outStarts[lane++]);
    }, check);
    return out;
  }
  const { work } = nativeCopy(axisLast(src, ax));
  const t = partsOf(work);
  const lanes = work.size / n;
  for (let l = 0; l < lanes; l++) {
    orderLane(
      t.subarray(l * n * parts, (l + 1) * n * parts),
      n,
      keying,
      order,
      scratch,
    );
    write(outStarts[l]);
  }
  return out;
}

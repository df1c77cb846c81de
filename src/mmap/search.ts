/**
 * Substring search over a map, by the fastest way for the range: up to
 * {@linkcode SEARCH_IN_WASM_BELOW} bytes in WebAssembly SIMD over chunk copies
 * (`scan.ts`), never a call into C; larger ranges with C `memchr` for the
 * needle's rarest byte, where the platform has it, comparing candidates in
 * TypeScript. Both fall back to a linear search (`memmem`) when candidates
 * are too many. Also the plain TypeScript searches (where WebAssembly SIMD
 * is missing), line ends, and Python's slice-index rules.
 *
 * @module
 */

import { sys } from "../ffi/platform.ts";
import type { Mapping } from "../ffi/sys.ts";
import { findChunked, findLastChunked, GAVE_UP } from "./scan.ts";

/** Ranges shorter than this are searched without a call into C. */
export const SEARCH_IN_WASM_BELOW = 1 << 20;

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);
let lastText: string | undefined;
let lastBytes: Uint8Array = scratch.subarray(0, 0);

/**
 * The bytes of a needle: a `Uint8Array` as it is, a string as UTF-8,
 * encoded into a reused buffer (valid until the next call) and remembered,
 * so that searching for the same string again costs no encoding.
 *
 * @param sub The needle.
 * @returns Its bytes.
 * @throws {TypeError} For anything else.
 */
export function needleBytes(sub: Uint8Array | string): Uint8Array {
  if (typeof sub === "string") {
    if (sub === lastText) return lastBytes;
    if (scratch.length < sub.length * 3) {
      scratch = new Uint8Array(sub.length * 3);
    }
    const { written } = encoder.encodeInto(sub, scratch);
    lastText = sub;
    lastBytes = scratch.subarray(0, written);
    return lastBytes;
  }
  if (sub instanceof Uint8Array) return sub;
  throw new TypeError(
    `Cannot search for ${typeof sub}: expected a Uint8Array or a string`,
  );
}

/**
 * How common a byte is in text and binary data: 0 rare (capitals,
 * punctuation, control and non-ASCII bytes), 1 digits and rarer lowercase
 * letters, 2 common lowercase letters, 3 the most common bytes.
 */
function commonness(b: number): number {
  if (b === 32 || b === 0 || b === 10 || b === 101 || b === 116) return 3;
  if (b >= 97 && b <= 122) {
    return "aoinsrhldcu".includes(String.fromCharCode(b)) ? 2 : 1;
  }
  if (b >= 48 && b <= 57) return 1;
  return 0;
}

/** The index of the needle's byte least likely to occur, the first of equals. */
function rarest(needle: Uint8Array): number {
  let best = 0;
  let rank = 4;
  for (let k = 0; k < needle.length && rank > 0; k++) {
    const r = commonness(needle[k]);
    if (r < rank) {
      rank = r;
      best = k;
    }
  }
  return best;
}

/** Whether `needle` occurs at `i` of `hay`. */
function equalAt(hay: Uint8Array, needle: Uint8Array, i: number): boolean {
  const n = needle.length;
  let j = 0;
  while (j < n && hay[i + j] === needle[j]) j++;
  return j === n;
}

/** C calls made before a search checks that candidates are rare enough for memchr. */
const CALLS_BEFORE_CHECK = 32;
/** Bytes each call must advance on average, or a linear search takes over. */
const BYTES_PER_CALL = 4096;

/**
 * First index of a non-empty `needle` in `hay[from, to)` of a map, or -1.
 *
 * @param hay The map's bytes.
 * @param mapping The mapping they view.
 * @param needle The needle (not empty, not longer than the range).
 * @param from First index (clamped).
 * @param to End index, exclusive (clamped).
 * @returns The index, or -1.
 */
export function findInMap(
  hay: Uint8Array,
  mapping: Mapping,
  needle: Uint8Array,
  from: number,
  to: number,
): number {
  if (to - from < SEARCH_IN_WASM_BELOW || sys.findByte === undefined) {
    const k = rarest(needle);
    const found = findChunked(
      hay,
      needle,
      from,
      to,
      commonness(needle[k]) === 0 ? k : -1,
    );
    if (found === undefined) return indexOfBytes(hay, needle, from, to);
    if (found !== GAVE_UP) return found;
    // A C library's memmem is linear; elsewhere (Windows) search in TypeScript.
    return sys.findByte === undefined
      ? indexOfLinear(hay, needle, from, to)
      : sys.find(mapping, needle, from, to);
  }
  const n = needle.length;
  const k = rarest(needle);
  const byte = needle[k];
  const last = to - n + k; // the rare byte of the last possible place
  let calls = 0;
  for (let i = from + k; i <= last;) {
    const p = sys.findByte(mapping, byte, i, last + 1);
    if (p < 0) return -1;
    if (equalAt(hay, needle, p - k)) return p - k;
    i = p + 1;
    if (
      ++calls >= CALLS_BEFORE_CHECK && i - from < calls * BYTES_PER_CALL
    ) return sys.find(mapping, needle, i - k, to);
  }
  return -1;
}

/**
 * Last index of a non-empty `needle` in `hay[from, to)` of a map, or -1.
 *
 * @param hay The map's bytes.
 * @param mapping The mapping they view.
 * @param needle The needle (not empty, not longer than the range).
 * @param from First index (clamped).
 * @param to End index, exclusive (clamped).
 * @returns The index, or -1.
 */
export function findLastInMap(
  hay: Uint8Array,
  mapping: Mapping,
  needle: Uint8Array,
  from: number,
  to: number,
): number {
  const n = needle.length;
  let end = to;
  if (to - from >= SEARCH_IN_WASM_BELOW && sys.findLastByte !== undefined) {
    const k = rarest(needle);
    const byte = needle[k];
    let calls = 0;
    // Rare-byte places p in [from + k, end - n + k], from the top down.
    for (let top = to - n + k;;) {
      if (top < from + k) return -1;
      const p = sys.findLastByte(mapping, byte, from + k, top + 1);
      if (p < 0) return -1;
      if (equalAt(hay, needle, p - k)) return p - k;
      top = p - 1;
      end = p - k + n - 1; // the places left all start before p - k
      if (++calls >= CALLS_BEFORE_CHECK && to - end < calls * BYTES_PER_CALL) {
        break; // candidates too many for one call each
      }
    }
  }
  const found = findLastChunked(hay, needle, from, end);
  if (found === undefined) return lastIndexOfBytes(hay, needle, from, end);
  return found === GAVE_UP ? lastIndexOfLinear(hay, needle, from, end) : found;
}

/**
 * First index of `needle` in `hay[from, to)` in linear time whatever the
 * bytes (Knuth-Morris-Pratt).
 *
 * @param hay The bytes.
 * @param needle A non-empty needle.
 * @param from First index.
 * @param to End index, exclusive.
 * @returns The index, or -1.
 */
export function indexOfLinear(
  hay: Uint8Array,
  needle: Uint8Array,
  from: number,
  to: number,
): number {
  const n = needle.length;
  // fail[j]: length of the longest proper border of needle's first j + 1 bytes
  const fail = new Int32Array(n);
  for (let j = 1, k = 0; j < n; j++) {
    while (k > 0 && needle[j] !== needle[k]) k = fail[k - 1];
    if (needle[j] === needle[k]) k++;
    fail[j] = k;
  }
  for (let i = from, k = 0; i < to; i++) {
    while (k > 0 && hay[i] !== needle[k]) k = fail[k - 1];
    if (hay[i] === needle[k]) k++;
    if (k === n) return i - n + 1;
  }
  return -1;
}

/**
 * Last index of `needle` in `hay[from, to)` in linear time whatever the
 * bytes (Knuth-Morris-Pratt over the needle and the range read backwards).
 *
 * @param hay The bytes.
 * @param needle A non-empty needle.
 * @param from First index.
 * @param to End index, exclusive.
 * @returns The index, or -1.
 */
export function lastIndexOfLinear(
  hay: Uint8Array,
  needle: Uint8Array,
  from: number,
  to: number,
): number {
  const n = needle.length;
  const last = n - 1;
  // fail[j]: length of the longest proper border of needle's last j + 1 bytes
  const fail = new Int32Array(n);
  for (let j = 1, k = 0; j < n; j++) {
    while (k > 0 && needle[last - j] !== needle[last - k]) k = fail[k - 1];
    if (needle[last - j] === needle[last - k]) k++;
    fail[j] = k;
  }
  for (let i = to - 1, k = 0; i >= from; i--) {
    while (k > 0 && hay[i] !== needle[last - k]) k = fail[k - 1];
    if (hay[i] === needle[last - k]) k++;
    if (k === n) return i;
  }
  return -1;
}

/**
 * First index of `needle` in `hay[start, end)`, or -1.
 *
 * @param hay The bytes searched.
 * @param needle A non-empty needle.
 * @param start First index (already clamped).
 * @param end End index, exclusive (already clamped).
 * @returns The index, or -1.
 */
export function indexOfBytes(
  hay: Uint8Array,
  needle: Uint8Array,
  start: number,
  end: number,
): number {
  const n = needle.length;
  const first = needle[0];
  const last = end - n;
  for (
    let i = hay.indexOf(first, start);
    i !== -1 && i <= last;
    i = hay.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

/**
 * The index just past the next `"\n"` at or after `pos`, or the length when
 * there is none. Scans four bytes at a time (`words` views the same bytes):
 * a word holds a newline when `x = word ^ 0x0a0a0a0a` has a zero byte, which
 * `(x - 0x01010101) & ~x & 0x80808080` tells exactly. Faster than
 * `indexOf`, whose call costs more than a typical line.
 *
 * @param bytes The bytes; `byteOffset` a multiple of 4.
 * @param words A `Uint32Array` over the same bytes (`bytes.length >>> 2` long).
 * @param pos Where to start.
 * @returns The end of the line.
 */
export function lineEnd(
  bytes: Uint8Array,
  words: Uint32Array,
  pos: number,
): number {
  const length = bytes.length;
  let q = pos;
  for (; (q & 3) !== 0; q++) {
    if (q >= length) return length;
    if (bytes[q] === 10) return q + 1;
  }
  const count = words.length;
  let w = q >>> 2;
  for (; w < count; w++) {
    const x = words[w] ^ 0x0a0a0a0a;
    if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
  }
  for (q = w << 2; q < length; q++) if (bytes[q] === 10) return q + 1;
  return length;
}

/**
 * Last index of `needle` in `hay[start, end)`, or -1.
 *
 * @param hay The bytes searched.
 * @param needle A non-empty needle.
 * @param start First index (already clamped).
 * @param end End index, exclusive (already clamped).
 * @returns The index, or -1.
 */
export function lastIndexOfBytes(
  hay: Uint8Array,
  needle: Uint8Array,
  start: number,
  end: number,
): number {
  const n = needle.length;
  const first = needle[0];
  const from = end - n;
  if (from < start) return -1;
  for (
    let i = hay.lastIndexOf(first, from);
    i >= start;
    i = hay.lastIndexOf(first, i - 1)
  ) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
    if (i === 0) break;
  }
  return -1;
}

/**
 * Clamps a Python-style index: negative counts from the end, then limited to
 * `0..length`.
 *
 * @param index The index; `undefined` gives `fallback`.
 * @param length The sequence length.
 * @param fallback Used when `index` is undefined (and clamped too).
 * @returns The clamped index.
 */
export function clampIndex(
  index: number | undefined,
  length: number,
  fallback: number,
): number {
  if (index === undefined) index = fallback;
  else if (index < 0) index += length;
  return index < 0 ? 0 : index > length ? length : index;
}

/** Start, step and count of a Python slice over a sequence. */
export interface SliceRange {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * Resolves Python slice bounds (`seq[start:end:step]`) against a length.
 *
 * @param length The sequence length.
 * @param start Slice start, or undefined/null.
 * @param end Slice end, or undefined/null.
 * @param step Slice step, or undefined/null for 1.
 * @returns The first index, the step and the number of items.
 * @throws {RangeError} When `step` is 0.
 */
export function sliceRange(
  length: number,
  start?: number | null,
  end?: number | null,
  step?: number | null,
): SliceRange {
  const s = step ?? 1;
  if (s === 0) {
    throw new RangeError("Cannot slice with step 0: step must not be zero");
  }
  let a: number, b: number;
  if (s > 0) {
    a = start == null
      ? 0
      : start < 0
      ? Math.max(start + length, 0)
      : Math.min(start, length);
    b = end == null
      ? length
      : end < 0
      ? Math.max(end + length, 0)
      : Math.min(end, length);
    return { start: a, step: s, count: b > a ? Math.ceil((b - a) / s) : 0 };
  }
  a = start == null
    ? length - 1
    : start < 0
    ? Math.max(start + length, -1)
    : Math.min(start, length - 1);
  b = end == null
    ? -1
    : end < 0
    ? Math.max(end + length, -1)
    : Math.min(end, length - 1);
  return { start: a, step: s, count: a > b ? Math.ceil((a - b) / -s) : 0 };
}

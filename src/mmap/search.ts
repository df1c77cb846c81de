/**
 * Byte search in plain TypeScript, for short ranges where an FFI call costs
 * more than the search, for `rfind` and for line ends. Also Python's
 * slice-index rules.
 *
 * @module
 */

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

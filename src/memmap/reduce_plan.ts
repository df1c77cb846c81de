/**
 * The order in which NumPy's reductions visit elements, which defines float
 * sums bit for bit (pairwise summation is exact only in NumPy's grouping).
 *
 * NumPy's reduction iterator drops axes of length 1, sorts the others by
 * stride magnitude (outermost first, C order among equals) and merges axes
 * that step through memory like one longer axis. It never flips negative
 * strides for reductions. Then:
 * - one axis left: the whole line is summed pairwise in one call (when no
 *   buffer is needed), or in pieces of 8192 elements (the buffer size) when
 *   the data must be copied first (byte-swapped, unaligned or cast data);
 * - an innermost axis longer than 8192: each line in one call (or in pieces
 *   of 8192 when buffered);
 * - otherwise the buffer holds as many whole blocks of the inner axes as
 *   fit in 8192 elements, along the next axis out, and each buffer is summed
 *   pairwise.
 * The results are added one after another into a sum that starts at +0.
 * Measured against NumPy 2.4 (tests/memmap/reduce_numpy_test.ts).
 *
 * @module
 */

/** One axis of an iteration: its length and byte stride. */
export interface Dim {
  /** Length. */
  n: number;
  /** Byte stride (may be negative). */
  s: number;
}

/** NumPy's buffer size, in elements. */
export const BUFFER = 8192;

function merge(dims: Dim[]): Dim[] {
  const merged: Dim[] = [];
  for (const d of dims) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.s === d.n * d.s) {
      last.n *= d.n;
      last.s = d.s;
    } else merged.push({ n: d.n, s: d.s });
  }
  return merged;
}

/**
 * NumPy's iteration axes for a reduction: outermost first, strides keep
 * their signs.
 *
 * @param shape The shape.
 * @param strides The byte strides.
 * @returns The axes (none for a single element).
 */
export function iterationDims(
  shape: readonly number[],
  strides: readonly number[],
): Dim[] {
  const dims = shape.map((n, k) => ({ n, s: strides[k], k }))
    .filter((d) => d.n !== 1)
    .sort((a, b) => Math.abs(b.s) - Math.abs(a.s) || a.k - b.k);
  return merge(dims);
}

/**
 * Memory order: negative strides flipped (the offset moves to the lowest
 * element), axes sorted and merged as {@linkcode iterationDims}. For
 * reductions whose result does not depend on the order.
 *
 * @param shape The shape.
 * @param strides The byte strides.
 * @param offset The byte offset of the first element.
 * @returns The axes and the offset of the lowest element.
 */
export function memoryDims(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): { dims: Dim[]; offset: number } {
  const flipped = strides.map((s, k) => {
    if (s < 0 && shape[k] > 1) offset += (shape[k] - 1) * s;
    return Math.abs(s);
  });
  return { dims: iterationDims(shape, flipped), offset };
}

/**
 * Calls `fn` with the offset of each index of `dims` (C order).
 *
 * @param dims The axes.
 * @param offset The offset of the first index.
 * @param fn Called per index.
 */
export function eachOffset(
  dims: readonly Dim[],
  offset: number,
  fn: (offset: number) => void,
): void {
  const nd = dims.length;
  if (nd === 0) {
    fn(offset);
    return;
  }
  if (nd === 1) {
    const { n, s } = dims[0];
    for (let i = 0; i < n; i++) fn(offset + i * s);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let off = offset;
  for (;;) {
    fn(off);
    let k = nd - 1;
    for (; k >= 0; k--) {
      off += dims[k].s;
      if (++idx[k] < dims[k].n) break;
      off -= dims[k].s * dims[k].n;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** What NumPy sums with one pairwise call: `dims` (C order) from `offset`. */
export interface Piece {
  /** Byte offset of the first element. */
  offset: number;
  /** The axes: one for a line, more for a buffer of whole blocks. */
  dims: Dim[];
  /** Number of elements. */
  count: number;
}

/**
 * The pieces of a float sum over `dims` from `offset`, in NumPy's order.
 *
 * @param dims The iteration axes ({@linkcode iterationDims}).
 * @param offset The byte offset of the first element.
 * @param buffered Whether NumPy copies the data into a buffer first.
 * @param fn Called for each piece, in order.
 */
export function eachPiece(
  dims: readonly Dim[],
  offset: number,
  buffered: boolean,
  fn: (piece: Piece) => void,
): void {
  const d = dims.length;
  if (d === 0) {
    fn({ offset, dims: [], count: 1 });
    return;
  }
  const inner = dims[d - 1];
  if (d === 1 || inner.n > BUFFER) {
    // Lines, whole or in pieces of the buffer's size.
    const step = buffered ? BUFFER : inner.n;
    eachOffset(dims.slice(0, d - 1), offset, (off) => {
      for (let i = 0; i < inner.n; i += step) {
        const count = Math.min(step, inner.n - i);
        fn({
          offset: off + i * inner.s,
          dims: [{ n: count, s: inner.s }],
          count,
        });
      }
    });
    return;
  }
  // Whole blocks of the inner axes, as many as fit, along axis j.
  let j = d - 1;
  let block = 1;
  while (j >= 0 && block * dims[j].n <= BUFFER) block *= dims[j--].n;
  if (j < 0) {
    fn({ offset, dims: dims.slice(), count: block });
    return;
  }
  const per = Math.floor(BUFFER / block);
  const innerDims = dims.slice(j + 1);
  const along = dims[j];
  eachOffset(dims.slice(0, j), offset, (off) => {
    for (let i = 0; i < along.n; i += per) {
      const m = Math.min(per, along.n - i);
      fn({
        offset: off + i * along.s,
        dims: [{ n: m, s: along.s }, ...innerDims],
        count: m * block,
      });
    }
  });
}

/**
 * `argmin`/`argmax` along an axis that is not the innermost in memory, in
 * row blocks: for each index along the axis, in ascending order, the
 * elements of the axes stepping through memory faster ("a row") are read in
 * memory order and folded into running first extremes, one per line. The
 * view is then read forward through memory (as NumPy's iterator reduces
 * over an outer axis), not line by line across it: a memory map's file is
 * read in order, so the check made after each MiB of work (see `PageCheck`)
 * covers the bytes read next, and each cache line is read once. The
 * results equal the line-by-line search's: each line's elements are taken
 * in the order of the axis (first extreme wins; the first NaN decides).
 *
 * @module
 */

import type { DType } from "./dtype.ts";
import { type DomainBuffer, newDomainBuffer, readRun } from "./element.ts";
import { CHECK_BYTES, type PageCheck } from "./read_ahead.ts";
import type { ReduceView } from "./reduce.ts";

/** Elements read at a time (as the line-by-line search reads a line). */
export const PIECE = 1 << 16;

/** Rows of at most this many elements are read a block of rows at a time. */
const NARROW = 256;

/** One axis of a row walk: its length, byte step and step in the output. */
interface Dim {
  n: number;
  s: number;
  o: number;
}

/**
 * Whether {@linkcode argRows} should search along `axis`: some other axis of
 * more than one element steps through memory by less (a line along `axis`
 * goes across the rows of memory), and a piece of a line read at a time
 * would span more than 2 MiB (narrower rows are read line by line: a piece
 * stays near the bytes read before, and that is faster for rows of a few
 * elements).
 */
export function rowsFirst(v: ReduceView, axis: number): boolean {
  const sa = Math.abs(v.strides[axis]);
  if (sa * PIECE <= 2 * CHECK_BYTES) return false;
  return v.shape.some((m, k) =>
    k !== axis && m > 1 && Math.abs(v.strides[k]) < sa
  );
}

/**
 * How a row walk along `axis` goes through a strided view: the rows (the
 * axes stepping through memory by less than `axis`, in memory order, the
 * last read as runs) and the blocks of lines (the other axes, in memory
 * order) they are read for.
 */
interface RowWalk {
  /** Length and byte step of the axis. */
  n: number;
  sa: number;
  /** Number of lines (the output's size). */
  size: number;
  /** Elements of a row (one of each line of a block). */
  m: number;
  /** The row's last axis (read as runs). */
  last: Dim;
  /** Runs of a row. */
  runs: number;
  /** Each run's byte offset in the row. */
  runOff: Float64Array;
  /** Where line `j` of a block goes in the output (before the block's offset). */
  map: Float64Array;
  /** The axes of the blocks, outer to inner, by memory order. */
  outer: Dim[];
  /** Byte offset and output offset of the first block. */
  base: number;
  obase: number;
}

/** The {@linkcode RowWalk} along `axis` of a view (outputs in C order of the other axes). */
function rowWalkOf(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  axis: number,
): RowWalk {
  const n = shape[axis];
  const sa = strides[axis];
  // Output steps (C order of the other axes).
  const ostep = new Array<number>(shape.length).fill(0);
  let size = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (k === axis) continue;
    ostep[k] = size;
    size *= shape[k];
  }
  let base = offset, obase = 0;
  const outer: Dim[] = [], inner: Dim[] = [];
  for (let k = 0; k < shape.length; k++) {
    if (k === axis || shape[k] === 1) continue;
    const d = { n: shape[k], s: strides[k], o: ostep[k] };
    // Every axis in memory order (their order does not change results).
    if (d.s < 0) {
      base += (d.n - 1) * d.s;
      obase += (d.n - 1) * d.o;
      d.s = -d.s;
      d.o = -d.o;
    }
    (d.s < Math.abs(sa) ? inner : outer).push(d);
  }
  outer.sort((a, b) => b.s - a.s);
  // Rows: the inner axes in memory order, the last read as runs.
  inner.sort((a, b) => b.s - a.s);
  const last = inner.length > 0
    ? inner[inner.length - 1]
    : { n: 1, s: 0, o: 0 };
  const lead = inner.slice(0, -1);
  let m = 1;
  for (const d of inner) m *= d.n;
  // Each run of a row: its byte offset in the row and where it goes in the output.
  const runs = m / last.n;
  const runOff = new Float64Array(runs);
  const map = new Float64Array(m);
  const idx = new Array<number>(lead.length).fill(0);
  for (let r = 0; r < runs; r++) {
    let off = 0, o = 0;
    for (let q = 0; q < lead.length; q++) {
      off += idx[q] * lead[q].s;
      o += idx[q] * lead[q].o;
    }
    runOff[r] = off;
    for (let c = 0; c < last.n; c++) map[r * last.n + c] = o + c * last.o;
    for (let q = lead.length - 1; q >= 0; q--) {
      if (++idx[q] < lead[q].n) break;
      idx[q] = 0;
    }
  }
  return { n, sa, size, m, last, runs, runOff, map, outer, base, obase };
}

/**
 * Calls `block(offset, outputOffset)` for each block of lines of a row
 * walk, in memory order.
 */
function eachBlock(
  w: RowWalk,
  block: (offset: number, outputOffset: number) => void,
): void {
  const outer = w.outer;
  const oidx = new Array<number>(outer.length).fill(0);
  let off = w.base, ob = w.obase;
  for (;;) {
    block(off, ob);
    let q = outer.length - 1;
    for (; q >= 0; q--) {
      off += outer[q].s;
      ob += outer[q].o;
      if (++oidx[q] < outer[q].n) break;
      off -= outer[q].s * outer[q].n;
      ob -= outer[q].o * outer[q].n;
      oidx[q] = 0;
    }
    if (q < 0) break;
  }
}

/**
 * The first extreme along `axis` of each line, in C order of the other
 * axes (int64 indices), read in row blocks.
 *
 * @param v The view (the axis not empty).
 * @param kind `"min"` or `"max"`.
 * @param axis The axis.
 * @param type The type values are read in (float64, a 64-bit integer type or complex128).
 * @returns The indices.
 */
export function argRows(
  v: ReduceView,
  kind: "min" | "max",
  axis: number,
  type: DType,
): BigInt64Array {
  const w = rowWalkOf(v.shape, v.strides, v.offset, axis);
  const { n, sa, m, last, runs, runOff, map } = w;
  const out = new BigInt64Array(w.size);
  if (w.size === 0) return out;
  const fold = new Fold(kind, type, m);
  // Narrow rows: a block of rows at a time, each line's part read whole.
  const block = m <= NARROW ? Math.max(1, Math.floor(PIECE / m)) : 1;
  const buf = newDomainBuffer(type, m * block);
  eachBlock(w, (off, ob) => {
    fold.reset();
    for (let i = 0; i < n; i += block) {
      const at = off + i * sa;
      if (block > 1) {
        const b = Math.min(block, n - i);
        for (let r = 0; r < runs; r++) {
          for (let c = 0; c < last.n; c++) {
            const j = r * last.n + c;
            readRun(v.io, at + runOff[r] + c * last.s, sa, b, buf, type, j * b);
          }
        }
        if (!fold.feedBlock(buf, i, b)) break;
        continue;
      }
      for (let r = 0; r < runs; r++) {
        readRun(v.io, at + runOff[r], last.s, last.n, buf, type, r * last.n);
      }
      if (!fold.feed(buf, i)) break;
    }
    fold.store(out, map, ob);
  });
  return out;
}

/**
 * {@linkcode argRows} of bytes or text, compared by `cmp` (three-way, of
 * two elements' byte offsets): each row is gone through in memory order
 * (a line's element replaces its running extreme only when greater, or
 * less, so the first extreme wins), with a `check` (a map's pages asked
 * for up front, see `PageCheck`) before each row.
 *
 * @param shape The view's shape (the axis not empty).
 * @param strides Its byte strides.
 * @param offset Its first element's byte offset.
 * @param itemsize Bytes per element.
 * @param kind `"min"` or `"max"`.
 * @param axis The axis.
 * @param cmp The comparison.
 * @param check The check, if any.
 * @returns The indices.
 */
export function itemArgRows(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  itemsize: number,
  kind: "min" | "max",
  axis: number,
  cmp: (p: number, q: number) => number,
  check?: PageCheck,
): BigInt64Array {
  const w = rowWalkOf(shape, strides, offset, axis);
  const { n, sa, m, last, runs, runOff, map } = w;
  const out = new BigInt64Array(w.size);
  if (w.size === 0) return out;
  const sign = kind === "min" ? -1 : 1;
  const best = new Float64Array(m), index = new Float64Array(m);
  eachBlock(w, (off, ob) => {
    for (let i = 0; i < n; i++) {
      check?.before(m * itemsize);
      const at = off + i * sa;
      for (let r = 0, j = 0; r < runs; r++) {
        for (let c = 0, p = at + runOff[r]; c < last.n; c++, j++) {
          if (i === 0 || sign * cmp(p, best[j]) > 0) {
            best[j] = p;
            index[j] = i;
          }
          p += last.s;
        }
      }
    }
    for (let j = 0; j < m; j++) out[ob + map[j]] = BigInt(index[j]);
  });
  return out;
}

/** Running first extremes of `m` lines, fed a row (one element of each) at a time. */
class Fold {
  readonly #max: boolean;
  readonly #complex: boolean;
  readonly #best: DomainBuffer;
  readonly #index: Float64Array;
  /** 1 where a NaN decided the line. */
  readonly #done: Uint8Array;
  #open = 0;

  constructor(kind: "min" | "max", type: DType, m: number) {
    this.#max = kind === "max";
    this.#complex = type.kind === "c";
    this.#best = newDomainBuffer(type, m);
    this.#index = new Float64Array(m);
    this.#done = new Uint8Array(m);
  }

  /** Starts new lines. */
  reset(): void {
    this.#index.fill(0);
    this.#done.fill(0);
    this.#open = this.#index.length;
  }

  /** Stores the indices at `ob + map[j]`. */
  store(out: BigInt64Array, map: Float64Array, ob: number): void {
    const index = this.#index;
    for (let j = 0; j < index.length; j++) out[ob + map[j]] = BigInt(index[j]);
  }

  /**
   * Takes in rows `i0` to `i0 + b` (line `j`'s `b` elements at `j * b`);
   * returns false once every line is decided (NaNs).
   */
  feedBlock(x: DomainBuffer, i0: number, b: number): boolean {
    const best = this.#best, index = this.#index, done = this.#done;
    const m = index.length, max = this.#max;
    for (let j = 0; j < m; j++) {
      if (done[j] === 1) continue;
      let k = 0;
      if (i0 === 0) {
        k = 1;
        if (this.#complex) {
          const t = x as Float64Array, bb = best as Float64Array;
          bb[2 * j] = t[2 * j * b];
          bb[2 * j + 1] = t[2 * j * b + 1];
          if (bb[2 * j] !== bb[2 * j] || bb[2 * j + 1] !== bb[2 * j + 1]) {
            this.#decide(j, 0);
            continue;
          }
        } else {
          best[j] = x[j * b];
          if (best[j] !== best[j]) {
            this.#decide(j, 0);
            continue;
          }
        }
      }
      if (this.#complex) {
        const t = x as Float64Array, bb = best as Float64Array;
        let br = bb[2 * j], bi = bb[2 * j + 1];
        for (; k < b; k++) {
          const r = t[2 * (j * b + k)], im = t[2 * (j * b + k) + 1];
          const beats = max
            ? (r > br || (r === br && im > bi))
            : (r < br || (r === br && im < bi));
          if (beats || r !== r || im !== im) {
            br = r;
            bi = im;
            index[j] = i0 + k;
            if (r !== r || im !== im) {
              this.#decide(j, i0 + k);
              break;
            }
          }
        }
        bb[2 * j] = br;
        bb[2 * j + 1] = bi;
      } else if (best instanceof Float64Array) {
        const t = x as Float64Array;
        let y0 = best[j];
        if (max) {
          for (; k < b; k++) {
            const y = t[j * b + k];
            if (y > y0) {
              y0 = y;
              index[j] = i0 + k;
            } else if (y !== y) {
              this.#decide(j, i0 + k);
              break;
            }
          }
        } else {
          for (; k < b; k++) {
            const y = t[j * b + k];
            if (y < y0) {
              y0 = y;
              index[j] = i0 + k;
            } else if (y !== y) {
              this.#decide(j, i0 + k);
              break;
            }
          }
        }
        best[j] = y0;
      } else {
        const t = x as BigInt64Array, bb = best as BigInt64Array;
        let y0 = bb[j];
        for (; k < b; k++) {
          const y = t[j * b + k];
          if (max ? y > y0 : y < y0) {
            y0 = y;
            index[j] = i0 + k;
          }
        }
        bb[j] = y0;
      }
    }
    return this.#open > 0;
  }

  #decide(j: number, i: number): void {
    this.#index[j] = i;
    this.#done[j] = 1;
    this.#open--;
  }

  /** Takes in row `i`; returns false once every line is decided (NaNs). */
  feed(x: DomainBuffer, i: number): boolean {
    const best = this.#best, index = this.#index, done = this.#done;
    const m = index.length;
    if (i === 0) {
      best.set(x as never);
      if (this.#complex || best instanceof Float64Array) {
        const t = x as Float64Array, w = this.#complex ? 2 : 1;
        for (let j = 0; j < m; j++) {
          if (t[w * j] !== t[w * j] || t[w * j + w - 1] !== t[w * j + w - 1]) {
            done[j] = 1;
            this.#open--;
          }
        }
      }
      return this.#open > 0;
    }
    const max = this.#max;
    if (this.#complex) {
      const t = x as Float64Array, b = best as Float64Array;
      for (let j = 0; j < m; j++) {
        if (done[j] === 1) continue;
        const r = t[2 * j], im = t[2 * j + 1];
        const br = b[2 * j], bi = b[2 * j + 1];
        const beats = max
          ? (r > br || (r === br && im > bi))
          : (r < br || (r === br && im < bi));
        if (beats || r !== r || im !== im) {
          b[2 * j] = r;
          b[2 * j + 1] = im;
          index[j] = i;
          if (r !== r || im !== im) {
            done[j] = 1;
            this.#open--;
          }
        }
      }
    } else if (best instanceof Float64Array) {
      const t = x as Float64Array;
      if (max) {
        for (let j = 0; j < m; j++) {
          const y = t[j];
          if (y > best[j]) {
            if (done[j] === 0) {
              best[j] = y;
              index[j] = i;
            }
          } else if (y !== y && done[j] === 0) {
            index[j] = i;
            done[j] = 1;
            this.#open--;
          }
        }
      } else {
        for (let j = 0; j < m; j++) {
          const y = t[j];
          if (y < best[j]) {
            if (done[j] === 0) {
              best[j] = y;
              index[j] = i;
            }
          } else if (y !== y && done[j] === 0) {
            index[j] = i;
            done[j] = 1;
            this.#open--;
          }
        }
      }
    } else {
      const t = x as BigInt64Array, b = best as BigInt64Array;
      for (let j = 0; j < m; j++) {
        const y = t[j];
        if (max ? y > b[j] : y < b[j]) {
          b[j] = y;
          index[j] = i;
        }
      }
    }
    return this.#open > 0;
  }
}

/**
 * Walking one or more strided operands of the same (broadcast) shape in
 * runs: the building block of copies, assignment, arithmetic and
 * reductions. Walks can follow the memory order of the first operand and
 * release finished windows of it (for memory maps larger than RAM).
 *
 * @module
 */

import { CHECK_BYTES, PageCheck } from "./read_ahead.ts";

/** Byte offset and byte strides of one operand. */
export interface Operand {
  /** Byte offset of element `[0, 0, ...]`. */
  offset: number;
  /** Byte step per axis (0 on broadcast axes). */
  strides: readonly number[];
  /**
   * The operand's windows (memory maps; see `operandOf` in `storage.ts`),
   * which take the place of the options' `release`/`prefetch` (first
   * operand) or `others` entry.
   */
  windows?: OperandWindows;
  /** Bytes per element, where known (see {@linkcode WalkOptions.bytesOnly}). */
  itemsize?: number;
}

/** Options of {@linkcode walk}. */
export interface WalkOptions {
  /**
   * Visit elements in the first operand's memory order (axes sorted by
   * stride, negative strides flipped) instead of C order. Only for
   * operations where the order does not matter.
   */
  memoryOrder?: boolean;
  /** Longest run handed to the callback, in elements. */
  maxRun?: number;
  /** Called with finished byte ranges of the first operand, at least `window` bytes at a time. */
  release?: (byteStart: number, byteLength: number) => void;
  /** Called with the byte range of the first operand's next window before it is walked (read-ahead). */
  prefetch?: (byteStart: number, byteLength: number) => void;
  /** Size of released windows in bytes. */
  window?: number;
  /** Item size of the first operand, for the end of its last run. */
  itemsize?: number;
  /**
   * Walk in square tiles of the inner axis and the axis another operand
   * steps through fastest, when they differ (a transposed operand): each
   * tile's elements stay in the caches. Only without windows, and only for
   * operations where the order does not matter.
   */
  tile?: boolean;
  /**
   * Windows of the other operands (index `k - 1` for operand `k`), released
   * and prepared as the first operand's are. An operand the walk does not go
   * through in ascending memory order (reversed, transposed) has its whole
   * span prepared before the walk starts, a window at a time (and released
   * again when its `release` is set).
   */
  others?: readonly (OperandWindows | undefined)[];
  /**
   * The callback does nothing but move or change the operands' own bytes
   * (copies, assignment, fills): where every operand's elements hold no
   * bytes (`itemsize` 0: `V0`, `S0`, `U0`, records of no bytes) there is
   * nothing to do, and the walk returns at once, whatever the number of
   * elements (a `V0` array of 2**50 elements is read from 128 bytes).
   */
  bytesOnly?: boolean;
}

/** Release and read-ahead hooks of one operand (see {@linkcode WalkOptions}). */
export interface OperandWindows {
  /** Called with finished byte ranges, at least a window at a time. */
  release?: (byteStart: number, byteLength: number) => void;
  /** Called with the byte range of the next window before it is walked. */
  prefetch?: (byteStart: number, byteLength: number) => void;
  /**
   * Checks that every page can still be reached (the storage's `verify`):
   * called again as the walk goes through an operand whose windows were
   * all prepared up front (see `PageCheck` in `storage.ts`).
   */
  verify?: () => void;
  /** The operand's item size. */
  itemsize: number;
}

/** The windows of one operand as a walk goes through it. */
class Windows {
  readonly #hooks: OperandWindows;
  readonly #window: number;
  readonly #limit: number;
  #released: number;
  #end: number;
  /** Bytes below this were asked for (`prefetch`). */
  #prepared: number;
  #didRelease = false;
  /** The file checked again within a window (see `PageCheck`). */
  readonly #check: PageCheck | undefined;

  constructor(
    hooks: OperandWindows,
    window: number,
    start: number,
    span: number,
  ) {
    this.#hooks = hooks;
    this.#window = window;
    this.#released = this.#end = this.#prepared = start;
    this.#limit = start + span + hooks.itemsize;
    this.#check = hooks.verify === undefined
      ? undefined
      : new PageCheck(hooks.verify);
  }

  /**
   * Asks for the pages of a run from `first` with `count` elements `stride`
   * bytes apart before it is walked, a window at a time: no run touches a
   * page that was not asked for, wherever it ends (a run that stops just
   * short of a window's end is followed by one that starts in the next).
   */
  prepare(first: number, count: number, stride: number): void {
    const prefetch = this.#hooks.prefetch;
    if (prefetch === undefined) return;
    const end = first + (count - 1) * stride + this.#hooks.itemsize;
    if (end <= this.#prepared) {
      // A run in a window asked for already: the file is checked again
      // after each MiB of work in it (a cut while the window is walked).
      this.#check?.before(count * this.#hooks.itemsize);
      return;
    }
    let from = Math.max(first, this.#prepared);
    while (from < end) {
      const length = Math.min(this.#window, this.#limit - from);
      if (length <= 0) break;
      prefetch(from, length);
      from += length;
    }
    this.#prepared = from;
    this.#check?.asked(count * this.#hooks.itemsize);
  }

  /** Notes a run from `first` with `count` elements `stride` bytes apart (walked). */
  advance(first: number, count: number, stride: number): void {
    this.#end = first + (count - 1) * stride + this.#hooks.itemsize;
    if (this.#end - this.#released < this.#window) return;
    const release = this.#hooks.release;
    if (release !== undefined) {
      release(this.#released, this.#end - this.#released);
      this.#didRelease = true;
    }
    this.#released = this.#end;
  }

  /** Releases the last window (when earlier ones were released). */
  finish(): void {
    const release = this.#hooks.release;
    if (
      release !== undefined && this.#didRelease && this.#end > this.#released
    ) {
      release(this.#released, this.#end - this.#released);
    }
  }
}

/**
 * Whether a walk over `dims` (outer to inner) visits operand `k` in
 * ascending memory order, each element once (an operand broadcast along an
 * outer axis is gone through again for each of its steps).
 */
function ascending(
  dims: readonly { n: number; s: number[] }[],
  k: number,
): boolean {
  let inner = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    const s = dims[d].s[k];
    if (s < 0 || (dims[d].n > 1 && (s !== 0 ? s < inner : inner > 0))) {
      return false;
    }
    inner += (dims[d].n - 1) * s;
  }
  return true;
}

/**
 * Prepares (and, with a `release` hook, releases again) every window of an
 * operand's span before a walk that goes through it out of order: its pages
 * are then known to be there (or the error is thrown) before any is touched.
 */
export function prepareAhead(
  hooks: OperandWindows,
  window: number,
  start: number,
  span: number,
): void {
  if (hooks.prefetch === undefined) return;
  const limit = start + span + hooks.itemsize;
  for (let at = start; at < limit; at += window) {
    const length = Math.min(window, limit - at);
    hooks.prefetch(at, length);
    hooks.release?.(at, length);
  }
}

/**
 * The operand whose memory order a walk in memory order follows: the
 * first, unless the first has no windows (the library's own memory) and
 * another is a map checked as it is read (`verify` and `prefetch`) with a
 * step on every axis, and the walk is not tiled: that one is then read
 * forward, a window at a time
 * and checked within each (a transposed or reversed map read against the
 * first operand's order was asked for whole up front and went across the
 * file between two checks: a cut of the part not reached yet faulted).
 */
function orderOperand(
  operands: readonly Operand[],
  dims: readonly { n: number; s: number[] }[],
  options: WalkOptions,
): number {
  if (
    operands[0].windows !== undefined || options.release !== undefined ||
    options.prefetch !== undefined
  ) return 0;
  if (options.tile) {
    // A tiled walk reads a transposed map a band of tiles at a time,
    // forward within each band: it stays.
    const byFirst = dims.map((d) => ({ n: d.n, s: d.s.map(Math.abs) }))
      .filter((d) => d.n !== 1)
      .sort((a, b) => b.s[0] - a.s[0]);
    if (tileAxis(byFirst) >= 0) return 0;
  }
  for (let k = 1; k < operands.length; k++) {
    const h = operands[k].windows ?? options.others?.[k - 1];
    if (h?.verify === undefined || h.prefetch === undefined) continue;
    if (dims.every((d) => d.n === 1 || d.s[k] !== 0)) return k;
  }
  return 0;
}

/** Default number of elements per run. */
export const RUN = 8192;
/** Default window released by walks over memory maps: 16 MiB. */
export const WINDOW: number = 16 * 1024 * 1024;

/**
 * Calls `fn(offsets, count, strides)` for every run of elements, where
 * `offsets[k]` is the byte offset of the run's first element in operand `k`
 * and `strides[k]` its byte step. The arrays passed are reused between calls.
 */
export function walk(
  shape: readonly number[],
  operands: readonly Operand[],
  fn: (offsets: number[], count: number, strides: number[]) => void,
  options: WalkOptions = {},
): void {
  const nops = operands.length;
  if (options.bytesOnly === true && operands.every((o) => o.itemsize === 0)) {
    return;
  }
  let dims = shape.map((n, k) => ({ n, s: operands.map((o) => o.strides[k]) }));
  if (dims.some((d) => d.n === 0)) return;
  const base = operands.map((o) => o.offset);
  dims = dims.filter((d) => d.n !== 1);
  if (options.memoryOrder) {
    const by = orderOperand(operands, dims, options);
    for (const d of dims) {
      if (d.s[by] < 0) {
        for (let k = 0; k < nops; k++) {
          base[k] += (d.n - 1) * d.s[k];
          d.s[k] = -d.s[k];
        }
      }
    }
    dims = dims
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (b.d.s[by] - a.d.s[by]) || (a.i - b.i))
      .map((x) => x.d);
  }
  // Merge axes that step through memory like one longer axis in every operand.
  const merged: { n: number; s: number[] }[] = [];
  for (const d of dims) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.s.every((s, k) => s === d.n * d.s[k])) {
      last.n *= d.n;
      last.s = d.s.slice();
    } else merged.push({ n: d.n, s: d.s.slice() });
  }
  if (merged.length === 0) merged.push({ n: 1, s: new Array(nops).fill(0) });
  const nd = merged.length;
  const inner = merged[nd - 1];
  const outer = merged.slice(0, nd - 1);
  // The windowed operands: the first (when it has hooks) and the others
  // that the walk goes through in ascending memory order.
  const window = options.window ?? WINDOW;
  const windows: (Windows | undefined)[] = new Array(nops).fill(undefined);
  const hooks: (OperandWindows | undefined)[] = [
    options.release !== undefined || options.prefetch !== undefined
      ? {
        release: options.release,
        prefetch: options.prefetch,
        itemsize: options.itemsize ?? 1,
      }
      : undefined,
    ...(options.others ?? []),
  ];
  let maxRun = options.maxRun ?? RUN;
  const checks: { check: PageCheck; itemsize: number; k: number }[] = [];
  for (let k = 0; k < nops; k++) {
    const h = operands[k].windows ?? hooks[k];
    if (h === undefined) continue;
    let span = 0, low = base[k];
    for (const d of merged) {
      span += (d.n - 1) * Math.abs(d.s[k]);
      if (d.s[k] < 0) low += (d.n - 1) * d.s[k];
    }
    if (!ascending(merged, k)) {
      prepareAhead(h, window, low, span);
      // Its pages were asked for up front: the file is checked again as
      // the walk goes through them (a cut while the walk runs).
      if (h.verify !== undefined) {
        checks.push({
          check: new PageCheck(h.verify),
          itemsize: h.itemsize,
          k,
        });
        // A run is at most one check's work.
        maxRun = Math.min(maxRun, CHECK_BYTES / Math.max(1, h.itemsize));
      }
      continue;
    }
    windows[k] = new Windows(h, window, base[k], span);
    // A run never spans more than one window of a windowed operand, nor
    // more than one check's work where the file is checked within windows.
    const step = Math.abs(inner.s[k]);
    if (step > 0) maxRun = Math.min(maxRun, Math.floor(window / step));
    if (h.verify !== undefined && h.prefetch !== undefined) {
      maxRun = Math.min(maxRun, CHECK_BYTES / Math.max(1, h.itemsize));
    }
  }
  const windowed = windows.some((w) => w !== undefined);
  const across = options.tile && !windowed ? tileAxis(merged) : -1;
  // An operand checked as it is read out of its memory order, walked in
  // runs (not tiles: a band of tiles goes forward through it): a run is
  // at most a check's span of it, and counts as its span, so that the
  // walk reads no more than a MiB of the file past a check (a transposed
  // map walked in C order read a column across the whole file between
  // two checks: a cut of a part not reached yet faulted; attack14).
  const span = checks.map(({ itemsize, k }) =>
    across >= 0 ? itemsize : Math.max(itemsize, Math.abs(inner.s[k]))
  );
  for (const bytes of span) {
    maxRun = Math.min(maxRun, CHECK_BYTES / Math.max(1, bytes));
  }
  maxRun = Math.max(1, Math.floor(maxRun));
  if (checks.length > 0) {
    const body = fn;
    fn = (offsets, count, strides) => {
      for (let i = 0; i < checks.length; i++) {
        checks[i].check.before(count * span[i]);
      }
      body(offsets, count, strides);
    };
  }
  if (across >= 0) {
    walkTiles(merged, across, base, fn);
    return;
  }
  const offs = base.slice();
  const innerStrides = inner.s.slice();
  const idx = new Array<number>(outer.length).fill(0);
  const cur = base.slice();
  for (;;) {
    for (let start = 0; start < inner.n; start += maxRun) {
      const count = Math.min(maxRun, inner.n - start);
      for (let k = 0; k < nops; k++) offs[k] = cur[k] + start * inner.s[k];
      if (windowed) {
        for (let k = 0; k < nops; k++) {
          windows[k]?.prepare(offs[k], count, inner.s[k]);
        }
      }
      fn(offs, count, innerStrides);
      if (windowed) {
        for (let k = 0; k < nops; k++) {
          windows[k]?.advance(cur[k] + start * inner.s[k], count, inner.s[k]);
        }
      }
    }
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      idx[k]++;
      for (let q = 0; q < nops; q++) cur[q] += outer[k].s[q];
      if (idx[k] < outer[k].n) break;
      for (let q = 0; q < nops; q++) cur[q] -= outer[k].s[q] * outer[k].n;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
  for (const w of windows) w?.finish();
}

/** Side of the square tiles of a tiled walk, in elements. */
const TILE = 64;

/**
 * The axis (of `dims`, outer to inner) along which some operand other than
 * the first steps through memory fastest, when that is not the inner axis
 * and both are long enough to tile; else -1.
 */
function tileAxis(dims: readonly { n: number; s: number[] }[]): number {
  const last = dims.length - 1;
  if (last < 1 || dims[last].n < 2 * TILE) return -1;
  for (let k = 1; k < dims[0].s.length; k++) {
    let best = last;
    for (let d = 0; d < last; d++) {
      const s = Math.abs(dims[d].s[k]);
      if (s !== 0 && dims[d].n >= 2 * TILE && s < Math.abs(dims[best].s[k])) {
        best = d;
      }
    }
    if (best !== last) return best;
  }
  return -1;
}

/** {@linkcode walk} in square tiles of the inner axis and axis `across`. */
function walkTiles(
  dims: readonly { n: number; s: number[] }[],
  across: number,
  base: number[],
  fn: (offsets: number[], count: number, strides: number[]) => void,
): void {
  const nops = base.length;
  const inner = dims[dims.length - 1];
  const cross = dims[across];
  const outer = dims.filter((_, d) => d !== across && d !== dims.length - 1);
  const idx = new Array<number>(outer.length).fill(0);
  const cur = base.slice();
  const offs = base.slice();
  const innerStrides = inner.s.slice();
  for (;;) {
    for (let jb = 0; jb < cross.n; jb += TILE) {
      const jEnd = Math.min(cross.n, jb + TILE);
      for (let ib = 0; ib < inner.n; ib += TILE) {
        const count = Math.min(TILE, inner.n - ib);
        for (let j = jb; j < jEnd; j++) {
          for (let k = 0; k < nops; k++) {
            offs[k] = cur[k] + j * cross.s[k] + ib * inner.s[k];
          }
          fn(offs, count, innerStrides);
        }
      }
    }
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      idx[k]++;
      for (let q = 0; q < nops; q++) cur[q] += outer[k].s[q];
      if (idx[k] < outer[k].n) break;
      for (let q = 0; q < nops; q++) cur[q] -= outer[k].s[q] * outer[k].n;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
}

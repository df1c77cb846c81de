/**
 * Walking one or more strided operands of the same (broadcast) shape in
 * runs: the building block of copies, assignment, arithmetic and
 * reductions. Walks can follow the memory order of the first operand and
 * release finished windows of it (for memory maps larger than RAM).
 *
 * @module
 */

/** Byte offset and byte strides of one operand. */
export interface Operand {
  /** Byte offset of element `[0, 0, ...]`. */
  offset: number;
  /** Byte step per axis (0 on broadcast axes). */
  strides: readonly number[];
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
  let dims = shape.map((n, k) => ({ n, s: operands.map((o) => o.strides[k]) }));
  if (dims.some((d) => d.n === 0)) return;
  const base = operands.map((o) => o.offset);
  dims = dims.filter((d) => d.n !== 1);
  if (options.memoryOrder) {
    for (const d of dims) {
      if (d.s[0] < 0) {
        for (let k = 0; k < nops; k++) {
          base[k] += (d.n - 1) * d.s[k];
          d.s[k] = -d.s[k];
        }
      }
    }
    dims = dims
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (b.d.s[0] - a.d.s[0]) || (a.i - b.i))
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
  // The bytes of the first operand the walk spans, from its lowest to its
  // highest element.
  let span = 0;
  for (const d of merged) span += (d.n - 1) * Math.abs(d.s[0]);
  const release = options.release;
  const prefetch = options.prefetch;
  const windowed = release !== undefined || prefetch !== undefined;
  // When windowed, a run never spans more than one window of the first operand.
  const step0 = Math.abs(inner.s[0]);
  const maxRun = Math.max(
    1,
    Math.min(
      options.maxRun ?? RUN,
      windowed && step0 > 0
        ? Math.floor((options.window ?? WINDOW) / step0)
        : Infinity,
    ),
  );
  const offs = base.slice();
  const innerStrides = inner.s.slice();
  const idx = new Array<number>(outer.length).fill(0);
  const cur = base.slice();
  const window = options.window ?? WINDOW;
  const isz = options.itemsize ?? 1;
  let released = base[0];
  let didRelease = false;
  let end = base[0];
  prefetch?.(base[0], Math.min(window, span + isz));
  for (;;) {
    for (let start = 0; start < inner.n; start += maxRun) {
      const count = Math.min(maxRun, inner.n - start);
      for (let k = 0; k < nops; k++) offs[k] = cur[k] + start * inner.s[k];
      const first = offs[0];
      fn(offs, count, innerStrides);
      if (windowed) {
        end = first + (count - 1) * innerStrides[0] + isz;
        if (end - released >= window) {
          if (release !== undefined) {
            release(released, end - released);
            didRelease = true;
          }
          released = end;
          prefetch?.(end, Math.min(window, base[0] + span + isz - end));
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
  if (release !== undefined && didRelease && end > released) {
    release(released, end - released);
  }
}

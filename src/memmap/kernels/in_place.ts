/**
 * Runs the SIMD kernels of `reduce_floats.ts` over data shown in place: a
 * window of a memory map's file at a time is mapped into the kernels'
 * `WebAssembly.Memory` (`Sys.overlay`), reduced there, and the memory is
 * given zero pages back afterwards, also when something fails. Each driver
 * returns how much it did, so that the caller does the rest in TypeScript
 * from the same boundary and the result never depends on the path.
 *
 * @module
 */

import type { OverlayTarget } from "../../ffi/sys.ts";
import {
  type Extreme,
  type FloatSize,
  kernelsModule,
  RUN_LENGTH,
  SCRATCH_END,
} from "./reduce_floats.ts";

/** Bytes of the file shown at a time. */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** Memory layout: the kernels' scratch, results at 4096, the overlay from 64 KiB, column sums after it. */
const OUT_AT = Math.max(4096, SCRATCH_END);
const REGION_AT = 64 * 1024;
const REGION_LENGTH = WINDOW_BYTES + 4 * 1024 * 1024;
/** Column sums of `addRowsInPlace`, after the overlay region. */
const COLUMNS_AT = REGION_AT + REGION_LENGTH;
/** The most columns `addRowsInPlace` sums (4 MiB of float64). */
export const COLUMNS_MAX = 512 * 1024;
const PAGES = (COLUMNS_AT + COLUMNS_MAX * 8) / 65536;

/** Data that can be shown in place in WebAssembly memory (a memory map's file). */
export interface OverlaySource {
  /** Maps bytes of the data into `target`; returns where `byteStart` landed, or -1. */
  show(target: OverlayTarget, byteStart: number, byteLength: number): number;
  /** Puts zero pages back over `target`. */
  clear(target: OverlayTarget): void;
}

/** A kernel function: (address, runs or bytes, address of the result). */
type KernelFunction = (p: number, n: number, out: number) => void;

interface Kernel {
  target: OverlayTarget;
  addRows: Record<
    FloatSize,
    (p: number, rows: number, cols: number, out: number) => void
  >;
  columns: Float64Array;
  functions: Record<"sum" | Extreme, Record<FloatSize, KernelFunction>>;
  hasZero: Record<Extreme, Record<FloatSize, KernelFunction>>;
  results: Float64Array;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(kernelsModule()),
      { env: { memory } },
    );
    const f = instance.exports as Record<string, KernelFunction>;
    kernel = {
      target: { memory, start: REGION_AT, length: REGION_LENGTH },
      addRows: {
        8: f.addRows64 as Kernel["addRows"][8],
        4: f.addRows32 as Kernel["addRows"][4],
      },
      columns: new Float64Array(memory.buffer, COLUMNS_AT, COLUMNS_MAX),
      functions: {
        sum: { 8: f.runs64, 4: f.runs32 },
        min: { 8: f.min64, 4: f.min32 },
        max: { 8: f.max64, 4: f.max32 },
      },
      hasZero: {
        min: { 8: f.minZero64, 4: f.minZero32 },
        max: { 8: f.maxZero64, 4: f.maxZero32 },
      },
      results: new Float64Array(
        memory.buffer,
        OUT_AT,
        WINDOW_BYTES / RUN_LENGTH / 4,
      ),
    };
  } catch {
    kernel = null; // No WebAssembly SIMD here: the JavaScript path does it all.
  }
  return kernel;
}

/**
 * Shows `units` units of `unitBytes` bytes from `byteStart`, as many whole
 * units as fit in a window at a time, and calls `visit(at, n, first)` for
 * each window: units `first` to `first + n - 1`, shown from `at` on. Clears
 * the overlay at the end.
 *
 * @returns How many units were visited (fewer when an overlay failed, the
 * source cannot show the data or a unit is larger than a window).
 */
function eachWindow(
  k: Kernel,
  source: OverlaySource,
  byteStart: number,
  unitBytes: number,
  units: number,
  visit: (at: number, n: number, first: number) => void,
): number {
  const perWindow = Math.floor(WINDOW_BYTES / unitBytes);
  if (perWindow === 0) return 0;
  let done = 0;
  let shown = false;
  try {
    while (done < units) {
      const n = Math.min(perWindow, units - done);
      const at = source.show(
        k.target,
        byteStart + done * unitBytes,
        n * unitBytes,
      );
      if (at < 0) break;
      shown = true;
      visit(at, n, done);
      done += n;
    }
  } catch {
    // An overlay failed: the caller does the rest through the map.
  } finally {
    if (shown) {
      try {
        source.clear(k.target);
      } catch {
        kernel = null; // Never use a memory whose pages may be gone.
      }
    }
  }
  return done;
}

/**
 * Reduces `runs` whole runs of contiguous little-endian float64 (`size` 8) or
 * float32 (`size` 4) data starting at `byteStart`, shown window by window
 * through `source`. Sums hand each run's pairwise sum to `add` in order;
 * min and max hand each window's result.
 *
 * @returns How many runs were reduced: fewer than `runs` (maybe 0) when the
 * platform cannot overlay or an overlay failed; the caller does the rest.
 */
export function reduceInPlace(
  source: OverlaySource,
  reduction: "sum" | Extreme,
  size: FloatSize,
  byteStart: number,
  runs: number,
  add: (value: number, count: number) => void,
): number {
  const k = load();
  if (k === null) return 0;
  const runBytes = RUN_LENGTH * size;
  return eachWindow(
    k,
    source,
    byteStart,
    runBytes,
    runs,
    (at, n) => runKernels(k, reduction, size, at, n, add),
  );
}

/** Reduces `runs` whole runs at `at` in the kernels' memory, as {@linkcode reduceInPlace} describes. */
function runKernels(
  k: Kernel,
  reduction: "sum" | Extreme,
  size: FloatSize,
  at: number,
  runs: number,
  add: (value: number, count: number) => void,
): void {
  const results = k.results;
  const runBytes = RUN_LENGTH * size;
  if (reduction === "sum") {
    k.functions.sum[size](at, runs, OUT_AT);
    for (let r = 0; r < runs; r++) add(results[r], RUN_LENGTH);
    return;
  }
  k.functions[reduction][size](at, runs * runBytes, OUT_AT);
  let result = results[0];
  if (results[1] !== 0) result = NaN;
  else if (result === 0) {
    // Math.max: +0 if there is one; Math.min: -0 if there is one.
    k.hasZero[reduction][size](at, runs * runBytes, OUT_AT);
    const found = results[0] !== 0;
    result = (reduction === "max") === found ? 0 : -0;
  }
  add(result, runs * RUN_LENGTH);
}

/** One line of {@linkcode reduceLinesInPlace}, shown in the kernels' memory. */
export interface ShownLine {
  /** The line's index. */
  line: number;
  /** The kernels' memory, where the line is shown. */
  memory: ArrayBuffer;
  /** Where the line starts in `memory`. */
  at: number;
  /** Reduces the line's first `runs` whole runs there (see {@linkcode reduceInPlace}). */
  reduceRuns(
    reduction: "sum" | Extreme,
    runs: number,
    add: (value: number, count: number) => void,
  ): void;
}

/**
 * Shows `lines` lines of `lineBytes` bytes each, following each other from
 * `byteStart`, window by window through `source`, and calls `visit` for
 * each line while it is shown; `visit` reduces the line's whole runs with
 * the kernels and reads the rest from `memory`.
 *
 * @returns How many lines were visited: fewer than `lines` (maybe 0) when
 * the platform cannot overlay, an overlay failed, or a line is larger than a
 * window; the caller does the rest.
 */
export function reduceLinesInPlace(
  source: OverlaySource,
  size: FloatSize,
  byteStart: number,
  lines: number,
  lineBytes: number,
  visit: (shown: ShownLine) => void,
): number {
  const k = load();
  if (k === null) return 0;
  const shown: ShownLine = {
    line: 0,
    memory: k.target.memory.buffer as ArrayBuffer,
    at: 0,
    reduceRuns: (reduction, runs, add) =>
      runKernels(k, reduction, size, shown.at, runs, add),
  };
  return eachWindow(
    k,
    source,
    byteStart,
    lineBytes,
    lines,
    (at, n, first) => {
      for (let i = 0; i < n; i++) {
        shown.line = first + i;
        shown.at = at + i * lineBytes;
        visit(shown);
      }
    },
  );
}

/**
 * Adds `rows` rows of `cols` contiguous little-endian float64 (`size` 8) or
 * float32 (`size` 4) elements, starting at `byteStart` and following each
 * other, into column sums, row after row (NumPy's order for a sum along the
 * outer axis), shown window by window through `source`. On return `out`
 * holds the sums of the rows done.
 *
 * @returns How many rows were added: fewer than `rows` (maybe 0) when the
 * platform cannot overlay, an overlay failed, or a row is larger than a
 * window or `cols` than {@linkcode COLUMNS_MAX}; the caller adds the rest.
 */
export function addRowsInPlace(
  source: OverlaySource,
  size: FloatSize,
  byteStart: number,
  rows: number,
  cols: number,
  out: Float64Array,
): number {
  if (cols > COLUMNS_MAX) return 0;
  const k = load();
  if (k === null) return 0;
  const sums = k.columns.subarray(0, cols);
  sums.fill(-0); // -0 + x is x for every x, -0 included
  const done = eachWindow(
    k,
    source,
    byteStart,
    cols * size,
    rows,
    (at, n) => k.addRows[size](at, n, cols, COLUMNS_AT),
  );
  if (done > 0) out.set(sums);
  return done;
}

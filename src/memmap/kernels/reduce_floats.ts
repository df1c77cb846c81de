/**
 * SIMD kernels for reducing float64 and float32 data that lives in a file:
 * windows of the file are mapped in place into WebAssembly memory
 * (`Sys.overlay`) and reduced with 128-bit vectors there. JavaScript cannot
 * use SIMD on the map itself, and copying would cost more than the work.
 *
 * The kernels compute exactly what the JavaScript path does, bit for bit.
 * Sums: for each run of {@linkcode RUN_LENGTH} elements, leaves of 128
 * elements summed in float64 with eight accumulators (NumPy's pairwise leaf,
 * held as four pairs of lanes; float32 elements are widened first, as the
 * JavaScript path reads them), leaves combined as a perfect binary tree.
 * Minimum and maximum: the results of JavaScript's `Math.min`/`Math.max`
 * (NaN wins; -0 is below +0), so the order in which elements are compared
 * does not matter; the loop uses the one-instruction `pmin`/`pmax` and
 * settles NaNs and the sign of a zero result apart.
 *
 * @module
 */

import type { OverlayTarget } from "../../ffi/sys.ts";
import { encodeModule, type FunctionSpec, I32, op, V128 } from "./wasm.ts";

/** Elements per run: the runs both paths sum with one pairwise tree (a power of two times 128). */
export const RUN_LENGTH = 8192;
const LEAVES = RUN_LENGTH / 128;
/** Bytes of the file shown at a time. */
export const WINDOW_BYTES = 16 * 1024 * 1024;
/** Memory layout: leaf sums at 0, run sums at 4096, the overlay from 64 KiB. */
const LEAF_AT = 0;
const OUT_AT = 4096;
const REGION_AT = 64 * 1024;
const REGION_LENGTH = WINDOW_BYTES + 4 * 1024 * 1024;
/** Column sums of `addRowsInPlace`, after the overlay region. */
const COLUMNS_AT = REGION_AT + REGION_LENGTH;
/** The most columns `addRowsInPlace` sums (4 MiB of float64). */
export const COLUMNS_MAX = 512 * 1024;
const PAGES = (COLUMNS_AT + COLUMNS_MAX * 8) / 65536;

/** The element types the kernels sum, by item size. */
export type FloatSize = 8 | 4;

// runs(p, count, out): sums `count` runs from byte p; run k's sum goes to out + 8k.
const [p, count, out, q, end, leaf, width, i] = [0, 1, 2, 3, 4, 5, 6, 7];
const [a0, a1, a2, a3] = [8, 9, 10, 11];
const { localGet: get, localSet: set, localTee: tee, i32Const: i32 } = op;

/** Elements `k` and `k + 1` as float64 lanes, from the address on the stack. */
function loadPair(size: FloatSize, k: number): number[][] {
  return size === 8
    ? [op.v128Load(8 * k)]
    : [op.v128Load64Zero(4 * k), op.f64x2PromoteLowF32x4];
}

/** The two lanes of vector local `v` combined into one float64. */
function lanes(v: number, combine: number[]): number[][] {
  return [
    get(v),
    op.f64x2ExtractLane(0),
    get(v),
    op.f64x2ExtractLane(1),
    combine,
  ];
}

/** `q += step`, back to the loop's top while `q < end`, and the loop's `end`. */
function nextStep(q: number, end: number, step: number): number[][] {
  return [
    get(q),
    i32(step),
    op.i32Add,
    tee(q),
    get(end),
    op.i32LtU,
    op.brIf(0),
    op.end,
  ];
}

/** Stores 1 (any lane of vector local `v` non-zero) or 0 as a float64 at `offset` after the address on the stack. */
function storeAnyTrue(v: number, offset: number): number[][] {
  return [get(v), op.v128AnyTrue, op.f64ConvertI32U, op.f64Store(offset)];
}

/** The run-summing function for elements of `size` bytes. */
function runsFunction(size: FloatSize): FunctionSpec {
  const accumulate = (v: number, k: number) => [
    get(v),
    get(q),
    ...loadPair(size, 2 * k),
    op.f64x2Add,
    set(v),
  ];
  const accumulators = [a0, a1, a2, a3];
  return {
    name: `runs${size * 8}`,
    params: 3,
    locals: [[5, I32], [4, V128]],
    body: [
      op.loop, // each run
      i32(LEAF_AT),
      set(leaf),
      op.loop, // each leaf: accumulators start at its first eight elements
      ...accumulators.flatMap((v, k) => [
        get(p),
        ...loadPair(size, 2 * k),
        set(v),
      ]),
      get(p),
      i32(128 * size),
      op.i32Add,
      set(end),
      get(p),
      i32(8 * size),
      op.i32Add,
      set(q),
      op.loop, // eight elements at a time
      ...accumulators.flatMap((v, k) => accumulate(v, k)),
      ...nextStep(q, end, 8 * size),
      // ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      get(leaf),
      ...lanes(a0, op.f64Add),
      ...lanes(a1, op.f64Add),
      op.f64Add,
      ...lanes(a2, op.f64Add),
      ...lanes(a3, op.f64Add),
      op.f64Add,
      op.f64Add,
      op.f64Store(),
      get(end),
      set(p),
      get(leaf),
      i32(8),
      op.i32Add,
      tee(leaf),
      i32(LEAF_AT + LEAVES * 8),
      op.i32LtU,
      op.brIf(0),
      op.end,
      // Pairs of neighbours, level by level, down to one sum.
      i32(LEAVES * 4),
      set(width),
      op.loop,
      i32(0),
      set(i),
      op.loop,
      get(i),
      get(i),
      get(i),
      op.i32Add,
      op.f64Load(LEAF_AT),
      get(i),
      get(i),
      op.i32Add,
      op.f64Load(LEAF_AT + 8),
      op.f64Add,
      op.f64Store(LEAF_AT),
      ...nextStep(i, width, 8),
      get(width),
      i32(1),
      op.i32ShrU,
      tee(width),
      i32(4),
      op.i32Ne,
      op.brIf(0),
      op.end,
      get(out),
      i32(LEAF_AT),
      op.f64Load(),
      op.f64Store(),
      get(out),
      i32(8),
      op.i32Add,
      set(out),
      get(count),
      i32(1),
      op.i32Sub,
      tee(count),
      op.brIf(0),
      op.end,
    ],
  };
}

/** The reductions besides sums. */
export type Extreme = "min" | "max";

// extreme(p, bytes, out): the min or max of `bytes` bytes from p (a multiple of
// eight elements) goes to out, and 1 to out + 8 if any element is NaN.
const [pe, bytes, oute, qe, ende] = [0, 1, 2, 3, 4];
const [e0, e1, e2, e3, value, nan] = [5, 6, 7, 8, 9, 10];

/**
 * The min or max function for elements of `size` bytes. The loop uses the
 * one-instruction `pmin`/`pmax` and notes NaNs apart; lanes are combined
 * with the exact `min`/`max`. Only the sign of a zero result may then be
 * wrong (`pmax` keeps the first of -0 and +0): the caller checks that case
 * with `hasZero`.
 */
function extremeFunction(kind: Extreme, size: FloatSize): FunctionSpec {
  const pick = kind === "min" ? op.f64x2Pmin : op.f64x2Pmax;
  const pickOne = kind === "min" ? op.f64Min : op.f64Max;
  const accumulators = [e0, e1, e2, e3];
  const noteNaN = [
    get(nan),
    get(value),
    get(value),
    op.f64x2Ne,
    op.v128Or,
    set(nan),
  ];
  return {
    name: `${kind}${size * 8}`,
    params: 3,
    locals: [[2, I32], [6, V128]],
    body: [
      // The accumulators start at the first eight elements.
      ...accumulators.flatMap((v, k) => [
        get(pe),
        ...loadPair(size, 2 * k),
        tee(v),
        set(value),
        ...noteNaN,
      ]),
      get(pe),
      get(bytes),
      op.i32Add,
      set(ende),
      get(pe),
      i32(8 * size),
      op.i32Add,
      set(qe),
      op.loop, // eight elements at a time
      ...accumulators.flatMap((v, k) => [
        get(v),
        get(qe),
        ...loadPair(size, 2 * k),
        tee(value),
        pick,
        set(v),
        ...noteNaN,
      ]),
      ...nextStep(qe, ende, 8 * size),
      get(oute),
      ...lanes(e0, pickOne),
      ...lanes(e1, pickOne),
      pickOne,
      ...lanes(e2, pickOne),
      ...lanes(e3, pickOne),
      pickOne,
      pickOne,
      op.f64Store(),
      get(oute),
      ...storeAnyTrue(nan, 8),
    ],
  };
}

/**
 * hasZero(p, bytes, out): 1 to out if any element is +0 (for max) or -0
 * (for min), by bit pattern; else 0.
 */
function hasZeroFunction(kind: Extreme, size: FloatSize): FunctionSpec {
  const zero = kind === "max" ? 0 : -0;
  return {
    name: `${kind}Zero${size * 8}`,
    params: 3,
    locals: [[2, I32], [6, V128]],
    body: [
      get(pe),
      get(bytes),
      op.i32Add,
      set(ende),
      get(pe),
      set(qe),
      op.loop, // two elements at a time, into the NaN local as "found"
      get(nan),
      get(qe),
      ...loadPair(size, 0),
      op.v128ConstF64x2(zero, zero),
      op.i64x2Eq,
      op.v128Or,
      set(nan),
      ...nextStep(qe, ende, 2 * size),
      get(oute),
      ...storeAnyTrue(nan, 0),
    ],
  };
}

// addRows(p, rows, cols, out): adds each of `rows` rows of `cols` elements
// from p, one after another, into the float64 sums at out.
const [rowAt, rowCount, colCount, sumsAt, q2, sumAt, pairsEnd] = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
];

/** The row-adding function for elements of `size` bytes (column sums, as NumPy adds rows). */
function addRowsFunction(size: FloatSize): FunctionSpec {
  const loadOne = size === 8
    ? [op.f64Load()]
    : [op.f32Load(), op.f64PromoteF32];
  return {
    name: `addRows${size * 8}`,
    params: 4,
    locals: [[3, I32]],
    body: [
      op.loop, // each row
      get(rowAt),
      set(q2),
      get(sumsAt),
      set(sumAt),
      // The end of the row's pairs of elements.
      get(rowAt),
      get(colCount),
      i32(-2),
      op.i32And,
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(pairsEnd),
      get(q2),
      get(pairsEnd),
      op.i32LtU,
      op.if,
      op.loop, // two elements at a time
      get(sumAt),
      get(sumAt),
      op.v128Load(),
      get(q2),
      ...loadPair(size, 0),
      op.f64x2Add,
      op.v128Store(),
      get(sumAt),
      i32(16),
      op.i32Add,
      set(sumAt),
      ...nextStep(q2, pairsEnd, 2 * size),
      op.end,
      // An odd last column.
      get(colCount),
      i32(1),
      op.i32And,
      op.if,
      get(sumAt),
      get(sumAt),
      op.f64Load(),
      get(q2),
      ...loadOne,
      op.f64Add,
      op.f64Store(),
      op.end,
      get(rowAt),
      get(colCount),
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(rowAt),
      get(rowCount),
      i32(1),
      op.i32Sub,
      tee(rowCount),
      op.brIf(0),
      op.end,
    ],
  };
}

/** The kernels' module, made on first use. */
function kernelsModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([
    runsFunction(8),
    runsFunction(4),
    addRowsFunction(8),
    addRowsFunction(4),
    ...(["min", "max"] as const).flatMap((kind) => [
      extremeFunction(kind, 8),
      extremeFunction(kind, 4),
      hasZeroFunction(kind, 8),
      hasZeroFunction(kind, 4),
    ]),
  ]) as Uint8Array<ArrayBuffer>;
}

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
 * Shows `units` units of `unitBytes` bytes from `byteStart`, up to
 * `perWindow` at a time, and calls `visit(at, n)` for each window shown at
 * `at`; clears the overlay at the end.
 *
 * @returns How many units were visited (fewer when an overlay failed or the
 * source cannot show the data).
 */
function eachWindow(
  k: Kernel,
  source: OverlaySource,
  byteStart: number,
  unitBytes: number,
  units: number,
  perWindow: number,
  visit: (at: number, n: number) => void,
): number {
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
      visit(at, n);
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
    WINDOW_BYTES / runBytes,
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
  const perWindow = Math.floor(WINDOW_BYTES / lineBytes);
  if (perWindow === 0) return 0;
  const k = load();
  if (k === null) return 0;
  let done = 0;
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
    perWindow,
    (at, n) => {
      for (let i = 0; i < n; i++, done++) {
        shown.line = done;
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
  const rowBytes = cols * size;
  const rowsPerWindow = Math.floor(WINDOW_BYTES / rowBytes);
  if (cols > COLUMNS_MAX || rowsPerWindow === 0) return 0;
  const k = load();
  if (k === null) return 0;
  const sums = k.columns.subarray(0, cols);
  sums.fill(-0); // -0 + x is x for every x, -0 included
  const done = eachWindow(
    k,
    source,
    byteStart,
    rowBytes,
    rows,
    rowsPerWindow,
    (at, n) => k.addRows[size](at, n, cols, COLUMNS_AT),
  );
  if (done > 0) out.set(sums);
  return done;
}

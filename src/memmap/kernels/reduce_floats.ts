/**
 * SIMD kernels, in WebAssembly, that reduce float64 and float32 data shown
 * to them in place by `in_place.ts` (file pages mapped into their memory).
 *
 * The kernels compute exactly what the JavaScript path does, bit for bit.
 * Sums: for each run of {@linkcode RUN_LENGTH} elements, leaves of 128
 * elements summed in float64 with eight accumulators (NumPy's pairwise leaf,
 * held as four pairs of lanes; float32 elements are widened first, as the
 * JavaScript path reads them), leaves combined as a perfect binary tree.
 * Minimum and maximum: the results of JavaScript's `Math.min`/`Math.max`
 * (NaN wins; -0 is below +0), so the order in which elements are compared
 * does not matter; the loop uses the one-instruction `pmin`/`pmax` and
 * settles NaNs and the sign of a zero result apart. Column sums: rows added
 * one after another into float64 sums, in NumPy's order.
 *
 * @module
 */

import { encodeModule, type FunctionSpec, I32, op, V128 } from "./wasm.ts";

/** Elements per run: the runs both paths sum with one pairwise tree (a power of two times 128). */
export const RUN_LENGTH = 8192;
const LEAVES = RUN_LENGTH / 128;
/** The run kernels keep leaf sums in memory bytes `[0, SCRATCH_END)`. */
const LEAF_AT = 0;
/** Where the memory the kernels use for themselves ends. */
export const SCRATCH_END: number = LEAF_AT + LEAVES * 8;

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

/**
 * The kernels' module: it imports its memory as `env.memory` and exports
 * `runs64`/`runs32` (pairwise sums of whole runs), `min64`... `max32`
 * (extremes), `minZero64`... `maxZero32` (the sign of a zero extreme) and
 * `addRows64`/`addRows32` (column sums).
 *
 * @returns The module's bytes.
 */
export function kernelsModule(): Uint8Array<ArrayBuffer> {
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

/**
 * The reduction kernels, in WebAssembly SIMD, as one table: for each
 * element type a row saying how its vectors are loaded, widened, compared
 * and added, and one generator per reduction that writes the kernel of any
 * row. The kernels read little-endian elements at any alignment from the
 * kernels' memory, where `runtime.ts` shows them (a file's pages mapped in
 * place, or a copy).
 *
 * - `sum_T(p, bytes, out)`: integer and bool sums, exact modulo 2^64 (as
 *   NumPy's int64/uint64 accumulation): two int64 lanes to `out`, the sum of
 *   the elements after the last whole 64-byte step as an int64 at `out + 16`.
 * - `min_T` / `max_T(p, bytes, out)` (at least 16 bytes): one vector of
 *   partial results to `out`; for floats, lanes of any NaN to `out + 16`
 *   (the vector loop uses the one-instruction `pmin`/`pmax`, so the caller
 *   settles NaN and the sign of a zero result, see `minZero_T`).
 * - `minZero_T` / `maxZero_T(p, bytes, out)`: whether any element is -0
 *   (min) or +0 (max), by bit pattern, as a non-zero vector at `out`.
 * - `pairwise_T(p, n) -> T` (float32, float64): NumPy's pairwise sum of `n`
 *   elements, bit for bit: the same recursion, the same eight accumulators
 *   (as lanes), the same additions in the same order and precision.
 * - `pairwiseRows_T(p, rows, n, stride, out)`: `pairwise_T` of `rows` lines
 *   of `n` elements, `stride` bytes apart, as float64 values at `out` (the
 *   sums along a contiguous axis, one call for many lines).
 * - `sqsumRows_T(p, rows, n, stride, out)`: the same sums of the lines'
 *   squares, each square rounded in T (`sqdev_T` with mean +0: `norm`
 *   along a contiguous axis without making the squares).
 * - `addRows_T(p, rows, cols, out)`: adds `rows` rows of `cols` elements,
 *   one after another, into `cols` sums at `out`: of type T for floats
 *   (NumPy's order for a sum along an outer axis), int64 for integers.
 * - `minRows_T` / `maxRows_T(p, rows, cols, out)`: the same with the
 *   element-wise minimum or maximum (NaN wins, -0 below +0 for floats).
 * - `toF64_T(p, n, out)`: integers converted to float64 (for `mean()`).
 *
 * @module
 */

import {
  type CallRef,
  encodeModule,
  F32,
  F64,
  type FunctionSpec,
  I32,
  I64,
  op,
  V128,
  type ValType,
} from "./wasm.ts";
import { searchFunctions } from "./search_kernels.ts";

/** The element types the kernels read. */
export type KernelType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/** The element types with sum kernels (exact integer sums). */
export type IntegerType = Exclude<KernelType, "float32" | "float64">;
/** The element types with pairwise sum kernels. */
export type FloatType = "float32" | "float64";

/** How one element type is handled, vector by vector. */
export interface Row {
  /** Bytes per element. */
  size: 1 | 2 | 4 | 8;
  /** Float elements. */
  float: boolean;
  /** Signed integers. */
  signed: boolean;
  /** Lane-wise minimum and maximum of two vectors on the stack (exact). */
  min: number[];
  max: number[];
  /** The sum path for integers: to int32 lanes first (narrow types), or to int64 lanes directly. */
  widen?: "i32" | "i64";
  /** Loads one element at the address on the stack as an int64 (integer sums' tail). */
  loadI64?: number[];
}

/** The table: one row per element type. */
export const ROWS: Record<KernelType, Row> = {
  bool: {
    size: 1,
    float: false,
    signed: false,
    min: op.i8x16MinU,
    max: op.i8x16MaxU,
    widen: "i32",
    loadI64: op.i64Load8U(),
  },
  int8: {
    size: 1,
    float: false,
    signed: true,
    min: op.i8x16MinS,
    max: op.i8x16MaxS,
    widen: "i32",
    loadI64: op.i64Load8S(),
  },
  uint8: {
    size: 1,
    float: false,
    signed: false,
    min: op.i8x16MinU,
    max: op.i8x16MaxU,
    widen: "i32",
    loadI64: op.i64Load8U(),
  },
  int16: {
    size: 2,
    float: false,
    signed: true,
    min: op.i16x8MinS,
    max: op.i16x8MaxS,
    widen: "i32",
    loadI64: op.i64Load16S(),
  },
  uint16: {
    size: 2,
    float: false,
    signed: false,
    min: op.i16x8MinU,
    max: op.i16x8MaxU,
    widen: "i32",
    loadI64: op.i64Load16U(),
  },
  int32: {
    size: 4,
    float: false,
    signed: true,
    min: op.i32x4MinS,
    max: op.i32x4MaxS,
    widen: "i64",
    loadI64: op.i64Load32S(),
  },
  uint32: {
    size: 4,
    float: false,
    signed: false,
    min: op.i32x4MinU,
    max: op.i32x4MaxU,
    widen: "i64",
    loadI64: op.i64Load32U(),
  },
  int64: {
    size: 8,
    float: false,
    signed: true,
    min: [],
    max: [],
    widen: "i64",
    loadI64: op.i64Load(),
  },
  uint64: {
    size: 8,
    float: false,
    signed: false,
    min: [],
    max: [],
    widen: "i64",
    loadI64: op.i64Load(),
  },
  float32: {
    size: 4,
    float: true,
    signed: true,
    min: op.f32x4Min,
    max: op.f32x4Max,
  },
  float64: {
    size: 8,
    float: true,
    signed: true,
    min: op.f64x2Min,
    max: op.f64x2Max,
  },
};

/** Every element type of the table. */
export const KERNEL_TYPES = Object.keys(ROWS) as KernelType[];

const { localGet: get, localSet: set, localTee: tee, i32Const: i32 } = op;

/** Instructions of a function body. */
export type Code = (readonly number[] | CallRef)[];

/** `local += step`, back to the loop's top while `local < end`, and the loop's `end`. */
export function nextStep(local: number, end: number, step: number): Code {
  return [
    get(local),
    i32(step),
    op.i32Add,
    tee(local),
    get(end),
    op.i32LtU,
    op.brIf(0),
    op.end,
  ];
}

/** `end = p + bytes; end64 = p + (bytes & -64)`: the end, and the end of whole 64-byte steps. */
export function ends(
  p: number,
  bytes: number,
  end: number,
  end64: number,
): Code {
  return [
    get(p),
    get(bytes),
    op.i32Add,
    set(end),
    get(p),
    get(bytes),
    i32(-64),
    op.i32And,
    op.i32Add,
    set(end64),
  ];
}

/** `while (local < end) { body; local += step }`. */
export function whileBelow(
  local: number,
  end: number,
  step: number,
  body: Code,
): Code {
  return [
    get(local),
    get(end),
    op.i32LtU,
    op.if,
    op.loop,
    ...body,
    ...nextStep(local, end, step),
    op.end,
  ];
}

/** The zero vector. */
export const ZERO = op.v128Const(new Uint8Array(16));
const ONES = op.v128Const(new Uint8Array(16).fill(1));
/** The sign bits of two 64-bit lanes. */
export const SIGN64 = op.v128Const(
  new Uint8Array(BigUint64Array.of(1n << 63n, 1n << 63n).buffer),
);

/**
 * `acc = pick(acc, v)` for locals `acc` and `v`: exact lane-wise min or max, 64-bit integers included. Unsigned
 * 64-bit lanes are compared with their sign bits flipped; `flipped` says
 * both locals hold them flipped already.
 */
export function pickInto(
  row: Row,
  kind: "min" | "max",
  acc: number,
  v: number,
  flipped = false,
): Code {
  if (row.float || row.size < 8) {
    return [get(acc), get(v), row[kind], set(acc)];
  }
  // acc = bitselect(v, acc, acc > v) for min, acc < v for max.
  const compare = kind === "min" ? op.i64x2GtS : op.i64x2LtS;
  if (row.signed || flipped) {
    return [
      get(v),
      get(acc),
      get(acc),
      get(v),
      compare,
      op.v128Bitselect,
      set(acc),
    ];
  }
  return [
    get(v),
    get(acc),
    get(acc),
    SIGN64,
    op.v128Xor,
    get(v),
    SIGN64,
    op.v128Xor,
    compare,
    op.v128Bitselect,
    set(acc),
  ];
}

/** The lane-wise pick for floats in the vector loop: one-instruction pmin/pmax. */
function fastPick(row: Row, kind: "min" | "max"): number[] {
  if (row.size === 8) return kind === "min" ? op.f64x2Pmin : op.f64x2Pmax;
  return kind === "min" ? op.f32x4Pmin : op.f32x4Pmax;
}

/** Lanes of `v` that hold NaN, or-ed into `nan`. */
function noteNaN(row: Row, v: number, nan: number): Code {
  return [
    get(nan),
    get(v),
    get(v),
    row.size === 8 ? op.f64x2Ne : op.f32x4Ne,
    op.v128Or,
    set(nan),
  ];
}

// sum(p, bytes, out)
const SUM_BLOCK = 1 << 20; // bytes between flushes of int32 lanes into int64 lanes

/** The integer (or bool) sum kernel of `type`. */
function sumFunction(type: IntegerType): FunctionSpec {
  const row = ROWS[type];
  const [p, bytes, out, end, end64, blockEnd] = [0, 1, 2, 3, 4, 5];
  const tail = 6; // i64
  const [acc, v] = [7, 8];
  const a = [9, 10, 11, 12];
  const s = row.signed ? "S" : "U";
  // One loaded vector (address on the stack) as int32 lanes or the two int64 lane pairs.
  const load = (k: number): Code => [
    get(p),
    op.v128Load(16 * k),
    ...(type === "bool" ? [ZERO, op.i8x16Ne, ONES, op.v128And] : []),
  ];
  const toI32 = (): Code => {
    if (row.size === 1) {
      return [
        op[`i16x8ExtaddPairwiseI8x16${s}`],
        op[`i32x4ExtaddPairwiseI16x8${s}`],
      ];
    }
    return [op[`i32x4ExtaddPairwiseI16x8${s}`]];
  };
  /** acc64 (local `into`) += the int32x4 or int32x4-as-int64 lanes of local `from`. */
  const widenInto = (into: number, from: number, sign: "S" | "U"): Code => [
    get(into),
    get(from),
    op[`i64x2ExtendLowI32x4${sign}`],
    op.i64x2Add,
    get(from),
    op[`i64x2ExtendHighI32x4${sign}`],
    op.i64x2Add,
    set(into),
  ];
  const step: Code = [];
  for (const [k, ak] of a.entries()) {
    if (row.widen === "i32") {
      step.push(get(ak), ...load(k), ...toI32(), op.i32x4Add, set(ak));
    } else if (row.size === 4) {
      step.push(...load(k), set(v), ...widenInto(ak, v, s));
    } else step.push(get(ak), ...load(k), op.i64x2Add, set(ak));
  }
  const zeroAccumulators = a.flatMap((ak) => [ZERO, set(ak)]);
  const body: Code = [...ends(p, bytes, end, end64), ZERO, set(acc)];
  if (row.widen === "i32") {
    // Blocks of int32 lanes (which cannot overflow within a block), flushed into int64 lanes.
    body.push(
      get(p),
      get(end64),
      op.i32LtU,
      op.if,
      op.loop,
      ...zeroAccumulators,
      // blockEnd = min(p + SUM_BLOCK, end64)
      get(p),
      i32(SUM_BLOCK),
      op.i32Add,
      tee(blockEnd),
      get(end64),
      get(blockEnd),
      get(end64),
      op.i32LtU,
      op.select,
      set(blockEnd),
      op.loop,
      ...step,
      ...nextStep(p, blockEnd, 64),
      ...a.flatMap((ak) => widenInto(acc, ak, "S")),
      get(p),
      get(end64),
      op.i32LtU,
      op.brIf(0),
      op.end,
      op.end,
    );
  } else {
    body.push(
      ...zeroAccumulators,
      ...whileBelow(p, end64, 64, step),
      get(a[0]),
      get(a[1]),
      op.i64x2Add,
      get(a[2]),
      get(a[3]),
      op.i64x2Add,
      op.i64x2Add,
      set(acc),
    );
  }
  // The elements after the last whole step, one at a time.
  body.push(
    op.i64Const(0n),
    set(tail),
    ...whileBelow(p, end, row.size, [
      get(tail),
      get(p),
      row.loadI64!,
      ...(type === "bool" ? [op.i64Const(0n), op.i64Ne, op.i64ExtendI32U] : []),
      op.i64Add,
      set(tail),
    ]),
    get(out),
    get(acc),
    op.v128Store(),
    get(out),
    get(tail),
    op.i64Store(16),
  );
  return {
    name: `sum_${type}`,
    params: 3,
    locals: [[3, I32], [1, I64], [6, V128]],
    body,
  };
}

/** The min or max kernel of `type` (at least 16 bytes). */
function extremeFunction(type: KernelType, kind: "min" | "max"): FunctionSpec {
  const row = ROWS[type];
  const [p, bytes, out, end, end64] = [0, 1, 2, 3, 4];
  const [v, nan] = [5, 6];
  const a = [7, 8, 9, 10];
  // Unsigned 64-bit lanes are held with their sign bits flipped, so that signed compares order them.
  const flip = row.size === 8 && !row.float && !row.signed;
  const load = (offset: number): Code => [
    op.v128Load(offset),
    ...(flip ? [SIGN64, op.v128Xor] : []),
  ];
  const pickLocal = (acc: number): Code =>
    row.float
      ? [
        ...noteNaN(row, v, nan),
        get(acc),
        get(v),
        fastPick(row, kind),
        set(acc),
      ]
      : pickInto(row, kind, acc, v, flip);
  const body: Code = [
    get(p),
    get(bytes),
    op.i32Add,
    set(end),
    get(p),
    get(bytes),
    i32(-64),
    op.i32And,
    op.i32Add,
    set(end64),
    ZERO,
    set(nan),
    get(p),
    ...load(0),
    set(v),
    ...a.flatMap((ak) => [get(v), set(ak)]),
    ...whileBelow(
      p,
      end64,
      64,
      a.flatMap((ak, k) => [get(p), ...load(16 * k), set(v), ...pickLocal(ak)]),
    ),
    // Whole vectors left, then the last 16 bytes again (overlapping: harmless for min/max).
    get(end),
    i32(16),
    op.i32Sub,
    set(end64),
    ...whileBelow(p, end64, 16, [
      get(p),
      ...load(0),
      set(v),
      ...pickLocal(a[0]),
    ]),
    get(p),
    get(end),
    op.i32LtU,
    op.if,
    get(end64),
    ...load(0),
    set(v),
    ...pickLocal(a[0]),
    op.end,
  ];
  // Combine the four accumulators (exact picks for floats too).
  const exact = (x: number, y: number): Code =>
    row.float
      ? [get(x), get(y), row[kind], set(x)]
      : [get(y), set(v), ...pickInto(row, kind, x, v, flip)];
  body.push(
    ...exact(a[0], a[1]),
    ...exact(a[2], a[3]),
    ...exact(a[0], a[2]),
    get(out),
    get(a[0]),
    ...(flip ? [SIGN64, op.v128Xor] : []),
    op.v128Store(),
    get(out),
    get(nan),
    op.v128Store(16),
  );
  return {
    name: `${kind}_${type}`,
    params: 3,
    locals: [[2, I32], [6, V128]],
    body,
  };
}

/** Whether any float element is -0 (min) or +0 (max), by bit pattern. */
function zeroFunction(type: FloatType, kind: "min" | "max"): FunctionSpec {
  const row = ROWS[type];
  const [p, bytes, out, end, end16] = [0, 1, 2, 3, 4];
  const found = 5;
  const pattern = new Uint8Array(16);
  if (kind === "min") {
    const view = new DataView(pattern.buffer);
    for (let i = 0; i < 16; i += row.size) {
      view.setUint8(i + row.size - 1, 0x80);
    }
  }
  const eq = row.size === 8 ? op.i64x2Eq : op.i32x4Eq;
  const test = (address: Code): Code => [
    get(found),
    ...address,
    op.v128Load(),
    op.v128Const(pattern),
    eq,
    op.v128Or,
    set(found),
  ];
  return {
    name: `${kind}Zero_${type}`,
    params: 3,
    locals: [[2, I32], [1, V128]],
    body: [
      ZERO,
      set(found),
      get(p),
      get(bytes),
      op.i32Add,
      tee(end),
      i32(16),
      op.i32Sub,
      set(end16),
      ...whileBelow(p, end16, 16, test([get(p)])),
      ...test([get(end16)]),
      get(out),
      get(found),
      op.v128Store(),
    ],
  };
}

/**
 * NumPy's pairwise sum of `type` (recursive, internal) and its exports;
 * with `squared`, the pairwise sum of the squared deviations `(x - mean)²`
 * instead (`sqdev_T(p, n, mean) -> T`, NumPy's `var`: each subtraction,
 * product and addition rounded in T, the same additions in the same order).
 */
function pairwiseFunctions(type: FloatType, squared = false): FunctionSpec[] {
  const row = ROWS[type];
  const size = row.size;
  const scalar: ValType = size === 8 ? F64 : F32;
  const add = size === 8 ? op.f64Add : op.f32Add;
  const vadd = size === 8 ? op.f64x2Add : op.f32x4Add;
  const load = size === 8 ? op.f64Load : op.f32Load;
  const lanes = 16 / size;
  // Parameters p, n (and the mean), then the locals.
  const [p, n, mean] = [0, 1, 2];
  const base = squared ? 3 : 2;
  const [q, end, res] = [base, base + 1, base + 2];
  const accs = (size === 8 ? [0, 1, 2, 3] : [0, 1]).map((k) => base + 3 + k);
  const meanV = base + 3 + accs.length; // the mean in every lane
  const [dev, devV] = [meanV + 1, meanV + 2]; // a deviation, scalar and vector
  const extract = size === 8 ? op.f64x2ExtractLane : op.f32x4ExtractLane;
  // `x` (on the stack) made `(x - mean)²` when squared.
  const scalarTerm: Code = squared
    ? [
      get(mean),
      size === 8 ? op.f64Sub : op.f32Sub,
      tee(dev),
      get(dev),
      size === 8 ? op.f64Mul : op.f32Mul,
    ]
    : [];
  const vectorTerm: Code = squared
    ? [
      get(meanV),
      size === 8 ? op.f64x2Sub : op.f32x4Sub,
      tee(devV),
      get(devV),
      size === 8 ? op.f64x2Mul : op.f32x4Mul,
    ]
    : [];
  const prefix = squared ? "sqdev" : "pw";
  const extra = squared ? [get(mean)] : [];
  const params: ValType[] = squared ? [I32, I32, scalar] : [I32, I32];
  // ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), r in lane order.
  const r = (k: number): Code => [
    get(accs[Math.floor(k / lanes)]),
    extract(k % lanes),
  ];
  const combine: Code = [
    ...r(0),
    ...r(1),
    add,
    ...r(2),
    ...r(3),
    add,
    add,
    ...r(4),
    ...r(5),
    add,
    ...r(6),
    ...r(7),
    add,
    add,
    add,
  ];
  const self: CallRef = { call: `${prefix}_${type}_r` };
  const recursive: FunctionSpec = {
    name: `${prefix}_${type}_r`,
    exported: false,
    params,
    results: [scalar],
    locals: [
      [2, I32],
      [1, scalar],
      [accs.length, V128],
      ...(squared ? [[1, V128], [1, scalar], [1, V128]] : []),
    ] as [number, number][],
    body: [
      ...(squared
        ? [get(mean), size === 8 ? op.f64x2Splat : op.f32x4Splat, set(meanV)]
        : []),
      // n < 8: one at a time from -0.
      get(n),
      i32(8),
      op.i32LtU,
      op.if,
      size === 8 ? op.f64Const(-0) : op.f32Const(-0),
      set(res),
      get(p),
      get(p),
      get(n),
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(end),
      ...whileBelow(p, end, size, [
        get(res),
        get(p),
        load(),
        ...scalarTerm,
        add,
        set(res),
      ]),
      get(res),
      op.return,
      op.end,
      // n <= 128: eight accumulators, then the rest one at a time.
      get(n),
      i32(128),
      op.i32LeU,
      op.if,
      ...accs.flatMap((ak, k) => [
        get(p),
        op.v128Load(16 * k),
        ...vectorTerm,
        set(ak),
      ]),
      get(p),
      i32(8 * size),
      op.i32Add,
      set(q),
      get(p),
      get(n),
      i32(-8),
      op.i32And,
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(end),
      ...whileBelow(
        q,
        end,
        8 * size,
        accs.flatMap((ak, k) => [
          get(ak),
          get(q),
          op.v128Load(16 * k),
          ...vectorTerm,
          vadd,
          set(ak),
        ]),
      ),
      ...combine,
      set(res),
      get(p),
      get(n),
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(end),
      ...whileBelow(q, end, size, [
        get(res),
        get(q),
        load(),
        ...scalarTerm,
        add,
        set(res),
      ]),
      get(res),
      op.return,
      op.end,
      // n2 = n / 2 rounded down to a multiple of 8: pw(p, n2) + pw(p + n2, n - n2).
      get(n),
      i32(1),
      op.i32ShrU,
      i32(-8),
      op.i32And,
      set(q),
      get(p),
      get(q),
      ...extra,
      self,
      get(p),
      get(q),
      i32(size),
      op.i32Mul,
      op.i32Add,
      get(n),
      get(q),
      op.i32Sub,
      ...extra,
      self,
      add,
    ],
  };
  // pairwiseRows(p, rows, n, stride, out): each of `rows` lines of `n`
  // elements, `stride` bytes apart, summed into a float64 at `out`
  // (sqsumRows: the sums of their squares, the deviations from +0).
  const [first, , count, stride, to, last] = [0, 1, 2, 3, 4, 5];
  const zero = size === 8 ? op.f64Const(0) : op.f32Const(0);
  const rows: FunctionSpec = {
    name: `${squared ? "sqsumRows" : "pairwiseRows"}_${type}`,
    params: 5,
    locals: [[1, I32]],
    body: [
      get(to),
      get(1),
      i32(8),
      op.i32Mul,
      op.i32Add,
      set(last),
      ...whileBelow(to, last, 8, [
        get(to),
        get(first),
        get(count),
        ...(squared ? [zero] : []),
        self,
        ...(size === 8 ? [] : [op.f64PromoteF32]),
        op.f64Store(),
        get(first),
        get(stride),
        op.i32Add,
        set(first),
      ]),
    ],
  };
  if (squared) {
    return [recursive, {
      name: `sqdev_${type}`,
      params,
      results: [scalar],
      locals: [],
      body: [get(0), get(1), get(2), self],
    }, rows];
  }
  const exported: FunctionSpec = {
    name: `pairwise_${type}`,
    params: [I32, I32],
    results: [scalar],
    locals: [],
    body: [get(0), get(1), self],
  };
  return [recursive, exported, rows];
}

/**
 * NumPy's pairwise sum of `n` elements of `type` at byte address `p`, `s`
 * bytes apart (`s` may be negative or any multiple of the element size):
 * `pairwiseStrided_T(p, n, s)`, the same additions in the same order as
 * `pairwise_T` and NumPy's strided loop, with eight scalar accumulators
 * (the lanes would need one load per element anyway). Sums one field of a
 * record array, or a column, without copying it out first.
 */
function stridedPairwiseFunctions(type: FloatType): FunctionSpec[] {
  const size = ROWS[type].size;
  const scalar: ValType = size === 8 ? F64 : F32;
  const add = size === 8 ? op.f64Add : op.f32Add;
  const load = size === 8 ? op.f64Load : op.f32Load;
  const [p, n, s, k, m, res] = [0, 1, 2, 3, 4, 5];
  const acc = (j: number) => 6 + j;
  // j * s for j = 1..8 (locals 14..21): the eight loads of a step do not
  // wait for one another's addresses.
  const times = (j: number) => 13 + j;
  const EIGHT = [0, 1, 2, 3, 4, 5, 6, 7];
  // Loads the element at p and moves p to the next one.
  const next: Code = [get(p), load(), get(p), get(s), op.i32Add, set(p)];
  // Loads element j of the eight at p.
  const nth = (j: number): Code =>
    j === 0 ? [get(p), load()] : [get(p), get(times(j)), op.i32Add, load()];
  const stepEight: Code = [get(p), get(times(8)), op.i32Add, set(p)];
  const self: CallRef = { call: `pws_${type}` };
  const recursive: FunctionSpec = {
    name: `pws_${type}`,
    exported: false,
    params: [I32, I32, I32],
    results: [scalar],
    locals: [[2, I32], [9, scalar], [8, I32]],
    body: [
      // n < 8: one at a time from -0.
      get(n),
      i32(8),
      op.i32LtU,
      op.if,
      size === 8 ? op.f64Const(-0) : op.f32Const(-0),
      set(res),
      i32(0),
      set(k),
      ...whileBelow(k, n, 1, [get(res), ...next, add, set(res)]),
      get(res),
      op.return,
      op.end,
      // n <= 128: eight accumulators, then the rest one at a time.
      get(n),
      i32(128),
      op.i32LeU,
      op.if,
      ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((j) => [
        get(s),
        i32(j),
        op.i32Mul,
        set(times(j)),
      ]),
      ...EIGHT.flatMap((j) => [...nth(j), set(acc(j))]),
      ...stepEight,
      i32(8),
      set(k),
      get(n),
      i32(-8),
      op.i32And,
      set(m),
      ...whileBelow(
        k,
        m,
        8,
        [
          ...EIGHT.flatMap((j) => [get(acc(j)), ...nth(j), add, set(acc(j))]),
          ...stepEight,
        ],
      ),
      get(acc(0)),
      get(acc(1)),
      add,
      get(acc(2)),
      get(acc(3)),
      add,
      add,
      get(acc(4)),
      get(acc(5)),
      add,
      get(acc(6)),
      get(acc(7)),
      add,
      add,
      add,
      set(res),
      ...whileBelow(k, n, 1, [get(res), ...next, add, set(res)]),
      get(res),
      op.return,
      op.end,
      // m = n / 2 rounded down to a multiple of 8: pws(p, m) + pws(p + m * s, n - m).
      get(n),
      i32(1),
      op.i32ShrU,
      i32(-8),
      op.i32And,
      set(m),
      get(p),
      get(m),
      get(s),
      self,
      get(p),
      get(m),
      get(s),
      op.i32Mul,
      op.i32Add,
      get(n),
      get(m),
      op.i32Sub,
      get(s),
      self,
      add,
    ],
  };
  const exported: FunctionSpec = {
    name: `pairwiseStrided_${type}`,
    params: [I32, I32, I32],
    results: [scalar],
    locals: [],
    body: [get(0), get(1), get(2), self],
  };
  return [recursive, exported];
}

/**
 * `addRows_T` (sums) or `minRows_T`/`maxRows_T`: combines `rows` rows of
 * `cols` elements at p, row after row, into the `cols` results at `out`.
 * `sqdevRows_T` (floats) adds the squared deviations `(x - m)²` instead,
 * `m` the `cols` means of type T that follow the sums at `out` (NumPy's
 * `var` along an outer axis: each operation rounded in T, the rows added
 * in order).
 */
function rowsFunction(
  type: KernelType,
  kind: "add" | "min" | "max" | "sqdev",
): FunctionSpec {
  const row = ROWS[type];
  const size = row.size;
  const [p, rows, cols, out, o, vecEnd, end, vec64End, rowBytes] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
  ];
  /** The row pointers of a pass over `GROUP` rows at a time (`q(0)` steps through the first row). */
  const q = (r: number) => 9 + r;
  const [v, acc] = [9 + GROUP, 10 + GROUP];
  /** The means' pointer (moves with `o`) and the means' vector (sqdev). */
  const [mo, mv] = [11 + GROUP, 12 + GROUP];
  const sqdev = kind === "sqdev";
  const combine = (): Code => {
    if (sqdev) {
      return [
        get(acc),
        get(v),
        get(mv),
        size === 8 ? op.f64x2Sub : op.f32x4Sub,
        tee(v),
        get(v),
        size === 8 ? op.f64x2Mul : op.f32x4Mul,
        size === 8 ? op.f64x2Add : op.f32x4Add,
        set(acc),
      ];
    }
    if (kind === "add") {
      return [
        get(acc),
        get(v),
        size === 8 ? op.f64x2Add : op.f32x4Add, // floats only
        set(acc),
      ];
    }
    return pickInto(row, kind as "min" | "max", acc, v);
  };
  // acc = out; acc = combine(acc, row r) for each row in order; out = acc:
  // the same operations in the same order as one row at a time, with the
  // sums loaded and stored once per pass.
  const vectorStep = (k: number, count: number): Code => [
    get(o),
    op.v128Load(k),
    set(acc),
    ...(sqdev ? [get(mo), op.v128Load(k), set(mv)] : []),
    ...[...Array(count).keys()].flatMap((r) => [
      get(q(r)),
      op.v128Load(k),
      set(v),
      ...combine(),
    ]),
    get(o),
    get(acc),
    op.v128Store(k),
  ];
  const splat = [
    op.v128Load8Splat,
    op.v128Load16Splat,
    op.v128Load32Splat,
    op.v128Load64Splat,
  ][Math.log2(size)];
  const storeLane = [
    op.v128Store8Lane,
    op.v128Store16Lane,
    op.v128Store32Lane,
    op.v128Store64Lane,
  ][Math.log2(size)];
  // One element in every lane, so that the same combine works.
  const scalarStep = (count: number): Code => [
    get(o),
    splat(),
    set(acc),
    ...(sqdev ? [get(mo), splat(), set(mv)] : []),
    ...[...Array(count).keys()].flatMap((r) => [
      get(q(r)),
      splat(),
      set(v),
      ...combine(),
    ]),
    get(o),
    get(acc),
    storeLane(0),
  ];
  /** Moves the sums' pointer and the rows' other pointers by `bytes` (the loop moves `q(0)`). */
  const advance = (count: number, bytes: number): Code =>
    [
      o,
      ...(sqdev ? [mo] : []),
      ...[...Array(count - 1).keys()].map((r) => q(r + 1)),
    ].flatMap((local) => [get(local), i32(bytes), op.i32Add, set(local)]);
  /** One pass over `count` rows from `p`, then `p` and `rows` past them. */
  const pass = (count: number): Code => [
    get(p),
    set(q(0)),
    ...[...Array(count - 1).keys()].flatMap((r) => [
      get(q(r)),
      get(rowBytes),
      op.i32Add,
      set(q(r + 1)),
    ]),
    get(out),
    set(o),
    ...(sqdev ? [get(out), get(rowBytes), op.i32Add, set(mo)] : []),
    get(p),
    get(rowBytes),
    op.i32Add,
    set(end),
    get(p),
    get(rowBytes),
    i32(-16),
    op.i32And,
    op.i32Add,
    set(vecEnd),
    get(p),
    get(rowBytes),
    i32(-64),
    op.i32And,
    op.i32Add,
    set(vec64End),
    // Four vectors at a time, then one at a time.
    ...whileBelow(q(0), vec64End, 64, [
      ...[0, 16, 32, 48].flatMap((k) => vectorStep(k, count)),
      ...advance(count, 64),
    ]),
    ...whileBelow(q(0), vecEnd, 16, [
      ...vectorStep(0, count),
      ...advance(count, 16),
    ]),
    // Columns after the last whole vector, one at a time.
    ...whileBelow(q(0), end, size, [
      ...scalarStep(count),
      ...advance(count, size),
    ]),
    get(p),
    get(rowBytes),
    i32(count),
    op.i32Mul,
    op.i32Add,
    set(p),
    get(rows),
    i32(count),
    op.i32Sub,
    set(rows),
  ];
  /** `while (rows >= count) pass(count)`. */
  const passes = (count: number): Code => [
    op.block,
    op.loop,
    get(rows),
    i32(count),
    op.i32LtU,
    op.brIf(1),
    ...pass(count),
    op.br(0),
    op.end,
    op.end,
  ];
  return {
    name: `${kind}Rows_${type}`,
    params: 4,
    locals: [[5 + GROUP, I32], [2, V128], [1, I32], [1, V128]],
    body: [
      get(cols),
      i32(size),
      op.i32Mul,
      set(rowBytes),
      ...passes(GROUP),
      ...passes(1),
    ],
  };
}

/** Rows the row kernels combine per pass over the sums. */
const GROUP = 4;

/**
 * `toF64_T(p, n, out)`: the `n` integer (or bool) elements at p as float64
 * values at `out` (NumPy's cast before a float64 sum, as `mean()` does).
 */
function toF64Function(type: IntegerType): FunctionSpec {
  const row = ROWS[type];
  const [p, n, out, end] = [0, 1, 2, 3];
  const convert = row.signed ? op.f64ConvertI64S : op.f64ConvertI64U;
  return {
    name: `toF64_${type}`,
    params: 3,
    locals: [[1, I32]],
    body: [
      get(p),
      get(n),
      i32(row.size),
      op.i32Mul,
      op.i32Add,
      set(end),
      ...whileBelow(p, end, row.size, [
        get(out),
        get(p),
        row.loadI64!,
        ...(type === "bool"
          ? [op.i64Const(0n), op.i64Ne, op.i64ExtendI32U]
          : []),
        convert,
        op.f64Store(),
        get(out),
        i32(8),
        op.i32Add,
        set(out),
      ]),
    ],
  };
}

/**
 * `addRows_T` for integer (and bool) types: adds `rows` rows of `cols`
 * elements at p, row after row, into `cols` int64 sums at `out` (exact
 * modulo 2^64, as NumPy's int64/uint64 accumulation).
 */
function intRowsFunction(type: IntegerType): FunctionSpec {
  const row = ROWS[type];
  const size = row.size;
  const [p, rows, cols, out, q, o, vecEnd, end] = [0, 1, 2, 3, 4, 5, 6, 7];
  const tail = 8; // i64
  const [v, a, b] = [9, 10, 11];
  const s = row.signed ? "S" : "U";
  /** The int64 pairs of vector local `x` of 32-bit lanes, each added into `o + at`. */
  const addPairs32 = (x: number, at: number): Code =>
    ([0, 1] as const).flatMap((half) => [
      get(o),
      get(o),
      op.v128Load(at + 16 * half),
      get(x),
      op[`i64x2Extend${half ? "High" : "Low"}I32x4${s}`],
      op.i64x2Add,
      op.v128Store(at + 16 * half),
    ]);
  /** The int32 lanes of vector local `x` of 16-bit lanes into `a` (low) and `b` (high). */
  const split16 = (x: number): Code => [
    get(x),
    op[`i32x4ExtendLowI16x8${s}`],
    set(a),
    get(x),
    op[`i32x4ExtendHighI16x8${s}`],
    set(b),
  ];
  const step: Code = [get(q), op.v128Load()];
  if (type === "bool") step.push(ZERO, op.i8x16Ne, ONES, op.v128And);
  step.push(set(v));
  if (size === 8) {
    step.push(
      get(o),
      get(o),
      op.v128Load(),
      get(v),
      op.i64x2Add,
      op.v128Store(),
    );
  } else if (size === 4) {
    step.push(...addPairs32(v, 0));
  } else if (size === 2) {
    step.push(...split16(v), ...addPairs32(a, 0), ...addPairs32(b, 32));
  } else {
    // Bytes: to 16-bit lanes (low, high), each to 32-bit lanes, each to int64 pairs.
    ([0, 1] as const).forEach((half) => {
      step.push(
        get(v),
        op[`i16x8Extend${half ? "High" : "Low"}I8x16${s}`],
        set(b),
        ...split16(b),
        ...addPairs32(a, 64 * half),
        ...addPairs32(b, 64 * half + 32),
      );
    });
  }
  step.push(get(o), i32(8 * (16 / size)), op.i32Add, set(o));
  return {
    name: `addRows_${type}`,
    params: 4,
    locals: [[4, I32], [1, I64], [3, V128]],
    body: [
      op.loop, // each row
      get(p),
      set(q),
      get(out),
      set(o),
      get(p),
      get(cols),
      i32(size),
      op.i32Mul,
      op.i32Add,
      set(end),
      get(p),
      get(cols),
      i32(size),
      op.i32Mul,
      i32(-16),
      op.i32And,
      op.i32Add,
      set(vecEnd),
      ...whileBelow(q, vecEnd, 16, step),
      // Columns after the last whole vector, one at a time.
      ...whileBelow(q, end, size, [
        get(q),
        row.loadI64!,
        ...(type === "bool"
          ? [op.i64Const(0n), op.i64Ne, op.i64ExtendI32U]
          : []),
        set(tail),
        get(o),
        get(o),
        op.i64Load(),
        get(tail),
        op.i64Add,
        op.i64Store(),
        get(o),
        i32(8),
        op.i32Add,
        set(o),
      ]),
      get(end),
      set(p),
      get(rows),
      i32(1),
      op.i32Sub,
      tee(rows),
      op.brIf(0),
      op.end,
    ],
  };
}

/**
 * `prod_T(p, bytes, acc) -> acc * x0 * x1 * ...` for T float64 and
 * float32: the elements at `p` multiplied into `acc` one after another in
 * T, as NumPy's product loop does (a JavaScript loop does the same
 * multiplications, but V8 runs it at very different speeds from one call
 * to the next).
 */
function productFunction(type: FloatType): FunctionSpec {
  const [p, bytes, acc, end] = [0, 1, 2, 3];
  const f64 = type === "float64";
  return {
    name: `prod_${type}`,
    params: [I32, I32, f64 ? F64 : F32],
    results: [f64 ? F64 : F32],
    locals: [[1, I32]],
    body: [
      get(p),
      get(bytes),
      op.i32Add,
      set(end),
      ...whileBelow(p, end, f64 ? 8 : 4, [
        get(acc),
        get(p),
        f64 ? op.f64Load() : op.f32Load(),
        f64 ? op.f64Mul : op.f32Mul,
        set(acc),
      ]),
      get(acc),
    ],
  };
}

/**
 * The kernels' module: every kernel of every row of the table. It imports
 * its memory as `env.memory`.
 *
 * @returns The module's bytes.
 */
export function reduceKernelsModule(): Uint8Array<ArrayBuffer> {
  const integers = KERNEL_TYPES.filter((t) => !ROWS[t].float) as IntegerType[];
  const floats: FloatType[] = ["float32", "float64"];
  const functions: FunctionSpec[] = [
    ...integers.map(sumFunction),
    ...KERNEL_TYPES.flatMap((t) =>
      (["min", "max"] as const).map((k) => extremeFunction(t, k))
    ),
    ...floats.flatMap((t) =>
      (["min", "max"] as const).map((k) => zeroFunction(t, k))
    ),
    ...floats.flatMap((t) => pairwiseFunctions(t)),
    ...floats.flatMap((t) => pairwiseFunctions(t, true)),
    ...floats.flatMap(stridedPairwiseFunctions),
    ...floats.map((t) => rowsFunction(t, "add")),
    ...floats.map((t) => rowsFunction(t, "sqdev")),
    ...integers.map(intRowsFunction),
    ...integers.map(toF64Function),
    ...KERNEL_TYPES.flatMap((t) =>
      (["min", "max"] as const).map((k) => rowsFunction(t, k))
    ),
    ...searchFunctions(KERNEL_TYPES),
    ...floats.map(productFunction),
  ];
  return encodeModule(functions) as Uint8Array<ArrayBuffer>;
}

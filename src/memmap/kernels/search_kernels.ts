/**
 * Kernels that look for elements, for rows of the table in
 * `reduce_kernels.ts`:
 *
 * - `argmax_T` / `argmin_T(p, bytes, out)` (at least 16 bytes): NumPy's
 *   `argmax`/`argmin` of the elements at `p`: the first element holding the
 *   extreme, or the first NaN (floats). Blocks of 1 KiB are reduced with
 *   SIMD; a block that beats the best so far (strictly) becomes the best
 *   block, a block with a NaN ends the search; the best block is then
 *   scanned for the first element equal to the extreme. Writes the element
 *   index (int32) to `out`, 1 at `out + 4` when it is a NaN, and the value
 *   in lane 0 of a vector at `out + 16`.
 * - `firstTrue_K` / `firstFalse_K(p, bytes) -> offset` for element kinds
 *   `K` (integers by width, float32, float64): the byte offset of the first
 *   element that is non-zero (NaN is; -0 is not) or zero, or -1. Used by
 *   `any`, `all` and the `argmax`/`argmin` of bools; they stop at the first
 *   64 bytes holding one.
 *
 * @module
 */

import {
  type Code,
  ends,
  type KernelType,
  nextStep,
  pickInto,
  type Row,
  ROWS,
  SIGN64,
  whileBelow,
  ZERO,
} from "./reduce_kernels.ts";
import { F32, F64, type FunctionSpec, I32, I64, op, V128 } from "./wasm.ts";

const { localGet: get, localSet: set, i32Const: i32 } = op;

/** Bytes per block of the arg kernels. */
const BLOCK = 1024;

/** The element kinds of the truth kernels. */
export type TruthKind =
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float32"
  | "float64";

/** The truth kernel kind that reads elements of `type`. */
export function truthKindOf(type: KernelType): TruthKind {
  const row = ROWS[type];
  if (row.float) return type as TruthKind;
  return `int${8 * row.size}` as TruthKind;
}

/** How the arg kernels handle one row's scalars: load, compare, extract. */
function scalarOps(row: Row): {
  type: number;
  load: number[];
  eq: number[];
  ne: number[];
  lane0: number[];
  splat: number[];
} {
  const s = row.signed;
  if (row.float) {
    const f64 = row.size === 8;
    return {
      type: f64 ? F64 : F32,
      load: f64 ? op.f64Load() : op.f32Load(),
      eq: f64 ? op.f64Eq : op.f32Eq,
      ne: f64 ? op.f64Ne : op.f32Ne,
      lane0: f64 ? op.f64x2ExtractLane(0) : op.f32x4ExtractLane(0),
      splat: f64 ? op.v128Load64Splat() : op.v128Load32Splat(),
    };
  }
  switch (row.size) {
    case 1:
      return {
        type: I32,
        load: s ? op.i32Load8S() : op.i32Load8U(),
        eq: op.i32Eq,
        ne: op.i32Ne,
        lane0: s ? op.i8x16ExtractLaneS(0) : op.i8x16ExtractLaneU(0),
        splat: op.v128Load8Splat(),
      };
    case 2:
      return {
        type: I32,
        load: s ? op.i32Load16S() : op.i32Load16U(),
        eq: op.i32Eq,
        ne: op.i32Ne,
        lane0: s ? op.i16x8ExtractLaneS(0) : op.i16x8ExtractLaneU(0),
        splat: op.v128Load16Splat(),
      };
    case 4:
      return {
        type: I32,
        load: op.i32Load(),
        eq: op.i32Eq,
        ne: op.i32Ne,
        lane0: op.i32x4ExtractLane(0),
        splat: op.v128Load32Splat(),
      };
    default:
      return {
        type: I64,
        load: op.i64Load(),
        eq: op.i64Eq,
        ne: op.i64Ne,
        lane0: op.i64x2ExtractLane(0),
        splat: op.v128Load64Splat(),
      };
  }
}

/** Shuffles that bring each half, quarter... of a vector next to the other. */
const SWAPS = [8, 4, 2, 1].map((w) =>
  Array.from({ length: 16 }, (_, i) => (i ^ w))
);

/** The arg kernel of `type` (not bool: see the truth kernels). */
function argFunction(type: KernelType, kind: "min" | "max"): FunctionSpec {
  const row = ROWS[type];
  const size = row.size;
  const sc = scalarOps(row);
  const flip = size === 8 && !row.float && !row.signed;
  const [p, bytes, out, end, bend, q, e64, bestBlock, start, last] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ];
  const bestScalar = 10;
  const [v, nan, a0, a1, a2, a3, best, m] = [11, 12, 13, 14, 15, 16, 17, 18];
  const a = [a0, a1, a2, a3];
  const unflip = flip ? [SIGN64, op.v128Xor] : [];
  const load = (offset: number): Code => [op.v128Load(offset), ...unflip];
  // acc = pick(acc, v), NaN lanes noted for floats.
  const pick = (acc: number, from = v): Code =>
    row.float
      ? [
        get(acc),
        get(from),
        size === 8
          ? (kind === "min" ? op.f64x2Pmin : op.f64x2Pmax)
          : (kind === "min" ? op.f32x4Pmin : op.f32x4Pmax),
        op.localSet(acc),
      ]
      : pickInto(row, kind, acc, from, flip);
  const note: Code = row.float
    ? [
      get(nan),
      get(v),
      get(v),
      size === 8 ? op.f64x2Ne : op.f32x4Ne,
      op.v128Or,
      set(nan),
    ]
    : [];
  const step = (offset: number, acc: number): Code => [
    get(q),
    ...load(offset),
    set(v),
    ...note,
    ...pick(acc),
  ];
  /** Scans from `q` (up) for the first element matching `test` (on the stack: the element), leaving `q` there. */
  const scan = (test: Code): Code => [
    op.block,
    op.loop,
    ...test,
    op.brIf(1),
    get(q),
    i32(size),
    op.i32Add,
    set(q),
    op.br(0),
    op.end,
    op.end,
  ];
  const index: Code = [
    get(q),
    get(p),
    op.i32Sub,
    i32(Math.log2(size)),
    op.i32ShrU,
  ];
  const body: Code = [
    get(p),
    get(bytes),
    op.i32Add,
    set(end),
    get(end),
    i32(16),
    op.i32Sub,
    set(last),
    get(p),
    sc.splat,
    ...unflip,
    set(best),
    get(p),
    set(bestBlock),
    get(p),
    set(start),
    op.loop,
    // The block [start, bend): 1 KiB, or the rest when less than 16 bytes would follow.
    get(start),
    i32(BLOCK),
    op.i32Add,
    set(bend),
    get(bend),
    get(last),
    op.i32GtU,
    op.if,
    get(end),
    set(bend),
    op.end,
    get(start),
    set(q),
    get(q),
    get(bend),
    get(q),
    op.i32Sub,
    i32(-64),
    op.i32And,
    op.i32Add,
    set(e64),
    ZERO,
    set(nan),
    get(q),
    ...load(0),
    set(v),
    ...note,
    ...a.flatMap((ak) => [get(v), set(ak)]),
    ...whileBelow(q, e64, 64, a.flatMap((ak, k) => step(16 * k, ak))),
    get(bend),
    i32(16),
    op.i32Sub,
    set(e64),
    ...whileBelow(q, e64, 16, step(0, a0)),
    get(e64),
    set(q),
    ...step(0, a0),
    ...pick(a0, a1),
    ...pick(a2, a3),
    ...pick(a0, a2),
  ];
  if (row.float) {
    // A NaN in the block: the first one is the answer.
    body.push(
      get(nan),
      op.v128AnyTrue,
      op.if,
      get(start),
      set(q),
      ...scan([get(q), sc.load, get(q), sc.load, sc.ne]),
      get(out),
      ...index,
      op.i32Store(),
      get(out),
      i32(1),
      op.i32Store(4),
      get(out),
      get(q),
      sc.splat,
      op.v128Store(16),
      op.return,
      op.end,
    );
  }
  // Every lane of m: the block's extreme.
  body.push(get(a0), set(m));
  for (const swap of SWAPS.slice(0, Math.log2(16 / size))) {
    body.push(get(m), get(m), op.i8x16Shuffle(swap), set(v), ...pick(m));
  }
  body.push(
    get(best),
    set(v),
    ...pick(v, m),
    get(v),
    get(best),
    op.i8x16Ne,
    op.v128AnyTrue,
    op.if,
    get(v),
    set(best),
    get(start),
    set(bestBlock),
    op.end,
    get(bend),
    set(start),
    get(start),
    get(end),
    op.i32LtU,
    op.brIf(0),
    op.end,
    // The first element of the best block equal to the extreme.
    get(best),
    ...unflip,
    set(best),
    get(best),
    sc.lane0,
    set(bestScalar),
    get(bestBlock),
    set(q),
    ...scan([get(q), sc.load, get(bestScalar), sc.eq]),
    get(out),
    ...index,
    op.i32Store(),
    get(out),
    i32(0),
    op.i32Store(4),
    get(out),
    get(best),
    op.v128Store(16),
  );
  return {
    name: `arg${kind}_${type}`,
    params: 3,
    locals: [[7, I32], [1, sc.type], [8, V128]],
    body,
  };
}

/** The truth kernel: the first element that is non-zero (`want` true) or zero. */
function truthFunction(kind: TruthKind, want: boolean): FunctionSpec {
  const float = kind.startsWith("float");
  const size = float ? (kind === "float64" ? 8 : 4) : Number(kind.slice(3)) / 8;
  const [p, bytes, end, e64, start] = [0, 1, 2, 3, 4];
  const acc = 5;
  // Floats ignore the sign bit (-0 is false).
  const mask = new Uint8Array(16).fill(255);
  if (float) { for (let i = size - 1; i < 16; i += size) mask[i] = 0x7f; }
  const masked = (offset: number): Code => [
    get(p),
    op.v128Load(offset),
    ...(float ? [op.v128Const(mask), op.v128And] : []),
  ];
  const isZero = [op.i8x16Eq, op.i16x8Eq, op.i32x4Eq, op.i64x2Eq][
    Math.log2(size)
  ];
  // The vectors of a 64-byte step, reduced to "some lane matches".
  const stepCode: Code = [];
  for (let k = 0; k < 4; k++) {
    stepCode.push(...masked(16 * k));
    if (!want) stepCode.push(ZERO, isZero);
    if (k > 0) stepCode.push(op.v128Or);
  }
  // One element's truth as an i32 (0 or not).
  const scalar: Code = size === 8
    ? [
      get(p),
      op.i64Load(),
      op.i64Const(float ? 0x7fffffffffffffffn : -1n),
      op.i64And,
      op.i64Eqz,
      ...(want ? [op.i32Eqz] : []),
    ]
    : [
      get(p),
      size === 1 ? op.i32Load8U() : size === 2 ? op.i32Load16U() : op.i32Load(),
      ...(float ? [i32(0x7fffffff), op.i32And] : []),
      ...(want ? [] : [op.i32Eqz]),
    ];
  return {
    name: `first${want ? "True" : "False"}_${kind}`,
    params: 2,
    results: 1,
    locals: [[3, I32], [1, V128]],
    body: [
      get(p),
      set(start),
      ...ends(p, bytes, end, e64),
      // 64 bytes at a time until a step holds a match.
      op.block,
      get(p),
      get(e64),
      op.i32LtU,
      op.if,
      op.loop,
      ...stepCode,
      set(acc),
      get(acc),
      op.v128AnyTrue,
      op.brIf(2),
      ...nextStep(p, e64, 64),
      op.end,
      op.end,
      // Element by element from there.
      ...whileBelow(p, end, size, [
        ...scalar,
        op.if,
        get(p),
        get(start),
        op.i32Sub,
        op.return,
        op.end,
      ]),
      i32(-1),
    ],
  };
}

/** Every kernel of this module, for the rows of the table. */
export function searchFunctions(types: readonly KernelType[]): FunctionSpec[] {
  const kinds: TruthKind[] = [
    "int8",
    "int16",
    "int32",
    "int64",
    "float32",
    "float64",
  ];
  return [
    ...types.filter((t) => t !== "bool").flatMap((t) =>
      (["min", "max"] as const).map((k) => argFunction(t, k))
    ),
    ...kinds.flatMap((k) => [truthFunction(k, true), truthFunction(k, false)]),
  ];
}

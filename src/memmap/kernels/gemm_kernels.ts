/**
 * The matrix product kernels, in WebAssembly SIMD, as one table: for each
 * kernel type a row saying how wide its lanes are and how a product is
 * added, and one generator that writes the kernels of any row. The layout
 * is the one of blocked matrix products (GotoBLAS, BLIS): `linalg.ts`
 * packs a block of A and a panel of B into the kernels' memory, and
 *
 * - `gebp_T(pa, pb, pc, mc, nc, kc, cs)` adds the product of the packed
 *   `mc x kc` block at `pa` (slivers of `MR` rows: for each of the `kc`
 *   columns, its `MR` elements) and the packed `kc x nc` panel at `pb`
 *   (slivers of `NR` columns: for each of the `kc` rows, its `NR`
 *   elements) into the `mc x nc` tile at `pc`, which is packed too: column
 *   slivers of `NR` (`mc` rows of `NR` elements each), `cs` bytes apart.
 *   `mc` and `nc` are multiples of `MR` and `NR` (the packing pads with
 *   zeros). Each `MR x NR` piece of the tile is kept in registers while
 *   the `kc` products are added (`micro_T`).
 * - `gemv_T(pa, px, py, rows, k)` (float types): the products of `rows`
 *   rows of `k` elements at `pa` (one after another) and the `k` elements
 *   at `px`, to `rows` elements at `py`: a matrix times a vector, read
 *   once, four vectors of products at a time.
 *
 * Float products are added with relaxed SIMD's `madd` where the engine has
 * it (fused on machines with FMA, as OpenBLAS's kernels; the result is
 * within rounding of the unfused one), else multiplied and added.
 * Integer products wrap modulo 2^32 (`i32`: every integer type of up to 32
 * bits and bool, computed modulo 2^32 and then narrowed, which gives
 * NumPy's wrapped result) or 2^64 (`i64`).
 *
 * @module
 */

import {
  encodeModule,
  F32,
  F64,
  type FunctionSpec,
  I32,
  op,
  V128,
} from "./wasm.ts";

/** The types the kernels compute in. */
export type GemmType = "f64" | "f32" | "i64" | "i32";

/** How one kernel type is computed. */
export interface GemmRow {
  /** Bytes per element. */
  readonly size: 4 | 8;
  /** Rows of the register block. */
  readonly mr: number;
  /** Columns of the register block (a multiple of the lanes). */
  readonly nr: number;
  /** Loads one element at the address on the stack into every lane. */
  readonly splat: (offset: number) => number[];
  /** `a * b + c` of the three vectors on the stack, fused or not (floats with relaxed SIMD). */
  readonly madd?: number[];
  /** Lane-wise product and sum. */
  readonly mul: number[];
  readonly add: number[];
}

/** The table: one row per kernel type (register blocks of 6 x 2 vectors: 12 accumulators). */
export const GEMM_ROWS: Record<GemmType, GemmRow> = {
  f64: {
    size: 8,
    mr: 6,
    nr: 4,
    splat: op.v128Load64Splat,
    madd: op.f64x2RelaxedMadd,
    mul: op.f64x2Mul,
    add: op.f64x2Add,
  },
  f32: {
    size: 4,
    mr: 6,
    nr: 8,
    splat: op.v128Load32Splat,
    madd: op.f32x4RelaxedMadd,
    mul: op.f32x4Mul,
    add: op.f32x4Add,
  },
  i64: {
    size: 8,
    mr: 6,
    nr: 4,
    splat: op.v128Load64Splat,
    mul: op.i64x2Mul,
    add: op.i64x2Add,
  },
  i32: {
    size: 4,
    mr: 6,
    nr: 8,
    splat: op.v128Load32Splat,
    mul: op.i32x4Mul,
    add: op.i32x4Add,
  },
};

/** Every kernel type. */
export const GEMM_TYPES = Object.keys(GEMM_ROWS) as GemmType[];

const { localGet: get, localSet: set, i32Const: i32 } = op;

/**
 * `micro_T(pa, pb, pc, kc)`: the `MR x NR` piece of the tile at `pc` (rows
 * of `NR` elements, one after another) plus the product of an A sliver and
 * a B sliver, `kc` deep.
 */
function microFunction(type: GemmType, fused: boolean): FunctionSpec {
  const row = GEMM_ROWS[type];
  const { mr, nr, size } = row;
  const vectors = (nr * size) / 16;
  // Locals after the 4 parameters: accumulators, B vectors, the A splat.
  const acc = (r: number, j: number) => 4 + r * vectors + j;
  const b = (j: number) => 4 + mr * vectors + j;
  const a = 4 + mr * vectors + vectors;
  const half = a + 1;
  const body: number[][] = [];
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < vectors; j++) {
      body.push(get(2), op.v128Load(16 * (r * vectors + j)), set(acc(r, j)));
    }
  }
  /** One step of the depth: products of column `u` of the A sliver and row `u` of the B sliver. */
  const step = (u: number) => {
    for (let j = 0; j < vectors; j++) {
      body.push(get(1), op.v128Load(16 * j + u * nr * size), set(b(j)));
    }
    for (let r = 0; r < mr; r++) {
      body.push(get(0), row.splat(size * (r + u * mr)), set(a));
      for (let j = 0; j < vectors; j++) {
        body.push(
          ...(fused && row.madd
            ? [get(a), get(b(j)), get(acc(r, j)), row.madd]
            : [get(a), get(b(j)), row.mul, get(acc(r, j)), row.add]),
          set(acc(r, j)),
        );
      }
    }
  };
  // Two steps per turn (kc >> 1 turns), then the odd one.
  body.push(get(3), i32(1), op.i32ShrU, op.localTee(half), op.if, op.loop);
  step(0);
  step(1);
  body.push(
    ...advance(0, 2 * mr * size),
    ...advance(1, 2 * nr * size),
    get(half),
    i32(1),
    op.i32Sub,
    op.localTee(half),
    op.brIf(0),
    op.end,
    op.end,
    get(3),
    i32(1),
    op.i32And,
    op.if,
  );
  step(0);
  body.push(op.end);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < vectors; j++) {
      body.push(get(2), get(acc(r, j)), op.v128Store(16 * (r * vectors + j)));
    }
  }
  return {
    name: `micro_${type}`,
    params: 4,
    locals: [[mr * vectors + vectors + 1, V128], [1, I32]],
    body,
    exported: false,
  };
}

/** `local += step`. */
function advance(local: number, step: number | number[]): number[][] {
  return [
    get(local),
    typeof step === "number" ? i32(step) : step,
    op.i32Add,
    set(local),
  ];
}

/**
 * `gebp_T(pa, pb, pc, mc, nc, kc, cs)`: every `MR x NR` piece of the tile,
 * B sliver by B sliver (it stays in the L1 cache while the A block streams
 * from L2). The tile is kept as column slivers of `NR` (rows of `NR`
 * elements one after another, `mc` of them), `cs` bytes apart, so that
 * each piece is contiguous.
 */
function gebpFunction(type: GemmType): FunctionSpec {
  const { mr, nr, size } = GEMM_ROWS[type];
  // Locals: 7 jr, 8 ir, 9 A sliver, 10 B sliver, 11 C piece, 12 C sliver.
  const [jr, ir, pa, pb, pc, pcs] = [7, 8, 9, 10, 11, 12];
  const sliver = [get(5), i32(mr * size), op.i32Mul];
  return {
    name: `gebp_${type}`,
    params: 7,
    locals: [[6, I32]],
    body: [
      i32(0),
      set(jr),
      get(1),
      set(pb),
      get(2),
      set(pcs),
      op.block,
      op.loop,
      get(jr),
      get(4),
      op.i32GeU,
      op.brIf(1),
      i32(0),
      set(ir),
      get(0),
      set(pa),
      get(pcs),
      set(pc),
      op.block,
      op.loop,
      get(ir),
      get(3),
      op.i32GeU,
      op.brIf(1),
      get(pa),
      get(pb),
      get(pc),
      get(5),
      { call: `micro_${type}` },
      ...advance(ir, mr),
      ...advance(pa, sliver.flat()),
      ...advance(pc, mr * nr * size),
      op.br(0),
      op.end,
      op.end,
      ...advance(jr, nr),
      ...advance(pb, [get(5), i32(nr * size), op.i32Mul].flat()),
      ...advance(pcs, get(6)),
      op.br(0),
      op.end,
      op.end,
    ],
  };
}

/** How the float kernel types are read and added one element at a time. */
const SCALARS = {
  f64: {
    type: F64,
    load: op.f64Load,
    store: op.f64Store,
    mul: op.f64Mul,
    add: op.f64Add,
    lane: op.f64x2ExtractLane,
    zero: op.f64Const(0),
  },
  f32: {
    type: F32,
    load: op.f32Load,
    store: op.f32Store,
    mul: op.f32Mul,
    add: op.f32Add,
    lane: op.f32x4ExtractLane,
    zero: op.f32Const(0),
  },
};

/** `gemv_T(pa, px, py, rows, k)`: a matrix (rows one after another) times a vector. */
function gemvFunction(type: "f64" | "f32", fused: boolean): FunctionSpec {
  const row = GEMM_ROWS[type];
  const sc = SCALARS[type];
  const { size } = row;
  // Locals: 5 byte offset q, 6 bytes per row; 7-10 accumulators; 11 the sum.
  const [q, bytes, s] = [5, 6, 11];
  const accs = [7, 8, 9, 10];
  const madd = (pa: number, px: number, offset: number, acc: number) => [
    get(pa),
    get(q),
    op.i32Add,
    op.v128Load(offset),
    get(px),
    get(q),
    op.i32Add,
    op.v128Load(offset),
    ...(fused && row.madd
      ? [get(acc), row.madd]
      : [row.mul, get(acc), row.add]),
    set(acc),
  ];
  /** `while (q + step <= bytes) { body; q += step }`. */
  const steps = (step: number, body: number[][]) => [
    op.block,
    op.loop,
    get(q),
    i32(step),
    op.i32Add,
    get(bytes),
    op.i32GtU,
    op.brIf(1),
    ...body,
    ...advance(q, step),
    op.br(0),
    op.end,
    op.end,
  ];
  const lanes = 16 / size;
  return {
    name: `gemv_${type}`,
    params: 5,
    locals: [[2, I32], [4, V128], [1, sc.type]],
    body: [
      get(4),
      i32(size),
      op.i32Mul,
      set(bytes),
      op.block,
      op.loop,
      get(3),
      op.i32Eqz,
      op.brIf(1),
      ...accs.flatMap((a) => [op.v128Const(new Uint8Array(16)), set(a)]),
      i32(0),
      set(q),
      ...steps(64, accs.flatMap((a, i) => madd(0, 1, 16 * i, a))),
      ...steps(16, madd(0, 1, 0, accs[0])),
      get(accs[0]),
      get(accs[1]),
      row.add,
      get(accs[2]),
      get(accs[3]),
      row.add,
      row.add,
      set(accs[0]),
      get(accs[0]),
      sc.lane(0),
      ...Array.from({ length: lanes - 1 }, (_, l) => [
        get(accs[0]),
        sc.lane(l + 1),
        sc.add,
      ]).flat(),
      set(s),
      ...steps(size, [
        get(s),
        get(0),
        get(q),
        op.i32Add,
        sc.load(),
        get(1),
        get(q),
        op.i32Add,
        sc.load(),
        sc.mul,
        sc.add,
        set(s),
      ]),
      get(2),
      get(s),
      sc.store(),
      ...advance(0, get(bytes)),
      ...advance(2, size),
      get(3),
      i32(1),
      op.i32Sub,
      set(3),
      op.br(0),
      op.end,
      op.end,
    ],
  };
}

/**
 * The module of every kernel type.
 *
 * @param fused Whether float products are added with relaxed SIMD's `madd`.
 * @returns The module's bytes.
 */
export function gemmKernelsModule(fused: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule([
    ...GEMM_TYPES.flatMap((t) => [microFunction(t, fused), gebpFunction(t)]),
    gemvFunction("f64", fused),
    gemvFunction("f32", fused),
  ]) as Uint8Array<ArrayBuffer>;
}

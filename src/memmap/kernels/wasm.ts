/**
 * Just enough of the WebAssembly binary format to write small kernels in
 * TypeScript: imported memories (one, or several: multi-memory), functions with typed parameters and
 * results, calls between them, and the instructions the kernels use
 * (including the 128-bit SIMD ones). Each instruction helper returns its
 * bytes, so a function body reads like the text format, in stack order.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
/** 64-bit integer. */
export const I64 = 0x7e;
/** 32-bit float. */
export const F32 = 0x7d;
/** 64-bit float. */
export const F64 = 0x7c;
/** 128-bit vector. */
export const V128 = 0x7b;

/** A value type. */
export type ValType =
  | typeof I32
  | typeof I64
  | typeof F32
  | typeof F64
  | typeof V128;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) ||
      (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Signed LEB128 of a 64-bit value. */
function sleb64(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) ||
      (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function simd(opcode: number): number[] {
  return [0xfd, ...uleb(opcode)];
}

/**
 * A memory instruction: opcode, alignment (log2) and offset immediates, and
 * the memory's index where it is not the first (multi-memory: bit 6 of the
 * alignment flags says an index follows).
 */
function mem(
  code: number[],
  align: number,
): (offset?: number, memory?: number) => number[] {
  return (offset = 0, memory = 0) =>
    memory === 0
      ? [...code, align, ...uleb(offset)]
      : [...code, align | 0x40, ...uleb(memory), ...uleb(offset)];
}

/** The SIMD instructions without immediates, by text-format name. */
const SIMD_OPS = {
  i8x16Splat: 0x0f,
  i16x8Splat: 0x10,
  i32x4Splat: 0x11,
  i8x16Eq: 0x23,
  i8x16Ne: 0x24,
  i8x16LtS: 0x25,
  i8x16LtU: 0x26,
  i8x16GtS: 0x27,
  i8x16GtU: 0x28,
  i8x16LeS: 0x29,
  i8x16LeU: 0x2a,
  i8x16GeS: 0x2b,
  i8x16GeU: 0x2c,
  i16x8Eq: 0x2d,
  i16x8Ne: 0x2e,
  i16x8LtS: 0x2f,
  i16x8LtU: 0x30,
  i16x8GtS: 0x31,
  i16x8GtU: 0x32,
  i16x8LeS: 0x33,
  i16x8LeU: 0x34,
  i16x8GeS: 0x35,
  i16x8GeU: 0x36,
  i32x4Eq: 0x37,
  i32x4Ne: 0x38,
  i32x4LtS: 0x39,
  i32x4LtU: 0x3a,
  i32x4GtS: 0x3b,
  i32x4GtU: 0x3c,
  i32x4LeS: 0x3d,
  i32x4LeU: 0x3e,
  i32x4GeS: 0x3f,
  i32x4GeU: 0x40,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  f64x2Eq: 0x47,
  f64x2Ne: 0x48,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Le: 0x4b,
  f64x2Ge: 0x4c,
  /** Two float64 lanes to float32 lanes 0 and 1 (2 and 3 zero). */
  f32x4DemoteF64x2Zero: 0x5e,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  v128AnyTrue: 0x53,
  /** One bit per byte lane: bit k set when lane k's top bit is. */
  i8x16Bitmask: 0x64,
  i8x16Neg: 0x61,
  /** Two i16x8 vectors to one i8x16, each lane saturated to the signed 8-bit range. */
  i8x16NarrowI16x8S: 0x65,
  /** Two i32x4 vectors to one i16x8, each lane saturated to the signed 16-bit range. */
  i16x8NarrowI32x4S: 0x85,
  f64x2PromoteLowF32x4: 0x5f,
  i8x16Add: 0x6e,
  i8x16Sub: 0x71,
  i8x16MinS: 0x76,
  i8x16MinU: 0x77,
  i8x16MaxS: 0x78,
  i8x16MaxU: 0x79,
  i16x8ExtaddPairwiseI8x16S: 0x7c,
  i16x8ExtaddPairwiseI8x16U: 0x7d,
  i32x4ExtaddPairwiseI16x8S: 0x7e,
  i32x4ExtaddPairwiseI16x8U: 0x7f,
  i16x8ExtendLowI8x16S: 0x87,
  i16x8ExtendHighI8x16S: 0x88,
  i16x8ExtendLowI8x16U: 0x89,
  i16x8ExtendHighI8x16U: 0x8a,
  i16x8Add: 0x8e,
  i16x8Sub: 0x91,
  i16x8Mul: 0x95,
  i16x8MinS: 0x96,
  i16x8MinU: 0x97,
  i16x8MaxS: 0x98,
  i16x8MaxU: 0x99,
  i32x4ExtendLowI16x8S: 0xa7,
  i32x4ExtendHighI16x8S: 0xa8,
  i32x4ExtendLowI16x8U: 0xa9,
  i32x4ExtendHighI16x8U: 0xaa,
  /** 1 when every 32-bit lane is non-zero. */
  i32x4AllTrue: 0xa3,
  /** `v128 i32 -> v128`: each 32-bit lane shifted left. */
  i32x4Shl: 0xab,
  /** `v128 i32 -> v128`: each 32-bit lane shifted right, sign kept. */
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4MinS: 0xb6,
  i32x4MinU: 0xb7,
  i32x4MaxS: 0xb8,
  i32x4MaxU: 0xb9,
  i32x4Mul: 0xb5,
  i64x2ExtendLowI32x4S: 0xc7,
  i64x2ExtendHighI32x4S: 0xc8,
  i64x2ExtendLowI32x4U: 0xc9,
  i64x2ExtendHighI32x4U: 0xca,
  /** Rounds up (the lanes stay float32; a NaN quieted, its payload kept). */
  f32x4Ceil: 0x67,
  /** Rounds down (the lanes stay float32). */
  f32x4Floor: 0x68,
  /** Rounds toward zero (the lanes stay float32). */
  f32x4Trunc: 0x69,
  /** Rounds to the nearest integer, ties to even (the lanes stay float32). */
  f32x4Nearest: 0x6a,
  /** Rounds up (the lanes stay float64; a NaN quieted, its payload kept). */
  f64x2Ceil: 0x74,
  /** Rounds down (the lanes stay float64). */
  f64x2Floor: 0x75,
  /** Rounds toward zero (the lanes stay float64). */
  f64x2Trunc: 0x7a,
  /** Rounds to the nearest integer, ties to even (the lanes stay float64). */
  f64x2Nearest: 0x94,
  /** `v128 i32 -> v128`: each 64-bit lane shifted left. */
  i64x2Shl: 0xcb,
  /** `v128 i32 -> v128`: each 64-bit lane shifted right, sign kept. */
  i64x2ShrS: 0xcc,
  /** `v128 i32 -> v128`: each 64-bit lane shifted right, zeros in. */
  i64x2ShrU: 0xcd,
  /** 1 when every 64-bit lane is non-zero. */
  i64x2AllTrue: 0xc3,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
  i64x2Mul: 0xd5,
  i64x2Eq: 0xd6,
  i64x2Ne: 0xd7,
  i64x2LtS: 0xd8,
  i64x2GtS: 0xd9,
  i64x2LeS: 0xda,
  i64x2GeS: 0xdb,
  /** Clears the sign bit (every other bit kept, a NaN's too). */
  f32x4Abs: 0xe0,
  /** Flips the sign bit (every other bit kept, a NaN's too). */
  f32x4Neg: 0xe1,
  /** The correctly rounded square root, lane by lane. */
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  /** `b < a ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f32x4Pmin: 0xea,
  /** `a < b ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f32x4Pmax: 0xeb,
  /** Clears the sign bit (every other bit kept, a NaN's too). */
  f64x2Abs: 0xec,
  /** Flips the sign bit (every other bit kept, a NaN's too). */
  f64x2Neg: 0xed,
  /** The correctly rounded square root, lane by lane. */
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
  /** `b < a ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f64x2Pmin: 0xf6,
  /** `a < b ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f64x2Pmax: 0xf7,
  /** Float64 lanes to int32 lanes 0 and 1 (toward zero, saturating; NaN is 0), lanes 2 and 3 zero. */
  i32x4TruncSatF64x2SZero: 0xfc,
  /** Int32 lanes to float32 lanes (rounded to nearest, ties to even). */
  f32x4ConvertI32x4S: 0xfa,
  /** Uint32 lanes to float32 lanes (rounded to nearest, ties to even). */
  f32x4ConvertI32x4U: 0xfb,
  /** Int32 lanes 0 and 1 to float64 lanes. */
  f64x2ConvertLowI32x4S: 0xfe,
  /** Uint32 lanes 0 and 1 to float64 lanes. */
  f64x2ConvertLowI32x4U: 0xff,
  /** Relaxed SIMD: `a * b + c` lane by lane, fused where the machine fuses (one rounding) or not. */
  f32x4RelaxedMadd: 0x105,
  /** Relaxed SIMD: `c - a * b` lane by lane, fused where the machine fuses (one rounding) or not. */
  f32x4RelaxedNmadd: 0x106,
  /** Relaxed SIMD: `a * b + c` lane by lane, fused where the machine fuses (one rounding) or not. */
  f64x2RelaxedMadd: 0x107,
} as const;

type SimdOps = { readonly [K in keyof typeof SIMD_OPS]: number[] };

const simdOps = Object.fromEntries(
  Object.entries(SIMD_OPS).map(([k, code]) => [k, simd(code)]),
) as SimdOps;

/** The instructions the kernels use, as in the text format. */
export const op = {
  ...simdOps,
  localGet: (i: number): number[] => [0x20, ...uleb(i)],
  localSet: (i: number): number[] => [0x21, ...uleb(i)],
  localTee: (i: number): number[] => [0x22, ...uleb(i)],
  i32Const: (v: number): number[] => [0x41, ...sleb(v)],
  i64Const: (v: bigint): number[] => [0x42, ...sleb64(v)],
  f32Const: (v: number): number[] => [
    0x43,
    ...new Uint8Array(Float32Array.of(v).buffer),
  ],
  f64Const: (v: number): number[] => [
    0x44,
    ...new Uint8Array(Float64Array.of(v).buffer),
  ],
  drop: [0x1a],
  select: [0x1b],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32GtU: [0x4b],
  i32LeU: [0x4d],
  i32GeU: [0x4f],
  i32Ctz: [0x68],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32DivU: [0x6e],
  i32And: [0x71],
  i32Or: [0x72],
  i32Shl: [0x74],
  i32ShrS: [0x75],
  i32ShrU: [0x76],
  i64Eqz: [0x50],
  i64Eq: [0x51],
  i64Ne: [0x52],
  i64And: [0x83],
  f32Eq: [0x5b],
  f32Ne: [0x5c],
  f64Eq: [0x61],
  f64Ne: [0x62],
  i64Add: [0x7c],
  i64Sub: [0x7d],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Min: [0x96],
  f32Max: [0x97],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Min: [0xa4],
  f64Max: [0xa5],
  i64ExtendI32U: [0xad],
  f64ConvertI32U: [0xb8],
  f64ConvertI64S: [0xb9],
  f64ConvertI64U: [0xba],
  f64PromoteF32: [0xbb],
  i32Load: mem([0x28], 2),
  i64Load: mem([0x29], 3),
  f32Load: mem([0x2a], 2),
  f64Load: mem([0x2b], 3),
  i32Store: mem([0x36], 2),
  i64Store: mem([0x37], 3),
  f32Store: mem([0x38], 2),
  f64Store: mem([0x39], 3),
  i32Load8S: mem([0x2c], 0),
  i32Load8U: mem([0x2d], 0),
  i32Load16S: mem([0x2e], 1),
  i32Load16U: mem([0x2f], 1),
  i64Load8S: mem([0x30], 0),
  i64Load8U: mem([0x31], 0),
  i64Load16S: mem([0x32], 1),
  i64Load16U: mem([0x33], 1),
  i64Load32S: mem([0x34], 2),
  i64Load32U: mem([0x35], 2),
  /** `v128.load offset=…`; the address need not be aligned. */
  v128Load: mem(simd(0x00), 4),
  /** `v128.load8_splat offset=…`: one byte into every lane. */
  v128Load8Splat: mem(simd(0x07), 0),
  v128Load16Splat: mem(simd(0x08), 1),
  v128Load32Splat: mem(simd(0x09), 2),
  v128Load64Splat: mem(simd(0x0a), 3),
  /** `v128.store8_lane offset=… lane`: lane `lane` of 8-bit lanes to memory. */
  v128Store8Lane: (lane: number, offset = 0): number[] => [
    ...simd(0x58),
    0,
    ...uleb(offset),
    lane,
  ],
  v128Store16Lane: (lane: number, offset = 0): number[] => [
    ...simd(0x59),
    1,
    ...uleb(offset),
    lane,
  ],
  v128Store32Lane: (lane: number, offset = 0): number[] => [
    ...simd(0x5a),
    2,
    ...uleb(offset),
    lane,
  ],
  v128Store64Lane: (lane: number, offset = 0): number[] => [
    ...simd(0x5b),
    3,
    ...uleb(offset),
    lane,
  ],
  /** `v128.load32_zero offset=…`: four bytes into the low lane. */
  v128Load32Zero: mem(simd(0x5c), 2),
  /** `v128.load64_zero offset=…`: eight bytes into the low half. */
  v128Load64Zero: mem(simd(0x5d), 3),
  /** `v128.store offset=…`; the address need not be aligned. */
  v128Store: mem(simd(0x0b), 4),
  /** `v128.const` of sixteen bytes. */
  v128Const: (bytes: ArrayLike<number>): number[] => [
    ...simd(0x0c),
    ...Array.from(bytes),
  ],
  /** `v128.const` of two float64 lanes. */
  v128ConstF64x2: (a: number, b: number): number[] => [
    ...simd(0x0c),
    ...new Uint8Array(Float64Array.of(a, b).buffer),
  ],
  /** `i8x16.shuffle` of the two vectors on the stack by sixteen lane indices. */
  i8x16Shuffle: (lanes: ArrayLike<number>): number[] => [
    ...simd(0x0d),
    ...Array.from(lanes),
  ],
  i64x2Splat: simd(0x12),
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  i8x16ExtractLaneS: (lane: number): number[] => [...simd(0x15), lane],
  i8x16ExtractLaneU: (lane: number): number[] => [...simd(0x16), lane],
  i16x8ExtractLaneS: (lane: number): number[] => [...simd(0x18), lane],
  i16x8ExtractLaneU: (lane: number): number[] => [...simd(0x19), lane],
  i32x4ExtractLane: (lane: number): number[] => [...simd(0x1b), lane],
  i64x2ExtractLane: (lane: number): number[] => [...simd(0x1d), lane],
  f32x4ExtractLane: (lane: number): number[] => [...simd(0x1f), lane],
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  /** `block` with no result; `end` closes it; `br` to it jumps past its end. */
  block: [0x02, 0x40],
  /** `loop` with no result; `end` closes it. */
  loop: [0x03, 0x40],
  /** `if` with no result on the top of the stack; `end` closes it. */
  if: [0x04, 0x40],
  else: [0x05],
  /** Branch to the enclosing block `depth` levels out. */
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  /** Branch to the enclosing block `depth` levels out if the top is non-zero. */
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  return: [0x0f],
  end: [0x0b],
};

/** A call to a function of the module by its name. */
export interface CallRef {
  /** The callee's name. */
  call: string;
}

/** A function of the module. */
export interface FunctionSpec {
  /** The name (the export name unless `exported` is false). */
  name: string;
  /** The parameter types, or how many `i32` parameters. */
  params: number | readonly ValType[];
  /** The result types, or how many `i32` results; none when omitted. */
  results?: number | readonly ValType[];
  /** Local variables after the parameters, as `[count, type]` runs. */
  locals: [number, number][];
  /** The body's instructions (the final `end` is added). */
  body: (readonly number[] | CallRef)[];
  /** Whether the module exports it; default true. */
  exported?: boolean;
}

/**
 * Encodes a module that imports its memory as `env.memory` (and, with
 * `memories` above 1, more as `env.memory1`, `env.memory2`, ...: memory
 * instructions name them by index) and has `functions` (exporting those
 * not marked otherwise).
 *
 * @param functions The functions, in index order.
 * @param memories How many memories the module imports.
 * @returns The module's bytes.
 */
export function encodeModule(
  functions: FunctionSpec[],
  memories = 1,
): Uint8Array {
  const index = new Map(functions.map((f, i) => [f.name, i]));
  const types = functions.map((f) => [
    0x60,
    ...vector(
      typeof f.params === "number"
        ? new Array(f.params).fill([I32])
        : f.params.map((t) => [t]),
    ),
    ...vector(
      typeof f.results === "number"
        ? new Array(f.results).fill([I32])
        : (f.results ?? []).map((t) => [t]),
    ),
  ]);
  const imports = [...Array(memories).keys()].map((k) => [
    ...name("env"),
    ...name(k === 0 ? "memory" : `memory${k}`),
    2,
    0,
    ...uleb(1),
  ]);
  const exports = functions.flatMap((f, i) =>
    f.exported === false ? [] : [[...name(f.name), 0, ...uleb(i)]]
  );
  const codes = functions.map((f) => {
    const body = [
      ...vector(f.locals.map(([count, type]) => [...uleb(count), type])),
      ...f.body.flatMap((item) => {
        if (!("call" in item)) return item as number[];
        const i = index.get(item.call);
        if (i === undefined) throw new Error(`no function ${item.call}`);
        return [0x10, ...uleb(i)];
      }),
      ...op.end,
    ];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(exports)),
    ...section(10, vector(codes)),
  ]);
}

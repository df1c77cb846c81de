/**
 * Just enough of the WebAssembly binary format to write small kernels in
 * TypeScript: one imported memory, functions of `i32` parameters, and the
 * instructions the kernels use (including the 128-bit SIMD ones). Each
 * instruction helper returns its bytes, so a function body reads like the
 * text format, in stack order.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
/** 64-bit float. */
export const F64 = 0x7c;
/** 128-bit vector. */
export const V128 = 0x7b;

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

/** The instructions the kernels use, as in the text format. */
export const op = {
  localGet: (i: number): number[] => [0x20, ...uleb(i)],
  localSet: (i: number): number[] => [0x21, ...uleb(i)],
  localTee: (i: number): number[] => [0x22, ...uleb(i)],
  i32Const: (v: number): number[] => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32ShrU: [0x76],
  i32And: [0x71],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32Eqz: [0x45],
  i32Or: [0x72],
  i32Shl: [0x74],
  i32Ctz: [0x68],
  /** `i32.store offset=…` (alignment hint 4). */
  i32Store: (offset = 0): number[] => [0x36, 2, ...uleb(offset)],
  f64Add: [0xa0],
  f64Min: [0xa4],
  f64Max: [0xa5],
  /** `f64.load offset=…` (alignment hint 8). */
  f64Load: (offset = 0): number[] => [0x2b, 3, ...uleb(offset)],
  /** `f32.load offset=…` (alignment hint 4). */
  f32Load: (offset = 0): number[] => [0x2a, 2, ...uleb(offset)],
  f64PromoteF32: [0xbb],
  /** `f64.store offset=…` (alignment hint 8). */
  f64Store: (offset = 0): number[] => [0x39, 3, ...uleb(offset)],
  /** `v128.load offset=…`; the address need not be aligned. */
  v128Load: (offset = 0): number[] => [...simd(0x00), 4, ...uleb(offset)],
  /** `v128.load64_zero offset=…`: eight bytes into the low half. */
  v128Load64Zero: (offset = 0): number[] => [...simd(0x5d), 3, ...uleb(offset)],
  f64x2PromoteLowF32x4: simd(0x5f),
  /** `v128.store offset=…`; the address need not be aligned. */
  v128Store: (offset = 0): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  f64x2Add: simd(0xf0),
  /** `b < a ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f64x2Pmin: simd(0xf6),
  /** `a < b ? b : a` lane by lane (one instruction; NaN and -0 not special). */
  f64x2Pmax: simd(0xf7),
  f64x2Ne: simd(0x48),
  v128Or: simd(0x50),
  v128And: simd(0x4e),
  i8x16Splat: simd(0x0f),
  i8x16Eq: simd(0x23),
  /** One bit per byte lane: bit k set when lane k's top bit is. */
  i8x16Bitmask: simd(0x64),
  v128AnyTrue: simd(0x53),
  i64x2Eq: simd(0xd6),
  /** `v128.const` of two float64 lanes. */
  v128ConstF64x2: (a: number, b: number): number[] => [
    ...simd(0x0c),
    ...new Uint8Array(Float64Array.of(a, b).buffer),
  ],
  f64ConvertI32U: [0xb8],
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  /** `loop` with no result; `end` closes it. */
  loop: [0x03, 0x40],
  /** `block` with no result; `end` closes it, a branch to it jumps past its `end`. */
  block: [0x02, 0x40],
  /** Branch to the enclosing block `depth` levels out. */
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  /** Returns from the function with the values on the stack. */
  return: [0x0f],
  /** `if` with no result on the top of the stack; `end` closes it. */
  if: [0x04, 0x40],
  /** Branch to the enclosing block `depth` levels out if the top is non-zero. */
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  end: [0x0b],
};

/** A function of the module. */
export interface FunctionSpec {
  /** The export name. */
  name: string;
  /** Number of `i32` parameters. */
  params: number;
  /** Number of `i32` results; default 0. */
  results?: number;
  /** Local variables after the parameters, as `[count, type]` runs. */
  locals: [number, number][];
  /** The body's instructions (the final `end` is added). */
  body: (readonly number[])[];
}

/**
 * Encodes a module that imports its memory as `env.memory` and exports
 * `functions`.
 *
 * @param functions The functions, in index order.
 * @returns The module's bytes.
 */
export function encodeModule(functions: FunctionSpec[]): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(new Array(f.params).fill([I32])),
    ...vector(new Array(f.results ?? 0).fill([I32])),
  ]);
  const imports = [[...name("env"), ...name("memory"), 2, 0, ...uleb(1)]];
  const exports = functions.map((f, i) => [...name(f.name), 0, ...uleb(i)]);
  const codes = functions.map((f) => {
    const body = [
      ...vector(f.locals.map(([count, type]) => [...uleb(count), type])),
      ...f.body.flat(),
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

/**
 * WebAssembly SIMD kernels that scan bytes sixteen at a time: every index of
 * one byte value (line ends), and the first or last place where two byte
 * values stand a fixed distance apart (the filter of a substring search:
 * only places where the needle's first and last bytes both match are
 * compared in full). They run over bytes copied into their own memory, in
 * chunks small enough to stay in the CPU's cache.
 *
 * @module
 */

import {
  encodeModule,
  type FunctionSpec,
  I32,
  op,
  V128,
} from "../memmap/kernels/wasm.ts";

const { localGet: get, localSet: set, localTee: tee, i32Const: i32 } = op;

/** `(mask >> 0..15)` of the lanes `[0, count)` when `count < 16`, else all. */
function lowLanes(count: number[]): number[][] {
  // (1 << min(count, 16)) - 1, with count >= 16 giving 0xffff
  return [
    i32(1),
    count,
    i32(16),
    count,
    i32(16),
    op.i32LtU,
    [0x1b], // select(count, 16, count < 16)
    op.i32Shl,
    i32(1),
    op.i32Sub,
  ];
}

/** Stores `base + k - p` at `o` (advancing it) for each bit k set in `m`, lowest first. */
function emitBits(m: number, o: number, base: number[], p: number): number[][] {
  return [
    op.block,
    op.loop,
    get(m),
    op.i32Eqz,
    op.brIf(1),
    get(o),
    base,
    get(p),
    op.i32Sub,
    get(m),
    op.i32Ctz,
    op.i32Add,
    op.i32Store(),
    get(o),
    i32(4),
    op.i32Add,
    set(o),
    get(m),
    get(m),
    i32(1),
    op.i32Sub,
    op.i32And,
    set(m),
    op.br(0),
    op.end,
    op.end,
  ];
}

// indexByte(p, n, byte, out) -> count: writes q - p (int32) at out, out + 4,
// ... for every q in [p, p + n) holding `byte`; reads up to 63 bytes past.
const IB = {
  p: 0,
  n: 1,
  byte: 2,
  out: 3,
  q: 4,
  end: 5,
  m: 6,
  o: 7,
  v: 8,
  e0: 9,
  e1: 10,
  e2: 11,
  e3: 12,
};
/** The 32-bit mask of lanes equal to `v` in the equality vectors `a` and `b`. */
function twoMasks(a: number, b: number): number[][] {
  return [
    get(a),
    op.i8x16Bitmask,
    get(b),
    op.i8x16Bitmask,
    i32(16),
    op.i32Shl,
    op.i32Or,
  ];
}
const indexByte: FunctionSpec = {
  name: "indexByte",
  params: 4,
  results: 1,
  locals: [[4, I32], [5, V128]],
  body: [
    get(IB.byte),
    op.i8x16Splat,
    set(IB.v),
    get(IB.p),
    tee(IB.q),
    get(IB.n),
    op.i32Add,
    set(IB.end),
    get(IB.out),
    set(IB.o),
    // 64 bytes at a time while whole blocks remain
    op.block,
    op.loop,
    get(IB.end),
    get(IB.q),
    op.i32Sub,
    i32(64),
    op.i32LtU,
    op.brIf(1),
    ...[IB.e0, IB.e1, IB.e2, IB.e3].flatMap((e, k) => [
      get(IB.q),
      op.v128Load(16 * k),
      get(IB.v),
      op.i8x16Eq,
      set(e),
    ]),
    get(IB.e0),
    get(IB.e1),
    op.v128Or,
    get(IB.e2),
    get(IB.e3),
    op.v128Or,
    op.v128Or,
    op.v128AnyTrue,
    op.if,
    ...twoMasks(IB.e0, IB.e1),
    set(IB.m),
    ...emitBits(IB.m, IB.o, get(IB.q), IB.p),
    ...twoMasks(IB.e2, IB.e3),
    set(IB.m),
    ...emitBits(IB.m, IB.o, [...get(IB.q), ...i32(32), ...op.i32Add], IB.p),
    op.end,
    get(IB.q),
    i32(64),
    op.i32Add,
    set(IB.q),
    op.br(0),
    op.end,
    op.end,
    // the rest, 16 bytes at a time, lanes past the end masked off
    op.block,
    op.loop,
    get(IB.q),
    get(IB.end),
    op.i32GeU,
    op.brIf(1),
    get(IB.q),
    op.v128Load(),
    get(IB.v),
    op.i8x16Eq,
    op.i8x16Bitmask,
    ...lowLanes([...get(IB.end), ...get(IB.q), ...op.i32Sub]),
    op.i32And,
    set(IB.m),
    ...emitBits(IB.m, IB.o, get(IB.q), IB.p),
    get(IB.q),
    i32(16),
    op.i32Add,
    set(IB.q),
    op.br(0),
    op.end,
    op.end,
    get(IB.o),
    get(IB.out),
    op.i32Sub,
    i32(2),
    op.i32ShrU,
  ],
};

/** The vector of places at `q + offset` where `first` stands and `last` stands `gap` bytes on. */
function pairVector(
  q: number,
  offset: number,
  gap: number,
  first: number,
  last: number,
): number[][] {
  return [
    get(q),
    op.v128Load(offset),
    get(first),
    op.i8x16Eq,
    get(q),
    get(gap),
    op.i32Add,
    op.v128Load(offset),
    get(last),
    op.i8x16Eq,
    op.v128And,
  ];
}

// findPair(p, n, b0, b1, gap) -> the first k in [0, n) with mem[p + k] == b0
// and mem[p + k + gap] == b1, or -1; reads up to gap + 63 bytes past p + n.
// findPairLast: the last such k.
const FP = {
  p: 0,
  n: 1,
  b0: 2,
  b1: 3,
  gap: 4,
  q: 5,
  end: 6,
  m: 7,
  v0: 8,
  v1: 9,
  e0: 10,
  e1: 11,
  e2: 12,
  e3: 13,
};
const pairLocals: [number, number][] = [[3, I32], [6, V128]];
const splatBoth = [
  get(FP.b0),
  op.i8x16Splat,
  set(FP.v0),
  get(FP.b1),
  op.i8x16Splat,
  set(FP.v1),
];
/** Sets e0, e1 to the pair vectors of the 32 bytes at q; leaves any_true of both. */
const pair32 = [
  ...pairVector(FP.q, 0, FP.gap, FP.v0, FP.v1),
  tee(FP.e0),
  ...pairVector(FP.q, 16, FP.gap, FP.v0, FP.v1),
  tee(FP.e1),
  op.v128Or,
  op.v128AnyTrue,
];
/** m = the 16-lane pair mask at q, lanes at and past `end` masked off. */
const pair16Masked = [
  ...pairVector(FP.q, 0, FP.gap, FP.v0, FP.v1),
  op.i8x16Bitmask,
  ...lowLanes([...get(FP.end), ...get(FP.q), ...op.i32Sub]),
  op.i32And,
  tee(FP.m),
];
/** Sets e0..e3 to the pair vectors of the 64 bytes at q; leaves any_true of them. */
const pair64 = [
  ...[FP.e0, FP.e1, FP.e2, FP.e3].flatMap((e, k) => [
    ...pairVector(FP.q, 16 * k, FP.gap, FP.v0, FP.v1),
    set(e),
  ]),
  get(FP.e0),
  get(FP.e1),
  op.v128Or,
  get(FP.e2),
  get(FP.e3),
  op.v128Or,
  op.v128Or,
  op.v128AnyTrue,
];
const findPair: FunctionSpec = {
  name: "findPair",
  params: 5,
  results: 1,
  locals: pairLocals,
  body: [
    ...splatBoth,
    get(FP.p),
    tee(FP.q),
    get(FP.n),
    op.i32Add,
    set(FP.end),
    op.block,
    op.loop,
    get(FP.end),
    get(FP.q),
    op.i32Sub,
    i32(64),
    op.i32LtU,
    op.brIf(1),
    ...pair64,
    op.if,
    ...twoMasks(FP.e0, FP.e1),
    tee(FP.m),
    op.if,
    get(FP.q),
    get(FP.p),
    op.i32Sub,
    get(FP.m),
    op.i32Ctz,
    op.i32Add,
    op.return,
    op.end,
    get(FP.q),
    get(FP.p),
    op.i32Sub,
    i32(32),
    op.i32Add,
    ...twoMasks(FP.e2, FP.e3),
    op.i32Ctz,
    op.i32Add,
    op.return,
    op.end,
    get(FP.q),
    i32(64),
    op.i32Add,
    set(FP.q),
    op.br(0),
    op.end,
    op.end,
    op.block,
    op.loop,
    get(FP.q),
    get(FP.end),
    op.i32GeU,
    op.brIf(1),
    ...pair16Masked,
    op.if,
    get(FP.q),
    get(FP.p),
    op.i32Sub,
    get(FP.m),
    op.i32Ctz,
    op.i32Add,
    op.return,
    op.end,
    get(FP.q),
    i32(16),
    op.i32Add,
    set(FP.q),
    op.br(0),
    op.end,
    op.end,
    i32(-1),
  ],
};

const findPairLast: FunctionSpec = {
  name: "findPairLast",
  params: 5,
  results: 1,
  locals: pairLocals,
  body: [
    ...splatBoth,
    // [q, end) is the block looked at, from the end down; end is absolute.
    get(FP.p),
    get(FP.n),
    op.i32Add,
    set(FP.end),
    op.block,
    op.loop,
    get(FP.end),
    get(FP.p),
    op.i32Sub,
    i32(32),
    op.i32LtU,
    op.brIf(1),
    get(FP.end),
    i32(32),
    op.i32Sub,
    set(FP.q),
    ...pair32,
    op.if,
    get(FP.q),
    get(FP.p),
    op.i32Sub,
    i32(31),
    op.i32Add,
    ...twoMasks(FP.e0, FP.e1),
    [0x67], // i32.clz
    op.i32Sub,
    op.return,
    op.end,
    get(FP.q),
    set(FP.end),
    op.br(0),
    op.end,
    op.end,
    // under 32 bytes left: one or two blocks of 16 from p
    get(FP.p),
    set(FP.q),
    op.block,
    op.loop,
    get(FP.q),
    get(FP.end),
    op.i32GeU,
    op.brIf(1),
    get(FP.q),
    i32(16),
    op.i32Add,
    set(FP.q),
    op.br(0),
    op.end,
    op.end,
    // q is now the first multiple-of-16 offset from p at or past end; step back
    op.block,
    op.loop,
    get(FP.q),
    get(FP.p),
    op.i32Eq,
    op.brIf(1),
    get(FP.q),
    i32(16),
    op.i32Sub,
    set(FP.q),
    ...pair16Masked,
    op.if,
    get(FP.q),
    get(FP.p),
    op.i32Sub,
    i32(31),
    op.i32Add,
    get(FP.m),
    [0x67], // i32.clz
    op.i32Sub,
    op.return,
    op.end,
    op.br(0),
    op.end,
    op.end,
    i32(-1),
  ],
};

/** The module's bytes. */
export function scanModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([
    indexByte,
    findPair,
    findPairLast,
  ]) as Uint8Array<ArrayBuffer>;
}

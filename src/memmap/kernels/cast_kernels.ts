/**
 * WebAssembly SIMD loops of casts (`astype`, `assign` between types), for
 * contiguous runs whose input and output live in WebAssembly memories (the
 * library's large in-memory arrays, `arrayMemory` in `runtime.ts`, and
 * memory maps shown in place). Only the casts whose vector instructions
 * give NumPy's result bit for bit have a kernel:
 *
 * - integers to integers of any width (wider: sign- or zero-extended by
 *   the input's type; narrower: the low bytes, NumPy's wrap-around;
 *   the same width: the bits);
 * - float64 to float32 (`f32x4.demote_f64x2_zero`, one rounding to
 *   nearest) and float32 to float64 (`f64x2.promote_low_f32x4`, exact);
 * - 8-, 16- and 32-bit integers to float32 and float64 (correctly rounded
 *   conversions of the 32-bit value, as C's).
 *
 * Float to integer casts are not among them: WebAssembly saturates where
 * NumPy (x86-64's conversion) gives the smallest integer, and 64-bit
 * integers have no vector conversion to floats.
 *
 * A kernel is one module per pair of types, made on first use, importing
 * two memories (multi-memory: the input's and the output's), whose `run`
 * writes 32 bytes of output a step.
 *
 * @module
 */

import type { DTypeName } from "../dtype.ts";
import {
  type ElementwiseKernel,
  type KernelInput,
  runInMemory,
} from "./elementwise.ts";
import { encodeModule, op } from "./wasm.ts";

/** Bytes of output each step writes (two vectors). */
const STEP = 32;

/** The integer and float types of the kernels: bytes per element, and signedness for integers. */
const TYPES: Partial<
  Record<DTypeName, { size: number; float: boolean; signed: boolean }>
> = {
  int8: { size: 1, float: false, signed: true },
  uint8: { size: 1, float: false, signed: false },
  int16: { size: 2, float: false, signed: true },
  uint16: { size: 2, float: false, signed: false },
  int32: { size: 4, float: false, signed: true },
  uint32: { size: 4, float: false, signed: false },
  int64: { size: 8, float: false, signed: true },
  uint64: { size: 8, float: false, signed: false },
  float32: { size: 4, float: true, signed: true },
  float64: { size: 8, float: true, signed: true },
};

/** Loads `bytes` (16, 8, 4 or 2) of the input at `offset` past its pointer into the low lanes of a vector. */
function load(bytes: number, offset: number): number[] {
  const at = [...op.localGet(0)];
  switch (bytes) {
    case 16:
      return [...at, ...op.v128Load(offset, 0)];
    case 8:
      return [...at, ...op.v128Load64Zero(offset, 0)];
    case 4:
      return [...at, ...op.v128Load32Zero(offset, 0)];
    default:
      return [...at, ...op.v128Load16Splat(offset, 0)];
  }
}

type Name = keyof typeof op;

/** The shape name of integer lanes of `size` bytes (`i32x4`). */
function shape(size: number): string {
  return `i${size * 8}x${16 / size}`;
}

/** Integer lanes of `from` bytes, the vector's low ones, extended to `to` bytes by the input's sign. */
function widen(from: number, to: number, signed: boolean): number[] {
  const out: number[] = [];
  for (let s = from; s < to; s *= 2) {
    const name = `${shape(2 * s)}ExtendLowI${shape(s).slice(1)}${
      signed ? "S" : "U"
    }` as Name;
    out.push(...(op[name] as number[]));
  }
  return out;
}

/**
 * One vector of integer lanes of `to` bytes from the input's lanes of
 * `from` bytes at `offset` (`from` > `to`): the low bytes of each, by
 * shuffles of pairs of vectors halving the lanes' width.
 */
function narrow(from: number, to: number, offset: number): number[] {
  if (from === to) return load(16, offset);
  const lanes: number[] = [];
  for (let half = 0; half < 2; half++) {
    for (let e = 0; e < 16 / (2 * to); e++) {
      for (let b = 0; b < to; b++) lanes.push(half * 16 + e * 2 * to + b);
    }
  }
  return [
    ...narrow(from, 2 * to, offset),
    ...narrow(from, 2 * to, offset + 8 * from / to),
    ...op.i8x16Shuffle(lanes),
  ];
}

/**
 * The code of one output vector (16 bytes of `to` elements) from the
 * input of `from` elements at `offset`, or null where no exact vector
 * code exists.
 */
function vectorOf(from: DTypeName, to: DTypeName, offset: number) {
  const f = TYPES[from], t = TYPES[to];
  if (f === undefined || t === undefined) return null;
  const bytes = 16 * f.size / t.size;
  if (!f.float && !t.float) {
    if (f.size > t.size) return narrow(f.size, t.size, offset);
    return [...load(bytes, offset), ...widen(f.size, t.size, f.signed)];
  }
  if (f.float && t.float) {
    if (from === "float64" && to === "float32") {
      return [
        ...load(16, offset),
        ...op.f32x4DemoteF64x2Zero,
        ...load(16, offset + 16),
        ...op.f32x4DemoteF64x2Zero,
        ...op.i8x16Shuffle([
          ...[0, 1, 2, 3, 4, 5, 6, 7],
          ...[16, 17, 18, 19, 20, 21, 22, 23],
        ]),
      ];
    }
    if (from === "float32" && to === "float64") {
      return [...load(8, offset), ...op.f64x2PromoteLowF32x4];
    }
    return null;
  }
  if (f.float || f.size > 4) return null;
  // An integer of up to 32 bits: widened to 32-bit lanes, then converted.
  const unsigned = f.size === 4 && !f.signed;
  const convert = to === "float32"
    ? unsigned ? op.f32x4ConvertI32x4U : op.f32x4ConvertI32x4S
    : unsigned
    ? op.f64x2ConvertLowI32x4U
    : op.f64x2ConvertLowI32x4S;
  return [...load(bytes, offset), ...widen(f.size, 4, f.signed), ...convert];
}

function kernelModule(from: DTypeName, to: DTypeName): Uint8Array | null {
  const f = TYPES[from]!, t = TYPES[to]!;
  const first = vectorOf(from, to, 0);
  if (first === null) return null;
  const inStep = STEP * f.size / t.size;
  const IN = 0, OUT = 1, END = 2;
  const body = [
    op.block,
    op.loop,
    op.localGet(OUT),
    op.localGet(END),
    op.i32GeU,
    op.brIf(1),
    op.localGet(OUT),
    first,
    op.v128Store(0, 1),
    op.localGet(OUT),
    vectorOf(from, to, inStep / 2)!,
    op.v128Store(16, 1),
    ...[[IN, inStep], [OUT, STEP]].flatMap(([local, step]) => [
      op.localGet(local),
      op.i32Const(step),
      op.i32Add,
      op.localSet(local),
    ]),
    op.br(0),
    op.end,
    op.end,
  ];
  return encodeModule([{ name: "run", params: 3, locals: [], body }], 2);
}

type Run = (input: number, output: number, end: number) => void;

/** A compiled module and its instances, by their memories (input, output). */
interface Compiled {
  module: WebAssembly.Module;
  instances: WeakMap<WebAssembly.Memory, WeakMap<WebAssembly.Memory, Run>>;
}

const modules = new Map<string, Compiled | null>();

function compiled(from: DTypeName, to: DTypeName): Compiled | null {
  const key = `${from}:${to}`;
  let c = modules.get(key);
  if (c === undefined) {
    c = null;
    try {
      const bytes = kernelModule(from, to);
      if (bytes !== null) {
        c = {
          module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
          instances: new WeakMap(),
        };
      }
    } catch {
      // No WebAssembly SIMD or multi-memory here.
    }
    modules.set(key, c);
  }
  return c;
}

function runOf(
  c: Compiled,
  input: WebAssembly.Memory,
  output: WebAssembly.Memory,
): Run {
  let byOut = c.instances.get(input);
  if (byOut === undefined) c.instances.set(input, byOut = new WeakMap());
  let run = byOut.get(output);
  if (run === undefined) {
    const env = { memory: input, memory1: output };
    run = new WebAssembly.Instance(c.module, { env }).exports.run as Run;
    byOut.set(output, run);
  }
  return run;
}

/**
 * The vector kernel of the cast from `from` to `to` (NumPy's unsafe
 * casting, both in native byte order; one input, then the output, as an
 * element-wise kernel's), or null where there is none (the pair has no
 * exact vector code, or no WebAssembly SIMD or multi-memory).
 *
 * @param from The input's type.
 * @param to The output's type.
 * @returns The kernel, or null.
 */
export function castKernel(
  from: DTypeName,
  to: DTypeName,
): ElementwiseKernel | null {
  if (from === to) return null;
  const c = compiled(from, to);
  if (c === null) return null;
  const si = TYPES[from]!.size, so = TYPES[to]!.size;
  const perStep = STEP / so;
  const at = (
    n: number,
    [x]: readonly KernelInput[],
    mo: WebAssembly.Memory,
    po: number,
  ): number => {
    const count = n - n % perStep;
    if (count === 0 || "value" in x) return 0;
    runOf(c, x.memory, mo)(x.address, po, po + count * so);
    return count;
  };
  return {
    at,
    run: (n, arrays, starts, steps) =>
      runInMemory(n, arrays, starts, steps, [si, so], perStep, at),
  };
}

/**
 * WebAssembly SIMD loops of element-wise operations, for contiguous runs
 * of arrays whose data live in WebAssembly memories of their own (large
 * in-memory arrays, `arrayMemory` in `runtime.ts`): the kernel reads both
 * inputs and writes the output in place, 16 bytes per instruction, where
 * the JavaScript loop handles one element at a time (float32 and the
 * integer types are bound by that, not by memory).
 *
 * A ufunc row names the vector instruction of each of its loop types
 * (`Ufunc.simd` in `ufunc/table.ts`); the kernels of one instruction and
 * type are a module of their own, made on first use, importing three
 * memories (multi-memory): the first input's, the second's and the
 * output's. A module has three functions: both inputs moving (`vv`), the
 * second fixed (`vs`, a scalar or a broadcast value, passed as a number)
 * and the first fixed (`sv`).
 *
 * @module
 */

import type { DTypeName } from "../dtype.ts";
import type { TypedArray } from "../element.ts";
import { dataMemory } from "./runtime.ts";
import {
  encodeModule,
  F32,
  F64,
  type FunctionSpec,
  I32,
  I64,
  op,
  type ValType,
} from "./wasm.ts";

/** The vector shape of each type the kernels handle (`i32x4`: four 32-bit lanes). */
const SHAPES = {
  int8: "i8x16",
  uint8: "i8x16",
  int16: "i16x8",
  uint16: "i16x8",
  int32: "i32x4",
  uint32: "i32x4",
  int64: "i64x2",
  uint64: "i64x2",
  float32: "f32x4",
  float64: "f64x2",
} as const;

/** A type the element-wise kernels handle. */
export type SimdType = keyof typeof SHAPES;

/** A vector instruction of `wasm.ts` without immediates, by name. */
type Instruction = keyof typeof op;

/**
 * The vector instructions named `${shape}${suffix}` for `types` (the
 * `simd` field of a ufunc row): `simdOps("Add")` is `{ int8: "i8x16Add",
 * ..., float64: "f64x2Add" }`.
 *
 * @param suffix The instruction's name after the shape (`"Add"`).
 * @param types The loop types that have it; default every type.
 * @returns The instruction by type.
 */
export function simdOps(
  suffix: string,
  types: readonly SimdType[] = Object.keys(SHAPES) as SimdType[],
): Partial<Record<DTypeName, string>> {
  return Object.fromEntries(types.map((t) => [t, `${SHAPES[t]}${suffix}`]));
}

/** Each shape's lanes: bytes per element, and the WebAssembly type of one (a fixed input's parameter). */
const LANES: Record<string, { size: number; scalar: ValType }> = {
  i8x16: { size: 1, scalar: I32 },
  i16x8: { size: 2, scalar: I32 },
  i32x4: { size: 4, scalar: I32 },
  i64x2: { size: 8, scalar: I64 },
  f32x4: { size: 4, scalar: F32 },
  f64x2: { size: 8, scalar: F64 },
};

/** Bytes each kernel loop iteration takes of every operand (two vectors). */
const STEP = 32;

/** The kernels of one instruction and type: `(a, b, out, end)` with `out` and `end` byte addresses. */
type Kernel = (
  a: number | bigint,
  b: number | bigint,
  o: number,
  end: number,
) => void;

interface Functions {
  vv: Kernel;
  vs: Kernel;
  sv: Kernel;
}

/** The body of a loop over `[o, end)`, `STEP` bytes at a time; `x`/`y` load a vector at an offset. */
function loopBody(
  instruction: number[],
  x: (offset: number) => number[],
  y: (offset: number) => number[],
  moving: number[],
): number[][] {
  const O = 2, END = 3;
  const vector = (offset: number) => [
    op.localGet(O),
    x(offset),
    y(offset),
    instruction,
    op.v128Store(offset, 2),
  ];
  return [
    op.block,
    op.loop,
    op.localGet(O),
    op.localGet(END),
    op.i32GeU,
    op.brIf(1),
    ...vector(0),
    ...vector(16),
    ...[...moving, O].flatMap((local) => [
      op.localGet(local),
      op.i32Const(STEP),
      op.i32Add,
      op.localSet(local),
    ]),
    op.br(0),
    op.end,
    op.end,
  ];
}

function kernelModule(
  name: Instruction,
  shape: string,
): Uint8Array<ArrayBuffer> {
  const instruction = op[name] as number[];
  const scalar = LANES[shape].scalar;
  const splat = op[`${shape}Splat` as Instruction] as number[];
  const V = 4; // the splat's local
  const load = (p: number, memory: number) => (offset: number) => [
    ...op.localGet(p),
    ...op.v128Load(offset, memory),
  ];
  const fixed = () => op.localGet(V);
  const setSplat = (p: number) => [op.localGet(p), splat, op.localSet(V)];
  const fns: FunctionSpec[] = [
    {
      name: "vv",
      params: 4,
      locals: [],
      body: loopBody(instruction, load(0, 0), load(1, 1), [0, 1]),
    },
    {
      name: "vs",
      params: [I32, scalar, I32, I32],
      locals: [[1, 0x7b]],
      body: [
        ...setSplat(1),
        ...loopBody(instruction, load(0, 0), fixed, [0]),
      ],
    },
    {
      name: "sv",
      params: [scalar, I32, I32, I32],
      locals: [[1, 0x7b]],
      body: [
        ...setSplat(0),
        ...loopBody(instruction, fixed, load(1, 1), [1]),
      ],
    },
  ];
  return encodeModule(fns, 3) as Uint8Array<ArrayBuffer>;
}

/** A compiled module and its instances, by their memories (first input, second, output). */
interface Compiled {
  module: WebAssembly.Module;
  instances: WeakMap<
    WebAssembly.Memory,
    WeakMap<WebAssembly.Memory, WeakMap<WebAssembly.Memory, Functions>>
  >;
}

const modules = new Map<string, Compiled | null>();

function compiled(name: Instruction, shape: string): Compiled | null {
  let c = modules.get(name);
  if (c === undefined) {
    try {
      c = {
        module: new WebAssembly.Module(kernelModule(name, shape)),
        instances: new WeakMap(),
      };
    } catch {
      c = null; // No WebAssembly SIMD or multi-memory here.
    }
    modules.set(name, c);
  }
  return c;
}

function functionsOf(
  c: Compiled,
  a: WebAssembly.Memory,
  b: WebAssembly.Memory,
  o: WebAssembly.Memory,
): Functions {
  let byB = c.instances.get(a);
  if (byB === undefined) c.instances.set(a, byB = new WeakMap());
  let byO = byB.get(b);
  if (byO === undefined) byB.set(b, byO = new WeakMap());
  let f = byO.get(o);
  if (f === undefined) {
    const env = { memory: a, memory1: b, memory2: o };
    f = new WebAssembly.Instance(c.module, { env })
      .exports as unknown as Functions;
    byO.set(o, f);
  }
  return f;
}

/** An input of a kernel call: bytes at `address` of `memory`, or a fixed `value`. */
export type KernelInput =
  | { readonly memory: WebAssembly.Memory; readonly address: number }
  | { readonly value: number | bigint };

/** The vector kernel of one instruction and type (see {@linkcode binaryKernel}). */
export interface BinaryKernel {
  /**
   * Computes a run of typed arrays in place: the output and the moving
   * inputs step by one element; an input with step 0 is fixed. Returns
   * how many elements (from the first) the kernel computed: a multiple of
   * the vector loop's step, or 0 where it cannot run (operands outside
   * WebAssembly memories); the caller computes the rest.
   */
  run(
    n: number,
    a: TypedArray,
    ia: number,
    sa: number,
    b: TypedArray,
    ib: number,
    sb: number,
    o: TypedArray,
    io: number,
  ): number;
  /**
   * Computes `n` elements of inputs already in WebAssembly memories (one
   * of them moving) into `o` from byte `po`. Returns how many it computed
   * (the caller computes the rest).
   */
  at(
    n: number,
    a: KernelInput,
    b: KernelInput,
    o: WebAssembly.Memory,
    po: number,
  ): number;
}

/**
 * The vector kernel of `instruction` (a name in `wasm.ts`'s `op`) for
 * loops of `type`, or null where it cannot be made (no WebAssembly SIMD
 * or multi-memory). Inputs and output are of `type`.
 *
 * @param instruction The lane-wise instruction (`"f32x4Add"`).
 * @param type The loop's type.
 * @returns The kernel, or null.
 */
export function binaryKernel(
  instruction: string,
  type: SimdType,
): BinaryKernel | null {
  const shape = SHAPES[type];
  if (!instruction.startsWith(shape) || !(instruction in op)) return null;
  const c = compiled(instruction as Instruction, shape);
  if (c === null) return null;
  const size = LANES[shape].size;
  const at = (
    n: number,
    a: KernelInput,
    b: KernelInput,
    mo: WebAssembly.Memory,
    po: number,
  ): number => {
    const count = n - n % (STEP / size);
    if (count === 0 || ("value" in a && "value" in b)) return 0;
    const end = po + count * size;
    const f = functionsOf(
      c,
      "value" in a ? mo : a.memory,
      "value" in b ? mo : b.memory,
      mo,
    );
    if ("value" in a) {
      f.sv(a.value, (b as { address: number }).address, po, end);
    } else if ("value" in b) f.vs(a.address, b.value, po, end);
    else f.vv(a.address, b.address, po, end);
    return count;
  };
  /** An operand of a run in place, or undefined where it is not in a memory of array data. */
  const input = (
    x: TypedArray,
    i: number,
    s: number,
    bytes: number,
  ): KernelInput | undefined => {
    if (s === 0) return { value: x[i] };
    const address = x.byteOffset + i * size;
    const memory = dataMemory(x.buffer, address + bytes);
    return memory === undefined ? undefined : { memory, address };
  };
  return {
    at,
    run(n, a, ia, sa, b, ib, sb, o, io) {
      const bytes = n * size;
      const po = o.byteOffset + io * size;
      const mo = dataMemory(o.buffer, po + bytes);
      if (mo === undefined) return 0;
      const x = input(a, ia, sa, bytes), y = input(b, ib, sb, bytes);
      if (x === undefined || y === undefined) return 0;
      return at(n, x, y, mo, po);
    },
  };
}

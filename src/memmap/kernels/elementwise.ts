/**
 * WebAssembly SIMD loops of element-wise operations, for contiguous runs
 * of arrays whose data live in WebAssembly memories of their own (large
 * in-memory arrays, `arrayMemory` in `runtime.ts`): the kernel reads the
 * inputs and writes the output in place, 16 bytes per instruction, where
 * the JavaScript loop handles one element at a time (float32 and the
 * integer types are bound by that, not by memory).
 *
 * A ufunc row names the vector computation of each of its loop types
 * (`Ufunc.simd` in `ufunc/table.ts`): one instruction (`"f64x2Add"`) or a
 * few ({@linkcode COMPOSITES}: `"f64x2Maximum"` keeps NumPy's NaN and tie
 * rules). Bool operands are lanes of the loop's width: a bool input (the
 * condition of `where`) is widened to a lane mask, a bool output (the
 * comparisons) is narrowed from the lane masks to bytes of 0 and 1.
 *
 * The kernels of one computation and signature are a module of their
 * own, made on first use, importing one memory per operand (multi-memory:
 * the inputs', then the output's). A module has one function per choice
 * of moving and fixed inputs (`"mf"`: the second input fixed, a scalar or
 * a broadcast value, passed as a number).
 *
 * @module
 */

import type { DTypeName } from "../dtype.ts";
import type { TypedArray } from "../element.ts";
import { copyScratch, dataMemory } from "./runtime.ts";
import {
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
 * The vector computations named `${shape}${suffix}` for `types` (the
 * `simd` field of a ufunc row): `simdOps("Add")` is `{ int8: "i8x16Add",
 * ..., float64: "f64x2Add" }`.
 *
 * @param suffix The computation's name after the shape (`"Add"`).
 * @param types The loop types that have it; default every type.
 * @returns The computation by type.
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

/**
 * One vector of a computation's result: input `k`'s vector (a number), or
 * an instruction of `wasm.ts` applied to the vectors of its arguments.
 */
type Lanes = number | readonly [string, ...Lanes[]];

/**
 * Computations of several instructions, by their name after the shape:
 * each gives the lanes of `shape` with `fixed[k]` telling whether input
 * `k` is fixed over the run (NumPy's clip takes another form then).
 */
const COMPOSITES: Record<
  string,
  (s: string, fixed: readonly boolean[]) => Lanes
> = {
  // NumPy's float maximum/minimum: a where `a > b` (`<`) or a is NaN, else
  // b (a NaN b too; a tie of zeros gives b).
  Maximum: (s) => ["v128Bitselect", 0, 1, extremum(s, "Gt", 0, 1)],
  Minimum: (s) => ["v128Bitselect", 0, 1, extremum(s, "Lt", 0, 1)],
  // where(c, x, y): the bool condition is a lane mask.
  Select: () => ["v128Bitselect", 1, 2, 0],
  // clip(x, lo, hi) of floats, as NumPy's loops: with both bounds fixed,
  // c = x < lo || isnan(lo) ? lo : x; c > hi || isnan(hi) ? hi : c;
  // otherwise m = isnan(x) || x > lo ? x : lo; isnan(m) || m < hi ? m : hi.
  Clip: (s, fixed) => {
    if (fixed[1] && fixed[2]) {
      const c: Lanes = ["v128Bitselect", 1, 0, extremum(s, "Lt", 0, 1, 1)];
      return ["v128Bitselect", 2, c, extremum(s, "Gt", c, 2, 2)];
    }
    const m: Lanes = ["v128Bitselect", 0, 1, extremum(s, "Gt", 0, 1)];
    return ["v128Bitselect", m, 2, extremum(s, "Lt", m, 2)];
  },
  // clip of integers: min(max(x, lo), hi).
  ClipS: (s) => [`${s}MinS`, [`${s}MaxS`, 0, 1], 2],
  ClipU: (s) => [`${s}MinU`, [`${s}MaxU`, 0, 1], 2],
  // Float tests (bool results): isnan is x != x; x - x is 0 exactly when
  // x is finite (NaN for infinities and NaN); isinf is x == x and not
  // finite; logical_not is x == 0, written x == x - x (false for NaN and
  // infinities, whose x - x is NaN; -0 == +0).
  IsNan: (s) => [`${s}Ne`, 0, 0],
  IsFinite: (s) => [`${s}Eq`, [`${s}Sub`, 0, 0], [`${s}Sub`, 0, 0]],
  IsInf: (s) => [
    "v128AndNot",
    [`${s}Eq`, 0, 0],
    [`${s}Eq`, [`${s}Sub`, 0, 0], [`${s}Sub`, 0, 0]],
  ],
  IsZero: (s) => [`${s}Eq`, 0, [`${s}Sub`, 0, 0]],
  // The same of signed lanes without min/max instructions (64-bit).
  MaxSelectS: (s) => ["v128Bitselect", 0, 1, [`${s}GtS`, 0, 1]],
  MinSelectS: (s) => ["v128Bitselect", 0, 1, [`${s}LtS`, 0, 1]],
  ClipSelectS: (s) => {
    const m: Lanes = ["v128Bitselect", 0, 1, [`${s}GtS`, 0, 1]];
    return ["v128Bitselect", m, 2, [`${s}LtS`, m, 2]];
  },
};

/** The mask of `x cmp y || isnan(nan)` (`nan` defaults to `x`). */
function extremum(
  s: string,
  cmp: "Gt" | "Lt",
  x: Lanes,
  y: Lanes,
  nan: Lanes = x,
): Lanes {
  return ["v128Or", [`${s}${cmp}`, x, y], [`${s}Ne`, nan, nan]];
}

/** Whether `name` is one instruction of `wasm.ts` without immediates. */
function isInstruction(name: string): name is Instruction {
  return name in op && Array.isArray(op[name as Instruction]);
}

/** The computation `name` (`"f64x2Add"`, `"f64x2Maximum"`) of `nin` inputs, or undefined. */
function lanesOf(
  name: string,
  nin: number,
  fixed: readonly boolean[],
): Lanes | undefined {
  if (isInstruction(name)) return [name, ...[...Array(nin).keys()]];
  const make = COMPOSITES[name.slice(5)];
  return make?.(name.slice(0, 5), fixed);
}

/** The kernels of one module, by which inputs are moving (`"m"`) or fixed (`"f"`): `(...inputs, out, end)`. */
type Functions = Record<
  string,
  (...args: (number | bigint)[]) => void
>;

/** The operand types' layout: the loop's shape and each operand's bytes per element (1 for bool). */
interface Layout {
  shape: string;
  size: number;
  sizes: number[];
  /** Which operands are bools. */
  bools: boolean[];
  nin: number;
  /** Elements a loop iteration computes. */
  step: number;
}

function layoutOf(types: readonly DTypeName[]): Layout | undefined {
  const type = types.find((t) => t !== "bool");
  if (type === undefined || !(type in SHAPES)) return undefined;
  const shape = SHAPES[type as SimdType];
  const size = LANES[shape].size;
  const bools = types.map((t) => t === "bool");
  const sizes = bools.map((b) => b ? 1 : size);
  // Two vectors of every operand an iteration; 32 elements (two vectors
  // of bools) where there are bools.
  return {
    shape,
    size,
    sizes,
    bools,
    nin: types.length - 1,
    step: bools.includes(true) ? 32 : 32 / size,
  };
}

/** The widening of 16 bytes to lanes of `size` bytes: the instructions giving vector `j` of them. */
function widened(size: number, j: number): number[][] {
  const levels = [
    ["i16x8ExtendLowI8x16S", "i16x8ExtendHighI8x16S"],
    ["i32x4ExtendLowI16x8S", "i32x4ExtendHighI16x8S"],
    ["i64x2ExtendLowI32x4S", "i64x2ExtendHighI32x4S"],
  ] as const;
  const depth = Math.log2(size);
  const code: number[][] = [];
  for (let d = 0; d < depth; d++) {
    const half = (j >> (depth - 1 - d)) & 1;
    code.push(op[levels[d][half]]);
  }
  return code;
}

/** 64-bit masks to 32-bit ones: the low halves of the lanes of two vectors. */
const LOW_HALVES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];

/**
 * The code leaving one vector of lane masks `width` bytes wide on the
 * stack, made of the masks of `size` bytes from vector `first` on
 * (`vector(j)` leaves vector `j`): narrowed pairwise, as a bool output
 * needs one byte an element.
 */
function narrowed(
  width: number,
  size: number,
  first: number,
  vector: (j: number) => number[][],
): number[][] {
  if (width === size) return vector(first);
  const wider = (j: number) => narrowed(2 * width, size, j, vector);
  const pair = [...wider(first), ...wider(first + size / (2 * width))];
  switch (width) {
    case 4:
      return [...pair, op.i8x16Shuffle(LOW_HALVES)];
    case 2:
      return [...pair, op.i16x8NarrowI32x4S];
    default:
      return [...pair, op.i8x16NarrowI16x8S];
  }
}

/**
 * The module of one computation (`lanes`, given which inputs are fixed)
 * over operands of `layout`: a function per choice of moving and fixed
 * inputs, each a loop of `layout.step` elements an iteration; undefined
 * where the computation has no form for the shape.
 */
function kernelModule(
  lanes: (fixed: readonly boolean[]) => Lanes | undefined,
  layout: Layout,
): Uint8Array<ArrayBuffer> | undefined {
  const { shape, size, sizes, bools, nin, step } = layout;
  const vectors = (step * size) / 16;
  const splat = op[`${shape}Splat` as Instruction] as number[];
  const fns: FunctionSpec[] = [];
  for (let mask = 0; mask < (1 << nin) - 1; mask++) {
    const fixed = [...Array(nin).keys()].map((k) => (mask & (1 << k)) !== 0);
    const expr = lanes(fixed);
    if (expr === undefined) return undefined;
    // Parameters: the inputs, the output's address, its end; locals: a
    // zero vector, then each fixed input's vector.
    const O = nin, END = nin + 1, Z = nin + 2;
    const V = (k: number) => Z + 1 + k;
    const params = fixed.map((f, k) =>
      !f || bools[k] ? I32 : LANES[shape].scalar
    );
    const pre: number[][] = [
      op.i32Const(0),
      op.i8x16Splat,
      op.localSet(Z),
    ];
    fixed.forEach((f, k) => {
      if (!f) return;
      if (bools[k]) {
        // A fixed bool: every byte 0 or -1 is a mask of any width.
        pre.push(op.localGet(k), op.i8x16Splat, op.localGet(Z), op.i8x16Ne);
      } else pre.push(op.localGet(k), splat);
      pre.push(op.localSet(V(k)));
    });
    // A part computed from fixed inputs alone is computed once, before
    // the loop; a part used twice (clip's first choice) once a vector.
    let locals = V(nin);
    const uses = new Map<Lanes, number>();
    const count = (e: Lanes) => {
      if (typeof e === "number") return;
      uses.set(e, (uses.get(e) ?? 0) + 1);
      if (uses.get(e) === 1) e.slice(1).forEach((a) => count(a as Lanes));
    };
    count(expr);
    const isFixed = (e: Lanes): boolean =>
      typeof e === "number"
        ? fixed[e]
        : e.slice(1).every((a) => isFixed(a as Lanes));
    const hoisted = new Map<Lanes, number>();
    let kept = new Map<Lanes, number>();
    /** The code leaving vector `j` of `e` on the stack. */
    const code = (e: Lanes, j: number): number[][] => {
      if (typeof e !== "number") {
        const local = hoisted.get(e) ?? kept.get(e);
        if (local !== undefined) return [op.localGet(local)];
        const [name, ...args] = e;
        if (!isInstruction(name)) throw new Error(`no instruction ${name}`);
        const value = [
          ...args.flatMap((a) => code(a, j)),
          op[name] as number[],
        ];
        if (isFixed(e)) {
          hoisted.set(e, locals);
          pre.push(...value, op.localSet(locals));
          return [op.localGet(locals++)];
        }
        if (uses.get(e)! < 2) return value;
        kept.set(e, locals);
        return [...value, op.localTee(locals++)];
      }
      if (fixed[e]) return [op.localGet(V(e))];
      if (!bools[e]) {
        return [op.localGet(e), op.v128Load(16 * j, e)];
      }
      return [
        op.localGet(e),
        op.v128Load(16 * Math.floor(j / size), e),
        op.localGet(Z),
        op.i8x16Ne,
        ...widened(size, j % size),
      ];
    };
    /** `code(expr, j)`, its shared parts kept for this vector only. */
    const vector = (j: number) => {
      kept = new Map();
      return code(expr, j);
    };
    const compute: number[][] = [];
    if (!bools[nin]) {
      for (let j = 0; j < vectors; j++) {
        compute.push(
          op.localGet(O),
          ...vector(j),
          op.v128Store(16 * j, nin),
        );
      }
    } else {
      // Masks of -1 and 0 narrowed to bytes, then negated to 1 and 0.
      for (let g = 0; g < vectors / size; g++) {
        compute.push(
          op.localGet(O),
          ...narrowed(1, size, g * size, vector),
          op.i8x16Neg,
          op.v128Store(16 * g, nin),
        );
      }
    }
    const moving = [...Array(nin).keys()].filter((k) => !fixed[k]);
    const advance = [...moving, O].flatMap((local) => [
      op.localGet(local),
      op.i32Const(step * (local === O ? sizes[nin] : sizes[local])),
      op.i32Add,
      op.localSet(local),
    ]);
    fns.push({
      name: fixed.map((f) => (f ? "f" : "m")).join(""),
      params: [...params, I32, I32],
      locals: [[locals - Z, V128]],
      body: [
        ...pre,
        op.block,
        op.loop,
        op.localGet(O),
        op.localGet(END),
        op.i32GeU,
        op.brIf(1),
        ...compute,
        ...advance,
        op.br(0),
        op.end,
        op.end,
      ],
    });
  }
  return encodeModule(fns, nin + 1) as Uint8Array<ArrayBuffer>;
}

/** A compiled module and its instances, by their memories (the inputs', then the output's). */
interface Compiled {
  module: WebAssembly.Module;
  instances: Instances;
}

/** Instances by their memories, one level a memory. */
interface Instances {
  readonly next: WeakMap<WebAssembly.Memory, Instances>;
  functions?: Functions;
}

const modules = new Map<string, Compiled | null>();

function compiled(
  name: string,
  types: readonly DTypeName[],
  layout: Layout,
): Compiled | null {
  const key = `${name}:${types}`;
  let c = modules.get(key);
  if (c === undefined) {
    c = null;
    try {
      const bytes = kernelModule(
        (fixed) => lanesOf(name, layout.nin, fixed),
        layout,
      );
      if (bytes !== undefined) {
        c = {
          module: new WebAssembly.Module(bytes),
          instances: { next: new WeakMap() },
        };
      }
    } catch {
      // No WebAssembly SIMD or multi-memory here.
    }
    modules.set(key, c);
  }
  return c;
}

function functionsOf(
  c: Compiled,
  memories: readonly WebAssembly.Memory[],
): Functions {
  let node = c.instances;
  for (const m of memories) {
    let next = node.next.get(m);
    if (next === undefined) node.next.set(m, next = { next: new WeakMap() });
    node = next;
  }
  if (node.functions === undefined) {
    const env = Object.fromEntries(
      memories.map((m, k) => [k === 0 ? "memory" : `memory${k}`, m]),
    );
    node.functions = new WebAssembly.Instance(c.module, { env })
      .exports as unknown as Functions;
  }
  return node.functions;
}

/** An input of a kernel call: bytes at `address` of `memory`, or a fixed `value`. */
export type KernelInput =
  | { readonly memory: WebAssembly.Memory; readonly address: number }
  | { readonly value: number | bigint };

/** The vector kernel of one computation and signature (see {@linkcode elementwiseKernel}). */
export interface ElementwiseKernel {
  /**
   * Computes a run of typed arrays in place: `arrays`, `starts` (indices)
   * and `steps` (in elements) of the inputs, then of the output; the
   * output and the moving inputs step by one element, an input with step
   * 0 is fixed. Returns how many elements (from the first) the kernel
   * computed: a multiple of the vector loop's step, or 0 where it cannot
   * run (operands outside WebAssembly memories, other steps); the caller
   * computes the rest.
   */
  run(
    n: number,
    arrays: readonly TypedArray[],
    starts: readonly number[],
    steps: readonly number[],
  ): number;
  /**
   * Computes `n` elements of inputs already in WebAssembly memories (one
   * of them moving) into `o` from byte `po`. Returns how many it computed
   * (the caller computes the rest).
   */
  at(
    n: number,
    inputs: readonly KernelInput[],
    o: WebAssembly.Memory,
    po: number,
  ): number;
}

/**
 * The vector kernel of computation `name` (`"f64x2Add"`: an instruction
 * of `wasm.ts`'s `op`, or one of {@linkcode COMPOSITES}) for loops of
 * `types` (the inputs', then the output's: one type the kernels handle,
 * and bools), or null where it cannot be made (no WebAssembly SIMD or
 * multi-memory, a name not of the types' shape).
 *
 * @param name The computation.
 * @param types The loop's types.
 * @returns The kernel, or null.
 */
export function elementwiseKernel(
  name: string,
  types: readonly DTypeName[],
): ElementwiseKernel | null {
  const layout = layoutOf(types);
  if (layout === undefined || !name.startsWith(layout.shape)) return null;
  const c = compiled(name, types, layout);
  if (c === null) return null;
  const { nin, sizes, step } = layout;
  const at = (
    n: number,
    inputs: readonly KernelInput[],
    mo: WebAssembly.Memory,
    po: number,
  ): number => {
    const count = n - n % step;
    if (count === 0 || inputs.every((x) => "value" in x)) return 0;
    const f = functionsOf(
      c,
      [...inputs.map((x) => "value" in x ? mo : x.memory), mo],
    );
    const which = inputs.map((x) => "value" in x ? "f" : "m").join("");
    f[which](
      ...inputs.map((x) => "value" in x ? x.value : x.address),
      po,
      po + count * sizes[nin],
    );
    return count;
  };
  return {
    at,
    run: (n, arrays, starts, steps) =>
      runInMemory(n, arrays, starts, steps, sizes, step, at),
  };
}

/**
 * Runs `at` (a kernel's {@linkcode ElementwiseKernel.at}) over a run of
 * typed arrays (`arrays`, `starts` and `steps` of the inputs, then of the
 * output, as {@linkcode ElementwiseKernel.run}): in place where the output
 * and every moving input are in WebAssembly memories; inputs in other
 * buffers (a caller's: `frombuffer`, the loops' buffered operands) are
 * copied into the output memory's copy scratch a chunk at a time (a copy
 * is several times faster than the JavaScript loop), one copy for inputs
 * that are the same bytes (`x * x`). Returns how many elements it
 * computed (0 where the output is not in a memory of array data or a step
 * is not 0 or 1).
 *
 * @param n Elements of the run.
 * @param arrays The operands' typed arrays (inputs, then the output).
 * @param starts Each operand's first index.
 * @param steps Each operand's step in elements (0: a fixed input).
 * @param sizes Each operand's bytes per element.
 * @param step The kernel's elements per iteration (`at` computes multiples of it).
 * @param at The kernel over memories.
 * @returns Elements computed, from the first.
 */
export function runInMemory(
  n: number,
  arrays: readonly TypedArray[],
  starts: readonly number[],
  steps: readonly number[],
  sizes: readonly number[],
  step: number,
  at: ElementwiseKernel["at"],
): number {
  const nin = arrays.length - 1;
  const o = arrays[nin];
  const po = o.byteOffset + starts[nin] * sizes[nin];
  const mo = dataMemory(o.buffer, po + n * sizes[nin]);
  if (mo === undefined || steps[nin] !== 1) return 0;
  const inputs: KernelInput[] = [];
  const copied: number[] = [];
  for (let k = 0; k < nin; k++) {
    const x = arrays[k], i = starts[k];
    if (steps[k] === 0) {
      inputs.push({ value: x[i] });
      continue;
    }
    if (steps[k] !== 1) return 0;
    const address = x.byteOffset + i * sizes[k];
    const memory = dataMemory(x.buffer, address + n * sizes[k]);
    if (memory === undefined) copied.push(k);
    inputs.push({ memory: memory ?? mo, address });
  }
  if (copied.length === 0) return at(n, inputs, mo, po);
  return copiedRun(n, arrays, inputs, copied, sizes, step, at, mo, po);
}

/**
 * {@linkcode runInMemory}'s run with inputs `copied` in other buffers:
 * copied into the output memory's copy scratch a chunk at a time. Inputs
 * that are the same bytes (the same buffer, address and size) share a copy.
 */
function copiedRun(
  n: number,
  arrays: readonly TypedArray[],
  inputs: KernelInput[],
  copied: readonly number[],
  sizes: readonly number[],
  step: number,
  at: ElementwiseKernel["at"],
  mo: WebAssembly.Memory,
  po: number,
): number {
  const scratch = copyScratch(mo.buffer);
  if (scratch === undefined) return 0;
  const nin = arrays.length - 1;
  const addressOf = (k: number) => (inputs[k] as { address: number }).address;
  // The copy each copied input reads: the first input of the same bytes.
  const sourceOf = copied.map((k) =>
    copied.find((j) =>
      arrays[j].buffer === arrays[k].buffer &&
      addressOf(j) === addressOf(k) && sizes[j] === sizes[k]
    )!
  );
  const sources = copied.filter((k, j) => sourceOf[j] === k);
  const widest = Math.max(...sizes);
  const chunk = Math.floor(scratch.length / (sources.length * widest * step)) *
    step;
  const to = new Uint8Array(mo.buffer);
  const from = sources.map((k) =>
    new Uint8Array(arrays[k].buffer, addressOf(k))
  );
  const moving = inputs.map((x) => ("value" in x ? undefined : x.address));
  let done = 0;
  while (n - done >= step) {
    const m = Math.min(chunk, n - done - (n - done) % step);
    const xs = inputs.map((x, k) =>
      moving[k] === undefined ? x : {
        memory: (x as { memory: WebAssembly.Memory }).memory,
        address: moving[k]! + done * sizes[k],
      }
    );
    const places = sources.map((k, j) => {
      const place = scratch.at + j * chunk * widest;
      to.set(from[j].subarray(done * sizes[k], (done + m) * sizes[k]), place);
      return place;
    });
    copied.forEach((k, j) => {
      xs[k] = { memory: mo, address: places[sources.indexOf(sourceOf[j])] };
    });
    const count = at(m, xs, mo, po + done * sizes[nin]);
    if (count === 0) break;
    done += count;
  }
  return done;
}

/**
 * The vector kernel of a ufunc row's loop of `types` (the inputs', then
 * the output's), where the row names one for the type that is not bool
 * (`Ufunc.simd`): see {@linkcode elementwiseKernel}.
 *
 * @param simd The row's computations by type.
 * @param types The loop's types.
 * @returns The kernel, or null.
 */
export function kernelFor(
  simd: Partial<Record<DTypeName, string>> | undefined,
  types: readonly DTypeName[],
): ElementwiseKernel | null {
  const type = types.find((t) => t !== "bool");
  const name = type === undefined ? undefined : simd?.[type];
  if (name === undefined || !types.every((t) => t === type || t === "bool")) {
    return null;
  }
  return elementwiseKernel(name, types);
}

/**
 * The element-wise operations, one row each, as NumPy's
 * `generate_umath.py` lists its ufuncs: a name, the number of inputs, the
 * loops in NumPy's search order (each a signature of dtypes, `"dd->d"`),
 * an optional resolver where NumPy's type resolution is not the plain
 * search, and the computation of one element as code for the generated
 * loops. Adding a ufunc is adding a row.
 *
 * @module
 */

import type { CompareOp } from "../item_compare.ts";
import type { DType, DTypeName } from "../dtype.ts";
import type { NDArray } from "../ndarray.ts";
import type { MathKernel } from "../kernels/math_kernels.ts";
import { simdOps } from "../kernels/elementwise.ts";
import type { Body, Kind, Value } from "./values.ts";

/** The dtypes of one loop: the inputs, then the output. */
export type Signature = readonly DTypeName[];

/**
 * One element's computation: the arguments come in the loop's input types;
 * the result is of its output type. `still[k]` is a condition that holds
 * when input `k` does not move over the run (a scalar or broadcast):
 * `"true"` or `"false"` where the loop's branch knows, else a test of its step.
 */
export type Compute = (
  body: Body,
  types: readonly Kind[],
  args: readonly Value[],
  still: readonly string[],
) => Value;

/** An element-wise operation. */
export interface Ufunc {
  /** NumPy's name, for messages (`"add"`, `"true_divide"`). */
  readonly name: string;
  /** Number of inputs. */
  readonly nin: 1 | 2 | 3;
  /** The loops, in the order NumPy searches them. */
  readonly loops: readonly Signature[];
  /** The computation. */
  readonly compute: Compute;
  /**
   * Picks the loop where NumPy does not take the first loop the inputs
   * cast to safely; returns `undefined` to fall back to that search.
   *
   * @throws {TypeError} Where NumPy refuses the types.
   */
  readonly resolve?: (types: readonly DType[]) => Signature | undefined;
  /** Whether the output is the input converted (`assign` and the copies), without a search. */
  readonly isCast?: boolean;
  /**
   * Checks the inputs (already of the loop's types where they are weak
   * scalars) before anything is written, for values NumPy refuses in the
   * middle of its loop (integers to negative powers).
   *
   * @throws {RangeError} Where NumPy raises `ValueError`.
   */
  readonly check?: (inputs: readonly NDArray[], signature: Signature) => void;
  /**
   * For comparisons: the result when input `k` is a JavaScript integer
   * outside the range of the other input's integer type (`above`: past its
   * maximum), as NumPy 2 compares Python integers; without it such an
   * integer is a `RangeError`.
   */
  readonly outOfRange?: (k: number, above: boolean) => boolean;
  /**
   * For comparisons: the operator, by which arrays of bytes, text, raw
   * bytes, records and datetimes are compared as NumPy compares them
   * (item_compare.ts) instead of through the numeric loops.
   */
  readonly compareOp?: CompareOp;
  /**
   * Whether plain JavaScript scalars take NumPy's default type of their
   * kind (bool, int64, float64, complex128) instead of the array's type
   * (the logical ufuncs, which compute on truth values).
   */
  readonly weakDefault?: boolean;
  /**
   * The WebAssembly SIMD kernel (`kernels/math_kernels.ts`) that computes
   * this unary function over contiguous float32 (and, where it has one,
   * float64) runs in place of the loop's `Math` call (fdlibm's algorithms:
   * float32 results are the loop's; float64 ones within 1 ulp of the exact
   * value).
   */
  readonly math?: MathKernel;
  /**
   * The WebAssembly SIMD computation of the loop of each type, lane by
   * lane: an instruction by its name in `kernels/wasm.ts` (`"f64x2Add"`)
   * or a few (`"f64x2Maximum"`, `COMPOSITES` in `kernels/elementwise.ts`).
   * Loops whose operands are of that type or bool (comparisons' results,
   * `where`'s condition) run contiguous runs through it: arrays in
   * WebAssembly memories in place, memmaps shown in place, other buffers
   * copied a chunk at a time. Only where it gives NumPy's result bit for bit.
   */
  readonly simd?: Partial<Record<DTypeName, string>>;
}

const CHARS: Record<string, DTypeName> = {
  "?": "bool",
  b: "int8",
  B: "uint8",
  h: "int16",
  H: "uint16",
  i: "int32",
  I: "uint32",
  q: "int64",
  Q: "uint64",
  e: "float16",
  f: "float32",
  d: "float64",
  F: "complex64",
  D: "complex128",
};

/**
 * Parses loop signatures in NumPy's notation: `"dd->d"`, or a type code
 * alone for a uniform loop (`"d"` is `"dd->d"` for two inputs).
 */
export function loops(nin: number, ...specs: string[]): Signature[] {
  return specs.flatMap((spec) => spec.split(" ")).map((spec) => {
    const [ins, out] = spec.includes("->")
      ? spec.split("->")
      : [spec.repeat(nin), spec];
    return [...ins, out].map((ch) => CHARS[ch]);
  });
}

/** NumPy's integer type codes, in its loop order. */
export const INTS = "b B h H i I q Q";
/** NumPy's float type codes, in its loop order. */
export const FLOATS = "e f d";
/** NumPy's complex type codes, in its loop order. */
export const COMPLEX = "F D";

/** `op` on real numbers, rounded as NumPy's loop of that type (float16 computes in float32). */
export function real(types: readonly Kind[], expr: string): Value {
  const t = types[types.length - 1];
  if (t.family === "int64") return { form: "big", expr, exact: false };
  if (t.name === "float16") {
    return { form: "num", expr: `Math.fround(${expr})`, exact: false };
  }
  return { form: "num", expr, exact: t.name === "float64" };
}

/** The expression of a number or bigint value. */
export function num(v: Value): string {
  return (v as { expr: string }).expr;
}

/**
 * `1` where `cond` holds, else `0`, without a branch (a comparison's result
 * converted: V8 compiles `c ? 1 : 0` to a jump, which mispredicts on
 * random data and costs several times the loop's memory traffic).
 */
export function bit(cond: string): string {
  return `+(${cond})`;
}

/**
 * `a` where any of `conds` holds, else `b`, without a branch: both are
 * stored in the loop's scratch `S` (a `Float64Array(2)`, see `compile.ts`)
 * and the conditions' bit picks one. For numbers of every type but 64-bit
 * integers (bigints), which keep a conditional expression.
 *
 * @param body The loop body (the operands are bound to locals first).
 * @param conds Conditions, joined with "or".
 * @param a The value where one holds.
 * @param b The value otherwise.
 * @returns The expression.
 */
export function pick(
  body: Body,
  conds: string[],
  a: string,
  b: string,
): string {
  const x = body.let(a), y = body.let(b);
  return `(S[0] = ${y}, S[1] = ${x}, S[${conds.map(bit).join(" | ")}])`;
}

/** The parts of a complex value. */
export function parts(v: Value): { re: string; im: string } {
  return v as { re: string; im: string };
}

/** A complex result; complex64 parts still need rounding to float32. */
export function complex(
  types: readonly Kind[],
  re: string,
  im: string,
): Value {
  const exact = types[types.length - 1].bits === 64;
  return { form: "complex", re, im, exact };
}

/** Add, subtract: part by part for complex numbers. */
function additive(sign: "+" | "-"): Compute {
  return (_body, types, [x, y]) => {
    const t = types[0];
    if (t.family === "complex") {
      const a = parts(x), b = parts(y);
      return complex(
        types,
        `${a.re} ${sign} ${b.re}`,
        `${a.im} ${sign} ${b.im}`,
      );
    }
    if (t.family === "bool") {
      // NumPy's add on bools is logical or (subtract has no bool loop).
      return { form: "num", expr: `${num(x)} | ${num(y)}`, exact: true };
    }
    return real(types, `${num(x)} ${sign} ${num(y)}`);
  };
}

const multiply: Compute = (body, types, [x, y]) => {
  const t = types[0];
  if (t.family === "complex") {
    // NumPy multiplies complex numbers with a fused multiply-add per part:
    // re = fma(ar, br, -(ai * bi)), im = fma(ar, bi, ai * br).
    const a = parts(x), b = parts(y);
    if (t.bits === 64) {
      return complex(
        types,
        body.let(`H.fma(${a.re}, ${b.re}, -(${a.im} * ${b.im}))`),
        body.let(`H.fma(${a.re}, ${b.im}, ${a.im} * ${b.re})`),
      );
    }
    return {
      form: "complex",
      re: body.let(
        `H.fma32(${a.re}, ${b.re}, -Math.fround(${a.im} * ${b.im}))`,
      ),
      im: body.let(`H.fma32(${a.re}, ${b.im}, Math.fround(${a.im} * ${b.re}))`),
      exact: true,
    };
  }
  if (t.family === "bool") {
    return { form: "num", expr: `${num(x)} & ${num(y)}`, exact: true };
  }
  if (t.family === "int" && t.bits === 32) {
    return {
      form: "num",
      expr: `Math.imul(${num(x)}, ${num(y)})`,
      exact: false,
    };
  }
  return real(types, `${num(x)} * ${num(y)}`);
};

const divide: Compute = (body, types, [x, y]) => {
  const t = types[0];
  if (t.family === "complex") {
    const a = parts(x), b = parts(y);
    body.emit(
      `H.cdiv${t.bits === 64 ? 128 : 64}(${a.re}, ${a.im}, ${b.re}, ${b.im});`,
    );
    return {
      form: "complex",
      re: body.let("H.c[0]"),
      im: body.let("H.c[1]"),
      exact: true,
    };
  }
  return real(types, `${num(x)} / ${num(y)}`);
};

/** Whether a type is bool or an integer. */
export const isIntegral = (t: DType): boolean =>
  t.kind === "b" || t.kind === "i" || t.kind === "u";

/** `add`: `x + y`. */
export const add: Ufunc = {
  name: "add",
  nin: 2,
  loops: loops(2, "?", INTS, FLOATS, COMPLEX),
  compute: additive("+"),
  simd: simdOps("Add"),
};

/** `subtract`: `x - y`; NumPy refuses two bools. */
export const subtract: Ufunc = {
  name: "subtract",
  nin: 2,
  loops: loops(2, INTS, FLOATS, COMPLEX),
  compute: additive("-"),
  simd: simdOps("Sub"),
  resolve: (types) => {
    if (types.every((t) => t.kind === "b")) {
      throw new TypeError(
        "Cannot subtract bool arrays: NumPy's boolean subtract is not supported, use logical_xor",
      );
    }
    return undefined;
  },
};

/** NumPy's `multiply` of one element, for other rows (`square` is `x * x`). */
export const multiplyCompute: Compute = multiply;

/** `multiply`: `x * y` (logical and for bools). */
export const multiply_: Ufunc = {
  name: "multiply",
  nin: 2,
  loops: loops(2, "?", INTS, FLOATS, COMPLEX),
  compute: multiply,
  // No 8-bit vector multiply in WebAssembly.
  simd: simdOps("Mul", [
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
  ]),
};

/** `true_divide`: `x / y`; integers divide as float64. */
export const trueDivide: Ufunc = {
  name: "true_divide",
  nin: 2,
  loops: loops(2, FLOATS, COMPLEX),
  compute: divide,
  simd: simdOps("Div", ["float32", "float64"]),
  resolve: (types) =>
    types.every(isIntegral) ? ["float64", "float64", "float64"] : undefined,
};

/**
 * `assign`: the input converted to the output's type (NumPy's `copyto`
 * with `casting="unsafe"`, `a[...] = b`, `astype`, `copy`).
 */
export const assign: Ufunc = {
  name: "assign",
  nin: 1,
  loops: [],
  compute: (_body, _types, [x]) => x,
  isCast: true,
};

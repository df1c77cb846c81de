/**
 * The unary math rows: `sqrt`, `cbrt`, exponentials and logarithms,
 * trigonometric and hyperbolic functions and their inverses (float loops:
 * integers take the smallest float type that holds them, as NumPy's
 * search, so int8 gives float16), and `floor`, `ceil`, `trunc` (which keep
 * integer types, as NumPy 2) and `rint`.
 *
 * Float64 is computed with JavaScript's `Math` functions; float32 rounds
 * the double result once (NumPy computes in float32: the correctly rounded
 * float32 result is within its error bound); float16 goes through float32
 * first and is rounded again when stored, as NumPy's half loops do. NaN
 * results have NumPy's bits (`nan_bits.ts`): a NaN argument quieted, a NaN
 * made from numbers the processor's default NaN.
 *
 * @module
 */

import { exact, floatCall } from "./arith.ts";
import type { MathKernel } from "../kernels/math_kernels.ts";
import { complexHelpers } from "./complex_math.ts";
import { simdOps } from "../kernels/elementwise.ts";
import type { Body } from "./values.ts";
import {
  COMPLEX,
  type Compute,
  FLOATS,
  INTS,
  loops,
  num,
  parts,
  type Ufunc,
} from "./table.ts";

/**
 * `result` (of the argument `a`) with NumPy's NaN bits (`nan_bits.ts`): a
 * number as it is, a NaN through `H.nanOf` (the test inline, the call only
 * for NaNs).
 */
function withNaNBits(body: Body, a: string, result: string): string {
  const r = body.let(result);
  return `(${r} === ${r} ? ${r} : H.nanOf(${a}, ${r}))`;
}

/** A real function `Math.<fn>` (or a helper), complex through `H.c<name>`. */
function unary(name: string, call: (x: string) => string): Compute {
  return (body, types, [x]) => {
    const t = types[0];
    if (t.family === "complex") {
      const p = parts(x);
      body.emit(`H.c${name}${t.bits === 64 ? 128 : 64}(${p.re}, ${p.im});`);
      return {
        form: "complex",
        re: body.let("H.c[0]"),
        im: body.let("H.c[1]"),
        exact: true,
      };
    }
    // NumPy's NaN bits (nan_bits.ts): x quieted, or the default NaN.
    const a = body.let(num(x));
    return floatCall(types, withNaNBits(body, a, call(a)));
  };
}

function row(
  name: string,
  call: (x: string) => string,
  complexLoops = `c${name}128` in complexHelpers,
  math?: MathKernel,
): Ufunc {
  return {
    name,
    nin: 1,
    loops: loops(1, FLOATS, ...(complexLoops ? [COMPLEX] : [])),
    compute: unary(name, call),
    math,
  };
}

const math = (fn: string) => (x: string) => `Math.${fn}(${x})`;

/** `sqrt`: the square root (correctly rounded, as IEEE defines it). */
export const sqrt_: Ufunc = row("sqrt", math("sqrt"), undefined, "sqrt");
/** `cbrt`: the cube root. */
export const cbrt_: Ufunc = row("cbrt", math("cbrt"), false);
/** `exp`: `e ** x`. */
export const exp_: Ufunc = row("exp", math("exp"), true, "exp");
/** `exp2`: `2 ** x`. */
export const exp2_: Ufunc = row(
  "exp2",
  (x) => `H.exp2(${x})`,
  undefined,
  "exp2",
);
/** `expm1`: `e ** x - 1`, accurate near 0. */
export const expm1_: Ufunc = row("expm1", math("expm1"), undefined, "expm1");
/** `log`: the natural logarithm. */
export const log_: Ufunc = row("log", math("log"), true, "log");
/** `log2`: the base-2 logarithm. */
export const log2_: Ufunc = row("log2", math("log2"), undefined, "log2");
/** `log10`: the base-10 logarithm. */
export const log10_: Ufunc = row("log10", math("log10"), undefined, "log10");
/** `log1p`: `log(1 + x)`, accurate near 0. */
export const log1p_: Ufunc = row("log1p", math("log1p"), undefined, "log1p");
/** `sin`. */
export const sin_: Ufunc = row("sin", math("sin"), true, "sin");
/** `cos`. */
export const cos_: Ufunc = row("cos", math("cos"), true, "cos");
/** `tan`. */
export const tan_: Ufunc = row("tan", math("tan"), undefined, "tan");
/** `arcsin`. */
export const arcsin_: Ufunc = row("arcsin", math("asin"));
/** `arccos`. */
export const arccos_: Ufunc = row("arccos", math("acos"));
/** `arctan`. */
export const arctan_: Ufunc = row("arctan", math("atan"));
/** `sinh`. */
export const sinh_: Ufunc = row("sinh", math("sinh"));
/** `cosh`. */
export const cosh_: Ufunc = row("cosh", math("cosh"));
/** `tanh`. */
export const tanh_: Ufunc = row("tanh", math("tanh"), undefined, "tanh");

/** `floor`/`ceil`/`trunc`: the float function; bools and integers unchanged. */
function rounding(fn: string): Compute {
  return (body, types, [x]) => {
    const t = types[0];
    if (t.family !== "float") {
      return {
        form: t.family === "int64" ? "big" : "num",
        expr: num(x),
        exact: true,
      } as const;
    }
    // Exact in every precision: no rounding of the result; a NaN quieted.
    const a = body.let(num(x));
    return exact(withNaNBits(body, a, `Math.${fn}(${a})`));
  };
}

const ROUNDING = loops(1, "?", INTS, FLOATS);

/** `floor`: the largest integer not above x. */
export const floor_: Ufunc = {
  name: "floor",
  nin: 1,
  loops: ROUNDING,
  compute: rounding("floor"),
  simd: simdOps("Floor", ["float32", "float64"]),
};
/** `ceil`: the smallest integer not below x. */
export const ceil_: Ufunc = {
  name: "ceil",
  nin: 1,
  loops: ROUNDING,
  compute: rounding("ceil"),
  simd: simdOps("Ceil", ["float32", "float64"]),
};
/** `trunc`: x rounded toward zero. */
export const trunc_: Ufunc = {
  name: "trunc",
  nin: 1,
  loops: ROUNDING,
  compute: rounding("trunc"),
  simd: simdOps("Trunc", ["float32", "float64"]),
};

/** `rint`: the nearest integer, ties to even (float loops only, as NumPy). */
export const rint_: Ufunc = {
  name: "rint",
  nin: 1,
  loops: loops(1, FLOATS, COMPLEX),
  simd: simdOps("Nearest", ["float32", "float64"]),
  compute: (body, types, [x]) => {
    const t = types[0];
    if (t.family === "complex") {
      const p = parts(x);
      return {
        form: "complex",
        re: `H.rint(${p.re})`,
        im: `H.rint(${p.im})`,
        exact: true,
      };
    }
    const a = body.let(num(x));
    return exact(withNaNBits(body, a, `H.rint(${a})`));
  },
};

/**
 * The arithmetic rows beyond add/subtract/multiply/divide: `floor_divide`,
 * `remainder`, `power`, `maximum`, `minimum`, `arctan2`, `hypot`, and the
 * unary `negative`, `positive`, `absolute`, `sign`, `square`, each with
 * NumPy's loops and NumPy's result for every element (division by zero and
 * overflow as NumPy 2: no exception, 0 for integers, inf/nan for floats).
 *
 * @module
 */

import { simdOps } from "../kernels/elementwise.ts";
import { checkNonNegative } from "./checks.ts";
import {
  COMPLEX,
  complex,
  type Compute,
  FLOATS,
  INTS,
  loops,
  multiplyCompute,
  num,
  parts,
  pick,
  real,
  type Ufunc,
} from "./table.ts";
import type { Body, Kind, Value } from "./values.ts";

type Parts = { re: string; im: string };

/**
 * NumPy's lexicographic complex order (CGT, CGE, CLT, CLE, CEQ, CNE):
 * real parts first; a NaN imaginary part makes a real-part decision false.
 */
export const H_CMP: Record<string, (a: Parts, b: Parts) => string> = {
  gt: (a, b) =>
    `((${a.re} > ${b.re} && ${a.im} === ${a.im} && ${b.im} === ${b.im}) || (${a.re} === ${b.re} && ${a.im} > ${b.im}))`,
  ge: (a, b) =>
    `((${a.re} > ${b.re} && ${a.im} === ${a.im} && ${b.im} === ${b.im}) || (${a.re} === ${b.re} && ${a.im} >= ${b.im}))`,
  lt: (a, b) =>
    `((${a.re} < ${b.re} && ${a.im} === ${a.im} && ${b.im} === ${b.im}) || (${a.re} === ${b.re} && ${a.im} < ${b.im}))`,
  le: (a, b) =>
    `((${a.re} < ${b.re} && ${a.im} === ${a.im} && ${b.im} === ${b.im}) || (${a.re} === ${b.re} && ${a.im} <= ${b.im}))`,
  eq: (a, b) => `(${a.re} === ${b.re} && ${a.im} === ${b.im})`,
  ne: (a, b) => `(${a.re} !== ${b.re} || ${a.im} !== ${b.im})`,
};

/** A number result that is already a value of its type. */
export function exact(expr: string): Value {
  return { form: "num", expr: `(${expr})`, exact: true };
}

/** A value of the output type `types[nin]`: bigints and numbers wrap when stored. */
function loose(types: readonly Kind[], expr: string): Value {
  const t = types[types.length - 1];
  if (t.family === "int64") {
    return { form: "big", expr: `(${expr})`, exact: false };
  }
  return { form: "num", expr: `(${expr})`, exact: false };
}

/**
 * A float function of the loop's precision: float64 as it is, float32
 * rounded once, float16 computed in float32 (as NumPy's half loops) and
 * rounded again to half when stored.
 */
export function floatCall(
  types: readonly Kind[],
  f64: string,
  f32 = `Math.fround(${f64})`,
): Value {
  const t = types[types.length - 1];
  return t.bits === 64
    ? exact(f64)
    : { form: "num", expr: `(${f32})`, exact: false };
}

const floorDivide: Compute = (_body, types, [x, y]) => {
  const t = types[0];
  const a = num(x), b = num(y);
  if (t.family === "int64") return loose(types, `H.floorDivBig(${a}, ${b})`);
  if (t.family === "int") {
    return exact(`${b} === 0 ? 0 : Math.floor(${a} / ${b})`);
  }
  return floatCall(
    types,
    `H.floorDiv(${a}, ${b})`,
    `H.floorDivF(${a}, ${b})`,
  );
};

const remainder: Compute = (body, types, [x, y]) => {
  const t = types[0];
  const a = num(x), b = num(y);
  if (t.family === "int64") return loose(types, `H.remainderBig(${a}, ${b})`);
  if (t.family === "int") {
    if (!t.signed) return exact(`${b} === 0 ? 0 : ${a} % ${b}`);
    const r = body.let(`${b} === 0 ? 0 : ${a} % ${b}`);
    // -0 from JavaScript's % stores as 0; MIN % -1 is 0 as NumPy's.
    return loose(
      types,
      `${r} !== 0 && (${r} < 0) !== (${b} < 0) ? ${r} + ${b} : ${r}`,
    );
  }
  return floatCall(
    types,
    `H.remainder(${a}, ${b})`,
    `H.remainderF(${a}, ${b})`,
  );
};

const power: Compute = (body, types, [x, y]) => {
  const t = types[0];
  if (t.family === "complex") {
    const a = parts(x), b = parts(y);
    body.emit(
      `H.cpow${t.bits === 64 ? 128 : 64}(${a.re}, ${a.im}, ${b.re}, ${b.im});`,
    );
    return {
      form: "complex",
      re: body.let("H.c[0]"),
      im: body.let("H.c[1]"),
      exact: true,
    };
  }
  const a = num(x), b = num(y);
  if (t.family === "int64") return loose(types, `H.ipowBig(${a}, ${b})`);
  if (t.family === "int") return loose(types, `H.ipow(${a}, ${b})`);
  return floatCall(types, `H.pow(${a}, ${b})`);
};

/** `maximum`/`minimum`: NaN wins; which operand a tie gives follows NumPy's loop of each type. */
function extremum(op: ">" | "<"): Compute {
  return (body, types, [x, y]) => {
    const t = types[0];
    if (t.family === "complex") {
      const a = parts(x), b = parts(y);
      // NumPy's complex loop: a when a has a NaN part or CGE/CLE(a, b).
      const first = body.let(
        `${a.re} !== ${a.re} || ${a.im} !== ${a.im} || ${
          H_CMP[op === ">" ? "ge" : "le"](a, b)
        }`,
      );
      return complex(
        types,
        `(${first} ? ${a.re} : ${b.re})`,
        `(${first} ? ${a.im} : ${b.im})`,
      );
    }
    const a = num(x), b = num(y);
    if (t.family === "float") {
      if (t.bits === 16) {
        // HALF_maximum: (a >= b || isnan(a)) ? a : b (a tie gives a).
        const eq = op === ">" ? ">=" : "<=";
        return exact(`${a} ${eq} ${b} || ${a} !== ${a} ? ${a} : ${b}`);
      }
      // x86's maxsd/minsd give b on a tie; a NaN a is kept.
      return exact(pick(body, [`${a} ${op} ${b}`, `${a} !== ${a}`], a, b));
    }
    if (t.family === "int64") {
      return {
        form: "big",
        expr: `(${a} ${op} ${b} ? ${a} : ${b})`,
        exact: true,
      };
    }
    return exact(pick(body, [`${a} ${op} ${b}`], a, b));
  };
}

const negative: Compute = (_body, types, [x]) => {
  const t = types[0];
  if (t.family === "complex") {
    const a = parts(x);
    return { form: "complex", re: `-${a.re}`, im: `-${a.im}`, exact: true };
  }
  return loose(types, `-${num(x)}`);
};

const absolute: Compute = (_body, types, [x]) => {
  const t = types[0];
  if (t.family === "complex") {
    const a = parts(x);
    return floatCall(
      types,
      `H.hypot(${a.re}, ${a.im})`,
      `H.hypotF(${a.re}, ${a.im})`,
    );
  }
  const a = num(x);
  if (t.family === "float") return exact(`Math.abs(${a})`);
  if (!t.signed) return x;
  const zero = t.family === "int64" ? "0n" : "0";
  return loose(types, `${a} < ${zero} ? -${a} : ${a}`);
};

const sign: Compute = (body, types, [x]) => {
  const t = types[0];
  if (t.family === "complex") {
    const a = parts(x);
    body.emit(`H.csign${t.bits === 64 ? 128 : 64}(${a.re}, ${a.im});`);
    return {
      form: "complex",
      re: body.let("H.c[0]"),
      im: body.let("H.c[1]"),
      exact: true,
    };
  }
  const a = num(x);
  if (t.family === "int64") {
    return {
      form: "big",
      expr: `(${a} > 0n ? 1n : ${a} < 0n ? -1n : 0n)`,
      exact: true,
    };
  }
  if (t.family === "int") return exact(`${a} > 0 ? 1 : ${a} < 0 ? -1 : 0`);
  // The sign of NaN is the NaN; of either zero, +0.
  return exact(`${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a} === 0 ? 0 : ${a}`);
};

const square: Compute = (body, types, [x], [still]) => {
  const t = types[0];
  if (t.family === "complex") {
    // NumPy squares with its complex multiply (fused, see table.ts).
    return multiplyCompute(body, [t, t, types[1]], [x, x], [still, still]);
  }
  const a = num(x);
  if (t.family === "int" && t.bits === 32) {
    return loose(types, `Math.imul(${a}, ${a})`);
  }
  return real(types, `${a} * ${a}`);
};

const arctan2: Compute = (_body, types, [x, y]) =>
  floatCall(types, `Math.atan2(${num(x)}, ${num(y)})`);

const hypot: Compute = (_body, types, [x, y]) =>
  floatCall(
    types,
    `H.hypot(${num(x)}, ${num(y)})`,
    `H.hypotF(${num(x)}, ${num(y)})`,
  );

const refuseBool =
  (name: string, hint: string) => (types: readonly { kind: string }[]) => {
    if (types.every((t) => t.kind === "b")) {
      throw new TypeError(
        `Cannot compute ${name} of bool: NumPy's ufunc '${name}' has no bool loop${hint}`,
      );
    }
    return undefined;
  };

/** `floor_divide`: `x // y`, rounded toward minus infinity. */
export const floorDivide_: Ufunc = {
  name: "floor_divide",
  nin: 2,
  loops: loops(2, INTS, FLOATS),
  compute: floorDivide,
};

/** `remainder`: `x % y` with the sign of `y` (Python's modulo). */
export const remainder_: Ufunc = {
  name: "remainder",
  nin: 2,
  loops: loops(2, INTS, FLOATS),
  compute: remainder,
};

/** `power`: `x ** y`; integers to negative integer powers are refused. */
export const power_: Ufunc = {
  name: "power",
  nin: 2,
  loops: loops(2, INTS, FLOATS, COMPLEX),
  compute: power,
  check: (inputs, signature) => {
    if (/^int/.test(signature[1])) {
      checkNonNegative(
        inputs[1],
        "Cannot compute power: NumPy does not raise integers to negative integer powers",
      );
    }
  },
};

/**
 * The vector computations of an extremum (`"Max"`/`"Min"`): the lane
 * instruction for 8- to 32-bit integers, a comparison and a select for
 * int64 (no unsigned 64-bit comparison in WebAssembly);
 * for floats a choice that keeps NumPy's NaN and tie rules (the lane
 * instructions differ from NumPy's loops there).
 */
function extremumOps(kind: "Max" | "Min"): Ufunc["simd"] {
  return {
    ...simdOps(`${kind}S`, ["int8", "int16", "int32"]),
    ...simdOps(`${kind}U`, ["uint8", "uint16", "uint32"]),
    ...simdOps(`${kind}SelectS`, ["int64"]),
    ...simdOps(kind === "Max" ? "Maximum" : "Minimum", ["float32", "float64"]),
  };
}

/** `maximum`: the larger element, NaN propagating. */
export const maximum_: Ufunc = {
  name: "maximum",
  nin: 2,
  loops: loops(2, "?", INTS, FLOATS, COMPLEX),
  compute: extremum(">"),
  simd: extremumOps("Max"),
};

/** `minimum`: the smaller element, NaN propagating. */
export const minimum_: Ufunc = {
  name: "minimum",
  nin: 2,
  loops: loops(2, "?", INTS, FLOATS, COMPLEX),
  compute: extremum("<"),
  simd: extremumOps("Min"),
};

/** `arctan2`: the angle of the point `(y=x1, x=x2)`, quadrant-aware. */
export const arctan2_: Ufunc = {
  name: "arctan2",
  nin: 2,
  loops: loops(2, FLOATS),
  compute: arctan2,
};

/** `hypot`: `sqrt(x1**2 + x2**2)` without undue overflow. */
export const hypot_: Ufunc = {
  name: "hypot",
  nin: 2,
  loops: loops(2, FLOATS),
  compute: hypot,
};

/** `negative`: `-x` (integers wrap); NumPy refuses bools. */
export const negative_: Ufunc = {
  name: "negative",
  nin: 1,
  loops: loops(1, INTS, FLOATS, COMPLEX),
  compute: negative,
  // The sign bit flipped, as NumPy's float loops (a NaN's bits kept).
  simd: simdOps("Neg", ["float32", "float64"]),
  resolve: refuseBool(
    "negative",
    ", use invert() or logicalNot() instead",
  ),
};

/** `positive`: `+x`, a copy; NumPy refuses bools. */
export const positive_: Ufunc = {
  name: "positive",
  nin: 1,
  loops: loops(1, INTS, FLOATS, COMPLEX),
  compute: (_body, _types, [x]) => x,
  resolve: refuseBool("positive", ""),
};

/** `absolute`: `|x|` (the integer minimum stays itself; complex gives its float modulus). */
export const absolute_: Ufunc = {
  name: "absolute",
  nin: 1,
  loops: [...loops(1, "?", INTS, FLOATS), ...loops(1, "F->f D->d")],
  compute: absolute,
  // The sign bit cleared, as NumPy's float loops (a NaN's bits kept).
  simd: simdOps("Abs", ["float32", "float64"]),
};

/** `sign`: -1, 0 or 1 (NaN for NaN; `x / |x|` for complex). */
export const sign_: Ufunc = {
  name: "sign",
  nin: 1,
  loops: loops(1, INTS, FLOATS, COMPLEX),
  compute: sign,
  resolve: refuseBool("sign", ""),
};

/** `square`: `x * x` (integers wrap). */
export const square_: Ufunc = {
  name: "square",
  nin: 1,
  loops: loops(1, INTS, FLOATS, COMPLEX),
  compute: square,
};

/** Used by the rows of other files. */
export type { Body };

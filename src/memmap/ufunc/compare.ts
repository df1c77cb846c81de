/**
 * The comparison rows (`equal`, `not_equal`, `less`, `less_equal`,
 * `greater`, `greater_equal`), giving bools: every type, NumPy 2's mixed
 * int64/uint64 loops that compare exactly, complex numbers in NumPy's
 * lexicographic order, and JavaScript integers outside an integer array's
 * range compared by value (a constant result, as NumPy 2 does for Python
 * integers). Also `isnan`, `isinf`, `isfinite`.
 *
 * @module
 */

import type { CompareOp as Op } from "../item_compare.ts";
import { simdOps } from "../kernels/elementwise.ts";
import { exact, H_CMP } from "./arith.ts";
import {
  bit,
  COMPLEX,
  type Compute,
  FLOATS,
  loops,
  num,
  parts,
  type Ufunc,
} from "./table.ts";

const ALL = `? b B h H i I q Q qQ Qq ${FLOATS} ${COMPLEX}`.split(" ");
const LOOPS = loops(
  2,
  ALL.map((c) => (c.length === 1 ? c + c : c) + "->?").join(" "),
);

const JS: Record<Op, string> = {
  eq: "===",
  ne: "!==",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
};

function comparison(op: Op): Compute {
  return (_body, types, [x, y]) => {
    if (types[0].family === "complex") {
      return exact(bit(H_CMP[op](parts(x), parts(y))));
    }
    // Numbers compare numbers, bigints bigints (int64 against uint64 too).
    return exact(bit(`${num(x)} ${JS[op]} ${num(y)}`));
  };
}

/**
 * What a comparison gives when operand `k` is an integer past the other
 * operand's range (`above`: past its maximum).
 */
function outOfRange(op: Op): (k: number, above: boolean) => boolean {
  return (k, above) => {
    // Seen from the first operand: "x < big" is true when big is above.
    const bigIsSecond = k === 1;
    const firstBelow = bigIsSecond ? above : !above;
    switch (op) {
      case "eq":
        return false;
      case "ne":
        return true;
      case "lt":
      case "le":
        return firstBelow;
      case "gt":
      case "ge":
        return !firstBelow;
    }
  };
}

const SIGNED = ["int8", "int16", "int32", "int64"] as const;
const UNSIGNED = ["uint8", "uint16", "uint32"] as const;
const FLOAT = ["float32", "float64"] as const;

/**
 * The vector comparisons of `op` (lane masks, narrowed to bools by the
 * kernels): every type for `eq`/`ne`; signed and unsigned orders apart
 * (WebAssembly has no unsigned 64-bit order).
 */
function simdOf(op: Op): Ufunc["simd"] {
  const name = op[0].toUpperCase() + op[1];
  if (op === "eq" || op === "ne") return simdOps(name);
  return {
    ...simdOps(`${name}S`, SIGNED),
    ...simdOps(`${name}U`, UNSIGNED),
    ...simdOps(name, FLOAT),
  };
}

function row(name: string, op: Op): Ufunc {
  return {
    name,
    nin: 2,
    loops: LOOPS,
    compute: comparison(op),
    outOfRange: outOfRange(op),
    compareOp: op,
    simd: simdOf(op),
  };
}

/** `equal`: `x == y`. */
export const equal_: Ufunc = row("equal", "eq");
/** `not_equal`: `x != y`. */
export const notEqual_: Ufunc = row("not_equal", "ne");
/** `less`: `x < y`. */
export const less_: Ufunc = row("less", "lt");
/** `less_equal`: `x <= y`. */
export const lessEqual_: Ufunc = row("less_equal", "le");
/** `greater`: `x > y`. */
export const greater_: Ufunc = row("greater", "gt");
/** `greater_equal`: `x >= y`. */
export const greaterEqual_: Ufunc = row("greater_equal", "ge");

const UNARY = loops(
  1,
  `? b B h H i I q Q ${FLOATS} ${COMPLEX}`.split(" ").map((c) => `${c}->?`)
    .join(" "),
);

/** A float test of one part; integers and bools give `ints`. */
function classify(
  test: (x: string) => string,
  ints: 0 | 1,
  both: "&&" | "||",
): Compute {
  return (_body, types, [x]) => {
    const t = types[0];
    if (t.family === "complex") {
      const p = parts(x);
      return exact(bit(`(${test(p.re)}) ${both} (${test(p.im)})`));
    }
    if (t.family !== "float") return exact(String(ints));
    return exact(bit(test(num(x))));
  };
}

/** `isnan`: NaN (either part for complex). */
export const isnan_: Ufunc = {
  name: "isnan",
  nin: 1,
  loops: UNARY,
  compute: classify((x) => `${x} !== ${x}`, 0, "||"),
  simd: simdOps("IsNan", FLOAT),
};

/** `isinf`: plus or minus infinity (either part for complex). */
export const isinf_: Ufunc = {
  name: "isinf",
  nin: 1,
  loops: UNARY,
  compute: classify(
    (x) => `(${x} === Infinity || ${x} === -Infinity)`,
    0,
    "||",
  ),
  simd: simdOps("IsInf", FLOAT),
};

/** `isfinite`: neither NaN nor infinite (both parts for complex). */
export const isfinite_: Ufunc = {
  name: "isfinite",
  nin: 1,
  loops: UNARY,
  compute: classify((x) => `${x} - ${x} === 0`, 1, "&&"),
  simd: simdOps("IsFinite", FLOAT),
};

/**
 * The bitwise and logical rows: `bitwise_and`/`or`/`xor`, `left_shift`,
 * `right_shift`, `invert` (integer and bool loops only: floats are a
 * `TypeError`, as NumPy), and `logical_and`/`or`/`xor`/`not` (every type,
 * giving bool). Shifts by a count outside `[0, bits)` give 0 (or -1 for a
 * negative number shifted right), as NumPy's `npy_lshift`/`npy_rshift`.
 *
 * @module
 */

import { simdOps } from "../kernels/elementwise.ts";
import { exact } from "./arith.ts";
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
import type { Kind, Value } from "./values.ts";

/** A result of the output type that may need wrapping to it. */
function loose(types: readonly Kind[], expr: string): Value {
  const t = types[types.length - 1];
  if (t.family === "int64") {
    return { form: "big", expr: `(${expr})`, exact: false };
  }
  return { form: "num", expr: `(${expr})`, exact: false };
}

function bitwise(op: "&" | "|" | "^"): Compute {
  return (_body, types, [x, y]) => {
    const t = types[0];
    const expr = `${num(x)} ${op} ${num(y)}`;
    // Numbers: int32 results store into every narrower type as NumPy's.
    return t.family === "int64"
      ? { form: "big", expr: `(${expr})`, exact: true }
      : loose(types, expr);
  };
}

const leftShift: Compute = (_body, types, [x, y]) => {
  const t = types[0];
  const a = num(x), b = num(y);
  if (t.family === "int64") {
    return loose(types, `${b} >= 0n && ${b} < 64n ? ${a} << ${b} : 0n`);
  }
  return loose(types, `${b} >= 0 && ${b} < ${t.bits} ? ${a} << ${b} : 0`);
};

const rightShift: Compute = (_body, types, [x, y]) => {
  const t = types[0];
  const a = num(x), b = num(y);
  if (t.family === "int64") {
    const past = t.signed ? `${a} < 0n ? -1n : 0n` : "0n";
    return {
      form: "big",
      expr: `(${b} >= 0n && ${b} < 64n ? ${a} >> ${b} : ${past})`,
      exact: true,
    };
  }
  const past = t.signed ? `${a} < 0 ? -1 : 0` : "0";
  const shift = t.signed ? ">>" : ">>>";
  return exact(`${b} >= 0 && ${b} < ${t.bits} ? ${a} ${shift} ${b} : ${past}`);
};

const invert: Compute = (_body, types, [x]) => {
  const t = types[0];
  if (t.family === "bool") return exact(`${num(x)} ^ 1`);
  return loose(types, `~${num(x)}`);
};

/** `value != 0` as a JavaScript boolean expression, for any form. */
export function truthy(t: Kind, v: Value): string {
  if (t.family === "complex") {
    const p = parts(v);
    return `(${p.re} !== 0 || ${p.im} !== 0)`;
  }
  return `${num(v)} !== ${t.family === "int64" ? "0n" : "0"}`;
}

function logical(op: "&&" | "||" | "!=="): Compute {
  return (_body, types, [x, y]) => {
    const a = truthy(types[0], x), b = truthy(types[1], y);
    return exact(`(${a}) ${op} (${b}) ? 1 : 0`);
  };
}

const TO_BOOL = (codes: string) =>
  codes.split(" ").map((c) => `${c}${c}->?`).join(" ");
const ALL = `b B h H i I q Q ${FLOATS} ${COMPLEX}`;

/** `bitwise_and`: `x & y`. */
export const bitwiseAnd_: Ufunc = {
  name: "bitwise_and",
  nin: 2,
  loops: loops(2, "?", INTS),
  compute: bitwise("&"),
};

/** `bitwise_or`: `x | y`. */
export const bitwiseOr_: Ufunc = {
  name: "bitwise_or",
  nin: 2,
  loops: loops(2, "?", INTS),
  compute: bitwise("|"),
};

/** `bitwise_xor`: `x ^ y`. */
export const bitwiseXor_: Ufunc = {
  name: "bitwise_xor",
  nin: 2,
  loops: loops(2, "?", INTS),
  compute: bitwise("^"),
};

/** `left_shift`: `x << y`; bools shift as int8. */
export const leftShift_: Ufunc = {
  name: "left_shift",
  nin: 2,
  loops: loops(2, INTS),
  compute: leftShift,
};

/** `right_shift`: `x >> y` (arithmetic for signed types). */
export const rightShift_: Ufunc = {
  name: "right_shift",
  nin: 2,
  loops: loops(2, INTS),
  compute: rightShift,
};

/** `invert`: `~x` (logical not for bools). */
export const invert_: Ufunc = {
  name: "invert",
  nin: 1,
  loops: loops(1, "?", INTS),
  compute: invert,
};

/**
 * NumPy's promoter for the logical ufuncs: operands of different types
 * compute as bools (scalars with their kind's default type first).
 */
const toBools = (types: readonly { name: string; kind: string }[]) =>
  types.every((t) => t.name === types[0].name) ||
    // Text, bytes, records and datetimes: the search refuses them.
    !types.every((t) => "biufc".includes(t.kind))
    ? undefined
    : ["bool", "bool", "bool"] as const;

function logicalRow(name: string, op: "&&" | "||" | "!=="): Ufunc {
  return {
    name,
    nin: 2,
    loops: loops(2, "?", TO_BOOL(ALL)),
    compute: logical(op),
    resolve: toBools,
    weakDefault: true,
  };
}

/** `logical_and`: both non-zero. */
export const logicalAnd_: Ufunc = logicalRow("logical_and", "&&");
/** `logical_or`: either non-zero. */
export const logicalOr_: Ufunc = logicalRow("logical_or", "||");
/** `logical_xor`: exactly one non-zero. */
export const logicalXor_: Ufunc = logicalRow("logical_xor", "!==");

/** `logical_not`: zero. */
export const logicalNot_: Ufunc = {
  name: "logical_not",
  nin: 1,
  loops: loops(
    1,
    "?",
    ALL.split(" ").map((c) => `${c}->?`).join(" "),
  ),
  compute: (_body, types, [x]) => exact(`${truthy(types[0], x)} ? 0 : 1`),
  // Floats: x == 0 (NaN is true, so its logical_not false).
  simd: simdOps("IsZero", ["float32", "float64"]),
};

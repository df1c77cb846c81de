/**
 * How element values look in the generated loops, and the casts between
 * types as JavaScript expressions, with NumPy's results bit for bit:
 *
 * - every dtype but the 64-bit integers and complex is a JavaScript number
 *   (exact: a double holds every value of these types);
 * - int64/uint64 are bigints where a loop computes on them (V8 keeps
 *   `BigInt64Array` arithmetic in machine words), and two int32 words
 *   (an `Int32Array` over the same bytes) where they are converted, which
 *   avoids a bigint per element;
 * - complex values are two numbers.
 *
 * Casts follow NumPy's C casts on x86-64: integers wrap; a float becomes an
 * integer by truncation, and a float outside the range the machine
 * conversion handles gives what `cvttsd2si` gives (the "integer
 * indefinite" value, then wrapped); a float or 64-bit integer becomes a
 * narrower float with one rounding (round to nearest, ties to even);
 * complex to real drops the imaginary part.
 *
 * @module
 */

import type { DTypeName, NumericName } from "../dtype.ts";

/** How a type's values are handled in generated code. */
export type Family = "bool" | "int" | "int64" | "float" | "complex";

/** A dtype as the code generator sees it. */
export interface Kind {
  /** The dtype's name. */
  readonly name: DTypeName;
  /** How its values are handled. */
  readonly family: Family;
  /** Signed integer (int families only). */
  readonly signed: boolean;
  /** Bits of a value (bool, ints, floats) or of one part (complex). */
  readonly bits: number;
}

const KINDS: Record<NumericName, Kind> = {
  bool: { name: "bool", family: "bool", signed: false, bits: 8 },
  int8: { name: "int8", family: "int", signed: true, bits: 8 },
  uint8: { name: "uint8", family: "int", signed: false, bits: 8 },
  int16: { name: "int16", family: "int", signed: true, bits: 16 },
  uint16: { name: "uint16", family: "int", signed: false, bits: 16 },
  int32: { name: "int32", family: "int", signed: true, bits: 32 },
  uint32: { name: "uint32", family: "int", signed: false, bits: 32 },
  int64: { name: "int64", family: "int64", signed: true, bits: 64 },
  uint64: { name: "uint64", family: "int64", signed: false, bits: 64 },
  float16: { name: "float16", family: "float", signed: true, bits: 16 },
  float32: { name: "float32", family: "float", signed: true, bits: 32 },
  float64: { name: "float64", family: "float", signed: true, bits: 64 },
  complex64: { name: "complex64", family: "complex", signed: true, bits: 32 },
  complex128: { name: "complex128", family: "complex", signed: true, bits: 64 },
};

/**
 * The code generator's view of a dtype.
 *
 * @param name The dtype's name.
 * @returns Its kind.
 */
export function kindOf(name: DTypeName): Kind {
  // Bytes, text, records and datetimes never reach the generated loops.
  return KINDS[name as NumericName];
}

/**
 * A value in generated code. `exact` tells whether the expression already
 * is a value of its type; when false it may lie outside the type (an int16
 * sum past 32767, a float32 product still in double precision) and is made
 * exact by {@linkcode materialize} or by storing it into the type's array.
 */
export type Value =
  | { readonly form: "num"; readonly expr: string; readonly exact: boolean }
  | { readonly form: "big"; readonly expr: string; readonly exact: boolean }
  | { readonly form: "words"; readonly lo: string; readonly hi: string }
  | {
    readonly form: "complex";
    readonly re: string;
    readonly im: string;
    readonly exact: boolean;
  };

/** The form a 64-bit integer should take: bigint (to compute) or words (to convert or store). */
export type Int64Form = "big" | "words";

/** Index of the low and high int32 word of a 64-bit integer on this host. */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Offset of the low word. */
export const LO: 0 | 1 = LITTLE ? 0 : 1;
/** Offset of the high word. */
export const HI: 0 | 1 = LITTLE ? 1 : 0;

const IDENT = /^[A-Za-z_$][\w$]*$|^-?\d+(\.\d+)?(e[+-]?\d+)?n?$/;

/** The statements of one loop body, with fresh local names. */
export class Body {
  /** The statements so far. */
  readonly lines: string[] = [];
  #next = 0;
  readonly #prefix: string;

  /**
   * @param prefix Prefix of local names (kept apart between bodies that share a scope).
   */
  constructor(prefix = "t") {
    this.#prefix = prefix;
  }

  /**
   * Binds an expression to a new constant (names and literals are returned as they are).
   *
   * @param expr The expression.
   * @returns A name or literal standing for it.
   */
  let(expr: string): string {
    if (IDENT.test(expr)) return expr;
    const name = `${this.#prefix}${this.#next++}`;
    this.lines.push(`const ${name} = ${expr};`);
    return name;
  }

  /**
   * Appends a statement.
   *
   * @param line The statement.
   */
  emit(line: string): void {
    this.lines.push(line);
  }
}

/**
 * Reads element `index` (an index expression into the operand's typed
 * array) of operand `k`, whose typed array is `a{k}` and, for 64-bit
 * integers, whose words are `w{k}`.
 *
 * @returns The value, bound to locals.
 */
export function read(
  body: Body,
  k: number,
  kind: Kind,
  index: string,
  form: Int64Form,
): Value {
  switch (kind.family) {
    case "int64":
      if (form === "big") {
        return { form: "big", expr: body.let(`a${k}[${index}]`), exact: true };
      }
      return {
        form: "words",
        lo: body.let(`w${k}[2 * ${index}${LO ? " + 1" : ""}]`),
        hi: body.let(`w${k}[2 * ${index}${HI ? " + 1" : ""}]`),
      };
    case "complex":
      return {
        form: "complex",
        re: body.let(`a${k}[${index}]`),
        im: body.let(`a${k}[${index} + 1]`),
        exact: true,
      };
    default:
      return { form: "num", expr: body.let(`a${k}[${index}]`), exact: true };
  }
}

/**
 * Writes a value of type `kind` (made ready by {@linkcode convert}) to
 * element `index` of operand `k`.
 */
export function write(
  body: Body,
  k: number,
  kind: Kind,
  index: string,
  value: Value,
): void {
  switch (value.form) {
    case "words":
      body.emit(`w${k}[2 * ${index}${LO ? " + 1" : ""}] = ${value.lo};`);
      body.emit(`w${k}[2 * ${index}${HI ? " + 1" : ""}] = ${value.hi};`);
      return;
    case "complex":
      body.emit(`a${k}[${index}] = ${value.re};`);
      body.emit(`a${k}[${index} + 1] = ${value.im};`);
      return;
    default:
      if (kind.family === "int64" && value.form === "num") {
        throw new Error(`internal: a number cannot be stored as ${kind.name}`);
      }
      body.emit(`a${k}[${index}] = ${value.expr};`);
  }
}

/**
 * Makes a value exact in its type (wraps integers, rounds floats).
 *
 * @returns The exact value.
 */
export function materialize(body: Body, value: Value, kind: Kind): Value {
  if (value.form === "words" || value.exact) return value;
  if (value.form === "complex") {
    if (kind.bits === 64) return { ...value, exact: true };
    return {
      form: "complex",
      re: body.let(`Math.fround(${value.re})`),
      im: body.let(`Math.fround(${value.im})`),
      exact: true,
    };
  }
  if (value.form === "big") {
    const fn = kind.signed ? "asIntN" : "asUintN";
    return {
      form: "big",
      expr: body.let(`BigInt.${fn}(64, ${value.expr})`),
      exact: true,
    };
  }
  const x = value.expr;
  let expr: string;
  switch (kind.name) {
    case "int8":
      expr = `(${x}) << 24 >> 24`;
      break;
    case "uint8":
      expr = `(${x}) & 255`;
      break;
    case "int16":
      expr = `(${x}) << 16 >> 16`;
      break;
    case "uint16":
      expr = `(${x}) & 65535`;
      break;
    case "int32":
      expr = `(${x}) | 0`;
      break;
    case "uint32":
      expr = `(${x}) >>> 0`;
      break;
    case "float16":
      expr = `Math.f16round(${x})`;
      break;
    case "float32":
      expr = `Math.fround(${x})`;
      break;
    default:
      expr = x;
  }
  return { form: "num", expr: body.let(expr), exact: true };
}

/** `value !== 0` for any form. */
function truth(value: Value): string {
  switch (value.form) {
    case "num":
      return `(${value.expr}) !== 0`;
    case "big":
      return `(${value.expr}) !== 0n`;
    case "words":
      return `(${value.lo} | ${value.hi}) !== 0`;
    case "complex":
      return `(${value.re} !== 0 || ${value.im} !== 0)`;
  }
}

/** The real part of an exact value as a number, rounded once to a float of `bits` bits where it matters. */
function realOf(body: Body, value: Value, from: Kind, bits: number): string {
  switch (value.form) {
    case "num":
      return value.expr;
    case "complex":
      return value.re;
    case "big": {
      // Rare (a 64-bit integer loop's result cast to a float): through words.
      body.emit(`H.${from.signed ? "i" : "u"}64Words(${value.expr});`);
      const words: Value = {
        form: "words",
        lo: body.let(`H.words[${LO}]`),
        hi: body.let(`H.words[${HI}]`),
      };
      return realOf(body, words, from, bits);
    }
    case "words": {
      const { lo, hi } = value;
      if (bits === 32) {
        return body.let(`H.${from.signed ? "i" : "u"}64ToF32(${lo}, ${hi})`);
      }
      // One IEEE addition of two exact doubles: rounded once.
      return body.let(
        from.signed
          ? `${hi} * 4294967296 + (${lo} >>> 0)`
          : `(${hi} >>> 0) * 4294967296 + (${lo} >>> 0)`,
      );
    }
  }
}

/**
 * Converts an exact value of type `from` to type `to` (NumPy's unsafe
 * cast). The result is ready to be stored into an array of `to`; it is
 * exact when the cast is value-preserving (`safe`), which is all a loop
 * needs of its inputs.
 *
 * @param form The form wanted for 64-bit integer results.
 * @returns The converted value.
 */
export function convert(
  body: Body,
  value: Value,
  from: Kind,
  to: Kind,
  form: Int64Form = "words",
): Value {
  if (from.name === to.name) return value;
  const v = materialize(body, value, from);
  switch (to.family) {
    case "bool":
      return {
        form: "num",
        expr: body.let(`${truth(v)} ? 1 : 0`),
        exact: true,
      };
    case "int":
      return { form: "num", expr: toInt(body, v, from, to), exact: false };
    case "int64":
      return toInt64(body, v, from, to, form);
    case "float":
      return {
        form: "num",
        expr: realOf(body, v, from, to.bits),
        exact: false,
      };
    case "complex": {
      const re = realOf(body, v, from, to.bits);
      const im = v.form === "complex" ? v.im : "0";
      return { form: "complex", re, im, exact: false };
    }
  }
}

/** A number whose store into an int8..uint32 array gives NumPy's cast. */
function toInt(body: Body, v: Value, from: Kind, to: Kind): string {
  if (v.form === "words") return v.lo;
  if (v.form === "big") return body.let(`Number(BigInt.asIntN(32, ${v.expr}))`);
  const x = v.form === "complex" ? v.re : v.expr;
  if (from.family === "bool" || from.family === "int") return x;
  // From a float: x86-64's truncating conversion, 32-bit for the narrow
  // types (out of range: 0x80000000); for uint32 NumPy's vectorized
  // unsigned form, or (from float16 and complex128, which NumPy converts
  // one at a time) the low half of a 64-bit conversion.
  if (to.name !== "uint32") return body.let(`H.f2i32(${x})`);
  const wide = from.name === "float16";
  return body.let(`H.${wide ? "f2u32Wide" : "f2u32"}(${x})`);
}

/** A value storable into an int64/uint64 array that gives NumPy's cast. */
function toInt64(
  body: Body,
  v: Value,
  from: Kind,
  to: Kind,
  form: Int64Form,
): Value {
  if (v.form === "words") {
    if (form === "words") return v;
    return {
      form: "big",
      expr: body.let(
        `H.${to.signed ? "i" : "u"}64FromWords(${v.lo}, ${v.hi})`,
      ),
      exact: true,
    };
  }
  if (v.form === "big") {
    return { form: "big", expr: v.expr, exact: false };
  }
  const x = body.let(v.form === "complex" ? v.re : v.expr);
  if (from.family === "bool" || from.family === "int") {
    if (form === "big") {
      return { form: "big", expr: body.let(`BigInt(${x})`), exact: true };
    }
    return { form: "words", lo: x, hi: body.let(`${x} < 0 ? -1 : 0`) };
  }
  // From a float: truncation, and x86-64's value for what is out of range
  // (0x8000000000000000; uint64 through NumPy's unsigned form).
  let y = x;
  let high = "";
  if (!to.signed) {
    high = body.let(`${x} >= 9223372036854775808`);
    y = body.let(`${high} ? ${x} - 9223372036854775808 : ${x}`);
  }
  const t = body.let(
    `${y} >= -9223372036854775808 && ${y} < 9223372036854775808 ? Math.trunc(${y}) : -9223372036854775808`,
  );
  const h = body.let(`Math.floor(${t} / 4294967296)`);
  const words: Value = {
    form: "words",
    lo: body.let(`${t} - ${h} * 4294967296`),
    hi: to.signed ? h : body.let(`${high} ? ${h} ^ -2147483648 : ${h}`),
  };
  return form === "words" ? words : toInt64(body, words, to, to, "big");
}

/**
 * NumPy 2 type promotion: the result type of arithmetic between two arrays,
 * and between an array and a plain JavaScript scalar (NEP 50: scalars are
 * "weak" and take the array's type when their kind allows).
 *
 * @module
 */

import { type DType, type DTypeName, nativeDType } from "./dtype.ts";

const ORDER: readonly DTypeName[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
];

/**
 * Whether a type is one of the numeric types the computing functions take
 * (bool, integers, float16/32/64, complex64/128): not bytes, text, records,
 * dates or long doubles.
 *
 * @param dt The type.
 * @returns `true` for the numeric types.
 */
export function isNumeric(dt: DType): boolean {
  return (ORDER as readonly string[]).includes(dt.name);
}

/** Tells whether NumPy casts `from` to `to` with casting="safe" (byte order aside). */
export function canCastSafe(from: DType, to: DType): boolean {
  const fk = from.kind, tk = to.kind, fs = from.itemsize, ts = to.itemsize;
  if (fk === "b") return true;
  if (tk === "b") return false;
  if (fk === "i") {
    if (tk === "i") return ts >= fs;
    if (tk === "u") return false;
    if (tk === "f") return fs === 1 ? true : fs === 2 ? ts >= 4 : ts === 8;
    return fs <= 2 ? true : ts === 16;
  }
  if (fk === "u") {
    if (tk === "u") return ts >= fs;
    if (tk === "i") return ts > fs;
    if (tk === "f") return fs === 1 ? true : fs === 2 ? ts >= 4 : ts === 8;
    return fs <= 2 ? true : ts === 16;
  }
  if (fk === "f") {
    if (tk === "f") return ts >= fs;
    if (tk === "c") return ts >= 2 * fs;
    return false;
  }
  return tk === "c" && ts >= fs;
}

/**
 * The common type of two array types, as `np.result_type(a, b)`; the result
 * is in native byte order.
 */
export function resultType(a: DType, b: DType): DType {
  return commonDType([a, b]);
}

/**
 * The common type of several array types, as `np.result_type(a, b, c...)`:
 * the first type of NumPy's order that every one casts to safely (not the
 * pairwise promotion: uint16, int16 and float16 give float32). In native
 * byte order.
 *
 * @param types The types (at least one).
 * @returns The common type.
 */
export function commonDType(types: readonly DType[]): DType {
  if (!types.every(isNumeric)) {
    // Bytes, text, records, dates and long doubles join their own type only.
    const first = types[0];
    if (types.every((t) => t.equals(first))) return first;
    throw new TypeError(
      `Cannot find a common type of ${
        types.map((t) => t.name).join(", ")
      }: only numeric types promote`,
    );
  }
  for (const name of ORDER) {
    const t = nativeDType(name);
    if (types.every((a) => canCastSafe(a, t))) return t;
  }
  return nativeDType("complex128");
}

/** A plain JavaScript scalar operand. */
export type Scalar = number | bigint | boolean;

/** The NumPy kind a plain scalar stands for: Python bool, int or float. */
export function scalarKind(x: Scalar): "b" | "i" | "f" {
  if (typeof x === "boolean") return "b";
  if (typeof x === "bigint") return "i";
  return Number.isInteger(x) ? "i" : "f";
}

const LIMITS: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/**
 * Checks that an integer fits an integer type, as NumPy 2 does for Python
 * integers.
 *
 * @throws {RangeError} If it does not fit.
 */
export function checkIntFits(value: number | bigint, dt: DType): void {
  const lim = LIMITS[dt.name];
  if (lim === undefined) return;
  const v = typeof value === "bigint" ? value : BigInt(value);
  if (v < lim[0] || v > lim[1]) {
    throw new RangeError(
      `Cannot convert integer ${value} to ${dt.name}: out of bounds ${
        lim[0]
      }..${lim[1]}`,
    );
  }
}

/**
 * The result type of an array of type `a` combined with a plain scalar
 * (NEP 50). Integer scalars must fit an integer result.
 *
 * @throws {RangeError} If an integer scalar does not fit the array's integer type.
 */
export function resultTypeWithScalar(a: DType, x: Scalar): DType {
  const k = scalarKind(x);
  let t: DType;
  if (k === "b") t = a.toNative();
  else if (k === "i") t = a.kind === "b" ? nativeDType("int64") : a.toNative();
  else {t = a.kind === "b" || a.kind === "i" || a.kind === "u"
      ? nativeDType("float64")
      : a.toNative();}
  if (k === "i" && (t.kind === "i" || t.kind === "u")) {
    checkIntFits(x as number | bigint, t);
  }
  return t;
}

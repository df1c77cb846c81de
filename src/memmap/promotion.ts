/**
 * NumPy 2 type promotion: the result type of arithmetic between two arrays,
 * and between an array and a plain JavaScript scalar (NEP 50: scalars are
 * "weak" and take the array's type when their kind allows).
 *
 * @module
 */

import { DATE_UNITS, type UnitInfo } from "./datetime.ts";
import {
  type DType,
  dtype,
  type DTypeName,
  nativeDType,
  unitInfoOf,
} from "./dtype.ts";

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
  if (isItemType(from) || isItemType(to)) return itemCastSafe(from, to);
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
  if (types.some(isItemType)) return types.reduce(promoteItems);
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

/**
 * Whether a type's casts and promotion follow NumPy's rules for bytes,
 * text, raw bytes, records, datetimes and timedeltas (kinds `S`, `U`, `V`,
 * `M`, `m`) rather than the numeric order.
 */
export function isItemType(dt: DType): boolean {
  return "SUVMm".includes(dt.kind);
}

/** Characters a bytes or text type holds (bytes: one a byte; text: one in 4 bytes). */
function charsOf(dt: DType): number {
  return dt.kind === "U" ? dt.itemsize / 4 : dt.itemsize;
}

/** The characters NumPy gives a number as text (`np.result_type(int32, "S")` is S11). */
function digitsOf(dt: DType): number {
  switch (dt.kind) {
    case "b":
      return 5;
    case "i":
      return [0, 4, 6, 0, 11, 0, 0, 0, 21][dt.itemsize];
    case "u":
      return [0, 3, 5, 0, 10, 0, 0, 0, 20][dt.itemsize];
    case "f":
      return dt.itemsize > 8 ? 48 : 32;
    default:
      return dt.itemsize > 16 ? 96 : 64;
  }
}

/** The index of a unit, coarsest first (`Y` is 0). */
function unitIndex(u: UnitInfo): number {
  return DATE_UNITS.indexOf(u.base as never);
}

/** Whether a unit is a year or a month (not a fixed length). */
function isNonlinear(u: UnitInfo): boolean {
  return u.base === "Y" || u.base === "M";
}

/** Attoseconds per base unit (of fixed length). */
const AS: Record<string, bigint> = {
  W: 604800n * 10n ** 18n,
  D: 86400n * 10n ** 18n,
  h: 3600n * 10n ** 18n,
  m: 60n * 10n ** 18n,
  s: 10n ** 18n,
  ms: 10n ** 15n,
  us: 10n ** 12n,
  ns: 10n ** 9n,
  ps: 10n ** 6n,
  fs: 10n ** 3n,
  as: 1n,
};

/** A unit's length in months (`Y`, `M`) or attoseconds. */
function lengthOf(u: UnitInfo): bigint {
  const m = BigInt(u.multiple);
  if (u.base === "Y") return 12n * m;
  if (u.base === "M") return m;
  return AS[u.base] * m;
}

/**
 * Whether counts of unit `from` are whole counts of unit `to` (NumPy's
 * `datetime_metadata_divides`); a year or month goes into any fixed unit
 * of a datetime (not of a timedelta, `strict`).
 */
function unitDivides(from: UnitInfo, to: UnitInfo, strict: boolean): boolean {
  if (isNonlinear(from) !== isNonlinear(to)) {
    return !strict && isNonlinear(from);
  }
  return lengthOf(from) % lengthOf(to) === 0n;
}

/** NumPy's safe casts between bytes, text, raw bytes, records and datetimes. */
function itemCastSafe(from: DType, to: DType): boolean {
  const fk = from.kind, tk = to.kind;
  if (from.names !== null || to.names !== null) {
    // Records cast field by field, in order (names aside).
    if (from.names === null || to.names === null) return false;
    if (from.names.length !== to.names.length) return false;
    return from.names.every((n, i) => {
      const a = from.fields![n].dtype, b = to.fields![to.names![i]].dtype;
      return sameSubarray(a, b) && canCastSafe(baseOf(a), baseOf(b));
    });
  }
  if (from.subdtype !== null || to.subdtype !== null) {
    return sameSubarray(from, to) && canCastSafe(baseOf(from), baseOf(to));
  }
  // Any other type's bytes fit raw bytes at least as long.
  if (tk === "V") return to.itemsize >= from.itemsize;
  switch (fk) {
    case "S":
      return (tk === "S" || tk === "U") && charsOf(to) >= charsOf(from);
    case "U":
      return tk === "U" && to.itemsize >= from.itemsize;
    case "V":
      return false;
    case "M":
    case "m": {
      if (tk !== fk) return false;
      const a = unitInfoOf(from)!, b = unitInfoOf(to)!;
      if (a.base === "generic") return true;
      if (b.base === "generic") return false;
      return unitIndex(a) <= unitIndex(b) && unitDivides(a, b, fk === "m");
    }
  }
  // A number (or bool) into bytes, text or a timedelta.
  if (tk === "S" || tk === "U") return charsOf(to) >= digitsOf(from);
  if (tk === "m") {
    return fk === "b" || fk === "i" || (fk === "u" && from.itemsize < 8);
  }
  return false;
}

/**
 * Whether NumPy casts `from` to `to` with casting="same_kind", for bytes,
 * text, raw bytes, records, datetimes and timedeltas (on either side):
 * as the safe rule with lengths and units aside (not a timedelta in years
 * or months to a fixed unit or back, nor a datetime to a timedelta or back).
 *
 * @param from The source type (or `to`) of such a kind.
 * @param to The target type.
 * @returns Whether the cast is allowed.
 */
export function itemCastSameKind(from: DType, to: DType): boolean {
  if (from.names !== null || to.names !== null) {
    if (from.names === null || to.names === null) return false;
    if (from.names.length !== to.names.length) return false;
    return from.names.every((n, i) => {
      const a = from.fields![n].dtype, b = to.fields![to.names![i]].dtype;
      return sameSubarray(a, b) &&
        (isItemType(baseOf(a)) || isItemType(baseOf(b))
          ? itemCastSameKind(baseOf(a), baseOf(b))
          : canCastSafe(baseOf(a), baseOf(b)) ||
            "buifc".indexOf(baseOf(a).kind) <= "buifc".indexOf(baseOf(b).kind));
    });
  }
  const fk = from.kind, tk = to.kind;
  if (tk === "V") {
    return fk === "V" ||
      (to.itemsize >= from.itemsize && from.subdtype === null);
  }
  if (fk === "M" || fk === "m") {
    if (tk !== fk) return false;
    const a = unitInfoOf(from)!, b = unitInfoOf(to)!;
    if (a.base === "generic" || b.base === "generic") {
      return a.base === "generic";
    }
    return fk === "M" || isNonlinear(a) === isNonlinear(b);
  }
  if (fk === "S") return tk === "S" || tk === "U";
  if (fk === "U") return tk === "U";
  if (fk === "V") return false;
  if (tk === "S" || tk === "U") return true;
  return tk === "m" && (fk === "b" || fk === "i" || fk === "u");
}

function baseOf(dt: DType): DType {
  return dt.subdtype?.base ?? dt;
}

function sameSubarray(a: DType, b: DType): boolean {
  const sa = a.subdtype?.shape ?? [], sb = b.subdtype?.shape ?? [];
  return sa.length === sb.length && sa.every((n, k) => n === sb[k]);
}

/** The name NumPy prints for a type in a promotion error. */
function shown(dt: DType): string {
  return dt.names !== null ? dt.toString() : dt.name;
}

function cannotPromote(a: DType, b: DType, why: string): never {
  throw new TypeError(
    `Cannot find a common type of ${shown(a)} and ${shown(b)}: ${why}`,
  );
}

/**
 * The common unit of two datetime or timedelta units (NumPy's
 * `compute_datetime_metadata_greatest_common_divisor`): the finer base
 * unit, with the greatest common divisor of the two lengths; a year or a
 * month with a fixed unit gives that unit for datetimes and fails for
 * timedeltas (`strict`).
 */
function commonUnit(
  a: DType,
  b: DType,
  strict: boolean,
): string {
  const x = unitInfoOf(a)!, y = unitInfoOf(b)!;
  if (x.base === "generic") return y.text;
  if (y.base === "generic") return x.text;
  if (isNonlinear(x) !== isNonlinear(y)) {
    if (strict) {
      cannotPromote(
        a,
        b,
        "a year or a month has no common divisor with a unit of fixed length",
      );
    }
    // NumPy keeps the fixed unit's multiple, or for weeks and days its
    // greatest common divisor with the years' or months'.
    const [lin, non] = isNonlinear(x) ? [y, x] : [x, y];
    let n = lin.multiple;
    if (lin.base === "W" || lin.base === "D") {
      let q = non.multiple;
      while (q !== 0) [n, q] = [q, n % q];
    }
    return n === 1 ? lin.base : `${n}${lin.base}`;
  }
  let p = lengthOf(x), q = lengthOf(y);
  while (q !== 0n) [p, q] = [q, p % q];
  // Both lengths are whole numbers of the finer base unit.
  const fine = (unitIndex(x) > unitIndex(y) ? x : y).base;
  const n = p / (fine === "Y" ? 12n : fine === "M" ? 1n : AS[fine]);
  return n === 1n ? fine : `${n}${fine}`;
}

/**
 * NumPy 2's promotion of two types at least one of which is bytes, text,
 * raw bytes, a record, a datetime or a timedelta, in native byte order:
 * bytes and text to the longer (text when either is text), raw bytes of one
 * size, records with the same field names field by field, datetimes and
 * timedeltas to their common unit (a datetime with a timedelta gives the
 * datetime; integers and bools with a timedelta give the timedelta).
 *
 * @throws {TypeError} For types NumPy does not promote, and numbers with
 *   bytes or text (NumPy gives text of the number's digits; this library
 *   does not convert numbers to text).
 */
function promoteItems(a: DType, b: DType): DType {
  const ak = a.kind, bk = b.kind;
  if (a.names !== null || b.names !== null) {
    if (a.names === null || b.names === null) {
      cannotPromote(a, b, "a record promotes only with a record");
    }
    if (
      a.names.length !== b.names.length ||
      a.names.some((n, i) => n !== b.names![i])
    ) {
      cannotPromote(a, b, "the field names differ");
    }
    if (a.equals(b)) return a.toNative();
    return dtype(a.names.map((n) => {
      const fa = a.fields![n].dtype, fb = b.fields![n].dtype;
      if (!sameSubarray(fa, fb)) {
        cannotPromote(a, b, `the shapes of field "${n}" differ`);
      }
      const t = commonDType([baseOf(fa), baseOf(fb)]);
      return fa.subdtype === null ? [n, t] : [n, t, fa.subdtype.shape];
    }) as never);
  }
  if (a.subdtype !== null || b.subdtype !== null) {
    cannotPromote(a, b, "subarray types promote only as fields of records");
  }
  const text = (k: string) => k === "S" || k === "U";
  if (text(ak) && text(bk)) {
    const chars = Math.max(charsOf(a), charsOf(b));
    const k = ak === "U" || bk === "U" ? "U" : "S";
    return dtype(`${k === "U" ? "<" : "|"}${k}${chars}`).toNative();
  }
  if (text(ak) || text(bk)) {
    cannotPromote(
      a,
      b,
      "bytes and text promote only with bytes and text (numbers are not converted to text)",
    );
  }
  if (ak === "V" || bk === "V") {
    if (ak === "V" && bk === "V" && a.itemsize === b.itemsize) {
      return a.toNative();
    }
    cannotPromote(
      a,
      b,
      "raw bytes promote only with raw bytes of the same size",
    );
  }
  const date = (k: string) => k === "M" || k === "m";
  if (date(ak) && date(bk)) {
    const k = ak === "M" || bk === "M" ? "M" : "m";
    const unit = commonUnit(a, b, k === "m");
    return dtype(`${k}8${unit === "" ? "" : `[${unit}]`}`).toNative();
  }
  // A timedelta with a bool or an integer NumPy casts to it safely.
  const [d, other] = date(ak) ? [a, b] : [b, a];
  if (d.kind === "m" && itemCastSafe(other, d)) return d.toNative();
  return cannotPromote(
    a,
    b,
    d.kind === "M"
      ? "a datetime promotes only with datetimes and timedeltas"
      : "a timedelta promotes only with timedeltas, bools and integers (not uint64)",
  );
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

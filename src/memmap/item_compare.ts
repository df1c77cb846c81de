/**
 * Comparisons of arrays of bytes, text, raw bytes, records and datetimes,
 * as NumPy's `==`, `!=`, `<`, `<=`, `>`, `>=` compare them, with
 * broadcasting, giving bool arrays:
 *
 * - bytes with bytes, text with text: by byte or code point, shorter
 *   values padded with NULs (so trailing NULs never matter); bytes and text
 *   are never equal to each other, and cannot be ordered against each other;
 * - datetime64 with datetime64, timedelta64 with timedelta64 (units
 *   converted to the finer one; a timedelta also with integers as counts):
 *   NaT is unequal to everything, itself included, as NaN;
 * - records with records of the same field names, raw bytes with raw bytes:
 *   equality only (field by field, NaN unequal).
 *
 * A JavaScript value on the other side (a string, a `Uint8Array`, a
 * `Date`, a bigint, an object) is taken as one element of the array's type.
 *
 * @module
 */

import {
  convertDatetime,
  convertTimedelta,
  DATE_UNITS,
  type DateTimeUnit,
  NAT,
} from "./datetime.ts";
import { type DType, nativeDType, unitInfoOf } from "./dtype.ts";
import { dataViewOf } from "./element.ts";
import { isDateLike, readerOf, writeItem } from "./items.ts";
import { walk } from "./iterate.ts";
import { empty, fromData, isArrayObject, type NDArray } from "./ndarray.ts";
import { broadcastShapes, broadcastStrides } from "./shape.ts";
import { isDetached, operandOf, throwClosed } from "./storage.ts";
import { dateTime, isArray } from "../_args.ts";

/** The comparisons, by NumPy's ufunc names' short forms. */
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

const SYMBOL: Record<CompareOp, string> = {
  eq: "==",
  ne: "!=",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
};

function refuse(op: CompareOp, a: DType, b: DType, why: string): never {
  throw new TypeError(
    `Cannot compare ${a.name} ${SYMBOL[op]} ${b.name}: ${why}`,
  );
}

/**
 * An operand as an array: a JavaScript value becomes one element of
 * `like`'s type. Its code (getters, traps, `valueOf`) runs here, so the
 * caller checks the state of the arrays afterwards.
 */
function operand(x: unknown, like: DType): NDArray {
  if (isArrayObject(x)) return x;
  if (typeof x === "number" || typeof x === "bigint") {
    if (isDateLike(like)) return fromData(x, like);
    return fromData(x);
  }
  if (typeof x === "string" || x === null || dateTime(x) !== undefined) {
    if (isDateLike(like) || like.kind === "S" || like.kind === "U") {
      const one = empty([], like);
      writeItem(one.storage.bytes, 0, like, x);
      return one;
    }
  }
  if (isArray(x)) return fromData(x, like);
  const one = empty([], like);
  writeItem(one.storage.bytes, 0, like, x);
  return one;
}

/**
 * Three-way comparison of the code units (1 or 4 bytes) of an element of
 * `a` at byte `p` and one of `b` at byte `q`, NUL-padded.
 *
 * @param a An array of bytes or text.
 * @param b An array of the same kind.
 * @returns The comparison: negative, zero or positive.
 */
export function unitsComparer(
  a: NDArray,
  b: NDArray,
): (p: number, q: number) => number {
  const ta = a.dtype, tb = b.dtype;
  const wide = ta.kind === "U";
  const na = wide ? ta.itemsize / 4 : ta.itemsize;
  const nb = wide ? tb.itemsize / 4 : tb.itemsize;
  const n = Math.max(na, nb);
  const ab = a.storage.bytes, bb = b.storage.bytes;
  const adv = dataViewOf(ab), bdv = dataViewOf(bb);
  const la = ta.littleEndian, lb = tb.littleEndian;
  return (p, q) => {
    for (let i = 0; i < n; i++) {
      const x = i >= na ? 0 : wide ? adv.getUint32(p + 4 * i, la) : ab[p + i];
      const y = i >= nb ? 0 : wide ? bdv.getUint32(q + 4 * i, lb) : bb[q + i];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

function sameValue(x: unknown, y: unknown): boolean {
  if (typeof x !== "object" || x === null) {
    // Numbers and bigints by value (1 == 1n exactly); NaN unequal, -0 == 0.
    const numeric = (v: unknown) =>
      typeof v === "number" || typeof v === "bigint";
    return numeric(x) && numeric(y) ? x == y : x === y;
  }
  if (x instanceof Uint8Array) {
    const z = y as Uint8Array;
    return x.length === z.length && x.every((v, i) => v === z[i]);
  }
  const o = x as Record<string, unknown>, p = y as Record<string, unknown>;
  return Object.keys(o).every((k) => sameValue(o[k], p[k]));
}

/**
 * Compares two operands element-wise, as NumPy's comparison ufuncs do for
 * bytes, text, raw bytes, records and datetimes.
 *
 * @param op The comparison.
 * @param first The array on the left.
 * @param other The right side: an array, or one element's value.
 * @returns A new in-memory bool array of the broadcast shape.
 * @throws {TypeError} For types NumPy does not compare (ordering of records,
 *   raw bytes, or bytes against text; records of other fields; datetimes
 *   against timedeltas).
 * @throws {RangeError} If the shapes do not broadcast.
 */
export function compareItems(
  op: CompareOp,
  first: NDArray,
  other: unknown,
): NDArray<"bool"> {
  // Convert the other side first (its code may close either array), then
  // check both arrays' state, then take their memory.
  let a: NDArray = first;
  let b = operand(other, a.dtype.toNative());
  if (isDetached(a.storage)) throwClosed(a.storage);
  if (isDetached(b.storage)) throwClosed(b.storage);
  // A timedelta compares with integer arrays as counts (NumPy casts them).
  const isInt = (t: DType) => t.kind === "i" || t.kind === "u";
  if (a.dtype.kind === "m" && isInt(b.dtype)) b = b.astype(a.dtype.toNative());
  if (b.dtype.kind === "m" && isInt(a.dtype)) a = a.astype(b.dtype.toNative());
  const ta = a.dtype, tb = b.dtype;
  const ordered = op !== "eq" && op !== "ne";
  let cmp: (p: number, q: number) => number; // <0, 0, >0; NaN when unordered
  const ab = a.storage.bytes, bb = b.storage.bytes;
  const adv = dataViewOf(ab), bdv = dataViewOf(bb);
  const kinds = ta.kind + tb.kind;
  if (kinds === "SS" || kinds === "UU") {
    cmp = unitsComparer(a, b);
  } else if (kinds === "SU" || kinds === "US") {
    if (ordered) refuse(op, ta, tb, "bytes and text have no order");
    cmp = () => NaN; // never equal
  } else if (isDateLike(ta) || isDateLike(tb)) {
    cmp = dateComparer(op, ta, tb, adv, bdv);
  } else if (ta.kind === "V" && tb.kind === "V") {
    if (ordered) refuse(op, ta, tb, "records and raw bytes have no order");
    if ((ta.names === null) !== (tb.names === null)) {
      refuse(op, ta, tb, "a record and raw bytes");
    }
    if (
      ta.names !== null &&
      (ta.names.length !== tb.names!.length ||
        ta.names.some((n, i) => n !== tb.names![i]))
    ) {
      refuse(op, ta, tb, "the records' fields differ");
    }
    const ra = readerOf(ta), rb = readerOf(tb);
    cmp = (p, q) => sameValue(ra(ab, adv, p), rb(bb, bdv, q)) ? 0 : NaN;
  } else {
    refuse(op, ta, tb, "no comparison between these types");
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const out = empty(shape, nativeDType("bool"));
  const o = out.storage.bytes;
  // The output first (its byte offsets are the elements' C-order indices):
  // the walk goes in a memory map operand's memory order (see `walk`), so
  // a transposed map is read forward (in C order it went across the file
  // between two checks of it).
  const operands = [
    { offset: 0, strides: out.strides },
    operandOf(a, false, broadcastStrides(a.shape, a.strides, shape)),
    operandOf(b, false, broadcastStrides(b.shape, b.strides, shape)),
  ];
  if (
    (sameCounts(ta, tb) || kinds === "UU") && wordAligned(a) && wordAligned(b)
  ) {
    (kinds === "UU" ? compareText : compareCounts)(
      op,
      a,
      b,
      shape,
      operands,
      o,
    );
    return out as NDArray<"bool">;
  }
  const mask = OUTCOMES[op];
  const unordered = op === "ne" ? 1 : 0;
  walk(shape, operands, (offs, count, strides) => {
    for (let k = 0, j = offs[0], p = offs[1], q = offs[2]; k < count; k++) {
      const c = cmp(p, q);
      o[j] = c === c ? (mask >> (c + 1)) & 1 : unordered;
      j += strides[0];
      p += strides[1];
      q += strides[2];
    }
  }, { memoryOrder: true });
  return out as NDArray<"bool">;
}

/** Whether two date-like types hold counts of one unit that compare as int64s. */
function sameCounts(ta: DType, tb: DType): boolean {
  return isDateLike(ta) && ta.kind === tb.kind &&
    unitInfoOf(ta)!.text === unitInfoOf(tb)!.text;
}

/** Whether an array's elements are native little-endian and all start on a 32-bit word. */
function wordAligned(a: NDArray): boolean {
  return a.dtype.isNative && a.dtype.littleEndian &&
    (a.storage.bytes.byteOffset + a.byteOffset) % 4 === 0 &&
    a.strides.every((s) => s % 4 === 0);
}

/** The 32-bit words of an array's whole buffer, and where its bytes start in that buffer. */
function wordsOf<T extends Int32Array | Uint32Array>(
  a: NDArray,
  As: new (buffer: ArrayBufferLike, offset: number, length: number) => T,
): [T, number] {
  const bytes = a.storage.bytes;
  return [
    new As(bytes.buffer, 0, Math.floor(bytes.buffer.byteLength / 4)),
    bytes.byteOffset,
  ];
}

/** Results of a comparison by three-way outcome: bit 0 for "less", 1 "equal", 2 "greater". */
const OUTCOMES: Record<CompareOp, number> = {
  lt: 0b001,
  le: 0b011,
  eq: 0b010,
  ne: 0b101,
  gt: 0b100,
  ge: 0b110,
};

type Operands = { offset: number; strides: readonly number[] }[];

/**
 * Walks two word-aligned arrays a run at a time, in memory order (see
 * {@linkcode compareItems}): `run` gets their 32-bit words, the run's first
 * word of each and their steps in words, its length, and its first index
 * in the output (operand 0) and step there.
 */
function eachWordRun<T extends Int32Array | Uint32Array>(
  first: NDArray,
  second: NDArray,
  As: new (buffer: ArrayBufferLike, offset: number, length: number) => T,
  shape: readonly number[],
  operands: Operands,
  run: (
    a: T,
    b: T,
    p: number,
    q: number,
    sa: number,
    sb: number,
    count: number,
    j: number,
    sj: number,
  ) => void,
): void {
  const [a, baseA] = wordsOf(first, As);
  const [b, baseB] = wordsOf(second, As);
  walk(shape, operands, (offs, count, strides) => {
    run(
      a,
      b,
      (baseA + offs[1]) / 4,
      (baseB + offs[2]) / 4,
      strides[1] / 4,
      strides[2] / 4,
      count,
      offs[0],
      strides[0],
    );
  }, { memoryOrder: true });
}

/**
 * Compares int64 counts (datetimes or timedeltas of one unit) as pairs of
 * 32-bit words, NaT (the int64 minimum) unequal to everything, writing 0/1
 * to `out` in C order.
 */
function compareCounts(
  op: CompareOp,
  first: NDArray,
  second: NDArray,
  shape: readonly number[],
  operands: Operands,
  out: Uint8Array,
): void {
  const mask = OUTCOMES[op];
  const nat = op === "ne" ? 1 : 0;
  eachWordRun(first, second, Int32Array, shape, operands, (
    a,
    b,
    p,
    q,
    sa,
    sb,
    count,
    j,
    sj,
  ) => {
    for (let k = 0; k < count; k++, p += sa, q += sb, j += sj) {
      const ha = a[p + 1], hb = b[q + 1], la = a[p] >>> 0, lb = b[q] >>> 0;
      if (
        (ha === -0x80000000 && la === 0) || (hb === -0x80000000 && lb === 0)
      ) {
        out[j] = nat;
        continue;
      }
      const c = ha < hb ? 0 : ha > hb ? 2 : la < lb ? 0 : la > lb ? 2 : 1;
      out[j] = (mask >> c) & 1;
    }
  });
}

/**
 * Compares native text as 32-bit code points, the shorter side NUL-padded,
 * writing 0/1 to `out` in C order.
 */
function compareText(
  op: CompareOp,
  first: NDArray,
  second: NDArray,
  shape: readonly number[],
  operands: Operands,
  out: Uint8Array,
): void {
  const mask = OUTCOMES[op];
  const na = first.itemsize / 4, nb = second.itemsize / 4;
  const n = Math.max(na, nb);
  eachWordRun(first, second, Uint32Array, shape, operands, (
    a,
    b,
    p,
    q,
    sa,
    sb,
    count,
    j,
    sj,
  ) => {
    for (let k = 0; k < count; k++, p += sa, q += sb, j += sj) {
      let c = 1;
      for (let i = 0; i < n; i++) {
        const x = i < na ? a[p + i] : 0, y = i < nb ? b[q + i] : 0;
        if (x !== y) {
          c = x < y ? 0 : 2;
          break;
        }
      }
      out[j] = (mask >> c) & 1;
    }
  });
}

/** Compares datetime64/timedelta64 counts in the finer base unit; NaT compares as NaN. */
function dateComparer(
  op: CompareOp,
  ta: DType,
  tb: DType,
  adv: DataView,
  bdv: DataView,
): (p: number, q: number) => number {
  if (!isDateLike(ta) || !isDateLike(tb)) {
    refuse(
      op,
      ta,
      tb,
      "a datetime compares with datetimes, a timedelta with timedeltas",
    );
  }
  if (ta.kind !== tb.kind) {
    if (op !== "eq" && op !== "ne") {
      refuse(op, ta, tb, "a datetime and a timedelta have no order");
    }
    return () => NaN; // never equal, as NumPy
  }
  const la = ta.littleEndian, lb = tb.littleEndian;
  const ua = unitInfoOf(ta)!, ub = unitInfoOf(tb)!;
  let fa = (v: bigint) => v, fb = (v: bigint) => v;
  if (ua.text !== ub.text && ua.base !== "generic" && ub.base !== "generic") {
    const base = DATE_UNITS[
      Math.max(
        DATE_UNITS.indexOf(ua.base as DateTimeUnit),
        DATE_UNITS.indexOf(ub.base as DateTimeUnit),
      )
    ];
    const to = { base, multiple: 1, text: base };
    const convert = ta.kind === "M" ? convertDatetime : convertTimedelta;
    fa = (v) => convert(v, ua, to);
    fb = (v) => convert(v, ub, to);
  }
  return (p, q) => {
    const x = adv.getBigInt64(p, la), y = bdv.getBigInt64(q, lb);
    if (x === NAT || y === NAT) return NaN;
    const u = fa(x), v = fb(y);
    return u < v ? -1 : u > v ? 1 : 0;
  };
}

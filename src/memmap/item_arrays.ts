/**
 * Whole-array operations for the types whose elements are handled one by
 * one in items.ts (bytes, text, raw bytes, records) and for datetime64 and
 * timedelta64: nested JavaScript arrays, typed-array copies, assignment
 * and casts between these types, arrays from JavaScript data, record
 * fields, and the reductions NumPy has for datetimes. Arithmetic on them is
 * refused here.
 *
 * @module
 */

import {
  convertDatetime,
  convertTimedelta,
  NAT,
  type UnitInfo,
} from "./datetime.ts";
import { DType, type DTypeField, nativeDType, unitInfoOf } from "./dtype.ts";
import { copyRun, dataViewOf } from "./element.ts";
import {
  encoderOf,
  isDateLike,
  isFlexible,
  isLongDouble,
  readerOf,
  writeItem,
} from "./items.ts";
import { walk } from "./iterate.ts";
import { untransferable } from "../mmap/copy_pool.ts";
import { arrayIO, empty, isArrayObject, NDArray } from "./ndarray.ts";
import { broadcastStrides } from "./shape.ts";
import { isDetached, operandOf, throwClosed } from "./storage.ts";
import {
  checkDims,
  dateTime,
  describe,
  isArray,
  isRevoked,
  plainView,
  typedArrayTag,
} from "../_args.ts";

/**
 * Whether an operation on arrays of these types goes through this module
 * (bytes, text, raw bytes, records, datetimes) rather than the numeric one.
 *
 * @param dt The type.
 * @returns `true` for kinds `S`, `U`, `V`, `M` and `m`.
 */
export function wantsItems(dt: DType): boolean {
  return isFlexible(dt) || isDateLike(dt);
}

/**
 * The int64 counts of an array of datetimes or timedeltas: a view of the
 * same elements (NumPy's loops for them are int64 loops).
 *
 * @param a An array of datetimes or timedeltas.
 * @returns The view, of type int64 in `a`'s byte order.
 */
export function countsOf(a: NDArray): NDArray<"int64"> {
  const dt = a.dtype.littleEndian ? "<i8" : ">i8";
  return new NDArray(
    a.storage,
    dt,
    a.shape,
    a.strides,
    a.byteOffset,
  ) as NDArray<"int64">;
}

/**
 * Whether each element is non-zero, as NumPy's truth of these types: bytes
 * and text with any non-NUL unit (non-empty once trailing NULs are
 * stripped), datetimes and timedeltas with a non-zero count (NaT included).
 *
 * @param a An array of bytes, text, datetimes or timedeltas.
 * @returns A new in-memory bool array of `a`'s shape.
 * @throws {TypeError} For records and raw bytes (NumPy has no truth for them here).
 */
export function itemTruth(a: NDArray): NDArray<"bool"> {
  const k = a.dtype.kind;
  if (k === "M" || k === "m") return countsOf(a).ne(0) as NDArray<"bool">;
  if (k !== "S" && k !== "U") {
    throw new TypeError(
      `Cannot test the elements of an array of ${a.dtype.name} for truth: not supported for this type`,
    );
  }
  const out = empty(a.shape, nativeDType("bool"));
  const o = out.storage.bytes, b = a.storage.bytes;
  const size = a.itemsize;
  let j = 0;
  eachOffset(a, (p) => {
    let i = 0;
    while (i < size && b[p + i] === 0) i++;
    o[j++] = i < size ? 1 : 0;
  });
  return out as NDArray<"bool">;
}

/**
 * Calls `fn(offset)` for every element of an array, in C order (`write`: to
 * write it; `bytesOnly`: `fn` only writes the element's bytes, so an array
 * of elements of no bytes is not walked, see `WalkOptions.bytesOnly`).
 */
function eachOffset(
  a: NDArray,
  fn: (offset: number) => void,
  write = false,
  bytesOnly = false,
): void {
  walk(a.shape, [operandOf(a, write)], (
    offs,
    count,
    strides,
  ) => {
    const s = strides[0];
    for (let k = 0, p = offs[0]; k < count; k++, p += s) fn(p);
  }, { bytesOnly });
}

/** Builds nested arrays of `shape` from values in C order (a 0-d shape: the value itself). */
function nest(shape: readonly number[], flat: unknown[]): unknown {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  let pos = 0;
  const build = (depth: number): unknown[] => {
    const n = shape[depth];
    if (depth === shape.length - 1) {
      const out = flat.slice(pos, pos + n);
      pos += n;
      return out;
    }
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = build(depth + 1);
    return out;
  };
  return build(0);
}

/** Code points decoded at once by {@linkcode decodeTextRun}'s native decoders. */
const TEXT_CHUNK = 1 << 18;

/** The native decoders: ASCII as UTF-8, and UTF-16 (its BOM kept as text). */
const asciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utf16Decoder = new TextDecoder("utf-16le", { ignoreBOM: true });
let asciiUnits = new Uint8Array(0);
let bmpUnits = new Uint16Array(0);

/**
 * Decodes `m` elements of `n` native code points each, contiguous in `src`,
 * into `out` from `j` when every code point is below U+D800 (no surrogates,
 * nothing past the BMP): the code points are narrowed by one typed-array
 * copy, one native `TextDecoder` call (ASCII as UTF-8, one byte a char; else
 * UTF-16) makes one string, and each element is a substring of it without
 * its trailing NULs. Returns `false`, having done nothing, otherwise.
 */
function decodeNarrow(
  src: Uint32Array,
  n: number,
  m: number,
  out: unknown[],
  j: number,
): boolean {
  let or = 0;
  for (let i = 0; i < src.length; i++) or |= src[i];
  let units: Uint8Array | Uint16Array;
  let text: string;
  // Scratch for chunks of up to TEXT_CHUNK, kept; a longer element gets its own.
  const big = src.length > TEXT_CHUNK;
  if (or < 0x80) {
    if (asciiUnits.length === 0) asciiUnits = new Uint8Array(TEXT_CHUNK);
    units = big ? new Uint8Array(src.length) : asciiUnits;
    units = units.subarray(0, src.length);
    units.set(src);
    text = asciiDecoder.decode(units);
  } else if (or < 0xd800) {
    if (bmpUnits.length === 0) bmpUnits = new Uint16Array(TEXT_CHUNK);
    units = big ? new Uint16Array(src.length) : bmpUnits;
    units = units.subarray(0, src.length);
    units.set(src);
    text = utf16Decoder.decode(units);
  } else return false;
  for (let k = 0, i = 0; k < m; k++, i += n) {
    let end = i + n;
    while (end > i && units[end - 1] === 0) end--;
    out[j + k] = text.substring(i, end);
  }
  return true;
}

/**
 * Decodes a run of text elements at once. Native, aligned, contiguous runs
 * go through {@linkcode decodeNarrow} a chunk at a time; otherwise (and for
 * chunks with code points from U+D800 up) the code points go into one
 * UTF-16 buffer, which becomes one string, then each element is a slice of
 * it. Both are much faster than building each short string on its own.
 */
function decodeTextRun(
  a: NDArray,
  first: number,
  count: number,
  stride: number,
  out: unknown[],
  j: number,
): void {
  const bytes = a.storage.bytes;
  const n = a.itemsize / 4;
  const aligned = a.dtype.isNative &&
    (bytes.byteOffset + first) % 4 === 0 && stride % 4 === 0;
  if (aligned && stride === a.itemsize && count > 1) {
    const per = Math.max(1, Math.floor(TEXT_CHUNK / n));
    const at = (bytes.byteOffset + first) >>> 2;
    for (let done = 0; done < count; done += per) {
      const m = Math.min(per, count - done);
      const src = new Uint32Array(bytes.buffer, 4 * (at + done * n), m * n);
      if (!decodeNarrow(src, n, m, out, j + done)) {
        decodeWide(a, first + done * stride, m, stride, true, out, j + done);
      }
    }
    return;
  }
  decodeWide(a, first, count, stride, aligned, out, j);
}

/**
 * {@linkcode decodeTextRun} through a UTF-16 buffer filled code point by
 * code point (`aligned`: native code points on 32-bit words).
 */
function decodeWide(
  a: NDArray,
  first: number,
  count: number,
  stride: number,
  aligned: boolean,
  out: unknown[],
  j: number,
): void {
  const bytes = a.storage.bytes;
  const n = a.itemsize / 4;
  const le = a.dtype.littleEndian;
  const units = new Uint16Array(2 * n * count);
  const ends = new Int32Array(count);
  const u32 = aligned
    ? new Uint32Array(bytes.buffer, 0, bytes.buffer.byteLength >>> 2)
    : null;
  const dv = dataViewOf(bytes);
  let u = 0;
  for (let k = 0; k < count; k++) {
    const p = first + k * stride;
    let end = n;
    if (u32 !== null) {
      const i = (bytes.byteOffset + p) >>> 2;
      while (end > 0 && u32[i + end - 1] === 0) end--;
      for (let c = 0; c < end; c++) {
        const cp = u32[i + c];
        if (cp < 0x10000) units[u++] = cp;
        else u = put(units, u, cp);
      }
    } else {
      while (end > 0 && dv.getUint32(p + 4 * (end - 1), le) === 0) end--;
      for (let c = 0; c < end; c++) {
        u = put(units, u, dv.getUint32(p + 4 * c, le));
      }
    }
    ends[k] = u;
  }
  const text = fromUnits(units, u);
  let start = 0;
  for (let k = 0; k < count; k++) {
    out[j + k] = text.slice(start, ends[k]);
    start = ends[k];
  }
}

/** A string of UTF-16 code units, lone surrogates kept (TextDecoder would replace them). */
function fromUnits(units: Uint16Array, length: number): string {
  let text = "";
  for (let i = 0; i < length; i += 8192) {
    text += String.fromCharCode.apply(
      null,
      units.subarray(i, Math.min(length, i + 8192)) as unknown as number[],
    );
  }
  return text;
}

/** Puts a code point as UTF-16 code units at `u`; returns the next index. */
function put(units: Uint16Array, u: number, cp: number): number {
  if (cp < 0x10000) {
    units[u] = cp;
    return u + 1;
  }
  if (cp > 0x10ffff) {
    units[u] = 0xfffd;
    return u + 1;
  }
  const v = cp - 0x10000;
  units[u] = 0xd800 + (v >> 10);
  units[u + 1] = 0xdc00 + (v & 0x3ff);
  return u + 2;
}

/** Bytes copied out at once for bytes and raw-bytes values. */
const BLOCK = 16 * 1024 * 1024;

/**
 * Copies `count` bytes or raw-bytes elements, `stride` bytes apart from
 * `first`, into `out` from `j`: views of blocks of untransferable memory
 * (one per 16 MiB of values; a fresh buffer per value costs more than the
 * copy), trailing NULs stripped for bytes.
 */
function copyBytesRun(
  a: NDArray,
  first: number,
  count: number,
  stride: number,
  out: unknown[],
  j: number,
): void {
  const size = a.itemsize;
  const bytes = a.storage.bytes;
  const trim = a.dtype.kind === "S";
  const per = size === 0 ? count : Math.floor(BLOCK / size);
  for (let done = 0; done < count; done += per) {
    const m = Math.min(per, count - done);
    const block = untransferable(m * size);
    for (let k = 0, p = first + done * stride, at = 0; k < m; k++) {
      let end = size;
      if (trim) { while (end > 0 && bytes[p + end - 1] === 0) end--; }
      if (end <= 32) {
        for (let i = 0; i < end; i++) block[at + i] = bytes[p + i];
      } else {
        block.set(
          new Uint8Array(bytes.buffer, bytes.byteOffset + p, end),
          at,
        );
      }
      out[j + done + k] = new Uint8Array(block.buffer, at, end);
      p += stride;
      at += size;
    }
  }
}

/**
 * The elements as nested JavaScript arrays (NumPy `tolist`).
 *
 * @param a An array of bytes, text, raw bytes or records.
 * @returns Nested arrays; a 0-d array gives its element, as NumPy.
 */
export function itemsToArray(a: NDArray): unknown {
  const flat = new Array<unknown>(a.size);
  let j = 0;
  const kind = a.dtype.kind;
  if (
    (kind === "U" && a.itemsize > 0) ||
    ((kind === "S" || (kind === "V" && a.dtype.names === null)) &&
      a.itemsize <= BLOCK)
  ) {
    const run = kind === "U" ? decodeTextRun : copyBytesRun;
    walk(a.shape, [operandOf(a)], (
      offs,
      count,
      strides,
    ) => {
      run(a, offs[0], count, strides[0], flat, j);
      j += count;
    });
  } else {
    const read = readerOf(a.dtype);
    const bytes = a.storage.bytes;
    const dv = dataViewOf(bytes);
    eachOffset(a, (p) => {
      flat[j++] = read(bytes, dv, p);
    });
  }
  return nest(a.shape, flat);
}

/**
 * A C-order copy of the elements as a typed array in native byte order:
 * code points (`Uint32Array`) for text, counts (`BigInt64Array`) for
 * datetimes, bytes (`Uint8Array`) otherwise.
 *
 * @param a An array of bytes, text, raw bytes, records or datetimes.
 * @returns The copy.
 */
export function itemsToTypedArray(
  a: NDArray,
): Uint8Array | Uint32Array | BigInt64Array {
  const c = empty(a.shape, a.dtype.toNative(), true).assign(a);
  const buffer = c.storage.bytes.buffer as ArrayBuffer;
  const k = a.dtype.kind;
  return k === "U"
    ? new Uint32Array(buffer, 0, c.nbytes / 4)
    : k === "M" || k === "m"
    ? new BigInt64Array(buffer, 0, c.nbytes / 8)
    : new Uint8Array(buffer, 0, c.nbytes);
}

/** Whether `x` is one element's value for type `dt` (not nesting). */
function isLeaf(dt: DType, x: unknown): boolean {
  switch (dt.kind) {
    case "S":
      return typedArrayTag(x) === "Uint8Array" || typeof x === "string";
    case "U":
      return typeof x === "string";
    case "V":
      return dt.names === null
        ? typedArrayTag(x) === "Uint8Array"
        : !isArray(x) && !ArrayBuffer.isView(x);
    default:
      return !isArray(x) && !ArrayBuffer.isView(x);
  }
}

/**
 * Whether `x` is a single value for an array of type `dt` (assigned to
 * every element) rather than nested data.
 *
 * @param dt The array's type.
 * @param x The value.
 * @returns `true` for one element's value.
 */
export function isItemValue(dt: DType, x: unknown): boolean {
  return isLeaf(dt, x);
}

function inferType(values: readonly unknown[]): DType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => typeof v === "string")) {
    let most = 1;
    for (const v of values as string[]) {
      let n = 0;
      for (const _ of v) n++;
      most = Math.max(most, n);
    }
    return new DType(`str${32 * most}`, nativeDType("uint16").littleEndian);
  }
  if (values.every((v) => dateTime(v) !== undefined)) {
    return nativeDType("datetime64[ms]");
  }
  return undefined;
}

/**
 * `S`, `U` or `V` without a size (`"S"`, `"U"`): sized to the longest
 * value, at least 1, as NumPy's `np.array(data, dtype="S")`.
 */
function sizedFor(dt: DType, values: readonly unknown[]): DType {
  let most = 1;
  for (const v of values) {
    let n = 0;
    if (typeof v === "string") { for (const _ of v) n++; }
    else if (typedArrayTag(v) === "Uint8Array") {
      n = (plainView(v as Uint8Array) as Uint8Array).length;
    }
    most = Math.max(most, n);
  }
  const bits = dt.kind === "U" ? 32 * most : 8 * most;
  const word = dt.kind === "S" ? "bytes" : dt.kind === "U" ? "str" : "void";
  return new DType(`${word}${bits}`, dt.littleEndian) as DType;
}

/**
 * Whether JavaScript data without a dtype holds text or dates (so that
 * {@linkcode itemsFromData} builds the array).
 *
 * @param data The data.
 * @returns `true` when the first value is a string or a `Date`.
 */
export function looksLikeItems(data: unknown): boolean {
  if (isRevoked(data)) return false;
  let probe = data;
  for (let d = 0; isArray(probe) && probe.length > 0; d++) {
    if (d > 64) return false; // Too deep for an array: the numeric path says so.
    probe = probe[0];
  }
  return typeof probe === "string" || dateTime(probe) !== undefined;
}

/**
 * Builds an in-memory array from (nested) JavaScript data: strings or
 * `Uint8Array`s for bytes, strings for text, `Uint8Array`s for raw bytes,
 * plain objects for records, bigints, `Date`s, ISO strings and `null` for
 * datetimes. Without a type, strings give text of the longest string's
 * length and `Date`s datetime64[ms].
 *
 * @param data The data.
 * @param dt The type, or `undefined` to infer it.
 * @returns The array.
 * @throws {TypeError} For ragged nesting, values of the wrong type, or data whose type cannot be inferred.
 */
export function itemsFromData(data: unknown, dt?: DType): NDArray {
  if (isRevoked(data)) {
    throw new TypeError(
      `Cannot create an array from ${describe(data)}: it is a revoked Proxy`,
    );
  }
  const leaf = (x: unknown) =>
    dt === undefined ? typeof x === "string" || !isArray(x) : isLeaf(dt, x);
  const shape: number[] = [];
  let probe: unknown = data;
  while (isArray(probe) && !leaf(probe)) {
    shape.push(probe.length);
    checkDims(shape.length, "create an array from nested data");
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: unknown[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (depth < shape.length) {
      if (!isArray(x) || x.length !== shape[depth]) {
        throw new TypeError(
          `Cannot create an array from nested data of inhomogeneous shape: expected length ${
            shape[depth]
          } at depth ${depth}`,
        );
      }
      if (depth + 1 < shape.length) {
        for (const v of x) visit(v, depth + 1);
      } else {
        for (let i = 0; i < x.length; i++) values.push(x[i]);
      }
    } else values.push(x);
  };
  visit(data, 0);
  const t = dt === undefined
    ? inferType(values)
    : dt.itemsize === 0 && dt.names === null && dt.kind !== "M" &&
        dt.kind !== "m"
    ? sizedFor(dt, values)
    : dt;
  if (t === undefined) {
    throw new TypeError(
      "Cannot infer a data type from the values: give a dtype",
    );
  }
  const out = empty(shape, t);
  const bytes = out.storage.bytes;
  const size = t.itemsize;
  // Straight into the new zeroed array: a value that fails discards it all.
  const encode = encoderOf(t);
  const dv = dataViewOf(bytes);
  for (let i = 0; i < values.length; i++) {
    encode(values[i], bytes, dv, i * size);
  }
  return out;
}

/** A conversion of single values between two types, or `undefined` when NumPy's cast is not supported here. */
type Convert = (v: unknown) => unknown;

function bytesToText(v: unknown): string {
  const b = v as Uint8Array;
  let s = "";
  for (let i = 0; i < b.length; i++) {
    if (b[i] > 127) {
      throw new TypeError(
        `Cannot cast bytes to text: byte 0x${
          b[i].toString(16)
        } at ${i} is not ASCII`,
      );
    }
    s += String.fromCharCode(b[i]);
  }
  return s;
}

function unitOf(dt: DType): UnitInfo {
  return unitInfoOf(dt)!;
}

function converter(from: DType, to: DType): Convert | undefined {
  const f = from.kind, t = to.kind;
  if (from.subdtype !== null || to.subdtype !== null) return undefined;
  if (from.names !== null || to.names !== null) {
    if (
      from.names === null || to.names === null ||
      from.names.length !== to.names.length
    ) return undefined;
    const parts = from.names.map((n, i) =>
      converter(from.fields![n].dtype, to.fields![to.names![i]].dtype)
    );
    if (parts.some((c) => c === undefined)) return undefined;
    const names = from.names;
    return (v) => {
      const rec = v as Record<string, unknown>;
      return names.map((n, i) => parts[i]!(rec[n]));
    };
  }
  if ((f === "S" || f === "U") && (t === "S" || t === "U")) {
    return f === "S" && t === "U" ? bytesToText : (v) => v;
  }
  // Raw bytes do not become bytes (NumPy: "setting an array element with a sequence").
  if ((f === "S" || f === "V") && t === "V") return (v) => v;
  // Bytes and text are true when not empty (trailing NULs stripped), as NumPy.
  if ((f === "S" || f === "U") && t === "b") {
    return (v) => (v as string | Uint8Array).length > 0;
  }
  if ((f === "M" || f === "m") && (t === "M" || t === "m")) {
    const a = unitOf(from), b = unitOf(to);
    if (a.base === "generic" || b.base === "generic") {
      return (v) => v === NAT ? NAT : v;
    }
    if (f === "M" && t === "M") {
      return (v) => convertDatetime(v as bigint, a, b);
    }
    return (v) => convertTimedelta(v as bigint, a, b);
  }
  const numeric = (k: string) => k === "i" || k === "u" || k === "b";
  const number = (k: string) => numeric(k) || k === "f" || k === "c";
  if (number(f) && number(t)) {
    // Fields of records: the encoders take any JavaScript number; integers
    // wrap to the field's width, as NumPy's unsafe cast.
    const re = f === "c" && t !== "c"
      ? (v: unknown) => (v as { re: number }).re
      : (v: unknown) => v;
    if (t !== "i" && t !== "u") return re;
    const bits = to.itemsize * 8;
    return (v) => {
      const x = re(v);
      if (typeof x === "number" && !Number.isFinite(x)) return x;
      const n = typeof x === "bigint"
        ? x
        : BigInt(typeof x === "boolean" ? Number(x) : Math.trunc(x as number));
      return t === "i" ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n);
    };
  }
  if ((f === "M" || f === "m") && (numeric(t) || t === "f")) {
    return t === "f" ? (v) => Number(v as bigint) : (v) => v;
  }
  if ((numeric(f) || f === "f") && (t === "M" || t === "m")) {
    if (f !== "f") return (v) => typeof v === "boolean" ? (v ? 1n : 0n) : v;
    return (v) => Number.isFinite(v) ? Math.trunc(v as number) : null;
  }
  return undefined;
}

function overlaps(a: NDArray, b: NDArray): boolean {
  if (a.storage.bytes.buffer !== b.storage.bytes.buffer) return false;
  const span = (x: NDArray): [number, number] => {
    let lo = x.byteOffset, hi = x.byteOffset;
    x.shape.forEach((n, k) => {
      const s = (n - 1) * x.strides[k];
      if (s < 0) lo += s;
      else hi += s;
    });
    const base = x.storage.bytes.byteOffset;
    return [base + lo, base + hi + x.itemsize];
  };
  const [alo, ahi] = span(a), [blo, bhi] = span(b);
  return alo < bhi && blo < ahi;
}

/**
 * Writes values into every element of `dst` (NumPy `dst[...] = value`):
 * one element's value, nested JavaScript data or an array, broadcast to
 * `dst`'s shape. Arrays of the same type are copied byte for byte; other
 * types are cast as NumPy casts them (bytes and text between each other
 * and to other sizes, raw bytes, records field by field in order,
 * datetimes between units, datetimes and integers or floats as counts).
 *
 * @param dst The array written to.
 * @param value The value.
 * @param check The caller's state checks (writable, open), run once the
 *   value is converted and before anything is written.
 * @throws {TypeError} For values that do not convert, shapes that do not broadcast, or a cast not supported.
 */
export function assignItems(
  dst: NDArray,
  value: unknown,
  check: () => void,
): void {
  let src: NDArray;
  const given = isArrayObject(value);
  if (given) {
    check();
    if (isDetached(value.storage)) throwClosed(value.storage);
    src = overlaps(value, dst) ? value.copy() : value;
  } else if (isLeaf(dst.dtype, value) && !isArray(value)) {
    src = empty([], dst.dtype);
    writeItem(src.storage.bytes, 0, dst.dtype, value);
  } else if (
    dst.dtype.names !== null && isArray(value) && dst.ndim === 0
  ) {
    src = empty([], dst.dtype);
    writeItem(src.storage.bytes, 0, dst.dtype, value);
  } else {
    src = itemsFromData(value, dst.dtype);
  }
  if (!given) check();
  const bst = broadcastStrides(src.shape, src.strides, dst.shape);
  if (src.dtype.equals(dst.dtype)) {
    const dio = arrayIO(dst), sio = arrayIO(src);
    walk(
      dst.shape,
      [operandOf(dst, true), operandOf(src, false, bst)],
      (offs, count, strides) => {
        copyRun(dio, offs[0], strides[0], sio, offs[1], strides[1], count);
      },
      { memoryOrder: true, bytesOnly: true },
    );
    return;
  }
  const convert = converter(src.dtype, dst.dtype);
  if (convert === undefined) {
    throw new TypeError(
      `Cannot cast an array of ${src.dtype.name} to ${dst.dtype.name}: not supported`,
    );
  }
  const read = readerOf(src.dtype);
  const sb = src.storage.bytes, sdv = dataViewOf(sb);
  const db = dst.storage.bytes;
  const dt = dst.dtype;
  // Convert everything first: a value that does not convert changes nothing.
  const tmp = empty(dst.shape, dt);
  const tb = tmp.storage.bytes, tdv = dataViewOf(tb);
  const enc = encoderOf(dt);
  if (
    dt.itemsize === 0 && dst.size > 0 &&
    (src.itemsize === 0 || bst.every((s) => s === 0))
  ) {
    // Nothing is written, and every source element is the same value (it
    // holds no bytes, or one value is broadcast): whether that one value
    // converts is all there is to tell, whatever the number of elements.
    enc(convert(read(sb, sdv, src.byteOffset)), tb, tdv, 0);
    return;
  }
  let i = 0;
  walk(dst.shape, [operandOf(src, false, bst)], (
    offs,
    count,
    strides,
  ) => {
    for (let k = 0, p = offs[0]; k < count; k++, p += strides[0]) {
      enc(convert(read(sb, sdv, p)), tb, tdv, (i++) * dt.itemsize);
    }
  });
  i = 0;
  eachOffset(
    dst,
    (p) => {
      db.set(tb.subarray(i * dt.itemsize, (i + 1) * dt.itemsize), p);
      i++;
    },
    true,
    true,
  );
}

/**
 * The field `name` of a record type (a name or a title).
 *
 * @param dt The array's type.
 * @param name The field.
 * @returns The field.
 * @throws {TypeError} If the type has no fields or the name is not a string.
 * @throws {RangeError} If there is no such field.
 */
export function fieldOf(dt: DType, name: unknown): DTypeField {
  if (typeof name !== "string") {
    throw new TypeError(
      `Cannot get field ${describe(name)}: the name must be a string`,
    );
  }
  if (dt.fields === null) {
    throw new TypeError(
      `Cannot get field "${name}" of an array of ${dt.name}: it has no fields`,
    );
  }
  const f = Object.hasOwn(dt.fields, name) ? dt.fields[name] : undefined;
  if (f === undefined) {
    throw new RangeError(
      `Cannot get field "${name}": the fields are ${
        dt.names!.map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  return f;
}

/**
 * Refuses arithmetic on arrays of bytes, text, records and datetimes.
 *
 * @param op The operation's name (for the message).
 * @param types The operands' types.
 * @throws {TypeError} If any operand is of such a type.
 */
export function checkArithmetic(op: string, ...types: DType[]): void {
  for (const t of types) {
    if (isLongDouble(t)) {
      throw new TypeError(
        `Cannot compute ${op} on an array of ${t.name}: long double arithmetic is not supported (use astype("${
          t.kind === "c" ? "complex128" : "float64"
        }"))`,
      );
    }
    if (isFlexible(t)) {
      throw new TypeError(
        `Cannot compute ${op} on an array of ${t.name}: arithmetic is not defined for ${
          t.names !== null
            ? "records"
            : t.kind === "V"
            ? "raw bytes"
            : t.kind === "S"
            ? "bytes"
            : "text"
        }`,
      );
    }
    if (isDateLike(t)) {
      throw new TypeError(
        `Cannot compute ${op} on an array of ${t.name}: datetime arithmetic is not supported (use astype("int64") for the counts)`,
      );
    }
  }
}

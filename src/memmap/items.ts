/**
 * Single elements of every data type as JavaScript values, for the types
 * the numeric run machinery (element.ts) does not hold: bytes (`S`, a
 * `Uint8Array` without trailing NULs, as NumPy's `bytes`), text (`U`,
 * UCS-4 code points, a `string` without trailing NULs), raw bytes (`V`, a
 * `Uint8Array`), records (a plain object in field order, subarray fields as
 * nested arrays), and the values a datetime64/timedelta64 element takes
 * (`bigint` counts; a `Date`, an ISO 8601 string, `null` or `"NaT"`).
 *
 * A reader turns the bytes of one element into a value; an encoder writes
 * a value into the bytes of one element, checking it first. Both are made
 * once per type and cached.
 *
 * @module
 */

import { copyRange } from "../mmap/copy_pool.ts";
import { type DType, unitInfoOf } from "./dtype.ts";
import { dateToCount, NAT, parseDatetime } from "./datetime.ts";
import { getLongDouble, setLongDouble } from "./long_double.ts";
import { isComplex } from "./nested.ts";
import { nestedArraysRefusal } from "./js_arrays.ts";
import { checkIntFits } from "./promotion.ts";
import {
  dateTime,
  describe,
  isArray,
  isRevoked,
  readObject,
  toValueBytes,
  typedArrayTag,
} from "../_args.ts";

/** Reads the element at byte `p` of `bytes` (`dv` views the same bytes). */
export type Reader = (bytes: Uint8Array, dv: DataView, p: number) => unknown;

/** Writes `value` as the element at byte `p` of `bytes`; throws before writing anything it cannot convert. */
export type Encoder = (
  value: unknown,
  bytes: Uint8Array,
  dv: DataView,
  p: number,
) => void;

/**
 * Whether elements of a type are handled here rather than as numbers:
 * bytes, text, raw bytes, records and subarrays.
 *
 * @param dt The type.
 * @returns `true` for kinds `S`, `U` and `V`.
 */
export function isFlexible(dt: DType): boolean {
  return dt.kind === "S" || dt.kind === "U" || dt.kind === "V" ||
    isLongDouble(dt);
}

/**
 * Whether a type is NumPy's long double (`float128`) or its complex
 * counterpart (`complex256`), whose elements are handled here too.
 *
 * @param dt The type.
 * @returns `true` for those two.
 */
export function isLongDouble(dt: DType): boolean {
  return dt.name === "float128" || dt.name === "complex256";
}

/** A view of one long double in little-endian order (byte-reversed copies for ">f16"). */
const swapped = new DataView(new ArrayBuffer(16));

function longDoubleReader(le: boolean): (dv: DataView, p: number) => number {
  if (le) return getLongDouble;
  return (dv, p) => {
    for (let i = 0; i < 16; i++) swapped.setUint8(i, dv.getUint8(p + 15 - i));
    return getLongDouble(swapped, 0);
  };
}

function longDoubleWriter(
  le: boolean,
): (dv: DataView, p: number, v: number) => void {
  if (le) return setLongDouble;
  return (dv, p, v) => {
    setLongDouble(swapped, 0, v);
    for (let i = 0; i < 16; i++) dv.setUint8(p + i, swapped.getUint8(15 - i));
  };
}

/**
 * Whether a type is datetime64 or timedelta64.
 *
 * @param dt The type.
 * @returns `true` for kinds `M` and `m`.
 */
export function isDateLike(dt: DType): boolean {
  return dt.kind === "M" || dt.kind === "m";
}

const readers = new WeakMap<DType, Reader>();
const encoders = new WeakMap<DType, Encoder>();

/**
 * The reader of a type's elements (cached).
 *
 * @param dt The type.
 * @returns The reader.
 */
export function readerOf(dt: DType): Reader {
  let r = readers.get(dt);
  if (r === undefined) {
    r = makeReader(dt);
    readers.set(dt, r);
  }
  return r;
}

/**
 * The encoder of a type's elements (cached).
 *
 * @param dt The type.
 * @returns The encoder.
 */
export function encoderOf(dt: DType): Encoder {
  let e = encoders.get(dt);
  if (e === undefined) {
    e = makeEncoder(dt);
    encoders.set(dt, e);
  }
  return e;
}

/** The decoder of `U` elements with `n` code points in the given byte order. */
function textReader(n: number, le: boolean): Reader {
  return (_bytes, dv, p) => {
    let end = n;
    while (end > 0 && dv.getUint32(p + 4 * (end - 1), le) === 0) end--;
    let s = "";
    for (let i = 0; i < end; i++) {
      s += fromCodePoint(dv.getUint32(p + 4 * i, le));
    }
    return s;
  };
}

/** A code point as a string; values beyond Unicode become U+FFFD. */
export function fromCodePoint(cp: number): string {
  return cp < 0x10000
    ? String.fromCharCode(cp)
    : cp <= 0x10ffff
    ? String.fromCodePoint(cp)
    : "\ufffd";
}

function makeReader(dt: DType): Reader {
  const le = dt.littleEndian;
  const size = dt.itemsize;
  if (dt.subdtype !== null) {
    const base = readerOf(dt.subdtype.base);
    const shape = dt.subdtype.shape;
    const bsize = dt.subdtype.base.itemsize;
    const refusal = nestedArraysRefusal(shape);
    if (refusal !== undefined) {
      return () => {
        throw new RangeError(
          `Cannot read an element of ${dt} as nested arrays: ${refusal}`,
        );
      };
    }
    return (bytes, dv, p) =>
      nested(shape, 0, bsize, (q) => base(bytes, dv, q), p);
  }
  if (dt.names !== null) {
    const fields = dt.names.map((name) => {
      const f = dt.fields![name];
      return { name, offset: f.offset, read: readerOf(f.dtype) };
    });
    return (bytes, dv, p) => {
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f.name] = f.read(bytes, dv, p + f.offset);
      return out;
    };
  }
  switch (dt.kind) {
    // Small copies come from the pool Mmap's copies use (a fresh
    // ArrayBuffer per element costs more than the copy).
    case "S":
      return (bytes, _dv, p) => {
        let end = size;
        while (end > 0 && bytes[p + end - 1] === 0) end--;
        return copyRange(bytes, p, p + end);
      };
    case "U":
      return textReader(size / 4, le);
    case "V":
      return (bytes, _dv, p) => copyRange(bytes, p, p + size);
    case "M":
    case "m":
      return (_b, dv, p) => dv.getBigInt64(p, le);
    case "b":
      return (bytes, _dv, p) => bytes[p] !== 0;
    case "c":
      if (size === 32) {
        const get = longDoubleReader(le);
        return (_b, dv, p) => ({ re: get(dv, p), im: get(dv, p + 16) });
      }
      return size === 8
        ? (_b, dv, p) => ({
          re: dv.getFloat32(p, le),
          im: dv.getFloat32(p + 4, le),
        })
        : (_b, dv, p) => ({
          re: dv.getFloat64(p, le),
          im: dv.getFloat64(p + 8, le),
        });
  }
  switch (dt.name) {
    case "float128": {
      const get = longDoubleReader(le);
      return (_b, dv, p) => get(dv, p);
    }
    case "int8":
      return (_b, dv, p) => dv.getInt8(p);
    case "uint8":
      return (bytes, _dv, p) => bytes[p];
    case "int16":
      return (_b, dv, p) => dv.getInt16(p, le);
    case "uint16":
      return (_b, dv, p) => dv.getUint16(p, le);
    case "int32":
      return (_b, dv, p) => dv.getInt32(p, le);
    case "uint32":
      return (_b, dv, p) => dv.getUint32(p, le);
    case "int64":
      return (_b, dv, p) => dv.getBigInt64(p, le);
    case "uint64":
      return (_b, dv, p) => dv.getBigUint64(p, le);
    case "float16":
      return (_b, dv, p) => dv.getFloat16(p, le);
    case "float32":
      return (_b, dv, p) => dv.getFloat32(p, le);
    case "float64":
      return (_b, dv, p) => dv.getFloat64(p, le);
  }
  throw new TypeError(`Cannot read elements of ${dt}: not supported`);
}

/** Builds nested arrays of a C-contiguous block of `shape` elements `size` bytes apart from `p`. */
function nested(
  shape: readonly number[],
  depth: number,
  size: number,
  read: (p: number) => unknown,
  p: number,
): unknown[] {
  const n = shape[depth];
  const out = new Array<unknown>(n);
  if (depth === shape.length - 1) {
    for (let i = 0; i < n; i++) out[i] = read(p + i * size);
    return out;
  }
  let step = size;
  for (let k = depth + 1; k < shape.length; k++) step *= shape[k];
  for (let i = 0; i < n; i++) {
    out[i] = nested(shape, depth + 1, size, read, p + i * step);
  }
  return out;
}

/**
 * A `Uint8Array` value's bytes, read through the built-in getters (no code
 * of the value runs); a detached one is refused.
 */
function valueBytes(v: Uint8Array, dt: DType): Uint8Array {
  return toValueBytes(v, `convert ${describe(v)} to ${dt.name}`, "value");
}

function wrongValue(v: unknown, dt: DType, expected: string): never {
  throw new TypeError(
    `Cannot convert ${describe(v)} to ${dt.name}: expected ${expected}`,
  );
}

/**
 * Converts a value to the count stored in a datetime64/timedelta64
 * element, as NumPy's assignment does.
 *
 * @param dt The type (kind `M` or `m`).
 * @param v A bigint or integer number (a count of the unit), `null` or
 *   `"NaT"` (NaT); for datetimes also a `Date` or an ISO 8601 string; for
 *   timedeltas also an integer string.
 * @returns The count.
 * @throws {TypeError} For values of another type, fractions, or a value other than NaT for a generic unit.
 * @throws {RangeError} For counts outside int64, or impossible dates.
 */
export function toDateCount(dt: DType, v: unknown): bigint {
  const unit = unitInfoOf(dt)!;
  const what = dt.kind === "M"
    ? "a bigint or integer count, a Date, an ISO 8601 string or null (NaT)"
    : "a bigint or integer count, an integer string or null (NaT)";
  let count: bigint;
  let time: number | undefined;
  if (v === null || v === undefined) return NAT;
  if (typeof v === "bigint") count = v;
  else if (typeof v === "number") {
    if (!Number.isInteger(v)) wrongValue(v, dt, what);
    count = BigInt(v);
  } else if (typeof v === "boolean") count = v ? 1n : 0n;
  else if (typeof v === "string") {
    const s = v.trim();
    if (s === "" || s.toLowerCase() === "nat") return NAT;
    if (dt.kind === "M") return parseDatetime(s, unit);
    if (!/^[+-]?\d+$/.test(s)) wrongValue(v, dt, what);
    count = BigInt(s);
  } else if (dt.kind === "M" && (time = dateTime(v)) !== undefined) {
    if (unit.base === "generic") {
      if (Number.isNaN(time)) return NAT;
      throw new TypeError(
        `Cannot store a Date in ${dt.name}: a datetime without a unit holds only NaT`,
      );
    }
    return dateToCount(new Date(time), unit);
  } else wrongValue(v, dt, what);
  if (count < NAT || count >= 2n ** 63n) {
    throw new RangeError(
      `Cannot convert ${count} to ${dt.name}: out of the int64 range`,
    );
  }
  if (unit.base === "generic" && count !== NAT) {
    throw new TypeError(
      `Cannot store ${count} in ${dt.name}: a ${
        dt.kind === "M" ? "datetime" : "timedelta"
      } without a unit holds only NaT`,
    );
  }
  return count;
}

const INT_SETTERS: Record<
  string,
  (dv: DataView, p: number, v: number, le: boolean) => void
> = {
  int8: (dv, p, v) => dv.setInt8(p, v),
  uint8: (dv, p, v) => dv.setUint8(p, v),
  int16: (dv, p, v, le) => dv.setInt16(p, v, le),
  uint16: (dv, p, v, le) => dv.setUint16(p, v, le),
  int32: (dv, p, v, le) => dv.setInt32(p, v, le),
  uint32: (dv, p, v, le) => dv.setUint32(p, v, le),
  float16: (dv, p, v, le) => dv.setFloat16(p, v, le),
  float32: (dv, p, v, le) => dv.setFloat32(p, v, le),
  float64: (dv, p, v, le) => dv.setFloat64(p, v, le),
};

/** Converts a JavaScript scalar as NumPy converts a Python scalar for a numeric type. */
function numericEncoder(dt: DType): Encoder {
  const le = dt.littleEndian;
  const name = dt.name;
  if (dt.kind === "b") {
    return (v, bytes, _dv, p) => {
      if (typeof v === "boolean") bytes[p] = v ? 1 : 0;
      else if (typeof v === "number") bytes[p] = v !== 0 ? 1 : 0;
      else if (typeof v === "bigint") bytes[p] = v !== 0n ? 1 : 0;
      else wrongValue(v, dt, "a boolean, number or bigint");
    };
  }
  if (dt.kind === "c") {
    const half = dt.itemsize / 2;
    return (v, _bytes, dv, p) => {
      let re: number, im = 0;
      if (isComplex(v)) ({ re, im } = v);
      else if (typeof v === "number") re = v;
      else if (typeof v === "bigint") re = Number(v);
      else if (typeof v === "boolean") re = v ? 1 : 0;
      else wrongValue(v, dt, "a number or { re, im }");
      if (half === 16) {
        const set = longDoubleWriter(le);
        set(dv, p, re);
        set(dv, p + 16, im);
      } else if (half === 4) {
        dv.setFloat32(p, re, le);
        dv.setFloat32(p + 4, im, le);
      } else {
        dv.setFloat64(p, re, le);
        dv.setFloat64(p + 8, im, le);
      }
    };
  }
  if (dt.kind === "f") {
    const set = name === "float128"
      ? longDoubleWriter(le) as (typeof INT_SETTERS)[string]
      : INT_SETTERS[name];
    return (v, _bytes, dv, p) => {
      if (typeof v === "number") set(dv, p, v, le);
      else if (typeof v === "bigint") set(dv, p, Number(v), le);
      else if (typeof v === "boolean") set(dv, p, v ? 1 : 0, le);
      else wrongValue(v, dt, "a number");
    };
  }
  const big = dt.itemsize === 8;
  const set = INT_SETTERS[name];
  return (v, _bytes, dv, p) => {
    let x: number | bigint;
    if (typeof v === "boolean") x = v ? 1 : 0;
    else if (typeof v === "bigint") {
      checkIntFits(v, dt);
      x = v;
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `Cannot convert ${v} to ${dt.name}: not a finite number`,
        );
      }
      if (Number.isInteger(v)) checkIntFits(v, dt);
      x = Math.trunc(v);
    } else wrongValue(v, dt, "a number, bigint or boolean");
    if (big) {
      const b = BigInt.asIntN(64, BigInt(x));
      if (dt.kind === "i") dv.setBigInt64(p, b, le);
      else dv.setBigUint64(p, BigInt.asUintN(64, b), le);
    } else set(dv, p, Number(x), le);
  };
}

function makeEncoder(dt: DType): Encoder {
  const size = dt.itemsize;
  const le = dt.littleEndian;
  if (dt.subdtype !== null) return subarrayEncoder(dt);
  if (dt.names !== null) return recordEncoder(dt);
  switch (dt.kind) {
    case "S":
      return (v, bytes, _dv, p) => {
        if (typedArrayTag(v) === "Uint8Array") {
          const b = valueBytes(v as Uint8Array, dt);
          const n = Math.min(b.length, size);
          bytes.set(n === b.length ? b : b.subarray(0, n), p);
          bytes.fill(0, p + n, p + size);
        } else if (typeof v === "string") {
          const n = Math.min(v.length, size);
          for (let i = 0; i < v.length; i++) {
            if (v.charCodeAt(i) > 127) {
              throw new TypeError(
                `Cannot convert ${
                  JSON.stringify(v)
                } to ${dt.name}: bytes take ASCII text only (encode other text to a Uint8Array)`,
              );
            }
          }
          for (let i = 0; i < n; i++) bytes[p + i] = v.charCodeAt(i);
          bytes.fill(0, p + n, p + size);
        } else wrongValue(v, dt, "a Uint8Array or an ASCII string");
      };
    case "U":
      return (v, _bytes, dv, p) => {
        if (typeof v !== "string") wrongValue(v, dt, "a string");
        let i = 0;
        const n = size / 4;
        for (let k = 0; k < v.length && i < n; k++) {
          let cp = v.charCodeAt(k);
          // A surrogate pair is one code point; a lone surrogate stays itself.
          if (cp >= 0xd800 && cp < 0xdc00 && k + 1 < v.length) {
            const low = v.charCodeAt(k + 1);
            if (low >= 0xdc00 && low < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
              k++;
            }
          }
          dv.setUint32(p + 4 * i++, cp, le);
        }
        for (; i < n; i++) dv.setUint32(p + 4 * i, 0, le);
      };
    case "V":
      return (v, bytes, _dv, p) => {
        if (typedArrayTag(v) !== "Uint8Array") {
          wrongValue(v, dt, "a Uint8Array");
        }
        const b = valueBytes(v as Uint8Array, dt);
        const n = Math.min(b.length, size);
        bytes.set(n === b.length ? b : b.subarray(0, n), p);
        bytes.fill(0, p + n, p + size);
      };
    case "M":
    case "m":
      return (v, _bytes, dv, p) => dv.setBigInt64(p, toDateCount(dt, v), le);
  }
  return numericEncoder(dt);
}

function subarrayEncoder(dt: DType): Encoder {
  const { base, shape } = dt.subdtype!;
  const enc = encoderOf(base);
  const bsize = base.itemsize;
  const count = shape.reduce((a, b) => a * b, 1);
  return (v, bytes, dv, p) => {
    if (!isArray(v)) {
      // A scalar fills the whole subarray, as NumPy broadcasts it.
      enc(v, bytes, dv, p);
      for (let i = 1; i < count; i++) {
        bytes.copyWithin(p + i * bsize, p, p + bsize);
      }
      return;
    }
    const put = (x: unknown, depth: number, q: number): void => {
      const n = shape[depth];
      if (!isArray(x) || x.length !== n) {
        throw new TypeError(
          `Cannot convert ${describe(x)} to a subarray of shape (${
            shape.join(", ")
          }): expected ${n} values at depth ${depth}`,
        );
      }
      let step = bsize;
      for (let k = depth + 1; k < shape.length; k++) step *= shape[k];
      for (let i = 0; i < n; i++) {
        if (depth === shape.length - 1) enc(x[i], bytes, dv, q + i * step);
        else put(x[i], depth + 1, q + i * step);
      }
    };
    put(v, 0, p);
  };
}

function recordEncoder(dt: DType): Encoder {
  const names = dt.names!;
  const fields = names.map((name) => {
    const f = dt.fields![name];
    return { name, offset: f.offset, enc: encoderOf(f.dtype) };
  });
  const known = new Set(names);
  return (v, bytes, dv, p) => {
    if (isArray(v)) {
      if (v.length !== fields.length) {
        throw new TypeError(
          `Cannot convert an array of ${v.length} values to a record of ${fields.length} fields (${
            names.join(", ")
          })`,
        );
      }
      fields.forEach((f, i) => f.enc(v[i], bytes, dv, p + f.offset));
      return;
    }
    if (
      typeof v !== "object" || v === null || ArrayBuffer.isView(v) ||
      isRevoked(v)
    ) {
      wrongValue(v, dt, `an object with the fields ${names.join(", ")}`);
    }
    const obj = v as Record<string, unknown>;
    const fail = (reason: string) =>
      `Cannot convert ${describe(v)} to a record of ${
        names.join(", ")
      }: the object ${reason}`;
    const keys = readObject(() => Object.keys(obj), fail);
    for (const key of keys) {
      if (!known.has(key)) {
        throw new TypeError(
          `Cannot convert an object with the key "${key}" to a record: the fields are ${
            names.join(", ")
          }`,
        );
      }
    }
    for (const f of fields) {
      const value = readObject(
        () => f.name in obj ? { value: obj[f.name] } : undefined,
        fail,
      );
      if (value === undefined) {
        throw new TypeError(
          `Cannot convert an object without the field "${f.name}" to a record of ${
            names.join(", ")
          }`,
        );
      }
      f.enc(value.value, bytes, dv, p + f.offset);
    }
  };
}

let scratch = new Uint8Array(256);
let scratchView = new DataView(scratch.buffer);
const coverage = new WeakMap<DType, Uint8Array | null>();

/**
 * Which bytes of a record its fields cover (1), or `null` when every byte
 * belongs to the element (plain types, records without gaps).
 */
function coverageOf(dt: DType): Uint8Array | null {
  let c = coverage.get(dt);
  if (c === undefined) {
    c = null;
    if (dt.names !== null) {
      const m = new Uint8Array(dt.itemsize);
      const mark = (t: DType, at: number): void => {
        if (t.names === null) {
          m.fill(1, at, at + t.itemsize);
          return;
        }
        for (const n of t.names) {
          mark(t.fields![n].dtype, at + t.fields![n].offset);
        }
      };
      mark(dt, 0);
      if (m.includes(0)) c = m;
    }
    coverage.set(dt, c);
  }
  return c;
}

/**
 * Writes one value as the element at byte `p` of `bytes`. The value is
 * converted in a scratch element first (its getters run, a missing field
 * or a wrong type throws), then `check` runs (the caller's state checks),
 * then the element is written: a value that fails to convert changes
 * nothing. Bytes of a record no field covers keep their contents, as
 * NumPy's assignment of a tuple leaves them.
 *
 * @param bytes The storage.
 * @param p The element's byte offset.
 * @param dt The element type.
 * @param value The value.
 * @param check Runs between the conversion and the write.
 * @throws {TypeError} For a value of the wrong type.
 * @throws {RangeError} For a number that does not fit.
 */
export function writeItem(
  bytes: Uint8Array,
  p: number,
  dt: DType,
  value: unknown,
  check?: () => void,
): void {
  const size = dt.itemsize;
  if (scratch.length < size) {
    scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
    scratchView = new DataView(scratch.buffer);
  }
  const s = scratch;
  s.fill(0, 0, size);
  encoderOf(dt)(value, s, scratchView, 0);
  check?.();
  const mask = coverageOf(dt);
  if (mask === null) {
    bytes.set(s.subarray(0, size), p);
    return;
  }
  for (let i = 0; i < size; i++) if (mask[i] !== 0) bytes[p + i] = s[i];
}

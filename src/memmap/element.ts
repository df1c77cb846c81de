/**
 * Reading and writing runs of elements between array storage and plain
 * "domain" buffers (float64 numbers, 64-bit integers as bigints, or complex
 * pairs), with a typed-array path for native, aligned data and a byte-copy
 * path (with byte swapping) for big-endian or unaligned data.
 *
 * @module
 */

import { allocate } from "./alloc.ts";
import type { DType } from "./dtype.ts";
import type { PageCheck } from "./read_ahead.ts";

/** A typed array of one of the element types. */
export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float16Array
  | Float32Array
  | Float64Array;

/** How values of a type are handled in bulk: as numbers, bigints or complex pairs. */
export type Domain = "number" | "bigint" | "complex";

/** A buffer of values of one domain (complex: interleaved re, im). */
export type DomainBuffer = Float64Array | BigInt64Array | BigUint64Array;

type TypedCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  new (length: number): TypedArray;
};

const CTORS: Record<string, TypedCtor> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Float16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/**
 * The typed-array constructor for a type's components (datetime64 and
 * timedelta64 are stored as int64 counts).
 */
export function typedCtor(dt: DType): TypedCtor {
  return dt.kind === "M" || dt.kind === "m" ? BigInt64Array : CTORS[dt.name];
}

/** The size of one component: the itemsize, or half of it for complex types. */
export function unitOf(dt: DType): number {
  return dt.kind === "c" ? dt.itemsize / 2 : dt.itemsize;
}

/** The domain values of a type are handled in. */
export function domainOf(dt: DType): Domain {
  if (dt.kind === "c") return "complex";
  if (
    dt.itemsize === 8 &&
    (dt.kind === "i" || dt.kind === "u" || dt.kind === "M" || dt.kind === "m")
  ) {
    return "bigint";
  }
  return "number";
}

/**
 * Allocates a domain buffer for `n` values of type `dt`.
 *
 * @throws {RangeError} The library's, if the memory cannot be had.
 */
export function newDomainBuffer(dt: DType, n: number): DomainBuffer {
  const d = domainOf(dt);
  const buffer = allocate(8 * (d === "complex" ? 2 * n : n));
  if (d === "bigint") {
    return dt.kind === "u"
      ? new BigUint64Array(buffer)
      : new BigInt64Array(buffer);
  }
  return new Float64Array(buffer);
}

/** A typed array of the type's components over a whole buffer, from byte 0. */
export function typedView(buffer: ArrayBufferLike, dt: DType): TypedArray {
  const u = unitOf(dt);
  return new (typedCtor(dt))(buffer, 0, Math.floor(buffer.byteLength / u));
}

/** Where runs are read from or written to. */
export interface RunIO {
  /** The element type. */
  readonly dtype: DType;
  /** The storage bytes; run offsets are relative to `bytes[0]`. */
  readonly bytes: Uint8Array;
  /** A native typed view over `bytes.buffer` from byte 0 when every element is native and aligned, else null. */
  readonly ta: TypedArray | null;
  /**
   * The check {@linkcode readRun} makes before each run, where every page
   * was asked for up front (a memory map: see `PageCheck`).
   */
  readonly check?: PageCheck;
}

const INT64_MIN = -(2n ** 63n);

function floatToBigInt(v: number): bigint {
  return Number.isFinite(v) ? BigInt(Math.trunc(v)) : INT64_MIN;
}

let scratch = new Uint8Array(1 << 16);

function scratchOf(n: number): Uint8Array {
  if (scratch.length < n) {
    scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  }
  return scratch;
}

/** Copies `count` strided elements into contiguous native-order bytes in `tmp`. */
export function gatherBytes(
  io: RunIO,
  off: number,
  stride: number,
  count: number,
  tmp: Uint8Array,
): void {
  const { bytes, dtype } = io;
  const isz = dtype.itemsize;
  const u = unitOf(dtype);
  const swap = !dtype.isNative && u > 1;
  for (let k = 0, p = off, q = 0; k < count; k++, p += stride, q += isz) {
    if (!swap) {
      for (let b = 0; b < isz; b++) tmp[q + b] = bytes[p + b];
    } else {
      for (let c = 0; c < isz; c += u) {
        for (let b = 0; b < u; b++) tmp[q + c + b] = bytes[p + c + u - 1 - b];
      }
    }
  }
}

/** Copies contiguous native-order bytes from `tmp` to `count` strided elements. */
export function scatterBytes(
  io: RunIO,
  off: number,
  stride: number,
  count: number,
  tmp: Uint8Array,
): void {
  const { bytes, dtype } = io;
  const isz = dtype.itemsize;
  const u = unitOf(dtype);
  const swap = !dtype.isNative && u > 1;
  for (let k = 0, p = off, q = 0; k < count; k++, p += stride, q += isz) {
    if (!swap) {
      for (let b = 0; b < isz; b++) bytes[p + b] = tmp[q + b];
    } else {
      for (let c = 0; c < isz; c += u) {
        for (let b = 0; b < u; b++) bytes[p + c + u - 1 - b] = tmp[q + c + b];
      }
    }
  }
}

/**
 * Reads `count` elements starting at byte `off` (relative to `io.bytes`),
 * `stride` bytes apart, converting them into `dst` (a domain buffer of
 * `dstType`) from index `dstStart` on (complex: pair index).
 */
export function readRun(
  io: RunIO,
  off: number,
  stride: number,
  count: number,
  dst: DomainBuffer,
  dstType: DType,
  dstStart: number,
): void {
  if (count <= 0) return;
  const dt = io.dtype;
  io.check?.before(count * dt.itemsize);
  const u = unitOf(dt);
  let ta: TypedArray;
  let i: number;
  let s: number;
  if (io.ta !== null) {
    ta = io.ta;
    i = (io.bytes.byteOffset + off) / u;
    s = stride / u;
  } else if (
    domainOf(dstType) === "number" && domainOf(dt) === "number" &&
    dt.kind !== "b"
  ) {
    readNumbersDataView(io, off, stride, count, dst as Float64Array, dstStart);
    return;
  } else {
    const tmp = scratchOf(count * dt.itemsize);
    gatherBytes(io, off, stride, count, tmp);
    ta = new (typedCtor(dt))(tmp.buffer, 0, count * (dt.itemsize / u));
    i = 0;
    s = dt.itemsize / u;
  }
  convert(ta, i, s, count, dt, dst, dstType, dstStart);
}

function convert(
  ta: TypedArray,
  i: number,
  s: number,
  count: number,
  dt: DType,
  dst: DomainBuffer,
  dstType: DType,
  j: number,
): void {
  const from = domainOf(dt);
  const to = domainOf(dstType);
  const end = j + count;
  if (to === "number") {
    const d = dst as Float64Array;
    if (from === "number") {
      const t = ta as Float64Array;
      if (dt.kind === "b") {
        for (; j < end; j++, i += s) {
          d[j] = t[i] !== 0 ? 1 : 0;
        }
      } else if (s === 1) {
        d.set(t.subarray(i, i + count), j);
      } else for (; j < end; j++, i += s) d[j] = t[i];
    } else if (from === "bigint") {
      const t = ta as BigInt64Array;
      for (; j < end; j++, i += s) d[j] = Number(t[i]);
    } else {
      const t = ta as Float64Array;
      for (; j < end; j++, i += s) d[j] = t[i];
    }
  } else if (to === "bigint") {
    const d = dst as BigInt64Array;
    if (from === "bigint") {
      const t = ta as BigInt64Array;
      for (; j < end; j++, i += s) d[j] = t[i];
    } else if (dt.kind === "f" || dt.kind === "c") {
      const t = ta as Float64Array;
      for (; j < end; j++, i += s) d[j] = floatToBigInt(t[i]);
    } else {
      const t = ta as Uint8Array;
      const bool = dt.kind === "b";
      for (; j < end; j++, i += s) {
        d[j] = bool ? (t[i] !== 0 ? 1n : 0n) : BigInt(t[i]);
      }
    }
  } else {
    const d = dst as Float64Array;
    if (from === "complex") {
      for (let k = 2 * j; k < 2 * end; k += 2, i += s) {
        d[k] = (ta as Float64Array)[i];
        d[k + 1] = (ta as Float64Array)[i + 1];
      }
    } else if (from === "bigint") {
      const t = ta as BigInt64Array;
      for (let k = 2 * j; k < 2 * end; k += 2, i += s) {
        d[k] = Number(t[i]);
        d[k + 1] = 0;
      }
    } else {
      const t = ta as Float64Array;
      const bool = dt.kind === "b";
      for (let k = 2 * j; k < 2 * end; k += 2, i += s) {
        d[k] = bool ? (t[i] !== 0 ? 1 : 0) : t[i];
        d[k + 1] = 0;
      }
    }
  }
}

/**
 * Writes `count` values from `src` (a domain buffer of `io.dtype`'s domain,
 * from index `srcStart`) to elements starting at byte `off`, `stride` bytes
 * apart. The caller has checked that the storage is writable and open.
 */
export function writeRun(
  io: RunIO,
  off: number,
  stride: number,
  count: number,
  src: DomainBuffer,
  srcStart: number,
): void {
  if (count <= 0) return;
  const dt = io.dtype;
  const u = unitOf(dt);
  if (io.ta !== null) {
    store(
      io.ta,
      (io.bytes.byteOffset + off) / u,
      stride / u,
      count,
      dt,
      src,
      srcStart,
    );
    return;
  }
  const tmp = scratchOf(count * dt.itemsize);
  const ta = new (typedCtor(dt))(tmp.buffer, 0, count * (dt.itemsize / u));
  store(ta, 0, dt.itemsize / u, count, dt, src, srcStart);
  scatterBytes(io, off, stride, count, tmp);
}

function store(
  ta: TypedArray,
  i: number,
  s: number,
  count: number,
  dt: DType,
  src: DomainBuffer,
  j: number,
): void {
  const end = j + count;
  const dom = domainOf(dt);
  if (dom === "complex") {
    const t = ta as Float64Array;
    const d = src as Float64Array;
    for (let k = 2 * j; k < 2 * end; k += 2, i += s) {
      t[i] = d[k];
      t[i + 1] = d[k + 1];
    }
  } else if (dom === "bigint") {
    const t = ta as BigInt64Array;
    const d = src as BigInt64Array;
    for (; j < end; j++, i += s) t[i] = d[j];
  } else if (dt.kind === "b") {
    const t = ta as Uint8Array;
    const d = src as Float64Array;
    for (; j < end; j++, i += s) t[i] = d[j] !== 0 ? 1 : 0;
  } else {
    const t = ta as Float64Array;
    const d = src as Float64Array;
    if (s === 1) t.set(d.subarray(j, end), i);
    else for (; j < end; j++, i += s) t[i] = d[j];
  }
}

/**
 * Copies `count` elements of the same type and byte order between two runs,
 * byte for byte (NaN payloads and all).
 */
export function copyRun(
  dst: RunIO,
  dOff: number,
  dStride: number,
  src: RunIO,
  sOff: number,
  sStride: number,
  count: number,
): void {
  const isz = dst.dtype.itemsize;
  const db = dst.bytes;
  const sb = src.bytes;
  if (dStride === isz && sStride === isz) {
    db.set(sb.subarray(sOff, sOff + count * isz), dOff);
    return;
  }
  if (sStride === 0 && dStride === isz && count > 1) {
    // One value into a contiguous run (fill, broadcast): write it once, then
    // double the filled part with memmove.
    for (let b = 0; b < isz; b++) db[dOff + b] = sb[sOff + b];
    const total = count * isz;
    for (let filled = isz; filled < total;) {
      const n = Math.min(filled, total - filled);
      db.copyWithin(dOff + filled, dOff, dOff + n);
      filled += n;
    }
    return;
  }
  if (
    dst.ta !== null && src.ta !== null && sStride % 4 === 0 &&
    dStride % 4 === 0 && isz % 4 === 0
  ) {
    const d32 = new Uint32Array(
      db.buffer,
      0,
      Math.floor(db.buffer.byteLength / 4),
    );
    const s32 = d32.buffer === sb.buffer
      ? d32
      : new Uint32Array(sb.buffer, 0, Math.floor(sb.buffer.byteLength / 4));
    const w = isz >>> 2;
    let di = (db.byteOffset + dOff) / 4;
    let si = (sb.byteOffset + sOff) / 4;
    const ds = dStride / 4, ss = sStride / 4;
    for (let k = 0; k < count; k++, di += ds, si += ss) {
      for (let b = 0; b < w; b++) d32[di + b] = s32[si + b];
    }
    return;
  }
  for (
    let k = 0, p = dOff, q = sOff;
    k < count;
    k++, p += dStride, q += sStride
  ) {
    for (let b = 0; b < isz; b++) db[p + b] = sb[q + b];
  }
}

const views = new WeakMap<Uint8Array, DataView>();

/** A DataView over the same bytes (cached per byte array). */
export function dataViewOf(bytes: Uint8Array): DataView {
  let dv = views.get(bytes);
  if (dv === undefined) {
    dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, dv);
  }
  return dv;
}

/** Reads one non-complex, non-64-bit-integer element through a DataView. */
export function getNumber(dv: DataView, p: number, dt: DType): number {
  const le = dt.littleEndian;
  switch (dt.name) {
    case "float64":
      return dv.getFloat64(p, le);
    case "float32":
      return dv.getFloat32(p, le);
    case "float16":
      return dv.getFloat16(p, le);
    case "int8":
      return dv.getInt8(p);
    case "uint8":
      return dv.getUint8(p);
    case "int16":
      return dv.getInt16(p, le);
    case "uint16":
      return dv.getUint16(p, le);
    case "int32":
      return dv.getInt32(p, le);
    case "uint32":
      return dv.getUint32(p, le);
    default:
      return dv.getUint8(p) !== 0 ? 1 : 0;
  }
}

/** Writes one non-complex, non-64-bit-integer element through a DataView. */
export function setNumber(dv: DataView, p: number, dt: DType, v: number): void {
  const le = dt.littleEndian;
  switch (dt.name) {
    case "float64":
      return dv.setFloat64(p, v, le);
    case "float32":
      return dv.setFloat32(p, v, le);
    case "float16":
      return dv.setFloat16(p, v, le);
    case "int8":
      return dv.setInt8(p, v);
    case "uint8":
      return dv.setUint8(p, v);
    case "int16":
      return dv.setInt16(p, v, le);
    case "uint16":
      return dv.setUint16(p, v, le);
    case "int32":
      return dv.setInt32(p, v, le);
    case "uint32":
      return dv.setUint32(p, v, le);
    default:
      return dv.setUint8(p, v !== 0 ? 1 : 0);
  }
}

function readNumbersDataView(
  io: RunIO,
  off: number,
  stride: number,
  count: number,
  d: Float64Array,
  j: number,
): void {
  const dv = dataViewOf(io.bytes);
  const dt = io.dtype;
  const le = dt.littleEndian;
  const end = j + count;
  let p = off;
  switch (dt.name) {
    case "float64":
      for (; j < end; j++, p += stride) d[j] = dv.getFloat64(p, le);
      return;
    case "float32":
      for (; j < end; j++, p += stride) d[j] = dv.getFloat32(p, le);
      return;
    case "int32":
      for (; j < end; j++, p += stride) d[j] = dv.getInt32(p, le);
      return;
    default:
      for (; j < end; j++, p += stride) d[j] = getNumber(dv, p, dt);
  }
}

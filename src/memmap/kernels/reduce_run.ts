/**
 * Runs the reduction kernels over array data shown through a
 * {@linkcode Shower}: blocks of contiguous elements (sums, minima, maxima),
 * lines summed pairwise, pieces gathered into the scratch, and rows
 * combined into per-column results. Each function computes exactly what the
 * TypeScript path of `reduce.ts` computes.
 *
 * @module
 */

import type { Dim, Piece } from "../reduce_plan.ts";
import { eachOffset } from "../reduce_plan.ts";
import type { FloatType, IntegerType, KernelType } from "./reduce_kernels.ts";
import {
  GATHER_BYTES,
  type Kernels,
  ROWS_BYTES,
  type Shower,
} from "./runtime.ts";

/** Bytes per element of each kernel type. */
export const SIZE: Record<KernelType, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

type Typed =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** The typed array of each kernel type's lanes. */
export const LANES: Record<
  KernelType,
  new (b: ArrayBuffer, o: number, n: number) => Typed
> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

interface ResultViews {
  /** The result vector's lanes. */
  lanes: Typed;
  /** The NaN lanes of float extremes. */
  nan: Uint32Array;
  /** The result vector as 32-bit words (zero tests). */
  zero: Uint32Array;
  /** Integer sums: two int64 lanes and the tail's sum. */
  sums: BigInt64Array;
}

let viewsFor: Kernels | null = null;
const views = new Map<KernelType, ResultViews>();

/** Typed views of the result area, made once per kernels instance and type. */
function viewsOf(k: Kernels, type: KernelType): ResultViews {
  if (viewsFor !== k) {
    views.clear();
    viewsFor = k;
  }
  let v = views.get(type);
  if (v === undefined) {
    const buffer = k.memory.buffer as ArrayBuffer;
    const out = k.out;
    v = {
      lanes: new LANES[type](buffer, out, 16 / SIZE[type]),
      nan: new Uint32Array(buffer, out + 16, 4),
      zero: new Uint32Array(buffer, out, 4),
      sums: new BigInt64Array(buffer, out, 3),
    };
    views.set(type, v);
  }
  return v;
}

/** Calls `fn(at, length)` for pieces of at most `sh.limit` bytes of `[start, start + bytes)`, none shorter than `min` bytes unless the whole is. */
export function eachShown(
  sh: Shower,
  start: number,
  bytes: number,
  min: number,
  fn: (at: number, length: number) => void,
): void {
  const limit = sh.limit;
  for (let off = 0; off < bytes;) {
    let length = Math.min(limit, bytes - off);
    const rest = bytes - off - length;
    if (rest > 0 && rest < min) length -= 64; // leave the last piece long enough
    fn(sh.show(start + off, length), length);
    off += length;
  }
}

/**
 * The sum of the integer (or bool) elements in `[start, start + bytes)`,
 * exact (not yet wrapped to 64 bits).
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param start The first byte.
 * @param bytes How many bytes (whole elements).
 * @returns The sum.
 */
export function sumBlock(
  sh: Shower,
  type: IntegerType,
  start: number,
  bytes: number,
): bigint {
  const k = sh.k;
  const out = viewsOf(k, type).sums;
  const fn = k.fn.sum[type];
  let total = 0n;
  eachShown(sh, start, bytes, 0, (at, length) => {
    fn(at, length, k.out);
    total += out[0] + out[1] + out[2];
  });
  return total;
}

/** The result of a min or max over a block. */
export interface Extreme {
  /** The value: a number, or a bigint for 64-bit integers. */
  value: number | bigint;
}

/**
 * The minimum or maximum of the elements in `[start, start + bytes)` (at
 * least 16 bytes): floats as `Math.min`/`Math.max` give it (NaN if any is
 * NaN, -0 below +0).
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param kind `"min"` or `"max"`.
 * @param start The first byte.
 * @param bytes How many bytes.
 * @returns The value.
 */
export function extremeBlock(
  sh: Shower,
  type: KernelType,
  kind: "min" | "max",
  start: number,
  bytes: number,
): number | bigint {
  const k = sh.k;
  const { lanes, nan, zero } = viewsOf(k, type);
  const float = type === "float32" || type === "float64";
  const fn = k.fn[kind][type];
  let result: number | bigint | undefined;
  const pick = (a: number | bigint, b: number | bigint) =>
    float
      ? (kind === "min" ? Math.min : Math.max)(a as number, b as number)
      : (kind === "min" ? b < a : b > a)
      ? b
      : a;
  eachShown(sh, start, bytes, 16, (at, length) => {
    fn(at, length, k.out);
    let r: number | bigint = lanes[0];
    for (let i = 1; i < lanes.length; i++) r = pick(r, lanes[i]);
    if (float) {
      if ((nan[0] | nan[1] | nan[2] | nan[3]) !== 0) r = NaN;
      else if (r === 0) {
        // The vector loop may have kept either zero: look for the one that wins.
        k.fn[kind === "min" ? "minZero" : "maxZero"][type as FloatType](
          at,
          length,
          k.out,
        );
        const found = (zero[0] | zero[1] | zero[2] | zero[3]) !== 0;
        r = (kind === "max") === found ? 0 : -0;
      }
    }
    result = result === undefined ? r : pick(result, r);
  });
  return result!;
}

/**
 * NumPy's pairwise sum of `n` contiguous float elements from byte `start`:
 * NumPy's recursion, in TypeScript down to pieces that fit one `show`, in
 * WebAssembly below.
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param start The first byte.
 * @param n How many elements.
 * @returns The sum (a float32 value for float32).
 */
export function pairwiseLine(
  sh: Shower,
  type: FloatType,
  start: number,
  n: number,
): number {
  const fn = sh.k.fn.pairwise[type];
  return pairwiseOf(sh, type, start, n, (p, m) => fn(p, m));
}

/**
 * NumPy's pairwise sum of the squared deviations `(x - mean)²` of `n`
 * contiguous float elements from byte `start`, each operation rounded in
 * the element type (NumPy's `var` of a whole array: the deviations, their
 * squares, then their sum), without making the deviations.
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param start The first byte.
 * @param n How many elements.
 * @param mean The mean (a value of the element type).
 * @returns The sum (a float32 value for float32).
 */
export function squaredDeviationsLine(
  sh: Shower,
  type: FloatType,
  start: number,
  n: number,
  mean: number,
): number {
  const fn = sh.k.fn.sqdev[type];
  return pairwiseOf(sh, type, start, n, (p, m) => fn(p, m, mean));
}

/** NumPy's recursion down to pieces one `show` holds, summed by `leaf`. */
function pairwiseOf(
  sh: Shower,
  type: FloatType,
  start: number,
  n: number,
  leaf: (p: number, m: number) => number,
): number {
  const size = SIZE[type];
  const round = type === "float32" ? Math.fround : (x: number) => x;
  const limit = Math.floor(sh.limit / size);
  const sum = (at: number, m: number): number => {
    if (m <= limit) return leaf(sh.show(at, m * size), m);
    let h = m >>> 1;
    h -= h % 8;
    return round(sum(at, h) + sum(at + h * size, m - h));
  };
  return sum(start, n);
}

/**
 * NumPy's pairwise sum of a piece whose innermost axis is contiguous,
 * gathered into the scratch first (as NumPy's buffer).
 *
 * @param sh The kernels (the scratch is used directly).
 * @param type The element type.
 * @param bytes The data's bytes.
 * @param piece The piece (at most {@linkcode GATHER_BYTES} bytes).
 * @returns The sum.
 */
export function pairwisePiece(
  sh: Shower,
  type: FloatType,
  bytes: Uint8Array,
  piece: Piece,
): number {
  const k = sh.k;
  const dims = piece.dims;
  const run = dims[dims.length - 1].n * SIZE[type];
  const gather = k.gather;
  let pos = gather;
  eachOffset(dims.slice(0, -1) as Dim[], piece.offset, (off) => {
    k.bytes.set(bytes.subarray(off, off + run), pos);
    pos += run;
  });
  return k.fn.pairwise[type](gather, piece.count);
}

/**
 * NumPy's float64 pairwise sum of `n` contiguous integer elements from byte
 * `start`, cast to float64 first (NumPy's buffer for `mean()`; `n` at most
 * the buffer size).
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param start The first byte.
 * @param n How many elements.
 * @returns The sum.
 */
export function pairwiseCast(
  sh: Shower,
  type: IntegerType,
  start: number,
  n: number,
): number {
  const k = sh.k;
  const gather = k.gather;
  k.fn.toF64[type](sh.show(start, n * SIZE[type]), n, gather);
  return k.fn.pairwise.float64(gather, n);
}

/** Whether a piece fits the gather scratch. */
export function fitsGather(type: FloatType, count: number): boolean {
  return count * SIZE[type] <= GATHER_BYTES;
}

/**
 * Combines `rows` rows of `cols` contiguous elements, following each other
 * from byte `start`, row after row into per-column results: `"add"` (float
 * sums in the element precision, from +0, NumPy's order; integer sums in
 * int64, exact modulo 2^64), `"min"`, `"max"` (from the first row).
 *
 * `"sqdev"` (floats) adds the squared deviations `(x - means[c])²`, each
 * operation rounded in the element type (`means` values of that type).
 *
 * @param sh Shows the data.
 * @param type The element type.
 * @param kind The combination.
 * @param start The first byte.
 * @param rows How many rows (at least 1).
 * @param cols Elements per row.
 * @param out Receives the results (float64 values, or bigints for 64-bit integers).
 * @param means The column means (`"sqdev"`).
 * @returns Whether it was done (false: too many columns, or a row larger than a show).
 */
export function combineRows(
  sh: Shower,
  type: KernelType,
  kind: "add" | "min" | "max" | "sqdev",
  start: number,
  rows: number,
  cols: number,
  out: Float64Array | BigInt64Array | BigUint64Array,
  means?: Float64Array,
): boolean {
  const k = sh.k;
  const size = SIZE[type];
  const rowBytes = cols * size;
  const perShow = Math.floor(sh.limit / rowBytes);
  const float = type === "float32" || type === "float64";
  // Integer sums go to int64 columns; the rest stay in the element type.
  const wide = kind === "add" && !float;
  // The squared deviations' means follow the sums.
  const room = kind === "sqdev" ? 2 * cols * size : cols * (wide ? 8 : size);
  if (room > ROWS_BYTES || perShow === 0 || rows === 0) return false;
  const rowsAt = k.rows;
  const results = wide
    ? new BigInt64Array(k.memory.buffer, rowsAt, cols)
    : new LANES[type](k.memory.buffer as ArrayBuffer, rowsAt, cols);
  let first = 0;
  if (kind === "sqdev") {
    results.fill(0 as never);
    const m = new LANES[type](
      k.memory.buffer as ArrayBuffer,
      rowsAt + rowBytes,
      cols,
    ) as Float64Array;
    m.set(means!.subarray(0, cols));
  } else if (kind === "add") results.fill((wide ? 0n : 0) as never);
  else {
    const at = sh.show(start, rowBytes);
    k.bytes.copyWithin(rowsAt, at, at + rowBytes);
    first = 1;
  }
  const fn = k.fn[`${kind}Rows`][type as FloatType];
  for (let r = first; r < rows; r += perShow) {
    const m = Math.min(perShow, rows - r);
    fn(sh.show(start + r * rowBytes, m * rowBytes), m, cols, rowsAt);
  }
  if (out instanceof Float64Array && typeof results[0] === "bigint") {
    for (let i = 0; i < cols; i++) out[i] = Number(results[i]);
  } else {
    for (let i = 0; i < cols; i++) {
      (out as Float64Array)[i] = results[i] as number;
    }
  }
  return true;
}

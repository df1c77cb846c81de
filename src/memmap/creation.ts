/**
 * NumPy's creation functions: `zeros`, `ones`, `empty`, `full`, `arange`,
 * `linspace`, `concatenate` and `stack`. Every result is a new in-memory,
 * C-contiguous array (Fortran order on request for the first four).
 *
 * @module
 */

import { type DType, dtype as toDType, type DTypeLike } from "./dtype.ts";
import type { DTypeName } from "./dtype.ts";
import { nativeDType } from "./dtype.ts";
import {
  describe,
  isArray,
  toBoolean,
  toOptions,
  toShape,
  toSize,
} from "../_args.ts";
import {
  type ArrayInput,
  empty as emptyArray,
  fromData,
  isArrayObject,
  NDArray,
  toDomainScalar,
} from "./ndarray.ts";
import { type Complex, isComplex } from "./nested.ts";
import {
  commonDType,
  isItemType,
  itemCastSameKind,
  type Scalar,
} from "./promotion.ts";
import { castInto } from "./ufunc/engine.ts";
import { formatShape, newArrayStrides, normalizeAxis } from "./shape.ts";
import { memoryStorage } from "./storage.ts";
import type { CommonDType, FullDTypeOf, NameOf } from "./types.ts";

/** Options of {@linkcode zeros}, {@linkcode ones}, {@linkcode empty} and {@linkcode full}. */
export interface CreationOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; float64 by default (for `full`: inferred from the value). */
  dtype?: D;
  /** Memory layout: `"C"` (row-major, the default) or `"F"` (column-major). */
  order?: "C" | "F";
}

/** Options of {@linkcode arange}. */
export interface ArangeOptions<D extends DTypeLike = DTypeLike> {
  /** The element type; int64 when every argument is an integer, else float64. */
  dtype?: D;
}

/** Options of {@linkcode linspace}. */
export interface LinspaceOptions<D extends DTypeLike = DTypeLike> {
  /** Whether `stop` is the last sample (default true). */
  endpoint?: boolean;
  /** The element type (default float64); integer types take the floor of the samples. */
  dtype?: D;
}

/** A fresh in-memory array of `shape`, all bytes zero, in C or F order. */
function allocate(
  shape: readonly number[],
  dt: DType,
  order: "C" | "F",
  call: string,
): NDArray {
  if (order === "C" || shape.length < 2) return emptyArray(shape, dt);
  const nbytes = shape.reduce((n, d) => n * d, 1) * dt.itemsize;
  let storage;
  try {
    storage = memoryStorage(nbytes);
  } catch {
    throw new RangeError(
      `Cannot ${call} of shape ${
        formatShape(shape)
      } ${dt.name}: cannot allocate ${nbytes} bytes of memory`,
    );
  }
  return new NDArray(
    storage,
    dt,
    shape,
    newArrayStrides(shape, dt.itemsize, "F"),
  );
}

/** Reads the options shared by zeros/ones/empty/full. */
function creationOptions(
  options: CreationOptions | undefined,
  call: string,
): { dt: DType | undefined; order: "C" | "F" } {
  const o = toOptions(options, call);
  const dtypeOption = o.dtype, orderOption = o.order;
  const dt = dtypeOption === undefined ? undefined : toDType(dtypeOption);
  if (
    orderOption !== undefined && orderOption !== "C" && orderOption !== "F"
  ) {
    throw new TypeError(
      `Cannot ${call} with order ${
        describe(orderOption)
      }: order must be "C" or "F"`,
    );
  }
  return { dt, order: orderOption ?? "C" };
}

function filled(
  shape: number | readonly number[],
  options: CreationOptions | undefined,
  call: string,
  value: number | undefined,
): NDArray {
  const { dt, order } = creationOptions(options, call);
  const t = dt ?? nativeDType("float64");
  const a = allocate(toShape(shape, call, t.itemsize), t, order, call);
  if (value !== undefined && a.size > 0) a.fill(value);
  return a;
}

/**
 * A new array of zeros (NumPy `np.zeros`).
 *
 * @param shape The shape: a length or a list of lengths.
 * @param options `dtype` (default float64) and `order` (`"C"` or `"F"`).
 * @returns The array.
 * @throws {TypeError} If the shape is not integers, or the type or order is not understood.
 * @throws {RangeError} If a length is negative or the array is too large for memory.
 *
 * @example Zeros of a type
 * ```ts
 * import { zeros } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = zeros([2, 3], { dtype: "int32" });
 * assert.deepEqual(a.toArray(), [[0, 0, 0], [0, 0, 0]]);
 * assert.deepEqual(zeros([2, 3], { order: "F" }).strides, [8, 16]);
 * ```
 */
export function zeros<const D extends DTypeLike>(
  shape: number | readonly number[],
  options: CreationOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * Float64 zeros.
 *
 * @param shape The shape.
 * @param options `order`.
 * @returns The array.
 */
export function zeros(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray<"float64">;
export function zeros(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray {
  return filled(shape, options, "create zeros", undefined);
}

/**
 * A new array of ones (NumPy `np.ones`): `true` for bool, `1 + 0i` for complex.
 *
 * @param shape The shape: a length or a list of lengths.
 * @param options `dtype` (default float64) and `order` (`"C"` or `"F"`).
 * @returns The array.
 * @throws {TypeError} If the shape is not integers, or the type or order is not understood.
 * @throws {RangeError} If a length is negative or the array is too large for memory.
 *
 * @example Ones
 * ```ts
 * import { ones } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ones(3, { dtype: "uint8" }).toArray(), [1, 1, 1]);
 * assert.deepEqual(ones(2, { dtype: "bool" }).toArray(), [true, true]);
 * ```
 */
export function ones<const D extends DTypeLike>(
  shape: number | readonly number[],
  options: CreationOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * Float64 ones.
 *
 * @param shape The shape.
 * @param options `order`.
 * @returns The array.
 */
export function ones(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray<"float64">;
export function ones(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray {
  return filled(shape, options, "create ones", 1);
}

/**
 * A new array (NumPy `np.empty`). NumPy leaves the memory uninitialised;
 * here it is zero, as JavaScript memory always is.
 *
 * @param shape The shape: a length or a list of lengths.
 * @param options `dtype` (default float64) and `order` (`"C"` or `"F"`).
 * @returns The array.
 * @throws {TypeError} If the shape is not integers, or the type or order is not understood.
 * @throws {RangeError} If a length is negative or the array is too large for memory.
 *
 * @example An array to fill
 * ```ts
 * import { empty } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = empty([2, 2], { dtype: "float32" });
 * a.set(0, 1, 5);
 * assert.equal(a.get(0, 1), 5);
 * ```
 */
export function empty<const D extends DTypeLike>(
  shape: number | readonly number[],
  options: CreationOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * A float64 array.
 *
 * @param shape The shape.
 * @param options `order`.
 * @returns The array.
 */
export function empty(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray<"float64">;
export function empty(
  shape: number | readonly number[],
  options?: CreationOptions,
): NDArray {
  return filled(shape, options, "create an empty array", undefined);
}

/**
 * A new array with every element set to `value` (NumPy `np.full`); an
 * array value is broadcast to the shape. Without `dtype` the type is the
 * value's, as {@linkcode array} infers it (numbers give float64).
 *
 * @param shape The shape: a length or a list of lengths.
 * @param value A scalar, `{ re, im }`, JavaScript data or an array.
 * @param options `dtype` and `order` (`"C"` or `"F"`).
 * @returns The array.
 * @throws {TypeError} If the shape is not integers, the type or order is
 * not understood, or the value does not convert to the type.
 * @throws {RangeError} If a length is negative, the value does not
 * broadcast to the shape, an integer does not fit the type, or the array is
 * too large for memory.
 *
 * @example Fill with a value or a row
 * ```ts
 * import { full } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.deepEqual(full(2, 7n).toArray(), [7n, 7n]);
 * assert.deepEqual(full([2, 2], 1.5, { dtype: "int16" }).toArray(), [[1, 1], [1, 1]]);
 * assert.deepEqual(full([2, 3], [1, 2, 3]).toArray(), [[1, 2, 3], [1, 2, 3]]);
 * ```
 */
export function full<const D extends DTypeLike>(
  shape: number | readonly number[],
  value: Scalar | Complex | ArrayInput,
  options: CreationOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * The type of the value.
 *
 * @param shape The shape.
 * @param value The value.
 * @param options `order`.
 * @returns The array.
 */
export function full<const V extends Scalar | Complex | ArrayInput>(
  shape: number | readonly number[],
  value: V,
  options?: CreationOptions,
): NDArray<FullDTypeOf<V>>;
export function full(
  shape: number | readonly number[],
  value: Scalar | Complex | ArrayInput,
  options?: CreationOptions,
): NDArray {
  const call = "create a full array";
  const dims = toShape(shape, call);
  let { dt, order } = creationOptions(options, call);
  let source: NDArray | undefined;
  if (isArrayObject(value)) source = value;
  else if (
    typeof value !== "number" && typeof value !== "bigint" &&
    typeof value !== "boolean" && !isComplex(value)
  ) source = fromData(value, dt, false);
  dt ??= source !== undefined ? source.dtype : inferScalar(value as Scalar);
  toShape(dims, call, dt.itemsize);
  // The value is converted (and checked: an integer must fit) before
  // anything is allocated.
  if (source === undefined) toDomainScalar(dt, value as Scalar | Complex);
  const a = allocate(dims, dt, order, call);
  if (source !== undefined) a.assign(source);
  else if (a.size > 0) a.fill(value as Scalar | Complex);
  return a;
}

function inferScalar(x: Scalar | Complex): DType {
  if (typeof x === "boolean") return nativeDType("bool");
  if (typeof x === "bigint") return nativeDType("int64");
  if (typeof x === "number") return nativeDType("float64");
  return nativeDType("complex128");
}

/** A real argument of `arange`/`linspace`: a number or a bigint. */
function toReal(x: unknown, call: string, name: string): number | bigint {
  if (typeof x === "number" || typeof x === "bigint") return x;
  throw new TypeError(
    `Cannot ${call} with ${name} ${describe(x)}: ${name} must be a number`,
  );
}

function isInteger(x: number | bigint): boolean {
  return typeof x === "bigint" || Number.isInteger(x);
}

/** The length of `arange(start, stop, step)` (NumPy: `ceil((stop - start) / step)`, at least 0). */
function arangeLength(
  start: number | bigint,
  stop: number | bigint,
  step: number | bigint,
  exact: boolean,
): number {
  const call = "arange";
  if (exact) {
    const a = BigInt(start), b = BigInt(stop), s = BigInt(step);
    if (s === 0n) {
      throw new RangeError(`Cannot ${call} with step 0: step must not be zero`);
    }
    const d = b - a;
    let q = d / s;
    const r = d % s;
    if (r !== 0n && (r > 0n) === (s > 0n)) q += 1n;
    if (q <= 0n) return 0;
    return toSize(q, call, "length");
  }
  const s = Number(step);
  if (s === 0) {
    throw new RangeError(`Cannot ${call} with step 0: step must not be zero`);
  }
  const delta = Number(stop) - Number(start);
  const t = delta / s;
  if (t === 0 && delta !== 0) return Object.is(t, -0) ? 0 : 1;
  if (Number.isNaN(t)) {
    throw new RangeError(
      `Cannot ${call} from ${describe(start)} to ${describe(stop)} by ${
        describe(step)
      }: cannot compute the length`,
    );
  }
  const n = Math.ceil(t);
  return n <= 0 ? 0 : toSize(n, call, "length");
}

/** Writes `b0 + i * delta` (wrapping) as int64/uint64 words: doubles while exact, else bigints. */
function fillInt64(
  out: BigInt64Array | BigUint64Array,
  n: number,
  b0: bigint,
  b1: bigint,
  signed: boolean,
): void {
  const wrap = signed ? BigInt.asIntN : BigInt.asUintN;
  const delta = BigInt.asIntN(64, b1 - b0);
  const first = BigInt.asIntN(64, b0);
  const last = first + delta * BigInt(n - 1);
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  if (n > 0) out[0] = b0 as never;
  if (n > 1) out[1] = b1 as never;
  if (first <= safe && first >= -safe && last <= safe && last >= -safe) {
    const words = new Int32Array(out.buffer, out.byteOffset, 2 * n);
    const s = Number(first), d = Number(delta);
    for (let i = 2; i < n; i++) {
      const v = s + i * d;
      words[2 * i] = v >>> 0;
      words[2 * i + 1] = Math.floor(v / 4294967296);
    }
    return;
  }
  for (let i = 2; i < n; i++) {
    out[i] = wrap(64, b0 + BigInt(i) * delta) as never;
  }
}

/**
 * Evenly spaced values in `[start, stop)` (NumPy `np.arange`), one
 * argument (`stop`, from 0) or up to three. The length is NumPy's
 * `ceil((stop - start) / step)`; the values are NumPy's too: the first is
 * `start`, the second `start + step`, and then `start + i * delta` with
 * `delta` the difference of the first two as stored (so
 * `arange(1, 2, 0.1)` ends at `1.9000000000000008`, as in NumPy). Without
 * `dtype`, the type is int64 when every argument is an integer (a bigint
 * or a whole number) and float64 otherwise, as NumPy infers it from Python
 * ints and floats (unlike {@linkcode array}, where numbers give float64).
 *
 * @param start The first value (or `stop`, when it is the only argument).
 * @param stop The end (not included).
 * @param step The spacing; default 1.
 * @param options `dtype`.
 * @returns A 1-D array.
 * @throws {TypeError} If an argument is not a number or bigint, or the type
 * is not understood (or is bool for more than two values, as NumPy).
 * @throws {RangeError} If the step is 0, the length cannot be computed (NaN
 * or infinite bounds) or is too large, or the start does not fit an integer type.
 *
 * @example Integer and float ranges
 * ```ts
 * import { arange } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.deepEqual(arange(4).toArray(), [0n, 1n, 2n, 3n]);
 * assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
 * assert.deepEqual(arange(3, { dtype: "float32" }).toArray(), [0, 1, 2]);
 * ```
 */
export function arange<const D extends DTypeLike>(
  stop: number | bigint,
  options: ArangeOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * From 0 to `stop` (bigint: int64).
 *
 * @param stop The end.
 * @param options No `dtype`.
 * @returns The array.
 */
export function arange(
  stop: bigint,
  options?: ArangeOptions,
): NDArray<"int64">;
/**
 * From 0 to `stop`: int64 for a whole number, else float64.
 *
 * @param stop The end.
 * @param options No `dtype`.
 * @returns The array.
 */
export function arange(
  stop: number | bigint,
  options?: ArangeOptions,
): NDArray<"int64" | "float64">;
/**
 * From `start` to `stop` by `step`, of type `dtype`.
 *
 * @param start The first value.
 * @param stop The end (not included).
 * @param step The spacing.
 * @param options `dtype`.
 * @returns The array.
 */
export function arange<const D extends DTypeLike>(
  start: number | bigint,
  stop: number | bigint,
  step: number | bigint | undefined,
  options: ArangeOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * From `start` to `stop` by `step` (bigints: int64).
 *
 * @param start The first value.
 * @param stop The end (not included).
 * @param step The spacing.
 * @param options No `dtype`.
 * @returns The array.
 */
export function arange(
  start: bigint,
  stop: bigint,
  step?: bigint,
  options?: ArangeOptions,
): NDArray<"int64">;
/**
 * From `start` to `stop` by `step`: int64 when all are whole numbers, else float64.
 *
 * @param start The first value.
 * @param stop The end (not included).
 * @param step The spacing.
 * @param options No `dtype`.
 * @returns The array.
 */
export function arange(
  start: number | bigint,
  stop: number | bigint,
  step?: number | bigint,
  options?: ArangeOptions,
): NDArray<"int64" | "float64">;
export function arange(
  first: number | bigint,
  second?: number | bigint | ArangeOptions,
  third?: number | bigint,
  fourth?: ArangeOptions,
): NDArray {
  const call = "arange";
  let start: number | bigint, stop: number | bigint, step: number | bigint;
  let options: ArangeOptions | undefined;
  if (
    second === undefined ||
    (typeof second === "object" && third === undefined && fourth === undefined)
  ) {
    start = 0;
    stop = toReal(first, call, "stop");
    step = 1;
    options = second as ArangeOptions | undefined;
  } else {
    start = toReal(first, call, "start");
    stop = toReal(second, call, "stop");
    step = third === undefined ? 1 : toReal(third, call, "step");
    options = fourth;
  }
  const dtypeOption = toOptions(options, call).dtype;
  const exact = isInteger(start) && isInteger(stop) && isInteger(step);
  const dt = dtypeOption === undefined
    ? nativeDType(exact ? "int64" : "float64")
    : toDType(dtypeOption);
  const n = arangeLength(start, stop, step, exact);
  // The first two values as NumPy computes them (Python's int or float
  // arithmetic), then stored in the type.
  const second2: number | bigint = exact
    ? BigInt(start) + BigInt(step)
    : Number(start) + Number(step);
  const kind = dt.kind;
  if (kind === "b" && n > 2) {
    throw new TypeError(
      `Cannot ${call} ${n} bool values: arange() is only supported for booleans when the result has at most length 2`,
    );
  }
  const native = dt.toNative();
  const out = emptyArray([n], native);
  if (n > 0) {
    const integral = kind === "i" || kind === "u";
    const b0 = toDomainScalar(native, integral ? start : Number(start));
    const b1 = n > 1
      ? toDomainScalar(native, integral ? second2 : Number(second2))
      : b0;
    fillRange(out, n, b0, b1);
  }
  return dt.isNative ? out : out.astype(dt);
}

/** Fills `out` (native, C-contiguous, length `n` > 0) with NumPy's arange values from its first two. */
function fillRange(
  out: NDArray,
  n: number,
  b0: number | bigint | [number, number],
  b1: number | bigint | [number, number],
): void {
  const dt = out.dtype;
  const data = out.data;
  if (typeof b0 === "bigint") {
    fillInt64(
      data as BigInt64Array,
      n,
      b0,
      b1 as bigint,
      dt.kind === "i",
    );
    return;
  }
  if (dt.kind === "c") {
    // Real parts only (the imaginary parts stay 0), in the parts' precision.
    const ta = data as Float64Array;
    ta[0] = (b0 as [number, number])[0];
    if (n > 1) ta[2] = (b1 as [number, number])[0];
    const f = dt.itemsize === 8 ? Math.fround : (x: number) => x;
    const r0 = ta[0], d = f(ta[2] - r0);
    for (let i = 2; i < n; i++) ta[2 * i] = f(r0 + f(f(i) * d));
    return;
  }
  const ta = data as Float64Array;
  const s = b0 as number, e = b1 as number;
  ta[0] = s;
  if (n > 1) ta[1] = e;
  if (dt.kind === "f") {
    if (dt.itemsize === 8) {
      const d = e - s;
      for (let i = 2; i < n; i++) ta[i] = s + i * d;
    } else {
      // float32 arithmetic (float16 computes in float32, as NumPy's fill).
      const f = Math.fround;
      const d = f(ta[1] - ta[0]);
      const s32 = ta[0];
      for (let i = 2; i < n; i++) ta[i] = f(s32 + f(f(i) * d));
    }
    return;
  }
  // Integers of up to 32 bits: the typed array wraps modulo its width.
  const d = e - s;
  for (let i = 2; i < n; i++) ta[i] = s + Math.imul(i, d);
}

/**
 * `num` evenly spaced samples from `start` to `stop` (NumPy
 * `np.linspace`), computed as NumPy does: `i * step + start` with `step =
 * (stop - start) / div` (`div` is `num - 1` with the endpoint, else
 * `num`), the last sample set to `stop` exactly when the endpoint is
 * included; integer types take the floor of the float64 samples.
 *
 * @param start The first sample.
 * @param stop The last sample (or the end, without the endpoint).
 * @param num How many samples; default 50.
 * @param options `endpoint` (default true) and `dtype` (default float64).
 * @returns A 1-D array.
 * @throws {TypeError} If an argument has the wrong type or the type is not understood.
 * @throws {RangeError} If `num` is negative or too large.
 *
 * @example Five samples
 * ```ts
 * import { linspace } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
 * assert.deepEqual(linspace(0, 1, 4, { endpoint: false }).toArray(), [0, 0.25, 0.5, 0.75]);
 * assert.deepEqual(linspace(-2.5, 3, 5, { dtype: "int32" }).toArray(), [-3, -2, 0, 1, 3]);
 * ```
 */
export function linspace<const D extends DTypeLike>(
  start: number | bigint,
  stop: number | bigint,
  num: number | undefined,
  options: LinspaceOptions<D> & { dtype: D },
): NDArray<NameOf<D>>;
/**
 * Float64 samples.
 *
 * @param start The first sample.
 * @param stop The last sample.
 * @param num How many; default 50.
 * @param options `endpoint`.
 * @returns The array.
 */
export function linspace(
  start: number | bigint,
  stop: number | bigint,
  num?: number,
  options?: LinspaceOptions,
): NDArray<"float64">;
export function linspace(
  start: number | bigint,
  stop: number | bigint,
  num: number = 50,
  options?: LinspaceOptions,
): NDArray {
  const call = "linspace";
  const a = Number(toReal(start, call, "start"));
  const b = Number(toReal(stop, call, "stop"));
  const n = toSize(num, call, "num");
  const o = toOptions(options, call);
  const endpointOption = o.endpoint, dtypeOption = o.dtype;
  const endpoint = toBoolean(endpointOption, true, call, "endpoint");
  const dt = dtypeOption === undefined ? undefined : toDType(dtypeOption);
  const out = emptyArray([n], nativeDType("float64"));
  const y = out.data as Float64Array;
  const div = endpoint ? n - 1 : n;
  const delta = b - a;
  if (div > 0) {
    const step = delta / div;
    if (step === 0) {
      for (let i = 0; i < n; i++) y[i] = (i / div) * delta + a;
    } else for (let i = 0; i < n; i++) y[i] = i * step + a;
  } else for (let i = 0; i < n; i++) y[i] = i * delta + a;
  if (endpoint && n > 1) y[n - 1] = b;
  if (dt === undefined || (dt.name === "float64" && dt.isNative)) return out;
  if (dt.kind === "i" || dt.kind === "u") {
    for (let i = 0; i < n; i++) y[i] = Math.floor(y[i]);
  }
  return out.astype(dt);
}

/** The arrays given to concatenate/stack, converted (lists as `array()` does). */
function toArrays(arrays: unknown, call: string): NDArray[] {
  if (!isArray(arrays)) {
    throw new TypeError(
      `Cannot ${call} ${describe(arrays)}: expected a list of arrays`,
    );
  }
  const n = toSize(arrays.length, call, "number of arrays");
  if (n === 0) {
    throw new RangeError(`Cannot ${call} no arrays: need at least one array`);
  }
  const out: NDArray[] = [];
  for (let i = 0; i < n; i++) {
    const x = arrays[i];
    out.push(isArrayObject(x) ? x : fromData(x, undefined, false));
  }
  for (const a of out) if (a.closed) a.toArray(); // throws BadResource
  return out;
}

/**
 * NumPy's result type of several arrays, in native byte order: the first
 * type of NumPy's order that every one casts to safely (uint16, int16 and
 * float16 give float32, where promoting two at a time would give float64).
 */
function commonType(arrays: readonly NDArray[], call: string): DType {
  const t = commonDType(arrays.map((a) => a.dtype));
  // NumPy joins with casting="same_kind": a timedelta does not become a datetime.
  const bad = isItemType(t)
    ? arrays.find((a) => !itemCastSameKind(a.dtype, t))
    : undefined;
  if (bad !== undefined) {
    throw new TypeError(
      `Cannot ${call} an array of ${bad.dtype.name} with arrays of ${t.name}: NumPy casts the arrays to their common type only under the same_kind rule`,
    );
  }
  return t;
}

/** A view of `out` at `offset` with some of its axes. */
function part(
  out: NDArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): NDArray {
  return new NDArray(out.storage, out.dtype, shape, strides, offset);
}

/**
 * Joins arrays along an existing axis (NumPy `np.concatenate`); with
 * `axis` null the arrays are flattened first. The result has NumPy's
 * common type of the arrays (int8 with uint8 gives int16), in native byte
 * order.
 *
 * @param arrays The arrays (or JavaScript data, converted as {@linkcode array} does).
 * @param axis The axis to join along; default 0; null to flatten.
 * @returns A new in-memory array.
 * @throws {TypeError} If `arrays` is not a list, an element does not convert, or the axis is not an integer.
 * @throws {RangeError} If there are no arrays, an array is 0-d, the numbers
 * of dimensions differ, the other lengths differ, or the axis is out of range.
 * @throws {Deno.errors.BadResource} If a memory map is closed.
 *
 * @example Rows and columns
 * ```ts
 * import { array, concatenate } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = array([[1, 2]]), b = array([[3, 4]]);
 * assert.deepEqual(concatenate([a, b]).toArray(), [[1, 2], [3, 4]]);
 * assert.deepEqual(concatenate([a, b], 1).toArray(), [[1, 2, 3, 4]]);
 * ```
 */
export function concatenate<N extends DTypeName>(
  arrays: readonly NDArray<N>[],
  axis?: number | null,
): NDArray<CommonDType<N>>;
/**
 * Arrays and JavaScript data.
 *
 * @param arrays The arrays or data.
 * @param axis The axis.
 * @returns The array.
 */
export function concatenate(
  arrays: readonly ArrayInput[],
  axis?: number | null,
): NDArray;
export function concatenate(
  arrays: readonly ArrayInput[],
  axis: number | null = 0,
): NDArray {
  const call = "concatenate";
  const flat = axis === null;
  let list = toArrays(arrays, call);
  if (flat) list = list.map((a) => a.reshape(a.size));
  const first = list[0];
  if (first.ndim === 0) {
    throw new RangeError(
      `Cannot ${call} 0-d arrays: zero-dimensional arrays cannot be concatenated`,
    );
  }
  const ax = flat ? 0 : normalizeAxis(axis, first.ndim, call);
  const shape = first.shape.slice();
  shape[ax] = 0;
  list.forEach((a, i) => {
    if (a.ndim !== first.ndim) {
      throw new RangeError(
        `Cannot ${call} arrays of ${first.ndim} and ${a.ndim} dimensions (array ${i}): all the arrays must have the same number of dimensions`,
      );
    }
    for (let k = 0; k < a.ndim; k++) {
      if (k !== ax && a.shape[k] !== first.shape[k]) {
        throw new RangeError(
          `Cannot ${call} arrays of shapes ${formatShape(first.shape)} and ${
            formatShape(a.shape)
          } (array ${i}) along axis ${ax}: the lengths of axis ${k} differ`,
        );
      }
    }
    shape[ax] += a.shape[ax];
  });
  const out = emptyArray(shape, commonType(list, call));
  let offset = 0;
  for (const a of list) {
    const dims = shape.slice();
    dims[ax] = a.shape[ax];
    castInto(part(out, dims, out.strides, offset), a);
    offset += a.shape[ax] * out.strides[ax];
  }
  return out;
}

/**
 * Joins arrays of one shape along a new axis (NumPy `np.stack`), with
 * NumPy's common type of the arrays.
 *
 * @param arrays The arrays (or JavaScript data, converted as {@linkcode array} does).
 * @param axis Where the new axis goes in the result; default 0 (negative counts from the end).
 * @returns A new in-memory array.
 * @throws {TypeError} If `arrays` is not a list, an element does not convert, or the axis is not an integer.
 * @throws {RangeError} If there are no arrays, the shapes differ, or the axis is out of range.
 * @throws {Deno.errors.BadResource} If a memory map is closed.
 *
 * @example Stack rows and columns
 * ```ts
 * import { array, stack } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = array([1, 2]), b = array([3, 4]);
 * assert.deepEqual(stack([a, b]).toArray(), [[1, 2], [3, 4]]);
 * assert.deepEqual(stack([a, b], -1).toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export function stack<N extends DTypeName>(
  arrays: readonly NDArray<N>[],
  axis?: number,
): NDArray<CommonDType<N>>;
/**
 * Arrays and JavaScript data.
 *
 * @param arrays The arrays or data.
 * @param axis The axis.
 * @returns The array.
 */
export function stack(arrays: readonly ArrayInput[], axis?: number): NDArray;
export function stack(arrays: readonly ArrayInput[], axis = 0): NDArray {
  const call = "stack";
  const list = toArrays(arrays, call);
  const first = list[0];
  const ax = normalizeAxis(axis, first.ndim + 1, call);
  list.forEach((a, i) => {
    if (
      a.ndim !== first.ndim || a.shape.some((n, k) => n !== first.shape[k])
    ) {
      throw new RangeError(
        `Cannot ${call} arrays of shapes ${formatShape(first.shape)} and ${
          formatShape(a.shape)
        } (array ${i}): all the arrays must have the same shape`,
      );
    }
  });
  const shape = first.shape.slice();
  shape.splice(ax, 0, list.length);
  const out = emptyArray(shape, commonType(list, call));
  const strides = out.strides.filter((_, k) => k !== ax);
  list.forEach((a, i) => {
    castInto(part(out, a.shape, strides, i * out.strides[ax]), a);
  });
  return out;
}

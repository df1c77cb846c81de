/**
 * `NDArray`: NumPy's strided n-dimensional array over a byte storage (an
 * in-memory buffer or a memory map).
 *
 * @module
 */

import { guardReceivers, throwReceiver } from "../_receivers.ts";
import { cloneRefusal, refuseJSON } from "../_clone.ts";
import {
  DType,
  dtype as toDType,
  type DTypeLike,
  type DTypeName,
  nativeDType,
} from "./dtype.ts";
import {
  dataViewOf,
  type DomainBuffer,
  getNumber,
  newDomainBuffer,
  readRun,
  type RunIO,
  setNumber,
  type TypedArray,
  typedView,
  unitOf,
  writeRun,
} from "./element.ts";
import { walk } from "./iterate.ts";
import {
  compress as compressElements,
  type IndexOptions,
  nonzero as nonzeroIndices,
  put as putElements,
  putmask as putmaskElements,
  take as takeElements,
} from "./indexing.ts";
import { argsort as argsortElements, sort as sortElements } from "./sort.ts";
import { dot as dotArrays, matmul as matmulArrays } from "./linalg.ts";
import {
  expandDims as expandView,
  squeeze as squeezeView,
  swapaxes as swapView,
} from "./axes.ts";
import {
  type Complex,
  complexParts,
  type Element,
  flatten,
  isComplex,
} from "./nested.ts";
import {
  checkDims,
  checkSpan,
  describe,
  isArray,
  isResizableBuffer,
  isRevoked,
  MAX_SAFE,
  resizable,
  toInt,
  toShape,
  typedArrayTag,
} from "../_args.ts";
import { isFlexible, readerOf, toDateCount, writeItem } from "./items.ts";
import {
  assignItems,
  fieldOf,
  isItemValue,
  itemsFromData,
  itemsToArray,
  itemsToTypedArray,
  looksLikeItems,
  wantsItems,
} from "./item_arrays.ts";
import type {
  AbsOf,
  ArithmeticResult,
  ClipResult,
  DivResult,
  ElementOf,
  FieldNameOf,
  FloatOf,
  FloatResult,
  InputOf,
  MeanDTypeOf,
  MeanOf,
  NameOf,
  NoBoolOf,
  RoundOf,
  SumDTypeOf,
  SumOf,
  TypedArrayOf,
  VarDTypeOf,
} from "./types.ts";
import { checkIntFits, type Scalar } from "./promotion.ts";
import type { Axis, ReduceOptions, VarianceOptions } from "./reduce_axes.ts";
import {
  reduceArray,
  type ReductionArgs,
  reductionArgs,
  type ReductionName,
} from "./reductions.ts";
import { argArgs, argReduce } from "./arg_reduce.ts";
import { variance, varianceArgs } from "./variance.ts";
import { cumulate, cumulativeAxis } from "./cumulative.ts";
import { callUfunc, type UfuncOptions } from "./ufunc/call.ts";
import { castCopy, castInto } from "./ufunc/engine.ts";
import { emptyLike, inKOrder } from "./ufunc/layout.ts";
import { clipArray, roundArray } from "./ufunc/compose.ts";
import * as ufuncs from "./ufunc/rows.ts";
import {
  contiguousStrides,
  formatShape,
  type Index,
  isCContiguous,
  normalizeAxis,
  normalizeShape,
  type ParsedIndex,
  parseIndex,
  reshapeStrides,
  resolveSlice,
  shapeSize,
} from "./shape.ts";
import {
  adoptStorage,
  type ArrayStorage,
  isDetached,
  isLibraryStorage,
  memoryStorage,
  operandOf,
  pendingLength,
  prepareWhole,
  throwClosed,
  throwReadOnly,
  viewMakerOf,
} from "./storage.ts";
import { allocate } from "./alloc.ts";
import { buildNested, nestedArraysRefusal } from "./js_arrays.ts";

export type {
  Complex,
  Element,
  Index,
  IndexOptions,
  Scalar,
  TypedArray,
  UfuncOptions,
};

/** Values `assign()` and arithmetic accept: a scalar, JavaScript data (flat, nested or typed) or an array. */
export type ArrayInput =
  | Scalar
  | Complex
  | ArrayLike<Scalar | Complex>
  | readonly unknown[]
  | NDArray;

/** Elements a 1-D iteration reads between asks for their pages. */
const ITERATION_RUN = 1 << 16;
/**
 * Access modes of a fast element path; ITEMS: read and written by items.ts;
 * PENDING: the storage's bytes are not made yet (a memmap's memory, made on
 * first use: `LazyBytes` in storage.ts), the mode is chosen once they are.
 */
const PLAIN = 0, BOOL = 1, COMPLEX = 2, SLOW = 3, ITEMS = 4, PENDING = 5;

let ioOf: (a: NDArray) => RunIO;
/**
 * Set just before the library itself constructs a view whose shape and
 * strides come from a checked array; the constructor clears it at once.
 */
let trusted = false;
/** An instance, in the messages for a receiver that is not one. */
const AN_NDARRAY = "an NDArray";
let isNDArray: (x: unknown) => x is NDArray;

/**
 * The library's own subclasses of NDArray (`Memmap`): the only ones that
 * may be constructed. A subclass of the user's could override what the
 * walks trust (`storage`, where the elements are) and would not be frozen.
 */
const LIBRARY_CLASSES = new Set<unknown>();

/**
 * Lets the library's own subclass `c` of NDArray be constructed (internal).
 *
 * @param c The class.
 */
export function allowArrayClass(c: unknown): void {
  LIBRARY_CLASSES.add(c);
}

/** What posting or cloning an array fails with (see cloneRefusal). */
const NOT_CLONEABLE = cloneRefusal(
  "Cannot post an NDArray to a Worker (post a memmap's describe() and memmap() that there, or toTypedArray()): this NDArray",
);

/**
 * A strided n-dimensional array with NumPy's semantics, viewing the bytes of
 * an in-memory buffer or of a memory map (see {@linkcode Memmap}).
 *
 * Element `[i, j, ...]` lives at byte `byteOffset + i * strides[0] + j *
 * strides[1] + ...` of the storage. Slices, reshapes and transposes are
 * views sharing the storage; arithmetic results, `copy()` and
 * `toTypedArray()` are new in-memory arrays.
 *
 * Arrays of a closed memory map throw `Deno.errors.BadResource` from every
 * method; arrays of a read-only map (`mode: "r"`) throw `TypeError` on writes.
 *
 * @example Create, slice and reduce
 * ```ts
 * import { array } from "@seed/mmap";
 * import assert from "node:assert/strict";
 * const a = array([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(a.shape, [2, 3]);
 * assert.deepEqual(a.slice(":", "::-1").toArray(), [[3, 2, 1], [6, 5, 4]]);
 * assert.equal(a.sum(), 21);
 * assert.deepEqual((a.sum(0) as typeof a).toArray(), [5, 7, 9]);
 * ```
 */
export class NDArray<N extends DTypeName = DTypeName>
  implements Iterable<ElementOf<N> | NDArray<N>> {
  /** The element type. */
  declare readonly dtype: DType<N>;
  /** Length of each axis. */
  declare readonly shape: readonly number[];
  /** Byte step of each axis, as NumPy's `strides` (may be negative or 0). */
  declare readonly strides: readonly number[];
  /** Number of axes. */
  declare readonly ndim: number;
  /** Number of elements. */
  declare readonly size: number;
  /** Bytes of element data (`size * itemsize`). */
  declare readonly nbytes: number;
  /** Bytes per element. */
  declare readonly itemsize: number;
  /** Byte offset of element `[0, 0, ...]` within `storage.bytes`. */
  declare readonly byteOffset: number;
  /**
   * The storage the array views (shared by all its views): the library's
   * own frozen object (a given storage is read once, when the array is
   * made; see {@linkcode ArrayStorage}). Not assignable.
   */
  get storage(): ArrayStorage {
    return this.#storage;
  }

  #storage: ArrayStorage;

  #ta!: TypedArray | null;
  #mode!: number;
  #base!: number;
  #es!: number[];
  #numeric: boolean;
  #readOnly: boolean;
  #floatFast!: boolean;

  static {
    ioOf = (a: NDArray): RunIO => {
      if (a.#mode === PENDING) a.#settle();
      return { dtype: a.dtype, bytes: a.storage.bytes, ta: a.#ta };
    };
    isNDArray = (x: unknown): x is NDArray =>
      typeof x === "object" && x !== null && #mode in x;
  }

  /**
   * Creates an array viewing `storage`. Low-level: most code uses
   * {@linkcode array} or {@linkcode memmap}. A storage the library did not
   * make is read once: the array's `storage` is a frozen copy of it, its
   * hooks guarded (see {@linkcode ArrayStorage}).
   *
   * @param storage The bytes to view.
   * @param dtype The element type.
   * @param shape Length of each axis.
   * @param strides Byte step of each axis; default C-contiguous.
   * @param byteOffset Byte offset of element `[0, 0, ...]`; default 0.
   * @throws {TypeError} If the storage is not `{ bytes: Uint8Array }` (its
   * hooks functions, its `label` a string, its `releaseThreshold` a number),
   * or the shape, strides or offset are not integers.
   * @throws {RangeError} If an element would lie outside the storage (or,
   * for an array of no elements over a given storage, the offset past its
   * end or negative), or the
   * shape has more than 64 dimensions or spans more than 2**53 - 1 bytes.
   * @throws {Deno.errors.BadResource} If the storage is closed.
   *
   * @example View bytes as float64
   * ```ts
   * import { dtype, NDArray } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const bytes = new Uint8Array(new Float64Array([1.5, 2.5]).buffer);
   * const a = new NDArray({ bytes, readOnly: false }, dtype("f8"), [2]);
   * assert.equal(a.get(1), 2.5);
   * ```
   */
  constructor(
    storage: ArrayStorage,
    dtype: DTypeLike,
    shape: readonly number[],
    strides?: readonly number[],
    byteOffset = 0,
  ) {
    // Views made inside the library come with checked dimensions and strides.
    const checked = trusted;
    trusted = false;
    if (new.target !== NDArray && !LIBRARY_CLASSES.has(new.target)) {
      throw new TypeError(
        "Cannot construct a subclass of NDArray: the library's walks trust an array's storage and layout, which a subclass could change; wrap an array instead",
      );
    }
    // First own property: structuredClone/postMessage stop at it, before
    // they would copy the storage (see NOT_CLONEABLE).
    (this as { notCloneable?: object }).notCloneable = NOT_CLONEABLE;
    const call = "create an array";
    let dt = toDType(dtype) as DType<N>;
    let dims = checked ? shape.slice() : toShape(shape, call, dt.itemsize);
    let st = strides === undefined
      ? contiguousStrides(dims, dt.itemsize)
      : checked
      ? strides.slice()
      : toStrides(strides, dims);
    if (!checked) byteOffset = toInt(byteOffset, call, "byteOffset");
    if (
      !checked && (typeof storage !== "object" || storage === null ||
        isRevoked(storage) ||
        // (The library's own storage has them, maybe not made yet.)
        (!isLibraryStorage(storage) &&
          typedArrayTag(storage.bytes) !== "Uint8Array"))
    ) {
      throw new TypeError(
        `Cannot create an array over storage ${
          describe(storage)
        }: storage must be an object with bytes, a Uint8Array`,
      );
    }
    // The library's own frozen storage: a copy of a given one (read once),
    // so that neither the flag, the bytes nor the hooks can change later.
    // A given storage (not the library's, whose views of no elements may
    // lie anywhere, as NumPy's views): its offset is checked even when no
    // element is reached (attack13 C8).
    const given = !checked && !isLibraryStorage(storage);
    // The library's own memory with no strides given is a new array (a
    // result, a copy, zeros): one of no elements has all strides 0, as
    // NumPy 2.4 allocates it; over a given storage, a loaded file or a
    // buffer the strides are contiguousStrides' (attack13 C1).
    const fresh = strides === undefined && !given && isLibraryStorage(storage);
    storage = adoptStorage(storage, call);
    if (isDetached(storage)) throwClosed(storage);
    // Bytes made on first use are not made to make the array (a memmap
    // opened and never read makes no memory: see LazyBytes in storage.ts).
    const pending = pendingLength(storage);
    const length = pending ?? storage.bytes.length;
    if (
      !checked && pending === undefined &&
      isResizableBuffer(storage.bytes.buffer)
    ) {
      throw resizable("create an array", "storage");
    }
    if (dt.subdtype !== null) {
      // As NumPy: an array of a subarray type has the subarray's axes.
      const sub = dt.subdtype;
      dims = [...dims, ...sub.shape];
      checkDims(dims.length, call);
      // A subarray of no elements adds no byte to reach, whatever the outer
      // shape (NumPy views a (2**52, 0) field of a 0-byte array): checkSpan
      // bounds it by NumPy's limit only.
      checkSpan(dims, sub.base.itemsize, call);
      st = [...st, ...contiguousStrides(sub.shape, sub.base.itemsize)];
      dt = sub.base as DType<N>;
    }
    // Every view is made here: a stride computed as -1 * 0 (a reversed
    // axis of 0-byte items) or an offset as 0 + -0 is 0, as NumPy's.
    for (let k = 0; k < st.length; k++) st[k] += 0;
    byteOffset += 0;
    const size = shapeSize(dims);
    if (fresh && size === 0) st.fill(0);
    if (size > 0) {
      let lo = byteOffset, hi = byteOffset;
      for (let k = 0; k < dims.length; k++) {
        const span = (dims[k] - 1) * st[k];
        if (span < 0) lo += span;
        else hi += span;
      }
      if (
        lo < 0 || hi + dt.itemsize > length ||
        !Number.isSafeInteger(byteOffset)
      ) {
        throw new RangeError(
          `Cannot view bytes ${lo}..${
            hi + dt.itemsize
          } of a ${length}-byte storage`,
        );
      }
    } else if (given && !(byteOffset >= 0 && byteOffset <= length)) {
      // No element to reach, but the offset still lies in the given storage
      // (or at its end), as NumPy's ndarray(buffer=, offset=) checks it.
      throw new RangeError(
        `Cannot view bytes from offset ${byteOffset} of a ${length}-byte storage: the offset must be within 0..${length}`,
      );
    }
    // A getter without setter: write paths and walks trust `storage`
    // (read-only flag, guarded hooks).
    this.#storage = storage;
    this.dtype = dt;
    this.shape = Object.freeze(dims);
    this.strides = Object.freeze(st);
    this.ndim = dims.length;
    this.size = size;
    this.itemsize = dt.itemsize;
    this.nbytes = size * dt.itemsize;
    this.byteOffset = byteOffset;
    this.#readOnly = storage.readOnly;
    // The public fields are what every walk trusts (where the elements
    // are, how many, of what type): an NDArray cannot be changed after it
    // is made (Memmap freezes itself once its own fields are set).
    if (new.target === NDArray) Object.freeze(this);
    if (isFlexible(dt)) {
      this.#numeric = false;
      this.#ta = null;
      this.#base = byteOffset;
      this.#es = st;
      this.#mode = ITEMS;
      this.#floatFast = false;
      return;
    }
    this.#numeric = dt.kind !== "c" && !(dt.itemsize === 8 && dt.kind !== "f");
    if (pending !== undefined) {
      this.#ta = null;
      this.#base = byteOffset;
      this.#es = st;
      this.#mode = PENDING;
      this.#floatFast = false;
      return;
    }
    this.#layout(storage.bytes);
  }

  /** Chooses the element path and the typed view over `bytes` (the storage's). */
  #layout(bytes: Uint8Array): void {
    const dt = this.dtype, st = this.strides, byteOffset = this.byteOffset;
    const u = unitOf(dt);
    const abs = bytes.byteOffset + byteOffset;
    const fast = dt.isNative && abs % u === 0 && st.every((s) => s % u === 0);
    if (fast) {
      this.#ta = typedView(bytes.buffer, dt);
      this.#base = abs / u;
      this.#es = st.map((s) => s / u);
      this.#mode = dt.kind === "b" ? BOOL : dt.kind === "c" ? COMPLEX : PLAIN;
      this.#floatFast = dt.kind === "f";
    } else {
      this.#ta = null;
      this.#base = byteOffset;
      this.#es = st as number[];
      this.#mode = SLOW;
      this.#floatFast = false;
    }
  }

  /**
   * Makes the storage's bytes (a memmap's memory, on first use) and
   * chooses the element path, unless the storage was closed (the mode
   * stays PENDING, whose paths throw `BadResource`).
   */
  #settle(): void {
    if (this.#mode !== PENDING || isDetached(this.#storage)) return;
    const bytes = this.#storage.bytes;
    if ((bytes.buffer as ArrayBuffer).detached !== true) this.#layout(bytes);
  }

  /**
   * Whether the array's storage is gone: its memory map was closed (every
   * view of it then throws `Deno.errors.BadResource`). In-memory arrays are
   * never closed.
   *
   * @example A view of a closed memmap
   * ```ts
   * import { memmap } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const dir = Deno.makeTempDirSync();
   * const fp = memmap(`${dir}/a.bin`, { mode: "w+", shape: [4] });
   * const head = fp.slice(":2");
   * assert.equal(head.closed, false);
   * fp.close();
   * assert.equal(head.closed, true);
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  get closed(): boolean {
    return isDetached(this.storage);
  }

  /** Throws if the storage was closed. */
  #open(): void {
    if (isDetached(this.storage)) throwClosed(this.storage);
  }

  /** Throws if the storage was closed or is read-only. */
  #writable(): void {
    if (isDetached(this.storage)) throwClosed(this.storage);
    if (this.storage.readOnly) throwReadOnly(this.storage);
  }

  #position(index: ArrayLike<number>, count: number): number {
    const nd = this.ndim;
    if (count !== nd) {
      throw new TypeError(
        count < 0
          ? `Cannot set an element without a value: give ${nd} indices, then the value`
          : `Cannot index an array of ${nd} dimensions with ${count} indices`,
      );
    }
    const shape = this.shape;
    const es = this.#es;
    let p = this.#base;
    for (let k = 0; k < nd; k++) {
      let i: unknown = index[k];
      const n = shape[k];
      // Numbers only from here on: comparing an object would run its code.
      if (typeof i !== "number") i = toInt(i, "index", "index");
      let j = i as number;
      if (j < 0) j += n;
      if (!(j >= 0 && j < n) || !Number.isInteger(j)) {
        this.#indexError(k, i);
      }
      p += j * es[k];
    }
    return p;
  }

  #indexError(axis: number, i: unknown): never {
    const index = toInt(i, "index", "index");
    const n = this.shape[axis];
    throw new RangeError(
      `Cannot get index ${index} of axis ${axis}: index must be within ${-n}..${
        n - 1
      }`,
    );
  }

  /**
   * Reads one element (NumPy `a[i, j]`); negative indices count from the end.
   *
   * @param index One integer per axis.
   * @returns A number; a bigint for int64/uint64 and datetime64/timedelta64
   * (a count of the unit; NaT is the smallest int64); a boolean for bool;
   * `{ re, im }` for complex; a `Uint8Array` for bytes (`S`, trailing NULs
   * stripped) and raw bytes (`V`); a string for text (`U`, trailing NULs
   * stripped); a plain object in field order for a record.
   * @throws {TypeError} If the number of indices differs from `ndim`.
   * @throws {RangeError} If an index is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Read elements
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]]);
   * assert.equal(a.get(1, 0), 3);
   * assert.equal(a.get(-1, -1), 4);
   * ```
   */
  get(...index: number[]): ElementOf<N> {
    let p: number;
    try {
      if (this.#mode === PENDING) this.#settle();
      p = this.#position(index, index.length);
    } catch (error) {
      // The receiver is checked here, once the first use of its private
      // fields has failed, and not by the prototype's guard (see the end of
      // the file): a loop of get() costs no more for it.
      if (!isNDArray(this)) throwReceiver("NDArray", "call", "get", AN_NDARRAY);
      throw error;
    }
    const mode = this.#mode;
    if (mode === PLAIN) {
      const v = this.#ta![p];
      if (v === undefined) throwClosed(this.storage);
      return v as ElementOf<N>;
    }
    if (mode === BOOL) {
      const v = this.#ta![p];
      if (v === undefined) throwClosed(this.storage);
      return (v !== 0) as ElementOf<N>;
    }
    if (mode === COMPLEX) {
      const ta = this.#ta as Float64Array;
      const re = ta[p];
      if (re === undefined) throwClosed(this.storage);
      return { re, im: ta[p + 1] } as ElementOf<N>;
    }
    this.#open();
    const dt = this.dtype;
    if (mode === ITEMS) {
      const bytes = this.storage.bytes;
      return readerOf(dt)(bytes, dataViewOf(bytes), p) as ElementOf<N>;
    }
    if (this.#numeric) {
      const v = getNumber(dataViewOf(this.storage.bytes), p, dt);
      return (dt.kind === "b" ? v !== 0 : v) as ElementOf<N>;
    }
    const buf = newDomainBuffer(dt, 1);
    readRun(ioOf(this), p, 0, 1, buf, dt, 0);
    return domainToElement(dt, buf, 0) as ElementOf<N>;
  }

  /**
   * Writes one element (NumPy `a[i, j] = v`): the indices, then the value.
   * Floats written to integer types are truncated; integers must fit.
   * Bytes take a `Uint8Array` or ASCII string, text a string (both
   * truncated to the item size, as NumPy); datetime64 a bigint count, a
   * `Date`, an ISO 8601 string or `null` (NaT); a record a plain object of
   * its fields or a tuple-like array. A value that does not convert leaves
   * the element unchanged.
   *
   * @param indexThenValue One integer per axis, then the value.
   * @throws {TypeError} If the array is read-only, or the value has the wrong type.
   * @throws {RangeError} If an index is out of range or an integer does not fit the type.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Write an element
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[0, 0], [0, 0]]);
   * a.set(-1, 0, 7);
   * assert.deepEqual(a.toArray(), [[0, 0], [7, 0]]);
   * ```
   */
  set(...indexThenValue: [...number[], InputOf<N>]): void {
    const n = indexThenValue.length - 1;
    const value = indexThenValue[n];
    let p: number;
    try {
      if (this.#mode === PENDING) this.#settle();
      p = this.#position(indexThenValue as number[], n);
    } catch (error) {
      if (!isNDArray(this)) throwReceiver("NDArray", "call", "set", AN_NDARRAY);
      throw error;
    }
    const mode = this.#mode;
    if (this.#floatFast && typeof value === "number") {
      if (this.#readOnly) throwReadOnly(this.storage);
      const ta = this.#ta as Float64Array;
      if (p >= ta.length) throwClosed(this.storage);
      ta[p] = value;
      return;
    }
    if (mode === ITEMS) {
      // Converted in a scratch element first, then the state is checked.
      writeItem(this.storage.bytes, p, this.dtype, value, () => {
        if (this.#readOnly) throwReadOnly(this.storage);
        this.#open();
      });
      return;
    }
    // The value is converted (and its getters, if any, run) before the
    // state is checked.
    const v = toDomainScalar(this.dtype, value);
    if (this.#readOnly) throwReadOnly(this.storage);
    if (mode === SLOW) {
      this.#open();
      if (this.#numeric) {
        setNumber(dataViewOf(this.storage.bytes), p, this.dtype, v as number);
        return;
      }
      const buf = newDomainBuffer(this.dtype, 1);
      setDomain(buf, 0, v);
      writeRun(ioOf(this), p, 0, 1, buf, 0);
      return;
    }
    const ta = this.#ta;
    // (PENDING still: closed before its bytes were made.)
    if (ta === null || p >= ta.length) throwClosed(this.storage);
    if (mode === COMPLEX) {
      const c = v as [number, number];
      ta[p] = c[0];
      ta[p + 1] = c[1];
    } else (ta as Float64Array)[p] = v as number;
  }

  /**
   * Returns a view selected by NumPy basic indexing: per axis an integer
   * (drops the axis), a `"start:stop:step"` string (negative values and
   * steps as in Python), `":"` or `null` (whole axis), or one `"..."` for as
   * many whole axes as needed. Missing trailing indices select whole axes.
   *
   * @param index The indices.
   * @returns A view sharing the storage.
   * @throws {TypeError} If an index cannot be parsed or the step is 0.
   * @throws {RangeError} If an integer index is out of range or there are too many indices.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Slice rows, columns and steps
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
   * assert.deepEqual(a.slice(1).toArray(), [4, 5, 6]);
   * assert.deepEqual(a.slice("1:", 2).toArray(), [6, 9]);
   * assert.deepEqual(a.slice("...", "::-2").toArray(), [[3, 1], [6, 4], [9, 7]]);
   * a.slice(0).fill(0);
   * assert.equal(a.get(0, 1), 0);
   * ```
   */
  slice(...index: Index[]): NDArray<N> {
    const parsed: ParsedIndex[] = index.map(parseIndex);
    this.#open();
    const ellipses = parsed.filter((p) => p.kind === "ellipsis").length;
    if (ellipses > 1) {
      throw new TypeError(`Cannot index with more than one "..."`);
    }
    const used = parsed.length - ellipses;
    if (used > this.ndim) {
      throw new RangeError(
        `Cannot index an array of ${this.ndim} dimensions with ${used} indices`,
      );
    }
    const full: ParsedIndex = {
      kind: "slice",
      spec: { start: null, stop: null, step: null },
    };
    const expanded: ParsedIndex[] = [];
    for (const p of parsed) {
      if (p.kind === "ellipsis") {
        for (let k = 0; k < this.ndim - used; k++) expanded.push(full);
      } else expanded.push(p);
    }
    while (expanded.length < this.ndim) expanded.push(full);
    const shape: number[] = [];
    const strides: number[] = [];
    let offset = this.byteOffset;
    for (let k = 0; k < this.ndim; k++) {
      const p = expanded[k];
      const n = this.shape[k];
      const s = this.strides[k];
      if (p.kind === "int") {
        let i = p.index;
        if (i < 0) i += n;
        if (i < 0 || i >= n) this.#indexError(k, p.index);

        offset += i * s;
      } else if (p.kind === "slice") {
        const r = resolveSlice(p.spec, n);
        if (r.length > 0) offset += r.start * s;
        shape.push(r.length);
        // NumPy's stride; an axis of at most one element never steps, so a
        // huge slice step that would make it unsafe keeps the old one.
        // An empty slice steps +1, whatever its step, as NumPy's (attack13 C1).
        const stride = r.step * s;
        strides.push(
          r.length === 0
            ? s
            : r.length > 1 || Number.isSafeInteger(stride)
            ? stride
            : s,
        );
      }
    }
    return this.#view(shape, strides, offset);
  }

  #view(
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    dtype: DType = this.dtype,
  ): NDArray<N> {
    const make = viewMakerOf(this.storage);
    if (make !== undefined) {
      return make(dtype, shape, strides, offset) as NDArray<N>;
    }
    trusted = true;
    return new NDArray(this.storage, dtype, shape, strides, offset);
  }

  /**
   * The view `a[name]` of one field of a record array (NumPy's field
   * access): same shape and strides, the field's type, a subarray field's
   * shape appended. It shares the storage: writes through it change the
   * records (and reach the file of a memmap in mode `"r+"`). A title works
   * as well as the name.
   *
   * @param name The field's name or title.
   * @returns The view (a {@linkcode Memmap} for a memmap).
   * @throws {TypeError} If the array's type has no fields.
   * @throws {RangeError} If there is no such field.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Columns of a record array
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const points = array([{ id: 1, pos: [0, 1, 2] }, { id: 2, pos: [3, 4, 5] }], {
   *   dtype: [["id", "<u4"], ["pos", "<f8", [3]]],
   * });
   * assert.deepEqual(points.field("id").toArray(), [1, 2]);
   * assert.deepEqual(points.field("pos").shape, [2, 3]);
   * points.field("pos").slice(":", 0).fill(-1);
   * assert.deepEqual(points.get(1), { id: 2, pos: [-1, 4, 5] });
   * ```
   */
  field<const K extends string>(name: K): NDArray<FieldNameOf<N, K>> {
    this.#open();
    const f = fieldOf(this.dtype, name);
    return this.#view(
      this.shape,
      this.strides,
      this.byteOffset + f.offset,
      f.dtype,
    ) as unknown as NDArray<FieldNameOf<N, K>>;
  }

  /**
   * Gives the array a new shape with the same elements in C order: a view
   * when the strides allow it (as NumPy), otherwise a copy. One dimension
   * may be `-1` (inferred).
   *
   * @param shape The new shape, as numbers or one list.
   * @returns The reshaped array.
   * @throws {TypeError} If the sizes differ or more than one dimension is -1.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Reshape a range
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 2, 3, 4, 5, 6]);
   * assert.deepEqual(a.reshape(2, -1).toArray(), [[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(a.reshape([3, 2]).shape, [3, 2]);
   * ```
   */
  reshape(...shape: number[] | [readonly number[]]): NDArray<N> {
    const dims = reshapeDims(shape);
    this.#open();
    const unknown = dims.filter((d) => d === -1).length;
    const bad = () =>
      new TypeError(
        `Cannot reshape array of size ${this.size} into shape ${
          formatShape(dims)
        }`,
      );
    if (unknown > 1) throw bad();
    const known = dims.filter((d) => d !== -1);
    const rest = shapeSize(known);
    const out = dims.slice();
    if (unknown === 1) {
      if (rest === 0 || this.size % rest !== 0) throw bad();
      out[out.indexOf(-1)] = this.size / rest;
    }
    if (shapeSize(out) !== this.size) throw bad();
    // The array's own shape, given as it is (no -1), is the array as it is:
    // NumPy's reshape returns that view before computing strides (a new
    // array of no elements keeps its 0s; attack13 C1).
    if (
      unknown === 0 && dims.length === this.ndim &&
      dims.every((d, k) => d === this.shape[k])
    ) return this.#view(this.shape, this.strides, this.byteOffset);
    const st = reshapeStrides(this.shape, this.strides, out, this.itemsize);
    if (st !== null) return this.#view(out, st, this.byteOffset);
    return this.copy().reshape(out);
  }

  /**
   * Permutes the axes (reverses them by default): a view.
   *
   * @param axes A permutation of `0..ndim-1`; default reversed.
   * @returns The transposed view.
   * @throws {TypeError} If `axes` is not a permutation of the axes.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Transpose a matrix
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(a.transpose().toArray(), [[1, 4], [2, 5], [3, 6]]);
   * assert.deepEqual(a.T.strides, [8, 24]);
   * ```
   */
  transpose(...axes: number[]): NDArray<N> {
    const nd = this.ndim;
    checkDims(axes.length, "transpose");
    const perm = axes.length === 0
      ? [...Array(nd).keys()].reverse()
      : axes.map((a) => normalizeAxis(a, nd, "transpose"));
    this.#open();
    if (perm.length !== nd || new Set(perm).size !== nd) {
      throw new TypeError(
        `Cannot transpose with axes ${
          formatShape(axes)
        }: not a permutation of ${nd} axes`,
      );
    }
    return this.#view(
      perm.map((a) => this.shape[a]),
      perm.map((a) => this.strides[a]),
      this.byteOffset,
    );
  }

  /**
   * The transpose (axes reversed), as NumPy's `a.T`.
   *
   * @returns The transposed view.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Columns become rows
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([[1, 2]]).T.toArray(), [[1], [2]]);
   * ```
   */
  get T(): NDArray<N> {
    return this.transpose();
  }

  /**
   * The elements in C order as a new 1-D in-memory array (NumPy `flatten`:
   * always a copy).
   *
   * @returns The copy.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Flatten a transposed matrix
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([[1, 2], [3, 4]]).T.flatten().toArray(), [1, 3, 2, 4]);
   * ```
   */
  flatten(): NDArray<N> {
    return this.copy().reshape(this.size);
  }

  /**
   * The elements in C order as a 1-D array (NumPy `ravel`): a view of a
   * C-contiguous array (a memmap's view is a memmap), otherwise an in-memory
   * copy, as NumPy (a strided or reversed 1-D view is copied too; `reshape(-1)`
   * gives a view wherever the strides allow one).
   *
   * @returns The 1-D view or copy.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example A view of a contiguous array
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]]);
   * a.ravel().set(3, 9);
   * assert.equal(a.get(1, 1), 9);
   * ```
   */
  ravel(): NDArray<N> {
    // NumPy's ravel (order "C") is a view only of a C-contiguous array; a
    // strided 1-D view is copied too (attack8 F6), unlike reshape(-1).
    // reshape(-1), as NumPy's: not the array's own shape given as it is
    // (which a 1-D array keeps with its strides).
    if (isCContiguous(this.shape, this.strides, this.itemsize)) {
      return this.reshape(-1);
    }
    return this.copy().reshape(-1);
  }

  /**
   * Removes axes of length 1 (NumPy `squeeze`): all of them, or the ones given. A view.
   *
   * @param axis An axis or a list of axes; all axes of length 1 when omitted.
   * @returns The view.
   * @throws {TypeError} If an axis is not an integer or repeats.
   * @throws {RangeError} If an axis is out of range or its length is not 1.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Drop the length-1 axes
   * ```ts
   * import { zeros } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(zeros([1, 3, 1]).squeeze().shape, [3]);
   * assert.deepEqual(zeros([1, 3, 1]).squeeze(0).shape, [3, 1]);
   * ```
   */
  squeeze(axis?: number | readonly number[] | null): NDArray<N> {
    return squeezeView(this, axis) as NDArray<N>;
  }

  /**
   * Inserts an axis of length 1 at `axis` of the result (NumPy
   * `expand_dims`). A view.
   *
   * @param axis The position of the new axis, within `-(ndim + 1)..ndim`, or a list of positions.
   * @returns The view.
   * @throws {TypeError} If an axis is not an integer or repeats.
   * @throws {RangeError} If an axis is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example A row and a column
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 2]);
   * assert.deepEqual(a.expandDims(0).shape, [1, 2]);
   * assert.deepEqual(a.expandDims(-1).shape, [2, 1]);
   * ```
   */
  expandDims(axis: number | readonly number[]): NDArray<N> {
    return expandView(this, axis) as NDArray<N>;
  }

  /**
   * Exchanges two axes (NumPy `swapaxes`). A view.
   *
   * @param axis1 One axis.
   * @param axis2 The other.
   * @returns The view.
   * @throws {TypeError} If an axis is not an integer.
   * @throws {RangeError} If an axis is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Swap the last two axes
   * ```ts
   * import { zeros } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(zeros([2, 3, 4]).swapaxes(-1, -2).shape, [2, 4, 3]);
   * ```
   */
  swapaxes(axis1: number, axis2: number): NDArray<N> {
    return swapView(this, axis1, axis2) as NDArray<N>;
  }

  /**
   * The elements at `indices` along `axis` (NumPy `take`), or of the
   * flattened array when `axis` is omitted: the result has the indices'
   * dimensions in place of the axis. Negative indices count from the end.
   *
   * @param indices An integer, a (nested) list of integers, or an array of
   * an integer or bool type.
   * @param axis The axis; the flattened array when omitted or null.
   * @param options `mode`: `"raise"` (default), `"wrap"` or `"clip"`, as NumPy's.
   * @returns A new in-memory array of this array's type.
   * @throws {TypeError} If an index is not an integer (or the index array
   * is of a float type), or the axis or mode is not understood.
   * @throws {RangeError} If an index is out of bounds (mode `"raise"`) or
   * the axis is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Rows and elements by index
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(a.take([1, 0, 1], 0).toArray(), [[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(a.take([-1, 0]).toArray(), [6, 1]);
   * assert.deepEqual(a.take([[0, 2]], 1).shape, [2, 1, 2]);
   * ```
   */
  take(
    indices: ArrayInput,
    axis?: number | null,
    options?: IndexOptions,
  ): NDArray<N> {
    return takeElements(this, indices, axis, options) as NDArray<N>;
  }

  /**
   * The slices along `axis` where `condition` is true (NumPy `compress`;
   * `a[mask]` along an axis), or the elements of the flattened array when
   * `axis` is omitted.
   *
   * @param condition A 1-D condition (bools, or any type: non-zero is
   * true), possibly shorter than the axis (the rest counts as false).
   * @param axis The axis; the flattened array when omitted or null.
   * @returns A new in-memory array of this array's type.
   * @throws {TypeError} If the condition or axis has the wrong type.
   * @throws {RangeError} If the condition is not 1-D, is true past the end of the axis, or the axis is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Select with a mask
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4], [5, 6]]);
   * assert.deepEqual(a.compress([true, false, true], 0).toArray(), [[1, 2], [5, 6]]);
   * assert.deepEqual(a.compress([0, 1, 1, 0, 1]).toArray(), [2, 3, 5]);
   * ```
   */
  compress(condition: ArrayInput, axis?: number | null): NDArray<N> {
    return compressElements(this, condition, axis) as NDArray<N>;
  }

  /**
   * Writes `values` at flat (C-order) positions (NumPy `put`,
   * `a.flat[indices] = values`), cycling through the values when there
   * are fewer than indices. The values are converted to this array's type
   * first (arrays with NumPy's unsafe cast, numbers as `set()` converts
   * them), so a failure writes nothing.
   *
   * @param indices The flat positions: an integer, a list, or an integer array.
   * @param values A scalar, JavaScript data or an array.
   * @param options `mode`: `"raise"` (default), `"wrap"` or `"clip"`, as NumPy's.
   * @throws {TypeError} If an index is not an integer, a value does not
   * convert, or the array is read-only.
   * @throws {RangeError} If an index is out of bounds (mode `"raise"`) or
   * an integer value does not fit the type.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Set elements by flat index
   * ```ts
   * import { zeros } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = zeros([2, 3], { dtype: "int32" });
   * a.put([0, -1, 2], [7, 8]);
   * assert.deepEqual(a.toArray(), [[7, 0, 7], [0, 0, 8]]);
   * ```
   */
  put(indices: ArrayInput, values: ArrayInput, options?: IndexOptions): void {
    putElements(this, indices, values, options);
  }

  /**
   * Writes `values` where `mask` is true (NumPy `putmask`, `a[mask] =
   * values`): element `n` (in C order) takes `values[n % values.length]`,
   * as NumPy repeats them. Array values must cast to this array's type
   * under NumPy's safe rule.
   *
   * @param mask A mask of this array's size (bools, or any type: non-zero is true).
   * @param values A scalar, JavaScript data or an array.
   * @throws {TypeError} If a value does not convert (or an array of values
   * does not cast safely), or the array is read-only.
   * @throws {RangeError} If the mask's size differs or an integer value does not fit the type.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Set masked elements in place
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([3, -1, 4, -5]);
   * a.putmask([false, true, false, true], 0);
   * assert.deepEqual(a.toArray(), [3, 0, 4, 0]);
   * a.putmask([true, true, true, true], [1, 2]); // values repeat by position
   * assert.deepEqual(a.toArray(), [1, 2, 1, 2]);
   * ```
   */
  putmask(mask: ArrayInput, values: ArrayInput): void {
    putmaskElements(this, mask, values);
  }

  /**
   * The indices of the non-zero elements (NumPy `nonzero`): one int64 array
   * per axis, in C order. NaN counts as non-zero, -0 as zero; bytes and text
   * count when not empty, datetimes and timedeltas when their count is not
   * 0 (NaT included), as NumPy.
   *
   * @returns The index arrays.
   * @throws {TypeError} For records and raw bytes.
   * @throws {RangeError} If the array is 0-d (as NumPy 2).
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Where the ones are
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const [rows, cols] = array([[0, 1], [1, 0]]).nonzero();
   * assert.deepEqual(rows.toArray(), [0n, 1n]);
   * assert.deepEqual(cols.toArray(), [1n, 0n]);
   * ```
   */
  nonzero(): NDArray<"int64">[] {
    return nonzeroIndices(this);
  }

  /**
   * Sorts the array in place along `axis` (NumPy `ndarray.sort`), with
   * NumPy's stable result: equal elements keep their order, NaNs go last,
   * -0 and +0 are equal, complex numbers are ordered by real and then
   * imaginary part (with NumPy's order for NaN parts); datetimes and
   * timedeltas by their counts, NaT last; bytes and text by code units,
   * NUL-padded. A memmap is sorted
   * in memory and written back (the elements along the axis of every lane,
   * and scratch of the same size, are held in memory).
   *
   * @param axis The axis; default -1 (the last).
   * @returns This array.
   * @throws {TypeError} If the array is read-only, the axis is not an
   * integer, or the type has no order (records, raw bytes).
   * @throws {RangeError} If the axis is out of range (a 0-d array has none).
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Sort rows and columns
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[3, NaN, 1], [2, -0, 0]]);
   * assert.deepEqual(a.copy().sort().toArray(), [[1, 3, NaN], [-0, 0, 2]]);
   * assert.deepEqual(a.sort(0).toArray(), [[2, -0, 0], [3, NaN, 1]]);
   * ```
   */
  sort(axis: number = -1): this {
    sortElements(this, axis);
    return this;
  }

  /**
   * The indices that sort the array along `axis` (NumPy `argsort`), as
   * int64, with NumPy's stable order (`kind="stable"`: equal elements
   * keep their order; NaN and NaT last).
   *
   * @param axis The axis; default -1; `null` sorts the flattened array.
   * @returns An int64 array of this array's shape (1-D for `null` or a 0-d array).
   * @throws {TypeError} If the axis is not an integer or null, or the type
   * has no order (records, raw bytes).
   * @throws {RangeError} If the axis is out of range.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Order of a column
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([3, 1, 2, 1]).argsort().toArray(), [1n, 3n, 2n, 0n]);
   * ```
   */
  argsort(axis: number | null = -1): NDArray<"int64"> {
    return argsortElements(this, axis);
  }

  /**
   * The matrix product `this @ x` (NumPy `matmul`): for 2-D operands the
   * matrix product; a 1-D first operand is a row and a 1-D second one a
   * column (the added axis is removed from the result); more axes are
   * stacks of matrices, broadcast against each other. The result type is
   * NumPy's common type of the two; integers wrap in it, bool gives "any of
   * and". Floats are computed by a blocked product in WebAssembly SIMD
   * (fused multiply-adds where the machine has them), so the last bits may
   * differ from NumPy's BLAS as BLAS results differ between machines.
   *
   * @param x The second operand: an array or JavaScript data.
   * @returns A new in-memory array (0-d for two 1-D operands).
   * @throws {TypeError} If a type is not numeric.
   * @throws {RangeError} If an operand is 0-d, the inner lengths differ or
   * the stacks do not broadcast.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Matrix times matrix, and times a vector
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]]);
   * assert.deepEqual(a.matmul(array([[5, 6], [7, 8]])).toArray(), [[19, 22], [43, 50]]);
   * assert.deepEqual(a.matmul([1, 1]).toArray(), [3, 7]);
   * ```
   */
  matmul<const X extends ArrayInput>(x: X): NDArray<ArithmeticResult<N, X>> {
    return matmulArrays(this, x) as NDArray<ArithmeticResult<N, X>>;
  }

  /**
   * The dot product (NumPy `dot`): the sum of products for two 1-D
   * operands (an element, not an array), the matrix product for 2-D ones
   * (as {@linkcode NDArray.matmul}), for N-D a sum over the last axis of
   * this array and the second-to-last of `x` (result axes: this array's
   * others, then `x`'s), and the element-wise product when either is 0-d.
   *
   * @param x The second operand: an array or JavaScript data.
   * @returns A new in-memory array, or an element where the result is 0-d.
   * @throws {TypeError} If a type is not numeric.
   * @throws {RangeError} If the summed lengths differ.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Inner product and matrix-vector product
   * ```ts
   * import { array, type NDArray } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([1, 2, 3]).dot(array([4, 5, 6])), 32);
   * const a = array([[1, 2], [3, 4]], { dtype: "int32" });
   * const y = a.dot(array([1, 1], { dtype: "int32" })) as NDArray<"int32">;
   * assert.deepEqual(y.toArray(), [3, 7]);
   * ```
   */
  dot<const X extends ArrayInput>(
    x: X,
  ): NDArray<ArithmeticResult<N, X>> | ElementOf<ArithmeticResult<N, X>> {
    const out = dotArrays(this, x);
    return (out.ndim === 0 ? out.get() : out) as
      | NDArray<ArithmeticResult<N, X>>
      | ElementOf<ArithmeticResult<N, X>>;
  }

  /**
   * A typed array of the element type over the whole storage, for handing
   * the array to other libraries without copying: element `[i, j, ...]` is
   * at index `(byteOffset + i * strides[0] + ...) / itemsize` (for complex
   * types, the typed array holds parts: divide by `itemsize / 2`). The
   * storage may start before the array: a memmap's is its whole map, from
   * the page its offset lies in, so the indexes below `byteOffset /
   * itemsize` of a `.npy` memmap (`openMemmap`, `load` with `mmapMode`) are
   * the file's header, and writing them changes the file (the file may then
   * no longer load): index the elements from `byteOffset`, or use `get`,
   * `set` or `toTypedArray()`. The view covers the storage's memory only;
   * its `buffer` may hold more: in-memory arrays of 4 MiB and more live at
   * the start of a `WebAssembly.Memory`, and memmaps of 16 MiB and more are
   * shown in one of their own, whose buffer cannot be transferred (use
   * `toTypedArray()` for a copy that can). The bytes of such a buffer
   * besides the data (after an array's; before and after a memmap's map)
   * are the library's scratch, overwritten by every reduction: `frombuffer()`
   * and `new NDArray` refuse to view them (`RangeError`), so view this typed
   * array, not its whole `buffer`.
   *
   * @returns The typed view (Uint8Array for bool, Float32Array/Float64Array of parts for complex).
   * @throws {TypeError} If the data is not in native byte order or not aligned.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Element index from data, strides and byteOffset
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2, 3], [4, 5, 6]]).T;
   * const [s0, s1] = a.strides.map((s) => s / a.itemsize);
   * assert.equal(a.data[a.byteOffset / a.itemsize + 2 * s0 + 1 * s1], 6);
   * ```
   */
  get data(): TypedArrayOf<N> {
    this.#open();
    if (this.#mode === ITEMS) {
      const b = this.storage.bytes;
      if (this.dtype.kind !== "U") {
        return new Uint8Array(
          b.buffer,
          b.byteOffset,
          b.length,
        ) as TypedArrayOf<N>;
      }
      if (
        this.dtype.isNative && (b.byteOffset + this.byteOffset) % 4 === 0 &&
        this.strides.every((s) => s % 4 === 0)
      ) {
        return new Uint32Array(
          b.buffer,
          b.byteOffset,
          b.length >>> 2,
        ) as TypedArrayOf<N>;
      }
    }
    this.#settle();
    if (this.#ta === null) {
      throw new TypeError(
        `Cannot view ${this.dtype.str} data as a typed array: it is not in native byte order or not aligned`,
      );
    }
    const u = unitOf(this.dtype);
    const bytes = this.storage.bytes;
    const Ctor = this.#ta.constructor as new (
      b: ArrayBufferLike,
      o: number,
      n: number,
    ) => TypedArray;
    return new Ctor(
      bytes.buffer,
      bytes.byteOffset,
      Math.floor(bytes.length / u),
    ) as TypedArrayOf<N>;
  }

  /**
   * Writes values into every element (NumPy `a[...] = value`), broadcasting
   * the value to the array's shape and converting its type. Over a memory
   * map the walk goes window by window and releases finished windows.
   *
   * @param value A scalar, JavaScript data (flat, nested or typed) or an array.
   * @returns This array.
   * @throws {TypeError} If the array is read-only or the value cannot be broadcast.
   * @throws {RangeError} If an integer value does not fit the type.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Broadcast a row into a matrix
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[0, 0], [0, 0]]);
   * a.assign([1, 2]);
   * assert.deepEqual(a.toArray(), [[1, 2], [1, 2]]);
   * ```
   */
  assign(value: ArrayInput | InputOf<N>): this {
    if (
      wantsItems(this.dtype) ||
      (isNDArray(value) && wantsItems(value.dtype))
    ) {
      assignItems(this, value, () => this.#writable());
      return this;
    }
    // Convert the value first (its getters and traps, if any, run now),
    // then check both arrays' state.
    let src: NDArray;
    if (isNDArray(value)) src = value;
    else if (isScalarInput(value)) {
      src = scalarArray(this.dtype.toNative(), value);
    } else src = fromData(value, this.dtype, false);
    this.#writable();
    src.#open();
    castInto(this, src);
    return this;
  }

  /**
   * Sets every element to one value (NumPy `a.fill(v)`).
   *
   * @param value The value.
   * @returns This array.
   * @throws {TypeError} If the array is read-only.
   * @throws {RangeError} If an integer does not fit the type.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Fill with a value
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, 2, 3]).fill(7).toArray(), [7, 7, 7]);
   * ```
   */
  fill(value: InputOf<N>): this {
    if (wantsItems(this.dtype)) {
      if (!isItemValue(this.dtype, value)) {
        throw new TypeError(
          `Cannot fill an array of ${this.dtype.name} with ${
            describe(value)
          }: expected one element's value`,
        );
      }
      return this.assign(value);
    }
    if (!isScalarInput(value)) {
      throw new TypeError(
        `Cannot fill with ${
          describe(value)
        }: expected a number, bigint, boolean or { re, im }`,
      );
    }
    return this.assign(value as Scalar | Complex);
  }

  /**
   * Copies the array into memory, C-contiguous, with the same type.
   *
   * @returns The copy.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example A copy does not share memory
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 2]);
   * const b = a.copy();
   * b.set(0, 9);
   * assert.equal(a.get(0), 1);
   * ```
   */
  copy(): NDArray<N> {
    this.#open();
    return this.#cCopy(this.dtype) as NDArray<N>;
  }

  /** A C-contiguous copy converted to `dt` (NumPy `copy()`'s order "C"). */
  #cCopy(dt: DType): NDArray {
    if (wantsItems(this.dtype) || wantsItems(dt)) {
      return empty(this.shape, dt).assign(this);
    }
    return castCopy(this, dt);
  }

  /**
   * Copies the array into memory, converted to another type (NumPy
   * `astype`, unsafe casting: floats truncate, integers wrap), laid out in
   * the array's memory order as NumPy's default `order="K"`: C-contiguous
   * for a C-contiguous array, F for an F-contiguous one, else the axes in
   * the order of their strides' sizes (forward; a length-1 axis by its own
   * stride, as NumPy's `empty_like`).
   *
   * @param dtype The new element type.
   * @returns The converted copy.
   * @throws {TypeError} If the type is not understood.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Convert to int32
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1.7, -2.5]).astype("int32");
   * assert.equal(a.dtype.name, "int32");
   * assert.deepEqual(a.toArray(), [1, -2]);
   * ```
   */
  astype<const D extends DTypeLike>(dtype: D): NDArray<NameOf<D>> {
    const dt = toDType(dtype);
    this.#open();
    // (A subarray type adds axes: its copy is C-contiguous.)
    if (
      dt.subdtype !== null ||
      isCContiguous(this.shape, this.strides, this.itemsize)
    ) return this.#cCopy(dt) as NDArray<NameOf<D>>;
    // NumPy's order "K" (attack13 C3): the result laid out as NumPy's
    // PyArray_NewLikeArray lays out a new array like this one (length-1
    // axes by their own strides; attack14 D3).
    const out = emptyLike(this, dt);
    if (wantsItems(this.dtype) || wantsItems(dt)) {
      return out.assign(this) as NDArray<NameOf<D>>;
    }
    castInto(out, this);
    return out as NDArray<NameOf<D>>;
  }

  /**
   * Converts the array to nested JavaScript arrays (NumPy `tolist`): one
   * level of arrays per dimension, elements as `get()` returns them. A 0-d
   * array gives its element itself, as NumPy's `tolist()` gives the scalar.
   * Typed `any` (like `JSON.parse`): how deep the nesting goes is known only
   * at run time.
   *
   * @returns Nested arrays of elements; the element of a 0-d array.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   * @throws {RangeError} If the nested arrays cannot be built: an axis longer
   * than a JavaScript array holds (2**27), more than 2**30 arrays plus
   * elements in all, more than the engine's heap limit holds, or no memory
   * for the elements (see src/memmap/js_arrays.ts).
   *
   * @example To nested arrays, and the scalar of a 0-d array
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([[true, false]]).toArray(), [[true, false]]);
   * assert.equal(array(5).toArray(), 5);
   * ```
   */
  // deno-lint-ignore no-explicit-any
  toArray(): any {
    this.#open();
    const refuse = (reason: string) =>
      new RangeError(
        `Cannot convert an array of shape ${
          formatShape(this.shape)
        } to nested arrays: ${reason}`,
      );
    const refusal = nestedArraysRefusal(this.shape);
    if (refusal !== undefined) throw refuse(refusal);
    if (this.#mode === ITEMS) {
      return buildNested(() => itemsToArray(this), refuse);
    }
    const dt = this.dtype;
    let buf: DomainBuffer;
    try {
      buf = newDomainBuffer(dt, this.size);
    } catch {
      throw refuse("too large for memory");
    }
    readAll(this, buf, dt);
    const shape = this.shape;
    if (shape.length === 0) return domainToElement(dt, buf, 0);
    let pos = 0;
    const build = (depth: number): unknown[] => {
      const n = shape[depth];
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        out[i] = depth === shape.length - 1
          ? domainToElement(dt, buf, pos++)
          : build(depth + 1);
      }
      return out;
    };
    return buildNested(() => build(0), refuse);
  }

  /**
   * Copies the elements in C order into a typed array in native byte order:
   * Float64Array for float64, BigInt64Array for int64, Uint8Array for bool,
   * interleaved real/imaginary parts for complex types.
   *
   * @returns The typed array.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Get a Float64Array
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const t = array([[1, 2], [3, 4]]).T.toTypedArray();
   * assert.ok(t instanceof Float64Array);
   * assert.deepEqual([...t], [1, 3, 2, 4]);
   * ```
   */
  toTypedArray(): TypedArrayOf<N> {
    this.#open();
    if (wantsItems(this.dtype)) {
      return itemsToTypedArray(this) as TypedArrayOf<N>;
    }
    const out = castCopy(this, this.dtype.toNative(), true);
    const u = unitOf(out.dtype);
    return new (out.#ta!.constructor as new (
      b: ArrayBufferLike,
      o: number,
      n: number,
    ) => TypedArray)(
      out.storage.bytes.buffer,
      0,
      out.nbytes / u,
    ) as TypedArrayOf<N>;
  }

  /**
   * Sums the elements over all axes, one axis or a list of axes (NumPy
   * `sum`): integers and bools in int64 (uint64 for unsigned types), exact
   * modulo 2^64; floats with NumPy's pairwise summation in NumPy's order, so
   * the values equal NumPy's bit for bit. Over a memory map, a whole-array
   * sum walks it window by window and releases finished windows, so memory
   * use stays small for files larger than RAM.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a number (a bigint for integer types, `{ re, im }` for complex); otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example sum
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]], { dtype: "int32" });
   * assert.equal(a.sum(), 10n);
   * assert.deepEqual(a.sum(0).toArray(), [4n, 6n]);
   * assert.deepEqual(a.sum([0, 1], { keepdims: true }).shape, [1, 1]);
   * ```
   */
  sum(axis?: null, options?: ReduceOptions & { keepdims?: false }): SumOf<N>;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  sum(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<SumDTypeOf<N>>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  sum(axis: Axis, options?: ReduceOptions): NDArray<SumDTypeOf<N>>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  sum(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): SumOf<N> | NDArray<SumDTypeOf<N>>;
  sum(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): SumOf<N> | NDArray<SumDTypeOf<N>> {
    return this.#reduction("sum", axis, options) as
      | SumOf<N>
      | NDArray<SumDTypeOf<N>>;
  }

  /**
   * Multiplies the elements over all axes, one axis or a list of axes
   * (NumPy `prod`): integers and bools in int64 (uint64 for unsigned
   * types), wrapping modulo 2^64 as NumPy's; floats one after another in
   * NumPy's order (NumPy's product is not pairwise), so the values equal
   * NumPy's bit for bit.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a number (a bigint for integer types, `{ re, im }` for complex); otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example prod
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([1.5, 2, 4]).prod(), 12);
   * assert.deepEqual(array([[1, 2], [3, 4]], { dtype: "int32" }).prod(1).toArray(), [2n, 12n]);
   * ```
   */
  prod(axis?: null, options?: ReduceOptions & { keepdims?: false }): SumOf<N>;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  prod(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<SumDTypeOf<N>>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  prod(axis: Axis, options?: ReduceOptions): NDArray<SumDTypeOf<N>>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  prod(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): SumOf<N> | NDArray<SumDTypeOf<N>>;
  prod(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): SumOf<N> | NDArray<SumDTypeOf<N>> {
    return this.#reduction("prod", axis, options) as
      | SumOf<N>
      | NDArray<SumDTypeOf<N>>;
  }

  /**
   * The arithmetic mean over all axes, one axis or a list of axes (NumPy
   * `mean`): the sum (in float64 for integer types) divided by the count,
   * as NumPy computes it. The mean of no elements is NaN.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a number (`{ re, im }` for complex); otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example mean
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([[1, 2], [3, 4]]).mean(), 2.5);
   * assert.deepEqual(array([[1, 2], [3, 4]]).mean(1).toArray(), [1.5, 3.5]);
   * ```
   */
  mean(axis?: null, options?: ReduceOptions & { keepdims?: false }): MeanOf<N>;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  mean(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<MeanDTypeOf<N>>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  mean(axis: Axis, options?: ReduceOptions): NDArray<MeanDTypeOf<N>>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  mean(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): MeanOf<N> | NDArray<MeanDTypeOf<N>>;
  mean(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): MeanOf<N> | NDArray<MeanDTypeOf<N>> {
    return this.#reduction("mean", axis, options) as
      | MeanOf<N>
      | NDArray<MeanDTypeOf<N>>;
  }

  /**
   * The smallest element over all axes, one axis or a list of axes (NaN if
   * any is NaN, as NumPy; -0 counts as smaller than +0, as in `Math.min`).
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: an element (as `get()` returns it); otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {RangeError} If a reduced axis (or the array) is empty.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example min
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([3, -1, 2]).min(), -1);
   * ```
   */
  min(
    axis?: null,
    options?: ReduceOptions & { keepdims?: false },
  ): ElementOf<N>;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  min(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<N>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  min(axis: Axis, options?: ReduceOptions): NDArray<N>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  min(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): ElementOf<N> | NDArray<N>;
  min(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): ElementOf<N> | NDArray<N> {
    return this.#reduction("min", axis, options) as ElementOf<N> | NDArray<N>;
  }

  /**
   * The largest element over all axes, one axis or a list of axes (NaN if
   * any is NaN, as NumPy; +0 counts as larger than -0, as in `Math.max`).
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: an element (as `get()` returns it); otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {RangeError} If a reduced axis (or the array) is empty.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example max
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([[3, 1], [2, 5]]).max(1).toArray(), [3, 5]);
   * ```
   */
  max(
    axis?: null,
    options?: ReduceOptions & { keepdims?: false },
  ): ElementOf<N>;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  max(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<N>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  max(axis: Axis, options?: ReduceOptions): NDArray<N>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  max(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): ElementOf<N> | NDArray<N>;
  max(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): ElementOf<N> | NDArray<N> {
    return this.#reduction("max", axis, options) as ElementOf<N> | NDArray<N>;
  }

  /**
   * Whether any element is true (non-zero; NaN counts as true), over all
   * axes, one axis or a list of axes (NumPy `any`). A whole-array test
   * stops at the first true element.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a boolean; otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example any
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([0, 0, NaN]).any(), true);
   * assert.deepEqual(array([[0, 1], [0, 0]]).any(1).toArray(), [true, false]);
   * ```
   */
  any(axis?: null, options?: ReduceOptions & { keepdims?: false }): boolean;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  any(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<"bool">;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  any(axis: Axis, options?: ReduceOptions): NDArray<"bool">;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  any(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): boolean | NDArray<"bool">;
  any(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): boolean | NDArray<"bool"> {
    return this.#reduction("any", axis, options) as boolean | NDArray<"bool">;
  }

  /**
   * Whether every element is true (non-zero; NaN counts as true), over all
   * axes, one axis or a list of axes (NumPy `all`). A whole-array test
   * stops at the first false element.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a boolean; otherwise an
   * in-memory array of NumPy's result type.
   * @throws {TypeError} If an axis is not an integer, or the options are not valid.
   * @throws {RangeError} If an axis does not exist or is repeated.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example all
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([1, 2, -0]).all(), false);
   * assert.deepEqual(array([[1, 1], [0, 1]]).all(0).toArray(), [false, true]);
   * ```
   */
  all(axis?: null, options?: ReduceOptions & { keepdims?: false }): boolean;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  all(
    axis: Axis | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<"bool">;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `keepdims`.
   * @returns The array.
   */
  all(axis: Axis, options?: ReduceOptions): NDArray<"bool">;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `keepdims`.
   * @returns A scalar or an in-memory array.
   */
  all(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): boolean | NDArray<"bool">;
  all(
    axis?: Axis | null,
    options?: ReduceOptions,
  ): boolean | NDArray<"bool"> {
    return this.#reduction("all", axis, options) as boolean | NDArray<"bool">;
  }

  /**
   * The index of the smallest element (NumPy `argmin`): of the first one
   * in C order, over the flattened array or along one axis; a NaN counts as
   * smallest (the first NaN wins), and so does a NaT; complex numbers
   * compare by real part, then imaginary part; bytes and text by code
   * units, as their comparisons.
   *
   * @param axis The axis; the flattened array when omitted or `null`.
   * @param options `keepdims: true` keeps the reduced axis (every axis for
   * the flattened array) as length 1.
   * @returns With no axis and no `keepdims`: the flat index, a number;
   * otherwise an in-memory int64 array of indices along the axis.
   * @throws {TypeError} If the axis is not one integer, the options are not
   * valid, or the array's type has no order (records, raw bytes).
   * @throws {RangeError} If the axis does not exist, or the array (or the axis) is empty.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example argmin
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([3, 1, 1, 2]).argmin(), 1);
   * assert.deepEqual(array([[3, 1], [0, 5]]).argmin(0).toArray(), [1n, 0n]);
   * ```
   */
  argmin(axis?: null, options?: ReduceOptions & { keepdims?: false }): number;
  /**
   * The reduced axis kept as length 1: an in-memory int64 array.
   *
   * @param axis The axis, or `null`/`undefined` for the flattened array.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  argmin(
    axis: number | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<"int64">;
  /**
   * Along an axis: an in-memory int64 array.
   *
   * @param axis The axis.
   * @param options `keepdims`.
   * @returns The array.
   */
  argmin(axis: number, options?: ReduceOptions): NDArray<"int64">;
  /**
   * Over the flattened array, or along the given axis.
   *
   * @param axis The axis, or `null`/`undefined`.
   * @param options `keepdims`.
   * @returns The index or an in-memory array.
   */
  argmin(
    axis?: number | null,
    options?: ReduceOptions,
  ): number | NDArray<"int64">;
  argmin(
    axis?: number | null,
    options?: ReduceOptions,
  ): number | NDArray<"int64"> {
    return this.#arg("min", axis, options);
  }

  /**
   * The index of the largest element (NumPy `argmax`): of the first one
   * in C order, over the flattened array or along one axis; a NaN counts as
   * largest (the first NaN wins), and so does a NaT (NumPy 2); complex
   * numbers compare by real part, then imaginary part; bytes and text by
   * code units, as their comparisons.
   *
   * @param axis The axis; the flattened array when omitted or `null`.
   * @param options `keepdims: true` keeps the reduced axis (every axis for
   * the flattened array) as length 1.
   * @returns With no axis and no `keepdims`: the flat index, a number;
   * otherwise an in-memory int64 array of indices along the axis.
   * @throws {TypeError} If the axis is not one integer, the options are not
   * valid, or the array's type has no order (records, raw bytes).
   * @throws {RangeError} If the axis does not exist, or the array (or the axis) is empty.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example argmax
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.equal(array([1, NaN, 7, NaN]).argmax(), 1);
   * assert.deepEqual(array([[3, 1], [0, 5]]).argmax(1).toArray(), [0n, 1n]);
   * ```
   */
  argmax(axis?: null, options?: ReduceOptions & { keepdims?: false }): number;
  /**
   * The reduced axis kept as length 1: an in-memory int64 array.
   *
   * @param axis The axis, or `null`/`undefined` for the flattened array.
   * @param options `keepdims: true`.
   * @returns The array.
   */
  argmax(
    axis: number | null | undefined,
    options: ReduceOptions & { keepdims: true },
  ): NDArray<"int64">;
  /**
   * Along an axis: an in-memory int64 array.
   *
   * @param axis The axis.
   * @param options `keepdims`.
   * @returns The array.
   */
  argmax(axis: number, options?: ReduceOptions): NDArray<"int64">;
  /**
   * Over the flattened array, or along the given axis.
   *
   * @param axis The axis, or `null`/`undefined`.
   * @param options `keepdims`.
   * @returns The index or an in-memory array.
   */
  argmax(
    axis?: number | null,
    options?: ReduceOptions,
  ): number | NDArray<"int64">;
  argmax(
    axis?: number | null,
    options?: ReduceOptions,
  ): number | NDArray<"int64"> {
    return this.#arg("max", axis, options);
  }

  /**
   * The variance over all axes, one axis or a list of axes (NumPy `var`):
   * the mean of `|x - x.mean()|²`, in NumPy's two passes and order (results
   * equal NumPy's bit for bit); memory maps are read a window at a time.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `ddof` (delta degrees of freedom: divide by `n - ddof`,
   * default 0); `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a number; otherwise an
   * in-memory array of NumPy's result type (float64 for integers and bools,
   * the real type for complex numbers, else the array's type).
   * @throws <class 'TypeError'> If an axis is not an integer, the options are not
   * valid, or the type has no arithmetic here (bytes, text, records, datetimes, long doubles).
   * @throws {RangeError} If an axis does not exist or is repeated (a 0-d array has none), or ddof is not finite.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example var
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 5]], { dtype: "int32" });
   * assert.equal(a.var(), 2.1875);
   * assert.deepEqual(a.var(0).toArray(), [1, 2.25]);
   * assert.equal(a.var(null, { ddof: 1 }), 2.9166666666666665);
   * ```
   */
  var(
    axis?: null,
    options?: VarianceOptions & { keepdims?: false },
  ): number;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `ddof`, `keepdims: true`.
   * @returns The array.
   */
  var(
    axis: Axis | null | undefined,
    options: VarianceOptions & { keepdims: true },
  ): NDArray<VarDTypeOf<N>>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `ddof`, `keepdims`.
   * @returns The array.
   */
  var(axis: Axis, options?: VarianceOptions): NDArray<VarDTypeOf<N>>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `ddof`, `keepdims`.
   * @returns A number or an in-memory array.
   */
  var(
    axis?: Axis | null,
    options?: VarianceOptions,
  ): number | NDArray<VarDTypeOf<N>>;
  var(
    axis?: Axis | null,
    options?: VarianceOptions,
  ): number | NDArray<VarDTypeOf<N>> {
    return this.#variance(false, axis, options) as
      | number
      | NDArray<VarDTypeOf<N>>;
  }

  /**
   * The standard deviation over all axes, one axis or a list of axes (NumPy
   * `std`): the square root of {@linkcode NDArray.var}, as NumPy computes it.
   *
   * @param axis The axis or list of axes to reduce; all axes when omitted or `null`.
   * @param options `ddof` (delta degrees of freedom: divide by `n - ddof`,
   * default 0); `keepdims: true` keeps each reduced axis as length 1.
   * @returns With no axis and no `keepdims`: a number; otherwise an
   * in-memory array of NumPy's result type (float64 for integers and bools,
   * the real type for complex numbers, else the array's type).
   * @throws <class 'TypeError'> If an axis is not an integer, the options are not
   * valid, or the type has no arithmetic here (bytes, text, records, datetimes, long doubles).
   * @throws {RangeError} If an axis does not exist or is repeated (a 0-d array has none), or ddof is not finite.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example std
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([2, 4, 4, 4, 5, 5, 7, 9]);
   * assert.equal(a.std(), 2);
   * assert.deepEqual(a.reshape(2, 4).std(1, { keepdims: true }).shape, [2, 1]);
   * ```
   */
  std(
    axis?: null,
    options?: VarianceOptions & { keepdims?: false },
  ): number;
  /**
   * Reduced axes kept as length 1: an in-memory array.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `ddof`, `keepdims: true`.
   * @returns The array.
   */
  std(
    axis: Axis | null | undefined,
    options: VarianceOptions & { keepdims: true },
  ): NDArray<VarDTypeOf<N>>;
  /**
   * Along an axis or a list of axes: an in-memory array.
   *
   * @param axis The axis or list of axes.
   * @param options `ddof`, `keepdims`.
   * @returns The array.
   */
  std(axis: Axis, options?: VarianceOptions): NDArray<VarDTypeOf<N>>;
  /**
   * Over all axes, or the given ones.
   *
   * @param axis The axis or list of axes, or `null`/`undefined` for all.
   * @param options `ddof`, `keepdims`.
   * @returns A number or an in-memory array.
   */
  std(
    axis?: Axis | null,
    options?: VarianceOptions,
  ): number | NDArray<VarDTypeOf<N>>;
  std(
    axis?: Axis | null,
    options?: VarianceOptions,
  ): number | NDArray<VarDTypeOf<N>> {
    return this.#variance(true, axis, options) as
      | number
      | NDArray<VarDTypeOf<N>>;
  }

  /**
   * The cumulative sum along an axis (NumPy `cumsum`): element `i` is the
   * sum of the elements up to `i`, added one after another as NumPy does.
   *
   * @param axis The axis to accumulate along; the flattened array (C order) when omitted or `null`.
   * @returns A new in-memory array of NumPy's result type (int64 for bools
   * and signed integers, uint64 for unsigned ones, wrapping modulo 2^64;
   * the array's type for floats and complex numbers): of the array's shape,
   * or 1-D without an axis.
   * @throws {TypeError} If the axis is not one integer, or the type has no
   * arithmetic here (bytes, text, records, datetimes, long doubles).
   * @throws {RangeError} If the axis does not exist.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example cumsum
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]], { dtype: "int32" });
   * assert.deepEqual(a.cumsum().toArray(), [1n, 3n, 6n, 10n]);
   * assert.deepEqual(a.cumsum(0).toArray(), [[1n, 2n], [4n, 6n]]);
   * ```
   */
  cumsum(axis?: number | null): NDArray<SumDTypeOf<N>> {
    return this.#cumulate(false, axis) as NDArray<SumDTypeOf<N>>;
  }

  /**
   * The cumulative product along an axis (NumPy `cumprod`): element `i` is
   * the product of the elements up to `i`, multiplied one after another as
   * NumPy does.
   *
   * @param axis The axis to accumulate along; the flattened array (C order) when omitted or `null`.
   * @returns A new in-memory array of NumPy's result type (int64 for bools
   * and signed integers, uint64 for unsigned ones, wrapping modulo 2^64;
   * the array's type for floats and complex numbers): of the array's shape,
   * or 1-D without an axis.
   * @throws {TypeError} If the axis is not one integer, or the type has no
   * arithmetic here (bytes, text, records, datetimes, long doubles).
   * @throws {RangeError} If the axis does not exist.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example cumprod
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]]);
   * assert.deepEqual(a.cumprod().toArray(), [1, 2, 6, 24]);
   * assert.deepEqual(a.cumprod(1).toArray(), [[1, 2], [3, 12]]);
   * ```
   */
  cumprod(axis?: number | null): NDArray<SumDTypeOf<N>> {
    return this.#cumulate(true, axis) as NDArray<SumDTypeOf<N>>;
  }

  /** `cumsum` (`prod` false) or `cumprod`, in NumPy's layout along an axis. */
  #cumulate(prod: boolean, axis: unknown): NDArray {
    const k = cumulativeAxis(prod, this.ndim, axis);
    this.#open();
    if (k === null) return cumulate(this, prod, k);
    return inKOrder(
      this,
      this.shape.map(() => false),
      false,
      (b, perm) => cumulate(b, prod, perm.indexOf(k)),
    );
  }

  /**
   * A reduction of the open array by `run`: its scalar (no axis, no
   * `keepdims`), or its array in NumPy's layout ({@linkcode inKOrder};
   * `fresh` for `var`/`std`, which reduce new arrays).
   */
  #reduceBy<T>(
    args: ReductionArgs,
    run: (a: NDArray) => T | NDArray,
    fresh = false,
  ): T | NDArray {
    this.#open();
    if (args.reduced === null && !args.keepdims) return run(this);
    return inKOrder(
      this,
      args.reduced ?? this.shape.map(() => true),
      args.keepdims,
      (b) => run(b) as NDArray,
      fresh,
    );
  }

  #variance(
    std: boolean,
    axis: unknown,
    options: unknown,
  ): number | NDArray {
    const args = varianceArgs(std, this.ndim, axis, options);
    return this.#reduceBy(args, (a) => variance(a, std, args), true);
  }

  #arg(
    kind: "min" | "max",
    axis: unknown,
    options: unknown,
  ): number | NDArray<"int64"> {
    const args = argArgs(kind, this.ndim, axis, options);
    this.#open();
    return argReduce(this, kind, args);
  }

  #reduction(
    name: ReductionName,
    axis: unknown,
    options: unknown,
  ): Element | NDArray {
    const args = reductionArgs(name, this.ndim, axis, options);
    return this.#reduceBy(args, (a) => reduceArray(a, name, args));
  }

  /**
   * Element-wise `this + x` with broadcasting and NumPy 2 type promotion
   * (plain numbers are "weak" as Python scalars under NEP 50: an integer
   * number keeps an integer array's type, a fractional one gives float64).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If the shapes cannot be broadcast or `out` is not a writable array.
   * @throws {RangeError} If an integer scalar does not fit the array's integer type.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Add a row to each row
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]], { dtype: "int32" });
   * const b = a.add(10);
   * assert.equal(b.dtype.name, "int32");
   * assert.deepEqual(a.add([0.5, 1]).toArray(), [[1.5, 3], [3.5, 5]]);
   * a.add(1, { out: a }); // in place, as np.add(a, 1, out=a)
   * assert.deepEqual(a.toArray(), [[2, 3], [4, 5]]);
   * ```
   */
  add<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  add<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  add<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.add, [this, x], options);
  }

  /**
   * Element-wise `this - x` with broadcasting and NumPy 2 type promotion.
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If the shapes cannot be broadcast, both are bool (as NumPy), or `out` is not a writable array.
   * @throws {RangeError} If an integer scalar does not fit the array's integer type.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Unsigned integers wrap
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, 2], { dtype: "uint8" }).sub(2).toArray(), [255, 0]);
   * ```
   */
  sub<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  sub<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  sub<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.subtract, [this, x], options);
  }

  /**
   * Element-wise `this * x` with broadcasting and NumPy 2 type promotion.
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If the shapes cannot be broadcast or `out` is not a writable array.
   * @throws {RangeError} If an integer scalar does not fit the array's integer type.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Scale an image
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const img = array([[10, 20]], { dtype: "uint8" });
   * const half = img.mul(0.5);
   * assert.equal(half.dtype.name, "float64");
   * assert.deepEqual(half.toArray(), [[5, 10]]);
   * const f = array([[0, 0]], { dtype: "float32" });
   * img.mul(0.5, { out: f }); // float64 result cast to float32 (same_kind)
   * assert.deepEqual(f.toArray(), [[5, 10]]);
   * ```
   */
  mul<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  mul<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  mul<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.multiply_, [this, x], options);
  }

  /**
   * Element-wise true division `this / x` with broadcasting; integer inputs
   * give float64, as NumPy.
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If the shapes cannot be broadcast or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Divide integers
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const q = array([1, 3], { dtype: "int16" }).div(2);
   * assert.equal(q.dtype.name, "float64");
   * assert.deepEqual(q.toArray(), [0.5, 1.5]);
   * ```
   */
  div<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  div<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<DivResult<N, X>>;
  div<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.trueDivide, [this, x], options);
  }

  /**
   * Element-wise floor division `this // x` (rounded toward minus infinity),
   * as NumPy's `floor_divide`: integer division by zero gives 0 and the
   * integer minimum divided by -1 wraps to itself; floats follow NumPy's
   * `npy_floor_divide` (inf or NaN for a zero divisor).
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Floor division rounds down
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([7, -7], { dtype: "int32" });
   * assert.deepEqual(a.floorDiv(2).toArray(), [3, -4]);
   * assert.deepEqual(a.floorDiv(0).toArray(), [0, 0]); // as NumPy 2
   * ```
   */
  floorDiv<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  floorDiv<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<NoBoolOf<ArithmeticResult<N, X>>>;
  floorDiv<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.floorDivide_, [this, x], options);
  }

  /**
   * Element-wise remainder of floor division, as NumPy's `remainder`
   * (Python's `%`): the result has the sign of `x`; integer division by zero
   * gives 0, float division by zero NaN.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example The sign follows the divisor
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([7, -7], { dtype: "int32" });
   * assert.deepEqual(a.mod(3).toArray(), [1, 2]);
   * assert.deepEqual(a.mod(-3).toArray(), [-2, -1]);
   * ```
   */
  mod<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  mod<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<NoBoolOf<ArithmeticResult<N, X>>>;
  mod<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.remainder_, [this, x], options);
  }

  /**
   * Element-wise power `this ** x`, as NumPy's `power`: integers wrap on
   * overflow; floats follow C's `pow` (`pow(1, NaN)` is 1).
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, an integer exponent is negative, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Squares and roots
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([2, 3], { dtype: "int8" }).pow(2).toArray(), [4, 9]);
   * assert.deepEqual(array([4, 9]).pow(0.5).toArray(), [2, 3]);
   * assert.throws(() => array([2], { dtype: "int8" }).pow(-1), RangeError);
   * ```
   */
  pow<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  pow<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<NoBoolOf<ArithmeticResult<N, X>>>;
  pow<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.power_, [this, x], options);
  }

  /**
   * Element-wise maximum, as NumPy's `maximum`: a NaN in either operand gives
   * NaN.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Clamp from below
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1, 5, NaN]).maximum(0).toArray(), [0, 5, NaN]);
   * ```
   */
  maximum<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  maximum<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  maximum<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.maximum_, [this, x], options);
  }

  /**
   * Element-wise minimum, as NumPy's `minimum`: a NaN in either operand gives
   * NaN.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Clamp from above
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1, 5, NaN]).minimum(0).toArray(), [-1, 0, NaN]);
   * ```
   */
  minimum<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  minimum<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  minimum<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.minimum_, [this, x], options);
  }

  /**
   * Element-wise angle of the point (`x`, `this`) in radians, in the right
   * quadrant (`this` is the y-coordinate), as NumPy's `arctan2`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Angles of points
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const y = array([1, 1, -1]);
   * const r = y.arctan2([1, -1, -1]).toArray() as number[];
   * assert.deepEqual(r, [Math.PI / 4, 3 * Math.PI / 4, -3 * Math.PI / 4]);
   * ```
   */
  arctan2<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  arctan2<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<FloatResult<N, X>>;
  arctan2<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.arctan2_, [this, x], options);
  }

  /**
   * Element-wise `sqrt(this**2 + x**2)` without undue overflow or underflow,
   * as NumPy's `hypot`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Lengths of vectors
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([3, 5]).hypot([4, 12]).toArray(), [5, 13]);
   * ```
   */
  hypot<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  hypot<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<FloatResult<N, X>>;
  hypot<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.hypot_, [this, x], options);
  }

  /**
   * Element-wise bitwise and of integers or bools, as NumPy's `bitwise_and`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types (floats, for bitwise operations), or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Mask bits
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([12, 10], { dtype: "uint8" }).bitwiseAnd(6).toArray(), [4, 2]);
   * ```
   */
  bitwiseAnd<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  bitwiseAnd<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  bitwiseAnd<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.bitwiseAnd_, [this, x], options);
  }

  /**
   * Element-wise bitwise or of integers or bools, as NumPy's `bitwise_or`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types (floats, for bitwise operations), or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Set bits
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([12, 10], { dtype: "uint8" }).bitwiseOr(1).toArray(), [13, 11]);
   * ```
   */
  bitwiseOr<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  bitwiseOr<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  bitwiseOr<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.bitwiseOr_, [this, x], options);
  }

  /**
   * Element-wise bitwise exclusive or of integers or bools, as NumPy's
   * `bitwise_xor`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types (floats, for bitwise operations), or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Flip bits
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([12, 10], { dtype: "uint8" }).bitwiseXor(6).toArray(), [10, 12]);
   * ```
   */
  bitwiseXor<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  bitwiseXor<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<ArithmeticResult<N, X>>;
  bitwiseXor<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.bitwiseXor_, [this, x], options);
  }

  /**
   * Element-wise `this << x` for integers, as NumPy's `left_shift`: bits
   * shifted past the type are lost, a count outside `[0, bits)` gives 0.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types (floats, for bitwise operations), or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Multiply by powers of two
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, 3], { dtype: "uint8" }).leftShift(7).toArray(), [128, 128]);
   * ```
   */
  leftShift<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  leftShift<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<NoBoolOf<ArithmeticResult<N, X>>>;
  leftShift<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.leftShift_, [this, x], options);
  }

  /**
   * Element-wise `this >> x` for integers (arithmetic for signed types), as
   * NumPy's `right_shift`: a count outside `[0, bits)` gives 0, or -1 for a
   * negative number.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types (floats, for bitwise operations), or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Divide by powers of two
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-8, 8], { dtype: "int16" }).rightShift(2).toArray(), [-2, 2]);
   * ```
   */
  rightShift<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  rightShift<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<NoBoolOf<ArithmeticResult<N, X>>>;
  rightShift<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.rightShift_, [this, x], options);
  }

  /**
   * Element-wise logical and (non-zero is true), as NumPy's `logical_and`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Combine masks
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 0, 2]);
   * assert.deepEqual(a.logicalAnd([1, 1, 0]).toArray(), [true, false, false]);
   * ```
   */
  logicalAnd<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  logicalAnd<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  logicalAnd<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.logicalAnd_, [this, x], options);
  }

  /**
   * Element-wise logical or (non-zero is true), as NumPy's `logical_or`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Combine masks
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 0, 0]);
   * assert.deepEqual(a.logicalOr([0, 0, 3]).toArray(), [true, false, true]);
   * ```
   */
  logicalOr<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  logicalOr<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  logicalOr<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.logicalOr_, [this, x], options);
  }

  /**
   * Element-wise logical exclusive or (non-zero is true), as NumPy's
   * `logical_xor`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Where exactly one holds
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([true, true, false]);
   * assert.deepEqual(a.logicalXor([true, false, false]).toArray(), [false, true, false]);
   * ```
   */
  logicalXor<const X extends ArrayInput, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  logicalXor<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  logicalXor<const X extends ArrayInput>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.logicalXor_, [this, x], options);
  }

  /**
   * Element-wise `this == x`, as NumPy's `equal` (NaN equals nothing; an
   * integer outside the array's integer type compares by value). Text,
   * bytes, datetimes and timedeltas compare as NumPy compares them (text
   * and bytes by code point, NUL-padded; datetimes in the finer unit, NaT
   * equal to nothing), records and raw bytes for equality only; a string,
   * `Date` or `Uint8Array` is taken as one element of this array's type.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A mask of matches
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([1, 2, 3], { dtype: "uint8" });
   * assert.deepEqual(a.eq(2).toArray(), [false, true, false]);
   * assert.deepEqual(a.eq(1000).toArray(), [false, false, false]);
   * ```
   *
   * @example Text and datetimes compare as NumPy compares them
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const names = array(["ant", "bee", "cat"]);
   * assert.deepEqual(names.eq("bee").toArray(), [false, true, false]);
   * const days = array(["2024-01-01", "NaT"], { dtype: "datetime64[D]" });
   * assert.deepEqual(days.lt("2024-06-01").toArray(), [true, false]);
   * ```
   */
  eq<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  eq<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  eq<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.equal_, [this, x], options);
  }

  /**
   * Element-wise `this != x`, as NumPy's `not_equal` (NaN and NaT differ
   * from everything).
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A mask of differences
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, NaN]).ne([1, NaN]).toArray(), [false, true]);
   * ```
   */
  ne<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  ne<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  ne<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.notEqual_, [this, x], options);
  }

  /**
   * Element-wise `this < x`, as NumPy's `less`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A threshold
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0.5, 1.5]).lt(1).toArray(), [true, false]);
   * ```
   */
  lt<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  lt<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  lt<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.less_, [this, x], options);
  }

  /**
   * Element-wise `this <= x`, as NumPy's `less_equal`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A threshold
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, 2]).le(1).toArray(), [true, false]);
   * ```
   */
  le<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  le<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  le<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.lessEqual_, [this, x], options);
  }

  /**
   * Element-wise `this > x`, as NumPy's `greater`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A threshold
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0.5, 1.5]).gt(1).toArray(), [false, true]);
   * ```
   */
  gt<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  gt<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  gt<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.greater_, [this, x], options);
  }

  /**
   * Element-wise `this >= x`, as NumPy's `greater_equal`.
   *
   * @param x A scalar, JavaScript data or an array (broadcast against this one;
   * plain numbers are weak, as Python scalars under NEP 50).
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the operands' types, or `out` is not a writable array.
   * @throws {RangeError} If the shapes do not broadcast, an integer scalar does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example A threshold
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, 2]).ge(2).toArray(), [false, true]);
   * ```
   */
  ge<const X extends ArrayInput | InputOf<N>, O extends NDArray>(
    x: X,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param x A scalar, JavaScript data or an array.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  ge<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray<"bool">;
  ge<const X extends ArrayInput | InputOf<N>>(
    x: X,
    options?: UfuncOptions,
  ): NDArray {
    return callUfunc(ufuncs.greaterEqual_, [this, x], options);
  }

  /**
   * Element-wise `-this`, as NumPy's `negative` (integers wrap: the minimum
   * stays itself; bools are refused).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type (bool), or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Negate
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, -2], { dtype: "int8" }).neg().toArray(), [-1, 2]);
   * ```
   */
  neg<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  neg(options?: UfuncOptions): NDArray<N>;
  neg(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.negative_, [this], options);
  }

  /**
   * Element-wise absolute value, as NumPy's `absolute` (the integer minimum
   * stays itself; complex numbers give their modulus as floats).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Magnitudes
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1.5, 2]).abs().toArray(), [1.5, 2]);
   * assert.deepEqual(array([{ re: 3, im: 4 }]).abs().toArray(), [5]);
   * ```
   */
  abs<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  abs(options?: UfuncOptions): NDArray<AbsOf<N>>;
  abs(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.absolute_, [this], options);
  }

  /**
   * Element-wise sign: -1, 0 or 1 (NaN for NaN; `x / |x|` for complex), as
   * NumPy's `sign`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type (bool), or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Signs
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-3, 0, 2]).sign().toArray(), [-1, 0, 1]);
   * ```
   */
  sign<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  sign(options?: UfuncOptions): NDArray<N>;
  sign(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.sign_, [this], options);
  }

  /**
   * Element-wise square root (correctly rounded; NaN below zero), as NumPy's
   * `sqrt`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Roots
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([4, 9], { dtype: "float32" }).sqrt().toArray(), [2, 3]);
   * ```
   */
  sqrt<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  sqrt(options?: UfuncOptions): NDArray<FloatOf<N>>;
  sqrt(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.sqrt_, [this], options);
  }

  /**
   * Element-wise `this * this`, as NumPy's `square` (integers wrap).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Squares
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([3, -4], { dtype: "int16" }).square().toArray(), [9, 16]);
   * ```
   */
  square<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  square(options?: UfuncOptions): NDArray<NoBoolOf<N>>;
  square(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.square_, [this], options);
  }

  /**
   * Element-wise cube root, as NumPy's `cbrt`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Cube roots
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([27, -8]).cbrt().toArray(), [3, -2]);
   * ```
   */
  cbrt<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  cbrt(options?: UfuncOptions): NDArray<FloatOf<N>>;
  cbrt(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.cbrt_, [this], options);
  }

  /**
   * Element-wise `e ** this`, as NumPy's `exp`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Exponentials
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 1]).exp().toArray(), [1, Math.E]);
   * ```
   */
  exp<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  exp(options?: UfuncOptions): NDArray<FloatOf<N>>;
  exp(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.exp_, [this], options);
  }

  /**
   * Element-wise `2 ** this`, as NumPy's `exp2`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Powers of two
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([3, -1]).exp2().toArray(), [8, 0.5]);
   * ```
   */
  exp2<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  exp2(options?: UfuncOptions): NDArray<FloatOf<N>>;
  exp2(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.exp2_, [this], options);
  }

  /**
   * Element-wise `e ** this - 1`, accurate near zero, as NumPy's `expm1`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Small exponents
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 1e-20]).expm1().toArray(), [0, 1e-20]);
   * ```
   */
  expm1<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  expm1(options?: UfuncOptions): NDArray<FloatOf<N>>;
  expm1(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.expm1_, [this], options);
  }

  /**
   * Element-wise natural logarithm, as NumPy's `log` (-inf at 0, NaN below).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Logarithms
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, Math.E, 0]).log().toArray(), [0, 1, -Infinity]);
   * ```
   */
  log<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  log(options?: UfuncOptions): NDArray<FloatOf<N>>;
  log(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.log_, [this], options);
  }

  /**
   * Element-wise base-2 logarithm, as NumPy's `log2`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Bits
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([8, 0.5]).log2().toArray(), [3, -1]);
   * ```
   */
  log2<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  log2(options?: UfuncOptions): NDArray<FloatOf<N>>;
  log2(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.log2_, [this], options);
  }

  /**
   * Element-wise base-10 logarithm, as NumPy's `log10`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Decades
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1000, 0.01]).log10().toArray(), [3, -2]);
   * ```
   */
  log10<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  log10(options?: UfuncOptions): NDArray<FloatOf<N>>;
  log10(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.log10_, [this], options);
  }

  /**
   * Element-wise `log(1 + this)`, accurate near zero, as NumPy's `log1p`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Small arguments
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 1e-20]).log1p().toArray(), [0, 1e-20]);
   * ```
   */
  log1p<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  log1p(options?: UfuncOptions): NDArray<FloatOf<N>>;
  log1p(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.log1p_, [this], options);
  }

  /**
   * Element-wise sine (radians), as NumPy's `sin`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Sines
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, Math.PI / 2]).sin().toArray(), [0, 1]);
   * ```
   */
  sin<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  sin(options?: UfuncOptions): NDArray<FloatOf<N>>;
  sin(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.sin_, [this], options);
  }

  /**
   * Element-wise cosine (radians), as NumPy's `cos`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Cosines
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, Math.PI]).cos().toArray(), [1, -1]);
   * ```
   */
  cos<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  cos(options?: UfuncOptions): NDArray<FloatOf<N>>;
  cos(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.cos_, [this], options);
  }

  /**
   * Element-wise tangent (radians), as NumPy's `tan`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Tangents
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0]).tan().toArray(), [0]);
   * ```
   */
  tan<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  tan(options?: UfuncOptions): NDArray<FloatOf<N>>;
  tan(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.tan_, [this], options);
  }

  /**
   * Element-wise inverse sine, in `[-pi/2, pi/2]`, as NumPy's `arcsin`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Angles
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 1]).arcsin().toArray(), [0, Math.PI / 2]);
   * ```
   */
  arcsin<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  arcsin(options?: UfuncOptions): NDArray<FloatOf<N>>;
  arcsin(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.arcsin_, [this], options);
  }

  /**
   * Element-wise inverse cosine, in `[0, pi]`, as NumPy's `arccos`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Angles
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, -1]).arccos().toArray(), [0, Math.PI]);
   * ```
   */
  arccos<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  arccos(options?: UfuncOptions): NDArray<FloatOf<N>>;
  arccos(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.arccos_, [this], options);
  }

  /**
   * Element-wise inverse tangent, in `(-pi/2, pi/2)`, as NumPy's `arctan`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Angles
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, Infinity]).arctan().toArray(), [0, Math.PI / 2]);
   * ```
   */
  arctan<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  arctan(options?: UfuncOptions): NDArray<FloatOf<N>>;
  arctan(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.arctan_, [this], options);
  }

  /**
   * Element-wise hyperbolic sine, as NumPy's `sinh`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Hyperbolic sines
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0]).sinh().toArray(), [0]);
   * ```
   */
  sinh<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  sinh(options?: UfuncOptions): NDArray<FloatOf<N>>;
  sinh(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.sinh_, [this], options);
  }

  /**
   * Element-wise hyperbolic cosine, as NumPy's `cosh`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Hyperbolic cosines
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0]).cosh().toArray(), [1]);
   * ```
   */
  cosh<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  cosh(options?: UfuncOptions): NDArray<FloatOf<N>>;
  cosh(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.cosh_, [this], options);
  }

  /**
   * Element-wise hyperbolic tangent, as NumPy's `tanh`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Hyperbolic tangents
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, Infinity]).tanh().toArray(), [0, 1]);
   * ```
   */
  tanh<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  tanh(options?: UfuncOptions): NDArray<FloatOf<N>>;
  tanh(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.tanh_, [this], options);
  }

  /**
   * Element-wise floor (integers and bools unchanged, as NumPy 2's `floor`).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Round down
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1.5, 1.5]).floor().toArray(), [-2, 1]);
   * ```
   */
  floor<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  floor(options?: UfuncOptions): NDArray<N>;
  floor(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.floor_, [this], options);
  }

  /**
   * Element-wise ceiling (integers and bools unchanged, as NumPy 2's `ceil`).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Round up
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1.5, 1.5]).ceil().toArray(), [-1, 2]);
   * ```
   */
  ceil<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  ceil(options?: UfuncOptions): NDArray<N>;
  ceil(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.ceil_, [this], options);
  }

  /**
   * Element-wise rounding toward zero (integers and bools unchanged, as NumPy
   * 2's `trunc`).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Drop fractions
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([-1.5, 1.5]).trunc().toArray(), [-1, 1]);
   * ```
   */
  trunc<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  trunc(options?: UfuncOptions): NDArray<N>;
  trunc(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.trunc_, [this], options);
  }

  /**
   * Element-wise rounding to the nearest integer, ties to even, as NumPy's
   * `rint` (integers give floats, as NumPy's loops).
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Ties go to even
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0.5, 1.5, 2.5, -0.5]).rint().toArray(), [0, 2, 2, -0]);
   * ```
   */
  rint<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  rint(options?: UfuncOptions): NDArray<FloatOf<N>>;
  rint(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.rint_, [this], options);
  }

  /**
   * Element-wise test for NaN, as NumPy's `isnan`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Find NaNs
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, NaN]).isnan().toArray(), [false, true]);
   * ```
   */
  isnan<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  isnan(options?: UfuncOptions): NDArray<"bool">;
  isnan(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.isnan_, [this], options);
  }

  /**
   * Element-wise test for positive or negative infinity, as NumPy's `isinf`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Find infinities
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, -Infinity]).isinf().toArray(), [false, true]);
   * ```
   */
  isinf<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  isinf(options?: UfuncOptions): NDArray<"bool">;
  isinf(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.isinf_, [this], options);
  }

  /**
   * Element-wise test for finite values (not NaN nor infinite), as NumPy's
   * `isfinite`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Find finite values
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1, NaN, Infinity]).isfinite().toArray(), [true, false, false]);
   * ```
   */
  isfinite<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  isfinite(options?: UfuncOptions): NDArray<"bool">;
  isfinite(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.isfinite_, [this], options);
  }

  /**
   * Element-wise logical not (zero is false), as NumPy's `logical_not`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type, or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Invert a mask
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 2]).logicalNot().toArray(), [true, false]);
   * ```
   */
  logicalNot<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  logicalNot(options?: UfuncOptions): NDArray<"bool">;
  logicalNot(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.logicalNot_, [this], options);
  }

  /**
   * Element-wise bitwise not of integers (logical not of bools), as NumPy's
   * `invert`.
   *
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If NumPy has no loop for the type (floats), or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Flip every bit
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([0, 5], { dtype: "uint8" }).invert().toArray(), [255, 250]);
   * ```
   */
  invert<O extends NDArray>(options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  invert(options?: UfuncOptions): NDArray<N>;
  invert(options?: UfuncOptions): NDArray {
    return callUfunc(ufuncs.invert_, [this], options);
  }

  /**
   * Element-wise rounding to `decimals` places, ties to even, as NumPy's
   * `round` (`around`): floats are multiplied by `10 ** decimals`, rounded
   * with `rint` and divided back in their own type (so the result is the
   * nearest float to that, not always the nearest to the decimal value);
   * integers are unchanged for `decimals >= 0` and rounded through float64
   * otherwise (then cast back, wrapping as NumPy); complex numbers round
   * each part.
   *
   * @param decimals Decimal places (default 0; negative rounds to tens,
   * hundreds ...).
   * @param options `out`: an array to write the result to, writable, of
   * this shape, of a type the result casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If `decimals` is not an integer or `out` is not a writable array.
   * @throws {RangeError} If `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Round prices and counts
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * assert.deepEqual(array([1.25, 2.675, 0.5]).round(1).toArray(), [1.2, 2.7, 0.5]);
   * assert.deepEqual(array([1250, 1350], { dtype: "int16" }).round(-2).toArray(), [1200, 1400]);
   * ```
   */
  round<O extends NDArray>(
    decimals: number | undefined,
    options: { out: O },
  ): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param decimals Decimal places (default 0).
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  round(decimals?: number, options?: UfuncOptions): NDArray<RoundOf<N>>;
  round(decimals: number = 0, options?: UfuncOptions): NDArray {
    const d = toInt(
      decimals,
      "compute round",
      "decimals",
      -(2 ** 31),
      2 ** 31 - 1,
    );
    return roundArray(this, d, options);
  }

  /**
   * Element-wise clipping into `[min, max]`, as NumPy's `clip`: `min` and
   * `max` broadcast against this array, `null` leaves that side open, a
   * NaN bound gives NaN, and an integer bound past an integer array's range
   * is no bound (NumPy's rule for Python integers).
   *
   * @param min The lower bound (a scalar, data or an array), or `null`.
   * @param max The upper bound, or `null`.
   * @param options `out`: an array to write the result to (in place when it
   * is an operand), writable, of the broadcast shape, of a type the result
   * casts to under NumPy's `same_kind` rule.
   * @returns A new in-memory array, or `out`.
   * @throws {TypeError} If `out` is not a writable array, or both bounds are null for a bool array.
   * @throws {RangeError} If the shapes do not broadcast, an integer bound does not fit the array's integer type, or `out` has the wrong shape or a type the result does not cast to.
   * @throws {Deno.errors.BadResource} If a memory map is closed.
   *
   * @example Limit values to a range
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([-5, 3, 12], { dtype: "int32" });
   * assert.deepEqual(a.clip(0, 10).toArray(), [0, 3, 10]);
   * assert.deepEqual(a.clip(null, 4).toArray(), [-5, 3, 4]);
   * ```
   */
  clip<
    const L extends ArrayInput | null,
    const H extends ArrayInput | null,
    O extends NDArray,
  >(min: L, max: H, options: { out: O }): O;
  /**
   * The same into a new in-memory array (see above).
   *
   * @param min The lower bound, or `null`.
   * @param max The upper bound, or `null`.
   * @param options No `out`: a new array.
   * @returns The new array.
   */
  clip<const L extends ArrayInput | null, const H extends ArrayInput | null>(
    min: L,
    max: H,
    options?: UfuncOptions,
  ): NDArray<ClipResult<N, L, H>>;
  clip(
    min: ArrayInput | null,
    max: ArrayInput | null,
    options?: UfuncOptions,
  ): NDArray {
    return clipArray(this, min, max, options);
  }

  /**
   * Iterates over axis 0: elements for a 1-D array, views of the
   * sub-arrays otherwise.
   *
   * @returns The iterator.
   * @throws {TypeError} If the array is 0-d.
   * @throws {Deno.errors.BadResource} If the memory map is closed.
   *
   * @example Loop over rows
   * ```ts
   * import { array, NDArray } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const sums = [];
   * for (const row of array([[1, 2], [3, 4]])) sums.push((row as NDArray).sum());
   * assert.deepEqual(sums, [3, 7]);
   * ```
   */
  *[Symbol.iterator](): Iterator<ElementOf<N> | NDArray<N>> {
    this.#open();
    if (this.ndim === 0) throw new TypeError("Cannot iterate over a 0-d array");
    const n = this.shape[0];
    if (this.ndim > 1) {
      for (let i = 0; i < n; i++) yield this.slice(i);
      return;
    }
    // The file's size, checked again after each yield (the caller's code
    // ran: a file cut there is cut before the next read, attack11 A6).
    const verify = this.storage.verify?.bind(this.storage);
    for (let i = 0; i < n; i++) {
      // Elements are read through direct views: each run of them has its
      // pages asked for first, as a walk's window (a file cut short by
      // another program is then EFAULT, not SIGBUS; attack8 F1).
      if (i % ITERATION_RUN === 0) {
        prepareWhole(
          this.slice(`${i}:${Math.min(n, i + ITERATION_RUN)}`),
          false,
        );
      } else verify?.();
      yield this.get(i);
    }
  }

  /**
   * Refuses `JSON.stringify`, as Python's `json.dumps` refuses an
   * `ndarray`: an array is memory, not a JSON value (a memmap may be
   * gigabytes; int64 elements are bigints). Convert its values instead:
   * `JSON.stringify(a.toArray())`, as `json.dumps(a.tolist())`.
   *
   * @returns Never.
   * @throws {Deno.errors.BadResource} If it is closed (checked first).
   * @throws {TypeError} Otherwise, always, naming `toArray()`.
   *
   * @example
   * ```ts
   * import { array } from "@seed/mmap";
   * import assert from "node:assert/strict";
   * const a = array([[1, 2], [3, 4]]);
   * assert.throws(() => JSON.stringify(a), TypeError);
   * assert.equal(JSON.stringify(a.toArray()), "[[1,2],[3,4]]");
   * ```
   */
  toJSON(): never {
    if (isDetached(this.storage)) throwClosed(this.storage);
    return refuseJSON(
      "an NDArray",
      "convert its values instead, JSON.stringify(a.toArray()) (as NumPy's json.dumps(a.tolist()))",
    );
  }

  /** Shows the array like NumPy's `repr` in `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    if (isDetached(this.storage)) return `${this.constructor.name}(<closed>)`;
    // Shown compactly; JSON cannot hold bigints, so they are shown as
    // numbers, and bytes as lists of numbers.
    const body = this.size > 1000 ? `<${this.size} elements>` : JSON.stringify(
      this.toArray(),
      (_k, v) =>
        typeof v === "bigint"
          ? Number(v)
          : v instanceof Uint8Array
          ? Array.from(v)
          : v,
    );
    const name = this.constructor.name === "Memmap" ? "memmap" : "array";
    return `${name}(${body}, dtype=${
      this.dtype.isNative ? this.dtype.name : this.dtype.str
    }, shape=${formatShape(this.shape)})`;
  }
}

// A method or getter called on anything but an array throws the library's
// TypeError; the methods and getters the walks go through cannot be replaced.
// The element accessors check it themselves (a wrapper would slow a loop of
// them by a tenth or more).
guardReceivers(NDArray.prototype, "NDArray", isNDArray, AN_NDARRAY, [
  "get",
  "set",
]);
Object.freeze(NDArray.prototype);

/**
 * Whether a value is an {@linkcode NDArray} (a brand check: a Proxy or an
 * object with NDArray's prototype is not one, and no code of it runs).
 *
 * @param x Any value.
 * @returns `true` for arrays made by this library.
 */
export function isArrayObject(x: unknown): x is NDArray {
  return isNDArray(x);
}

/** The internal read/write accessor of an array (for other modules of this package). */
export function arrayIO(a: NDArray): RunIO {
  return ioOf(a);
}

function isScalarInput(x: unknown): x is Scalar | Complex {
  return typeof x === "number" || typeof x === "bigint" ||
    typeof x === "boolean" || isComplex(x);
}

/** Converts a domain value to the element `get()` returns. */
function domainToElement(dt: DType, buf: DomainBuffer, i: number): Element {
  if (dt.kind === "c") {
    return { re: buf[2 * i] as number, im: buf[2 * i + 1] as number };
  }
  if (dt.kind === "b") return buf[i] !== 0;
  return buf[i];
}

function setDomain(
  buf: DomainBuffer,
  i: number,
  v: number | bigint | [number, number],
): void {
  if (Array.isArray(v)) {
    buf[2 * i] = v[0];
    buf[2 * i + 1] = v[1];
  } else (buf as Float64Array)[i] = v as number;
}

/**
 * Converts a scalar to the domain value stored for type `dt`, with NumPy's
 * checks for Python scalars.
 *
 * @throws {TypeError} For a value of the wrong type (e.g. complex into a real array).
 * @throws {RangeError} For integers that do not fit, or non-finite floats into integers.
 */
export function toDomainScalar(
  dt: DType,
  v: unknown,
): number | bigint | [number, number] {
  const kind = dt.kind;
  if (kind === "M" || kind === "m") return toDateCount(dt, v);
  if (kind === "c") {
    if (typeof v === "number") return [v, 0];
    if (typeof v === "bigint") return [Number(v), 0];
    if (typeof v === "boolean") return [v ? 1 : 0, 0];
    const parts = complexParts(v);
    if (parts !== undefined) return parts;
  } else if (kind === "f") {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "boolean") return v ? 1 : 0;
  } else if (kind === "b") {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v !== 0 ? 1 : 0;
    if (typeof v === "bigint") return v !== 0n ? 1 : 0;
    const parts = complexParts(v);
    if (parts !== undefined) return parts[0] !== 0 || parts[1] !== 0 ? 1 : 0;
  } else {
    const big = dt.itemsize === 8;
    if (typeof v === "boolean") return big ? (v ? 1n : 0n) : (v ? 1 : 0);
    if (typeof v === "bigint") {
      checkIntFits(v, dt);
      return big ? v : Number(v);
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `Cannot convert ${v} to ${dt.name}: not a finite number`,
        );
      }
      // As NumPy 2: a float becomes an integer (truncated), which must fit.
      const t = Math.trunc(v) + 0;
      checkIntFits(t, dt);
      return big ? BigInt(t) : t;
    }
  }
  throw new TypeError(
    `Cannot convert ${
      complexParts(v) !== undefined ? "a complex number" : describe(v)
    } to ${dt.name}`,
  );
}

/**
 * A 0-d in-memory array holding one scalar converted to `dt`.
 *
 * @param dt The type.
 * @param v The value.
 * @returns The array.
 * @throws {TypeError} For a value of the wrong type.
 * @throws {RangeError} For an integer that does not fit `dt`.
 */
export function scalarArray(dt: DType, v: Scalar | Complex): NDArray {
  const a = empty([], dt);
  const buf = newDomainBuffer(dt, 1);
  setDomain(buf, 0, toDomainScalar(dt, v));
  writeRun(ioOf(a), 0, 0, 1, buf, 0);
  return a;
}

/**
 * Creates a zero-filled in-memory C-contiguous array.
 *
 * @param shape The shape.
 * @param dt The element type.
 * @param plain Whether its memory is a plain `ArrayBuffer` of its own (a
 * copy handed over as a typed array), not an array memory (`allocateArray`).
 * @returns The array.
 */
export function empty(
  shape: readonly number[],
  dt: DType,
  plain = false,
): NDArray {
  const dims = toShape(shape, "create an array", dt.itemsize);
  const nbytes = shapeSize(dims) * dt.itemsize;
  let storage: ArrayStorage;
  try {
    storage = memoryStorage(
      plain ? new Uint8Array(allocate(nbytes)) : nbytes,
    );
  } catch {
    throw new RangeError(
      `Cannot create an array of shape ${
        formatShape(dims)
      } ${dt.name}: cannot allocate ${nbytes} bytes of memory`,
    );
  }
  return new NDArray(storage, dt, dims);
}

/** Reads all elements of `a` in C order into `dst` (a domain buffer of `dstType`). */
function readAll(a: NDArray, dst: DomainBuffer, dstType: DType): void {
  const io = ioOf(a);
  let j = 0;
  walk(
    a.shape,
    [operandOf(a)],
    (offs, count, strides) => {
      readRun(io, offs[0], strides[0], count, dst, dstType, j);
      j += count;
    },
  );
}

/**
 * Builds an array from JavaScript data (see {@linkcode array}).
 *
 * @param data Flat, nested or typed data, or an array.
 * @param dt The element type; inferred when omitted.
 * @param copy Copy typed arrays (true) or view them (false).
 * @param shape A shape to give the data.
 */
export function fromData(
  data: unknown,
  dt?: DType,
  copy = true,
  shape?: readonly number[],
): NDArray {
  let out: NDArray;
  if (
    !isNDArray(data) &&
    (dt !== undefined ? wantsItems(dt) : looksLikeItems(data))
  ) {
    out = itemsFromData(data, dt);
  } else if (isNDArray(data)) {
    out = copy || (dt !== undefined && !dt.equals(data.dtype))
      ? data.astype(dt ?? data.dtype)
      : data;
  } else if (isScalarInput(data)) {
    out = scalarArray(dt ?? inferScalar(data), data);
  } else {
    const flat = flatten(data);
    if (flat.typed !== undefined) {
      const t = flat.typed;
      const bytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
      const view = new NDArray(memoryStorage(bytes), flat.dtype, flat.shape);
      out = copy || (dt !== undefined && !dt.equals(view.dtype))
        ? view.astype(dt ?? view.dtype)
        : view;
    } else {
      const t = dt ?? flat.dtype;
      out = empty(flat.shape, t);
      const n = flat.values.length;
      const buf = newDomainBuffer(t, n);
      for (let i = 0; i < n; i++) {
        setDomain(buf, i, toDomainScalar(t, flat.values[i]));
      }
      writeRun(ioOf(out), 0, t.itemsize, n, buf, 0);
    }
  }
  if (shape !== undefined) {
    const dims = normalizeShape(shape);
    if (shapeSize(dims) !== out.size) {
      throw new TypeError(
        `Cannot reshape array of size ${out.size} into shape ${
          formatShape(dims)
        }`,
      );
    }
    out = out.reshape(dims);
  }
  return out;
}

function inferScalar(x: Scalar | Complex): DType {
  if (typeof x === "boolean") return nativeDType("bool");
  if (typeof x === "bigint") return nativeDType("int64");
  if (isComplex(x)) return nativeDType("complex128");
  return nativeDType("float64");
}

/** Strides given to the constructor: one safe integer per dimension. */
function toStrides(strides: unknown, dims: readonly number[]): number[] {
  const call = "create an array";
  if (!isArray(strides) || strides.length !== dims.length) {
    throw new TypeError(
      `Cannot ${call} of shape ${formatShape(dims)} with strides ${
        describe(strides)
      }: strides must be an array of ${dims.length} integers`,
    );
  }
  const out = new Array<number>(dims.length);
  for (let k = 0; k < dims.length; k++) {
    out[k] = toInt(strides[k], call, "stride");
  }
  return out;
}

/** The dimensions given to `reshape()`: integers (or one list of them), -1 allowed. */
function reshapeDims(shape: readonly unknown[]): number[] {
  const call = "reshape";
  let list: readonly unknown[] = shape;
  if (
    shape.length === 1 && typeof shape[0] !== "number" &&
    typeof shape[0] !== "bigint"
  ) {
    if (!isArray(shape[0])) {
      throw new TypeError(
        `Cannot ${call} to ${
          describe(shape[0])
        }: the shape must be integers or one array of them`,
      );
    }
    list = shape[0];
  }
  const n: unknown = list.length;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`Cannot ${call}: the shape's length is not a count`);
  }
  checkDims(n, call);
  const dims = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    dims[k] = toInt(list[k], call, "dimension", -1, MAX_SAFE);
  }
  return dims;
}

/** Re-exported so `dtype` objects created elsewhere compare with `instanceof`. */
export { DType };

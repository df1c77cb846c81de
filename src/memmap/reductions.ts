/**
 * The reductions of {@linkcode NDArray} as NumPy's methods give them: over
 * all axes, one axis or a list of axes, with `keepdims`, NumPy's result
 * types, a scalar only when no axis is given (and `keepdims` is not set).
 * Each reduction is a row of {@linkcode OPS}; the work is done by the
 * engines: `reduce.ts` (kernels; whole arrays and single axes),
 * `reduce_ordered.ts` (float sums, means and products in NumPy's order
 * over any axes), `reduce_free.ts` (order-free reductions over any axes).
 *
 * @module
 */

import { castCopy } from "./ufunc/engine.ts";
import { type DType, nativeDType } from "./dtype.ts";
import type { DomainBuffer } from "./element.ts";
import { NAT } from "./datetime.ts";
import {
  checkArithmetic,
  countsOf,
  itemTruth,
  wantsItems,
} from "./item_arrays.ts";
import { isDateLike, isLongDouble } from "./items.ts";
import { arrayIO, empty, NDArray } from "./ndarray.ts";
import type { Element } from "./nested.ts";
import {
  reduceAll,
  reduceAxis,
  type ReduceView,
  withShower,
} from "./reduce.ts";
import { keepdimsOf, reducedShape, reductionAxes } from "./reduce_axes.ts";
import { reduceFree } from "./reduce_free.ts";
import { settleNaNs } from "./reduce_nan.ts";
import { type OrderedOp, reduceOrdered } from "./reduce_ordered.ts";
import { isCContiguous, shapeSize } from "./shape.ts";
import { memoryDims } from "./reduce_plan.ts";
import type { KernelType } from "./kernels/reduce_kernels.ts";
import { SIZE } from "./kernels/reduce_run.ts";
import { settings } from "./kernels/runtime.ts";
import { truthKindOf } from "./kernels/search_kernels.ts";
import { firstTruth } from "./kernels/search_run.ts";
import {
  kernelMemoryOf,
  memoryStorage,
  overlayOf,
  prepareWhole,
  releaseFor,
  spanOf,
} from "./storage.ts";

/** The reductions this module runs. */
export type ReductionName =
  | "sum"
  | "mean"
  | "min"
  | "max"
  | "prod"
  | "any"
  | "all";

const F64 = nativeDType("float64");
const I64 = nativeDType("int64");
const U64 = nativeDType("uint64");
const BOOL = nativeDType("bool");
const C128 = nativeDType("complex128");

/** One reduction: how messages name it and its result type. */
interface Op {
  /** What the call does, for messages. */
  call: string;
  /** NumPy's result type for elements of `dt`. */
  result(dt: DType): DType;
  /** Whether the order of the elements matters for `dt` (float sums and products). */
  ordered(dt: DType): boolean;
  /** Whether an empty reduction is an error (no identity). */
  needsElements?: boolean;
  /** Whether a 0-d array refuses axis 0 (NumPy's `mean`, `std`, `var`; its ufunc reductions take it). */
  strictAxes?: boolean;
}

const inexact = (dt: DType) => dt.kind === "f" || dt.kind === "c";
/** NumPy's sum and product type: int64/uint64 for integers and bool. */
const widened = (dt: DType) =>
  dt.kind === "b" || dt.kind === "i"
    ? I64
    : dt.kind === "u"
    ? U64
    : dt.toNative();

/** The table of reductions. */
const OPS: Record<ReductionName, Op> = {
  sum: { call: "sum", result: widened, ordered: inexact },
  prod: { call: "compute the product", result: widened, ordered: inexact },
  mean: {
    call: "compute the mean",
    result: (dt) => inexact(dt) ? dt.toNative() : F64,
    ordered: () => true,
    strictAxes: true,
  },
  min: {
    call: "compute the minimum",
    result: (dt) => dt.toNative(),
    ordered: (dt) => dt.kind === "c", // which NaN wins depends on the order
    needsElements: true,
  },
  max: {
    call: "compute the maximum",
    result: (dt) => dt.toNative(),
    ordered: (dt) => dt.kind === "c",
    needsElements: true,
  },
  any: { call: "test any", result: () => BOOL, ordered: () => false },
  all: { call: "test all", result: () => BOOL, ordered: () => false },
};

/** Validated arguments of a reduction. */
export interface ReductionArgs {
  /** Reduced axes, or `null` for all (a scalar result unless `keepdims`). */
  reduced: boolean[] | null;
  /** Keep reduced axes as length 1. */
  keepdims: boolean;
}

/**
 * Converts and checks a reduction's arguments (before the array is used).
 *
 * @param name The reduction.
 * @param ndim The array's number of axes.
 * @param axis The `axis` argument.
 * @param options The options argument.
 * @returns The arguments.
 * @throws {TypeError} For an axis that is not an integer (or list of them), or bad options.
 * @throws {RangeError} For an axis that does not exist or is repeated.
 */
export function reductionArgs(
  name: ReductionName,
  ndim: number,
  axis: unknown,
  options: unknown,
): ReductionArgs {
  const op = OPS[name];
  const reduced = reductionAxes(axis, ndim, op.call, false, op.strictAxes);
  return { reduced, keepdims: keepdimsOf(options, op.call) };
}

/**
 * The view reductions read (windows and in-place kernels for memory maps).
 * A memory map's pages are asked for first, a window at a time (see
 * `prepareWhole`: pages the kernel cannot give are an error, not a fault),
 * as reductions along axes and over sparse views do not all go up through
 * memory reading each window ahead; but a whole reduction of a C-order view
 * larger than the release threshold reads its windows ahead as it goes
 * (and releases them behind), so that the data is read once.
 *
 * @param a The array reduced.
 * @param whole Whether every axis longer than 1 is reduced.
 */
export function reduceViewOf(a: NDArray, whole: boolean): ReduceView {
  const release = releaseFor(a.storage, spanOf(a));
  const prepared = !whole || release === undefined ||
    !isCContiguous(a.shape, a.strides, a.itemsize);
  // Readers in TypeScript check the file again as they go (see PageCheck).
  const check = prepared ? prepareWhole(a, false) : undefined;
  const io = arrayIO(a);
  return {
    io: check === undefined ? io : { ...io, check },
    shape: a.shape,
    strides: a.strides,
    offset: a.byteOffset,
    release,
    prefetch: a.storage.prefetch?.bind(a.storage),
    overlay: overlayOf(a.storage),
    memory: kernelMemoryOf(a.storage),
    prepared,
  };
}

/** The type of the values a domain buffer holds (`complex`: pairs of float64). */
function domainType(
  buffer: DomainBuffer | Uint8Array,
  complex: boolean,
): DType {
  if (buffer instanceof BigInt64Array) return I64;
  if (buffer instanceof BigUint64Array) return U64;
  if (buffer instanceof Uint8Array) return BOOL;
  return complex ? C128 : F64;
}

/** An in-memory array over the values of a domain buffer. */
function arrayOver(
  buffer: DomainBuffer | Uint8Array,
  complex: boolean,
  shape: readonly number[],
  strides?: readonly number[],
): NDArray {
  const bytes = new Uint8Array(
    buffer.buffer as ArrayBuffer,
    buffer.byteOffset,
    buffer.byteLength,
  );
  return new NDArray(
    memoryStorage(bytes),
    domainType(buffer, complex),
    shape,
    strides,
  );
}

/**
 * Runs a reduction of an open array with checked arguments.
 *
 * @param a The array.
 * @param name The reduction.
 * @param args The arguments ({@linkcode reductionArgs}).
 * @returns A scalar (no axis, no `keepdims`) or an in-memory array.
 * @throws {RangeError} For `min`/`max` over an empty axis.
 * @throws {TypeError} For a reduction the type does not support.
 */
export function reduceArray(
  a: NDArray,
  name: ReductionName,
  args: ReductionArgs,
): Element | NDArray {
  const op = OPS[name];
  const reduced = args.reduced ?? a.shape.map(() => true);
  const shape = reducedShape(a.shape, reduced, false);
  let count = 1;
  a.shape.forEach((n, k) => count *= reduced[k] ? n : 1);
  if (op.needsElements && count === 0) {
    throw new RangeError(
      `Cannot ${op.call} of an empty array: zero-size reduction has no identity`,
    );
  }
  const result = wantsItems(a.dtype)
    ? itemReduction(a, name, reduced, shape)
    : numericReduction(a, name, reduced, shape, args.keepdims);
  const kept = args.keepdims
    ? result.reshape(reducedShape(a.shape, reduced, true))
    : result;
  if (args.reduced !== null || args.keepdims) return kept;
  return scalarOf(name, a.dtype, result.get() as Element);
}

/** The result of a reduction of a numeric array, C-contiguous, of NumPy's result type. */
function numericReduction(
  a: NDArray,
  name: ReductionName,
  reduced: boolean[],
  shape: number[],
  keepdims: boolean,
): NDArray {
  const op = OPS[name];
  const dt = a.dtype;
  const resultType = op.result(dt);
  const complex = dt.kind === "c" && name !== "any" && name !== "all";
  const v = reduceViewOf(
    a,
    reduced.every((r, k) => r || a.shape[k] === 1),
  );
  // Axes that really reduce (length 1 axes change nothing but for float sums' +0).
  const real = reduced.flatMap((r, k) => r && a.shape[k] !== 1 ? [k] : []);
  const keptSize = shapeSize(shape);
  let out: NDArray;
  let found: boolean | null = null;
  if (
    (name === "sum" || (name === "mean" && !(keepdims && dt.itemsize === 2)) ||
      ((name === "min" || name === "max") && dt.kind !== "c")) &&
    real.length === reduced.filter((r) => r).length && keptSize > 0 &&
    (real.length === 1 || real.length === a.ndim)
  ) {
    // The kernels' engine: whole arrays and single axes.
    if (real.length === a.ndim) {
      const r = reduceAll(name, v);
      out = arrayOver(r.buffer, complex, shape);
    } else {
      const r = reduceAxis(name, v, real[0]);
      out = arrayOver(r.buffer, complex, r.shape);
    }
  } else if (
    (name === "any" || name === "all") &&
    real.length === a.ndim && keptSize === 1 &&
    (a.size > 0 && (found = truthOf(v, name === "any")) !== null)
  ) {
    out = arrayOver(Uint8Array.of(found ? 1 : 0), false, shape);
  } else if (op.ordered(dt)) {
    const r = reduceOrdered(
      name as OrderedOp,
      v,
      reduced,
      shape.length === 0 && !keepdims,
    );
    const unit = r.dtype.itemsize;
    out = arrayOver(
      r.buffer,
      complex,
      shape,
      r.strides.filter((_, k) => !reduced[k]).map((s) => s * unit),
    );
  } else {
    const r = reduceFree(name as "sum" | "prod" | "min" | "max", v, reduced);
    out = arrayOver(r.buffer, complex, shape);
  }
  const result = out.dtype.equals(resultType) &&
      isCContiguous(out.shape, out.strides, out.itemsize)
    ? out
    : castCopy(out, resultType); // C-contiguous (astype keeps K order)
  if ((name === "min" || name === "max") && dt.kind === "f") {
    settleNaNs(v, reduced, result); // the first NaN's bits, as NumPy's
  }
  return result;
}

/**
 * `any` (`want` true) or `all` of a view whose elements fill one block of
 * memory, with the kernels, which stop at the first element that decides;
 * null when they cannot.
 */
function truthOf(v: ReduceView, want: boolean): boolean | null {
  const dt = v.io.dtype;
  if (!dt.littleEndian || settings.off) return null;
  const complex = dt.kind === "c";
  const type = complex ? (dt.itemsize === 16 ? "float64" : "float32") : dt.name;
  if (!(type in SIZE) || (complex && !want)) return null;
  const { dims, offset } = memoryDims(v.shape, v.strides, v.offset);
  if (dims.length > 1 || (dims.length === 1 && dims[0].s !== dt.itemsize)) {
    return null;
  }
  const bytes = (dims[0]?.n ?? 1) * dt.itemsize;
  const kind = truthKindOf(type as KernelType);
  const at = withShower(
    v,
    (sh) => sh === null ? null : firstTruth(sh, kind, want, offset, bytes),
  );
  // any: a true element was found; all: no false one was.
  return at === null ? null : want ? at >= 0 : at < 0;
}

/**
 * Reductions of the types `item_arrays.ts` handles: `min`/`max` of
 * datetimes and timedeltas, `sum`/`mean` of timedeltas; anything else is a
 * `TypeError`.
 */
function itemReduction(
  a: NDArray,
  name: ReductionName,
  reduced: boolean[],
  shape: number[],
): NDArray {
  const dt = a.dtype;
  if (isLongDouble(dt)) checkArithmetic(OPS[name].call, dt);
  if (name === "min" || name === "max") {
    if (isDateLike(dt)) return countReduction(a, name, reduced, shape);
  } else if (name === "any" || name === "all") {
    if (dt.names === null && dt.kind !== "V") {
      // Strings of no characters are all false, whatever their number: the
      // truths of one element per line (none for an empty line) say it.
      const truth = (dt.kind === "S" || dt.kind === "U") && dt.itemsize === 0
        ? empty(
          a.shape.map((n, k) => reduced[k] ? Math.min(n, 1) : n),
          nativeDType("bool"),
        )
        : itemTruth(a);
      return numericReduction(truth, name, reduced, shape, false);
    }
  } else if (name === "sum" || name === "mean") {
    if (dt.kind === "m") return countReduction(a, name, reduced, shape);
    if (dt.kind === "M") {
      throw new TypeError(
        `Cannot compute the ${name} of an array of ${dt.name}: datetimes cannot be added (timedeltas can)`,
      );
    }
  }
  throw new TypeError(
    `Cannot ${
      OPS[name].call
    } of an array of ${dt.name}: not supported for this type`,
  );
}

/**
 * `min`/`max` of datetimes or timedeltas, `sum`/`mean` of timedeltas, run
 * by the int64 engines on their counts (NumPy's loops are int64 loops too);
 * NaT, the int64 minimum, anywhere in a line makes the line's result NaT.
 * A mean is the sum divided by the count, truncated toward zero as NumPy's
 * timedelta division (NaT for no elements).
 */
function countReduction(
  a: NDArray,
  name: "min" | "max" | "sum" | "mean",
  reduced: boolean[],
  shape: number[],
): NDArray {
  const counts = countsOf(a);
  // No elements (sums of nothing): no NaT, and no minimum to look at.
  const empty = a.shape.some((n, k) => reduced[k] && n === 0);
  const low = empty
    ? undefined
    : numericReduction(counts, "min", reduced, shape, false);
  const r = name === "min" ? low! : numericReduction(
    counts,
    name === "mean" ? "sum" : name,
    reduced,
    shape,
    false,
  );
  if (r !== low) {
    const lows = low?.toTypedArray() as BigInt64Array | undefined;
    const out = r.toTypedArray() as BigInt64Array;
    let n = 1n;
    a.shape.forEach((d, k) => n *= reduced[k] ? BigInt(d) : 1n);
    for (let i = 0; i < out.length; i++) {
      if (lows?.[i] === NAT) out[i] = NAT;
      else if (name === "mean") out[i] = n === 0n ? NAT : out[i] / n;
    }
    return new NDArray(
      memoryStorage(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
      a.dtype.toNative(),
      shape,
    );
  }
  return new NDArray(
    r.storage,
    a.dtype.toNative(),
    r.shape,
    r.strides,
    r.byteOffset,
  );
}

/**
 * A whole-array reduction's value as the library gives it: a `sum` or
 * `prod` of signed or unsigned integers is a `bigint` (NumPy's
 * int64/uint64), of bools a `number`; everything else as `get()` gives it.
 */
function scalarOf(name: ReductionName, dt: DType, value: Element): Element {
  if ((name === "sum" || name === "prod") && dt.kind === "b") {
    return Number(value);
  }
  return value;
}

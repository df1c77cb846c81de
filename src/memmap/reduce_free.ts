/**
 * Reductions whose result does not depend on the order of the elements,
 * over any set of axes: integer (and bool) sums and products (exact modulo
 * 2^64, NumPy's int64/uint64 results), minima and maxima of real numbers
 * (NaN wins, -0 below +0), `any` and `all`. The walk follows the operand's memory order
 * (windows of memory maps are released as it goes); each run of elements
 * goes into its results one by one (a result stride of 0: all into one).
 *
 * @module
 */

import { allocate } from "./alloc.ts";
import { type DType, nativeDType } from "./dtype.ts";
import {
  type DomainBuffer,
  domainOf,
  newDomainBuffer,
  readRun,
} from "./element.ts";
import { walk } from "./iterate.ts";
import type { ReduceView } from "./reduce.ts";

/** The order-free reductions. */
export type FreeOp = "sum" | "prod" | "min" | "max" | "any" | "all";

const F64 = nativeDType("float64");
const C128 = nativeDType("complex128");
const I64 = nativeDType("int64");
const U64 = nativeDType("uint64");
const BOOL = nativeDType("bool");

/** A result of {@linkcode reduceFree}: values in C order of the kept axes. */
export interface FreeResult {
  /** The buffer's type: bool for any/all, int64/uint64 for integer sums and products, else the element domain. */
  dtype: DType;
  /** The values. */
  buffer: DomainBuffer | Uint8Array;
}

/** The type results are computed in. */
function workType(op: FreeOp, dt: DType): DType {
  if (op === "any" || op === "all") return BOOL;
  if (op === "sum" || op === "prod") return dt.kind === "u" ? U64 : I64;
  return domainOf(dt) === "bigint" ? dt.toNative() : F64;
}

/** The starting value of each result. */
function initial(op: FreeOp, work: DType): number | bigint {
  switch (op) {
    case "any":
      return 0;
    case "all":
      return 1;
    case "sum":
      return 0n;
    case "prod":
      return 1n;
  }
  if (work.kind === "i") {
    return op === "min" ? 2n ** 63n - 1n : -(2n ** 63n);
  }
  if (work.kind === "u") return op === "min" ? 2n ** 64n - 1n : 0n;
  return op === "min" ? Infinity : -Infinity;
}

/**
 * Reduces the view over the axes marked in `reduced` (none of length 0 for
 * `min`/`max`: the caller checks).
 *
 * @param op The reduction.
 * @param v The view.
 * @param reduced Which axes are reduced.
 * @returns The results in C order of the kept axes.
 */
export function reduceFree(
  op: FreeOp,
  v: ReduceView,
  reduced: readonly boolean[],
): FreeResult {
  const dt = v.io.dtype;
  const work = workType(op, dt);
  // Result strides (in results): C order of the kept axes, 0 along reduced ones.
  const outStrides = new Array<number>(v.shape.length).fill(0);
  let size = 1;
  for (let k = v.shape.length - 1; k >= 0; k--) {
    if (reduced[k]) continue;
    outStrides[k] = size;
    size *= v.shape[k];
  }
  const buffer = work === BOOL
    ? new Uint8Array(allocate(size))
    : newDomainBuffer(work, size);
  buffer.fill(initial(op, work) as never);
  if (size === 0 || v.shape.some((n) => n === 0)) {
    return { dtype: work, buffer };
  }
  // Elements are read as numbers (pairs for complex) or bigints (64-bit integers).
  const readType = dt.kind === "c"
    ? C128
    : domainOf(dt) === "bigint"
    ? dt.toNative()
    : F64;
  let tmp = newDomainBuffer(readType, 1024);
  const combine = combiner(op, work, dt, buffer);
  walk(
    v.shape,
    [{ offset: v.offset, strides: v.strides }, {
      offset: 0,
      strides: outStrides,
    }],
    (offs, count, strides) => {
      if (tmp.length < count * (dt.kind === "c" ? 2 : 1)) {
        tmp = newDomainBuffer(readType, count);
      }
      readRun(v.io, offs[0], strides[0], count, tmp, readType, 0);
      combine(tmp, count, offs[1], strides[1]);
    },
    {
      memoryOrder: true,
      release: v.release,
      prefetch: v.prefetch,
      itemsize: dt.itemsize,
    },
  );
  return { dtype: work, buffer };
}

type Combine = (
  x: DomainBuffer,
  n: number,
  q: number,
  s: number,
) => void;

/** The loop that folds `n` read elements into results from `q`, `s` apart. */
function combiner(
  op: FreeOp,
  work: DType,
  dt: DType,
  out: DomainBuffer | Uint8Array,
): Combine {
  if (op === "any" || op === "all") {
    const o = out as Uint8Array;
    const any = op === "any";
    if (dt.kind === "c") {
      return (x, n, q, s) => {
        const t = x as Float64Array;
        for (let i = 0; i < 2 * n; i += 2, q += s) {
          const truth = t[i] !== 0 || t[i + 1] !== 0;
          if (any ? truth : !truth) o[q] = any ? 1 : 0;
        }
      };
    }
    return (x, n, q, s) => {
      for (let i = 0; i < n; i++, q += s) {
        const truth = x[i] !== 0 && x[i] !== 0n;
        if (any ? truth : !truth) o[q] = any ? 1 : 0;
      }
    };
  }
  if (op === "sum" || op === "prod") {
    const o = out as BigInt64Array;
    const big = domainOf(dt) === "bigint";
    if (op === "sum") {
      return (x, n, q, s) => {
        if (s === 0 && !big) {
          // At most a run of 32-bit values: exact in a double.
          const t = x as Float64Array;
          let r = 0;
          for (let i = 0; i < n; i++) r += t[i];
          o[q] += BigInt(r);
          return;
        }
        for (let i = 0; i < n; i++, q += s) {
          o[q] += big ? (x[i] as bigint) : BigInt(x[i]);
        }
      };
    }
    return (x, n, q, s) => {
      for (let i = 0; i < n; i++, q += s) {
        o[q] *= big ? (x[i] as bigint) : BigInt(x[i]);
      }
    };
  }
  const min = op === "min";
  if (domainOf(work) === "bigint") {
    const o = out as BigInt64Array;
    return (x, n, q, s) => {
      const t = x as BigInt64Array;
      for (let i = 0; i < n; i++, q += s) {
        if (min ? t[i] < o[q] : t[i] > o[q]) o[q] = t[i];
      }
    };
  }
  const o = out as Float64Array;
  return (x, n, q, s) => {
    const t = x as Float64Array;
    if (min) {
      for (let i = 0; i < n; i++, q += s) o[q] = Math.min(o[q], t[i]);
    } else for (let i = 0; i < n; i++, q += s) o[q] = Math.max(o[q], t[i]);
  };
}

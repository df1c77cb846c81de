/**
 * Calling a ufunc the way NumPy does: operands converted to arrays (plain
 * JavaScript scalars stay "weak", NEP 50), the loop resolved from their
 * types, the output allocated with the loop's type or `out` checked
 * (writable, of the broadcast shape, and accepting the result under
 * NumPy's `same_kind` rule), then the engine runs.
 *
 * @module
 */

import type { DType } from "../dtype.ts";
import { nativeDType } from "../dtype.ts";
import {
  empty,
  fromData,
  isArrayObject,
  type NDArray,
  scalarArray,
} from "../ndarray.ts";
import { describe, toOptions } from "../../_args.ts";
import { compareItems } from "../item_compare.ts";
import { isDateLike } from "../items.ts";
import { isComplex } from "../nested.ts";
import { checkIntFits, resultType } from "../promotion.ts";
import { broadcastShapes, formatShape } from "../shape.ts";
import { isDetached, throwClosed, throwReadOnly } from "../storage.ts";
import { castInto, execute } from "./engine.ts";
import { emptyResult } from "./layout.ts";
import { canCast, resolveLoop, type WeakKind, weakType } from "./resolve.ts";
import type { Ufunc } from "./table.ts";

/** Options of every element-wise method. */
export interface UfuncOptions {
  /**
   * Where to write the result instead of a new array: writable, of the
   * broadcast shape of the operands, of a type the result casts to under
   * NumPy's `same_kind` rule; it may be an operand itself (in place).
   */
  out?: NDArray;
}

/** An operand of a ufunc call: an array, or a plain scalar that stays weak. */
export type Operand =
  | { array: NDArray; weak?: undefined }
  | { array?: undefined; weak: WeakKind; value: unknown };

/** The weak kind of a plain JavaScript scalar, if it is one. */
export function weakKindOf(x: unknown): WeakKind | undefined {
  if (typeof x === "boolean") return "b";
  if (typeof x === "bigint") return "i";
  if (typeof x === "number") return Number.isInteger(x) ? "i" : "f";
  if (isComplex(x)) return "c";
  return undefined;
}

/**
 * Converts one argument of a ufunc call.
 *
 * @param x An array, a plain scalar or JavaScript data.
 * @returns The operand.
 */
export function operand(x: unknown): Operand {
  if (isArrayObject(x)) return { array: x };
  const weak = weakKindOf(x);
  if (weak !== undefined) return { weak, value: x };
  return {
    array: fromData(x, undefined, false),
  };
}

/**
 * Checks an `out` option and returns the output array.
 *
 * @throws {TypeError} If `out` is not an array or is read-only.
 * @throws {RangeError} If its shape is not the broadcast shape or the result does not cast to it.
 */
export function checkOut(
  ufunc: Ufunc,
  out: unknown,
  shapes: readonly (readonly number[])[],
  result: DType,
): NDArray {
  if (!isArrayObject(out)) {
    throw new TypeError(
      `Cannot compute ${ufunc.name} into ${
        describe(out)
      }: out must be an NDArray`,
    );
  }
  if (isDetached(out.storage)) throwClosed(out.storage);
  if (out.storage.readOnly) throwReadOnly(out.storage);
  const operands = broadcastShapes(...shapes);
  let shape: readonly number[] = operands;
  try {
    shape = broadcastShapes(operands, out.shape);
  } catch { /* reported below */ }
  if (
    shape.length !== out.ndim || shape.some((n, k) => n !== out.shape[k])
  ) {
    throw new RangeError(
      `Cannot compute ${ufunc.name} into out of shape ${
        formatShape(out.shape)
      }: the operands broadcast to ${formatShape(operands)}`,
    );
  }
  if (!canCast(result, out.dtype, "same_kind")) {
    throw new RangeError(
      `Cannot compute ${ufunc.name} into out of type ${out.dtype.name}: ` +
        `the ${result.name} result does not cast to it under NumPy's same_kind rule`,
    );
  }
  return out;
}

/** Whether arrays of a type are compared by item_compare.ts: kinds S, U, V, M, m. */
function comparesAsItems(dt: DType): boolean {
  return dt.kind === "S" || dt.kind === "U" || dt.kind === "V" ||
    isDateLike(dt);
}

/**
 * Computes `ufunc` of `args` (the first an array) with NumPy's promotion,
 * broadcasting and `out`.
 *
 * @param ufunc The operation.
 * @param args The operands.
 * @param options `out`.
 * @returns The result (`out` when given).
 */
export function callUfunc(
  ufunc: Ufunc,
  args: readonly unknown[],
  options: UfuncOptions | undefined,
): NDArray {
  // Every argument is converted (its getters and traps run now) before any
  // array's state is looked at.
  const outOption = toOptions(options, `compute ${ufunc.name}`).out;
  // Bytes, text, raw bytes, records and datetimes compare by their own rules.
  if (
    ufunc.compareOp !== undefined &&
    args.some((x) => isArrayObject(x) && comparesAsItems(x.dtype))
  ) {
    const result = compareItems(ufunc.compareOp, args[0] as NDArray, args[1]);
    if (outOption === undefined) return result;
    const out = checkOut(ufunc, outOption, [result.shape], result.dtype);
    castInto(out, result);
    return out;
  }
  const ops = args.map(operand);
  for (const o of ops) {
    if (o.array !== undefined && isDetached(o.array.storage)) {
      throwClosed(o.array.storage);
    }
  }
  return run(ufunc, ops, outOption);
}

const DEFAULTS = {
  b: "bool",
  i: "int64",
  f: "float64",
  c: "complex128",
} as const;

const INT_LIMITS: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** Where an integer lies against an integer type's range: -1 below, 1 above, 0 inside. */
function rangeOf(value: unknown, name: string): -1 | 0 | 1 {
  const lim = INT_LIMITS[name];
  if (lim === undefined) return 0;
  if (typeof value !== "bigint" && typeof value !== "number") return 0;
  const v = typeof value === "bigint" ? value : BigInt(value);
  return v < lim[0] ? -1 : v > lim[1] ? 1 : 0;
}

/**
 * Computes `ufunc` of converted operands (see {@linkcode callUfunc}).
 *
 * @param ufunc The operation.
 * @param ops The operands; at least one an array.
 * @param outOption The `out` option, not yet checked.
 * @returns The result.
 */
export function run(
  ufunc: Ufunc,
  ops: readonly Operand[],
  outOption: unknown,
): NDArray {
  // NEP 50: a weak scalar takes its kind against the arrays' common type.
  let common: DType | undefined;
  for (const o of ops) {
    if (o.array === undefined) continue;
    common = common === undefined
      ? o.array.dtype
      : resultType(common, o.array.dtype);
  }
  const types = ops.map((o) =>
    o.array !== undefined
      ? o.array.dtype
      : ufunc.weakDefault
      ? nativeDType(DEFAULTS[o.weak])
      : weakType(o.weak, common!)
  );
  const signature = resolveLoop(ufunc, types);
  const result = nativeDType(signature[ufunc.nin]);
  // NumPy 2 compares a Python integer outside an integer array's type by value.
  if (
    ufunc.outOfRange !== undefined &&
    (common!.kind === "i" || common!.kind === "u")
  ) {
    for (let k = 0; k < ops.length; k++) {
      const o = ops[k];
      if (o.weak !== "i") continue;
      const side = rangeOf(o.value, signature[k]);
      if (side === 0) continue;
      const shapes = ops.map((p) => p.array?.shape ?? []);
      const out = outOption === undefined
        ? empty(broadcastShapes(...shapes), result)
        : checkOut(ufunc, outOption, shapes, result);
      castInto(
        out,
        scalarArray(result, ufunc.outOfRange(k, side > 0)),
      );
      return out;
    }
  }
  // A Python integer must fit the integer type it is converted to: the
  // loop's (NumPy's OverflowError), or first its kind's default type.
  for (let k = 0; k < ops.length; k++) {
    const o = ops[k];
    if (o.weak !== "i") continue;
    const value = o.value as number | bigint;
    if (ufunc.weakDefault) checkIntFits(value, types[k]);
    checkIntFits(value, nativeDType(signature[k]));
  }
  const arrays = ops.map((o, k) =>
    o.array ?? scalarArray(nativeDType(signature[k]), o.value as never)
  );
  const shapes = arrays.map((a) => a.shape);
  // NumPy's trivial loops (C or F results of C or F inputs) run only when
  // no array input is cast; else its iterator lays the result out.
  const trivial = ops.every((o, k) =>
    o.array === undefined || o.array.dtype.equals(nativeDType(signature[k]))
  );
  const out = outOption === undefined
    ? emptyResult(broadcastShapes(...shapes), result, arrays, trivial)
    : checkOut(ufunc, outOption, shapes, result);
  // NumPy checks the elements its loop computes: none for an empty result.
  if (out.size > 0) ufunc.check?.(arrays, signature);
  execute(ufunc, signature, arrays, out);
  return out;
}

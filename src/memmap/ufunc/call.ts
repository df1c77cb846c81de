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
  type ArrayInput,
  empty,
  fromData,
  isArrayObject,
  type NDArray,
  scalarArray,
} from "../ndarray.ts";
import { describe, toOptions } from "../../_args.ts";
import { isComplex } from "../nested.ts";
import { broadcastShapes, formatShape } from "../shape.ts";
import { isDetached, throwClosed, throwReadOnly } from "../storage.ts";
import { execute } from "./engine.ts";
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

type Operand =
  | { array: NDArray; weak?: undefined }
  | { array?: undefined; weak: WeakKind; value: unknown };

function weakKindOf(x: unknown): WeakKind | undefined {
  if (typeof x === "boolean") return "b";
  if (typeof x === "bigint") return "i";
  if (typeof x === "number") return Number.isInteger(x) ? "i" : "f";
  if (isComplex(x)) return "c";
  return undefined;
}

function operand(x: unknown): Operand {
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
function checkOut(
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
  args: readonly (NDArray | ArrayInput)[],
  options: UfuncOptions | undefined,
): NDArray {
  // Every argument is converted (its getters and traps run now) before any
  // array's state is looked at.
  const outOption = toOptions(options, `compute ${ufunc.name}`).out;
  const ops = args.map(operand);
  for (const o of ops) {
    if (o.array !== undefined && isDetached(o.array.storage)) {
      throwClosed(o.array.storage);
    }
  }
  const first = ops.find((o) => o.array !== undefined)!.array!;
  const types = ops.map((o) =>
    o.array !== undefined ? o.array.dtype : weakType(o.weak, first.dtype)
  );
  const signature = resolveLoop(ufunc, types);
  const arrays = ops.map((o, k) =>
    o.array ?? scalarArray(nativeDType(signature[k]), o.value as never)
  );
  const result = nativeDType(signature[ufunc.nin]);
  const shapes = arrays.map((a) => a.shape);
  const out = outOption === undefined
    ? empty(broadcastShapes(...shapes), result)
    : checkOut(ufunc, outOption, shapes, result);
  execute(ufunc, signature, arrays, out);
  return out;
}

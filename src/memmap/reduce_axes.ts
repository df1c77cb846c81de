/**
 * The `axis` and options arguments of reductions, as NumPy reads them: one
 * axis or a list of axes (negative counting from the end, each at most
 * once), or all axes; `keepdims` keeps reduced axes as length 1.
 *
 * @module
 */

import { describe, isArray, toBoolean, toInt, toOptions } from "../_args.ts";

/** The axes argument of a reduction: one axis or a list of axes. */
export type Axis = number | readonly number[];

/** Options of reductions. */
export interface ReduceOptions {
  /** Keep each reduced axis as an axis of length 1 (NumPy's `keepdims`), so that the result broadcasts against the array. */
  keepdims?: boolean;
}

/** Options of `std()` and `var()`. */
export interface VarianceOptions extends ReduceOptions {
  /** Delta degrees of freedom: the sum of squared deviations is divided by `n - ddof` (default 0). */
  ddof?: number | bigint;
}

function outOfRange(call: string, a: number, ndim: number): RangeError {
  return new RangeError(
    `Cannot ${call} along axis ${a}: axis must be within ${-ndim}..${
      ndim - 1
    } for an array of ${ndim} dimensions`,
  );
}

/**
 * Which axes a reduction reduces, as NumPy normalises `axis`: `undefined`
 * or `null` for all (returns `null`), an integer, or a list of integers
 * (negative ones count from the end; a repeated axis is an error). A 0-d
 * array takes axis 0 or -1 as NumPy does (nothing is reduced).
 *
 * @param axis The argument.
 * @param ndim The array's number of axes.
 * @param call What the call does, for messages ("sum", "compute the mean").
 * @param single Only one integer is allowed (`argmin`, `argmax`, `cumsum`).
 * @param strict A 0-d array refuses axis 0 too (NumPy's `mean`, `std`, `var`).
 * @returns One flag per axis, or `null` for all axes.
 * @throws {TypeError} If an axis is not an integer, or a list where one integer is needed.
 * @throws {RangeError} If an axis does not exist or is repeated.
 */
export function reductionAxes(
  axis: unknown,
  ndim: number,
  call: string,
  single = false,
  strict = false,
): boolean[] | null {
  if (axis === undefined || axis === null) return null;
  const reduced = new Array<boolean>(ndim).fill(false);
  if (!isArray(axis)) {
    const a = toInt(axis, call, "axis");
    if (ndim === 0 && !strict && (a === 0 || a === -1)) return reduced;
    if (a < -ndim || a >= ndim) throw outOfRange(call, a, ndim);
    reduced[a < 0 ? a + ndim : a] = true;
    return reduced;
  }
  if (single) {
    throw new TypeError(
      `Cannot ${call} along axes ${describe(axis)}: axis must be one integer`,
    );
  }
  const n: unknown = axis.length;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`Cannot ${call}: the list of axes has no length`);
  }
  if (n > ndim) {
    throw new RangeError(
      `Cannot ${call} along ${n} axes of an array of ${ndim} dimensions`,
    );
  }
  for (let i = 0; i < n; i++) {
    const a = toInt(axis[i], call, "axis");
    if (a < -ndim || a >= ndim) throw outOfRange(call, a, ndim);
    const k = a < 0 ? a + ndim : a;
    if (reduced[k]) {
      throw new RangeError(
        `Cannot ${call} along axes ${
          describe(axis)
        }: axis ${k} appears more than once (duplicate value in axis)`,
      );
    }
    reduced[k] = true;
  }
  return reduced;
}

/**
 * The one axis of `argmin`/`argmax`/`cumsum`/`cumprod`: an integer or none
 * (a 0-d array counts as one element along axis 0 or -1).
 *
 * @param axis The argument.
 * @param ndim The array's number of axes.
 * @param call What the call does, for messages.
 * @returns The axis (non-negative), or `null` when none is given.
 * @throws {TypeError} If the axis is not one integer.
 * @throws {RangeError} If the axis does not exist.
 */
export function singleAxis(
  axis: unknown,
  ndim: number,
  call: string,
): number | null {
  const reduced = reductionAxes(axis, Math.max(ndim, 1), call, true);
  return reduced === null ? null : reduced.indexOf(true);
}

/**
 * Reads `keepdims` from a reduction's options.
 *
 * @param options The options argument.
 * @param call What the call does, for messages.
 * @returns Whether reduced axes are kept.
 * @throws {TypeError} If the options are not an object or `keepdims` not a boolean.
 */
export function keepdimsOf(options: unknown, call: string): boolean {
  const o = toOptions(options as ReduceOptions | undefined, call);
  return toBoolean(o.keepdims, false, call, "keepdims");
}

/**
 * Reads `ddof` and `keepdims` from the options of `std()`/`var()`.
 *
 * @param options The options argument.
 * @param call What the call does, for messages.
 * @returns The delta degrees of freedom and whether reduced axes are kept.
 * @throws {TypeError} If the options are not an object, `ddof` neither a number nor a bigint, or `keepdims` not a boolean.
 * @throws {RangeError} If `ddof` is not finite, or a bigint beyond ±(2**53 - 1).
 */
export function varianceOptionsOf(
  options: unknown,
  call: string,
): { ddof: number; keepdims: boolean } {
  const o = toOptions(options as VarianceOptions | undefined, call);
  const ddof: unknown = o.ddof;
  const keepdims = toBoolean(o.keepdims, false, call, "keepdims");
  if (ddof === undefined) return { ddof: 0, keepdims };
  // A bigint is an integer argument as everywhere (NumPy takes
  // ddof=np.int64(2)): within ±(2**53 - 1), converted by the one converter.
  if (typeof ddof === "bigint") {
    return { ddof: toInt(ddof, call, "ddof"), keepdims };
  }
  if (typeof ddof !== "number") {
    throw new TypeError(
      `Cannot ${call} with ddof ${describe(ddof)}: ddof must be a number`,
    );
  }
  if (!Number.isFinite(ddof)) {
    throw new RangeError(
      `Cannot ${call} with ddof ${ddof}: ddof must be finite`,
    );
  }
  return { ddof, keepdims };
}

/**
 * The shape of a reduction's result.
 *
 * @param shape The array's shape.
 * @param reduced Which axes are reduced.
 * @param keepdims Keep reduced axes as length 1.
 * @returns The shape.
 */
export function reducedShape(
  shape: readonly number[],
  reduced: readonly boolean[],
  keepdims: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((n, k) => {
    if (!reduced[k]) out.push(n);
    else if (keepdims) out.push(1);
  });
  return out;
}

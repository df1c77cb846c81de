/**
 * What the reduction tests against NumPy share: views described as steps
 * both sides apply, the comparison of our results with NumPy's (bit for
 * bit, result types too), and the data the committed fixtures are made of.
 *
 * @module
 */

import assert from "node:assert/strict";
import { NDArray } from "../../mod.ts";

/** A view of a base array, as steps both sides apply: reshape, slice, transpose. */
export type Step = ["reshape", number[]] | ["slice", string[]] | ["T"];

/** A reduction of a view. */
export interface Reduction {
  steps: Step[];
  op: "sum" | "mean" | "min" | "max";
  axis: number | null;
}

/** NumPy's result: its values as `show` prints them, its dtype, or its error. */
export interface Expected {
  values?: unknown[];
  dtype?: string;
  scalar?: boolean;
  error?: string;
}

/** The same steps in Python (`view(a, steps)`), and `show(x)` for results. */
export const PY_VIEWS = `
def parse(s):
    if ":" not in s: return int(s)
    parts = [int(p) if p else None for p in s.split(":")]
    return slice(*parts)
def view(a, steps):
    for st in steps:
        if st[0] == "reshape": a = a.reshape(st[1])
        elif st[0] == "slice": a = a[tuple(parse(s) for s in st[1])]
        else: a = a.T
    return a
def show(x):
    x = np.asarray(x)
    if x.dtype.kind == "c": return [[repr(float(v.real)), repr(float(v.imag))] for v in x.ravel()]
    if x.dtype.kind == "f": return [repr(float(v)) for v in x.ravel()]
    if x.dtype.kind == "b": return [bool(v) for v in x.ravel()]
    return [str(int(v)) for v in x.ravel()]
`;

/** Applies the steps to an array. */
export function applySteps(a: NDArray, steps: Step[]): NDArray {
  for (const st of steps) {
    if (st[0] === "reshape") a = a.reshape(...st[1]);
    else if (st[0] === "slice") a = a.slice(...st[1]);
    else a = a.T;
  }
  return a;
}

function flat(x: unknown): unknown[] {
  if (x instanceof NDArray) {
    return x.ndim === 0 ? [x.get()] : (x.toArray() as unknown[]).flat(Infinity);
  }
  return [x];
}

/** Whether our value equals NumPy's shown value bit for bit. */
export function same(ours: unknown, theirs: unknown): boolean {
  if (Array.isArray(theirs)) {
    const c = ours as { re: number; im: number };
    return same(c.re, theirs[0]) && same(c.im, theirs[1]);
  }
  if (typeof theirs === "boolean") return ours === theirs;
  if (typeof ours === "bigint") return ours === BigInt(theirs as string);
  const t = theirs === "nan"
    ? NaN
    : theirs === "inf"
    ? Infinity
    : theirs === "-inf"
    ? -Infinity
    : Number(theirs);
  return Object.is(ours, t);
}

/**
 * Reduces `base` as `r` says and checks the result against NumPy's: the
 * values bit for bit, the result type (an array's dtype; a bigint for
 * integer sums and 64-bit extremes, a number for a bool sum), or the error.
 *
 * @param base The base array (of `dtype`).
 * @param r The reduction.
 * @param want NumPy's result.
 * @param what A label for failures.
 */
export function checkReduction(
  base: NDArray,
  r: Reduction,
  want: Expected,
  what: string,
): void {
  const v = applySteps(base, r.steps);
  what = `${what} ${base.dtype.str} ${
    JSON.stringify(r.steps)
  } ${r.op}(${r.axis})`;
  if (want.error !== undefined) {
    assert.throws(() => v[r.op](r.axis ?? undefined), RangeError, what);
    return;
  }
  const got = v[r.op](r.axis ?? undefined);
  const values = flat(got);
  assert.equal(values.length, want.values!.length, what);
  for (const [k, x] of values.entries()) {
    if (same(x, want.values![k])) continue;
    assert.fail(
      `${what}: element ${k}: ${String(x)} (${typeof x}) vs NumPy ${
        JSON.stringify(want.values![k])
      }`,
    );
  }
  if (r.axis !== null) {
    // Along an axis the result is an array, 0-d where NumPy gives a scalar.
    assert.ok(got instanceof NDArray, `${what}: an array`);
    assert.equal(got.dtype.name, want.dtype, `${what}: dtype`);
  } else if (want.dtype === "int64" || want.dtype === "uint64") {
    const boolSum = base.dtype.kind === "b" && r.op === "sum";
    assert.equal(typeof got, boolSum ? "number" : "bigint", `${what}: type`);
  }
}

/** The bytes of the fixtures' generator (`make_fixtures.py`'s `lcg_bytes`). */
export function lcgBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; // exact, as in Python
    out[i] = (seed >>> 16) & 255;
  }
  return out;
}

/** The dyadic floats of the fixtures' generator (`lcg_floats`): exact in every float width. */
export function lcgFloats(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; // exact, as in Python
    out[i] = (seed - 2 ** 30) * 2 ** -(10 + i % 7);
  }
  return out;
}

// Shared helpers of the .npy/.npz tests.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { HAS_NUMPY, python, tempDir } from "../test_util.ts";

/** Directory of the committed NumPy-made fixtures. */
export const FIXTURES: string = fileURLToPath(
  new URL("../testdata/npy/", import.meta.url),
);

/** One fixture's expectations, as written by make_fixtures.py. */
export interface Expected {
  descr: string;
  shape: number[];
  fortran_order: boolean;
  version?: [number, number];
  /** Flattened C-order values: bool, ints as strings, floats as Python reprs, complex as [re, im]. */
  values: (boolean | string | [string, string])[];
}

/** The expectations of every fixture, by file name (`npz:NAME` for archive members). */
export const EXPECTED: Record<string, Expected> = JSON.parse(
  Deno.readTextFileSync(`${FIXTURES}expected.json`),
);

/** Parses a Python float repr ("nan", "inf", "-0.0", "1e-05"). */
export function pyFloat(s: string): number {
  if (s === "nan") return NaN;
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  return Number(s);
}

export { HAS_NUMPY, python, tempDir };

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flattens nested arrays (from NDArray.toArray()) in C order. */
export function flat(x: unknown): unknown[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

/** Converts one expected value into what NDArray.get() returns for `descr`. */
export function expectedValue(
  descr: string,
  v: Expected["values"][number],
): unknown {
  const kind = descr[1];
  if (kind === "b") return v;
  if (kind === "c") {
    const [re, im] = v as [string, string];
    return { re: pyFloat(re), im: pyFloat(im) };
  }
  if (kind === "f") return pyFloat(v as string);
  if (descr.endsWith("8") && (kind === "i" || kind === "u")) {
    return BigInt(v as string);
  }
  return Number(v as string);
}

/** Deep equality that treats NaN as equal and tells -0 from 0. */
export function sameValues(actual: unknown[], expected: unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  return actual.every((a, i) => {
    const e = expected[i];
    if (
      typeof a === "object" && a !== null && typeof e === "object" && e !== null
    ) {
      const x = a as { re: number; im: number };
      const y = e as { re: number; im: number };
      return Object.is(x.re, y.re) && Object.is(x.im, y.im);
    }
    return Object.is(a, e);
  });
}

/**
 * An `assert.throws` matcher: the error is `Deno.errors.InvalidData` with a
 * message matching `pattern`.
 */
export function invalid(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(
      e instanceof Deno.errors.InvalidData,
      `expected InvalidData, got ${e}`,
    );
    assert.match((e as Error).message, pattern);
    return true;
  };
}

/**
 * The record, string and datetime fixtures (tests/testdata/records, made by
 * NumPy with make_fixtures.py) and their expected values.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { DTypeLike } from "../../src/memmap/dtype.ts";
import { HAS_NUMPY } from "../test_util.ts";

/** Directory of the committed fixtures. */
export const RECORDS: string = fileURLToPath(
  new URL("../testdata/records/", import.meta.url),
);

/** The script that makes them (also run live against the installed NumPy). */
export const MAKE_FIXTURES: string = `${RECORDS}make_fixtures.py`;

/** One case of expected.json. */
export interface RecordCase {
  /** The dtype, as `dtype()` takes it. */
  spec: DTypeLike;
  /** NumPy's `align=True`. */
  align: boolean;
  /** The array's shape. */
  shape: number[];
  /** `repr(dtype_to_descr(dtype))`, what the .npy header holds. */
  descr: string;
  /** The values in C order, as `get()` gives them. */
  values: unknown[];
}

/** Turns expected.json's JSON-able forms into the values `get()` gives. */
function revive(_key: string, v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === "bytes") {
    return new Uint8Array(o.bytes as number[]);
  }
  if (keys.length === 1 && keys[0] === "big") return BigInt(o.big as string);
  if (keys.length === 1 && keys[0] === "float") {
    return o.float === "nan" ? NaN : o.float === "inf" ? Infinity : -Infinity;
  }
  return v;
}

/**
 * Reads expected.json of a fixture directory.
 *
 * @param dir The directory (default: the committed fixtures).
 * @returns The cases by name.
 */
export function recordCases(dir: string = RECORDS): Record<string, RecordCase> {
  return JSON.parse(Deno.readTextFileSync(`${dir}/expected.json`), revive);
}

/**
 * Runs make_fixtures.py with the installed NumPy into a new directory.
 *
 * @param dir Where to write.
 */
export function makeFixtures(dir: string): void {
  const out = new Deno.Command("python3", {
    args: [MAKE_FIXTURES, dir],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!out.success) {
    throw new Error(
      `make_fixtures.py failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Builds nested arrays of `shape` from values in C order (0-d: the value itself, as toArray()). */
export function nestValues(
  shape: readonly number[],
  flat: unknown[],
): unknown {
  if (shape.length === 0) return flat[0];
  let pos = 0;
  const build = (d: number): unknown[] =>
    Array.from(
      { length: shape[d] },
      () => d === shape.length - 1 ? flat[pos++] : build(d + 1),
    );
  return build(0);
}

export { HAS_NUMPY };

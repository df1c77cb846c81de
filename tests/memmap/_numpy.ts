/**
 * Runs NumPy as the reference for the memmap tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { load, type NDArray, save } from "../../mod.ts";
import { HAS_NUMPY, tempDir as tempPath } from "../test_util.ts";

/** Whether python3 with NumPy can NOT be run (tests using it are ignored then). */
export const NO_NUMPY: boolean = !HAS_NUMPY;

/**
 * Runs Python code (with `np` imported) and parses its last printed line as JSON.
 *
 * @param code The Python code; it should `print(json.dumps(...))`.
 * @returns The parsed value.
 */
export function numpy<T = unknown>(code: string): T {
  const out = new Deno.Command("python3", {
    args: ["-c", `import json, numpy as np\n${code}`],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`python3 failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  // Python's json writes NaN and Infinity, which JSON.parse does not accept.
  const line = text.split("\n").pop()!.replace(
    /-?Infinity|NaN/g,
    (m) => `"${m}"`,
  );
  return JSON.parse(
    line,
    (_k, v) =>
      v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v,
  ) as T;
}

/** Makes a temporary directory and returns it with a cleanup function. */
export function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = Deno.makeTempDirSync({ prefix: "memmap_test_" });
  return {
    dir,
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

/**
 * Registers a differential test against NumPy twice: against NumPy's
 * results committed in `fixture` (runs without Python), and, with NumPy
 * installed, against NumPy now (the fixture must still be what NumPy
 * gives). With `rewrite` (pass `import.meta.main`: the test file run with
 * `deno run -A`), the fixture is written from NumPy instead.
 *
 * @param name What the test checks.
 * @param fixture The JSON file of NumPy's results.
 * @param fromNumpy Computes the results with NumPy.
 * @param check Asserts the library's results equal the given ones.
 * @param rewrite Whether to rewrite the fixture.
 */
export function numpyFixtureTests<T>(
  name: string,
  fixture: URL,
  fromNumpy: () => T,
  check: (expected: T) => void,
  rewrite: boolean,
): void {
  if (rewrite) {
    Deno.writeTextFileSync(fixture, JSON.stringify(fromNumpy()) + "\n");
    return;
  }
  Deno.test(`${name} (committed)`, () => {
    check(JSON.parse(Deno.readTextFileSync(fixture)));
  });
  Deno.test({
    name: `${name} (NumPy now)`,
    ignore: NO_NUMPY,
    fn() {
      const expected = fromNumpy();
      assert.deepEqual(JSON.parse(Deno.readTextFileSync(fixture)), expected);
      check(expected);
    },
  });
}

/**
 * Every case of a reduction over arrays: each array (by index) with each
 * of its operations, each axis, reversed or not, with and without
 * `keepdims`.
 *
 * @param count How many arrays.
 * @param opsOf The operations of array `i`.
 * @param axes The axis arguments.
 * @returns The cases.
 */
export function reductionCases<O, A>(
  count: number,
  opsOf: (i: number) => readonly O[],
  axes: readonly A[],
): (ArrayCase & { op: O; axis: A; keepdims: boolean })[] {
  return Array.from({ length: count }, (_, i) => i).flatMap((array) =>
    opsOf(array).flatMap((op) =>
      axes.flatMap((axis) =>
        [false, true].flatMap((reversed) =>
          [false, true].map((keepdims) => ({
            array,
            reversed,
            op,
            axis,
            keepdims,
          }))
        )
      )
    )
  );
}

/** A case of {@linkcode checkCases}: which array, and whether reversed. */
export interface ArrayCase {
  /** The array's index (for `make`). */
  array: number;
  /** Whether `make` reverses it. */
  reversed: boolean;
}

/**
 * Asserts `ours(a, c)` equals `expected[k]` for every case `c` (the k-th),
 * with `a` made by `make(c.array, c.reversed)` in memory, and the same
 * array saved as `.npy` and loaded mapped.
 *
 * @param count How many arrays `make` makes.
 * @param cases The cases.
 * @param make Makes an array.
 * @param ours The library's result of a case.
 * @param expected The expected results, one a case.
 */
export function checkCases<C extends ArrayCase, R>(
  count: number,
  cases: readonly C[],
  make: (array: number, reversed: boolean) => NDArray,
  ours: (a: NDArray, c: C) => R,
  expected: readonly R[],
): void {
  assert.equal(expected.length, cases.length);
  using dir = tempPath();
  const mapped = Array.from(
    { length: count },
    (_, i) =>
      [false, true].map((reversed) => {
        const path: `${string}.npy` = `${dir.path}/a${i}${reversed}.npy`;
        save(path, make(i, reversed));
        return path;
      }),
  );
  cases.forEach((c, k) => {
    const what = `case ${k}: ${JSON.stringify(c)}`;
    assert.deepEqual(ours(make(c.array, c.reversed), c), expected[k], what);
    using m = load(mapped[c.array][c.reversed ? 1 : 0], { mmapMode: "r" });
    assert.deepEqual(ours(m, c), expected[k], `${what}, mapped`);
  });
}

/**
 * Sets the quiet bit of every NaN of `bytes` when `type` is float32 or
 * float64 (the JavaScript loops quiet a signaling NaN now and then: V8 may
 * read a float as a float64 and back; NumPy and the vector kernels keep
 * it), so that results compare by sign and payload.
 *
 * @param bytes The elements, changed in place.
 * @param type Their dtype's name.
 */
export function quietNaNs(bytes: Uint8Array, type: string): void {
  if (type === "float64") {
    const w = new BigUint64Array(bytes.buffer);
    for (let i = 0; i < w.length; i++) {
      if (
        (w[i] & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
        (w[i] & 0xfffffffffffffn) !== 0n
      ) w[i] |= 0x0008000000000000n;
    }
  } else if (type === "float32") {
    const w = new Uint32Array(bytes.buffer);
    for (let i = 0; i < w.length; i++) {
      if ((w[i] & 0x7f800000) === 0x7f800000 && (w[i] & 0x7fffff) !== 0) {
        w[i] |= 0x400000;
      }
    }
  }
}

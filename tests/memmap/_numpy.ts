/**
 * Runs NumPy as the reference for the memmap tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { HAS_NUMPY } from "../test_util.ts";

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

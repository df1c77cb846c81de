/**
 * Runs NumPy as the reference for the memmap tests.
 *
 * @module
 */

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

/**
 * Issue 14's element-wise vocabulary against NumPy: unary math, extrema,
 * comparisons (bool results), `where`, `clip` and `floorDiv` on 256 MiB
 * float64, float32 and int32 memmaps in page cache and on the same arrays
 * in memory, measured as `ufunc_compare.ts` measures (each side in a process
 * of its own per round, median of five calls, wall-clock and CPU time; the
 * median of three rounds: 64 rows of seconds each).
 * Run as `deno run -A --v8-flags=--expose-gc vocab_compare.ts DIR ROW`, it
 * times row `ROW` on our side.
 *
 * @module
 */

import { where } from "../../mod.ts";
import type { Workload } from "./run.ts";
import { peerWorkloadsOf } from "./ufunc_compare.ts";
import {
  type Code,
  DTYPES,
  type Op,
  OPEN_MAP,
  rowsOf,
  runRow,
} from "./ufunc_rows.ts";

/** Transcendental functions: issue 14's target is half NumPy's speed. */
const TRANSCENDENTAL = ">= 0.5x";

function ops(): Op[] {
  const list: Op[] = [];
  for (const code of ["f8", "f4", "i4"] as Code[]) {
    const type = DTYPES[code];
    const float = code !== "i4";
    const [lo, hi] = float ? [100, 900] : [-500, 500];
    if (float) {
      // These have kernels for float32 only.
      const more = code === "f4"
        ? (["exp2", "expm1", "log2", "log10", "log1p", "tan", "tanh"] as const)
        : [];
      for (const f of ["sqrt", "exp", "log", "sin", "cos", ...more] as const) {
        list.push({
          label: `a.${f}() ${type}`,
          code,
          js: (a) => a[f](),
          py: `np.${f}(a)`,
          target: f === "sqrt" ? undefined : TRANSCENDENTAL,
        });
      }
    }
    list.push(
      {
        label: `a.maximum(b) ${type}`,
        code,
        js: (a, b) => a.maximum(b),
        py: "np.maximum(a, b)",
      },
      { label: `a.lt(b) ${type}`, code, js: (a, b) => a.lt(b), py: "a < b" },
      {
        label: `where(a.lt(b), a, b) ${type} (mask made before)`,
        code,
        js: (a, b, _c, m) => where(m, a, b),
        py: "np.where(m, a, b)",
        mask: true,
      },
      {
        label: `a.clip(${lo}, ${hi}) ${type}`,
        code,
        js: (a) => a.clip(lo, hi),
        py: `np.clip(a, ${lo}, ${hi})`,
      },
      {
        label: `a.floorDiv(b) ${type}`,
        code,
        js: (a, b) => a.floorDiv(b),
        py: "np.floor_divide(a, b)",
      },
    );
  }
  return list;
}

/** The rows, memmaps first. */
export const ROWS = [
  ...rowsOf(ops(), "memmap", "memmap (page cache)"),
  ...rowsOf(ops(), "memory", "in memory"),
  // Last, so that the rows above keep their indices for COMPARE_BEFORE.
  ...rowsOf(
    ops().filter((op) => /^a\.(maximum|clip)\(/.test(op.label)),
    "open map",
    OPEN_MAP,
  ),
];

/** Every row measured against NumPy in rounds. */
export const peerWorkloads = peerWorkloadsOf(
  ROWS,
  new URL(import.meta.url),
  3,
);

/** No best-of-N rows. */
export const workloads: Workload[] = [];

if (import.meta.main) {
  const [dir, index] = Deno.args;
  console.log(runRow(ROWS[Number(index)], dir).join(" "));
}

/**
 * Issue 14's element-wise vocabulary against NumPy: unary math, extrema,
 * comparisons (bool results), `where`, `clip` and `floorDiv`, then every
 * other element-wise function of the issue (`moreOps`), on 256 MiB
 * float64, float32 and int32 memmaps in page cache and on the same arrays
 * in memory, measured as `ufunc_compare.ts` measures (each side in a process
 * of its own per round, median of five calls, wall-clock and CPU time; the
 * median of three rounds, rows of seconds each; every transcendental
 * function in both float types).
 * Run as `deno run -A --v8-flags=--expose-gc vocab_compare.ts DIR ROW`, it
 * times row `ROW` on our side.
 *
 * @module
 */

import { type NDArray, where } from "../../mod.ts";
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
      const more = [
        "exp2",
        "expm1",
        "log2",
        "log10",
        "log1p",
        "tan",
        "tanh",
      ] as const;
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

/**
 * The rest of issue 14's element-wise functions (float64 and float32; the
 * bitwise ones on int32): one row each, the operands as above.
 */
function moreOps(): Op[] {
  const list: Op[] = [];
  const binary: [string, (a: NDArray, b: NDArray) => unknown, string][] = [
    ["mod", (a, b) => a.mod(b), "np.mod(a, b)"],
    ["pow", (a, b) => a.pow(b), "np.power(a, b)"],
    ["minimum", (a, b) => a.minimum(b), "np.minimum(a, b)"],
    ["arctan2", (a, b) => a.arctan2(b), "np.arctan2(a, b)"],
    ["hypot", (a, b) => a.hypot(b), "np.hypot(a, b)"],
    ["logicalAnd", (a, b) => a.logicalAnd(b), "np.logical_and(a, b)"],
    ["logicalOr", (a, b) => a.logicalOr(b), "np.logical_or(a, b)"],
    ["logicalXor", (a, b) => a.logicalXor(b), "np.logical_xor(a, b)"],
    ["eq", (a, b) => a.eq(b), "a == b"],
    ["ne", (a, b) => a.ne(b), "a != b"],
    ["le", (a, b) => a.le(b), "a <= b"],
    ["gt", (a, b) => a.gt(b), "a > b"],
    ["ge", (a, b) => a.ge(b), "a >= b"],
  ];
  const unary: [string, (a: NDArray) => unknown, string][] = [
    ["neg", (a) => a.neg(), "np.negative(a)"],
    ["abs", (a) => a.abs(), "np.abs(a)"],
    ["sign", (a) => a.sign(), "np.sign(a)"],
    ["square", (a) => a.square(), "np.square(a)"],
    ["cbrt", (a) => a.cbrt(), "np.cbrt(a)"],
    ["floor", (a) => a.floor(), "np.floor(a)"],
    ["ceil", (a) => a.ceil(), "np.ceil(a)"],
    ["trunc", (a) => a.trunc(), "np.trunc(a)"],
    ["rint", (a) => a.rint(), "np.rint(a)"],
    ["round", (a) => a.round(), "np.round(a)"],
    ["round(2) as", (a) => a.round(2), "np.round(a, 2)"],
    ["isnan", (a) => a.isnan(), "np.isnan(a)"],
    ["isinf", (a) => a.isinf(), "np.isinf(a)"],
    ["isfinite", (a) => a.isfinite(), "np.isfinite(a)"],
    ["logicalNot", (a) => a.logicalNot(), "np.logical_not(a)"],
  ];
  const slow = new Set(["pow", "arctan2"]);
  for (const code of ["f8", "f4"] as Code[]) {
    const type = DTYPES[code];
    for (const [f, js, py] of binary) {
      list.push({
        label: `a.${f}(b) ${type}`,
        code,
        js: (a, b) => js(a, b),
        py,
        target: slow.has(f) ? TRANSCENDENTAL : undefined,
      });
    }
    for (const [f, js, py] of unary) {
      const name = f.endsWith(" as") ? f.slice(0, -3) : `${f}()`;
      list.push({ label: `a.${name} ${type}`, code, js: (a) => js(a), py });
    }
  }
  const bitwise: [string, (a: NDArray, b: NDArray) => unknown, string][] = [
    ["bitwiseAnd(b)", (a, b) => a.bitwiseAnd(b), "a & b"],
    ["bitwiseOr(b)", (a, b) => a.bitwiseOr(b), "a | b"],
    ["bitwiseXor(b)", (a, b) => a.bitwiseXor(b), "a ^ b"],
    ["invert()", (a) => a.invert(), "~a"],
  ];
  for (const [f, js, py] of bitwise) {
    list.push({
      label: `a.${f} int32`,
      code: "i4",
      js: (a, b) => js(a, b),
      py,
    });
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
  ...rowsOf(moreOps(), "memmap", "memmap (page cache)"),
  ...rowsOf(moreOps(), "memory", "in memory"),
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

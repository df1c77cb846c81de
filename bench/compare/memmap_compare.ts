/**
 * memmap workloads against NumPy: `sum()` of a 1 GiB float64 memmap in page
 * cache (the target), `max()` and a float32 `sum()` for reference, and
 * single-element `get`/`set`. The seed scenario (a 3.2 GB file,
 * RSS figures) is `memmap_report.ts`, run by the same runner after the table.
 *
 * @module
 */

import { memmap } from "../../mod.ts";
import type { Workload } from "./run.ts";

const COUNT = 128 * 1024 * 1024; // 1 GiB of float64
// get/set measure the per-element cost on a resident 8 MiB array (1024 x 1024),
// not page faults.
const ROWS = 1024;
const COLS = 1024;
const OPS = 1_000_000;

/**
 * Writes `count` float64 values `sin(i mod 2^20) * 1000` to `path` through a
 * `w+` memmap and reads the file once, into the page cache.
 */
export function writeSines(path: string, count: number): void {
  {
    using w = memmap(path, { dtype: "float64", mode: "w+", shape: count });
    const block = Float64Array.from(
      { length: 1 << 20 },
      (_, i) => Math.sin(i) * 1000,
    );
    for (let i = 0; i < count; i += block.length) {
      w.slice(`${i}:${i + block.length}`).assign(block);
    }
    w.flush();
  }
  Deno.readFileSync(path); // into the page cache
}

function makeFile(dir: string): void {
  const path = `${dir}/sum_1gib.f8`;
  try {
    if (Deno.statSync(path).size === COUNT * 8) return;
  } catch { /* make it */ }
  writeSines(path, COUNT);
}

function makeSingles(dir: string): void {
  const path = `${dir}/sum_512mib.f4`;
  try {
    if (Deno.statSync(path).size === COUNT * 4) return;
  } catch { /* make it */ }
  makeFile(dir);
  using from = memmap(`${dir}/sum_1gib.f8`, { dtype: "float64", mode: "r" });
  using to = memmap(path, { dtype: "float32", mode: "w+", shape: COUNT });
  to.assign(from);
  to.flush();
  Deno.readFileSync(path); // into the page cache
}

function makeSmall(dir: string): void {
  using small = memmap(`${dir}/small.f8`, {
    dtype: "float64",
    mode: "w+",
    shape: [ROWS, COLS],
  });
  small.fill(1.5);
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** A whole-array reduction of a freshly opened memmap, both ways. */
function reduction(
  name: string,
  file: string,
  dtype: "float64" | "float32",
  op: "sum" | "max",
  target: string,
  setup: (dir: string) => void,
  along?: { rows: number; axis: 0 | 1 },
): Workload {
  // Whole-array, or along an axis of a (rows, rest) view of the file.
  const reshape = along === undefined ? "" : `.reshape(${along.rows}, -1)`;
  const axisArg = along === undefined ? "" : `axis=${along.axis}`;
  return {
    name,
    target,
    repeat: 5,
    setup,
    deno: (dir) =>
      time(() => {
        using m = memmap(`${dir}/${file}`, { dtype, mode: "r" });
        if (along === undefined) m[op]();
        else m.reshape(along.rows, -1)[op](along.axis);
      }),
    python: `
t = time.perf_counter()
m = np.memmap(DIR + "/${file}", dtype="${dtype}", mode="r")${reshape}
s = m.${op}(${axisArg})
del m
ms = (time.perf_counter() - t) * 1000
`,
  };
}

/** The memmap workloads. */
export const workloads: Workload[] = [
  reduction(
    "memmap sum() of 1 GiB float64 (page cache)",
    "sum_1gib.f8",
    "float64",
    "sum",
    ">= 0.85x (aim 1.0x)",
    makeFile,
  ),
  reduction(
    "memmap max() of 1 GiB float64 (page cache)",
    "sum_1gib.f8",
    "float64",
    "max",
    "(no target)",
    makeFile,
  ),
  reduction(
    "memmap sum(0) of 1 GiB float64 as 8192 x 16384 (column sums)",
    "sum_1gib.f8",
    "float64",
    "sum",
    "(no target)",
    makeFile,
    { rows: 8192, axis: 0 },
  ),
  reduction(
    "memmap sum(1) of 1 GiB float64 as 8192 x 16384 (row sums)",
    "sum_1gib.f8",
    "float64",
    "sum",
    "(no target)",
    makeFile,
    { rows: 8192, axis: 1 },
  ),
  reduction(
    "memmap sum() of 512 MiB float32 (page cache)",
    "sum_512mib.f4",
    "float32",
    "sum",
    "(no target)",
    makeSingles,
  ),
  {
    name: "memmap get(i, j) x 1M on 2-D float64",
    target: ">= 10M/s (1M in <= 100 ms)",
    setup: makeSmall,
    deno: (dir) => {
      using fp = memmap(`${dir}/sum_1gib.f8`, {
        dtype: "float64",
        mode: "r",
        shape: [ROWS, COLS],
      });
      return time(() => {
        let acc = 0;
        for (let i = 0, j = 0; i < OPS; i++, j = (j + 7) % COLS) {
          acc += fp.get(i & (ROWS - 1), j) as number;
        }
        if (Number.isNaN(acc)) throw new Error();
      });
    },
    python: `
fp = np.memmap(DIR + "/small.f8", dtype="float64", mode="r+", shape=(${ROWS}, ${COLS}))
t = time.perf_counter()
acc = 0.0
j = 0
for i in range(${OPS}):
    acc += fp[i & ${ROWS - 1}, j]
    j = (j + 7) % ${COLS}
ms = (time.perf_counter() - t) * 1000
del fp
`,
  },
  {
    name: "memmap set(i, j, v) x 1M on 2-D float64",
    target: ">= 10M/s (1M in <= 100 ms)",
    deno: (dir) => {
      using fp = memmap(`${dir}/sum_1gib.f8`, {
        dtype: "float64",
        mode: "c",
        shape: [ROWS, COLS],
      });
      return time(() => {
        for (let i = 0, j = 0; i < OPS; i++, j = (j + 7) % COLS) {
          fp.set(i & (ROWS - 1), j, i);
        }
      });
    },
    python: `
fp = np.memmap(DIR + "/small.f8", dtype="float64", mode="r+", shape=(${ROWS}, ${COLS}))
t = time.perf_counter()
j = 0
for i in range(${OPS}):
    fp[i & ${ROWS - 1}, j] = i
    j = (j + 7) % ${COLS}
ms = (time.perf_counter() - t) * 1000
del fp
`,
  },
];

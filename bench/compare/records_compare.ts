/**
 * Records and strings against NumPy (issue 12's targets), medians of rounds
 * that alternate the sides (`peers.ts`), NumPy in a fresh process each
 * round:
 *
 * - `field("x").sum()` of a 1 GiB record memmap (`[("id", "<u4"), ("x",
 *   "<f4"), ("y", "<f4")]`, 89 million records, in the page cache), the
 *   memmap opened inside the timed region as NumPy's `np.memmap(...)["x"].sum()`
 *   (target: within 1.5x, ratio >= 0.67);
 * - `toArray()` of 1 million `U10` strings in memory against NumPy's
 *   `tolist()` (target: within 2x, ratio >= 0.5).
 *
 * @module
 */

import { dtype, memmap, type NDArray } from "../../mod.ts";
import type { PeerWorkload } from "./peers.ts";
import type { Workload } from "./run.ts";

const RECORD = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f4"]]);
const NP_RECORD = `[("id", "<u4"), ("x", "<f4"), ("y", "<f4")]`;

/** Writes `recs.bin` (1 GiB of records) and `u10.bin` (1M U10 strings), and reads them into the page cache. */
function setup(dir: string): void {
  const numpy = `
import numpy as np, os, sys
d = sys.argv[1]
rng = np.random.default_rng(0)
n = (1 << 30) // 12
if not (os.path.exists(f"{d}/recs.bin") and os.path.getsize(f"{d}/recs.bin") == 12 * n):
    a = np.zeros(n, ${NP_RECORD})
    a["id"] = np.arange(n, dtype=np.uint32)
    a["x"] = rng.standard_normal(n, dtype=np.float32)
    a["y"] = 1
    a.tofile(f"{d}/recs.bin")
if not os.path.exists(f"{d}/u10.bin"):
    letters = rng.integers(97, 123, (10**6, 10), dtype=np.uint32)
    lengths = rng.integers(3, 11, 10**6)
    u = np.zeros(10**6, "<U10")
    v = u.view("<u4").reshape(-1, 10)
    for k in range(3, 11):
        m = lengths == k
        v[m, :k] = letters[m, :k]
    u.tofile(f"{d}/u10.bin")
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  for (const f of ["recs.bin", "u10.bin"]) Deno.readFileSync(`${dir}/${f}`);
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

let strings: NDArray | null = null;

/** The rows against NumPy. */
export const peerWorkloads: PeerWorkload[] = [
  {
    name: 'records: field("x").sum() of a 1 GiB record memmap (page cache)',
    target: ">= 0.67x (within 1.5x)",
    setup,
    deno: {
      ours: (dir) =>
        time(() => {
          using m = memmap(`${dir}/recs.bin`, { dtype: RECORD, mode: "r" });
          m.field("x").sum();
        }),
    },
    peers: {
      python: `
import numpy as np
t = time.perf_counter()
m = np.memmap(DIR + "/recs.bin", dtype=${NP_RECORD}, mode="r")
s = m["x"].sum()
print((time.perf_counter() - t) * 1000)
`,
    },
  },
  {
    name: "strings: toArray() of 1M U10 strings in memory (NumPy tolist())",
    target: ">= 0.5x (within 2x)",
    setup,
    deno: {
      ours: (dir) => {
        if (strings === null) {
          using m = memmap(`${dir}/u10.bin`, { dtype: "<U10", mode: "r" });
          strings = m.copy();
        }
        const a = strings;
        return time(() => a.toArray());
      },
    },
    peers: {
      python: `
import numpy as np
a = np.fromfile(DIR + "/u10.bin", "<U10")
t = time.perf_counter()
l = a.tolist()
print((time.perf_counter() - t) * 1000)
`,
    },
  },
];

/** No best-of-N rows: both rows alternate with NumPy. */
export const workloads: Workload[] = [];

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
 *   `tolist()` (target: within 2x, ratio >= 0.5);
 * - the same for `S10` bytes; text and bytes columns written: `array()` of
 *   1 million JavaScript strings as `U10` against `np.array(list, "U10")`,
 *   and `field("name").assign()` of 1 million strings into the `S10` field
 *   of a record memmap against `m["name"] = list`; text compared with one
 *   string (`eq`);
 * - `min()`, `max()` and a comparison with one date (`gt`) of 10 million
 *   `datetime64[ns]` in memory.
 *
 * @module
 */

import { array, dtype, memmap, type NDArray } from "../../mod.ts";
import { type PeerWorkload, timing as time } from "./peers.ts";
import type { Workload } from "./run.ts";

const RECORD = dtype([["id", "<u4"], ["x", "<f4"], ["y", "<f4"]]);
const NP_RECORD = `[("id", "<u4"), ("x", "<f4"), ("y", "<f4")]`;
const PEOPLE = dtype([["id", "<u4"], ["name", "S10"]]);
const NP_PEOPLE = `[("id", "<u4"), ("name", "S10")]`;

/**
 * Writes `recs.bin` (1 GiB of records), `u10.bin`/`s10.bin` (1M strings as
 * U10 and S10), `people.bin` (1M records with an S10 field) and `ns.bin`
 * (10M datetime64[ns] counts, a few NaT), and reads them into the page cache.
 */
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
if not all(os.path.exists(f"{d}/{f}") for f in ("u10.bin", "s10.bin", "people.bin")):
    letters = rng.integers(97, 123, (10**6, 10), dtype=np.uint32)
    lengths = rng.integers(3, 11, 10**6)
    u = np.zeros(10**6, "<U10")
    v = u.view("<u4").reshape(-1, 10)
    for k in range(3, 11):
        m = lengths == k
        v[m, :k] = letters[m, :k]
    u.tofile(f"{d}/u10.bin")
    u.astype("S10").tofile(f"{d}/s10.bin")
    np.zeros(10**6, ${NP_PEOPLE}).tofile(f"{d}/people.bin")
if not os.path.exists(f"{d}/ns.bin"):
    t = rng.integers(0, 2**62, 10**7, dtype=np.int64)
    t[rng.integers(0, 10**7, 10)] = np.iinfo(np.int64).min
    t.tofile(f"{d}/ns.bin")
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  for (const f of ["recs.bin", "u10.bin", "s10.bin", "people.bin", "ns.bin"]) {
    Deno.readFileSync(`${dir}/${f}`);
  }
}

/** In-memory copies of the setup's files, read once (outside the timed runs). */
const copies = new Map<string, NDArray>();

function inMemory(dir: string, file: string, dt: string): NDArray {
  let a = copies.get(file);
  if (a === undefined) {
    using m = memmap(`${dir}/${file}`, { dtype: dt, mode: "r" });
    a = m.copy();
    copies.set(file, a);
  }
  return a;
}

/**
 * A row timing one operation on an in-memory copy of a setup file: `ours`
 * prepares its inputs and returns what is timed; `python` runs with `a`
 * loaded and calls `start()` when its timed part starts.
 */
function timed(
  name: string,
  target: string,
  file: string,
  dt: string,
  ours: (a: NDArray, dir: string) => () => unknown,
  python: string,
): PeerWorkload {
  return {
    name,
    target,
    setup,
    deno: {
      ours: (dir) => {
        return time(ours(inMemory(dir, file, dt), dir));
      },
    },
    peers: {
      python: `
import numpy as np
a = np.fromfile(DIR + "/${file}", "${dt}")
${python.trim()}
report()
`,
    },
  };
}

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
start()
m = np.memmap(DIR + "/recs.bin", dtype=${NP_RECORD}, mode="r")
s = m["x"].sum()
report()
`,
    },
  },
  timed(
    "strings: toArray() of 1M U10 strings in memory (NumPy tolist())",
    ">= 0.5x (within 2x)",
    "u10.bin",
    "<U10",
    (a) => () => a.toArray(),
    "start()\nl = a.tolist()",
  ),
  timed(
    "strings: toArray() of 1M S10 bytes in memory (NumPy tolist())",
    "(no target)",
    "s10.bin",
    "|S10",
    (a) => () => a.toArray(),
    "start()\nl = a.tolist()",
  ),
  timed(
    'strings: array(1M JS strings, { dtype: "U10" }) (np.array(list, "U10"))',
    "(no target)",
    "u10.bin",
    "<U10",
    (a) => {
      const list = a.toArray() as string[];
      return () => array(list, { dtype: "<U10" });
    },
    'l = a.tolist()\nstart()\nnp.array(l, "<U10")',
  ),
  timed(
    'strings: field("name").assign(1M JS strings), S10 field of a record memmap',
    "(no target)",
    "u10.bin",
    "<U10",
    (a, dir) => {
      const list = a.toArray() as string[];
      return () => {
        using m = memmap(`${dir}/people.bin`, { dtype: PEOPLE, mode: "r+" });
        m.field("name").assign(list);
      };
    },
    `l = a.tolist()
start()
m = np.memmap(DIR + "/people.bin", dtype=${NP_PEOPLE}, mode="r+")
m["name"] = l
del m`,
  ),
  timed(
    'strings: eq("abc") of 1M U10 strings (NumPy a == "abc")',
    "(no target)",
    "u10.bin",
    "<U10",
    (a) => () => a.eq("abc"),
    'start()\na == "abc"',
  ),
  timed(
    "dates: min() of 10M datetime64[ns] in memory",
    "(no target)",
    "ns.bin",
    "<M8[ns]",
    (a) => () => a.min(),
    "start()\na.min()",
  ),
  timed(
    "dates: max() of 10M datetime64[ns] in memory",
    "(no target)",
    "ns.bin",
    "<M8[ns]",
    (a) => () => a.max(),
    "start()\na.max()",
  ),
  timed(
    "dates: gt(one date) of 10M datetime64[ns] in memory",
    "(no target)",
    "ns.bin",
    "<M8[ns]",
    (a) => () => a.gt("2000-01-01"),
    'start()\na > np.datetime64("2000-01-01", "ns")',
  ),
];

/** No best-of-N rows: both rows alternate with NumPy. */
export const workloads: Workload[] = [];

/**
 * Element-wise work against NumPy (issue 11's targets): arithmetic on
 * float64, float32, int32 and int64, copies, casts, `assign` and `fill`, on
 * 256 MiB memmaps in page cache and on the same arrays in memory (copies
 * the library allocated, as NumPy's `np.fromfile`; the rows are in
 * `ufunc_rows.ts`). Rows are medians of rounds that alternate the
 * sides (`peers.ts`); each round, each side runs in a process of its own and
 * reports the median of five calls, each result freed before the next call:
 * NumPy frees it at once; here V8's collector runs before each call (V8
 * frees a 256 MiB result only at its next full collection, and until then
 * each new result takes fresh pages, which on this VM cost the host's page
 * faults as well: see the README).
 *
 * Memmap rows open the maps inside the timed region (both sides fault the
 * file's pages in); the `(open map)` rows time a second call on maps opened
 * and used once, as a NumPy user keeps a memmap open.
 *
 * @module
 */

import { basename } from "node:path";
import type { PeerWorkload, Timing } from "./peers.ts";
import type { Workload } from "./run.ts";
import { pythonOf, type Row, ROWS } from "./ufunc_rows.ts";

const BYTES = 256 * 1024 * 1024;

/**
 * Another checkout of the library (`COMPARE_BEFORE=/path`, e.g. `git
 * archive main | tar -x -C /path`): its rows run as a second side of ours,
 * `before`, in the same rounds (the ratios stay NumPy's time over ours).
 */
const BEFORE = Deno.env.get("COMPARE_BEFORE");

/** Writes `a`, `b`, `c` of each type (256 MiB each) and reads them into the page cache. */
function setup(dir: string): void {
  const numpy = `
import numpy as np, os, sys
d = sys.argv[1]
rng = np.random.default_rng(0)
for code, dt in [("f8", "float64"), ("f4", "float32"), ("i4", "int32"), ("i8", "int64")]:
    n = ${BYTES} // np.dtype(dt).itemsize
    for tag in "abc":
        p = f"{d}/{tag}.{code}"
        if os.path.exists(p) and os.path.getsize(p) == ${BYTES}:
            continue
        if dt.startswith("float"):
            a = (rng.random(n) * 1000).astype(dt)
        else:
            a = rng.integers(-1000, 1000, n).astype(dt)
        a.tofile(p)
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  for (const code of ["f8", "f4", "i4", "i8"]) {
    for (const tag of "abc") Deno.readFileSync(`${dir}/${tag}.${code}`);
  }
}

const namesBefore = new Map<string, Promise<string[]>>();

/**
 * The index of row `name` among the rows of `module` in the checkout
 * before (-1 when it has no such row: a row added since is shown without
 * a before column).
 */
async function indexBefore(module: string, name: string): Promise<number> {
  let names = namesBefore.get(module);
  if (names === undefined) {
    names = import(module).then((m: { ROWS: Row[] }) =>
      m.ROWS.map((r) => r.name)
    );
    namesBefore.set(module, names);
  }
  return (await names).indexOf(name);
}

/** Our side of row `index`, in a process of its own (`child` runs it). */
async function ours(
  child: string,
  dir: string,
  index: number,
): Promise<Timing> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", child, dir, String(index)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
  const [wall, cpu] = line.split(" ").map(Number);
  return { wall, cpu };
}

/**
 * The peer workloads of `rows`, our side run by the module `child` (as
 * `child DIR INDEX`, printing wall-clock and CPU milliseconds), in `rounds`
 * rounds (default: `peers.ts`'s).
 */
export function peerWorkloadsOf(
  rows: Row[],
  child: URL,
  rounds?: number,
): PeerWorkload[] {
  return rows.map((row, index) => ({
    name: row.name,
    target: row.target,
    rounds,
    setup,
    deno: {
      ours: (dir) => ours(child.pathname, dir, index),
      ...BEFORE && {
        before: async (dir: string) => {
          const module = `${BEFORE}/bench/compare/${basename(child.pathname)}`;
          const at = await indexBefore(module, row.name);
          return at < 0 ? undefined : ours(module, dir, at);
        },
      },
    },
    peers: { python: pythonOf(row) },
  }));
}

/** The rows, memmaps first. */
export const peerWorkloads: PeerWorkload[] = peerWorkloadsOf(
  ROWS,
  new URL("./ufunc_rows.ts", import.meta.url),
);

/** No best-of-N rows: every row here is measured against NumPy in rounds. */
export const workloads: Workload[] = [];

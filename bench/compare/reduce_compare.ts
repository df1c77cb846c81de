/**
 * Reductions and reads into memory against NumPy (issue 11's targets):
 * `sum()` of every integer width, float32 and float64, `min()`/`max()`,
 * float64 `sum(0)`/`sum(1)` (4096 x 8192), on 256 MiB memmaps in page cache
 * (opened inside the timed region, as the NumPy side's `np.memmap`) and on
 * the same arrays in memory (allocated by the library: copies of the maps); `load()` of a 512 MiB `.npy` into memory and
 * `NpzFile.get` of a deflated 64 MiB member. Rows are medians of rounds
 * that alternate the sides (`peers.ts`); NumPy runs in a fresh process each
 * round. The `load()` and `.npz` rows run this library in a fresh process
 * each round too: a process that loads again and again would time the
 * engine's garbage collector (NumPy frees each array at once) and the
 * kernel's compaction of huge pages it has not got back.
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { memmap, type NDArray } from "../../mod.ts";
import type { PeerWorkload, Timing } from "./peers.ts";
import type { Workload } from "./run.ts";

const BYTES = 256 * 1024 * 1024;

/**
 * Another checkout of the library (`COMPARE_BEFORE=/path`, e.g. `git
 * archive main | tar -x -C /path`): its `memmap` loaded into this process
 * too, the memmap and in-memory rows run it as a second side of ours,
 * `before`, in the same rounds.
 */
const BEFORE = Deno.env.get("COMPARE_BEFORE");
const before = BEFORE === undefined
  ? undefined
  : (await import(new URL(`file://${BEFORE}/mod.ts`).href)) as {
    memmap: typeof memmap;
  };
const TARGET = ">= 0.8x (aim 1x)";

/** Writes `r.ints` (random bytes) and `r.f8`/`r.f4` (normal floats), 256 MiB each, into the page cache. */
export function setup(dir: string): void {
  const numpy = `
import numpy as np, os, sys
d = sys.argv[1]
rng = np.random.default_rng(0)
n = ${BYTES}
def make(name, fn):
    p = f"{d}/{name}"
    if not (os.path.exists(p) and os.path.getsize(p) == n):
        fn().tofile(p)
make("r.ints", lambda: rng.integers(0, 256, n, dtype=np.uint8))
make("r.f8", lambda: rng.standard_normal(n // 8))
make("r.f4", lambda: rng.standard_normal(n // 4).astype(np.float32))
make("r.b1", lambda: rng.integers(0, 2, n, dtype=np.uint8))
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  for (const f of ["r.ints", "r.f8", "r.f4", "r.b1"]) {
    Deno.readFileSync(`${dir}/${f}`);
  }
}

/** One run's wall-clock and CPU milliseconds (CPU: user + system, the whole process). */
function time(run: () => void): Timing {
  const cpu = cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/** One reduction: the dtype, the file, the call both ways. */
export interface Reduction {
  dtype: string;
  file: string;
  /** The call, as text (`sum()`, `sum(1)`...). */
  call: string;
  /** Our side. */
  js: (a: NDArray) => unknown;
  /** NumPy's expression of `a`. */
  py: string;
  /** Reshape to 4096 x rest first. */
  matrix?: boolean;
  /** Makes the data files (default: {@linkcode setup}). */
  setup?: (dir: string) => void;
}

function reductions(): Reduction[] {
  const list: Reduction[] = [];
  const ints = [
    "int64",
    "int32",
    "int16",
    "int8",
    "uint64",
    "uint32",
    "uint16",
    "uint8",
  ];
  for (const dtype of ints) {
    list.push({
      dtype,
      file: "r.ints",
      call: "sum()",
      js: (a) => a.sum(),
      py: "a.sum()",
    });
  }
  list.push({
    dtype: "bool",
    file: "r.b1",
    call: "sum()",
    js: (a) => a.sum(),
    py: "a.sum()",
  });
  for (const dtype of ["int64", "int32", "uint64", "int8"]) {
    list.push({
      dtype,
      file: "r.ints",
      call: "min()",
      js: (a) => a.min(),
      py: "a.min()",
    }, {
      dtype,
      file: "r.ints",
      call: "max()",
      js: (a) => a.max(),
      py: "a.max()",
    });
  }
  list.push(
    {
      dtype: "float32",
      file: "r.f4",
      call: "sum()",
      js: (a) => a.sum(),
      py: "a.sum()",
    },
    {
      dtype: "float64",
      file: "r.f8",
      call: "sum()",
      js: (a) => a.sum(),
      py: "a.sum()",
    },
    {
      dtype: "float64",
      file: "r.f8",
      call: "min()",
      js: (a) => a.min(),
      py: "a.min()",
    },
    {
      dtype: "float64",
      file: "r.f8",
      call: "sum(0) (4096 x 8192)",
      js: (a) => a.sum(0),
      py: "a.sum(0)",
      matrix: true,
    },
    {
      dtype: "float64",
      file: "r.f8",
      call: "sum(1) (4096 x 8192)",
      js: (a) => a.sum(1),
      py: "a.sum(1)",
      matrix: true,
    },
  );
  return list;
}

function shape(r: Reduction): string {
  return r.matrix ? ".reshape(4096, -1)" : "";
}

/** The row of a reduction of a memmap opened inside the timed region (page cache warm). */
export function memmapRow(r: Reduction): PeerWorkload {
  const side = (open: typeof memmap) => (dir: string) =>
    time(() => {
      using m = open(`${dir}/${r.file}`, { dtype: r.dtype, mode: "r" });
      r.js(r.matrix ? m.reshape(4096, -1) : m);
    });
  return {
    name: `memmap ${r.dtype} ${r.call}, 256 MiB (page cache)`,
    target: TARGET,
    setup: r.setup ?? setup,
    deno: {
      ours: side(memmap),
      ...before ? { before: side(before.memmap) } : {},
    },
    peers: {
      python: `
import numpy as np
start()
a = np.memmap(DIR + "/${r.file}", "${r.dtype}", "r")${shape(r)}
s = ${r.py}
report()
`,
    },
  };
}

const memory = new Map<string, NDArray>();

/** One side of an in-memory row: an array the library (`open`'s) allocated, made once. */
function memorySide(r: Reduction, open: typeof memmap, tag: string) {
  return (dir: string): Timing => {
    // An array the library allocated (as np.fromfile's): a copy of the file.
    const key = `${tag} ${dir}/${r.file} ${r.dtype}`;
    let a = memory.get(key);
    if (a === undefined) {
      for (const k of memory.keys()) {
        if (k.startsWith(`${tag} `)) memory.delete(k);
      }
      using m = open(`${dir}/${r.file}`, { dtype: r.dtype, mode: "r" });
      a = m.copy();
      memory.set(key, a);
    }
    if (r.matrix) a = a.reshape(4096, -1);
    return time(() => r.js(a!));
  };
}

/** The row of a reduction of an in-memory array made before the timed region. */
export function memoryRow(r: Reduction): PeerWorkload {
  return {
    name: `in memory ${r.dtype} ${r.call}, 256 MiB`,
    target: TARGET,
    setup: r.setup ?? setup,
    deno: {
      ours: memorySide(r, memmap, ""),
      ...before ? { before: memorySide(r, before.memmap, "before") } : {},
    },
    peers: {
      python: `
import numpy as np
a = np.fromfile(DIR + "/${r.file}", "${r.dtype}")${shape(r)}
start()
s = ${r.py}
report()
`,
    },
  };
}

/**
 * Runs `work` (a script of this library) in a fresh process, timed by
 * `start()`/`report()` as the peers' scripts are.
 */
async function fresh(work: string, dir: string): Promise<Timing> {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const script = `import * as lib from "${mod}";
import { cpuUsage } from "node:process";
const DIR = ${JSON.stringify(dir)};
let wall0 = 0, cpu0 = cpuUsage();
function start() { cpu0 = cpuUsage(); wall0 = performance.now(); }
function report() {
  const wall = performance.now() - wall0, used = cpuUsage(cpu0);
  console.log(wall, (used.user + used.system) / 1000);
}
${work}`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const last = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  const [wall, cpu] = last.split(" ").map(Number);
  return { wall, cpu };
}

function makeFiles(dir: string): void {
  const numpy = `
import numpy as np, os, sys
d = sys.argv[1]
if not os.path.exists(f"{d}/big.npy"):
    np.save(f"{d}/big.npy", np.arange(2**26, dtype=np.float64) * 0.5)
if not os.path.exists(f"{d}/deflated.npz"):
    x = np.round(np.sin(np.arange(2**23) * 0.001) * 1000, 2)
    np.savez_compressed(f"{d}/deflated.npz", x=x)
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  Deno.readFileSync(`${dir}/big.npy`);
  Deno.readFileSync(`${dir}/deflated.npz`);
}

const readRows: PeerWorkload[] = [
  {
    name: "load() of a 512 MiB .npy into memory (page cache)",
    target: TARGET,
    setup: makeFiles,
    deno: {
      ours: (dir) =>
        fresh(
          `start();
const a = lib.load(DIR + "/big.npy");
report();`,
          dir,
        ),
    },
    peers: {
      python: `
import numpy as np
start()
a = np.load(DIR + "/big.npy")
report()
`,
    },
  },
  {
    name: "NpzFile.get of a deflated 64 MiB member",
    target: TARGET,
    setup: makeFiles,
    deno: {
      ours: (dir) =>
        fresh(
          `start();
using z = lib.load(DIR + "/deflated.npz");
const x = z.get("x");
report();`,
          dir,
        ),
    },
    peers: {
      python: `
import numpy as np
start()
with np.load(DIR + "/deflated.npz") as z:
    x = z["x"]
report()
`,
    },
  },
];

/** The rows: memmaps, then in-memory arrays, then reads into memory. */
export const peerWorkloads: PeerWorkload[] = [
  ...reductions().map(memmapRow),
  ...reductions().map(memoryRow),
  ...readRows,
];

/** No best-of-N rows: every row here is measured against NumPy in alternating rounds. */
export const workloads: Workload[] = [];

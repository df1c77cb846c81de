/**
 * The vocabulary of issue 14 against NumPy: matrix products (float64 and
 * float32 2048 x 2048 against OpenBLAS on one thread, a matrix-vector
 * product and the cosine similarity of one row against a (100000, 128)
 * float32 matrix), `sort`/`argsort` of 16M float64, `take` of 16M random
 * indices, and creation functions (`zeros`, `arange`, `linspace`,
 * `concatenate`). Arrays are in memory on both sides (read from the same
 * files before the timed region). Rows are medians of rounds that
 * alternate the sides (`peers.ts`); NumPy runs in a fresh process each
 * round, with `OPENBLAS_NUM_THREADS=1` (this library computes on one
 * thread). The cosine rows run V8's collector before each of our runs
 * (see `Row.collect`), as `ufunc_compare.ts` does.
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  arange,
  concatenate,
  frombuffer,
  linspace,
  memmap,
  type NDArray,
  norm,
  zeros,
} from "../../mod.ts";
import type { PeerWorkload, Timing } from "./peers.ts";
import type { Workload } from "./run.ts";

/** The data files: name, NumPy expression, dtype, shape. */
const FILES: [string, string, string, number[]][] = [
  ["g1.f8", "rng.standard_normal((2048, 2048))", "float64", [2048, 2048]],
  ["g2.f8", "rng.standard_normal((2048, 2048))", "float64", [2048, 2048]],
  [
    "e.f4",
    "rng.standard_normal((100000, 128)).astype(np.float32)",
    "float32",
    [100000, 128],
  ],
  ["v.f4", "rng.standard_normal(128).astype(np.float32)", "float32", [128]],
  ["s.f8", "rng.standard_normal(1 << 24)", "float64", [1 << 24]],
  ["i.i8", "rng.integers(0, 1 << 24, 1 << 24)", "int64", [1 << 24]],
];

function setup(dir: string): void {
  const numpy = `
import numpy as np, os, sys
d = sys.argv[1]
rng = np.random.default_rng(0)
${
    FILES.map(([name, expr]) =>
      `if not os.path.exists(f"{d}/${name}"): (${expr}).tofile(f"{d}/${name}")`
    ).join("\n")
  }
`;
  const out = new Deno.Command("python3", { args: ["-c", numpy, dir] })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

/** The library's array makers (this checkout's, or another's). */
interface Lib {
  frombuffer: typeof frombuffer;
  memmap: typeof memmap;
  /** Missing in checkouts before `norm` was added. */
  norm?: typeof norm;
}

const OURS: Lib = { frombuffer, memmap, norm };

/** The library of the side being run (rows that use its free functions). */
let current: Lib = OURS;

/**
 * Another checkout of the library (`COMPARE_BEFORE=/path`, e.g. `git
 * archive main | tar -x -C /path`): every row runs on its arrays as a
 * second side of ours, `before`, in the same rounds.
 */
const BEFORE = Deno.env.get("COMPARE_BEFORE");
const BEFORE_LIB: Lib | undefined = BEFORE === undefined
  ? undefined
  : await import(`file://${BEFORE}/mod.ts`);

const loaded = new Map<Lib, Map<string, NDArray>>();

function cache(lib: Lib): Map<string, NDArray> {
  let c = loaded.get(lib);
  if (c === undefined) loaded.set(lib, c = new Map());
  return c;
}

/** An in-memory array of a data file (kept between rounds). */
function file(dir: string, name: string, lib = OURS): NDArray {
  const key = `${dir}/${name}`;
  let a = cache(lib).get(key);
  if (a === undefined) {
    const [, , dtype, shape] = FILES.find((f) => f[0] === name)!;
    a = lib.frombuffer(Deno.readFileSync(key), { dtype }).reshape(shape);
    cache(lib).set(key, a);
  }
  return a;
}

/** A read-only memory map of a data file (kept between rounds). */
function mapped(dir: string, name: string, lib = OURS): NDArray {
  const key = `map:${dir}/${name}`;
  let a = cache(lib).get(key);
  if (a === undefined) {
    const [, , dtype, shape] = FILES.find((f) => f[0] === name)!;
    a = lib.memmap(`${dir}/${name}`, { dtype, mode: "r", shape });
    cache(lib).set(key, a);
  }
  return a;
}

/** The NumPy side's loads (outside the timed region); the first one mapped with `mapped`. */
function pyLoads(names: string[], mapped = false): string {
  return names.map((name, k) => {
    const [, , dtype, shape] = FILES.find((f) => f[0] === name)!;
    const v = name.split(".")[0];
    const path = `DIR + "/${name}"`;
    return mapped && k === 0
      ? `${v} = np.memmap(${path}, "${dtype}", mode="r", shape=${
        JSON.stringify(shape).replace("[", "(").replace("]", ")")
      })`
      : `${v} = np.fromfile(${path}, "${dtype}").reshape(${
        JSON.stringify(shape)
      })`;
  }).join("\n");
}

let gc: (() => void) | undefined;

/** A full collection of V8's heap (`--expose-gc`'s `gc`, set from here). */
function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

function time(run: () => void): Timing {
  const cpu = cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

interface Row {
  name: string;
  target: string;
  files: string[];
  /** The Deno side, given the loaded arrays in `files` order. */
  js: (...a: NDArray[]) => unknown;
  /** The NumPy side, with the arrays named by their files' stems. */
  py: string;
  /** Work before the timed region, on a copy (sort sorts in place). */
  copy?: boolean;
  /** The first file is a memory map on both sides (read-only, in page cache), not read into memory. */
  mapped?: boolean;
  rounds?: number;
  /**
   * Run V8's collector before each of our runs (outside the timed region):
   * NumPy frees a round's intermediate arrays at once, V8 a 51 MB one only
   * at its next full collection, which otherwise lands in whichever run
   * comes next (with the pages still held: fresh pages for the next result).
   */
  collect?: boolean;
  /** The row calls `norm` (no `before` side for a checkout without it). */
  usesNorm?: boolean;
}

/** Issue 14's cosine similarity, through the array API on our side. */
const COSINE: Row = {
  name: "cosine similarity of v against (100000, 128) float32 rows",
  target: ">= 0.5x (within 2x)",
  collect: true,
  rounds: 9,
  files: ["e.f4", "v.f4"],
  js: (m, v) =>
    m.matmul(v).div(
      m.mul(m).sum(1).sqrt().mul(Math.sqrt(Number(v.mul(v).sum()))),
    ),
  py: "e @ v / (np.linalg.norm(e, axis=1) * np.linalg.norm(v))",
};

/** The same through `norm` (np.linalg.norm): no (100000, 128) temporary. */
const COSINE_NORM: Row = {
  ...COSINE,
  name: "cosine similarity through norm(m, { axis: 1 }) (100000, 128) float32",
  usesNorm: true,
  js: (m, v) =>
    m.matmul(v).div(current.norm!(m, { axis: 1 }).mul(current.norm!(v))),
};

const ROWS: Row[] = [
  {
    name: "a.matmul(b) float64 2048 x 2048 (NumPy: OpenBLAS, 1 thread)",
    target: ">= 0.33x (within 3x)",
    files: ["g1.f8", "g2.f8"],
    js: (a, b) => a.matmul(b),
    py: "g1 @ g2",
    rounds: 3,
  },
  {
    name: "a.matmul(b) float32 2048 x 2048 (NumPy: OpenBLAS, 1 thread)",
    target: "",
    files: ["g1.f8", "g2.f8"],
    js: (a, b) => a.matmul(b),
    py: "g1 @ g2",
    rounds: 3,
  },
  {
    name: "m.matmul(v) float32 (100000, 128) x (128,)",
    target: "",
    files: ["e.f4", "v.f4"],
    js: (m, v) => m.matmul(v),
    py: "e @ v",
  },
  COSINE,
  {
    ...COSINE,
    name: `${COSINE.name} of a memmap (page cache)`,
    mapped: true,
  },
  COSINE_NORM,
  {
    ...COSINE_NORM,
    name: `${COSINE_NORM.name} of a memmap (page cache)`,
    mapped: true,
  },
  {
    name: "a.sort() float64 16M (NumPy: default kind)",
    target: ">= 0.5x (within 2x)",
    files: ["s.f8"],
    js: (a) => a.sort(),
    py: "s.sort()",
    copy: true,
  },
  {
    name: 'a.sort() float64 16M (NumPy: kind="stable", the same order)',
    target: ">= 0.5x (within 2x)",
    files: ["s.f8"],
    js: (a) => a.sort(),
    py: 's.sort(kind="stable")',
    copy: true,
  },
  {
    name: 'a.argsort() float64 16M (NumPy: kind="stable")',
    target: "",
    files: ["s.f8"],
    js: (a) => a.argsort(),
    py: 's.argsort(kind="stable")',
  },
  {
    name: "a.take(indices) float64, 16M random int64 indices",
    target: "",
    files: ["s.f8", "i.i8"],
    js: (a, i) => a.take(i),
    py: "s.take(i)",
  },
  {
    name: "a.compress(a > 0) float64 16M",
    target: "",
    files: ["s.f8"],
    js: (a) => a.compress(a.gt(0)),
    py: "s[s > 0]",
  },
  {
    name: "a.put(indices, 0) float64 16M, 16M random int64 indices",
    target: "",
    files: ["s.f8", "i.i8"],
    js: (a, i) => a.put(i, 0),
    py: "s.put(i, 0.0)",
    copy: true,
  },
  {
    name: "a.putmask(a > 0, 0) float64 16M",
    target: "",
    files: ["s.f8"],
    js: (a) => a.putmask(a.gt(0), 0),
    py: "np.putmask(s, s > 0, 0.0)",
    copy: true,
  },
  {
    name: "(a > 0).nonzero() float64 16M",
    target: "",
    files: ["s.f8"],
    js: (a) => a.gt(0).nonzero(),
    py: "np.nonzero(s > 0)",
  },
  {
    name: "a.dot(a) float64 16M (NumPy: OpenBLAS, 1 thread)",
    target: "",
    files: ["s.f8"],
    js: (a) => a.dot(a),
    py: "s @ s",
  },
  {
    name: "zeros(1 << 25) float64 (256 MiB) and a write to every page",
    target: "",
    files: [],
    js: () => zeros(1 << 25).fill(1),
    py: "z = np.zeros(1 << 25); z.fill(1)",
  },
  {
    name: "arange(1 << 25) float64",
    target: "",
    files: [],
    js: () => arange(0, 1 << 25, 1, { dtype: "float64" }),
    py: "np.arange(0, 1 << 25, 1, dtype=np.float64)",
  },
  {
    name: "linspace(0, 1, 1 << 25)",
    target: "",
    files: [],
    js: () => linspace(0, 1, 1 << 25),
    py: "np.linspace(0, 1, 1 << 25)",
  },
  {
    name: "concatenate([a, a]) float64 16M each",
    target: "",
    files: ["s.f8"],
    js: (a) => concatenate([a, a]),
    py: "np.concatenate([s, s])",
  },
];

/** The float32 matmul row reads the float64 files as float32 on both sides. */
const F32 = "float32 2048";

function workload(row: Row): PeerWorkload {
  const f32 = row.name.includes(F32);
  const cast = (a: NDArray) => (f32 ? a.astype("float32") : a);
  const pyCast = f32
    ? row.files.map((f) => {
      const v = f.split(".")[0];
      return `${v} = ${v}.astype(np.float32)`;
    }).join("\n")
    : "";
  const side = async (dir: string, lib: Lib) => {
    const arrays = row.files.map((f, k) =>
      cast(row.mapped && k === 0 ? mapped(dir, f, lib) : file(dir, f, lib))
    );
    const args = row.copy ? arrays.map((a) => a.copy()) : arrays;
    if (row.collect) {
      collectGarbage();
      // Background sweeping and unmapping finish before the timed region.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    current = lib;
    return time(() => row.js(...args));
  };
  return {
    name: row.name,
    target: row.target,
    setup,
    rounds: row.rounds,
    deno: {
      ours: (dir) => side(dir, OURS),
      ...BEFORE_LIB && (!row.usesNorm || BEFORE_LIB.norm !== undefined) &&
        { before: (dir: string) => side(dir, BEFORE_LIB) },
    },
    peers: {
      python: `
os.environ["OPENBLAS_NUM_THREADS"] = "1"
import numpy as np
${pyLoads(row.files, row.mapped)}
${pyCast}
start()
r = ${row.py}
report()
`,
    },
  };
}

/** The rows, against NumPy. */
export const peerWorkloads: PeerWorkload[] = ROWS.map(workload);

/** No best-of-N rows: every row here is measured against peers. */
export const workloads: Workload[] = [];

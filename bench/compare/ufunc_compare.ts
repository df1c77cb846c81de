/**
 * Element-wise work against NumPy (issue 11's targets): arithmetic on
 * float64, float32, int32 and int64, copies, casts, `assign` and `fill`, on
 * 256 MiB memmaps in page cache and on the same arrays in memory. Rows are
 * medians of rounds that alternate the sides (`peers.ts`); NumPy runs in a
 * fresh process each round and times one operation, as this side does.
 *
 * Memmap rows open the map inside the timed region (both sides fault the
 * file's pages in); the `(open map)` rows time a second call on a map
 * opened and used once before, as a NumPy user keeps a memmap open.
 *
 * @module
 */

import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import type { PeerWorkload } from "./peers.ts";
import type { Workload } from "./run.ts";

const BYTES = 256 * 1024 * 1024;

type Code = "f8" | "f4" | "i4" | "i8";
const DTYPES: Record<Code, "float64" | "float32" | "int32" | "int64"> = {
  f8: "float64",
  f4: "float32",
  i4: "int32",
  i8: "int64",
};

/** Writes `a.<code>`, `b.<code>` and `c.<code>` (256 MiB each) and reads them into the page cache. */
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
  for (const code of Object.keys(DTYPES)) {
    for (const tag of "abc") Deno.readFileSync(`${dir}/${tag}.${code}`);
  }
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const memory = new Map<string, NDArray>();

/** An in-memory copy of a data file (kept between rounds). */
function inMemory(dir: string, tag: string, code: Code): NDArray {
  const key = `${dir}/${tag}.${code}`;
  let a = memory.get(key);
  if (a === undefined) {
    a = frombuffer(Deno.readFileSync(key), { dtype: DTYPES[code] });
    memory.set(key, a);
  }
  return a;
}

/** An operation of arrays `a` and `b` (and `c`, written), in both languages. */
interface Op {
  label: string;
  code: Code;
  js: (a: NDArray, b: NDArray, c: NDArray) => unknown;
  py: string;
  /** Reshape the operands to 4096 x rest first (the transposed copy). */
  matrix?: boolean;
}

function ops(): Op[] {
  const list: Op[] = [];
  for (const code of ["f8", "f4", "i4", "i8"] as Code[]) {
    const k = code.startsWith("f") ? "0.5" : "2";
    list.push(
      {
        label: `a.mul(${k}) ${DTYPES[code]}`,
        code,
        js: (a) => a.mul(Number(k)),
        py: `a * ${k}`,
      },
      {
        label: `a.add(b) ${DTYPES[code]}`,
        code,
        js: (a, b) => a.add(b),
        py: "a + b",
      },
      {
        label: `a.sub(b) ${DTYPES[code]}`,
        code,
        js: (a, b) => a.sub(b),
        py: "a - b",
      },
    );
  }
  list.push(
    { label: "a.copy()", code: "f8", js: (a) => a.copy(), py: "a.copy()" },
    {
      label: "a.toTypedArray()",
      code: "f8",
      js: (a) => a.toTypedArray(),
      py: "np.array(a)",
    },
    {
      label: 'a.astype("float32")',
      code: "f8",
      js: (a) => a.astype("float32"),
      py: "a.astype(np.float32)",
    },
    {
      label: 'a.slice("::3").copy()',
      code: "f8",
      js: (a) => a.slice("::3").copy(),
      py: "a[::3].copy()",
    },
    {
      label: "a.T.copy() (4096 x 8192)",
      code: "f8",
      js: (a) => a.T.copy(),
      py: "a.T.copy()",
      matrix: true,
    },
  );
  return list;
}

const TARGET = ">= 0.8x (aim 1x)";
const STRIDED_TARGET = ">= 0.5x";

function targetOf(op: Op): string {
  return op.label.includes("slice") || op.label.includes(".T.")
    ? STRIDED_TARGET
    : TARGET;
}

function shape(op: Op): string {
  return op.matrix ? ".reshape(4096, -1)" : "";
}

/** Rows over memmaps opened inside the timed region. */
function memmapRow(op: Op): PeerWorkload {
  const dtype = DTYPES[op.code];
  return {
    name: `memmap ${op.label}, 256 MiB (page cache)`,
    target: targetOf(op),
    setup,
    deno: {
      ours: (dir) =>
        time(() => {
          using a = memmap(`${dir}/a.${op.code}`, { dtype, mode: "r" });
          using b = memmap(`${dir}/b.${op.code}`, { dtype, mode: "r" });
          const [x, y] = op.matrix
            ? [a.reshape(4096, -1), b.reshape(4096, -1)]
            : [a, b];
          op.js(x, y, x);
        }),
    },
    peers: {
      python: `
import numpy as np
t = time.perf_counter()
a = np.memmap(DIR + "/a.${op.code}", "${dtype}", "r")${shape(op)}
b = np.memmap(DIR + "/b.${op.code}", "${dtype}", "r")${shape(op)}
r = ${op.py}
print((time.perf_counter() - t) * 1000)
`,
    },
  };
}

/** Rows over in-memory arrays (loaded before the timed region). */
function memoryRow(op: Op): PeerWorkload {
  const dtype = DTYPES[op.code];
  return {
    name: `in memory ${op.label}, 256 MiB`,
    target: targetOf(op),
    setup,
    deno: {
      ours: (dir) => {
        let a = inMemory(dir, "a", op.code), b = inMemory(dir, "b", op.code);
        if (op.matrix) [a, b] = [a.reshape(4096, -1), b.reshape(4096, -1)];
        return time(() => op.js(a, b, a));
      },
    },
    peers: {
      python: `
import numpy as np
a = np.fromfile(DIR + "/a.${op.code}", "${dtype}")${shape(op)}
b = np.fromfile(DIR + "/b.${op.code}", "${dtype}")${shape(op)}
t = time.perf_counter()
r = ${op.py}
print((time.perf_counter() - t) * 1000)
`,
    },
  };
}

/** `c.assign(b)` and `c.fill(1)` on an r+ memmap kept open (second call timed), and in memory. */
function writeRows(): PeerWorkload[] {
  const open = new Map<string, NDArray>();
  const mapped = (dir: string, tag: string, mode: "r" | "r+") => {
    const key = `${dir}/${tag}.f8:${mode}`;
    let m = open.get(key);
    if (m === undefined) {
      m = memmap(`${dir}/${tag}.f8`, { dtype: "float64", mode });
      open.set(key, m);
    }
    return m;
  };
  const rows: [string, (b: NDArray, c: NDArray) => void, string][] = [
    ["c.assign(b)", (b, c) => c.assign(b), "c[...] = b"],
    ["c.fill(1)", (_b, c) => c.fill(1), "c.fill(1)"],
  ];
  return rows.flatMap(([label, js, py]) => [
    {
      name: `memmap ${label} (r+, open map), float64 256 MiB`,
      target: TARGET,
      setup,
      deno: {
        ours: (dir) => {
          const b = mapped(dir, "b", "r"), c = mapped(dir, "c", "r+");
          js(b, c);
          return time(() => js(b, c));
        },
      },
      peers: {
        python: `
import numpy as np
b = np.memmap(DIR + "/b.f8", "float64", "r")
c = np.memmap(DIR + "/c.f8", "float64", "r+")
${py}
t = time.perf_counter()
${py}
print((time.perf_counter() - t) * 1000)
`,
      },
    },
    {
      name: `in memory ${label}, float64 256 MiB`,
      target: TARGET,
      setup,
      deno: {
        ours: (dir) => {
          const b = inMemory(dir, "b", "f8"), c = inMemory(dir, "c", "f8");
          return time(() => js(b, c));
        },
      },
      peers: {
        python: `
import numpy as np
b = np.fromfile(DIR + "/b.f8", "float64")
c = np.fromfile(DIR + "/c.f8", "float64")
t = time.perf_counter()
${py}
print((time.perf_counter() - t) * 1000)
`,
      },
    },
  ]);
}

/** The rows, memmaps first. */
export const peerWorkloads: PeerWorkload[] = [
  ...ops().map(memmapRow),
  ...writeRows(),
  ...ops().map(memoryRow),
];

/** No best-of-N rows: every row here is measured against peers. */
export const workloads: Workload[] = [];

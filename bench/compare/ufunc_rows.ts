/**
 * The rows of `ufunc_compare.ts`, shared with the process that runs our
 * side of each (run as `deno run -A --v8-flags=--expose-gc ufunc_rows.ts DIR
 * ROW`, it times row `ROW` and prints the median wall-clock and CPU
 * milliseconds, as the Python side does).
 *
 * @module
 */

import process from "node:process";
import { memmap, type NDArray } from "../../mod.ts";

/** The data files' type codes. */
export type Code = "f8" | "f4" | "i4" | "i8";

/** The dtype of each data file. */
export const DTYPES: Record<Code, "float64" | "float32" | "int32" | "int64"> = {
  f8: "float64",
  f4: "float32",
  i4: "int32",
  i8: "int64",
};

/** Where the operands come from and how the call is timed. */
export type Setting = "memmap" | "memory" | "open map";

/** One row: an operation on `a` and `b` (and `c`, written), in both languages. */
export interface Row {
  /** Row label. */
  name: string;
  /** What the ratio must reach. */
  target: string;
  /** The data files. */
  code: Code;
  /** Where the operands come from. */
  setting: Setting;
  /** Our side (`m` is the mask of {@linkcode Row.mask} rows). */
  js: (a: NDArray, b: NDArray, c: NDArray, m: NDArray) => unknown;
  /** NumPy's side: an expression or statement over `a`, `b`, `c`. */
  py: string;
  /** Reshape the operands to 4096 x rest first (the transposed copy). */
  matrix?: boolean;
  /** Make the bool array `m = a < b` before the timed calls (`where`). */
  mask?: boolean;
}

/** An operation, made into rows by {@linkcode rowsOf}. */
export interface Op {
  label: string;
  code: Code;
  js: Row["js"];
  py: string;
  matrix?: boolean;
  strided?: boolean;
  /** What the ratio must reach; default 0.8x (0.5x for strided operands). */
  target?: string;
  mask?: boolean;
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
      strided: true,
    },
    {
      label: "a.T.copy() (4096 x 8192)",
      code: "f8",
      js: (a) => a.T.copy(),
      py: "a.T.copy()",
      matrix: true,
      strided: true,
    },
  );
  return list;
}

const TARGET = ">= 0.8x (aim 1x)";

/** The rows of operations `list` with operands from `setting` (`where` names it). */
export function rowsOf(list: Op[], setting: Setting, where: string): Row[] {
  return list.map((op) => ({
    name: `${where} ${op.label}, 256 MiB`,
    target: op.target ?? (op.strided ? ">= 0.5x" : TARGET),
    code: op.code,
    setting,
    js: op.js,
    py: op.py,
    matrix: op.matrix,
    mask: op.mask,
  }));
}

/**
 * Where the `(open map)` rows' operands come from: memmaps opened before the
 * timed calls and used once, so that the calls time the element-wise work
 * alone. The memmap rows open their maps inside the timed call, and on our
 * side that open costs a collection of V8's heap there (see the README's
 * issue 11 section): these rows tell the work from the open.
 */
export const OPEN_MAP = "memmap (open map)";

const WRITES: [string, Row["js"], string][] = [
  ["c.assign(b)", (_a, b, c) => c.assign(b), "c[...] = b"],
  ["c.fill(1)", (_a, _b, c) => c.fill(1), "c.fill(1)"],
];

/** The rows, memmaps first. */
export const ROWS: Row[] = [
  ...rowsOf(ops(), "memmap", "memmap (page cache)"),
  ...WRITES.map(([label, js, py]): Row => ({
    name: `memmap ${label} (r+, open map), float64 256 MiB`,
    target: TARGET,
    code: "f8",
    setting: "open map",
    js,
    py,
  })),
  ...rowsOf(ops(), "memory", "in memory"),
  ...WRITES.map(([label, js, py]): Row => ({
    name: `in memory ${label}, float64 256 MiB`,
    target: TARGET,
    code: "f8",
    setting: "memory",
    js,
    py,
  })),
  // Last, so that the rows above keep their indices for COMPARE_BEFORE.
  ...rowsOf(ops().filter((op) => !op.matrix), "open map", OPEN_MAP),
];

/**
 * Calls timed per process, on both sides; the median is reported. Default
 * 5; `COMPARE_CALLS=15` (any count) times more. Our process's first call
 * compiles the library's kernels, and in the memmap rows (260 MiB
 * WebAssembly memories a call: one per map the call reads, made on first
 * use, and the result's) the next two or three pay V8's concurrent
 * marking of its heap, until V8 has raised its limit for memory held
 * outside its heap: with five calls our median may be one of those; with
 * fifteen it is a call after them (see the README's issue 11 sections,
 * sessions 13 and 14).
 */
export const REPEAT: number = callsPerProcess();

function callsPerProcess(): number {
  const n = Number(Deno.env.get("COMPARE_CALLS") ?? 5);
  return Number.isInteger(n) && n >= 1 ? n : 5;
}

/** Milliseconds each call waits after the collection before it is timed. */
const PAUSE_MS = 100;

/**
 * NumPy's side of a row: a script body timing {@linkcode REPEAT} calls (each
 * result freed before the next, as NumPy frees it) and printing the median
 * wall-clock and CPU milliseconds.
 */
export function pythonOf(row: Row): string {
  const dtype = DTYPES[row.code];
  const shape = row.matrix ? ".reshape(4096, -1)" : "";
  const run = row.py.includes("=") || row.py.startsWith("c.")
    ? row.py
    : `r = ${row.py}`;
  const open = (tag: string, mode: string) =>
    `np.memmap(DIR + "/${tag}.${row.code}", "${dtype}", "${mode}")${shape}`;
  const load = (tag: string) =>
    `np.fromfile(DIR + "/${tag}.${row.code}", "${dtype}")${shape}`;
  const lines = ["import gc, statistics", "import numpy as np"];
  const body: string[] = [];
  switch (row.setting) {
    case "memmap":
      if (row.mask) lines.push(`m = ${open("a", "r")} < ${open("b", "r")}`);
      body.push(
        "start()",
        `a = ${open("a", "r")}`,
        `b = ${open("b", "r")}`,
        run,
        "times.append(stop())",
        "r = a = b = None",
      );
      break;
    case "open map":
      lines.push(
        `a = ${open("a", "r")}`,
        `b = ${open("b", "r")}`,
        `c = ${open("c", "r+")}`,
        ...row.mask ? ["m = a < b"] : [],
        run,
      );
      // A result is freed after the timer stops, as in the rows below.
      body.push("start()", run, "times.append(stop())", "r = None");
      break;
    case "memory":
      lines.push(
        `a = ${load("a")}`,
        `b = ${load("b")}`,
        `c = ${row.py.startsWith("c") ? load("c") : "None"}`,
      );
      if (row.mask) lines.push("m = a < b");
      body.push("start()", run, "times.append(stop())", "r = None");
      break;
  }
  return [
    ...lines,
    "def stop():",
    "    return (time.perf_counter() - wall0) * 1000, (time.process_time() - cpu0) * 1000",
    "times = []",
    `for _ in range(${REPEAT}):`,
    "    gc.collect()",
    ...body.map((l) => `    ${l}`),
    "print(statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))",
  ].join("\n");
}

/**
 * Times `row` {@linkcode REPEAT} times on our side, running V8's garbage
 * collector before each call where it is exposed (`--expose-gc`: as NumPy
 * frees each result at once) and waiting {@linkcode PAUSE_MS} for its
 * background work, and returns the median wall-clock and CPU milliseconds.
 */
export function runRow(row: Row, dir: string): [number, number] {
  const dtype = DTYPES[row.code];
  const shape = (a: NDArray) => row.matrix ? a.reshape(4096, -1) : a;
  const path = (tag: string) => `${dir}/${tag}.${row.code}`;
  const collect = (globalThis as { gc?: () => void }).gc;
  const walls: number[] = [], cpus: number[] = [];
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const timed = (call: () => void) => {
    collect?.();
    // V8 sweeps and gives memory back on background threads after the
    // collection; let that finish first, as NumPy's free is done before its
    // timed call (else the last result's freeing is billed to this call).
    Atomics.wait(pause, 0, 0, PAUSE_MS);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    call();
    walls.push(performance.now() - wall0);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
  };
  const open = (tag: string, mode: "r" | "r+" = "r") =>
    memmap(path(tag), { dtype, mode });
  const maskOf = (a: NDArray, b: NDArray) => row.mask ? a.lt(b) : a;
  if (row.setting === "memmap") {
    const m = (() => {
      using a = open("a"), b = open("b");
      return maskOf(a, b);
    })();
    for (let i = 0; i < REPEAT; i++) {
      timed(() => {
        using a = open("a"), b = open("b");
        row.js(shape(a), shape(b), a, m);
      });
    }
  } else if (row.setting === "open map") {
    using a = open("a"), b = open("b"), c = open("c", "r+");
    const m = maskOf(a, b);
    row.js(a, b, c, m);
    for (let i = 0; i < REPEAT; i++) timed(() => row.js(a, b, c, m));
  } else {
    // Arrays the library allocated, as np.fromfile's: copies of the files.
    const load = (tag: string) => {
      using m = open(tag);
      return shape(m.copy());
    };
    const a = load("a"), b = load("b");
    const c = row.py.startsWith("c") ? load("c") : a;
    const m = maskOf(a, b);
    for (let i = 0; i < REPEAT; i++) timed(() => row.js(a, b, c, m));
  }
  const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1];
  return [median(walls), median(cpus)];
}

if (import.meta.main) {
  const [dir, index] = Deno.args;
  console.log(runRow(ROWS[Number(index)], dir).join(" "));
}

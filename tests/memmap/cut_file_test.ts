import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

// Linux 5.14+ (MADV_POPULATE_*): a walk over pages the kernel cannot give
// (here: the file was cut short behind the library's back, by Deno's own
// API; on a full disk: holes that cannot be filled) is an EFAULT error, not
// SIGBUS. In a subprocess: the fault being tested kills the process.
//
// The walks are rows of a table: every kind of walk (element-wise into a
// new array or in place, copies, casts, comparisons, reductions whole and
// along an axis, sorts, item types) over every kind of view of a 64 MiB map
// (contiguous, every other element, reversed, a column, transposed).

/** Views of a float64 map of 8 Mi elements. */
const VIEWS: Record<string, string> = {
  "": "fp",
  "::2": 'fp.slice("::2")',
  "::-1": 'fp.slice("::-1")',
  column: 'fp.reshape(4096, 2048).slice(":", "3:4")',
  T: "fp.reshape(4096, 2048).T",
};

/** Walks over a view `v` (float64 unless said). */
const WALKS: Record<string, string> = {
  fill: "v.fill(1)",
  assign: "v.assign(3)",
  copy: "v.copy()",
  astype: 'v.astype("float32")',
  mul: "v.mul(2)",
  "mul out=": "v.mul(2, { out: v })",
  exp: "v.exp()",
  lt: "v.lt(1)",
  clip: "v.clip(0, 1)",
  maximum: "v.maximum(v)",
  "assign into memory": "zeros(v.shape).assign(v)",
  toArray: "v.toArray()",
  "sum()": "v.sum()",
  "sum(0)": "v.sum(0)",
  "max(-1)": "v.max(-1)",
  "sum(-1)": "v.sum(-1)",
  "mean(-1)": "v.mean(-1)",
  "argmax()": "v.argmax()",
  "std()": "v.std()",
  "var(0)": "v.var(0)",
  "norm()": "norm(v)",
  "norm(axis -1)": "norm(v, { axis: -1 })",
  "norm(axis 0)": "norm(v, { axis: 0 })",
  "any()": "v.any()",
  cumsum: "v.cumsum()",
  sort: "v.sort(0)",
  argsort: "v.argsort(0)",
  take: "v.take([1, 5])",
  put: "v.put([1, 5], 2)",
  compress: "v.compress([true, false, true])",
  putmask: "v.putmask(v.gt(0), 1)",
  nonzero: "v.nonzero()",
  "mask nonzero": "v.ne(0).nonzero()",
  matmul: "v.reshape(-1).matmul(v.reshape(-1))",
  dot: "v.reshape(-1).dot(v.reshape(-1))",
};

/** Walks over views of a map of 8-byte strings (`S8`). */
const ITEM_WALKS: Record<string, string> = {
  "S8 eq": 'v.eq("a")',
  "S8 assign": 'v.assign("b")',
  "S8 copy": "v.copy()",
  "S8 argmax()": "v.argmax()",
};

/** A walk of the table: its name, the map's dtype and shape, and a function of the map. */
type WalkRow = [name: string, dtype: string, shape: string, fn: string];

/**
 * Runs each walk in a subprocess over a fresh sparse file of `size` bytes
 * mapped `r+` and then cut to `cut` bytes behind the map's back; every walk
 * must throw EFAULT naming the cut (a fault kills the subprocess: the
 * assertion names the walk it was in).
 */
async function expectCutShort(
  rows: WalkRow[],
  size: number,
  cut: number,
  mode = "r+",
  warm = false,
): Promise<void> {
  using dir = tempDir();
  const code = `
import { memmap, norm, zeros } from "MOD";
const path = ${JSON.stringify(`${dir.path}/cut.bin`)};
const walks = [${
    rows.map(([n, d, shape, f]) =>
      `[${JSON.stringify(n)}, ${JSON.stringify(d)}, ${shape}, ${f}]`
    ).join(",\n")
  }];
const rows = {};
for (const [name, dtype, shape, walk] of walks) {
  Deno.writeFileSync(path, new Uint8Array(0));
  Deno.truncateSync(path, ${size});
  const fp = memmap(path, { dtype, mode: ${JSON.stringify(mode)}, shape });
  if (${warm}) {
    try {
      walk(fp); // reads the pages (some walks refuse their arguments: no matter)
    } catch { /* the walk's own error */ }
  }
  Deno.truncateSync(path, ${cut});
  console.error("walk:", name);
  try {
    walk(fp);
    rows[name] = "returned";
  } catch (e) {
    rows[name] = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
  }
  fp.close();
}
console.log(JSON.stringify(rows));
`;
  const run = await denoRunWithin(["-A"], code, 240_000);
  const last = run.stderr.trim().split("\n").filter((l) =>
    l.startsWith("walk:")
  ).pop();
  assert.equal(run.signal, null, `${last}: ${run.signal}`);
  const results = JSON.parse(run.stdout);
  for (const [name] of rows) {
    assert.equal(results[name], "EFAULT cut short", name);
  }
}

Deno.test(
  "memmap walks over a file cut short by another program throw EFAULT instead of faulting",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    const rows: WalkRow[] = [];
    for (const [view, expr] of Object.entries(VIEWS)) {
      const tables = view === "T"
        ? [["float64", WALKS]] as const
        : [["float64", WALKS], ["S8", ITEM_WALKS]] as const;
      for (const [dtype, table] of tables) {
        for (const [walk, call] of Object.entries(table)) {
          rows.push([
            `${walk} ${view}`.trim(),
            dtype,
            "undefined",
            `(fp) => { const v = ${expr}; return ${call}; }`,
          ]);
        }
      }
    }
    await expectCutShort(rows, 64 << 20, 4096);
    // Cut past the first 16 MiB window: the walk must ask for each next
    // window before its first run there (a run ending just short of a
    // window's end is followed by one starting in the next).
    await expectCutShort(rows, 64 << 20, 20 << 20);
  },
);

// Pages read ahead by an earlier walk are not asked for again (see
// read_ahead.ts): the file's size is checked instead, which must still
// catch a cut made between the walks.
Deno.test(
  "memmap walks over a file cut short after an earlier walk read its pages throw EFAULT instead of faulting",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    const rows: WalkRow[] = Object.entries(VIEWS).flatMap(([view, expr]) =>
      Object.entries(WALKS).map(([walk, call]): WalkRow => [
        `${walk} ${view}`.trim(),
        "float64",
        "undefined",
        `(fp) => { const v = ${expr}; return ${call}; }`,
      ])
    );
    await expectCutShort(rows, 64 << 20, 4096, "r+", true);
    await expectCutShort(rows, 64 << 20, 20 << 20, "r+", true);
  },
);

// Copy-on-write maps (mode "c") read their pages ahead too (they are
// never made writable ahead: that would copy pages the walk may not change).
Deno.test(
  "memmap walks over a copy-on-write map of a file cut short throw EFAULT instead of faulting",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    await expectCutShort(
      Object.entries(WALKS).map(([walk, call]) => [
        walk,
        "float64",
        "undefined",
        `(fp) => { const v = fp.reshape(4096, 2048); return ${call}; }`,
      ]),
      64 << 20,
      4096,
      "c",
    );
  },
);

// Past the release threshold (1 GiB) walks release pages behind them and
// read each window ahead as they go; reductions along axes and out-of-order
// walks ask for the whole view first. The cut is in the middle, so that
// only a walk that reads later windows ahead catches it.
Deno.test(
  "memmap walks over views past the release threshold of a file cut short in the middle throw EFAULT",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    const walks: Record<string, string> = {
      "sum(0)": "a.sum(0)",
      "sum(1)": "a.sum(1)",
      "max()": "a.max()",
      "prod(0)": "a.prod(0)",
      "argmax(0)": "a.argmax(0)",
      "std(0)": "a.std(0)",
      "std()": "a.std()",
      "norm(axis 0)": "norm(a, { axis: 0 })",
      "norm(axis 1)": "norm(a, { axis: 1 })",
      "norm()": "norm(a)",
      "cumsum(0)": "a.cumsum(0)",
      "sort(0)": "a.sort(0)",
      "T copy": "a.T.copy()",
      "::2 fill": 'a.slice("::2").fill(1)',
    };
    await expectCutShort(
      Object.entries(walks).map(([name, call]) => [
        name,
        "float64",
        "[2 ** 15, 2 ** 13]",
        `(a) => ${call}`,
      ]),
      2 ** 31,
      1.2e9,
    );
  },
);

// A cut made while a walk runs, after the walk read ahead window k and
// before it reads window k + 1 (attack11 A6): each reader in place (the
// reduction kernels in a map's own memory, the math kernels, copies,
// element-wise kernels) asks for window k + 1 again right before reading it
// (an fstat for pages read ahead before), even where the whole view was read
// ahead up front, so the cut is EFAULT. Deterministic through test hooks
// (read_ahead.ts): the file is cut to window 0's end when the reduction
// kernels move to window 0 (after its read-ahead), or, for walks, when window
// 0 is read ahead for the last time (a dry run counts the calls).
Deno.test(
  "memmap readers in place ask for each window again before reading it: a cut after window 0 was read ahead is EFAULT",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    const ops: Record<string, string> = {
      "sum()": "a.sum()",
      "mean()": "a.mean()",
      "std()": "a.std()",
      "var()": "a.var()",
      "var(0)": "a.reshape(-1, 128).var(0)",
      "std(0)": "a.reshape(-1, 128).std(0)",
      "sum(1)": "a.reshape(-1, 128).sum(1)",
      "sum(0)": "a.reshape(-1, 128).sum(0)",
      "mean(-1)": "a.reshape(-1, 128).mean(-1)",
      "max()": "a.max()",
      "min(1)": "a.reshape(-1, 128).min(1)",
      "argmax()": "a.argmax()",
      "argmin(1)": "a.reshape(-1, 128).argmin(1)",
      exp: "a.exp()",
      sqrt: "a.sqrt()",
      copy: "a.copy()",
      "add(1)": "a.add(1)",
      "mul(a)": "a.mul(a)",
    };
    using dir = tempDir();
    const code = `
import { memmap } from "MOD";
const { readAheadHooks } = await import(new URL("./src/memmap/read_ahead.ts", "MOD").href);
const path = ${JSON.stringify(`${dir.path}/cut.bin`)};
const ops = { ${
      Object.entries(ops).map(([n, c]) => `${JSON.stringify(n)}: (a) => ${c}`)
        .join(",\n")
    } };
const rows = {};
for (const dtype of ["float32", "float64"]) {
  for (const [name, op] of Object.entries(ops)) {
    Deno.writeFileSync(path, new Uint8Array(0));
    Deno.truncateSync(path, 48 << 20); // three windows of 16 MiB
    const a = memmap(path, { dtype, mode: "r" });
    // Dry run: how often window 0 is read ahead, whether kernels show windows.
    let asks = 0, shown = 0;
    readAheadHooks.afterReadAhead = (s) => { if (s === 0) asks++; };
    readAheadHooks.windowShown = () => { shown++; };
    op(a);
    let seen = 0, cut = -1;
    const cutTo = (n) => { if (cut < 0) { Deno.truncateSync(path, n); cut = n; } };
    readAheadHooks.afterReadAhead = shown > 0 ? null
      : (s, n) => { if (s === 0 && ++seen === asks) cutTo(n); };
    readAheadHooks.windowShown = shown > 0
      ? (s, n) => { if (s === 0) cutTo(n); } : null;
    const row = name + " " + dtype;
    console.error("walk:", row);
    try {
      op(a);
      rows[row] = "returned, cut to " + cut;
    } catch (e) {
      rows[row] = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
    }
    readAheadHooks.afterReadAhead = readAheadHooks.windowShown = null;
    a.close();
  }
}
console.log(JSON.stringify(rows));
`;
    const run = await denoRunWithin(["-A"], code, 240_000);
    const last = run.stderr.trim().split("\n").filter((l) =>
      l.startsWith("walk:")
    ).pop();
    assert.equal(run.signal, null, `${last}: ${run.signal}`);
    const results = JSON.parse(run.stdout);
    for (const dtype of ["float32", "float64"]) {
      for (const name of Object.keys(ops)) {
        assert.equal(
          results[`${name} ${dtype}`],
          "EFAULT cut short",
          `${name} ${dtype}`,
        );
      }
    }
  },
);

// Iterators yield to the caller's code between items: a file cut there is
// cut before the next read (attack11 A6), so the next step throws EFAULT
// (a 1-D memmap checks the file's size before each element after the first
// of a run; Mmap.lines() before each chunk it scans of a window read ahead).
Deno.test(
  "a file cut between the items of for..of over a memmap or Mmap.lines() makes the next step throw EFAULT",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    using dir = tempDir();
    const code = `
import { memmap, Mmap } from "MOD";
const dir = ${JSON.stringify(dir.path)};
const rows = {};
const run = (name, f) => {
  console.error("walk:", name);
  try {
    rows[name] = "returned after " + f();
  } catch (e) {
    rows[name] = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
  }
};
for (const [dtype, size] of [["uint8", 64 << 20], ["float64", 1 << 20], ["int32", 24 << 20]]) {
  for (const cut of [0, 4096]) {
    run("for..of memmap " + dtype + " cut to " + cut, () => {
      const path = dir + "/it.bin";
      Deno.writeFileSync(path, new Uint8Array(size).fill(1));
      const a = memmap(path, { dtype, mode: "r" });
      let n = 0;
      try {
        for (const _ of a) if (n++ === 100) Deno.truncateSync(path, cut);
      } finally {
        a.close();
      }
      return n;
    });
  }
}
for (const [line, size] of [["line\\n", 1e6], ["a".repeat(99) + "\\n", 48e6]]) {
  for (const access of ["read", "write", "copy"]) {
    run("lines " + line.length + " " + size + " " + access, () => {
      const path = dir + "/lines.txt";
      Deno.writeFileSync(path, new TextEncoder().encode(line.repeat(size / line.length)));
      const m = Mmap.open(path, { access });
      let n = 0;
      try {
        for (const _ of m.lines()) if (n++ === 10) Deno.truncateSync(path, 100);
      } finally {
        m.close();
      }
      return n;
    });
  }
}
console.log(JSON.stringify(rows));
`;
    const run = await denoRunWithin(["-A"], code, 240_000);
    const last = run.stderr.trim().split("\n").filter((l) =>
      l.startsWith("walk:")
    ).pop();
    assert.equal(run.signal, null, `${last}: ${run.signal}`);
    const results = JSON.parse(run.stdout) as Record<string, string>;
    assert.equal(Object.keys(results).length, 12);
    for (const [name, result] of Object.entries(results)) {
      // (Large maps' lines are scanned through windows lent to the kernels,
      // whose mremap refuses the pages the file lost: EFAULT too.)
      assert.match(result, /^EFAULT /, name);
    }
  },
);

// Walks that ask for all of an array's pages up front and then go through
// them in an order of their own (along an axis, transposed, reversed,
// products, sorts, gathers, and the reductions read in TypeScript: float16
// and complex) read for as long as the whole call takes (attack12 B1): they
// check the file again as they go, before each MiB of work (PageCheck in
// read_ahead.ts). A cut after every page was asked for, made right before
// the first, a middle or the last of those checks (test hook `beforeCheck`),
// is EFAULT; a walk that does not check as it goes is cut after its last
// ask instead, and faults (SIGBUS) on its next read. One subprocess per
// walk: a fault kills it.

/** Walks over a map `a` of 32 MiB: [name, storage, dtype, walk of `a`]. */
const UP_FRONT_WALKS: [string, string, string, string][] = [
  ["argmax(0)", "r", "float64", "a.reshape(-1, 128).argmax(0)"],
  ["argmin(0)", "r", "float64", "a.reshape(-1, 128).argmin(0)"],
  ["argmax(1)", "r", "float64", "a.reshape(-1, 128).argmax(1)"],
  ["prod(0)", "r", "float64", "a.reshape(-1, 128).prod(0)"],
  ["T copy", "r", "float64", "a.reshape(-1, 128).T.copy()"],
  ["reversed copy", "r", "float64", 'a.slice("::-1").copy()'],
  ["matmul", "r", "float64", "a.reshape(-1, 128).matmul(ones([128, 4]))"],
  ["dot", "r", "float64", "a.reshape(-1, 128).dot(ones([128]))"],
  ["nonzero", "r", "float64", "a.nonzero()"],
  ["take", "r", "float64", "a.take(arange(0, a.size))"],
  ["compress", "r", "float64", 'a.compress(ones([a.size], { dtype: "bool" }))'],
  ["put", "r+", "float64", "a.put(arange(0, a.size), 1)"],
  ["sort(1) c", "c", "float64", "a.reshape(-1, 128).sort(1)"],
  ["argsort(1) c", "c", "float64", "a.reshape(-1, 128).argsort(1)"],
  ["sum() float16", "r", "float16", "a.sum()"],
  ["mean() float16", "r", "float16", "a.mean()"],
  ["sum(0) float16", "r", "float16", "a.reshape(-1, 128).sum(0)"],
  ["sum(1) float16", "r", "float16", "a.reshape(-1, 128).sum(1)"],
  ["var(0) float16", "r", "float16", "a.reshape(-1, 128).var(0)"],
  ["argmax(0) float16", "r", "float16", "a.reshape(-1, 128).argmax(0)"],
  ["sum() complex64", "r", "complex64", "a.sum()"],
  ["mean() complex64", "r", "complex64", "a.mean()"],
  ["sum(1) complex64", "r", "complex64", "a.reshape(-1, 128).sum(1)"],
  ["sum(0) complex128", "r", "complex128", "a.reshape(-1, 128).sum(0)"],
  ["sum() complex128", "r", "complex128", "a.sum()"],
  ["prod(0) complex128", "r", "complex128", "a.reshape(-1, 128).prod(0)"],
  ["argmax(0) S8", "r", "S8", "a.reshape(-1, 128).argmax(0)"],
  ["copy", "r", "float64", "a.copy()"],
  ["exp", "r", "float64", "a.exp()"],
  ["cumsum(1)", "r", "float64", "a.reshape(-1, 128).cumsum(1)"],
  ["SharedMemory argmax(0)", "shm", "float64", "a.reshape(-1, 128).argmax(0)"],
  ["SharedMemory T copy", "shm", "float64", "a.reshape(-1, 128).T.copy()"],
  ["SharedMemory sort(1)", "shm", "float64", "a.reshape(-1, 128).sort(1)"],
  ["SharedMemory sum() float16", "shm", "float16", "a.sum()"],
];

// Walks across the file (a line along an outer axis, a middle axis) read
// it forward in row blocks (attack13 C5; sums and extremes along a middle
// axis: one block of the outer axes at a time; copies and element-wise
// walks into new memory that cannot tile: in the map's memory order): a cut of the part not reached
// yet (the last quarter), made right after the check a quarter into the
// call found the file whole (test hook `afterCheck`), is met by the next
// check (EFAULT), not by a read (a line down a column read the whole
// column between two checks: SIGBUS).
const AHEAD_WALKS: [string, string, string, string][] = [
  ["argmax(0) ahead", "r", "float64", "a.reshape(-1, 128).argmax(0)"],
  ["argmin(0) ahead", "r", "float64", "a.reshape(-1, 128).argmin(0)"],
  [
    "argmax(1) of 3 axes ahead",
    "r",
    "float64",
    "a.reshape(64, -1, 64).argmax(1)",
  ],
  ["argmin(0) T ahead", "r", "float64", "a.reshape(128, -1).T.argmin(1)"],
  ["argmax(0) int64 ahead", "r", "int64", "a.reshape(-1, 128).argmax(0)"],
  [
    "argmax(0) complex128 ahead",
    "r",
    "complex128",
    "a.reshape(-1, 64).argmax(0)",
  ],
  ["argmax(0) narrow ahead", "r", "float32", "a.reshape(-1, 16).argmax(0)"],
  [
    "SharedMemory argmax(0) ahead",
    "shm",
    "float64",
    "a.reshape(-1, 128).argmax(0)",
  ],
  ["sum(1) of 3 axes ahead", "r", "float64", "a.reshape(64, -1, 64).sum(1)"],
  ["mean(1) of 3 axes ahead", "r", "float32", "a.reshape(16, -1, 64).mean(1)"],
  ["max(1) of 3 axes ahead", "r", "int32", "a.reshape(64, -1, 4).max(1)"],
  [
    "sum(1) of 3 axes complex128 ahead",
    "r",
    "complex128",
    "a.reshape(64, -1, 16).sum(1)",
  ],
  [
    "swapaxes copy ahead",
    "r",
    "float64",
    "a.reshape(64, -1, 64).swapaxes(0, 2).copy()",
  ],
  [
    "reversed swapaxes add ahead",
    "r",
    "float32",
    'a.reshape(64, -1, 64).swapaxes(0, 2).slice("::-1").add(1)',
  ],
  // Bytes and text (attack14 D5): arg-reductions along an outer axis a row
  // at a time, along a column in pieces of a MiB of its span, over a whole
  // transposed view and comparisons of one in its memory order.
  ["argmax(0) S8 ahead", "r", "S8", "a.reshape(-1, 128).argmax(0)"],
  ["argmin(0) U2 ahead", "r", "U2", "a.reshape(-1, 128).argmin(0)"],
  [
    "argmax(1) of 3 axes S8 ahead",
    "r",
    "S8",
    "a.reshape(64, -1, 64).argmax(1)",
  ],
  [
    "argmin(0) of a column S8 ahead",
    "r",
    "S8",
    'a.reshape(-1, 128).slice(":", "3:4").argmin(0)',
  ],
  ["T argmax() S8 ahead", "r", "S8", "a.reshape(-1, 128).T.argmax()"],
  ["T eq S8 ahead", "r", "S8", "a.reshape(-1, 128).T.eq(a.reshape(-1, 128).T)"],
  ["T lt U2 ahead", "r", "U2", 'a.reshape(-1, 128).T.lt("a")'],
  ["T ne V8 ahead", "r", "V8", "a.reshape(-1, 128).T.ne(a.reshape(-1, 128).T)"],
  ["sort(0) S8 ahead", "r+", "S8", "a.reshape(-1, 128).sort(0)"],
  // Walks in C order over a transposed map (attack14: a run went down a
  // column across the whole file between two checks): a column read in
  // runs of a MiB of its span, each checked; argmax() in memory order.
  ["T toArray ahead", "r", "float64", "a.reshape(-1, 128).T.toArray().length"],
  ["T toArray S8 ahead", "r", "S8", "a.reshape(-1, 128).T.toArray().length"],
  ["T astype U8 of S8 ahead", "r", "S8", 'a.reshape(-1, 128).T.astype("U8")'],
  ["T any() S8 ahead", "r", "S8", "a.reshape(-1, 128).T.any()"],
  ["T nonzero S8 ahead", "r", "S8", "a.reshape(-1, 128).T.nonzero()"],
  ["T argmax() ahead", "r", "float64", "a.reshape(-1, 128).T.argmax()"],
  [
    "T argmin() complex128 ahead",
    "r",
    "complex128",
    "a.reshape(-1, 64).T.argmin()",
  ],
];

Deno.test(
  "walks that ask for a map's pages up front check the file as they go: a cut after the asks, at any check, or ahead of the walk a quarter in, is EFAULT",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    using dir = tempDir();
    const runOne = async (
      [name, kind, dtype, call]: string[],
      k: number,
      ahead: boolean,
    ) => {
      const code = `
import { arange, memmap, ones, SharedMemory } from "MOD";
const { readAheadHooks } = await import(new URL("./src/memmap/read_ahead.ts", "MOD").href);
const path = ${JSON.stringify(`${dir.path}/walk${k}.bin`)};
const kind = ${JSON.stringify(kind)}, dtype = ${JSON.stringify(dtype)};
const ahead = ${ahead};
const SIZE = 32 << 20;
const walk = (a) => ${call};
function open() {
  if (kind === "shm") {
    const shm = new SharedMemory({ create: true, size: SIZE });
    const file = "/dev/shm/" + shm.name.replace(/^\\//, "");
    return {
      a: shm.ndarray({ dtype }),
      cut: (to = 4096) => Deno.truncateSync(file, to),
      close: () => { shm.close(); shm.unlink(); },
    };
  }
  Deno.writeFileSync(path, new Uint8Array(0));
  Deno.truncateSync(path, SIZE);
  const a = memmap(path, { dtype, mode: kind });
  return { a, cut: (to = 4096) => Deno.truncateSync(path, to), close: () => a.close() };
}
// Dry run: the asks and the checks the walk makes.
let events = [];
readAheadHooks.afterReadAhead = () => events.push("ask");
readAheadHooks.beforeCheck = () => events.push("check");
let m = open();
walk(m.a);
m.close();
const checks = events.filter((e) => e === "check").length;
const asks = events.filter((e) => e === "ask").length;
const row = { checks };
for (const at of ["first", "middle", "last"]) {
  m = open();
  const target = { first: 1, middle: Math.ceil(checks / 2), last: checks }[at];
  let seenChecks = 0, seenAsks = 0, cut = false;
  const cutNow = () => { if (!cut) { m.cut(); cut = true; } };
  readAheadHooks.beforeCheck = () => { if (++seenChecks === target) cutNow(); };
  // No checks: cut after the last ask (every page was asked for).
  readAheadHooks.afterReadAhead = () => {
    if (checks === 0 && ++seenAsks === asks) cutNow();
  };
  console.error("cut at the " + at + " check");
  try {
    walk(m.a);
    row[at] = cut ? "returned" : "returned, not cut";
  } catch (e) {
    row[at] = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
  }
  readAheadHooks.beforeCheck = readAheadHooks.afterReadAhead = null;
  m.close();
}
if (ahead) {
  // The last quarter cut right after the check a quarter in (the one
  // after: a walk that goes through the file in passes, a column of a
  // transposed map at a time, is then at the start of a pass, not at the
  // end of one, in the part cut).
  m = open();
  const target = Math.ceil(checks / 4) + 1;
  let seenChecks = 0, cut = false;
  readAheadHooks.afterCheck = () => {
    if (++seenChecks === target && !cut) { m.cut(SIZE / 4 * 3); cut = true; }
  };
  console.error("cut at the ahead check");
  try {
    walk(m.a);
    row.ahead = cut ? "returned" : "returned, not cut";
  } catch (e) {
    row.ahead = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
  }
  readAheadHooks.afterCheck = null;
  m.close();
}
console.log(JSON.stringify(row));
`;
      const run = await denoRunWithin(["-A"], code, 240_000);
      const last = run.stderr.trim().split("\n").filter((l) =>
        l.startsWith("cut at")
      ).pop();
      return { name, run, last };
    };
    // Two subprocesses at a time.
    const results: Awaited<ReturnType<typeof runOne>>[] = [];
    const walks = [
      ...UP_FRONT_WALKS.map((w) => ({ w, ahead: false })),
      ...AHEAD_WALKS.map((w) => ({ w, ahead: true })),
    ];
    for (let i = 0; i < walks.length; i += 2) {
      results.push(
        ...await Promise.all(
          walks.slice(i, i + 2).map(({ w, ahead }, j) =>
            runOne(w, i + j, ahead)
          ),
        ),
      );
    }
    const failures: string[] = [];
    for (const { name, run, last } of results) {
      if (run.signal !== null || run.code !== 0) {
        failures.push(`${name}: ${last}: ${run.signal ?? run.stderr}`);
        continue;
      }
      const row = JSON.parse(run.stdout);
      // 32 MiB of work: a check at least every 2 MiB of it.
      if (!(row.checks >= 16)) failures.push(`${name}: ${row.checks} checks`);
      const ats = ["first", "middle", "last"];
      if ("ahead" in row) ats.push("ahead");
      for (const at of ats) {
        if (row[at] !== "EFAULT cut short") {
          failures.push(`${name}, cut at the ${at} check: ${row[at]}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  },
);

/**
 * Side-by-side runner: the same workloads with Python/NumPy and with this
 * library, in one run, on the same data files; prints a Markdown table of
 * best-of-N times and ratios (Python time / Deno time: above 1 means this
 * library is faster).
 *
 * Workloads live in `bench/compare/*_compare.ts`; each module exports
 * `workloads: Workload[]`, and may export `peerWorkloads: PeerWorkload[]`:
 * rows against Python, Bun, Node and C at once, printed as a second table
 * (medians of rounds that alternate the sides; see `peers.ts`). Scripts named `*_report.ts` (figures that need
 * processes of their own, such as RSS) run afterwards; their output lines are
 * printed under the table. Run with `deno task compare [filter...]`: a row
 * runs when its label or its module's file name contains any of the filters.
 *
 * @module
 */

import {
  measure,
  type PeerRow,
  peerTable,
  type PeerWorkload,
} from "./peers.ts";

/** One measured task, done both ways. */
export interface Workload {
  /** Row label. */
  name: string;
  /** What the ratio must reach (shown in the table), e.g. `>= 1.3x`. */
  target?: string;
  /** Makes the data files in `dir` (shared by both sides); run once. */
  setup?(dir: string): void | Promise<void>;
  /** The Deno side; returns milliseconds for one run. */
  deno(dir: string): number | Promise<number>;
  /**
   * The Python side: a script body with `DIR` (str) defined, `np`, `mmap`,
   * `os` and `time` imported; it must set `ms` to one run's milliseconds.
   */
  python: string;
  /** Runs per side (best is kept); default 3. */
  repeat?: number;
  /** Extra figures the workload reports (e.g. RSS), printed under the table. */
  notes?: () => string[];
}

const PRELUDE = `
import mmap, os, sys, time, gc
try:
    import numpy as np
except ImportError:
    np = None
DIR = sys.argv[1]
REPEAT = int(sys.argv[2])
best = float("inf")
for _ in range(REPEAT):
    ms = None
`;

async function runPython(
  body: string,
  dir: string,
  repeat: number,
): Promise<number> {
  const indented = body.trim().split("\n").map((l) => `    ${l}`).join("\n");
  const script =
    `${PRELUDE}${indented}\n    best = min(best, ms)\nprint(best)\n`;
  const out = await new Deno.Command("python3", {
    args: ["-c", script, dir, String(repeat)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return Number(lines[lines.length - 1]);
}

async function main(): Promise<void> {
  const filters = Deno.args.length > 0 ? Deno.args : [""];
  const wanted = (...names: string[]) =>
    filters.some((f) => names.some((n) => n.includes(f)));
  const here = new URL(".", import.meta.url);
  const modules = [...Deno.readDirSync(here)]
    .filter((e) => e.name.endsWith("_compare.ts"))
    .map((e) => e.name)
    .sort();
  const reports = [...Deno.readDirSync(here)]
    .filter((e) => e.name.endsWith("_report.ts"))
    .map((e) => e.name)
    .sort();
  const dir = Deno.env.get("COMPARE_DIR") ??
    Deno.makeTempDirSync({ prefix: "mmap-compare-" });
  Deno.mkdirSync(dir, { recursive: true });
  const rows: string[] = [
    "| workload | Python/NumPy | this library | ratio | target |",
    "| --- | ---: | ---: | ---: | --- |",
  ];
  const notes: string[] = [];
  const peerRows: PeerRow[] = [];
  const work = Deno.makeTempDirSync({ prefix: "mmap-peers-" });
  try {
    for (const name of modules) {
      const { workloads, peerWorkloads = [] } = await import(
        new URL(name, here).href
      ) as {
        workloads: Workload[];
        peerWorkloads?: PeerWorkload[];
      };
      for (const w of peerWorkloads) {
        if (!wanted(w.name, name)) continue;
        const row = await measure(w, dir, work);
        console.error(peerTable([row], fmt).at(-1));
        peerRows.push(row);
      }
      for (const w of workloads) {
        if (!wanted(w.name, name)) continue;
        await w.setup?.(dir);
        const repeat = w.repeat ?? 3;
        const py = await runPython(w.python, dir, repeat);
        let best = Infinity;
        for (let i = 0; i < repeat; i++) {
          best = Math.min(best, await w.deno(dir));
        }
        const row = `| ${w.name} | ${fmt(py)} | ${fmt(best)} | ${
          (py / best).toFixed(2)
        }x | ${w.target ?? ""} |`;
        console.error(row);
        rows.push(row);
        notes.push(...(w.notes?.() ?? []));
      }
    }
  } finally {
    Deno.removeSync(work, { recursive: true });
    if (!Deno.env.get("COMPARE_DIR")) Deno.removeSync(dir, { recursive: true });
  }
  if (rows.length > 2) console.log(rows.join("\n"));
  if (peerRows.length > 0) {
    console.log(
      `\nAgainst several peers (medians of alternating rounds; peer time / ours in brackets):\n`,
    );
    console.log(peerTable(peerRows, fmt).join("\n"));
  }
  // Reports that need processes of their own (RSS figures, multi-GB files).
  for (const name of reports) {
    if (!wanted(name)) continue;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(name, here).pathname],
      stdout: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (text) notes.push(...text.split("\n"));
    if (!out.success) notes.push(`${name} failed (exit code ${out.code})`);
  }
  if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
  console.log(
    `\n${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
}

function fmt(ms: number): string {
  return ms >= 100
    ? `${ms.toFixed(0)} ms`
    : ms >= 1
    ? `${ms.toFixed(2)} ms`
    : `${(ms * 1000).toFixed(1)} us`;
}

if (import.meta.main) await main();

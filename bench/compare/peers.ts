/**
 * Rows against several peers at once (Python, Bun, Node, C): each round runs
 * every side once, in an order that rotates from round to round, and a side's
 * figure is the median of its rounds. Peers run as processes of their own
 * and print one run's milliseconds, wall-clock then CPU time (user + system
 * of the whole process); a peer that is not installed (no `bun`, `node` or C
 * compiler) is shown as "-". CPU time is shown too because on a shared
 * machine wall-clock time includes waiting for a core.
 *
 * Bun: `$BUN`, else `bun` on the PATH, else `npx -y bun@1.4.4`.
 *
 * @module
 */

import { cpuUsage } from "node:process";

/** The languages a peer side is written in. */
export type PeerKind = "python" | "bun" | "node" | "c";

/** One run's milliseconds: wall-clock and CPU time (user + system, all threads). */
export interface Timing {
  wall: number;
  cpu: number;
}

/** One row measured against peers. */
export interface PeerWorkload {
  /** Row label. */
  name: string;
  /** What the ratios must reach (shown in the table). */
  target?: string;
  /** Makes the data files in `dir`; run once. */
  setup?(dir: string): void | Promise<void>;
  /**
   * Our side: the timing of one run, or its wall-clock milliseconds alone
   * (extra sides of ours may follow; one that returns `undefined` has no
   * figure for the row, e.g. a checkout before the row was added).
   */
  deno: Record<
    string,
    (
      dir: string,
    ) => Timing | number | undefined | Promise<Timing | number | undefined>
  >;
  /**
   * The peers' sides: a Python or JavaScript script body with `DIR` defined
   * that times its work with `start()` and `report()` (or prints its
   * wall-clock milliseconds alone), or the arguments of the C program
   * (`c/mmap_peers.c`) with `DIR` replaced.
   */
  peers: Partial<Record<PeerKind, string | string[]>>;
  /** Rounds (median kept); default 5. */
  rounds?: number;
}

/**
 * Times one run of ours: wall-clock and CPU milliseconds (CPU: user +
 * system, the whole process).
 *
 * @param run The work.
 * @returns Its timing.
 */
export function timing(run: () => void): Timing {
  const cpu = cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const used = cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const decoder = new TextDecoder();

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args[0]}: ${decoder.decode(out.stderr)}`);
  }
  return decoder.decode(out.stdout).trim();
}

async function works(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

interface Runners {
  bun?: string[];
  node?: string[];
  c?: string;
}

let runners: Runners | undefined;

/** Finds Bun and Node and builds the C program, once. */
async function findRunners(work: string): Promise<Runners> {
  if (runners) return runners;
  runners = {};
  const bun = Deno.env.get("BUN");
  for (
    const cmd of [bun ? [bun] : [], ["bun"], ["npx", "-y", "bun@1.4.4"]]
  ) {
    if (cmd.length > 0 && await works(cmd[0], [...cmd.slice(1), "--version"])) {
      runners.bun = cmd;
      break;
    }
  }
  if (await works("node", ["--version"])) runners.node = ["node"];
  const source = new URL("./c/mmap_peers.c", import.meta.url).pathname;
  const binary = `${work}/mmap_peers`;
  if (await works("cc", ["-O2", "-o", binary, source])) runners.c = binary;
  return runners;
}

/** The lines the peers' programs begin with: DIR, start() and report(). */
const PYTHON_PRELUDE = `import mmap, os, sys, time
DIR = sys.argv[1]
def start():
    global wall0, cpu0
    wall0, cpu0 = time.perf_counter(), time.process_time()
def report():
    print((time.perf_counter() - wall0) * 1000, (time.process_time() - cpu0) * 1000)
`;
const JS_PRELUDE = `const DIR = process.argv[2];
let wall0, cpu0;
function start() { wall0 = performance.now(); cpu0 = process.cpuUsage(); }
function report() {
  const cpu = process.cpuUsage(cpu0);
  console.log(performance.now() - wall0, (cpu.user + cpu.system) / 1000);
}
`;

async function runPeer(
  kind: PeerKind,
  code: string | string[],
  dir: string,
  work: string,
): Promise<Timing | undefined> {
  const r = await findRunners(work);
  let text: string;
  if (kind === "python") {
    text = await run("python3", ["-c", PYTHON_PRELUDE + code, dir]);
  } else if (kind === "c") {
    if (!r.c) return undefined;
    const args = (code as string[]).map((a) => a.replaceAll("DIR", dir));
    text = await run(r.c, args);
  } else {
    const cmd = r[kind];
    if (!cmd) return undefined;
    const file = `${work}/${kind}_peer.js`;
    Deno.writeTextFileSync(file, JS_PRELUDE + code);
    text = await run(cmd[0], [...cmd.slice(1), file, dir]);
  }
  const [wall, cpu = NaN] = text.split("\n").at(-1)!.split(" ").map(Number);
  return { wall, cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The peers' columns, in table order. */
export const PEERS: PeerKind[] = ["python", "bun", "node", "c"];

/** One measured row: our sides and the peers', medians in milliseconds. */
export interface PeerRow {
  name: string;
  target?: string;
  ours: Record<string, Timing>;
  peers: Partial<Record<PeerKind, Timing>>;
}

/**
 * Measures a row: rounds of every side, the order rotating.
 *
 * @param w The workload.
 * @param dir The data directory.
 * @param work A scratch directory for programs.
 * @returns The medians.
 */
export async function measure(
  w: PeerWorkload,
  dir: string,
  work: string,
): Promise<PeerRow> {
  await w.setup?.(dir);
  type Side = { key: string; go: () => Promise<Timing | undefined> };
  const sides: Side[] = [
    ...Object.entries(w.deno).map(([key, f]) => ({
      key: `deno:${key}`,
      go: async () => {
        const t = await f(dir);
        return typeof t === "number" ? { wall: t, cpu: NaN } : t;
      },
    })),
    ...PEERS.filter((k) => w.peers[k] !== undefined).map((k) => ({
      key: k,
      go: () => runPeer(k, w.peers[k]!, dir, work),
    })),
  ];
  const times = new Map<string, Timing[]>();
  // COMPARE_ROUNDS=n overrides every row's count (a quick audit: 1).
  const rounds = roundsOverride() ?? w.rounds ?? 5;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + round) % sides.length];
      const t = await side.go();
      if (t === undefined || !Number.isFinite(t.wall)) continue;
      if (!times.has(side.key)) times.set(side.key, []);
      times.get(side.key)!.push(t);
    }
  }
  const row: PeerRow = { name: w.name, target: w.target, ours: {}, peers: {} };
  for (const [key, list] of times) {
    const t = {
      wall: median(list.map((x) => x.wall)),
      cpu: median(list.map((x) => x.cpu)),
    };
    if (key.startsWith("deno:")) row.ours[key.slice(5)] = t;
    else row.peers[key as PeerKind] = t;
  }
  return row;
}

/** `COMPARE_ROUNDS`, when set to a positive integer. */
function roundsOverride(): number | undefined {
  const n = Number(Deno.env.get("COMPARE_ROUNDS"));
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The table of rows: our time(s), each peer's time and its ratios to our
 * first side, wall-clock and CPU time (peer time / ours: above 1 means we
 * are faster).
 *
 * @param rows The rows.
 * @param fmt Formats milliseconds.
 * @returns Markdown lines.
 */
export function peerTable(
  rows: PeerRow[],
  fmt: (ms: number) => string,
): string[] {
  const out = [
    "| workload | this library | Python | Bun | Node | C | target |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const keys = Object.keys(row.ours);
    const ours = keys.map((k) => {
      const t = row.ours[k];
      const text = Number.isNaN(t.cpu)
        ? fmt(t.wall)
        : `${fmt(t.wall)} (cpu ${fmt(t.cpu)})`;
      return keys.length > 1 ? `${k}: ${text}` : text;
    }).join("<br>");
    const base = row.ours[keys[0]];
    const cells = PEERS.map((k) => {
      const t = row.peers[k];
      return t === undefined
        ? "-"
        : `${fmt(t.wall)} (${(t.wall / base.wall).toFixed(2)}x; cpu ${
          (t.cpu / base.cpu).toFixed(2)
        }x)`;
    });
    out.push(
      `| ${row.name} | ${ours} | ${cells.join(" | ")} | ${row.target ?? ""} |`,
    );
  }
  return out;
}

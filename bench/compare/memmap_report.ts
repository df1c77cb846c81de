/**
 * Side-by-side figures for memmap against NumPy (not a unit test: it writes
 * a 1 GiB and a 3.2 GB file and takes minutes).
 *
 * Usage: deno run -A bench/compare/memmap_report.ts [DIR]
 * DIR (default: a new temp dir, removed at the end) must have ~5 GB free.
 * Set MEMMAP_N to change the 20000 x 20000 seed size.
 *
 * @module
 */

import { memmap, type NDArray } from "../../mod.ts";
import { writeSines } from "./memmap_compare.ts";

const dir = Deno.args[0] ?? Deno.makeTempDirSync({ prefix: "memmap_compare_" });
const keep = Deno.args[0] !== undefined;
const N = Number(Deno.env.get("MEMMAP_N") ?? 20000);
const script = new URL("./memmap_report.py", import.meta.url).pathname;

function numpy(task: string, path: string, n = 0): Record<string, number> {
  const out = new Deno.Command("python3", {
    args: [script, task, path, String(n)],
    stdout: "piped",
  }).outputSync();
  if (!out.success) throw new Error(`python3 ${task} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function status(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(
    Deno.readTextFileSync("/proc/self/status"),
  );
  return m ? Number(m[1]) : 0;
}

/** Runs `fn` in a child Deno process so its RSS is measured alone. */
function child(task: string, path: string, n = 0): Record<string, number> {
  const out = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--child",
      task,
      path,
      String(n),
    ],
    stdout: "piped",
  }).outputSync();
  if (!out.success) throw new Error(`child ${task} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function runChild(
  task: string,
  path: string,
  n: number,
): Record<string, number> {
  if (task === "sum") {
    let best = Infinity, s = 0;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      using m = memmap(path, { dtype: "float64", mode: "r" });
      s = m.sum() as number;
      best = Math.min(best, (performance.now() - t) / 1000);
    }
    return { seconds: best, sum: s };
  }
  if (task === "fill") {
    const t = performance.now();
    using fp = memmap(path, { dtype: "float64", mode: "w+", shape: [n, n] });
    const data = fp.slice(0).copy();
    data.assign(Float64Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i++) fp.slice(i).assign(data.mul(i));
    fp.flush();
    fp.close();
    return { seconds: (performance.now() - t) / 1000 };
  }
  if (task === "column" || task === "sumall") {
    const before = status("VmRSS");
    const t = performance.now();
    using fp = task === "column"
      ? memmap(path, { dtype: "float64", mode: "r", shape: [n, n] })
      : memmap(path, { dtype: "float64", mode: "r" });
    const s = (task === "column" ? fp.slice("15000:", 15000) : fp)
      .sum() as number;
    return {
      sum: s,
      seconds: (performance.now() - t) / 1000,
      rss_growth_kib: status("VmHWM") - before,
    };
  }
  if (task === "getset") {
    using fp = memmap(path, {
      dtype: "float64",
      mode: "r+",
      shape: [8192, n / 8192],
    });
    const cols = n / 8192;
    const k = 20_000_000;
    let t = performance.now();
    let acc = 0;
    for (let i = 0; i < k; i++) {
      acc += fp.get(i & 8191, (i * 7) % cols) as number;
    }
    const get = k / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < k; i++) fp.set(i & 8191, (i * 7) % cols, acc);
    const set = k / ((performance.now() - t) / 1000);
    return { get_per_second: get, set_per_second: set };
  }
  throw new Error(`unknown task ${task}`);
}

if (Deno.args[0] === "--child") {
  const [, task, path, n] = Deno.args;
  console.log(JSON.stringify(runChild(task, path, Number(n))));
} else {
  const report: string[] = [];
  const line = (s: string) => {
    report.push(s);
    console.log(s);
  };
  // 1 GiB float64 file in page cache.
  const gib = `${dir}/sum_1gib.f8`;
  const count = 128 * 1024 * 1024;
  writeSines(gib, count);
  // Alternate the two sides, so that a drift of the page cache (this VM
  // reclaims and splits cached pages in the background) hits both alike.
  let ns = numpy("sum", gib), js = child("sum", gib);
  for (let round = 1; round < 3; round++) {
    const n = numpy("sum", gib), j = child("sum", gib);
    if (n.seconds < ns.seconds) ns = n;
    if (j.seconds < js.seconds) js = j;
  }
  line(
    `sum() of a 1 GiB float64 memmap (page cache, best of 3 x 5, alternating): numpy ${
      (ns.seconds * 1000).toFixed(1)
    } ms, ours ${(js.seconds * 1000).toFixed(1)} ms -> ${
      (ns.seconds / js.seconds).toFixed(2)
    }x NumPy's speed; sums ${ns.sum} vs ${js.sum}`,
  );
  const gs = child("getset", gib, count);
  const ngs = numpy("getset", gib, count);
  line(
    `get/set on a 2-D float64 memmap: ours ${
      (gs.get_per_second / 1e6).toFixed(1)
    } M get/s, ${
      (gs.set_per_second / 1e6).toFixed(1)
    } M set/s (numpy fp[i, j]: ${(ngs.get_per_second / 1e6).toFixed(2)} M/s)`,
  );
  Deno.removeSync(gib);
  // Seed scenario at N x N.
  const seedNp = `${dir}/seed_numpy.dat`;
  const seedJs = `${dir}/seed_deno.dat`;
  const fn = numpy("fill", seedNp, N);
  Deno.removeSync(seedNp);
  const fj = child("fill", seedJs, N);
  line(
    `fill ${N} x ${N} float64 (${
      (N * N * 8 / 1e9).toFixed(1)
    } GB) row by row: numpy ${fn.seconds.toFixed(1)} s, ours ${
      fj.seconds.toFixed(1)
    } s -> ${(fj.seconds / fn.seconds).toFixed(2)}x NumPy's time`,
  );
  if (N > 15000) {
    const cn = numpy("column", seedJs, N);
    const cj = child("column", seedJs, N);
    line(
      `column slice [15000:, 15000].sum(): numpy RSS growth ${
        (cn.rss_growth_kib / 1024).toFixed(1)
      } MiB, ours ${
        (cj.rss_growth_kib / 1024).toFixed(1)
      } MiB; sums ${cn.sum} vs ${cj.sum}`,
    );
  }
  const an = numpy("sumall", seedJs, N);
  const aj = child("sumall", seedJs, N);
  line(
    `whole sum() of the ${(N * N * 8 / 1e9).toFixed(1)} GB file: numpy ${
      an.seconds.toFixed(2)
    } s, peak RSS growth ${(an.rss_growth_kib / 1024).toFixed(0)} MiB; ours ${
      aj.seconds.toFixed(2)
    } s, peak RSS growth ${
      (aj.rss_growth_kib / 1024).toFixed(0)
    } MiB; sums ${an.sum} vs ${aj.sum}`,
  );
  if (!keep) Deno.removeSync(dir, { recursive: true });
  else Deno.removeSync(seedJs);
}

export type { NDArray };

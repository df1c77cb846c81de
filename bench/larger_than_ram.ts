/**
 * Sums a sparse float64 file larger than this machine's RAM (default: twice
 * the total memory) with `memmap(...).sum()` and prints the time and the
 * process's RSS: windows are released as they are finished, so RSS stays
 * small however large the file.
 *
 * Usage: deno run -A bench/larger_than_ram.ts [GiB] [dir]
 *
 * @module
 */

import { memmap } from "../mod.ts";

const totalGiB =
  Number(/MemTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"))![1]) /
  1024 ** 2;
const gib = Number(Deno.args[0] ?? Math.ceil(totalGiB * 2));
const dir = Deno.args[1] ??
  Deno.makeTempDirSync({ prefix: "larger-than-ram-" });
const path = `${dir}/sparse.f8`;
const status = (key: string) =>
  Number(
    new RegExp(`${key}:\\s+(\\d+)`).exec(
      Deno.readTextFileSync("/proc/self/status"),
    )![1],
  ) / 1024;

try {
  {
    using file = Deno.openSync(path, {
      create: true,
      write: true,
      truncate: true,
    });
    file.truncateSync(gib * 1024 ** 3);
  }
  let ones = 0;
  {
    using w = memmap(path, { dtype: "float64", mode: "r+" });
    for (let i = 0; i < w.size; i += 1 << 27, ones++) w.set(i, 1);
  }
  const before = status("VmRSS");
  const start = performance.now();
  using m = memmap(path, { dtype: "float64", mode: "r" });
  const sum = m.sum();
  const seconds = (performance.now() - start) / 1000;
  if (sum !== ones) throw new Error(`sum ${sum}, expected ${ones}`);
  console.log(
    `sum() of a ${gib} GiB file (RAM ${totalGiB.toFixed(1)} GiB): ${
      seconds.toFixed(1)
    } s, ` +
      `RSS ${before.toFixed(0)} MiB before, peak ${
        status("VmHWM").toFixed(0)
      } MiB`,
  );
} finally {
  Deno.removeSync(path);
  if (Deno.args[1] === undefined) Deno.removeSync(dir, { recursive: true });
}

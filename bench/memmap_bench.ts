/**
 * `deno bench -A bench/memmap_bench.ts`: element access, reductions (in
 * place by the SIMD kernels and by the TypeScript loop), arithmetic and row
 * assignment on a float64 memmap (64 MiB, in a temp dir).
 *
 * @module
 */

import { memmap } from "../mod.ts";

const dir = Deno.makeTempDirSync({ prefix: "memmap_bench_" });
const rows = 2048, cols = 4096;
const fp = memmap(`${dir}/bench.f8`, {
  dtype: "float64",
  mode: "w+",
  shape: [rows, cols],
});
const row = fp.slice(0).copy().assign(
  Float64Array.from({ length: cols }, (_, i) => Math.sin(i)),
);
for (let i = 0; i < rows; i++) fp.slice(i).assign(row);
const big = memmap(`${dir}/bench_be.f8`, {
  dtype: ">f8",
  mode: "w+",
  shape: [rows, cols],
});
big.assign(fp);
fp.flush();
// Mode "c" keeps reductions on the TypeScript path (no in-place kernels).
const copyOnWrite = memmap(`${dir}/bench.f8`, {
  dtype: "float64",
  mode: "c",
  shape: [rows, cols],
});

Deno.bench(
  "get() of 1M elements of a 2-D float64 memmap",
  { group: "element" },
  () => {
    let acc = 0;
    for (let i = 0; i < 1_000_000; i++) {
      acc += fp.get(
        i & 2047,
        (i * 7) & 4095,
      ) as number;
    }
    if (acc === Infinity) throw new Error("unreachable");
  },
);

Deno.bench(
  "set() of 1M elements of a 2-D float64 memmap",
  { group: "element" },
  () => {
    for (let i = 0; i < 1_000_000; i++) fp.set(i & 2047, (i * 7) & 4095, 0.5);
  },
);

Deno.bench(
  "get() of 1M elements of a big-endian memmap",
  { group: "element" },
  () => {
    let acc = 0;
    for (let i = 0; i < 1_000_000; i++) {
      acc += big.get(
        i & 2047,
        (i * 7) & 4095,
      ) as number;
    }
    if (acc === Infinity) throw new Error("unreachable");
  },
);

Deno.bench("sum() of a 64 MiB float64 memmap", {
  group: "reduce",
  baseline: true,
}, () => {
  fp.sum();
});

Deno.bench(
  "sum() of a 64 MiB float64 memmap, TypeScript loop (mode c)",
  { group: "reduce" },
  () => {
    copyOnWrite.sum();
  },
);

Deno.bench("max() of a 64 MiB float64 memmap", { group: "reduce" }, () => {
  fp.max();
});

Deno.bench(
  "max() of a 64 MiB float64 memmap, TypeScript loop (mode c)",
  { group: "reduce" },
  () => {
    copyOnWrite.max();
  },
);

Deno.bench(
  "sum() of a 64 MiB big-endian float64 memmap",
  { group: "reduce" },
  () => {
    big.sum();
  },
);

Deno.bench("sum(0) (column sums) of a 64 MiB float64 memmap", {
  group: "reduce",
}, () => {
  fp.sum(0);
});

Deno.bench("column slice [1000:, 1000].sum()", { group: "reduce" }, () => {
  fp.slice("1000:", 1000).sum();
});

Deno.bench(
  "row assign: fp[i] = data * i for 2048 rows",
  { group: "write" },
  () => {
    for (let i = 0; i < rows; i++) fp.slice(i).assign(row.mul(i));
  },
);

Deno.bench(
  "mean() and mul(0.5) of a 512 x 512 image view",
  { group: "write" },
  () => {
    const image = fp.slice(":512", ":512");
    image.mean();
    image.mul(0.5);
  },
);

globalThis.addEventListener("unload", () => {
  copyOnWrite.close();
  fp.close();
  big.close();
  Deno.removeSync(dir, { recursive: true });
});

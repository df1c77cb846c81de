/**
 * `deno bench -A bench/npy_bench.ts`: `.npy`/`.npz` reading and writing.
 * Files live in a temp dir; the 2 GiB `.npy` is sparse (no disk use).
 *
 * @module
 */

import {
  array,
  load,
  type Memmap,
  type NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
} from "../mod.ts";
import { bytesSource } from "../src/npy/byte_source.ts";
import { formatNpyHeader, readNpyHeader } from "../src/npy/header.ts";

const dir = Deno.makeTempDirSync({ prefix: "npy_bench_" });
const MiB = 2 ** 20;
{
  using small = openMemmap(`${dir}/small.npy`, {
    mode: "w+",
    dtype: "float64",
    shape: [MiB / 4],
  });
  small.set(0, 1);
  using big = openMemmap(`${dir}/big.npy`, {
    mode: "w+",
    dtype: "float64",
    shape: [2 ** 28],
  });
  big.set(0, 1);
}
const data = new Float64Array(8 * MiB); // 64 MiB
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i);
const a64 = array(data);
const a16 = array(data.subarray(0, 2 * MiB)); // 16 MiB
const rows = a16.reshape(1024, 2048);
save(`${dir}/a64.npy`, a64);
savez(`${dir}/a16.npz`, { odd: array([1, 2, 3], { dtype: "int8" }), x: a16 });
const header = formatNpyHeader("<f8", false, [3, 4]);

Deno.bench("readNpyHeader() of a 2-D header", { group: "header" }, () => {
  readNpyHeader(bytesSource(header), 0, "bench");
});

Deno.bench("load(mmapMode 'r') of a 2 MiB .npy", {
  group: "map",
  baseline: true,
}, () => {
  (load(`${dir}/small.npy`, { mmapMode: "r" }) as Memmap).close();
});

Deno.bench("load(mmapMode 'r') of a 2 GiB .npy", { group: "map" }, () => {
  (load(`${dir}/big.npy`, { mmapMode: "r" }) as Memmap).close();
});

Deno.bench(
  "load(mmapMode 'r').get() of a 16 MiB .npz member",
  { group: "map" },
  () => {
    using npz = load(`${dir}/a16.npz`, { mmapMode: "r" }) as NpzFile;
    (npz.get("x") as Memmap).close();
  },
);

Deno.bench("load() of a 64 MiB .npy into memory", { group: "read" }, () => {
  load(`${dir}/a64.npy`);
});

Deno.bench(
  "NpzFile.get() of a 16 MiB stored member into memory (CRC checked)",
  { group: "read" },
  () => {
    using npz = load(`${dir}/a16.npz`) as NpzFile;
    npz.get("x");
  },
);

Deno.bench("save() of a 64 MiB float64 array", {
  group: "write",
  baseline: true,
}, () => {
  save(`${dir}/out.npy`, a64);
});

Deno.bench("save() of a 16 MiB transposed (Fortran-order) array", {
  group: "write",
}, () => {
  save(`${dir}/out_t.npy`, rows.T);
});

Deno.bench("save() of a 16 MiB strided array (copied in blocks)", {
  group: "write",
}, () => {
  save(`${dir}/out_s.npy`, a64.slice("::4"));
});

Deno.bench("savez() of a 16 MiB array", { group: "write" }, () => {
  savez(`${dir}/out.npz`, { x: a16 });
});

Deno.bench(
  "savezCompressed() of a 16 MiB array",
  { group: "write", n: 5 },
  () => {
    savezCompressed(`${dir}/out_c.npz`, { x: a16 });
  },
);

globalThis.addEventListener("unload", () => {
  Deno.removeSync(dir, { recursive: true });
});

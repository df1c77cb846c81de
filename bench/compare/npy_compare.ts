/**
 * Side-by-side figures for `.npy`/`.npz` against NumPy, run by
 * `deno task compare npy` (see `run.ts`). Needs about 4 GB free in the
 * compare directory and takes a minute or two.
 *
 * - `load()` with `mmapMode` of a 2 GiB `.npy` (sparse) against a 2 MiB one:
 *   mapping does not read, so both are well under 1 ms.
 * - `save()` of a 1 GiB float64 array against `np.save`, each to a new file
 *   after `sync`, best of 5 (target: within 1.2x, i.e. ratio >= 0.83). Disk
 *   write-back makes single runs vary by 2x or more on small VMs.
 * - a 1 GiB member of an `np.savez` archive: `load(path, { mmapMode: "r" })`
 *   then `get("x")` maps it in place; NumPy's `np.load(path)["x"]` copies it
 *   (target: at least 100x).
 *
 * @module
 */

import {
  array,
  load,
  type Memmap,
  type NDArray,
  type NpzFile,
  openMemmap,
  save,
} from "../../mod.ts";
import type { Workload } from "./run.ts";

const GiB = 2 ** 30;
let big: NDArray | null = null;

function sync(): void {
  new Deno.Command("sync").outputSync();
}

function remove(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

function sparseNpy(path: string, bytes: number): void {
  using m = openMemmap(path, {
    mode: "w+",
    dtype: "float64",
    shape: [bytes / 8],
  });
  m.set(0, 1);
}

/** The workloads of this module. */
export const workloads: Workload[] = [
  {
    name: "npy: load(mmapMode 'r') of a 2 MiB .npy",
    target: "< 1 ms",
    repeat: 20,
    setup(dir) {
      sparseNpy(`${dir}/small.npy`, 2 * 2 ** 20);
    },
    deno(dir) {
      const t = performance.now();
      const m = load(`${dir}/small.npy`, { mmapMode: "r" }) as Memmap;
      const ms = performance.now() - t;
      m.close();
      return ms;
    },
    python: `
t = time.perf_counter()
a = np.load(os.path.join(DIR, "small.npy"), mmap_mode="r")
ms = (time.perf_counter() - t) * 1000
del a`,
  },
  {
    name: "npy: load(mmapMode 'r') of a 2 GiB .npy",
    target: "< 1 ms, as for 2 MiB",
    repeat: 20,
    setup(dir) {
      sparseNpy(`${dir}/big2g.npy`, 2 * GiB);
    },
    deno(dir) {
      const t = performance.now();
      const m = load(`${dir}/big2g.npy`, { mmapMode: "r" }) as Memmap;
      const ms = performance.now() - t;
      m.close();
      return ms;
    },
    python: `
t = time.perf_counter()
a = np.load(os.path.join(DIR, "big2g.npy"), mmap_mode="r")
ms = (time.perf_counter() - t) * 1000
del a`,
  },
  {
    name: "npy: save() of a 1 GiB float64 array vs np.save",
    target: "within 1.2x (ratio >= 0.83)",
    repeat: 5,
    setup(dir) {
      remove(`${dir}/big2g.npy`);
      const f = new Float64Array(GiB / 8);
      for (let i = 0; i < f.length; i++) f[i] = i * 0.5;
      big = array(f);
    },
    deno(dir) {
      const path = `${dir}/deno_save.npy`;
      remove(path);
      sync();
      const t = performance.now();
      save(path, big!);
      const ms = performance.now() - t;
      remove(path);
      return ms;
    },
    python: `
if "A" not in globals():
    A = np.arange(2**27, dtype=np.float64) * 0.5
p = os.path.join(DIR, "py_save.npy")
if os.path.exists(p):
    os.remove(p)
os.sync()
t = time.perf_counter()
np.save(p, A)
ms = (time.perf_counter() - t) * 1000
os.remove(p)`,
  },
  {
    name: "npz: 1 GiB stored member, load(mmapMode 'r').get vs np.load()[...]",
    target: ">= 100x",
    async setup(dir) {
      big = null;
      const script = `
import numpy as np, sys
np.savez(sys.argv[1], odd=np.arange(3, dtype="i1"), x=np.arange(2**27, dtype=np.float64))`;
      const out = await new Deno.Command("python3", {
        args: ["-c", script, `${dir}/big.npz`],
      }).output();
      if (!out.success) throw new Error("np.savez failed");
    },
    deno(dir) {
      const t = performance.now();
      using npz = load(`${dir}/big.npz`, { mmapMode: "r" }) as NpzFile;
      using x = npz.get("x") as Memmap;
      const last = x.get(x.size - 1);
      const ms = performance.now() - t;
      if (last !== 2 ** 27 - 1) throw new Error(`wrong last element ${last}`);
      return ms;
    },
    python: `
t = time.perf_counter()
with np.load(os.path.join(DIR, "big.npz")) as z:
    x = z["x"]
last = x[-1]
ms = (time.perf_counter() - t) * 1000
del x`,
  },
];

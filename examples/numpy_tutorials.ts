/**
 * The NumPy memory-map tutorials, redone: the big 20000 x 20000 float64
 * memmap with RSS readings (tutorial 000), `np.frombuffer` over a map
 * (002), and memmap modes, offsets, `.npy`/`.npz` with `mmap_mode` and
 * shared memory between two programs (004).
 *
 * Run alone with `deno run -A examples/numpy_tutorials.ts [n]` (n defaults
 * to 20000: a 3.2 GB file in a temp dir).
 *
 * @module
 */

import {
  array,
  frombuffer,
  load,
  type Memmap,
  memmap,
  Mmap,
  type NDArray,
  save,
  savez,
  SharedMemory,
} from "../mod.ts";
import { repr } from "./mmap_tutorials.ts";

/** Resident set size of this process in MiB (Linux), as psutil's `rss`. */
function rssMiB(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** "rows 5000/20000 (25%), 800 MB at 410 MB/s". */
function progress(
  rows: number,
  n: number,
  rowBytes: number,
  ms: number,
): string {
  const mb = rows * rowBytes / 1e6;
  return `  rows ${rows}/${n} (${Math.floor(rows / n * 100)}%), ${
    mb.toFixed(0)
  } MB at ${(mb / (ms / 1000)).toFixed(0)} MB/s`;
}

/** Runs the walkthroughs in `dir` with an `n` x `n` big array, printing each step. */
export async function numpyTutorials(
  dir: string,
  n = 20_000,
  log: (line: string) => void = console.log,
): Promise<void> {
  const rss = () => `RSS ${rssMiB().toFixed(1)} MiB`;

  // --- 000: a big array on disk ---
  log(
    `## big_array.dat: ${n} x ${n} float64 (${
      (n * n * 8 / 1e9).toFixed(2)
    } GB) in mode w+`,
  );
  const big = `${dir}/big_array.dat`;
  const rowBytes = n * 8;
  log(
    `writing ${(n * rowBytes / 1e9).toFixed(2)} GB to ${big}: it needs that ` +
      "much free disk (`deno task demo 2000` writes a 32 MB one instead)",
  );
  const started = performance.now();
  {
    using fp = memmap(big, { dtype: "d", mode: "w+", shape: [n, n] });
    let data = array(new Float64Array(n).fill(1));
    let reported = started;
    for (let i = 0; i < n; i++) {
      data = data.mul(i); // data *= i
      fp.slice(i).assign(data); // fp[i, :] = data
      fp.flush();
      const now = performance.now();
      if (now - reported >= 2000 && i + 1 < n) {
        reported = now;
        log(progress(i + 1, n, rowBytes, now - started));
      }
    }
  }
  log(
    `filled row by row in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s; ${rss()}`,
  );
  {
    using fp = memmap(big, { dtype: "d", mode: "r", shape: [n, n] });
    log(`reopened read-only: ${rss()}`);
    const from = Math.floor(n * 3 / 4);
    const column = fp.slice(`${from}:`, from); // fp[15000:, 15000]
    log(`fp[${from}:, ${from}].sum() = ${column.sum()}; ${rss()}`);
  }
  log(`closed: ${rss()}`);

  // --- 002: a file of 'A's; np.frombuffer over a map ---
  log("\n## my_large_file.txt and np.frombuffer over a map");
  const large = `${dir}/my_large_file.txt`;
  Deno.writeFileSync(large, new Uint8Array(10 * 1024 * 1024).fill(65));
  {
    using mm = Mmap.open(large);
    log(`First 10 bytes: ${repr(mm.slice(0, 10))}`);
    mm.set(0, new TextEncoder().encode("Hello"));
  }
  log(`file starts with: ${Deno.readTextFileSync(large).slice(0, 10)}`);
  const matrixPath = `${dir}/my_numpy_array.dat`;
  const ints = Int32Array.from({ length: 1_000_000 }, (_, i) => i);
  Deno.writeFileSync(matrixPath, new Uint8Array(ints.buffer));
  {
    using mm = Mmap.open(matrixPath);
    const mapped = frombuffer(mm.bytes, { dtype: "int32" }).reshape(1000, 1000);
    log(
      `mapped_array[0, 0] = ${mapped.get(0, 0)}, [999, 999] = ${
        mapped.get(999, 999)
      }`,
    );
    mapped.set(0, 0, 42);
    log(`after mapped_array[0, 0] = 42: ${mapped.get(0, 0)}`);
  }

  // --- 004: .npy and .npz with mmap_mode ---
  log("\n## afile.npy: save, then load with mmapMode 'r'");
  const a = array([[1.0, 2.0], [3.0, 4.0]]);
  save(`${dir}/afile.npy`, a);
  {
    using aa = load(`${dir}/afile.npy`, { mmapMode: "r" });
    log(`aa = ${Deno.inspect(aa)}`);
  }
  log(
    "\n## abfile.npz: savez, then load with mmapMode 'r' (members mapped in place)",
  );
  savez(`${dir}/abfile.npz`, { a, b: array([0.5, 1.5]) });
  {
    using f = load(`${dir}/abfile.npz`, { mmapMode: "r" });
    log(`f.files = ${JSON.stringify(f.files)}`);
    // Members stay mapped after f closes: close them too (Windows cannot
    // delete a file while any map of it is open).
    using fa = f.get("a") as Memmap;
    using fb = f.get("b") as Memmap;
    log(`f['a'] = ${Deno.inspect(fa)}`);
    log(`f['b'] = ${Deno.inspect(fb)}`);
  }

  log("\n## some_file.dat: uint16 image after a header, mean and scaling");
  const headerSize = 16;
  const raw = new Uint8Array(headerSize + 25 * 2);
  new Uint16Array(raw.buffer, headerSize).set(
    Array.from({ length: 25 }, (_, i) => i * 4),
  );
  Deno.writeFileSync(`${dir}/some_file.dat`, raw);
  {
    using image = memmap(`${dir}/some_file.dat`, {
      dtype: "uint16",
      mode: "r+",
      shape: [5, 5],
      offset: headerSize,
    });
    log(`image.mean() = ${image.mean()}`);
    const scaled: NDArray = image.mul(0.5); // in memory
    log(`scaled_image = ${Deno.inspect(scaled)}`);
  }

  log("\n## new_file.dat: modes w+, c and r with an offset");
  const newFile = `${dir}/new_file.dat`;
  {
    using q = memmap(newFile, { mode: "w+", shape: [2, 5] });
    log(`q = ${Deno.inspect(q)}`);
    q.fill(65); // q[:] = ord('A')
    q.flush();
  }
  log(`cat new_file.dat: ${Deno.readTextFileSync(newFile)}`);
  {
    using q = memmap(newFile, { mode: "c", shape: [2, 5] });
    q.slice(1).fill(66); // q[1] = ord('B')
    q.flush();
    log(`copy-on-write q = ${Deno.inspect(q)}`);
  }
  log(`cat new_file.dat: ${Deno.readTextFileSync(newFile)} (unchanged)`);
  {
    using q = memmap(newFile, { mode: "w+", dtype: "uint8", shape: [10] });
    q.assign(Array.from({ length: 10 }, (_, i) => i * 10)); // arange(0, 100, 10)
  }
  {
    using q = memmap(newFile, {
      mode: "r",
      dtype: "uint8",
      shape: 6,
      offset: 4,
    });
    log(`offset 4: ${Deno.inspect(q)}`);
  }

  // --- 004: one block of memory, two programs ---
  log("\n## shared memory: this program and a second one work on one array");
  using shm = new SharedMemory({ create: true, size: 4 * 8 });
  try {
    const counts = shm.ndarray({ dtype: "float64", shape: [4] });
    counts.assign([1, 2, 3, 4]);
    const other = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { SharedMemory } from ${
          JSON.stringify(new URL("../mod.ts", import.meta.url).href)
        };
         using shm = new SharedMemory({ name: ${JSON.stringify(shm.name)} });
         const a = shm.ndarray({ dtype: "float64", shape: [4] });
         console.log("second program sees", JSON.stringify(a.toArray()));
         a.set(3, a.get(3) * 100);`,
      ],
    });
    const out = await other.output();
    log(new TextDecoder().decode(out.stdout).trim());
    log(
      `first program now sees ${
        JSON.stringify(counts.toArray())
      } in block ${shm.name}`,
    );
  } finally {
    shm.unlink();
  }
}

if (import.meta.main) {
  const dir = Deno.makeTempDirSync({ prefix: "numpy-demo-" });
  try {
    await numpyTutorials(dir, Number(Deno.args[0] ?? 20_000));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

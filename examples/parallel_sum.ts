/**
 * Summing a big file's rows in parallel: the main thread maps the file,
 * splits its rows into one block per core, and posts each block's
 * `describe()` — a plain object (file, dtype, offset, shape, strides, mode)
 * — to a Worker, which maps exactly those rows with `memmap(d.filename, d)`
 * and sums them. The workers share the file's pages; nothing is copied.
 *
 * Run with `deno run -A examples/parallel_sum.ts [MiB]` (default 1024: a
 * 1 GiB float64 file in a temp dir). It prints the sum and the time taken
 * by one thread and by the workers.
 *
 * @module
 */

import { type Memmap, memmap } from "../mod.ts";

/** A pool of Workers that each sum the rows they are sent. */
export class RowSummers implements Disposable {
  #workers: Worker[] = [];

  /** Starts `count` workers; `ready` resolves once all have loaded. */
  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      this.#workers.push(
        new Worker(new URL("./workers/sum_rows_worker.ts", import.meta.url), {
          type: "module",
        }),
      );
    }
  }

  /** Resolves once every worker has loaded the library. */
  get ready(): Promise<unknown[]> {
    return Promise.all(this.#workers.map((w) => reply(w)));
  }

  /** Sums `fp` with one block of rows per worker. */
  async sum(fp: Memmap<"float64">): Promise<number> {
    const rows = fp.shape[0];
    const per = Math.ceil(rows / this.#workers.length);
    const parts: Promise<number>[] = [];
    this.#workers.forEach((worker, i) => {
      const first = Math.min(i * per, rows);
      const block = fp.slice(`${first}:${Math.min(first + per, rows)}`);
      parts.push(reply<number>(worker));
      worker.postMessage(block.describe());
    });
    // Block sums added in row order, as a row-by-row sum of the file would.
    return (await Promise.all(parts)).reduce((a, b) => a + b, 0);
  }

  /** Stops the workers. */
  [Symbol.dispose](): void {
    for (const worker of this.#workers) worker.terminate();
  }
}

function reply<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
  });
}

if (import.meta.main) {
  const mib = Number(Deno.args[0] ?? 1024);
  const columns = 1024;
  const rows = (mib * 1024 * 1024) / (8 * columns);
  const dir = Deno.makeTempDirSync({ prefix: "parallel-sum-" });
  try {
    const path = `${dir}/rows.f8`;
    {
      using fp = memmap(path, {
        dtype: "float64",
        mode: "w+",
        shape: [rows, columns],
      });
      for (let i = 0; i < rows; i++) fp.slice(i).fill(i % 7);
    }
    using fp = memmap(path, {
      dtype: "float64",
      mode: "r",
      shape: [rows, columns],
    });
    const workers = navigator.hardwareConcurrency;
    let t = performance.now();
    using pool = new RowSummers(workers);
    await pool.ready;
    const startMs = performance.now() - t;
    for (let round = 0; round < 3; round++) {
      t = performance.now();
      const one = fp.sum();
      const oneMs = performance.now() - t;
      t = performance.now();
      const many = await pool.sum(fp);
      const manyMs = performance.now() - t;
      console.log(
        `${mib} MiB: one thread ${one} in ${oneMs.toFixed(0)} ms; ` +
          `${workers} workers ${many} in ${manyMs.toFixed(0)} ms`,
      );
    }
    console.log(`(starting the workers took ${startMs.toFixed(0)} ms once)`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

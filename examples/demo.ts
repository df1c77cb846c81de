/**
 * `deno task demo`: every seed tutorial redone with this library, end to
 * end, in a temp dir that is removed afterwards.
 *
 * `deno task demo [n]`: the big array is n x n float64 (default 20000, a
 * 3.2 GB file, as in the tutorial; pass a smaller n for a quick run).
 *
 * @module
 */

import { mmapTutorials } from "./mmap_tutorials.ts";
import { numpyTutorials } from "./numpy_tutorials.ts";

const n = Number(Deno.args[0] ?? 20_000);
const dir = Deno.makeTempDirSync({ prefix: "mmap-demo-" });
try {
  console.log("# Python mmap tutorials\n");
  mmapTutorials(dir);
  console.log("\n# NumPy memory-map tutorials\n");
  await numpyTutorials(dir, n);
} finally {
  Deno.removeSync(dir, { recursive: true });
}

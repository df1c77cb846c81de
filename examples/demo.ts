/**
 * `deno task demo`: every seed tutorial redone with this library, end to
 * end, in a temp dir that is removed afterwards.
 *
 * @module
 */

import { mmapTutorials } from "./mmap_tutorials.ts";

const dir = Deno.makeTempDirSync({ prefix: "mmap-demo-" });
try {
  console.log("# Python mmap tutorials\n");
  mmapTutorials(dir);
} finally {
  Deno.removeSync(dir, { recursive: true });
}

/**
 * The worker of `examples/parallel_sum.ts`: says "ready" once loaded, then
 * for each description of a block of rows of a memmap it receives, maps
 * those rows (the same pages of the same file: nothing is copied) and posts
 * back their sum.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { memmap, type MemmapDescription } from "../../mod.ts";

/** Maps the rows `d` describes and sums them; the map is closed on return. */
function sumOf(d: MemmapDescription) {
  using rows = memmap(d.filename, d);
  return rows.sum();
}

// The map is closed before the reply: once the reply is read, the worker
// maps nothing (on Windows a file that a terminated worker still mapped
// could not be deleted until the process ends).
self.onmessage = (event: MessageEvent<MemmapDescription>) => {
  self.postMessage(sumOf(event.data));
};
self.postMessage("ready");

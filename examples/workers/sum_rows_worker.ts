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

self.onmessage = (event: MessageEvent<MemmapDescription>) => {
  const d = event.data;
  using rows = memmap(d.filename, d);
  self.postMessage(rows.sum());
};
self.postMessage("ready");

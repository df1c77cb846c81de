/**
 * Worker for `reduce_kernels_test.ts`: sums a float64 file a few times with
 * its own in-place kernels and posts the results.
 *
 * @module
 */

import { memmap } from "../../mod.ts";

self.onmessage = (event: MessageEvent<{ path: string; times: number }>) => {
  const results: number[] = [];
  for (let i = 0; i < event.data.times; i++) {
    using m = memmap(event.data.path, { dtype: "float64", mode: "r" });
    results.push(m.sum() as number, m.max() as number);
  }
  self.postMessage(results);
};

/**
 * A worker of the cross-thread test: receives `{ name, part, parts }`,
 * attaches to the block by name, does the work of its part and posts back
 * the sums it then sees.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { SharedMemory } from "../../mod.ts";
import { incrementPart } from "./_increment.ts";

self.onmessage = async (
  event: MessageEvent<{ name: string; part: number; parts: number }>,
) => {
  const { name, part, parts } = event.data;
  using shm = new SharedMemory({ name });
  self.postMessage(await incrementPart(shm, part, parts));
};

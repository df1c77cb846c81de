/**
 * Worker of the describe() tests: maps the description it receives, posts
 * back the view's values, then doubles them in place (r+ views write to the
 * file the main thread maps too).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { memmap, type MemmapDescription } from "../../mod.ts";

self.onmessage = (event: MessageEvent<MemmapDescription>) => {
  const d = event.data;
  using view = memmap(d.filename, d);
  const values = view.toArray();
  if (view.mode !== "r") view.assign(view.mul(2));
  view.flush();
  self.postMessage({ values, offset: view.offset, strides: view.strides });
};

/**
 * Runs library code on the Windows backend over the kernel32 model, and
 * checks afterwards that nothing leaked.
 *
 * @module
 */

import assert from "node:assert/strict";
import { useSys } from "../../src/ffi/platform.ts";
import { createWindowsSys } from "../../src/ffi/sys_windows.ts";
import type { Sys } from "../../src/ffi/sys.ts";
import { type Kernel32, KERNEL32_SYMBOLS } from "../../src/ffi/kernel32.ts";
import { unsignedParameters } from "../../src/ffi/unsigned.ts";
import { FakeKernel32, type FakeKernel32Options } from "./fake_kernel32.ts";

/** The model runs on Linux only (memfd, libc.so.6). */
export const MODEL_IGNORE: boolean = Deno.build.os !== "linux";

/**
 * The model's symbols as the backend calls them: through
 * `unsignedParameters`, so that masks with bit 31 set are passed unsigned.
 * The model itself refuses them negative, as Deno's FFI does.
 *
 * @param fake The model.
 * @returns Its symbols, flags made unsigned.
 */
export function symbolsOf(fake: FakeKernel32): Kernel32 {
  return unsignedParameters(fake.symbols, KERNEL32_SYMBOLS);
}

/** A model with the Windows backend built over it. */
export interface Model {
  fake: FakeKernel32;
  sys: Sys;
  /** A fresh temp directory, removed afterwards. */
  dir: string;
}

/**
 * Runs `fn` with the library's backend swapped for the Windows backend over
 * a fresh model, then restores it, checks that every handle and view was
 * released, and removes the temp directory.
 *
 * @param fn The code to run; may be async.
 * @param options Model options.
 * @param leaks Whether to check for leaked handles and views afterwards.
 * @returns What `fn` returns.
 */
export async function withModel<T>(
  fn: (model: Model) => T | Promise<T>,
  options: FakeKernel32Options = {},
  leaks = true,
): Promise<T> {
  const fake = new FakeKernel32(options);
  const sys = createWindowsSys(() => fake.symbols);
  const dir = Deno.makeTempDirSync({ prefix: "mmap-win-model-" });
  const previous = useSys(sys);
  let failed = true;
  try {
    const result = await fn({ fake, sys, dir });
    failed = false;
    return result;
  } finally {
    useSys(previous);
    try {
      if (leaks && !failed) {
        assert.equal(fake.mappedViews, 0, "views left mapped");
        assert.equal(fake.openHandles, 0, "handles left open");
        assert.equal(fake.liveSections, 0, "mapping objects left alive");
      }
    } finally {
      fake.dispose();
      Deno.removeSync(dir, { recursive: true });
    }
  }
}

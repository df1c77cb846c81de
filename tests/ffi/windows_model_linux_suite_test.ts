/**
 * Runs the Mmap behaviour tests that run on Linux (tests/mmap/mmap_test.ts),
 * unchanged, on the Windows backend over the kernel32 model. Each test gets a
 * fresh model, and afterwards no handle, view or mapping object may be left.
 *
 * Tests of Unix-only API are skipped by name, with the reason; a test added
 * to that file that cannot hold on Windows belongs in this list.
 *
 * @module
 */

import { MODEL_IGNORE, withModel } from "./_model.ts";

const UNIX_ONLY: Readonly<Record<string, string>> = {
  "Mmap.fromFd() maps a duplicate of a descriptor":
    "descriptors are Unix; on Windows fromFd() throws NotSupported (windows_sys_test.ts)",
  "Mmap.madvise() accepts every Python advice and checks its range":
    "it asserts Linux's MADV_DONTNEED zeroing; madvise is a no-op on Windows (its range checks: windows_model_mmap_test.ts)",
};

type TestFn = (t: Deno.TestContext) => void | Promise<void>;

const register = Deno.test;

function modelled(
  name: string,
  options: Omit<Deno.TestDefinition, "name" | "fn">,
  fn: TestFn,
): void {
  register({
    ...options,
    name: `[windows model] ${name}`,
    ignore: options.ignore || MODEL_IGNORE || name in UNIX_ONLY,
    fn: (t) => withModel(() => fn(t)),
  });
}

function wrapper(
  first: string | Deno.TestDefinition,
  second?: TestFn | Omit<Deno.TestDefinition, "name" | "fn">,
  third?: TestFn,
): void {
  if (typeof first === "object") {
    const { name, fn, ...options } = first;
    return modelled(name, options, fn);
  }
  if (typeof second === "function") return modelled(first, {}, second);
  if (second !== undefined && third !== undefined) {
    return modelled(first, second, third);
  }
  throw new TypeError(`Cannot wrap the test ${JSON.stringify(first)}`);
}

(Deno as unknown as { test: unknown }).test = wrapper;
try {
  await import("../mmap/mmap_test.ts");
} finally {
  (Deno as unknown as { test: unknown }).test = register;
}

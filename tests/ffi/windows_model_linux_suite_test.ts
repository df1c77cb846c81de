/**
 * Runs test suites that run on Linux, unchanged, on the Windows backend over
 * the kernel32 model: the `Mmap` behaviour tests, and the `memmap` and
 * `.npy`/`.npz` tests built on `Mmap` (the NumPy interop among them: NumPy
 * reads and writes the same real files the model maps). Each test gets a
 * fresh model, and afterwards no handle, view or mapping object may be left.
 *
 * Tests of Unix-only behaviour are skipped by name, with the reason; a test
 * added to those files that cannot hold on Windows belongs in this list.
 *
 * @module
 */

import { MODEL_IGNORE, withModel } from "./_model.ts";

const UNIX_ONLY: Readonly<Record<string, string>> = {
  "Mmap.fromFd() maps a duplicate of a descriptor":
    "descriptors are Unix; on Windows fromFd() throws NotSupported (windows_sys_test.ts)",
  "Mmap.madvise(MADV_DONTNEED) drops private anonymous pages to zero":
    "madvise is a no-op on Windows by design",
  "Mmap.fromFd() of a descriptor that is not open is EBADF, as in CPython":
    "descriptors are Unix; on Windows fromFd() throws NotSupported (windows_sys_test.ts)",
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

const SUITES = [
  "../mmap/mmap_test.ts",
  "../mmap/fast_paths_test.ts",
  "../mmap/read_into_stream_test.ts",
  "../memmap/memmap_test.ts",
  "../npy/load_test.ts",
  "../npy/save_test.ts",
  "../npy/lazy_test.ts",
  "../npy/interop_test.ts",
];

(Deno as unknown as { test: unknown }).test = wrapper;
try {
  for (const suite of SUITES) await import(suite);
} finally {
  (Deno as unknown as { test: unknown }).test = register;
}

import assert from "node:assert/strict";
import {
  array,
  load,
  memmap,
  Mmap,
  NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
  SharedMemory,
} from "../../mod.ts";
import { tempDir, WINDOWS } from "../test_util.ts";

/** The Win32 errors that the errno names stand for on Windows. */
const WIN32_NAMES: Record<string, string[]> = {
  ENOENT: ["ERROR_FILE_NOT_FOUND", "ERROR_PATH_NOT_FOUND"],
};

Deno.test("every OS failure of every entry point is its Deno.errors class with the errno name in code", () => {
  using dir = tempDir();
  const missing = `${dir.path}/missing/x.npy`;
  const directory = dir.path;
  const cases: [string, () => unknown, string, string][] = [
    ["Mmap.open", () => Mmap.open(missing), "NotFound", "ENOENT"],
    [
      "Mmap.open create",
      () => Mmap.open(missing, { create: true }),
      "NotFound",
      "ENOENT",
    ],
    [
      "Mmap.open directory",
      () => Mmap.open(directory),
      "IsADirectory",
      "EISDIR",
    ],
    ["Mmap.fromFd", () => Mmap.fromFd(-2), "BadResource", "EBADF"],
    ["memmap r", () => memmap(missing, { mode: "r" }), "NotFound", "ENOENT"],
    [
      "memmap w+",
      () => memmap(missing, { mode: "w+", shape: [1] }),
      "NotFound",
      "ENOENT",
    ],
    ["memmap directory", () => memmap(directory), "IsADirectory", "EISDIR"],
    ["load", () => load(missing), "NotFound", "ENOENT"],
    [
      "load mmapMode",
      () => load(missing, { mmapMode: "r" }),
      "NotFound",
      "ENOENT",
    ],
    ["load directory", () => load(directory), "IsADirectory", "EISDIR"],
    ["openMemmap", () => openMemmap(missing), "NotFound", "ENOENT"],
    [
      "openMemmap w+",
      () => openMemmap(missing, { mode: "w+", shape: [1] }),
      "NotFound",
      "ENOENT",
    ],
    ["NpzFile", () => new NpzFile(missing), "NotFound", "ENOENT"],
    ["save", () => save(missing, array([1])), "NotFound", "ENOENT"],
    ["savez", () => savez(missing, { a: array([1]) }), "NotFound", "ENOENT"],
    [
      "savezCompressed",
      () => savezCompressed(missing, { a: array([1]) }),
      "NotFound",
      "ENOENT",
    ],
  ];
  if (Deno.build.os === "linux") {
    cases.push([
      "SharedMemory",
      () => new SharedMemory({ name: `no_such_block_${Deno.pid}` }),
      "NotFound",
      "ENOENT",
    ]);
  }
  for (const [name, call, errorName, code] of cases) {
    if (WINDOWS && name === "Mmap.fromFd") {
      // Descriptors are POSIX: Windows refuses fromFd() whatever the number.
      assert.throws(call, Deno.errors.NotSupported);
      continue;
    }
    // Windows: the backend's calls give the Win32 name, Deno's own file
    // calls (load, save) its errno-style name.
    const codes = [code, ...(WINDOWS ? WIN32_NAMES[code] ?? [] : [])];
    assert.throws(call, (e: Error & { code?: string }) => {
      assert.equal(e.name, errorName, `${name}: ${e.message}`);
      assert.ok(
        codes.includes(e.code ?? ""),
        `${name}: ${e.code}: ${e.message}`,
      );
      return true;
    });
  }
});

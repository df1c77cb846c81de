/**
 * A call that must grow a file and then fails leaves the file as it was
 * (attack13 C7): a writable shared map of a memfd sealed against writes
 * (`F_SEAL_WRITE`, `F_SEAL_FUTURE_WRITE`) is refused by `mmap` (EPERM), and
 * the file used to be grown first and put back after, which a memfd sealed
 * against shrinking (`F_SEAL_SHRINK`) refuses, silently: the failed call
 * grew the file for good. The map is now made first and the file grown
 * last, in one step that grows or changes nothing. Every entry point that
 * grows a file to map it × each seal combination: the refused ones leave
 * the file's size and bytes as they were and leak no descriptor or
 * mapping; a file sealed against shrinking alone still grows.
 */
import assert from "node:assert/strict";
import { memmap, Mmap, openMemmap } from "../../mod.ts";
import {
  contentOf,
  F_SEAL_FUTURE_WRITE,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  libc,
  memfd,
  seal,
  sizeOf,
} from "./_memfd.ts";
import { EMULATOR } from "../test_util.ts";

// Under qemu-user (arm64 with 64 KiB pages on 4 KiB host pages) a map made
// before its memfd grows faults in the emulator itself (SIGSEGV in qemu):
// the tests that map first run on real kernels only.
const EMULATED = EMULATOR === "qemu-user";

const linux = Deno.build.os === "linux";
const SIZE = 65536;
const GROWN = 131072;

/** [what, open the memfd `fd` growing it (returns something to close)]. */
const ENTRIES: [string, (fd: number) => { close(): void }][] = [
  [
    "Mmap.fromFd with a length",
    (fd) => Mmap.fromFd(fd, { length: GROWN, access: "write" }),
  ],
  [
    "memmap r+ with a shape",
    (fd) =>
      memmap(`/proc/self/fd/${fd}`, {
        mode: "r+",
        dtype: "uint8",
        shape: [GROWN],
      }),
  ],
  [
    "memmap w+",
    (fd) =>
      memmap(`/proc/self/fd/${fd}`, {
        mode: "w+",
        dtype: "uint8",
        shape: [GROWN],
      }),
  ],
  [
    "openMemmap w+",
    (fd) =>
      openMemmap(`/proc/self/fd/${fd}`, {
        mode: "w+",
        dtype: "uint8",
        shape: [GROWN],
      }),
  ],
  [
    "Mmap.open of /proc/self/fd/N with a length",
    (fd) => Mmap.open(`/proc/self/fd/${fd}`, { length: 200000 }),
  ],
];

/** [what, seals]: each refuses a writable shared map. */
const REFUSED: [string, number][] = [
  ["F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK", F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK],
  ["F_SEAL_WRITE | F_SEAL_SHRINK", F_SEAL_WRITE | F_SEAL_SHRINK],
  ["F_SEAL_FUTURE_WRITE", F_SEAL_FUTURE_WRITE],
  ["F_SEAL_WRITE", F_SEAL_WRITE],
];

const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;
const maps = () =>
  Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((line) => line.includes("memfd:sealed")).length;

Deno.test({
  name:
    "a map of a sealed memfd that must grow it and is refused leaves the file's size and bytes as they were",
  ignore: !linux,
  fn() {
    const lib = libc();
    try {
      for (const [entry, open] of ENTRIES) {
        for (const [seals, bits] of REFUSED) {
          const what = `${entry}, ${seals}`;
          const fd = memfd(lib, SIZE, 5);
          try {
            seal(lib, fd, bits);
            const before = [fds(), maps()];
            assert.throws(
              () => open(fd).close(),
              (e: Error) =>
                e instanceof Deno.errors.PermissionDenied &&
                /^mmap\(\): .*\(EPERM\)/.test(e.message),
              what,
            );
            assert.equal(sizeOf(lib, fd), SIZE, what);
            assert.deepEqual(
              contentOf(lib, fd),
              new Uint8Array(SIZE).fill(5),
              what,
            );
            assert.deepEqual([fds(), maps()], before, what);
          } finally {
            lib.symbols.close(fd);
          }
        }
      }
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name:
    "a memfd sealed against shrinking alone still grows for a map, and a map of it grows by resize",
  ignore: !linux || EMULATED,
  fn() {
    const lib = libc();
    try {
      for (const [entry, open] of ENTRIES) {
        const fd = memfd(lib, SIZE, 5);
        try {
          seal(lib, fd, F_SEAL_SHRINK);
          open(fd).close();
          const size = entry.startsWith("Mmap.open") ? 200000 : GROWN;
          assert.ok(sizeOf(lib, fd) >= size, entry);
        } finally {
          lib.symbols.close(fd);
        }
      }
      for (const exposed of [false, true]) {
        const fd = memfd(lib, SIZE, 5);
        try {
          seal(lib, fd, F_SEAL_SHRINK);
          using m = Mmap.fromFd(fd, { access: "write" });
          const view = exposed ? m.bytes : null;
          m.resize(GROWN);
          assert.equal(sizeOf(lib, fd), GROWN);
          assert.equal(m.get(SIZE - 1), 5);
          assert.equal(m.get(GROWN - 1), 0);
          m.set(GROWN - 1, 9);
          assert.equal(contentOf(lib, fd)[GROWN - 1], 9);
          if (view !== null) assert.equal(view.length, 0);
        } finally {
          lib.symbols.close(fd);
        }
      }
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name:
    "a resize that must grow a memfd sealed against shrinking and is refused leaves the file as it was",
  ignore: !linux || EMULATED,
  fn() {
    const lib = libc();
    try {
      // An empty write map: growing it needs a new map, which
      // F_SEAL_FUTURE_WRITE refuses (there is no mapping to duplicate).
      const fd = memfd(lib, 0);
      try {
        using m = Mmap.fromFd(fd, { access: "write" });
        seal(lib, fd, F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK);
        const before = [fds(), maps()];
        assert.throws(
          () => m.resize(GROWN),
          (e: Error) =>
            e instanceof Deno.errors.PermissionDenied &&
            /^mmap\(\): .*\(EPERM\)/.test(e.message),
        );
        assert.equal(sizeOf(lib, fd), 0);
        assert.equal(m.length, 0);
        assert.deepEqual([fds(), maps()], before);
      } finally {
        lib.symbols.close(fd);
      }
    } finally {
      lib.close();
    }
  },
});

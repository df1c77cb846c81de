/**
 * A write map of a memfd sealed `F_SEAL_FUTURE_WRITE` after it was mapped
 * resizes as Python's does (attack12 B8): the seal refuses every new
 * writable shared map (`mmap()` EPERM, which `resize` used to fail with)
 * but lets the existing one be moved and resized, so `resize` duplicates
 * the existing mapping (`mremap`, `MREMAP_DONTUNMAP`) and resizes that.
 * Shrink, grow, the same length, and shrink to nothing, which is refused
 * before anything changes (attack13 C2: an empty map could never grow
 * again); with views taken before
 * (the old memory is then let go as for any resize) and without; and a
 * shrink the file also refuses (`F_SEAL_SHRINK`), which changes nothing.
 */
import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import {
  F_ADD_SEALS,
  F_SEAL_FUTURE_WRITE,
  F_SEAL_SHRINK,
  libc,
} from "./_memfd.ts";

const linux = Deno.build.os === "linux";

const SIZE = 16384;

// [what, new length]: each as CPython 3's mmap.resize does it on such a map.
const ROWS: [string, number][] = [
  ["shrink", 4096],
  ["shrink to nothing", 0],
  ["grow", 2 * SIZE],
  ["the same length", SIZE],
  ["shrink to a part of a page", 5000],
];

Deno.test({
  name:
    "a write map of a memfd sealed F_SEAL_FUTURE_WRITE after it was mapped resizes (shrink, grow; to 0 refused), as Python's",
  ignore: !linux,
  fn() {
    const lib = libc();
    const size = (fd: number) => Number(lib.symbols.lseek(fd, 0n, 2));
    const byteAt = (fd: number, at: number) => {
      const b = new Uint8Array(1);
      assert.equal(lib.symbols.pread(fd, b, 1n, BigInt(at)), 1n);
      return b[0];
    };
    try {
      for (const [row, to] of ROWS) {
        for (const exposed of [false, true]) {
          const what = `${row}${exposed ? ", a view taken before" : ""}`;
          const fd = lib.symbols.memfd_create(
            new TextEncoder().encode("fw\0"),
            2, // MFD_ALLOW_SEALING
          );
          assert.ok(fd >= 0, what);
          try {
            assert.equal(lib.symbols.ftruncate(fd, BigInt(SIZE)), 0);
            using m = Mmap.fromFd(fd, { access: "write" });
            m.set(1000, 42);
            m.set(SIZE - 1, 43);
            const view = exposed ? m.bytes : null;
            assert.equal(
              lib.symbols.fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE),
              0,
            );
            if (to === 0) {
              // An empty map could never grow again (no mapping to
              // duplicate, and the seal refuses a new one): refused as
              // Python refuses resize(0) (EINVAL), before anything changes
              // (attack13 C2); the map still grows and shrinks after.
              assert.throws(
                () => m.resize(0),
                (e: Error & { code?: string }) =>
                  e.code === "EINVAL" && /^mremap\(\): /.test(e.message),
                what,
              );
              assert.equal(m.length, SIZE, what);
              assert.equal(size(fd), SIZE, what);
              assert.equal(m.get(1000), 42, what);
              if (view !== null) assert.equal(view[SIZE - 1], 43, what);
              for (const again of [3 * SIZE, 5000, SIZE]) {
                m.resize(again);
                assert.equal(size(fd), again, what);
                assert.equal(m.get(1000), 42, what);
              }
              continue;
            }
            m.resize(to);
            assert.equal(m.length, to, what);
            assert.equal(size(fd), to, what);
            assert.equal(m.bytes.length, to, what);
            if (to > 1000) assert.equal(m.get(1000), 42, what);
            if (to >= SIZE) assert.equal(m.get(SIZE - 1), 43, what);
            if (to > SIZE) assert.equal(m.get(to - 1), 0, what);
            // The resized map writes the file, everywhere in it.
            if (to > 0) {
              m.set(to - 1, 7);
              m.set(0, 8);
              assert.equal(byteAt(fd, to - 1), 7, what);
              assert.equal(byteAt(fd, 0), 8, what);
            }
            // Views taken before are detached, as after any resize.
            if (view !== null && to !== SIZE) {
              assert.equal(view.length, 0, what);
            }
            // And it resizes again.
            m.resize(SIZE);
            assert.equal(m.length, SIZE, what);
            assert.equal(size(fd), SIZE, what);
            m.set(SIZE - 2, 9);
            assert.equal(byteAt(fd, SIZE - 2), 9, what);
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
    "a shrink of such a map that the file refuses (F_SEAL_SHRINK too) changes nothing",
  ignore: !linux,
  fn() {
    const lib = libc();
    try {
      for (const exposed of [false, true]) {
        const fd = lib.symbols.memfd_create(
          new TextEncoder().encode("fw\0"),
          2, // MFD_ALLOW_SEALING
        );
        try {
          assert.equal(lib.symbols.ftruncate(fd, BigInt(SIZE)), 0);
          using m = Mmap.fromFd(fd, { access: "write" });
          m.set(10000, 42);
          const view = exposed ? m.bytes : null;
          assert.equal(
            lib.symbols.fcntl(
              fd,
              F_ADD_SEALS,
              F_SEAL_FUTURE_WRITE | F_SEAL_SHRINK,
            ),
            0,
          );
          assert.throws(
            () => m.resize(4096),
            (e: Error) =>
              e instanceof Deno.errors.PermissionDenied &&
              /^ftruncate\(\): .*\(EPERM\)/.test(e.message),
          );
          assert.equal(m.length, SIZE);
          assert.equal(m.get(10000), 42);
          m.set(10001, 5);
          assert.equal(m.get(10001), 5);
          if (view !== null) {
            assert.equal(view.length, SIZE);
            assert.equal(view[10001], 5);
          }
        } finally {
          lib.symbols.close(fd);
        }
      }
    } finally {
      lib.close();
    }
  },
});

import assert from "node:assert/strict";
import { memmap, type NDArray } from "../../mod.ts";
import { sys, useSys } from "../../src/ffi/platform.ts";
import type { MemoryMap, Sys } from "../../src/ffi/sys.ts";
import { memorySettings } from "../../src/memmap/memmap.ts";
import {
  READ_AHEAD_CHUNK,
  ReadAheadRecord,
} from "../../src/memmap/read_ahead.ts";
import { memoryOf } from "../../src/memmap/storage.ts";
import { tempDir } from "../test_util.ts";

const C = READ_AHEAD_CHUNK;

Deno.test("a read-ahead record covers what was added whole, and forgets what was removed", () => {
  const r = new ReadAheadRecord(5 * C + 100);
  assert.equal(r.covers(0, 1), false, "nothing yet");
  r.add(C / 2, 2 * C); // chunk 1 only: 0 and 2 are partly outside
  assert.equal(r.covers(C, C), true);
  assert.equal(r.covers(C + 5, 10), true);
  assert.equal(r.covers(0, C), false);
  assert.equal(r.covers(C, C + 1), false);
  assert.equal(r.covers(C, 0), false, "an empty range is not covered");
  r.add(4 * C, 1000 * C); // to the map's end: its last, short chunk too
  assert.equal(r.covers(4 * C, C + 100), true);
  assert.equal(r.covers(5 * C + 99, 1), true);
  r.add(0, 5 * C + 100);
  assert.equal(r.covers(0, 5 * C + 100), true);
  r.remove(3 * C - 1, 2); // touches chunks 2 and 3
  assert.equal(r.covers(2 * C, 1), false);
  assert.equal(r.covers(3 * C, 1), false);
  assert.equal(r.covers(C, C), true);
  assert.equal(r.covers(4 * C, C), true);
  r.remove(0, 0);
  assert.equal(r.covers(0, C), true);
});

/** Counts the page read-aheads of maps (their own and the second maps in memories of their own). */
function countingPopulate(): { reads: number; writes: number; sys: Sys } {
  // The platform's own (`sys` is a live binding: the counter once in use).
  const real = sys;
  const { populate, mapInto } = real;
  const counter = { reads: 0, writes: 0, sys: real };
  const count = (write: boolean) => write ? counter.writes++ : counter.reads++;
  counter.sys = {
    ...real,
    populate: (mapping, start, length, write) => {
      count(write);
      return populate!(mapping, start, length, write);
    },
    mapInto: (mapping, spare) => {
      const shown: MemoryMap = mapInto!(mapping, spare);
      return {
        ...shown,
        memory: shown.memory,
        at: shown.at,
        spare: shown.spare,
        populate(start, length, write) {
          count(write);
          shown.populate(start, length, write);
        },
        release: (start, length) => shown.release(start, length),
        clear: () => shown.clear(),
      };
    },
  };
  return counter;
}

Deno.test({
  name:
    "memmap walks read pages ahead once: again after a release, always for writes; the same values",
  ignore: Deno.build.os !== "linux",
}, () => {
  using dir = tempDir();
  const path = `${dir.path}/m.f4`;
  const rows = 40_000, cols = 128; // 20 MB
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 7;
  Deno.writeFileSync(path, new Uint8Array(data.buffer));
  const walks: [string, (m: NDArray) => unknown][] = [
    ["sum(1)", (m) => (m.sum(1) as NDArray).toArray()],
    ["mul", (m) => m.mul(m).toArray()],
    ["matmul", (m) => m.matmul(m.slice(0)).toArray()],
    ["max()", (m) => m.max()],
  ];
  for (const own of [true, false]) {
    const counter = countingPopulate();
    const previous = useSys(counter.sys);
    const saved = memorySettings.minBytes;
    if (!own) memorySettings.minBytes = Infinity;
    try {
      using m = memmap(path, {
        dtype: "float32",
        mode: "r+",
        shape: [rows, cols],
      });
      assert.equal(memoryOf(m.storage) !== undefined, own);
      for (const [name, walk] of walks) {
        counter.reads = 0;
        const first = walk(m);
        const reads = counter.reads;
        const second = walk(m);
        assert.deepEqual(second, first, `${name} own=${own}`);
        assert.equal(counter.reads, reads, `${name} own=${own}: read again`);
      }
      // A write walk asks for its pages every time.
      counter.writes = 0;
      m.slice("0:10").fill(1);
      m.slice("0:10").fill(2);
      assert.ok(counter.writes >= 2, `own=${own}: ${counter.writes} writes`);
      // Released pages are read ahead again.
      m.storage.release!(0, m.storage.bytes.length);
      counter.reads = 0;
      m.sum();
      assert.ok(counter.reads > 0, `own=${own}: not read after a release`);
    } finally {
      memorySettings.minBytes = saved;
      useSys(previous);
    }
  }
});

// A cut drops the pages past the new end (attack11 A6): once a walk saw it
// (EFAULT), the pages are no longer "read ahead", so after the file is grown
// again the next walk asks for them again (the page-in is the read-ahead's,
// where a cut is an error, not the kernels' reads).
Deno.test({
  name:
    "memmap walks read pages ahead again after a walk found the file cut short",
  ignore: Deno.build.os !== "linux",
}, () => {
  using dir = tempDir();
  const path = `${dir.path}/m.f4`;
  const rows = 40_000, cols = 128; // 20 MB
  const walks: [string, (m: NDArray) => unknown][] = [
    ["sum(1)", (m) => (m.sum(1) as NDArray).toArray()],
    ["mul", (m) => m.mul(m).toArray()],
    ["max()", (m) => m.max()],
    ["std()", (m) => m.std()],
  ];
  for (const own of [true, false]) {
    const counter = countingPopulate();
    const previous = useSys(counter.sys);
    const saved = memorySettings.minBytes;
    if (!own) memorySettings.minBytes = Infinity;
    try {
      for (const [name, walk] of walks) {
        Deno.writeFileSync(path, new Uint8Array(rows * cols * 4).fill(1));
        using m = memmap(path, {
          dtype: "float32",
          mode: "r",
          shape: [rows, cols],
        });
        counter.reads = 0;
        walk(m); // reads the pages ahead (unless it shows them otherwise)
        const first = counter.reads;
        Deno.truncateSync(path, 4096);
        assert.throws(
          () => walk(m),
          (e: Error & { code?: string }) => e.code === "EFAULT",
          `${name} own=${own}`,
        );
        Deno.truncateSync(path, rows * cols * 4); // holes past 4096: zeros
        counter.reads = 0;
        walk(m);
        if (first > 0) {
          assert.ok(counter.reads > 0, `${name} own=${own}: not read again`);
        }
      }
    } finally {
      memorySettings.minBytes = saved;
      useSys(previous);
    }
  }
});

import assert from "node:assert/strict";
import { denoRunWithin, tempDir } from "../test_util.ts";
import { libc } from "../../src/ffi/libc.ts";
import { Mmap } from "../../mod.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" };

/**
 * In a subprocess (a cut under a live map is SIGBUS): each way of holding a
 * live map of a file, in the main thread or in a Worker, against each call
 * that would shrink or overwrite that file. Every such call must be refused
 * with Busy, leave the file's bytes as they were, and leave the live map
 * readable to its last byte.
 */
const SCRIPT = `
import {
  array, load, memmap, Mmap, NpzFile, openMemmap, save, savez,
} from "MOD";
const dir = Deno.args[0] ?? DIR;
const npy = dir + "/held.npy";
const npz = dir + "/held.npz";
const content = array(Array.from({ length: 10000 }, (_, i) => i % 251), { dtype: "u1" });
const reset = () => {
  save(npy, content);
  savez(npz, { x: content });
};
const holders = {
  "memmap r": (f) => { const a = memmap(f, { mode: "r" }); return [a, () => a.get(a.size - 1)]; },
  "memmap c": (f) => { const a = memmap(f, { mode: "c" }); return [a, () => a.get(a.size - 1)]; },
  "Mmap.open read": (f) => { const m = Mmap.open(f, { access: "read" }); return [m, () => m.get(m.length - 1)]; },
  "Mmap.open write": (f) => { const m = Mmap.open(f); return [m, () => m.get(m.length - 1)]; },
  "load mmapMode r": (f) => { const a = load(f, { mmapMode: "r" }); return [a, () => a.get(9999)]; },
  "openMemmap r+": (f) => { const a = openMemmap(f); return [a, () => a.get(9999)]; },
  "NpzFile member": (f) => {
    const z = new NpzFile(f, { mmapMode: "r" });
    const x = z.get("x");
    z.close();
    return [x, () => x.get(9999)];
  },
};
const shrinkers = {
  "Mmap.resize(1)": (f) => { using m = Mmap.open(f); m.resize(1); },
  "Mmap.resize() below the map": (f) => { using m = Mmap.open(f); m.resize(5000); },
  "memmap w+": (f) => memmap(f, { mode: "w+", shape: [3] }).close(),
  "memmap w+ larger": (f) => memmap(f, { mode: "w+", shape: [20000] }).close(),
  "openMemmap w+": (f) => openMemmap(f, { mode: "w+", shape: [3] }).close(),
};
const rows = [];
const bytes = (f) => Array.from(Deno.readFileSync(f)).join(",");
for (const [holder, hold] of Object.entries(holders)) {
  reset();
  const file = holder === "NpzFile member" ? npz : npy;
  const before = bytes(file);
  const [map, last] = hold(file);
  for (const [shrinker, shrink] of Object.entries(shrinkers)) {
    let outcome = "done";
    try {
      shrink(file);
    } catch (e) {
      outcome = e.name + " " + e.code;
    }
    rows.push([holder, shrinker, outcome, bytes(file) === before, last()]);
  }
  map.close();
  // Once the map is closed, the same calls work.
  let after = "done";
  try {
    for (const shrink of Object.values(shrinkers)) shrink(file);
  } catch (e) {
    after = e.name + " " + e.message;
  }
  rows.push([holder, "after close()", after, true, 0]);
}
// A Worker's map counts as well.
reset();
const before = bytes(npy);
const worker = new Worker(
  "data:text/javascript," + encodeURIComponent(
    'import { memmap } from "MOD";' +
    "let a; self.onmessage = (e) => {" +
    ' if (e.data === "map") { a = memmap(' + JSON.stringify(npy) + ', { mode: "r" }); self.postMessage("mapped"); }' +
    ' else { self.postMessage(a.get(a.size - 1)); a.close(); }' +
    "};",
  ),
  { type: "module" },
);
const reply = () => new Promise((r) => (worker.onmessage = (e) => r(e.data)));
worker.postMessage("map");
await reply();
for (const [shrinker, shrink] of Object.entries(shrinkers)) {
  let outcome = "done";
  try {
    shrink(npy);
  } catch (e) {
    outcome = e.name + " " + e.code;
  }
  worker.postMessage("read");
  rows.push(["Worker memmap r", shrinker, outcome, bytes(npy) === before, await reply()]);
  worker.postMessage("map");
  await reply();
}
worker.terminate();
console.log(JSON.stringify(rows));
`;

Deno.test(
  "a shrink or overwrite under a live map of the same file (any entry point, main thread or Worker) is Busy and changes nothing",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const result = await denoRunWithin(
      ["-A"],
      SCRIPT.replace("DIR", JSON.stringify(dir.path)),
    );
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    const rows: [string, string, string, boolean, number][] = JSON.parse(
      result.stdout,
    );
    assert.equal(rows.length, 7 * 6 + 5);
    for (const [holder, shrinker, outcome, intact, last] of rows) {
      const where = `${shrinker} under ${holder}`;
      if (shrinker === "after close()") {
        assert.equal(outcome, "done", where);
        continue;
      }
      assert.equal(outcome, "Busy EBUSY", where);
      assert.equal(intact, true, `${where}: the file changed`);
      assert.equal(last, 9999 % 251, `${where}: the live map's last byte`);
    }
  },
);

Deno.test(
  "a shrink that cuts no byte another map covers goes ahead",
  linuxOnly,
  () => {
    using dir = tempDir();
    const path = `${dir.path}/ranges.bin`;
    Deno.writeFileSync(path, new Uint8Array(10000).fill(5));
    using head = Mmap.open(path, { access: "read", length: 4096 });
    using whole = Mmap.open(path);
    whole.resize(4096); // the head map covers [0, 4096): nothing of it is cut
    assert.equal(Deno.statSync(path).size, 4096);
    assert.throws(() => whole.resize(100), Deno.errors.Busy);
    assert.equal(whole.length, 4096, "a refused resize leaves the map");
    assert.equal(head.get(4095), 5);
    whole.resize(8192); // growing is never refused
    assert.equal(whole.get(8191), 0);
  },
);

Deno.test(
  "two maps of one descriptor (Mmap.fromFd) do not cut under each other",
  linuxOnly,
  () => {
    using dir = tempDir();
    const path = `${dir.path}/fd.bin`;
    Deno.writeFileSync(path, new Uint8Array(10000).fill(3));
    const fd = libc().open(
      new TextEncoder().encode(`${path}\0`),
      2, // O_RDWR
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    );
    assert.ok(fd >= 0);
    try {
      using a = Mmap.fromFd(fd);
      using b = Mmap.fromFd(fd);
      assert.throws(() => b.resize(1), { name: "Busy", code: "EBUSY" });
      assert.equal(a.get(9999), 3);
      a.close();
      b.resize(1);
      assert.equal(Deno.statSync(path).size, 1);
    } finally {
      libc().close(fd);
    }
  },
);

Deno.test(
  "a SharedMemory block is not cut under its map through its /dev/shm file",
  linuxOnly,
  async () => {
    const result = await denoRunWithin(
      ["-A"],
      `
      import { memmap, Mmap, SharedMemory } from "MOD";
      const shm = new SharedMemory({ create: true, size: 65536 });
      shm.buf[65535] = 7;
      const file = "/dev/shm/" + shm.name;
      const outcomes = [];
      for (const cut of [
        () => { using m = Mmap.open(file); m.resize(1); },
        () => memmap(file, { mode: "w+", shape: [1] }).close(),
      ]) {
        try {
          cut();
          outcomes.push("done");
        } catch (e) {
          outcomes.push(e.code);
        }
      }
      outcomes.push(shm.buf[65535]);
      shm.close();
      { using m = Mmap.open(file); m.resize(1); } // closed: allowed
      outcomes.push(Deno.statSync(file).size);
      shm.unlink();
      console.log(JSON.stringify(outcomes));
      `,
    );
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ["EBUSY", "EBUSY", 7, 1]);
  },
);

Deno.test(
  "a map at an offset claims only its bytes, and close lets go of them",
  linuxOnly,
  () => {
    using dir = tempDir();
    const path = `${dir.path}/offset.bin`;
    Deno.writeFileSync(path, new Uint8Array(16384).fill(7));
    const middle = Mmap.open(path, {
      access: "read",
      offset: 4096,
      length: 4096,
    });
    using whole = Mmap.open(path);
    whole.resize(8192); // cuts [8192, 16384): not the middle map's bytes
    assert.throws(() => whole.resize(6000), Deno.errors.Busy);
    assert.throws(() => whole.resize(100), Deno.errors.Busy);
    assert.equal(middle.get(0), 7);
    middle.close(); // its descriptor's locks go with it
    whole.resize(100);
    assert.equal(Deno.statSync(path).size, 100);
  },
);

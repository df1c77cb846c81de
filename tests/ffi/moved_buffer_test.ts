import assert from "node:assert/strict";
import { denoRunWithin, tempDir } from "../test_util.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" };

/**
 * In a subprocess (the fault being tested is SIGSEGV): the buffer of each
 * kind of map is moved away (structuredClone or postMessage with a transfer
 * list), the owner dropped and collected until the file's mapping is gone
 * from /proc/self/maps, then the moved buffer is written and read. The
 * backstop must have left readable zero pages, never unmapped (or reused)
 * memory, and must have let the file go.
 */
const SCRIPT = `
import {
  array, load, memmap, Mmap, NpzFile, openMemmap, save, savez, SharedMemory,
} from "MOD";
const gc = globalThis.gc;
const dir = DIR;
const npy = dir + "/a.npy";
const npz = dir + "/a.npz";
const raw = dir + "/a.bin";
save(npy, array(Array.from({ length: 8192 }, () => 7), { dtype: "u1" }));
savez(npz, { x: array(Array.from({ length: 8192 }, () => 7), { dtype: "u1" }) });
Deno.writeFileSync(raw, new Uint8Array(8192).fill(7));
// Whether a descriptor of this process still has the file open.
const open = (file) =>
  [...Deno.readDirSync("/proc/self/fd")].some((e) => {
    try {
      return Deno.readLinkSync("/proc/self/fd/" + e.name).includes(file);
    } catch {
      return false;
    }
  });
async function collect(file) {
  for (let i = 0; i < 1000 && open(file); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return !open(file);
}
// Each makes a map, and returns its file and the buffer to move.
const sources = {
  "Mmap.open bytes": () => [raw, Mmap.open(raw).bytes.buffer],
  "Mmap.open read bytes": () => [raw, Mmap.open(raw, { access: "read" }).bytes.buffer],
  "memmap data": () => [raw, memmap(raw, { mode: "r+" }).data.buffer],
  "memmap c data": () => [raw, memmap(raw, { mode: "c" }).data.buffer],
  "load mmapMode data": () => [npy, load(npy, { mmapMode: "r+" }).data.buffer],
  "openMemmap data": () => [npy, openMemmap(npy).data.buffer],
  "NpzFile member data": () => [npz, new NpzFile(npz, { mmapMode: "r" }).get("x").data.buffer],
  "SharedMemory buf": () => {
    const shm = new SharedMemory({ create: true, size: 8192 });
    shm.unlink();
    return ["/dev/shm/" + shm.name, shm.buf.buffer];
  },
};
const rows = [];
for (const [name, source] of Object.entries(sources)) {
  // structuredClone
  let [file, buffer] = source();
  const moved = new Uint8Array(structuredClone(buffer, { transfer: [buffer] }));
  buffer = undefined;
  const released = await collect(file);
  moved[200] = 5;
  rows.push([name + " structuredClone", released, moved[200], moved[4000]]);
}
const worker = new Worker(
  "data:text/javascript," + encodeURIComponent(
    "let b; self.onmessage = (e) => {" +
    " if (e.data instanceof ArrayBuffer) { b = new Uint8Array(e.data); self.postMessage('held'); }" +
    " else { b[200] = 5; self.postMessage([b[200], b[4000]]); }" +
    "};",
  ),
  { type: "module" },
);
const reply = () => new Promise((r) => (worker.onmessage = (e) => r(e.data)));
for (const [name, source] of Object.entries(sources)) {
  let [file, buffer] = source();
  worker.postMessage(buffer, [buffer]);
  await reply();
  buffer = undefined;
  const released = await collect(file);
  worker.postMessage("write");
  rows.push([name + " postMessage", released, ...(await reply())]);
}
worker.terminate();
console.log(JSON.stringify(rows));
`;

Deno.test(
  "a buffer moved away from any map outlives the map's collection: the file's pages or zeros, never a fault, and the file is let go",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const result = await denoRunWithin(
      ["-A", "--v8-flags=--expose-gc"],
      SCRIPT.replace("DIR", JSON.stringify(dir.path)),
    );
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    const rows: [string, boolean, number, number][] = JSON.parse(
      result.stdout,
    );
    assert.equal(rows.length, 16);
    for (const [name, released, written, other] of rows) {
      assert.equal(released, true, `${name}: the file is still open`);
      assert.equal(written, 5, name);
      // A collected map of a file's own pages keeps them mapped (a write in
      // flight may still copy them); a private copy becomes zero pages. (A
      // new SharedMemory block holds zeros either way.)
      const zeros = name.startsWith("memmap c ") ||
        name.startsWith("SharedMemory");
      const expected = zeros ? 0 : 7;
      assert.equal(other, expected, `${name}: what the moved buffer reads`);
    }
    // Only writes through moved buffers of shared maps reached the files.
    const bin = Deno.readFileSync(`${dir.path}/a.bin`);
    assert.ok(bin.every((b, i) => b === (i === 200 ? 5 : 7)));
    const npy = Deno.readFileSync(`${dir.path}/a.npy`).subarray(128);
    assert.ok(npy.every((b, i) => b === (i === 200 - 128 ? 5 : 7)));
  },
);

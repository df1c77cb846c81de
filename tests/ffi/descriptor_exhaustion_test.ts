/**
 * Running out of file descriptors (`EMFILE`) is the library's error at every
 * entry point that opens one: the call, the errno, the path, how many files
 * and maps of the library are open and what releases them; nothing is made
 * or changed, and closing the maps held lets every call work again.
 */
import assert from "node:assert/strict";
import { array, save, savez } from "../../mod.ts";
import { CAN_SPAWN_DENO, denoRun, tempDir, WINDOWS } from "../test_util.ts";

/** Each entry point that opens a descriptor, as child code on `dir`. */
const CALLS: Record<string, string> = {
  "Mmap.open": `Mmap.open(dir + "/a.bin", { access: "read" })`,
  "Mmap.open create":
    `Mmap.open(dir + "/new.bin", { create: true, length: 8 })`,
  "Mmap.fromFd": `Mmap.fromFd(0)`,
  'memmap "r"': `memmap(dir + "/a.bin", { mode: "r", dtype: "u1" })`,
  'memmap "w+"':
    `memmap(dir + "/new.bin", { mode: "w+", dtype: "u1", shape: [4] })`,
  'openMemmap "r"': `openMemmap(dir + "/a.npy", { mode: "r" })`,
  'openMemmap "w+"':
    `openMemmap(dir + "/new.npy", { mode: "w+", dtype: "u1", shape: [4] })`,
  "load .npy": `load(dir + "/a.npy")`,
  "load .npy mapped": `load(dir + "/a.npy", { mmapMode: "r" })`,
  "load .npz": `load(dir + "/a.npz")`,
  "NpzFile.get": `npz.get("x")`,
  "NpzFile.get mapped": `mapped.get("x")`,
  save: `save(dir + "/a.npy", array([7]))`,
  savez: `savez(dir + "/a.npz", { x: array([7]) })`,
  SharedMemory: `new SharedMemory({ create: true, size: 4096 })`,
};

Deno.test({
  name:
    "every call that opens a descriptor says EMFILE in the library's words (how many it holds, what releases them) and changes nothing",
  ignore: WINDOWS || !CAN_SPAWN_DENO,
  fn() {
    using dir = tempDir();
    Deno.writeFileSync(`${dir.path}/a.bin`, new Uint8Array(8192));
    save(`${dir.path}/a.npy`, array([1, 2, 3]));
    savez(`${dir.path}/a.npz`, { x: array([1, 2, 3]) });
    const files = () => [...Deno.readDirSync(dir.path)].map((e) => e.name);
    const before = files().sort();
    const npy = Deno.readFileSync(`${dir.path}/a.npy`);
    const code = `
      import { array, load, memmap, Mmap, NpzFile, openMemmap, save, savez, SharedMemory } from "MOD";
      const dir = ${JSON.stringify(dir.path)};
      const npz = new NpzFile(dir + "/a.npz");
      const mapped = new NpzFile(dir + "/a.npz", { mmapMode: "r" });
      const calls = {
        ${
      Object.entries(CALLS).map(([name, call]) =>
        `${JSON.stringify(name)}: () => ${call}`
      ).join(",\n")
    }
      };
      // Fill the descriptor table with maps that are never closed.
      const held = [];
      let filling;
      try {
        for (;;) held.push(Mmap.open(dir + "/a.bin", { access: "read" }));
      } catch (e) {
        filling = e.message;
      }
      const filled = held.length;
      // A few free, for the runtime's own use; taken again below.
      for (const m of held.splice(0, 3)) m.close();
      const spare = [Mmap.open(dir + "/a.bin"), Mmap.open(dir + "/a.bin"), Mmap.open(dir + "/a.bin")];
      const refused = {};
      for (const [name, call] of Object.entries(calls)) {
        try {
          const made = call();
          refused[name] = "made";
          made?.close?.();
        } catch (e) {
          refused[name] = e.constructor.name + " " + e.code + ": " + e.message;
        }
      }
      for (const m of [...held, ...spare]) m.close();
      // What the refused calls left: the files, and a.npy's bytes.
      const between = {
        files: [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
        npy: [...Deno.readFileSync(dir + "/a.npy")],
      };
      const after = {};
      for (const [name, call] of Object.entries(calls)) {
        try {
          const made = call();
          made?.close?.();
          if (name === "SharedMemory") made.unlink();
          after[name] = "made";
        } catch (e) {
          after[name] = e.constructor.name + ": " + e.message;
        }
      }
      console.log(JSON.stringify({ filling, held: filled, refused, between, after }));
    `;
    const out = denoRun(["-A"], code, { files: 160 });
    assert.equal(out.code, 0, out.stderr);
    const { filling, held, refused, between, after } = JSON.parse(
      out.stdout,
    );
    const exhausted = (count: string) =>
      new RegExp(
        `^[a-z_]+\\(\\): Too many open files \\(EMFILE\\): ".*" \\(this thread has ${count} files and maps of this library open: close\\(\\) each when done`,
      );
    assert.match(filling, exhausted(String(held)));
    assert.ok(held > 100, `${held} maps held`);
    assert.deepEqual(Object.keys(refused), Object.keys(CALLS));
    for (const [name, line] of Object.entries(refused) as [string, string][]) {
      const [head, message] = [
        line.slice(0, line.indexOf(": ")),
        line.slice(line.indexOf(": ") + 2),
      ];
      assert.match(head, / EMFILE$/, `${name}: ${line}`);
      assert.match(message, exhausted("\\d+"), `${name}: ${line}`);
    }
    for (const [name, line] of Object.entries(after)) {
      assert.equal(line, "made", name);
    }
    // The refused calls made and changed nothing.
    assert.deepEqual(between, { files: before, npy: [...npy] });
  },
});

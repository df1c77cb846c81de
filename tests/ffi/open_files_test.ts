/**
 * The weights that make the garbage collector look for forgotten maps
 * (`src/ffi/open_files.ts`) cost a program that keeps its maps open little:
 * a bounded number of full collections, not one per map, and no address
 * space it needs under `ulimit -v`. (That forgotten maps are still
 * released in time is `forgotten_handles_test.ts`.)
 */
import assert from "node:assert/strict";
import { array, save } from "../../mod.ts";
import { CAN_SPAWN_DENO, denoRun, tempDir } from "../test_util.ts";

/** Each entry point that leaves a map open, as child code on `dir` and `shm`. */
const KEPT: Record<string, string> = {
  "Mmap.open": `Mmap.open(dir + "/a.bin", { access: "read" })`,
  "Mmap.open write": `Mmap.open(dir + "/a.bin")`,
  "Mmap.anonymous": `Mmap.anonymous(4096)`,
  memmap: `memmap(dir + "/a.bin", { mode: "r", dtype: "u1" })`,
  openMemmap: `openMemmap(dir + "/a.npy", { mode: "r" })`,
  "load mapped": `load(dir + "/a.npy", { mmapMode: "r" })`,
  "SharedMemory attached": `new SharedMemory({ name: shm.name })`,
};

/**
 * Child code keeping `count` handles from each of `entries` (awaiting a
 * timer every `awaitEvery` of them, if given), then running `after`.
 */
function keeper(
  dir: string,
  entries: string[],
  count: number,
  after = "",
  awaitEvery = 0,
): string {
  const pause = awaitEvery === 0
    ? ""
    : `if (i % ${awaitEvery} === 0) await new Promise((r) => setTimeout(r, 0));`;
  return `
    import { load, memmap, Mmap, openMemmap, SharedMemory } from "MOD";
    const dir = ${JSON.stringify(dir)};
    const shm = new SharedMemory({ create: true, size: 4096 });
    const kept = [];
    try {
      ${
    entries.map((name) =>
      `for (let i = 0; i < ${count}; i++) { kept.push(${
        KEPT[name]
      }); ${pause} }`
    ).join("\n")
  }
      ${after}
    } finally {
      for (const k of kept) k.close();
      shm.close();
      shm.unlink();
    }
  `;
}

function files(dir: string): void {
  Deno.writeFileSync(`${dir}/a.bin`, new Uint8Array(64).fill(1));
  save(`${dir}/a.npy`, array([1, 2, 3]));
}

const linuxChild = {
  ignore: !CAN_SPAWN_DENO || Deno.build.os !== "linux",
};

Deno.test({
  name:
    "keeping 300 maps open from each entry point, in a synchronous loop or one that awaits, costs a few full collections, not one per map",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    files(dir.path);
    for (const awaitEvery of [0, 20]) {
      for (const name of Object.keys(KEPT)) {
        const out = denoRun(
          ["-A", "--v8-flags=--trace-gc"],
          keeper(dir.path, [name], 300, "", awaitEvery),
          { files: 1024 },
        );
        const label = `${name}${awaitEvery ? ", awaiting" : ""}`;
        assert.equal(out.code, 0, `${label}: ${out.stderr}`);
        const collections = out.stdout.split("\n").filter((line) =>
          line.includes("Mark-Compact")
        ).length;
        // One per map past the first 64 before: 236 maps, about 120.
        assert.ok(collections <= 30, `${label}: ${collections} collections`);
      }
    }
  },
});

Deno.test({
  name:
    "1000 maps kept open under an address-space limit (ulimit -v 64 GiB) leave the program the room it needs: 1 GiB buffers and a large heap still work",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    files(dir.path);
    // The engine reserves about 17 GiB at start (and needs about 38 GiB of
    // limit to start at all); 64 GiB leaves the program room, but not 64
    // MiB per map.
    const limit = 64 * 2 ** 30;
    const vmSize =
      `Number(/VmSize:\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))[1]) * 1024`;
    const after = `
      const grew = ${vmSize} - start;
      const big = new Uint8Array(2 ** 30);
      big[big.length - 1] = 1;
      const heap = [];
      for (let i = 0; i < 5e6; i++) heap.push({ i });
      console.log(JSON.stringify({ maps: kept.length, grew, heap: heap.length }));
    `;
    const names = Object.keys(KEPT);
    const code = `const start = ${vmSize};\n` +
      keeper(dir.path, names, 145, after);
    const out = denoRun(["-A"], code, { files: 2048, addressSpace: limit });
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.maps, 145 * names.length);
    assert.equal(result.heap, 5e6);
    assert.ok(result.grew < 6 * 2 ** 30, `VmSize grew by ${result.grew}`);
  },
});

Deno.test({
  name:
    "maps kept open in many Workers under an address-space limit leave the program the room it needs",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    const file = `${dir.path}/small.bin`;
    Deno.writeFileSync(file, new Uint8Array(64));
    // Each Worker loads the library on its own: weights must not be
    // budgeted per thread (12 threads x a 16th of the limit).
    const worker = `import { Mmap } from "MOD";
      self.onmessage = (e) => {
        const kept = [];
        for (let i = 0; i < e.data; i++) {
          kept.push(Mmap.open(${JSON.stringify(file)}, { access: "read" }));
        }
        globalThis.kept = kept;
        postMessage(kept.length);
      };`;
    const code = `
      const url = "data:text/javascript," + encodeURIComponent(${
      JSON.stringify(worker)
    });
      const workers = Array.from({ length: 12 }, () => new Worker(url, { type: "module" }));
      const counts = await Promise.all(workers.map((w) => new Promise((done) => {
        w.onmessage = (e) => done(e.data);
        w.postMessage(200);
      })));
      const big = new Uint8Array(2 ** 30);
      big[big.length - 1] = 1;
      const heap = [];
      for (let i = 0; i < 3e6; i++) heap.push({ i });
      for (const w of workers) w.terminate();
      console.log(JSON.stringify({ maps: counts.reduce((a, b) => a + b), heap: heap.length }));
    `;
    const out = denoRun(["-A"], code, {
      files: 8192,
      addressSpace: 64 * 2 ** 30,
    });
    assert.equal(out.code, 0, out.stderr.slice(-2000));
    assert.deepEqual(JSON.parse(out.stdout), { maps: 2400, heap: 3e6 });
  },
});

Deno.test({
  name:
    "maps forgotten in a loop that awaits are released in time after a full collection let kept maps' weights go",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    files(dir.path);
    // 500 kept maps, a full collection that releases none of them (their
    // weights go), then forgotten maps: weights must come back before the
    // 1024 descriptors run out, not only at 1000 live maps.
    const code = `
      import { Mmap } from "MOD";
      const path = ${JSON.stringify(`${dir.path}/a.bin`)};
      const kept = [];
      for (let i = 0; i < 500; i++) kept.push(Mmap.open(path, { access: "read" }));
      for (let j = 0; j < 5; j++) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
        Mmap.open(path, { access: "read" }).close();
      }
      let opened = 0;
      for (; opened < 3000; opened++) {
        Mmap.open(path, { access: "read" }).bytes[0]; // forgotten
        await new Promise((r) => setTimeout(r, 0));
      }
      for (const m of kept) m.close();
      console.log(opened);
    `;
    const out = denoRun(["-A", "--v8-flags=--expose-gc"], code, {
      files: 1024,
    });
    assert.equal(out.code, 0, out.stderr.slice(-2000));
    assert.equal(out.stdout.trim(), "3000");
  },
});

Deno.test({
  name:
    "maps forgotten in a loop that awaits only every few hundred opens are released before 1024 descriptors run out",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    files(dir.path);
    for (const every of [350, 400]) {
      const code = `
        import { Mmap } from "MOD";
        const path = ${JSON.stringify(`${dir.path}/a.bin`)};
        let opened = 0;
        for (; opened < 8000; opened++) {
          Mmap.open(path, { access: "read" }).bytes[0]; // forgotten
          if (opened % ${every} === 0) await new Promise((r) => setTimeout(r, 0));
        }
        console.log(opened);
      `;
      const out = denoRun(["-A"], code, { files: 1024 });
      assert.equal(out.code, 0, out.stderr.slice(-2000));
      assert.equal(out.stdout.trim(), "8000", `awaiting every ${every}`);
    }
  },
});

Deno.test({
  name:
    "maps forgotten in 16 Workers at once, each in a loop that awaits, are released before the process's 1024 descriptors run out",
  ...linuxChild,
  fn() {
    using dir = tempDir();
    files(dir.path);
    const worker = `import { Mmap } from "MOD";
      self.onmessage = async (e) => {
        let i = 0;
        try {
          for (; i < e.data; i++) {
            Mmap.open(${
      JSON.stringify(`${dir.path}/a.bin`)
    }, { access: "read" }).bytes[0]; // forgotten
            await new Promise((r) => setTimeout(r, 0));
          }
          postMessage("ok");
        } catch (error) {
          postMessage(error.message);
        }
      };`;
    const code = `
      const url = "data:text/javascript," + encodeURIComponent(${
      JSON.stringify(worker)
    });
      const workers = Array.from({ length: 16 }, () => new Worker(url, { type: "module" }));
      const results = await Promise.all(workers.map((w) => new Promise((done) => {
        w.onmessage = (e) => done(e.data);
        w.postMessage(400);
      })));
      for (const w of workers) w.terminate();
      console.log(JSON.stringify(results));
    `;
    const out = denoRun(["-A"], code, { files: 1024 });
    assert.equal(out.code, 0, out.stderr.slice(-2000));
    assert.deepEqual(JSON.parse(out.stdout), new Array(16).fill("ok"));
  },
});

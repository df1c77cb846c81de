import assert from "node:assert/strict";
import {
  canMountTmpfs,
  denoRunWithin,
  mountTmpfs,
  type RunResult,
  tempDir,
  unmount,
} from "../test_util.ts";

/**
 * A small file system of its own: a 2 MiB tmpfs, `noexec` (so that an
 * executable map fails after the file has grown), mounted for the test.
 */
function mountSmall(dir: string): string | null {
  return mountTmpfs(dir, "size=2m,noexec");
}

const small = canMountTmpfs();

/**
 * Runs `code` against a full 2 MiB file system at `FS` (a 1.5 MiB filler
 * leaves half a MiB) in a subprocess: on a full disk a write to an
 * unreserved page of a map is SIGBUS.
 */
async function onFullDisk(code: string) {
  using dir = tempDir();
  const point = mountSmall(dir.path)!;
  try {
    Deno.writeFileSync(`${point}/filler`, new Uint8Array(1536 << 10));
    return await denoRunWithin(
      ["-A"],
      code.replaceAll("FS", JSON.stringify(point)),
    );
  } finally {
    unmount(point);
  }
}

/** A sparse 64 MiB `path` on the full file system `fs` (subprocess code). */
const SPARSE = `
      const fs = FS;
      const path = fs + "/sparse.bin";
      Deno.writeFileSync(path, new Uint8Array(0));
      Deno.truncateSync(path, 64 << 20);
      try { Deno.writeFileSync(fs + "/rest", new Uint8Array(1 << 20)); } catch { /* full */ }
`;

/**
 * Asserts that a subprocess lived and printed `count` rows `[name, code]`,
 * every code `EFAULT` (its last stderr line names where it died otherwise).
 */
function expectEfaultRows(result: RunResult, count: number): void {
  const last = result.stderr.trim().split("\n").pop();
  assert.equal(result.signal, null, `the process died at ${last}`);
  assert.equal(result.code, 0, result.stderr);
  const rows = new Map<string, unknown>(JSON.parse(result.stdout));
  assert.equal(rows.size, count);
  for (const [name, code] of rows) assert.equal(code, "EFAULT", name);
}

Deno.test({
  name:
    "on a full disk every call that grows a file for a writable map fails with ENOSPC (no SIGBUS) and leaves the file",
  ignore: !small,
  async fn() {
    const result = await onFullDisk(`
      import { memmap, Mmap, openMemmap, SharedMemory } from "MOD";
      const fs = FS;
      const path = fs + "/data.bin";
      Deno.writeFileSync(path, new Uint8Array(4096).fill(9));
      const grows = {
        "memmap w+ new": () => memmap(fs + "/new.bin", { mode: "w+", shape: [3e6] }).fill(1),
        "memmap w+ over": () => memmap(path, { mode: "w+", shape: [3e6] }).fill(1),
        "memmap r+ grow": () => memmap(path, { mode: "r+", shape: [3e6] }).fill(1),
        "openMemmap w+": () => openMemmap(fs + "/new.npy", { mode: "w+", dtype: "u1", shape: [3e6] }).fill(1),
        "Mmap.open length": () => Mmap.open(path, { length: 3e6 }).bytes.fill(1),
        "Mmap.open create": () => Mmap.open(fs + "/new.bin", { create: true, length: 3e6 }).bytes.fill(1),
        "Mmap.resize()": () => { using m = Mmap.open(path); m.resize(3e6); m.bytes.fill(1); },
      };
      const rows = [];
      for (const [name, grow] of Object.entries(grows)) {
        try {
          grow();
          rows.push([name, "done"]);
        } catch (e) {
          rows.push([name, e.code]);
        }
        rows.push([name + ": bytes", Array.from(Deno.readFileSync(path)).every((b) => b === 9) && Deno.statSync(path).size]);
        rows.push([name + ": files", [...Deno.readDirSync(fs)].map((e) => e.name).sort().join(",")]);
      }
      // What fits is still fine, and its blocks are there.
      using fits = memmap(fs + "/fits.bin", { mode: "w+", shape: [256 << 10] });
      fits.fill(2);
      rows.push(["fits", Number(fits.sum())]); // a uint8 sum is a bigint
      console.log(JSON.stringify(rows));
    `);
    assert.equal(result.signal, null, `the process died: ${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
    const rows = new Map<string, unknown>(JSON.parse(result.stdout));
    for (
      const name of [
        "memmap w+ new",
        "memmap w+ over",
        "memmap r+ grow",
        "openMemmap w+",
        "Mmap.open length",
        "Mmap.open create",
        "Mmap.resize()",
      ]
    ) {
      assert.equal(rows.get(name), "ENOSPC", name);
      assert.equal(rows.get(`${name}: bytes`), 4096, `${name}: the file`);
      assert.equal(rows.get(`${name}: files`), "data.bin,filler", name);
    }
    assert.equal(rows.get("fits"), 2 * (256 << 10));
  },
});

Deno.test({
  name:
    "a map that fails after its file grew (an executable map on a noexec mount) puts the file back",
  ignore: !small,
  async fn() {
    using dir = tempDir();
    const point = mountSmall(dir.path)!;
    try {
      const path = `${point}/data.bin`;
      Deno.writeFileSync(path, new Uint8Array(4096).fill(9));
      const { Mmap, PROT_EXEC, PROT_READ, PROT_WRITE } = await import(
        "../../mod.ts"
      );
      assert.throws(
        () =>
          Mmap.open(path, {
            length: 65536,
            prot: PROT_READ | PROT_WRITE | PROT_EXEC,
          }),
        { code: "EPERM" },
      );
      assert.equal(Deno.statSync(path).size, 4096);
      assert.ok(Deno.readFileSync(path).every((b) => b === 9));
      // Nothing of the failed call holds the file.
      using m = Mmap.open(path);
      m.resize(10);
      assert.equal(Deno.statSync(path).size, 10);
    } finally {
      unmount(point);
    }
  },
});

Deno.test({
  name:
    "on a full disk every call that reads a sparse file's holes in place fails with EFAULT (no SIGBUS)",
  ignore: !small,
  async fn() {
    const result = await onFullDisk(`
      import { memmap, Mmap } from "MOD";
      ${SPARSE}
      const array = () => memmap(path, { dtype: "float64", mode: "r" });
      const reads = {
        sum: () => array().sum(),
        max: () => array().max(),
        "sum(1)": () => array().reshape([8192, 1024]).sum(1),
        add: () => array().add(array()),
        "add scalar": () => array().add(1),
        "float32 mul": () => memmap(path, { dtype: "float32", mode: "r" }).mul(memmap(path, { dtype: "float32", mode: "r" })),
        exp: () => array().exp(),
        lines: () => { using m = Mmap.open(path, { access: "read" }); for (const _ of m.lines()) {} },
      };
      const rows = [];
      for (const [name, read] of Object.entries(reads)) {
        try {
          read();
          rows.push([name, "done"]);
        } catch (e) {
          rows.push([name, e.code]);
        }
      }
      console.log(JSON.stringify(rows));
    `);
    expectEfaultRows(result, 8);
  },
});

Deno.test({
  name:
    "on a full disk every walk that writes a sparse file's holes, through any view, fails with EFAULT (no SIGBUS)",
  ignore: !small,
  async fn() {
    const result = await onFullDisk(`
      import { memmap, zeros } from "MOD";
      ${SPARSE}
      const views = {
        "": (a) => a,
        "::2": (a) => a.slice("::2"),
        "::-1": (a) => a.slice("::-1"),
        column: (a) => a.reshape(4096, 2048).slice(":", "3:4"),
        T: (a) => a.reshape(4096, 2048).T,
      };
      const writes = {
        fill: (v) => v.fill(1),
        assign: (v) => v.assign(2),
        "assign array": (v) => v.assign(zeros(v.shape).add(1)),
        "exp out=": (v) => v.exp({ out: v }),
        sort: (v) => v.sort(0),
        "S8 assign": (v) => v.assign("b"),
      };
      const rows = [];
      for (const [view, viewOf] of Object.entries(views)) {
        for (const [name, write] of Object.entries(writes)) {
          const dtype = name.startsWith("S8") ? "S8" : "float64";
          const a = memmap(path, { dtype, mode: "r+" });
          console.error("write:", name, view);
          try {
            write(viewOf(a));
            rows.push([name + " " + view, "done"]);
          } catch (e) {
            rows.push([name + " " + view, e.code]);
          }
          a.close();
        }
      }
      console.log(JSON.stringify(rows));
    `);
    expectEfaultRows(result, 30);
  },
});

Deno.test({
  name:
    "on a disk full past the first window, strided and contiguous walks that write a sparse file's holes fail with EFAULT at the next window (no SIGBUS)",
  ignore: !small,
  async fn() {
    using dir = tempDir();
    const point = mountTmpfs(dir.path, "size=20m")!;
    try {
      const result = await denoRunWithin(
        ["-A"],
        `
        import { memmap } from "MOD";
        const path = ${JSON.stringify(`${point}/sparse.bin`)};
        const writes = {
          "::2 fill": (a) => a.slice("::2").fill(3),
          "::-1 fill": (a) => a.slice("::-1").fill(3),
          fill: (a) => a.fill(1),
          "add out=": (a) => a.add(1, { out: a }),
          "column fill": (a) => a.reshape(2048, 2048).slice(":", "1:2").fill(1),
        };
        const rows = [];
        for (const [name, write] of Object.entries(writes)) {
          Deno.writeFileSync(path, new Uint8Array(0));
          Deno.truncateSync(path, 32 << 20);
          const a = memmap(path, { dtype: "float64", mode: "r+" });
          console.error("write:", name);
          try {
            write(a);
            rows.push([name, "done"]);
          } catch (e) {
            rows.push([name, e.code]);
          }
          a.close();
        }
        console.log(JSON.stringify(rows));
        `,
      );
      expectEfaultRows(result, 5);
    } finally {
      unmount(point);
    }
  },
});

import assert from "node:assert/strict";
import { canLoop, denoRunWithin, loopDevice, tempDir } from "../test_util.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" };

/** Every entry point that opens a path, as the subprocess calls it. */
const ENTRY_POINTS = `
const calls = {
  "Mmap.open read": (p) => Mmap.open(p, { access: "read" }),
  "Mmap.open write": (p) => Mmap.open(p),
  "Mmap.open create": (p) => Mmap.open(p, { create: true, length: 8 }),
  "memmap r": (p) => memmap(p, { mode: "r" }),
  "memmap r+": (p) => memmap(p, { mode: "r+", shape: [8] }),
  "memmap w+": (p) => memmap(p, { mode: "w+", shape: [8] }),
  "memmap c": (p) => memmap(p, { mode: "c" }),
  load: (p) => load(p),
  "load mmapMode": (p) => load(p, { mmapMode: "r" }),
  "openMemmap r": (p) => openMemmap(p, { mode: "r" }),
  "openMemmap w+": (p) => openMemmap(p, { mode: "w+", shape: [8] }),
  NpzFile: (p) => new NpzFile(p),
};
`;

Deno.test(
  "special files (FIFO, socket, directory) are refused at once by every entry point, never waited on",
  linuxOnly,
  async () => {
    using dir = tempDir();
    const fifo = `${dir.path}/fifo`;
    const made = new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    assert.ok(made.success, "mkfifo");
    const socket = `${dir.path}/socket`;
    using _listener = Deno.listen({ transport: "unix", path: socket });
    const socketLink = `${dir.path}/socket-link`;
    Deno.symlinkSync(socket, socketLink);
    const directory = `${dir.path}/directory`;
    Deno.mkdirSync(directory);
    const result = await denoRunWithin(
      ["-A"],
      `
      import { Mmap, memmap, load, openMemmap, NpzFile } from "MOD";
      ${ENTRY_POINTS}
      const rows = [];
      for (const path of ${
        JSON.stringify([fifo, socket, socketLink, directory])
      }) {
        for (const [name, call] of Object.entries(calls)) {
          try {
            call(path);
            rows.push([path, name, "opened", ""]);
          } catch (e) {
            rows.push([path, name, e.name, e.code ?? ""]);
          }
        }
      }
      console.log(JSON.stringify(rows));
      `,
      60_000,
    );
    assert.equal(result.timedOut, false, "an entry point waited on the file");
    assert.equal(result.code, 0, result.stderr);
    const rows: string[][] = JSON.parse(result.stdout);
    assert.equal(rows.length, 4 * 12);
    for (const [path, name, error, code] of rows) {
      const where = `${name} of ${path}`;
      if (path === directory) {
        assert.deepEqual([error, code], ["IsADirectory", "EISDIR"], where);
      } else {
        // A socket as a FIFO (open(2) of a socket fails with ENXIO: the
        // library says what the file is, as the README promises).
        assert.deepEqual([error, code], ["NotSupported", "ENODEV"], where);
      }
    }
    // Nothing was made in their place.
    assert.equal(Deno.lstatSync(fifo).isFile, false);
    assert.ok(Deno.lstatSync(directory).isDirectory);
  },
);

Deno.test(
  "a character device such as /dev/zero maps for the length asked, without being grown",
  linuxOnly,
  async () => {
    const { Mmap } = await import("../../mod.ts");
    using m = Mmap.open("/dev/zero", { access: "read", length: 8192 });
    assert.equal(m.length, 8192);
    assert.ok(m.bytes.every((b) => b === 0));
    using w = Mmap.open("/dev/zero", { length: 4096 });
    w.set(10, 7);
    assert.equal(w.get(10), 7);
    // Mapping the "whole" device maps nothing: it has no size.
    using empty = Mmap.open("/dev/zero", { access: "read" });
    assert.equal(empty.length, 0);
  },
);

Deno.test({
  name:
    "a block device maps up to its size like a file, and a map past its end is refused, never a fault",
  ignore: !canLoop(),
  async fn() {
    using dir = tempDir();
    const device = loopDevice(dir.path)!;
    try {
      const { Mmap } = await import("../../mod.ts");
      using whole = Mmap.open(device, { access: "read" });
      assert.equal(whole.length, 1 << 20);
      assert.equal(whole.get((1 << 20) - 1), 4);
      assert.throws(
        () => Mmap.open(device, { access: "read", length: 2 << 20 }),
        RangeError,
      );
      assert.throws(() => Mmap.open(device, { length: 2 << 20 }), {
        code: "EINVAL", // a device cannot be resized
      });
    } finally {
      new Deno.Command("losetup", { args: ["-d", device] }).outputSync();
    }
  },
});

/**
 * `memmap` over a device or a regular file with an explicit shape, as NumPy
 * 2.4 maps it: [path ("FILE" is an 8-byte file), mode, offset, the error's
 * name or null when it maps (all zeros)]. A character device has no size
 * (`st_size` 0): the shape is mapped in every mode; a regular file keeps its
 * size check in modes "r" and "c"; `/dev/null` cannot be mapped (`ENODEV`).
 */
const DEVICE_MAPS: [string, "r" | "c" | "r+", number, string | null][] = [
  ["/dev/zero", "r", 0, null],
  ["/dev/zero", "r", 4096, null],
  ["/dev/zero", "r", 100, null],
  ["/dev/zero", "c", 0, null],
  ["/dev/zero", "c", 4096, null],
  ["/dev/zero", "c", 100, null],
  ["/dev/zero", "r+", 0, null],
  ["/dev/zero", "r+", 100, null],
  ["/dev/null", "r", 0, "NotSupported"],
  ["/dev/null", "c", 0, "NotSupported"],
  ["/dev/null", "r+", 0, "NotSupported"],
  ["FILE", "r", 0, "RangeError"],
  ["FILE", "c", 0, "RangeError"],
];

Deno.test(
  "memmap() of a character device with a shape maps it in modes r, c and r+ as NumPy does; a regular file keeps its size check",
  linuxOnly,
  async () => {
    const { memmap } = await import("../../mod.ts");
    using dir = tempDir();
    const file = `${dir.path}/eight.bin`;
    Deno.writeFileSync(file, new Uint8Array(8));
    for (const [where, mode, offset, error] of DEVICE_MAPS) {
      const path = where === "FILE" ? file : where;
      const what = `${where} mode ${mode} offset ${offset}`;
      const open = () =>
        memmap(path, { mode, dtype: "int32", shape: [2, 3], offset });
      if (error === null) {
        using m = open();
        assert.deepEqual(m.toArray(), [[0, 0, 0], [0, 0, 0]], what);
        if (mode === "c") {
          m.set(1, 2, 7);
          assert.equal(m.get(1, 2), 7, what);
        }
      } else {
        assert.throws(open, (e: Error) => {
          assert.equal(e.name, error, `${what}: ${e.message}`);
          assert.match(e.message, /^Cannot |^mmap\(\)/, what);
          assert.ok(e.message.includes(JSON.stringify(path)), e.message);
          return true;
        });
      }
    }
  },
);

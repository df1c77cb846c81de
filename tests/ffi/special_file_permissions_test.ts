/**
 * Deno's own `open` refuses "special files" (devices, `/proc`, `/sys`)
 * without `--allow-all`, even through a symbolic link in an allowed
 * directory. So does every entry point of the library: each row of the
 * table is a kind of special file, reached the way an attacker would,
 * opened by every entry point in a subprocess with `--allow-read` and
 * `--allow-write` for the directory only.
 */
import assert from "node:assert/strict";
import {
  CAN_SPAWN_DENO,
  canLoop,
  denoRunWithin,
  loopDevice,
  tempDir,
} from "../test_util.ts";

const linux = Deno.build.os === "linux";

/** Every entry point that opens a path, as the subprocess calls it. */
const ENTRY_POINTS = `
const calls = {
  "Mmap.open read": (p) => Mmap.open(p, { access: "read", length: 4096 }),
  "Mmap.open write": (p) => Mmap.open(p, { length: 4096 }),
  "Mmap.open copy": (p) => Mmap.open(p, { access: "copy", length: 4096 }),
  "memmap r": (p) => memmap(p, { mode: "r", shape: [16] }),
  "memmap r+": (p) => memmap(p, { mode: "r+", shape: [16] }),
  "memmap c": (p) => memmap(p, { mode: "c", shape: [16] }),
  load: (p) => load(p),
  "load mmapMode": (p) => load(p, { mmapMode: "r" }),
  "openMemmap r": (p) => openMemmap(p, { mode: "r" }),
  "openMemmap r+": (p) => openMemmap(p),
  NpzFile: (p) => new NpzFile(p),
  "NpzFile mmapMode": (p) => new NpzFile(p, { mmapMode: "r" }),
};
`;

/** The first block device in /dev this process can see, or null. */
function someBlockDevice(): string | null {
  for (const entry of Deno.readDirSync("/dev")) {
    const path = `/dev/${entry.name}`;
    try {
      if (Deno.statSync(path).isBlockDevice) return path;
    } catch {
      // gone or unreadable: try the next
    }
  }
  return null;
}

/** Makes a device node with mknod(1); false where that is not allowed. */
function mknod(path: string, type: "b" | "c", major: number, minor: number) {
  try {
    return new Deno.Command("mknod", {
      args: [path, type, String(major), String(minor)],
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

interface Row {
  /** What the row stands for. */
  kind: string;
  /** The path the entry points are given. */
  path: string;
  /** Whether Deno's rule lets it through (then the entry points may open it). */
  allowed: boolean;
}

Deno.test({
  name:
    "no entry point opens a device, /proc or /sys file without --allow-all, however a link reaches it",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const allowed = `${dir.path}/allowed`;
    Deno.mkdirSync(allowed);
    const rows: Row[] = [];
    const link = (name: string, target: string, ok = false) => {
      Deno.symlinkSync(target, `${allowed}/${name}`);
      rows.push({
        kind: `link to ${target}`,
        path: `${allowed}/${name}`,
        allowed: ok,
      });
    };
    link("mem", "/proc/self/mem");
    link("environ", "/proc/self/environ");
    link("maps", "/proc/self/maps");
    link("sys", "/sys/kernel/mm/transparent_hugepage/enabled");
    link("full", "/dev/full");
    Deno.symlinkSync("/proc/self", `${allowed}/dirlink`);
    rows.push({
      kind: "a file under a linked /proc directory",
      path: `${allowed}/dirlink/mem`,
      allowed: false,
    });
    // Deno's harmless devices open with the directory's permissions alone.
    link("zero", "/dev/zero", true);
    link("null", "/dev/null", true);
    const device = someBlockDevice();
    if (device !== null) link("disk", device);
    // Device nodes outside /dev: the path rule does not see them; what the
    // descriptor turns out to be does.
    if (mknod(`${allowed}/blk`, "b", 7, 0)) {
      rows.push({
        kind: "a block device node outside /dev",
        path: `${allowed}/blk`,
        allowed: false,
      });
    }
    if (mknod(`${allowed}/chr`, "c", 1, 7)) { // /dev/full's numbers
      rows.push({
        kind: "a character device node outside /dev",
        path: `${allowed}/chr`,
        allowed: false,
      });
    }
    const result = await denoRunWithin(
      [
        "--allow-ffi",
        `--allow-read=${allowed},/proc,/dev`,
        `--allow-write=${allowed},/proc,/dev`,
      ],
      `
      import { load, memmap, Mmap, NpzFile, openMemmap } from "MOD";
      ${ENTRY_POINTS}
      const out = [];
      for (const path of ${
        JSON.stringify([
          ...rows.map((r) => r.path),
          "/proc/self/mem",
          "/dev/full",
        ])
      }) {
        for (const [name, call] of Object.entries(calls)) {
          try {
            const opened = call(path);
            out.push([path, name, "opened", ""]);
            opened.close?.();
          } catch (e) {
            out.push([path, name, e.name, e.message]);
          }
        }
      }
      console.log(JSON.stringify(out));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const out: string[][] = JSON.parse(result.stdout);
    // Named directly (allowed by --allow-read=/proc,/dev), as Deno says.
    rows.push(
      {
        kind: "/proc/self/mem named directly",
        path: "/proc/self/mem",
        allowed: false,
      },
      { kind: "/dev/full named directly", path: "/dev/full", allowed: false },
    );
    assert.equal(out.length, rows.length * 12);
    for (const [path, name, outcome, message] of out) {
      const row = rows.find((r) => r.path === path)!;
      const where = `${name} of ${row.kind}: ${outcome} ${message}`;
      if (row.allowed) {
        assert.notEqual(outcome, "NotCapable", where);
      } else if (outcome === "NotSupported") {
        // The .npy/.npz readers refuse any device by type before opening it.
        assert.match(
          message,
          /Not a regular file: a (block|character) device/,
          where,
        );
      } else {
        assert.equal(outcome, "NotCapable", where);
        assert.match(message, /Requires all access to .*--allow-all/, where);
      }
    }
  },
});

Deno.test({
  name:
    "a block device behind a link is neither read nor written without --allow-all, and is with it",
  ignore: !CAN_SPAWN_DENO || !canLoop(),
  async fn() {
    using dir = tempDir();
    const device = loopDevice(dir.path)!; // 1 MiB of 4s
    try {
      const allowed = `${dir.path}/allowed`;
      Deno.mkdirSync(allowed);
      Deno.symlinkSync(device, `${allowed}/disk`);
      const code = `
        import { memmap, Mmap } from "MOD";
        const p = ${JSON.stringify(`${allowed}/disk`)};
        const out = {};
        for (const [name, call] of Object.entries({
          read: () => Mmap.open(p, { access: "read", length: 4096 }).get(0),
          write: () => { const m = Mmap.open(p, { length: 4096 }); m.set(0, 9); m.close(); },
          memmap: () => { const a = memmap(p, { mode: "r+", shape: [8] }); a.set(0, 9); a.close(); },
        })) {
          try { out[name] = String(call()); } catch (e) { out[name] = e.name; }
        }
        console.log(JSON.stringify(out));
      `;
      const restricted = await denoRunWithin(
        ["--allow-ffi", `--allow-read=${allowed}`, `--allow-write=${allowed}`],
        code,
      );
      assert.equal(restricted.code, 0, restricted.stderr);
      assert.deepEqual(JSON.parse(restricted.stdout), {
        read: "NotCapable",
        write: "NotCapable",
        memmap: "NotCapable",
      });
      const image = Deno.readFileSync(`${dir.path}/image`);
      assert.ok(image.every((b) => b === 4), "the device was written");
      const all = await denoRunWithin(["-A"], code);
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(JSON.parse(all.stdout), {
        read: "4",
        write: "undefined",
        memmap: "undefined",
      });
    } finally {
      new Deno.Command("losetup", { args: ["-d", device] }).outputSync();
    }
  },
});

Deno.test("isSpecialFile() is Deno's rule: /dev, /proc, /sys on Linux, /dev elsewhere, device paths and shares on Windows", async () => {
  const { isSpecialFile } = await import("../../src/ffi/permissions.ts");
  const rows: [typeof Deno.build.os, string, boolean, boolean][] = [
    // os, path, write, needs --allow-all
    ["linux", "/dev/sda", false, true],
    ["linux", "/dev", false, true],
    ["linux", "/dev/shm/x", true, true],
    ["linux", "/proc/self/mem", false, true],
    ["linux", "/proc/1/environ", false, true],
    ["linux", "/sys/kernel/mm/transparent_hugepage/enabled", false, true],
    ["linux", "/dev/null", true, false],
    ["linux", "/dev/zero", true, false],
    ["linux", "/dev/random", false, false],
    ["linux", "/dev/urandom", false, false],
    ["linux", "/dev/tty", false, false],
    ["linux", "/dev/tty", true, true],
    ["linux", "/proc/pressure/cpu", false, false],
    ["linux", "/device/x", false, false], // a component, not a prefix
    ["linux", "/procfs/x", false, false],
    ["linux", "/tmp/a.bin", true, false],
    ["darwin", "/dev/disk0", false, true],
    ["darwin", "/proc/x", false, false],
    ["darwin", "/sys/x", false, false],
    ["windows", "C:\\data\\a.bin", true, false],
    ["windows", "\\\\?\\C:\\data\\a.bin", true, false],
    ["windows", "\\\\.\\PhysicalDrive0", false, true],
    ["windows", "\\\\?\\GLOBALROOT\\Device\\Harddisk0", false, true],
    ["windows", "\\\\server\\share\\a.bin", false, true],
  ];
  for (const [os, path, write, special] of rows) {
    assert.equal(
      isSpecialFile(path, write, undefined, os),
      special,
      `${os} ${path}`,
    );
  }
  // What the descriptor is counts wherever its node lies.
  assert.equal(
    isSpecialFile("/tmp/blk", false, "a block device", "linux"),
    true,
  );
  assert.equal(
    isSpecialFile("/tmp/chr", false, "a character device", "linux"),
    true,
  );
  assert.equal(
    isSpecialFile("/dev/zero", true, "a character device", "linux"),
    false,
  );
});

import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import {
  CAN_SPAWN_DENO,
  denoRun,
  EMULATOR,
  tempDir,
  WINDOWS,
  writeFile,
} from "../test_util.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" };

function countFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/**
 * Lines of /proc/self/maps that are this library's maps: those of `file`,
 * and shared anonymous memory (each a "/dev/zero (deleted)" line of its own,
 * which never merges with its neighbours or with the runtime's heap).
 */
function countMaps(file: string): { file: number; anonymous: number } {
  const lines = Deno.readTextFileSync("/proc/self/maps").split("\n");
  return {
    file: lines.filter((l) => l.endsWith(file)).length,
    anonymous: lines.filter((l) => l.includes("/dev/zero")).length,
  };
}

Deno.test("Mmap views are detached by close() and read as length 0", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "v.txt", "line one\nline two\n");
  const m = Mmap.open(path);
  const bytes = m.bytes;
  const typed = new Float64Array(bytes.buffer, 0, 2);
  const lines = [...m.lines()];
  m.close();
  assert.equal(bytes.length, 0);
  assert.equal(bytes.buffer.byteLength, 0);
  assert.equal(typed.length, 0);
  assert.equal(lines[0].length, 0);
  assert.equal(bytes[0], undefined);
  bytes[0] = 1; // a write to a detached view is a no-op, not a crash
  assert.equal(m.bytes.length, 0);
});

Deno.test("Mmap views are detached by resize() and bytes gives a fresh view", () => {
  using m = Mmap.anonymous(4096);
  const before = m.bytes;
  m.resize(1 << 20);
  assert.equal(before.length, 0);
  assert.equal(m.bytes.length, 1 << 20);
  m.bytes[(1 << 20) - 1] = 1;
  const again = m.bytes;
  m.resize(16);
  assert.equal(again.length, 0);
  assert.equal(m.bytes.length, 16);
});

Deno.test(
  "Mmap maps a sparse 6 GiB file whole and touches its last byte",
  linuxOnly,
  () => {
    using dir = tempDir();
    const path = `${dir.path}/sparse.bin`;
    const size = 6 * 1024 ** 3;
    using file = Deno.openSync(path, { create: true, write: true });
    file.truncateSync(size);
    {
      using m = Mmap.open(path);
      assert.equal(m.length, size);
      assert.equal(m.bytes.length, size);
      assert.equal(m.get(-1), 0);
      m.set(size - 1, 0xab);
      m.set(size - 2, 0xcd);
      assert.equal(m.find(new Uint8Array([0xcd, 0xab]), size - 4096), size - 2);
      m.flush(size - 1, 1);
    }
    using r = Mmap.open(path, { access: "read" });
    assert.equal(r.get(size - 1), 0xab);
  },
);

Deno.test(
  "Mmap leaks no descriptor or mapping over 1,000 open/close cycles",
  linuxOnly,
  () => {
    using dir = tempDir();
    const path = writeFile(dir.path, "cycle.txt", "VOCABULARY\ncat\n");
    const fds = countFds();
    const maps = countMaps(path);
    for (let i = 0; i < 1000; i++) {
      const access = (["read", "write", "copy", "default"] as const)[i % 4];
      const m = Mmap.open(path, { access });
      m.readline();
      if (access !== "read" && access !== "copy") m.resize(4096 + i);
      m.close();
      const a = Mmap.anonymous(8192);
      a.resize(16384);
      a.close();
    }
    assert.equal(countFds(), fds);
    assert.deepEqual(countMaps(path), maps);
    assert.equal(maps.file, 0);
  },
);

Deno.test("Mmap failures leak no descriptor", linuxOnly, () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "short.txt", "abc");
  const fds = countFds();
  for (let i = 0; i < 100; i++) {
    assert.throws(
      () => Mmap.open(path, { length: 100, access: "read" }),
      RangeError,
    );
    assert.throws(() => Mmap.open(`${path}.missing`), Deno.errors.NotFound);
    assert.throws(
      () => Mmap.open(path, { offset: 4096 * 4, access: "read" }),
      RangeError,
    );
  }
  assert.equal(countFds(), fds);
});

Deno.test(
  "Mmap maps that are never closed are unmapped once unreachable, not before",
  { ignore: linuxOnly.ignore || !CAN_SPAWN_DENO },
  () => {
    const result = denoRun(
      ["-A", "--v8-flags=--expose-gc"],
      `
    import { Mmap } from "MOD";
    // Shared anonymous maps: one "/dev/zero (deleted)" line each in /proc/self/maps.
    const count = () =>
      Deno.readTextFileSync("/proc/self/maps").split("\\n").filter((l) => l.includes("/dev/zero")).length;
    const gc = (globalThis as unknown as { gc: () => void }).gc;
    const before = count();
    let kept: Uint8Array | undefined;
    (() => {
      for (let i = 0; i < 200; i++) {
        const m = Mmap.anonymous(4096 * (i + 1));
        m.bytes[0] = i;
        if (i === 199) kept = m.bytes.subarray(0, 10);
      }
    })();
    const during = count();
    // Collect until only the kept map is left, or 10 s have passed:
    // finalizers run some time after gc(), later still on a busy machine.
    const deadline = Date.now() + 10_000;
    do {
      gc();
      await new Promise((r) => setTimeout(r, 25));
    } while (count() > before + 1 && Date.now() < deadline);
    const after = count();
    // The view we kept still works: its mapping was not unmapped.
    console.log(JSON.stringify({ before, during, after, kept: kept![0] }));
    `,
    );
    assert.equal(result.code, 0, result.stderr);
    const { before, during, after, kept } = JSON.parse(result.stdout);
    assert.equal(during, before + 200, "every map is there while reachable");
    assert.equal(
      after,
      before + 1,
      "only the map a view still reaches is left",
    );
    assert.equal(kept, 199);
  },
);

Deno.test("Mmap buffers refuse transfer() and transferToFixedLength()", () => {
  using m = Mmap.anonymous(16);
  const buffer = m.bytes.buffer as ArrayBuffer;
  assert.throws(() => buffer.transfer(), {
    name: "TypeError",
    message: /Cannot transfer the memory of a mapping/,
  });
  assert.throws(() => buffer.transferToFixedLength(), TypeError);
  assert.equal(m.bytes.length, 16);
  m.set(0, 5);
  assert.equal(m.bytes[0], 5);
});

Deno.test("a buffer moved away by structuredClone still reads safely after close(), and the map refuses resize()", () => {
  // On Windows the view under a moved buffer stays mapped (there is no way
  // to swap memory in under it without a gap), so the file stays mapped
  // until the process ends and its folder could not be removed: the file
  // half runs on POSIX only. The anonymous half runs everywhere.
  if (!WINDOWS) {
    using dir = tempDir();
    const path = writeFile(dir.path, "moved.txt", "moved away");
    const m = Mmap.open(path);
    const view = m.bytes;
    const moved = new Uint8Array(
      structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] }),
    );
    assert.equal(moved[0], 109);
    assert.equal(view.length, 0);
    m.close(); // the file is released; the moved buffer keeps readable memory
    let sum = 0;
    for (const b of moved) sum += b; // no fault: zeros now
    assert.equal(sum, 0);
    moved[0] = 1;
    Deno.removeSync(path); // nothing holds the file
  }

  const a = Mmap.anonymous(4096);
  a.set(0, 9);
  const bytes = a.bytes;
  const stolen = new Uint8Array(
    structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] }),
  );
  // The map is as good as closed once its memory moved away: resize() and
  // the rest throw BadResource; the moved buffer keeps readable memory.
  assert.equal(a.closed, true);
  assert.throws(() => a.resize(1 << 20), Deno.errors.BadResource);
  assert.equal(stolen[0], 9);
  assert.equal(stolen[4095], 0);
  a.close();
  assert.equal(stolen[4095], 0, "still readable after close()");
});

/** The permissions ("r-xp", "rw-s", ...) of the /proc/self/maps line holding `view`'s first byte. */
function pagePermissions(view: Uint8Array): string {
  const address = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view)));
  for (const line of Deno.readTextFileSync("/proc/self/maps").split("\n")) {
    const [range, permissions] = line.split(" ");
    const [start, end] = (range ?? "").split("-").map((h) => BigInt(`0x${h}`));
    if (start <= address && address < end) return permissions;
  }
  return "unmapped";
}

Deno.test(
  "an executable map is writable only when PROT_WRITE was asked for (W^X), also after resize()",
  // qemu-user's /proc/self/maps leaves out the maps the program makes.
  { ignore: linuxOnly.ignore || EMULATOR === "qemu-user" },
  async () => {
    const { MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_READ, PROT_WRITE } =
      await import("../../mod.ts");
    using dir = tempDir();
    const path = writeFile(dir.path, "code.bin", new Uint8Array(8192).fill(7));
    const rows: [string, () => Mmap, string][] = [
      // what, how, the pages' permissions
      [
        "file r-x",
        () => Mmap.open(path, { prot: PROT_READ | PROT_EXEC }),
        "r-xp",
      ],
      [
        "file rwx shared",
        () =>
          Mmap.open(path, {
            prot: PROT_READ | PROT_WRITE | PROT_EXEC,
            flags: MAP_SHARED,
          }),
        "rwxs",
      ],
      [
        "file rwx private",
        () =>
          Mmap.open(path, {
            prot: PROT_READ | PROT_WRITE | PROT_EXEC,
            flags: MAP_PRIVATE,
          }),
        "rwxp",
      ],
      ["file read", () => Mmap.open(path, { access: "read" }), "rw-p"],
      [
        "anonymous r-x",
        () => Mmap.anonymous(8192, { prot: PROT_READ | PROT_EXEC }),
        "r-xp",
      ],
      [
        "anonymous rwx",
        () =>
          Mmap.anonymous(8192, { prot: PROT_READ | PROT_WRITE | PROT_EXEC }),
        "rwxs",
      ],
    ];
    for (const [what, open, permissions] of rows) {
      using m = open();
      assert.equal(pagePermissions(m.bytes), permissions, what);
      // The library's own writes are refused without PROT_WRITE.
      if (!permissions.includes("w")) {
        assert.throws(() => m.set(0, 1), TypeError, what);
      }
      if (permissions.includes("w") && what.startsWith("anonymous")) {
        m.resize(3 * 4096);
        assert.equal(pagePermissions(m.bytes), permissions, `${what} resized`);
      }
    }
  },
);

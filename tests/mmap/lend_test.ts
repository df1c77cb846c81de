/**
 * `lendMmap`: a map's own pages lent to WebAssembly memory for a moment
 * (what `lines()` scans), and given back whole by `clearOverlay`.
 */
import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { sys, useSys } from "../../src/ffi/platform.ts";
import type { Sys } from "../../src/ffi/sys.ts";
import { clearOverlay, lendMmap, overlayMmap } from "../../src/mmap/mmap.ts";
import { WINDOW } from "../../src/mmap/scan.ts";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  EMULATOR,
  tempDir,
  writeFile,
} from "../test_util.ts";

const MiB = 1 << 20;
// Lending needs Linux's mremap(MREMAP_DONTUNMAP), which qemu-user does not
// emulate (see EMULATOR in test_util.ts).
const linuxOnly = Deno.build.os !== "linux" || EMULATOR === "qemu-user";

/** A target of 8 MiB: room for a window and its 2 MiB alignment. */
function target(): {
  memory: WebAssembly.Memory;
  start: number;
  length: number;
} {
  const memory = new WebAssembly.Memory({ initial: 128, maximum: 128 });
  return { memory, start: 0, length: 8 * MiB };
}

/** Lines of /proc/self/maps that map `path`. */
function mapsOf(path: string): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((line) => line.endsWith(path)).length;
}

/** Counts `sys.lend` calls (and what they returned) while `fn` runs. */
function countingLend<T>(fn: () => T): { result: T; lent: number[] } {
  const lent: number[] = [];
  const real = sys.lend!;
  const previous = useSys({
    ...sys,
    lend: (...args: Parameters<NonNullable<Sys["lend"]>>) => {
      const at = real(...args);
      lent.push(at);
      return at;
    },
  });
  try {
    return { result: fn(), lent };
  } finally {
    useSys(previous);
  }
}

/** 5 MiB of varied bytes. */
function content(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(5 * MiB);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 12)) & 255;
  return bytes;
}

Deno.test({
  name:
    "lendMmap() shows a map's own bytes in the target and clearOverlay() gives them back: the map reads the same, stays one mapping, the target reads zeros",
  ignore: linuxOnly,
  fn() {
    const bytes = content();
    using dir = tempDir();
    const path = writeFile(dir.path, "lent.bin", bytes);
    const OFFSET = 65536;
    // [what, open, where in the file the map starts, a stray write into it]
    const rows: [string, () => Mmap, number, boolean][] = [
      ["read", () => Mmap.open(path, { access: "read" }), 0, false],
      [
        "read, with a stray write",
        () => Mmap.open(path, { access: "read" }),
        0,
        true,
      ],
      ["write", () => Mmap.open(path, { access: "write" }), 0, false],
      ["default", () => Mmap.open(path), 0, true],
      [
        "at an offset",
        () => Mmap.open(path, { access: "read", offset: OFFSET }),
        OFFSET,
        false,
      ],
    ];
    // [start, length] of the part lent: whole 2 MiB steps, none, the end.
    const ranges = [[0, 2 * MiB], [12345, WINDOW], [3 * MiB - 1, 100], [
      4 * MiB,
      MiB - 65536,
    ]];
    for (const [what, open, base, stray] of rows) {
      using m = open();
      const expected = bytes.slice(base, base + m.length);
      if (stray) {
        m.bytes[3 * MiB] ^= 0xff; // a page of the map's own (private for read)
        expected[3 * MiB] ^= 0xff;
      }
      const before = mapsOf(path);
      const t = target();
      const memory = new Uint8Array(t.memory.buffer);
      for (const [start, length] of ranges) {
        const { result: at, lent } = countingLend(() =>
          lendMmap(m, t, start, length)
        );
        const label = `${what}, [${start}, +${length}]`;
        assert.equal(lent.length, 1, label);
        assert.ok(at >= 0, label);
        assert.deepEqual(
          memory.subarray(at, at + length),
          expected.subarray(start, start + length),
          label,
        );
        clearOverlay(t);
        assert.equal(memory[at], 0, `${label}: target cleared`);
        assert.equal(mapsOf(path), before, `${label}: one mapping as before`);
        assert.deepEqual(m.bytes, expected, `${label}: map intact`);
      }
      // The map works on: a shared map's writes reach the file.
      if (m.access !== "read") {
        m.set(10, 0xee);
        m.flush();
        assert.equal(Deno.readFileSync(path)[10], 0xee, what);
        m.set(10, bytes[10]);
        if (stray) m.bytes[3 * MiB] ^= 0xff;
      }
    }
    // The read-only map's stray write never reached the file.
    assert.deepEqual(Deno.readFileSync(path), bytes);
  },
});

Deno.test({
  name:
    "lendMmap() lends nothing from copy, anonymous, device and closed maps, past a map's end, or twice at once (nor keeps them under an overlay); overlays then show the file",
  ignore: linuxOnly,
  fn() {
    const bytes = content();
    using dir = tempDir();
    const path = writeFile(dir.path, "lent.bin", bytes);
    const t = target();
    const memory = new Uint8Array(t.memory.buffer);
    const closed = Mmap.open(path, { access: "read" });
    closed.close();
    using copy = Mmap.open(path, { access: "copy" });
    copy.set(0, 1);
    using anonymous = Mmap.anonymous(MiB);
    using device = Mmap.open("/dev/zero", { length: MiB });
    using m = Mmap.open(path, { access: "read" });
    using short = Mmap.open(path, { access: "read", length: MiB });
    // [what, map, start, length, lent (>= 0), shown at all]
    const rows: [string, Mmap, number, number, boolean, boolean][] = [
      ["copy", copy, 0, 4096, false, false],
      ["anonymous", anonymous, 0, 4096, false, false],
      ["a device", device, 0, 4096, false, false],
      ["closed", closed, 0, 4096, false, false],
      ["past the map's end", short, MiB - 100, 200, false, true],
    ];
    for (const [what, map, start, length, lends, shown] of rows) {
      const { result: at, lent } = countingLend(() =>
        lendMmap(map, t, start, length)
      );
      assert.equal(lent.some((x) => x >= 0), lends, what);
      assert.equal(at >= 0, shown, what);
      clearOverlay(t);
    }
    // Twice without a clear: the first pages go back before the second lend.
    const first = lendMmap(m, t, 0, 4096);
    const second = lendMmap(m, t, 2 * MiB, 4096);
    assert.deepEqual(
      memory.subarray(second, second + 4096),
      bytes.subarray(2 * MiB, 2 * MiB + 4096),
    );
    clearOverlay(t);
    assert.ok(first >= 0);
    assert.deepEqual(m.bytes, bytes);
    // Lent, then the file shown over the same target: the pages go back
    // first, so a shared map stays shared (its writes reach the file).
    using shared = Mmap.open(path, { access: "write" });
    assert.ok(lendMmap(shared, t, 0, 2 * MiB) >= 0);
    assert.ok(overlayMmap(shared, t, 0, 4096) >= 0);
    clearOverlay(t);
    shared.set(100, bytes[100] ^ 1);
    shared.flush();
    assert.equal(Deno.readFileSync(path)[100], bytes[100] ^ 1);
    shared.set(100, bytes[100]);
  },
});

Deno.test({
  name:
    "Mmap.lines() over a file's map lends its pages a window at a time and leaves the map whole; where they cannot be lent the file is shown instead, with the same lines",
  ignore: linuxOnly,
  fn() {
    const line = "y".repeat(299) + "\n";
    const body = new TextEncoder().encode(line.repeat((3 * WINDOW) / 300 + 7));
    using dir = tempDir();
    const path = writeFile(dir.path, "lines.txt", body);
    const want = body.length / 300;
    for (const access of ["read", "write"] as const) {
      using m = Mmap.open(path, { access });
      const before = mapsOf(path);
      const { result: count, lent } = countingLend(() => {
        let n = 0;
        for (const l of m.lines()) n += l.length === 300 ? 1 : 0;
        return n;
      });
      assert.equal(count, want, access);
      assert.ok(lent.length >= 3, `${access}: ${lent.length} lends`);
      assert.equal(mapsOf(path), before, access);
      assert.deepEqual(m.bytes, body, access);
      // No lending: the same lines through overlays or copies.
      const previous = useSys({ ...sys, lend: () => -1 });
      try {
        m.seek(0);
        let n = 0;
        for (const l of m.lines()) n += l.length === 300 ? 1 : 0;
        assert.equal(n, want, `${access}, not lent`);
      } finally {
        useSys(previous);
      }
    }
  },
});

Deno.test({
  name:
    "Mmap.lines() over a sparse file's map (pages never read, holes) lends them and yields the lines of the simple split",
  ignore: linuxOnly,
  fn() {
    using dir = tempDir();
    const path = `${dir.path}/sparse.txt`;
    const size = 3 * WINDOW + 4096;
    // [what, where text stands (the rest is holes)]
    const rows: [string, number[]][] = [
      ["holes only", []],
      ["text in the middle", [WINDOW + 100]],
      ["text at both ends", [0, size - 64]],
    ];
    const text = new TextEncoder().encode("ab\ncd\n".repeat(10));
    for (const [what, places] of rows) {
      {
        using file = Deno.openSync(path, {
          write: true,
          create: true,
          truncate: true,
        });
        file.truncateSync(size);
        for (const at of places) {
          file.seekSync(at, Deno.SeekMode.Start);
          file.writeSync(text);
        }
      }
      // (made here: reading the file would bring its holes into memory)
      const expected = new Uint8Array(size);
      for (const at of places) expected.set(text, at);
      using m = Mmap.open(path, { access: "read" });
      const { result: got, lent } = countingLend(() =>
        [...m.lines()].map((l) => l.byteOffset - m.bytes.byteOffset)
      );
      const want: number[] = [];
      for (let p = 0; p < expected.length;) {
        want.push(p);
        const nl = expected.indexOf(10, p);
        p = nl < 0 ? expected.length : nl + 1;
      }
      assert.deepEqual(got, want, what);
      assert.ok(lent.some((at) => at >= 0), what);
    }
  },
});

Deno.test({
  name:
    "An async write of a file map's bytes in flight while lines() lends its pages writes the file's bytes",
  ignore: linuxOnly,
  async fn() {
    const line = "z".repeat(299) + "\n";
    const body = new TextEncoder().encode(line.repeat((3 * WINDOW) / 300));
    using dir = tempDir();
    const path = writeFile(dir.path, "lines.txt", body);
    for (const access of ["read", "write"] as const) {
      using m = Mmap.open(path, { access });
      const out = `${dir.path}/out-${access}.txt`;
      const pending = Deno.writeFile(out, m.bytes);
      let count = 0;
      for (let round = 0; round < 3; round++) {
        m.seek(0);
        for (const _ of m.lines()) count++;
      }
      await pending;
      assert.equal(count, (3 * body.length) / 300, access);
      assert.deepEqual(Deno.readFileSync(out), body, access);
    }
  },
});

// In a subprocess: what is guarded against is a map's range left unmapped
// (SIGSEGV at the next read).
Deno.test({
  name:
    "When lent pages cannot be moved back, clearOverlay() maps the file there anew: the map reads the file's bytes and the target zeros",
  ignore: linuxOnly || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const path = writeFile(dir.path, "lent.bin", content());
    const run = await denoRunWithin(
      ["-A"],
      `
      import { Mmap } from "MOD";
      const { clearOverlay, lendMmap } = await import(
        new URL("./src/mmap/mmap.ts", "MOD").href
      );
      const { libc } = await import(new URL("./src/ffi/libc.ts", "MOD").href);
      const path = ${JSON.stringify(path)};
      const file = Deno.readFileSync(path);
      const rows = [];
      for (const access of ["read", "write"]) {
        const m = Mmap.open(path, { access });
        const memory = new WebAssembly.Memory({ initial: 128, maximum: 128 });
        const target = { memory, start: 0, length: 8 << 20 };
        const at = lendMmap(m, target, 0, 4 << 20);
        // The first page of the lent range taken away: moving back fails
        // (EFAULT; kernels before 6.16 unmap the map's range first).
        const base = Deno.UnsafePointer.value(Deno.UnsafePointer.of(memory.buffer));
        libc().munmap(base + BigInt(at), 4096n);
        clearOverlay(target);
        const bytes = m.bytes;
        let same = bytes.length === file.length;
        for (let i = 0; same && i < file.length; i++) same = bytes[i] === file[i];
        const zero = new Uint8Array(memory.buffer)[at] === 0;
        rows.push([access, at >= 0, same, zero]);
        m.close();
      }
      console.log(JSON.stringify(rows));
      `,
    );
    assert.equal(run.signal, null, run.stderr);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      ["read", true, true, true],
      ["write", true, true, true],
    ]);
  },
});

// In a subprocess: the fault guarded against kills the process.
Deno.test({
  name:
    "lines() over a file cut short by another program throws EFAULT for every access, copy-on-write too (its pages are asked for, not lent)",
  ignore: linuxOnly || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const run = await denoRunWithin(
      ["-A"],
      `
      import { Mmap } from "MOD";
      const path = ${JSON.stringify(`${dir.path}/cut.txt`)};
      const rows = [];
      for (const access of ["read", "write", "copy"]) {
        for (const cut of [4096, 32 << 20]) {
          Deno.writeTextFileSync(path, ("z".repeat(127) + "\\n").repeat(1 << 19));
          const m = Mmap.open(path, { access });
          Deno.truncateSync(path, cut);
          console.error("lines:", access, cut);
          let n = 0;
          try {
            for (const line of m.lines()) n += line.length > 0 ? 1 : 0;
            rows.push([access, cut, "returned"]);
          } catch (e) {
            rows.push([access, cut, e.code]);
          }
          m.close();
        }
      }
      console.log(JSON.stringify(rows));
      `,
    );
    const last = run.stderr.trim().split("\n").pop();
    assert.equal(run.signal, null, `${last}: ${run.signal}`);
    for (const [access, cut, code] of JSON.parse(run.stdout)) {
      assert.equal(code, "EFAULT", `${access} ${cut}`);
    }
  },
});

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/**
 * `a.mul(2, { out: a })` over a sparse file larger than RAM, in a child
 * process: RSS grows by less than 64 MiB and the walk (flush included) runs
 * within 1.5x of the disk's sustained sequential write speed, measured here
 * first by writing a quarter of the file's size.
 * Opt-in (it writes the whole file to disk: minutes): set
 * MMAP_LARGER_THAN_RAM=1, and optionally MMAP_LARGER_THAN_RAM_GIB (default:
 * RAM plus a third) and MMAP_LARGER_THAN_RAM_DIR (default: a temp dir).
 */
const ENABLED = Deno.env.get("MMAP_LARGER_THAN_RAM") === "1";
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function memTotal(): number {
  const m = /MemTotal:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/meminfo"));
  return Number(m![1]) * 1024;
}

/**
 * Bytes per second of a sequential write of `bytes` with fdatasync (large
 * enough to see the disk's sustained speed, not its cache's).
 */
function diskSpeed(path: string, bytes: number): number {
  const block = new Uint8Array(16 * MiB).fill(1);
  const start = performance.now();
  {
    using file = Deno.openSync(path, {
      create: true,
      write: true,
      truncate: true,
    });
    for (let done = 0; done < bytes; done += block.length) {
      file.writeSync(block);
    }
    file.syncDataSync();
  }
  const seconds = (performance.now() - start) / 1000;
  Deno.removeSync(path);
  return bytes / seconds;
}

Deno.test(
  "mul(2, { out }) in place over a sparse file larger than RAM keeps RSS growth under 64 MiB at disk speed",
  {
    ignore: !ENABLED || Deno.build.os !== "linux",
  },
  () => {
    const gib = Number(Deno.env.get("MMAP_LARGER_THAN_RAM_GIB") ?? 0) ||
      Math.ceil(memTotal() * 4 / 3 / GiB);
    const size = gib * GiB;
    const dir = Deno.env.get("MMAP_LARGER_THAN_RAM_DIR") ??
      Deno.makeTempDirSync({ prefix: "ufunc-larger-than-ram-" });
    const path = `${dir}/sparse.f8`;
    try {
      const speed = diskSpeed(
        `${dir}/speed.bin`,
        Math.max(2, Math.floor(gib / 4)) * GiB,
      );
      const child = fileURLToPath(
        new URL("./_in_place_child.ts", import.meta.url),
      );
      const out = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", child, path, String(size)],
        stdout: "piped",
        stderr: "piped",
      }).outputSync();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const r = JSON.parse(new TextDecoder().decode(out.stdout));
      const expected = size / speed;
      console.log(
        `${size / GiB} GiB in ${r.seconds.toFixed(1)} s (mul ${
          r.mulSeconds.toFixed(1)
        } s); disk ${(speed / MiB).toFixed(0)} MiB/s would take ${
          expected.toFixed(1)
        } s (${(r.seconds / expected).toFixed(2)}x); RSS ${
          (r.before / MiB).toFixed(1)
        } MiB before, peak ${(r.peak / MiB).toFixed(1)} MiB, after ${
          (r.after / MiB).toFixed(1)
        } MiB`,
      );
      assert.deepEqual(r.values, [3, -4, 5, 0]);
      assert.ok(r.peak - r.before < 64 * MiB, "RSS growth under 64 MiB");
      assert.ok(r.seconds <= 1.5 * expected, "within 1.5x of the disk's speed");
    } finally {
      try {
        Deno.removeSync(path);
      } catch { /* not made */ }
      if (Deno.env.get("MMAP_LARGER_THAN_RAM_DIR") === undefined) {
        Deno.removeSync(dir, { recursive: true });
      }
    }
  },
);

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { allocate, HUGE_PAGE_THRESHOLD } from "../../src/memmap/alloc.ts";

const MiB = 1024 * 1024;

/** Whether Linux offers transparent huge pages to processes that ask (madvise or always). */
function thpOffered(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    const mode = Deno.readTextFileSync(
      "/sys/kernel/mm/transparent_hugepage/enabled",
    );
    return !mode.includes("[never]");
  } catch {
    return false;
  }
}

/** The `VmFlags` of the mapping holding `address`, from /proc/self/smaps. */
function vmFlagsAt(address: bigint): string[] {
  const text = Deno.readTextFileSync("/proc/self/smaps");
  let inside = false;
  for (const line of text.split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range !== null) {
      inside = BigInt(`0x${range[1]}`) <= address &&
        address < BigInt(`0x${range[2]}`);
    } else if (inside && line.startsWith("VmFlags:")) {
      return line.slice(8).trim().split(/\s+/);
    }
  }
  throw new Error(`no mapping holds 0x${address.toString(16)}`);
}

Deno.test("allocate() gives zeroed buffers of the size asked, below and above the huge-page threshold", () => {
  for (
    const n of [
      0,
      1,
      4095,
      HUGE_PAGE_THRESHOLD - 1,
      HUGE_PAGE_THRESHOLD,
      8 * MiB + 3,
    ]
  ) {
    const buffer = allocate(n);
    assert.ok(buffer instanceof ArrayBuffer);
    assert.equal(buffer.byteLength, n);
    const bytes = new Uint8Array(buffer);
    assert.equal(bytes.findIndex((b) => b !== 0), -1, `size ${n}`);
    if (n > 0) {
      bytes[n - 1] = 7;
      assert.equal(bytes[n - 1], 7);
    }
  }
});

Deno.test(
  "allocate() marks the memory of large buffers for huge pages (Linux)",
  {
    ignore: !thpOffered(),
  },
  () => {
    const buffer = allocate(16 * MiB);
    const base = Deno.UnsafePointer.value(
      Deno.UnsafePointer.of(buffer)!,
    ) as bigint;
    const huge = 2n * BigInt(MiB);
    const interior = ((base + huge - 1n) / huge) * huge;
    assert.ok(vmFlagsAt(interior).includes("hg"), "VM_HUGEPAGE (hg) not set");
    new Float64Array(buffer).fill(1.5);
    assert.equal(new Float64Array(buffer)[2 * MiB - 1], 1.5);
  },
);

Deno.test("allocate() works without --allow-ffi and never prompts for it", () => {
  const child = fileURLToPath(new URL("./_alloc_child.ts", import.meta.url));
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", child],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    length: 8 * MiB,
    zero: true,
    sum: 8 * MiB,
  });
});

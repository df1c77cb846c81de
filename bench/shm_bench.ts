/**
 * `deno bench` for SharedMemory: the block's life cycle and work on a
 * shared 8 MiB float64 array. Side-by-side figures against Python (and the
 * 1 GiB pipe-versus-shared-memory exchange) are made by
 * `deno task compare shm`.
 */
import { SharedMemory } from "../mod.ts";

const MIB = 1 << 20;
const shared = new SharedMemory({ create: true, size: 8 * MIB });
const attached = new SharedMemory({ name: shared.name });
const array = attached.ndarray({ dtype: "float64" });
const local = new Uint8Array(MIB).fill(7);
globalThis.addEventListener("unload", () => {
  attached.close();
  shared.close();
  shared.unlink();
});

Deno.bench("create + close + unlink a 1 MiB block", { group: "life" }, () => {
  const shm = new SharedMemory({ create: true, size: MIB });
  shm.close();
  shm.unlink();
});

Deno.bench(
  "create + attach + close + unlink a 1 MiB block",
  { group: "life", baseline: true },
  () => {
    const shm = new SharedMemory({ create: true, size: MIB });
    new SharedMemory({ name: shm.name }).close();
    shm.close();
    shm.unlink();
  },
);

Deno.bench("attach + close an existing 8 MiB block", { group: "life" }, () => {
  new SharedMemory({ name: shared.name }).close();
});

Deno.bench("copy 1 MiB into a block (buf.set)", { group: "copy" }, () => {
  shared.buf.set(local);
});

Deno.bench("copy 1 MiB out of a block (slice)", { group: "copy" }, () => {
  attached.buf.slice(0, MIB);
});

Deno.bench(
  "fill() 1M float64 through another attachment",
  { group: "array" },
  () => {
    array.fill(1.5);
  },
);

Deno.bench("sum() 1M float64 of a shared block", { group: "array" }, () => {
  if (array.sum() as number < 0) throw new Error("negative sum");
});

// Child of alloc_test.ts: run with no permissions at all.
import { array } from "../../mod.ts";
import { allocate } from "../../src/memmap/alloc.ts";

const buffer = allocate(8 * 1024 * 1024);
const bytes = new Uint8Array(buffer);
const zero = bytes.every((b) => b === 0);
const ones = array(bytes.fill(1), { dtype: "uint8" }).astype("float64");
console.log(JSON.stringify({
  length: buffer.byteLength,
  zero,
  sum: ones.sum(),
}));

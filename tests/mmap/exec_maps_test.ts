import assert from "node:assert/strict";
import { array, frombuffer, Mmap, PROT_EXEC, PROT_READ } from "../../mod.ts";

// A map made with PROT_EXEC but not PROT_WRITE has pages that cannot be
// written (W^X): no library call may write into them (the write would be a
// SIGSEGV). Each row is a call that writes into memory it is given.
const WRITERS: Record<string, (bytes: Uint8Array) => void> = {
  "frombuffer().fill()": (bytes) =>
    frombuffer(bytes, { dtype: "uint8" }).fill(1),
  "frombuffer().assign()": (bytes) =>
    frombuffer(bytes, { dtype: "uint8" }).assign(2),
  "out= of a ufunc": (bytes) => {
    array([1, 2, 3, 4], { dtype: "uint8" }).add(1, {
      out: frombuffer(bytes.subarray(0, 4), { dtype: "uint8" }),
    });
  },
  "Mmap.readInto()": (bytes) => {
    using source = Mmap.anonymous(4096);
    source.readInto(bytes, 0);
  },
};

Deno.test(
  "library calls refuse to write into the memory of a map made without PROT_WRITE",
  {
    ignore: Deno.build.os === "windows", // PROT_EXEC is refused there
  },
  () => {
    using x = Mmap.anonymous(65536, { prot: PROT_READ | PROT_EXEC });
    for (const [name, write] of Object.entries(WRITERS)) {
      assert.throws(() => write(x.bytes), TypeError, name);
      assert.equal(x.get(0), 0, name);
    }
    // Reading through an array is fine.
    assert.equal(frombuffer(x.bytes, { dtype: "uint8" }).sum(), 0n);
  },
);

/**
 * Child of storage_hooks_test.ts: writes through arrays over memory whose
 * pages cannot be written (a W^X map: read + exec), after trying to make
 * them writable through their storage. A write reaching the memory would
 * kill the process (SIGSEGV), so the test runs this in a subprocess and
 * reads one JSON line of outcomes.
 *
 * @module
 */

import {
  frombuffer,
  Mmap,
  type NDArray,
  NDArray as Array_,
  PROT_EXEC,
  PROT_READ,
} from "../../mod.ts";

const SIZE = 4096;
let m: Mmap;
try {
  m = Mmap.anonymous(SIZE, { prot: PROT_READ | PROT_EXEC });
} catch {
  console.log("[]"); // no write-protected memory on this platform
  Deno.exit(0);
}

const makers: Record<string, () => NDArray> = {
  "frombuffer, readOnly set to false": () => {
    const a = frombuffer(m.bytes);
    try {
      (a.storage as { readOnly: boolean }).readOnly = false;
    } catch { /* frozen */ }
    return a;
  },
  "frombuffer, storage replaced": () => {
    const a = frombuffer(m.bytes);
    try {
      (a as { storage: unknown }).storage = {
        bytes: m.bytes,
        readOnly: false,
      };
    } catch { /* not writable */ }
    return a;
  },
  "given storage saying readOnly: false": () =>
    new Array_({ bytes: m.bytes, readOnly: false }, "uint8", [SIZE]),
  "given storage, flag changed afterwards": () => {
    const given = { bytes: m.bytes, readOnly: true };
    const a = new Array_(given, "uint8", [SIZE]);
    given.readOnly = false;
    return a;
  },
};
const writes: Record<string, (a: NDArray) => unknown> = {
  fill: (a) => a.fill(1),
  set: (a) => a.set(3, 1),
  "add(out=a)": (a) => a.add(1, { out: a }),
  put: (a) => a.put([0], [1]),
  assign: (a) => a.assign(1),
};
const results = [];
for (const [made, make] of Object.entries(makers)) {
  for (const [what, write] of Object.entries(writes)) {
    const a = make();
    let error: Error | null = null;
    try {
      write(a);
    } catch (e) {
      error = e as Error;
    }
    results.push({
      case: `${made}: ${what}`,
      error: error === null ? null : error.constructor.name,
      message: error?.message ?? "",
      unchanged: m.bytes.every((b) => b === 0),
    });
  }
}
console.log(JSON.stringify(results));

/**
 * Every public method that takes a number, a string, an options object or
 * bytes, called with values whose own code closes or resizes the object
 * while it is converted (valueOf, toString, Symbol.toPrimitive, getters,
 * Proxies, typed arrays with their own length, detached buffers) and with
 * plain values of every wrong type and size. Run in a subprocess: the fault
 * guarded against is a crash. Every call must end normally or with a
 * contract error carrying the library's own message, and no call may go on
 * with an object that was closed under it.
 */
import assert from "node:assert/strict";
import { tempDir, text } from "./test_util.ts";

function runChild(section: string): { calls: number; violations: string[] } {
  using dir = tempDir();
  const child = new URL("./_hostile_child.ts", import.meta.url).pathname;
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", child, dir.path, section],
    env: { NO_COLOR: "1" },
  }).outputSync();
  assert.equal(
    out.code,
    0,
    `the child exited with ${out.code} (signal ${out.signal}):\n${
      text(out.stderr).slice(-2000)
    }`,
  );
  return JSON.parse(text(out.stdout).trim().split("\n").at(-1)!);
}

Deno.test("Mmap: a valueOf that closes the map while find() converts it is not a crash", () => {
  const { calls, violations } = runChild("first");
  assert.equal(calls, 1);
  assert.deepEqual(violations, []);
});

Deno.test("Mmap methods and constructors survive hostile and wrong arguments with contract errors", () => {
  const { calls, violations } = runChild("mmap");
  assert.ok(calls > 1000, `only ${calls} calls`);
  assert.deepEqual(violations, []);
});

Deno.test("NDArray, Memmap, memmap(), array(), frombuffer(), dtype() and NDArray's constructor survive hostile and wrong arguments with contract errors", () => {
  const { calls, violations } = runChild("arrays");
  assert.ok(calls > 1000, `only ${calls} calls`);
  assert.deepEqual(violations, []);
});

Deno.test("load(), openMemmap(), save(), savez(), NpzFile and SharedMemory survive hostile and wrong arguments with contract errors", () => {
  const { calls, violations } = runChild("npy");
  assert.ok(calls > 500, `only ${calls} calls`);
  assert.deepEqual(violations, []);
});

Deno.test("Every method of Mmap, NDArray and Memmap, found by name, survives every hostile and wrong value as its first or second argument", () => {
  const { calls, violations } = runChild("every");
  assert.ok(calls > 2000, `only ${calls} calls`);
  assert.deepEqual(violations, []);
});

for (
  const [family, types] of [
    ["bytes", "S4 and V4"],
    ["text", "U2"],
    ["records", "records"],
    ["dates", "M8[s] and m8[D]"],
  ]
) {
  Deno.test(`Every method of arrays of ${types} (memmaps, arrays over an Mmap, in-memory arrays), and where/concatenate/stack/put/putmask/assign/eq with them as sources, survive every hostile and wrong value with contract errors`, () => {
    const { calls, violations } = runChild(`every-${family}`);
    assert.ok(calls > 2000, `only ${calls} calls`);
    assert.deepEqual(violations, []);
  });
}

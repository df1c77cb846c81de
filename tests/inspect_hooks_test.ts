/**
 * The `[Symbol.for("Deno.customInspect")]` hook of every public class,
 * called directly with arguments the runtime would never pass (no
 * `inspect`, numbers, null, a function that gives no string): each returns
 * the library's own text, the same as `Deno.inspect` shows, never V8's
 * "inspect is not a function" (attack11 A4).
 */
import assert from "node:assert/strict";
import * as lib from "../mod.ts";
import { tempDir } from "./test_util.ts";

const HOOK = Symbol.for("Deno.customInspect");

// deno-lint-ignore no-explicit-any
type Any = any;

/** Arguments for the hook, by name. */
const ODD: [string, unknown[]][] = [
  ["nothing", []],
  ["0, 0", [0, 0]],
  ["null, null", [null, null]],
  ["undefined, 5", [undefined, 5]],
  ['"inspect", {}', ["inspect", {}]],
  ["{}, {}", [{}, {}]],
  ["a function giving a number", [() => 5, {}]],
  ["a function giving a symbol", [() => Symbol("s"), {}]],
  ["a function giving null", [() => null, null]],
];

Deno.test("every public class's inspect hook called with odd arguments gives the library's own text", () => {
  using dir = tempDir();
  Deno.writeFileSync(`${dir.path}/f`, new Uint8Array(16));
  lib.savez(`${dir.path}/z.npz`, { a: lib.arange(2) });
  const shm = new lib.SharedMemory({ create: true, size: 16 });
  const closedShm = new lib.SharedMemory({ create: true, size: 16 });
  closedShm.close();
  closedShm.unlink();
  const closedMap = lib.Mmap.anonymous(16);
  closedMap.close();
  const made: Record<string, unknown[]> = {
    Mmap: [lib.Mmap.anonymous(16), closedMap],
    SharedMemory: [shm, closedShm],
    NDArray: [lib.arange(3), lib.zeros([2, 2], { dtype: "V0" })],
    Memmap: [lib.memmap(`${dir.path}/f`, { dtype: "u1" })],
    DType: [lib.dtype("f4")],
    NpzFile: [new lib.NpzFile(`${dir.path}/z.npz`)],
  };
  try {
    let checked = 0;
    for (const [name, value] of Object.entries(lib)) {
      if (typeof value !== "function" || value.prototype === undefined) {
        continue;
      }
      if (typeof value.prototype[HOOK] !== "function") continue;
      const objects = made[name];
      assert.ok(objects !== undefined, `no instance of ${name} to inspect`);
      for (const object of objects) {
        const shown = Deno.inspect(object, { colors: false });
        for (const [what, args] of ODD) {
          let text: unknown;
          try {
            text = (object as Any)[HOOK](...args);
          } catch (error) {
            assert.fail(`${name} hook(${what}) threw ${error}`);
          }
          assert.equal(text, shown, `${name} hook(${what})`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 6 * ODD.length, `only ${checked} calls`);
  } finally {
    for (const objects of Object.values(made)) {
      for (const object of objects) (object as Any).close?.();
    }
    shm.unlink();
  }
});

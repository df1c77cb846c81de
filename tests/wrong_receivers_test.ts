/**
 * Every method, getter and setter of every public class's prototype, called
 * with a receiver that is not an instance of the class (a plain object,
 * `null`, `undefined`, a frozen object, a number, a function, an instance of
 * another public class), throws `TypeError` with the library's own message
 * ("Cannot call NDArray.sum: the receiver is not an NDArray"), never the
 * engine's ("Receiver must be an instance of class ...", "Cannot read
 * private member ...", "Cannot read properties of undefined") (attack10 N5).
 * One guard per class, installed where the class is defined.
 */
import assert from "node:assert/strict";
import {
  array,
  DType,
  dtype,
  Memmap,
  memmap,
  Mmap,
  NDArray,
  NpzFile,
  savez,
  SharedMemory,
} from "../mod.ts";
import { tempDir } from "./test_util.ts";

/** The public classes, with the words their messages use for an instance. */
const CLASSES: [string, { prototype: object }, string][] = [
  ["NDArray", NDArray, "an NDArray"],
  ["Memmap", Memmap, "a Memmap"],
  ["Mmap", Mmap, "an Mmap"],
  ["NpzFile", NpzFile, "an NpzFile"],
  ["SharedMemory", SharedMemory, "a SharedMemory"],
  ["DType", DType, "a DType"],
];

/** The prototype's methods, getters and setters, by name. */
function members(
  prototype: object,
): [string, "call" | "read" | "set", (...args: unknown[]) => unknown][] {
  const out: [string, "call" | "read" | "set", (...a: unknown[]) => unknown][] =
    [];
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === "constructor") continue;
    const name = typeof key === "symbol" ? `[${key.description}]` : key;
    const d = Object.getOwnPropertyDescriptor(prototype, key)!;
    if (typeof d.value === "function") out.push([name, "call", d.value]);
    if (d.get) out.push([name, "read", d.get]);
    if (d.set) out.push([name, "set", d.set]);
  }
  return out;
}

Deno.test("every public method and getter refuses a receiver that is not an instance, with the library's TypeError", () => {
  using dir = tempDir();
  using map = Mmap.anonymous(16);
  using mm = memmap(`${dir.path}/a.bin`, {
    mode: "w+",
    shape: [4],
    dtype: "u1",
  });
  savez(`${dir.path}/a.npz`, { a: array([1, 2]) });
  using npz = new NpzFile(`${dir.path}/a.npz`);
  const shm = new SharedMemory({ create: true, size: 16 });
  try {
    const instances: Record<string, unknown> = {
      NDArray: array([1, 2]),
      Memmap: mm,
      Mmap: map,
      NpzFile: npz,
      SharedMemory: shm,
      DType: dtype("float64"),
    };
    let checked = 0;
    for (const [className, cls, instance] of CLASSES) {
      const list = members(cls.prototype);
      assert.ok(list.length > 0, className);
      const receivers: Record<string, unknown> = {
        "{}": {},
        "null": null,
        "undefined": undefined,
        "a frozen object": Object.freeze({}),
        "a number": 7,
        "a function": () => {},
        "an object made from the prototype": Object.create(cls.prototype),
      };
      for (const [other, value] of Object.entries(instances)) {
        // (A Memmap is an NDArray.)
        if (
          other === className || (className === "NDArray" && other === "Memmap")
        ) continue;
        receivers[`${/^[AEIOU]/.test(other) ? "an" : "a"} ${other}`] = value;
      }
      for (const [name, verb, fn] of list) {
        for (const [receiver, value] of Object.entries(receivers)) {
          const what = `${className}.${name} (${verb}) on ${receiver}`;
          assert.throws(
            () => Reflect.apply(fn, value, [0, 0]),
            (e: Error) => {
              assert.ok(e instanceof TypeError, `${what}: ${e}`);
              assert.equal(
                e.message,
                `Cannot ${verb} ${className}.${name}: the receiver is not ${instance}`,
                what,
              );
              assert.doesNotMatch(
                e.message,
                /Receiver|private member|brand|of undefined|of null/,
              );
              return true;
            },
            what,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 1000, String(checked));
  } finally {
    shm.close();
    shm.unlink();
  }
});

Deno.test("the guarded members keep their names and lengths, and work on instances", () => {
  for (const [className, cls] of CLASSES) {
    for (const [name, verb, fn] of members(cls.prototype)) {
      const expected = verb === "call"
        ? name
        : `${verb === "read" ? "get" : "set"} ${name}`;
      assert.equal(fn.name, expected, `${className}.${name}`);
    }
  }
  assert.equal(NDArray.prototype.get.length, 0);
  const a = array([[1, 2], [3, 4]]);
  assert.equal(a.sum(), 10);
  assert.deepEqual(a.shape, [2, 2]);
  assert.deepEqual(NDArray.prototype.toArray.call(a), [[1, 2], [3, 4]]);
});

import assert from "node:assert/strict";
import {
  describe,
  MAX_DIMS,
  toBytes,
  toInt,
  toShape,
  toSize,
} from "../src/_args.ts";

Deno.test("toInt() takes safe integers and bigints in range, and nothing else", () => {
  assert.equal(toInt(5, "x", "n"), 5);
  assert.equal(toInt(-5, "x", "n"), -5);
  assert.equal(toInt(5n, "x", "n"), 5);
  assert.equal(toInt(Number.MAX_SAFE_INTEGER, "x", "n"), 2 ** 53 - 1);
  assert.ok(toInt(-0, "x", "n") === 0);
  const types = [
    NaN,
    1.5,
    "3",
    true,
    [3],
    {},
    null,
    undefined,
    Symbol(),
    () => 1,
  ];
  for (const v of types) assert.throws(() => toInt(v, "x", "n"), TypeError);
  const ranges = [
    2 ** 53,
    -(2 ** 53),
    2 ** 64,
    1e308,
    Infinity,
    -Infinity,
    2n ** 53n,
  ];
  for (const v of ranges) assert.throws(() => toInt(v, "x", "n"), RangeError);
  assert.throws(() => toSize(-1, "x", "n"), RangeError);
  assert.throws(() => toSize(-1n, "x", "n"), RangeError);
  assert.throws(() => toInt(256, "write", "byte", 0, 255), {
    name: "RangeError",
    message: "Cannot write with byte 256: byte must be within 0..255",
  });
  assert.throws(() => toInt(1.5, "seek", "pos"), {
    name: "TypeError",
    message: "Cannot seek with pos 1.5: pos must be an integer",
  });
});

Deno.test("describe() and toInt() run no code of the value", () => {
  let ran = 0;
  const hostile = {
    valueOf() {
      ran++;
      return 1;
    },
    toString() {
      ran++;
      return "1";
    },
    [Symbol.toPrimitive]() {
      ran++;
      return 1;
    },
  };
  assert.equal(describe(hostile), "an object");
  assert.throws(() => toInt(hostile, "x", "n"), TypeError);
  assert.throws(() => toShape(hostile, "x"), TypeError);
  assert.equal(describe(new Proxy([], {})), "an array");
  const { proxy, revoke } = Proxy.revocable([], {});
  revoke();
  assert.equal(describe(proxy), "an object");
  assert.equal(describe(new Float32Array(2)), "a Float32Array");
  assert.equal(describe("x".repeat(100)).length, 42);
  assert.equal(ran, 0);
});

Deno.test("toShape() limits dimensions to 64 and the span to 2**53 - 1 before reading elements", () => {
  assert.deepEqual(toShape(3, "x"), [3]);
  assert.deepEqual(toShape([2, 3n], "x"), [2, 3]);
  assert.deepEqual(toShape([], "x"), []);
  assert.deepEqual(toShape(new Array(MAX_DIMS).fill(1), "x").length, 64);
  let read = 0;
  const wide = new Proxy(new Array(65).fill(1), {
    get(target, key) {
      if (key !== "length") read++;
      return Reflect.get(target, key);
    },
  });
  assert.throws(() => toShape(wide, "x"), RangeError);
  assert.equal(read, 0);
  assert.throws(() => toShape({ length: 2e7 }, "x"), TypeError);
  assert.throws(() => toShape([2 ** 32, 2 ** 32 + 1], "x", 8), RangeError);
  assert.throws(() => toShape([-1], "x"), RangeError);
  assert.throws(() => toShape([1.5], "x"), TypeError);
  assert.throws(() => toShape(["3"], "x"), TypeError);
  assert.deepEqual(toShape([0, 2 ** 40, 2 ** 12], "x"), [0, 2 ** 40, 2 ** 12]);
});

Deno.test("toBytes() gives built-in views of a Uint8Array's memory and refuses other values", () => {
  const plain = new Uint8Array([1, 2, 3]);
  assert.equal(toBytes(plain, "x", "b"), plain);
  const lying = new Uint8Array([1, 2, 3]);
  Object.defineProperty(lying, "length", { get: () => 1 << 30 });
  const clean = toBytes(lying, "x", "b");
  assert.equal(clean.length, 3);
  assert.equal(clean.buffer, lying.buffer);
  const buffer = new ArrayBuffer(4);
  const detached = new Uint8Array(buffer);
  buffer.transfer();
  assert.equal(toBytes(detached, "x", "b").length, 0);
  assert.deepEqual([...toBytes("é", "x", "b")], [0xc3, 0xa9]);
  assert.throws(() => toBytes("é", "x", "b", false), TypeError);
  for (
    const v of [
      [1],
      new Uint16Array(1),
      new DataView(new ArrayBuffer(1)),
      null,
      3,
    ]
  ) {
    assert.throws(() => toBytes(v, "x", "b"), TypeError);
  }
});

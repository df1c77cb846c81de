import assert from "node:assert/strict";
import { crc32, crc32Portable } from "../../src/npy/crc32.ts";
import { rng } from "./_helpers.ts";

Deno.test("crc32() gives the standard check value", () => {
  const check = new TextEncoder().encode("123456789");
  assert.equal(crc32(check), 0xcbf43926);
  assert.equal(crc32Portable(check), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32Portable(new Uint8Array(32)), 0x190a55ad);
});

Deno.test("crc32() continues across chunks and agrees with the portable version", () => {
  const next = rng(7);
  const data = Uint8Array.from(
    { length: 100_003 },
    () => Math.floor(next() * 256),
  );
  const whole = crc32Portable(data);
  assert.equal(crc32(data), whole);
  for (const cut of [0, 1, 7, 8, 9, 4096, 99_999, 100_003]) {
    assert.equal(
      crc32(data.subarray(cut), crc32(data.subarray(0, cut))),
      whole,
    );
    assert.equal(
      crc32Portable(data.subarray(cut), crc32Portable(data.subarray(0, cut))),
      whole,
    );
  }
});

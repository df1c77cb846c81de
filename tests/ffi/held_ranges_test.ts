import assert from "node:assert/strict";
import { HeldRanges } from "../../src/ffi/held_ranges.ts";

/** A ledger with small limits whose unmap calls are recorded. */
function ledger(maxRanges: number, maxBytes: number) {
  const unmapped: [bigint, number][] = [];
  const ranges = new HeldRanges(
    (address, length) => unmapped.push([address, length]),
    maxRanges,
    maxBytes,
  );
  return { ranges, unmapped };
}

Deno.test("held ranges are given back oldest first past the count limit", () => {
  const { ranges, unmapped } = ledger(3, 1e9);
  for (let i = 1; i <= 5; i++) ranges.hold(BigInt(i * 4096), 4096);
  assert.deepEqual(unmapped, [[4096n, 4096], [8192n, 4096]]);
  assert.equal(ranges.count, 3);
  assert.equal(ranges.bytes, 3 * 4096);
});

Deno.test("held ranges are given back oldest first past the byte limit, never the newest", () => {
  const { ranges, unmapped } = ledger(100, 10_000);
  ranges.hold(1n, 4096);
  ranges.hold(2n, 4096);
  assert.deepEqual(unmapped, []);
  ranges.hold(3n, 4096); // 12288 > 10000: the oldest goes
  assert.deepEqual(unmapped, [[1n, 4096]]);
  ranges.hold(4n, 1 << 20); // alone past the limit: all older ones go, it stays
  assert.deepEqual(unmapped, [[1n, 4096], [2n, 4096], [3n, 4096]]);
  assert.equal(ranges.count, 1);
  assert.equal(ranges.bytes, 1 << 20);
});

Deno.test("held ranges survive a failing unmap and stay in order over many holds", () => {
  const seen: bigint[] = [];
  const ranges = new HeldRanges(
    (address) => {
      seen.push(address);
      if (address % 7n === 0n) throw new Error("EINVAL");
    },
    10,
    1e12,
  );
  for (let i = 0; i < 1000; i++) ranges.hold(BigInt(i), 1);
  assert.equal(ranges.count, 10);
  assert.deepEqual(seen, Array.from({ length: 990 }, (_, i) => BigInt(i)));
});

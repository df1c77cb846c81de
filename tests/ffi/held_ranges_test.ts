import assert from "node:assert/strict";
import {
  HARD_FACTOR,
  HELD_SECONDS,
  HeldRanges,
} from "../../src/ffi/held_ranges.ts";

/** A ledger with small limits, a clock the test moves, and recorded unmaps. */
function ledger(maxRanges: number, maxBytes: number) {
  const unmapped: [bigint, number][] = [];
  const clock = { now: 0 };
  const ranges = new HeldRanges(
    (address, length) => unmapped.push([address, length]),
    maxRanges,
    maxBytes,
    () => clock.now,
  );
  return { ranges, unmapped, clock };
}

const OLD = HELD_SECONDS * 1000;

Deno.test("held ranges are given back oldest first past the count limit once old enough", () => {
  const { ranges, unmapped, clock } = ledger(3, 1e9);
  for (let i = 1; i <= 5; i++) ranges.hold(BigInt(i * 4096), 4096);
  assert.deepEqual(
    unmapped,
    [],
    "young ranges stay (an operation may read them)",
  );
  clock.now += OLD;
  ranges.hold(6n * 4096n, 4096);
  assert.deepEqual(unmapped, [[4096n, 4096], [8192n, 4096], [12288n, 4096]]);
  assert.equal(ranges.count, 3);
  assert.equal(ranges.bytes, 3 * 4096);
});

Deno.test("held ranges go whatever their age past HARD_FACTOR times the count or 1.5 times the bytes", () => {
  const { ranges, unmapped } = ledger(2, 1e9);
  const cap = 2 * HARD_FACTOR;
  for (let i = 0; i < cap + 8; i++) ranges.hold(BigInt(i), 1);
  assert.equal(ranges.count, cap);
  assert.deepEqual(
    unmapped.map(([a]) => a),
    Array.from({ length: 8 }, (_, i) => BigInt(i)),
  );
  const bytes = ledger(100, 10_000);
  bytes.ranges.hold(1n, 8000);
  bytes.ranges.hold(2n, 8000); // 16000 > 1.5 * 10000: the oldest goes
  assert.deepEqual(bytes.unmapped, [[1n, 8000]]);
  bytes.ranges.hold(3n, 1 << 20); // alone past the limit: older ones go, it stays
  assert.deepEqual(bytes.unmapped, [[1n, 8000], [2n, 8000]]);
  assert.equal(bytes.ranges.count, 1);
});

Deno.test("held ranges survive a failing unmap and stay in order over many holds", () => {
  const seen: bigint[] = [];
  let now = 0;
  const ranges = new HeldRanges(
    (address) => {
      seen.push(address);
      if (address % 7n === 0n) throw new Error("EINVAL");
    },
    10,
    1e12,
    () => now,
  );
  for (let i = 0; i < 1000; i++) {
    now += OLD;
    ranges.hold(BigInt(i), 1);
  }
  assert.equal(ranges.count, 10);
  assert.deepEqual(seen, Array.from({ length: 990 }, (_, i) => BigInt(i)));
});

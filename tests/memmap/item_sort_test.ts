import assert from "node:assert/strict";
import { array, memmap } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

const NAT = -(2n ** 63n);

/** Counts at the edges of the 32-bit words, NaT and its neighbours, and a spread of others. */
function counts(n: number, seed: number): bigint[] {
  const edges = [
    NAT,
    NAT + 1n,
    2n ** 63n - 1n,
    0n,
    -1n,
    1n,
    2n ** 32n,
    2n ** 32n - 1n,
    -(2n ** 32n),
    -(2n ** 32n) - 1n,
  ];
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    if (a % 3 === 0) return edges[(a >>> 8) % edges.length];
    return BigInt.asIntN(64, BigInt(a) * 0x9e3779b97f4a7c15n) >> BigInt(a % 40);
  });
}

/** NumPy's stable order of datetime counts: NaT last, equal counts in their order. */
function oracle(values: bigint[]): number[] {
  const key = (v: bigint) => v === NAT ? 2n ** 64n : v;
  return values.map((_, i) => i).sort((i, j) => {
    const x = key(values[i]), y = key(values[j]);
    return x < y ? -1 : x > y ? 1 : i - j;
  });
}

/**
 * Checks sort() and argsort() of `rows` (two lanes of values) of type `dt`
 * against `order`, the stable order NumPy gives: along either axis,
 * flattened, and in place on a memmap (which, read-only, refuses to sort).
 */
function checkSorting<T>(
  dir: string,
  dt: string,
  rows: T[][],
  order: (values: T[]) => number[],
): void {
  const a = array(rows as never, { dtype: dt });
  const orders = rows.map(order);
  const sorted = rows.map((r, k) => orders[k].map((i) => r[i]));
  const what = `${dt}, ${rows[0].length} a lane`;
  assert.deepEqual(
    a.argsort().toArray(),
    orders.map((o) => o.map(BigInt)),
    `${what}: argsort`,
  );
  assert.deepEqual(a.copy().sort().toArray(), sorted, `${what}: sort`);
  // Along axis 0: the lanes are the columns of the transpose.
  assert.deepEqual(
    a.T.copy().sort(0).T.toArray(),
    sorted,
    `${what}: sort(0) of the transpose`,
  );
  assert.deepEqual(
    [...(a.argsort(null).toTypedArray() as BigInt64Array)].map(Number),
    order([...rows[0], ...rows[1]]),
    `${what}: argsort(null)`,
  );
  const path = `${dir}/s.bin`;
  const shape = [2, rows[0].length];
  {
    using m = memmap(path, { dtype: dt, mode: "w+", shape });
    m.assign(a);
    m.sort();
  }
  using m = memmap(path, { dtype: dt, mode: "r", shape });
  assert.deepEqual(m.toArray(), sorted, `${what}: sorted memmap`);
  assert.throws(() => m.sort(), TypeError); // read-only
}

Deno.test("sort() and argsort() of datetimes and timedeltas put NaT last, stable, short and long lanes, both byte orders, in memory and mapped", () => {
  using dir = tempDir();
  for (const dt of ["M8[ns]", ">M8[s]", "m8[D]", ">m8[us]"]) {
    for (const n of [1, 2, 7, 24, 25, 300, 4099]) {
      checkSorting(dir.path, dt, [counts(n, n), counts(n, 7 * n + 1)], oracle);
    }
  }
});

Deno.test("sort() of datetimes gives NumPy's order (NaT last; checked with NumPy 2.4)", () => {
  const a = array(["2024-01-02", "NaT", "1969-12-31", "NaT", "2024-01-01"], {
    dtype: "M8[D]",
  });
  // np.argsort(a, kind="stable") and np.sort(a)
  assert.deepEqual(a.argsort().toArray(), [2n, 4n, 0n, 1n, 3n]);
  assert.deepEqual(a.sort().toArray(), [-1n, 19723n, 19724n, NAT, NAT]);
});

/** Code points (text) or bytes of an element, as NumPy compares them (NUL-padded). */
function unitsOf(v: string | Uint8Array): number[] {
  return typeof v === "string" ? [...v].map((c) => c.codePointAt(0)!) : [...v];
}

/** NumPy's stable order of bytes or text: by code units, NUL-padded. */
function textOracle(values: (string | Uint8Array)[]): number[] {
  const units = values.map(unitsOf);
  return values.map((_, i) => i).sort((i, j) => {
    const x = units[i], y = units[j];
    for (let k = 0; k < Math.max(x.length, y.length); k++) {
      const p = x[k] ?? 0, q = y[k] ?? 0;
      if (p !== q) return p - q;
    }
    return i - j;
  });
}

/** `n` short values from a small alphabet (many ties, interior NULs, beyond the BMP). */
function texts(
  n: number,
  seed: number,
  bytes: boolean,
): (string | Uint8Array)[] {
  const alphabet = bytes ? [0, 1, 97, 98, 255] : [0, 97, 98, 0xffff, 0x1f600];
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    const units = Array.from(
      { length: a % 4 },
      (_, k) => alphabet[(a >>> (4 + 3 * k)) % alphabet.length],
    );
    while (units.length > 0 && units[units.length - 1] === 0) units.pop();
    return bytes ? new Uint8Array(units) : String.fromCodePoint(...units);
  });
}

Deno.test("sort() and argsort() of bytes and text order by code units, NUL-padded, stable, as NumPy's; along either axis, flattened, in memory and mapped", () => {
  using dir = tempDir();
  for (const dt of ["U3", ">U3", "S3"]) {
    for (const n of [1, 2, 24, 25, 300]) {
      const rows = [0, 1].map((k) => texts(n, 3 * n + k, dt[0] === "S"));
      checkSorting(dir.path, dt, rows, textOracle);
    }
  }
});

Deno.test("sort() of text gives NumPy's order (checked with NumPy 2.4)", () => {
  const s = array(["b", "", "ab", "a\0b", "\uffff", "😀", "a"], {
    dtype: "U3",
  });
  // np.argsort(s, kind="stable")
  assert.deepEqual(s.argsort().toArray(), [1n, 6n, 3n, 2n, 0n, 4n, 5n]);
  const records = array([{ a: 1 }], { dtype: [["a", "<i4"]] });
  assert.throws(() => records.sort(), TypeError);
  assert.throws(() => records.argsort(), TypeError);
});

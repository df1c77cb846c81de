import assert from "node:assert/strict";
import { frombuffer, memmap, type NDArray } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

/** What NumPy's `tolist()` gives for one element's code points. */
function expectedText(cps: ArrayLike<number>): string {
  let end = cps.length;
  while (end > 0 && cps[end - 1] === 0) end--;
  let s = "";
  for (let i = 0; i < end; i++) {
    const cp = cps[i];
    s += cp < 0x10000
      ? String.fromCharCode(cp)
      : cp <= 0x10ffff
      ? String.fromCodePoint(cp)
      : "\ufffd";
  }
  return s;
}

/** `count` elements of `n` code points, a deterministic mix drawn from `pool`. */
function codePoints(count: number, n: number, pool: number[]): Uint32Array {
  const out = new Uint32Array(count * n);
  let a = 12345;
  for (let k = 0; k < count; k++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    const length = a % (n + 1); // 0..n code points, the rest NUL
    for (let c = 0; c < length; c++) {
      a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
      out[k * n + c] = pool[a % pool.length];
    }
  }
  return out;
}

const ASCII = [0x20, 0x41, 0x61, 0x7a, 0x7f, 0]; // interior NULs too
const LATIN1 = [...ASCII, 0x80, 0xe9, 0xff];
const BMP = [...LATIN1, 0x100, 0x3b1, 0x4e2d, 0xd7ff];
const WIDE = [
  ...BMP,
  0xd800,
  0xdc00,
  0xfeff,
  0xffff,
  0x1f600,
  0x10ffff,
  0x110000,
];

/** Chunks of 2**18 code points: runs longer than one, and runs with one odd code point late. */
const cases: { name: string; n: number; cps: Uint32Array }[] = [
  { name: "ASCII", n: 10, cps: codePoints(70_000, 10, ASCII) },
  { name: "Latin-1", n: 10, cps: codePoints(30_000, 10, LATIN1) },
  { name: "BMP below the surrogates", n: 7, cps: codePoints(50_000, 7, BMP) },
  {
    name: "surrogates, BOM, astral, past U+10FFFF",
    n: 5,
    cps: codePoints(20_000, 5, WIDE),
  },
  {
    name: "ASCII with one emoji in the last chunk",
    n: 4,
    cps: (() => {
      const c = codePoints(100_000, 4, ASCII);
      c[4 * 99_000] = 0x1f600;
      return c;
    })(),
  },
  {
    name: "a BOM first, else ASCII",
    n: 3,
    cps: (() => {
      const c = codePoints(10, 3, ASCII);
      c[0] = 0xfeff;
      return c;
    })(),
  },
  {
    name: "elements longer than a chunk",
    n: 300_000,
    cps: Uint32Array.from(
      { length: 600_000 },
      (_, i) =>
        i === 123
          ? 0xe9
          : i < 299_990 || (i >= 300_000 && i < 599_000)
          ? 0x61
          : 0,
    ),
  },
  { name: "all NUL", n: 6, cps: new Uint32Array(6 * 1000) },
];

/** Each element's expected value, for the view `a` of the elements in `cps` (`pick` maps view index to element). */
function check(
  label: string,
  a: NDArray,
  cps: Uint32Array,
  n: number,
  pick: (i: number) => number,
): void {
  const got = a.toArray() as string[];
  assert.equal(got.length, a.size, label);
  for (let i = 0; i < got.length; i++) {
    const k = pick(i);
    const want = expectedText(cps.subarray(k * n, (k + 1) * n));
    if (got[i] !== want) {
      assert.fail(
        `${label}: element ${i}: ${JSON.stringify(got[i])}, expected ${
          JSON.stringify(want)
        }`,
      );
    }
  }
  if (a.size > 0) assert.equal(a.get(a.size - 1), got[got.length - 1], label);
}

function swapped(cps: Uint32Array): Uint8Array {
  const out = new Uint8Array(cps.length * 4);
  const dv = new DataView(out.buffer);
  cps.forEach((cp, i) => dv.setUint32(4 * i, cp, false));
  return out;
}

Deno.test("toArray() of text gives every element's code points without trailing NULs, contiguous or strided, either byte order, aligned or not, in memory and mapped", () => {
  using dir = tempDir();
  for (const { name, n, cps } of cases) {
    const count = cps.length / n;
    const le = frombuffer(cps, { dtype: `<U${n}` });
    check(`${name}: contiguous`, le, cps, n, (i) => i);
    check(`${name}: every other`, le.slice("::2"), cps, n, (i) => 2 * i);
    check(`${name}: reversed`, le.slice("::-1"), cps, n, (i) => count - 1 - i);
    check(`${name}: from the third`, le.slice("2:"), cps, n, (i) => i + 2);
    const be = frombuffer(swapped(cps), { dtype: `>U${n}` });
    check(`${name}: big-endian`, be, cps, n, (i) => i);
    const file = `${dir.path}/u.bin`;
    const bytes = new Uint8Array(1 + cps.byteLength);
    bytes.set(new Uint8Array(cps.buffer), 1);
    Deno.writeFileSync(file, bytes);
    {
      using m = memmap(file, { dtype: `<U${n}`, mode: "r", offset: 1 });
      check(`${name}: mapped at an odd offset`, m, cps, n, (i) => i);
    }
    {
      Deno.writeFileSync(file, new Uint8Array(cps.buffer));
      using m = memmap(file, { dtype: `<U${n}`, mode: "r" });
      check(`${name}: mapped`, m, cps, n, (i) => i);
    }
  }
});

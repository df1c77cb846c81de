import assert from "node:assert/strict";
import { array, Memmap, memmap, NDArray, zeros } from "../../mod.ts";
import {
  type ArraySpec,
  attempt,
  check,
  cleanup,
  differentialTests,
  type Encoded,
  makeArray,
  Random,
  randomSpec,
} from "./_vocab.ts";
import { tempDir } from "./_numpy.ts";

type Case =
  | { op: "squeeze"; a: ArraySpec; kw: { axis?: number | number[] } }
  | { op: "expand_dims"; a: ArraySpec; kw: { axis: number | number[] } }
  | { op: "swapaxes"; a: ArraySpec; args: [number, number] }
  | { op: "ravel" | "flatten"; a: ArraySpec };

function cases(seed: number, count: number): Case[] {
  const r = new Random(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const shape = Array.from(
      { length: r.int(5) },
      () => r.pick([0, 1, 1, 2, 3]),
    );
    const a = () => randomSpec(r, undefined, shape.slice());
    const nd = shape.length;
    const axis = () => r.int(2 * nd + 3) - nd - 1;
    out.push({
      op: "squeeze",
      a: a(),
      kw: r.next() < 0.3
        ? {}
        : r.next() < 0.5
        ? { axis: axis() }
        : { axis: [axis(), axis()] },
    });
    out.push({
      op: "expand_dims",
      a: a(),
      kw: { axis: r.next() < 0.7 ? axis() : [axis(), axis() + 1] },
    });
    out.push({ op: "swapaxes", a: a(), args: [axis(), axis()] });
    out.push({ op: r.pick(["ravel", "flatten"] as const), a: a() });
  }
  return out;
}

function run(c: Case): Encoded {
  return attempt(() => {
    const a = makeArray(c.a);
    switch (c.op) {
      case "squeeze":
        return a.squeeze(c.kw.axis);
      case "expand_dims":
        return a.expandDims(c.kw.axis);
      case "swapaxes":
        return a.swapaxes(...c.args);
      case "ravel":
        return a.ravel();
      case "flatten":
        return a.flatten();
    }
  });
}

/** NumPy's errors for repeated axes are ValueErrors; ours are TypeErrors (a malformed argument). */
function compare(list: Case[], results: Encoded[]): void {
  list.forEach((c, i) => {
    const want = results[i];
    const repeated = "error" in want &&
      /repeated|duplicate/.test(want.message ?? "");
    check(`${c.op} ${JSON.stringify(c).slice(0, 160)}`, run(c), want, {
      errors: repeated ? { ValueError: "TypeError" } : undefined,
    });
  });
  cleanup();
}

differentialTests(
  "axes",
  "squeeze/expandDims/swapaxes/ravel/flatten give NumPy's shapes and elements",
  "",
  cases,
  compare,
  { fixture: 40, live: 80 },
);

Deno.test("ravel() is a view of a C-contiguous array and a copy otherwise; flatten() always copies", () => {
  const a = array([[1, 2, 3], [4, 5, 6]]);
  a.ravel().set(0, 9);
  assert.equal(a.get(0, 0), 9);
  a.slice(":", "::-1").ravel().set(0, 7); // not one stride: a copy
  assert.equal(a.get(0, 2), 3);
  a.slice(0, "::2").ravel().set(1, 8); // 1-D strided: a copy, as NumPy
  assert.equal(a.get(0, 2), 3);
  a.flatten().set(0, 0);
  assert.equal(a.get(0, 0), 9);
});

Deno.test("views of a memmap made by squeeze/expandDims/swapaxes/ravel are memmaps of the same file", () => {
  using tmp = tempDir();
  using fp = memmap(`${tmp.dir}/a.bin`, {
    mode: "w+",
    dtype: "float32",
    shape: [1, 2, 3],
  });
  const views = [fp.squeeze(), fp.expandDims(0), fp.swapaxes(1, 2), fp.ravel()];
  for (const v of views) assert.ok(v instanceof Memmap);
  fp.squeeze().swapaxes(0, 1).set(2, 1, 5);
  assert.equal(fp.get(0, 1, 2), 5);
  assert.ok(!(fp.flatten() instanceof Memmap));
  assert.ok(fp.flatten() instanceof NDArray);
});

Deno.test("shape helpers check their arguments before the state of the array", () => {
  using tmp = tempDir();
  const fp = memmap(`${tmp.dir}/a.bin`, { mode: "w+", shape: [1, 2] });
  fp.close();
  assert.throws(() => fp.squeeze(5), RangeError);
  assert.throws(() => fp.squeeze("0" as unknown as number), TypeError);
  assert.throws(() => fp.expandDims(0.5), TypeError);
  assert.throws(() => fp.swapaxes(0, 2), RangeError);
  assert.throws(() => fp.squeeze(), Deno.errors.BadResource);
  assert.throws(() => fp.swapaxes(0, 1), Deno.errors.BadResource);
  assert.throws(() => zeros([2, 1]).squeeze(0), RangeError);
  assert.throws(() => zeros([2, 1]).squeeze([1, -1]), TypeError);
  assert.throws(() => zeros(new Array(64).fill(1)).expandDims(0), RangeError);
});

Deno.test("ravel() is a view exactly when the array is C-contiguous, as NumPy's", () => {
  // attack8 F6: a strided 1-D view came back as a view (reshape's rule).
  const base = () => array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  const cases: [string, (a: NDArray) => NDArray, boolean][] = [
    ["whole", (a) => a, true],
    ["rows 1:", (a) => a.slice("1:"), true],
    ["one row", (a) => a.slice(1), true],
    ["columns :2", (a) => a.slice(":", ":2"), false],
    ["transposed", (a) => a.T, false],
    ["every other of a row", (a) => a.slice(1).slice("::2"), false],
    ["reversed row", (a) => a.slice(0).slice("::-1"), false],
  ];
  for (const [name, view, shares] of cases) {
    const a = base();
    const v = view(a);
    const expected = v.toArray().flat(2);
    const r = v.ravel();
    assert.deepEqual(r.toArray(), expected, name);
    r.set(0, -1);
    assert.equal(
      (a.toArray() as number[][]).flat().includes(-1),
      shares,
      `${name}: shares memory`,
    );
  }
});

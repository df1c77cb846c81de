import assert from "node:assert/strict";
import { arange, type NDArray, ones, where, zeros } from "../../../mod.ts";
import { HAS_NUMPY, python } from "../../test_util.ts";

/**
 * Element-wise results are laid out as NumPy lays out a ufunc's new output
 * (order "K"): the inputs' memory order, positive strides; `out=` keeps its
 * own. Each row: our call, the same in Python (`a` is arange(24.) of shape
 * (2, 3, 4), `f` its float32 copy, `m` ones((5, 6)).T), and NumPy 2.4's
 * strides of the result (the committed fixture; the live test asks NumPy
 * again and compares the values too).
 */
const a = () => arange(24).astype("float64").reshape(2, 3, 4);
const f = () => arange(24).astype("float32").reshape(2, 3, 4);
const m = () => ones([5, 6]).T;

const ROWS: [string, () => NDArray, string, number[]][] = [
  ["exp of a transposed 3-D array", () => a().T.exp(), "np.exp(a.T)", [
    8,
    32,
    96,
  ]],
  ["float32 exp of a transposed array", () => f().T.exp(), "np.exp(f.T)", [
    4,
    16,
    48,
  ]],
  [
    "exp of a view reversed along the first axis",
    () => a().slice("::-1").exp(),
    "np.exp(a[::-1])",
    [96, 32, 8],
  ],
  [
    "exp of a view reversed and strided",
    () => a().slice(":", "::-1", "::-2").exp(),
    "np.exp(a[:, ::-1, ::-2])",
    [48, 16, 8],
  ],
  [
    "exp of a reversed transposed view",
    () => a().slice("::-1").T.exp(),
    "np.exp(a[::-1].T)",
    [8, 32, 96],
  ],
  [
    "exp of a permuted 3-D view (1, 0, 2)",
    () => a().transpose(1, 0, 2).exp(),
    "np.exp(a.transpose(1, 0, 2))",
    [32, 96, 8],
  ],
  [
    "exp of a permuted 3-D view (2, 0, 1)",
    () => a().transpose(2, 0, 1).exp(),
    "np.exp(a.transpose(2, 0, 1))",
    [8, 96, 32],
  ],
  [
    "exp of a strided transposed view",
    () => a().T.slice("::2").exp(),
    "np.exp(a.T[::2])",
    [8, 16, 48],
  ],
  [
    "exp of a 1-D reversed view",
    () => ones([5]).slice("::-1").exp(),
    "np.exp(np.ones(5)[::-1])",
    [8],
  ],
  [
    "add of two transposed arrays",
    () => a().T.add(a().T),
    "np.add(a.T, a.T)",
    [8, 32, 96],
  ],
  [
    "add of a transposed and a C-order array",
    () => a().T.add(ones([4, 3, 2])),
    "np.add(a.T, np.ones((4, 3, 2)))",
    [48, 16, 8],
  ],
  [
    "add of a permuted and a C-order array",
    () => a().transpose(1, 2, 0).add(ones([3, 4, 2])),
    "np.add(a.transpose(1, 2, 0), np.ones((3, 4, 2)))",
    [64, 16, 8],
  ],
  [
    "add of two differently permuted arrays",
    () =>
      a().transpose(0, 2, 1).add(
        a().transpose(2, 0, 1).copy().transpose(1, 0, 2),
      ),
    "np.add(a.transpose(0, 2, 1), a.transpose(2, 0, 1).copy().transpose(1, 0, 2))",
    [96, 24, 8],
  ],
  [
    "multiply of a transposed array by a scalar",
    () => a().T.mul(0.5),
    "np.multiply(a.T, 0.5)",
    [8, 32, 96],
  ],
  [
    "add of a transposed array and a broadcast row",
    () => a().T.add(ones([2])),
    "np.add(a.T, np.ones(2))",
    [8, 32, 96],
  ],
  [
    "add of a transposed array and a broadcast column",
    () => a().T.add(ones([4, 1, 1])),
    "np.add(a.T, np.ones((4, 1, 1)))",
    [8, 32, 96],
  ],
  [
    "add of a transposed matrix and a broadcast column",
    () => m().add(ones([6, 1])),
    "np.add(m, np.ones((6, 1)))",
    [8, 48],
  ],
  [
    "add of a broadcast column and row",
    () => ones([3, 1]).add(ones([1, 4])),
    "np.add(np.ones((3, 1)), np.ones((1, 4)))",
    [32, 8],
  ],
  [
    "exp of a strided view with a length-1 axis",
    () => ones([1, 3, 4]).slice(":", ":", "::2").transpose(2, 1, 0).exp(),
    "np.exp(np.ones((1, 3, 4))[:, :, ::2].transpose(2, 1, 0))",
    [8, 16, 8],
  ],
  [
    "exp of a view with a length-1 axis in the middle",
    () => ones([3, 1, 4]).slice(":", ":", "::2").transpose(2, 1, 0).exp(),
    "np.exp(np.ones((3, 1, 4))[:, :, ::2].transpose(2, 1, 0))",
    [8, 48, 16],
  ],
  [
    "exp of an F-contiguous view with a length-1 axis",
    () => ones([4, 3]).T.expandDims(1).exp(),
    "np.exp(np.ones((4, 3)).T[:, None, :])",
    [8, 24, 24],
  ],
  [
    "exp of a C-contiguous view with length-1 axes in any order",
    () => ones([1, 3, 1]).transpose(2, 1, 0).exp(),
    "np.exp(np.ones((1, 3, 1)).transpose(2, 1, 0))",
    [24, 8, 8],
  ],
  ["greater of a transposed array", () => a().T.gt(3), "a.T > 3", [1, 4, 12]],
  [
    "where over transposed arrays",
    () => where(a().T.gt(3), a().T, 0),
    "np.where(a.T > 3, a.T, 0)",
    [8, 32, 96],
  ],
  [
    "round of a transposed array",
    () => a().T.round(1),
    "np.round(a.T, 1)",
    [8, 32, 96],
  ],
  [
    "clip of a transposed array",
    () => a().T.clip(1, 3),
    "np.clip(a.T, 1, 3)",
    [8, 32, 96],
  ],
  [
    "exp of a transposed array into a C-order out",
    () => a().T.exp({ out: zeros([4, 3, 2]) }),
    "np.exp(a.T, out=np.zeros((4, 3, 2)))",
    [48, 16, 8],
  ],
  [
    "exp of a C-order array into a transposed out",
    () => a().exp({ out: zeros([4, 3, 2]).T }),
    "np.exp(a, out=np.zeros((4, 3, 2)).T)",
    [8, 16, 48],
  ],
];

/** The values of an array in C order, flat. */
function flat(x: NDArray): number[] {
  return (x.copy().reshape(x.size).toArray() as (number | boolean)[]).map(
    Number,
  );
}

Deno.test("element-wise results are laid out in NumPy's K order (committed NumPy strides)", () => {
  for (const [what, ours, , strides] of ROWS) {
    const r = ours();
    assert.deepEqual(r.strides, strides, what);
    assert.ok(r.strides.every((s) => s > 0), what);
  }
});

Deno.test({
  name:
    "element-wise results have NumPy's strides and values (live NumPy: transposed, reversed, permuted, broadcast, out=)",
  ignore: !HAS_NUMPY,
  fn() {
    const script = [
      "import json, numpy as np",
      "a = np.arange(24.).reshape(2, 3, 4)",
      "f = a.astype(np.float32)",
      "m = np.ones((5, 6)).T",
      "rows = []",
      ...ROWS.map(([, , py]) =>
        `r = ${py}; rows.append([list(r.strides), [float(v) for v in r.ravel().tolist()]])`
      ),
      "print(json.dumps(rows))",
    ].join("\n");
    const live = JSON.parse(python(script)) as [number[], number[]][];
    ROWS.forEach(([what, ours, , fixture], k) => {
      const [strides, values] = live[k];
      assert.deepEqual(strides, fixture, `${what}: the fixture is NumPy's`);
      const r = ours();
      assert.deepEqual(r.strides, strides, what);
      const got = flat(r);
      assert.equal(got.length, values.length, what);
      got.forEach((v, i) => {
        const want = values[i];
        // exp may differ from NumPy's by the two loops' error bounds.
        const tol = (r.dtype.name === "float32" ? 4e-7 : 5e-16) *
          Math.abs(want);
        assert.ok(Math.abs(v - want) <= tol, `${what} [${i}]: ${v} vs ${want}`);
      });
    });
  },
});

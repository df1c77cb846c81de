import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { load, type Memmap, NDArray, zeros } from "../../mod.ts";
import { CAN_SPAWN_DENO, headerOnlyNpy } from "../test_util.ts";

// Strings of no characters (`|S0`, `<U0`) are all equal and all false: the
// searches and truth reductions over them answer at once, whatever their
// number, as sort leaves them as they are (attack12 B4: argmax/argmin of
// 2**50 of them walked every element; any/all/nonzero asked for a 2**50
// byte truth array).

const N = 2 ** 50;

/** Arrays of 2**50 empty strings: files, maps and in-memory. */
function huge(dir: string): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const descr of ["|S0", "<U0"]) {
    const path = `${dir}/${descr.slice(1)}.npy`;
    Deno.writeFileSync(path, headerOnlyNpy(`'${descr}'`, `(${N},)`));
    out[`${descr} load`] = load(path) as NDArray;
    out[`${descr} mapped`] = load(path, { mmapMode: "r" }) as Memmap;
    out[`${descr} zeros`] = zeros([N], { dtype: descr.slice(1) as "S0" });
  }
  return out;
}

/** The int64 values of an array. */
function values(a: unknown): number[] {
  assert.ok(a instanceof NDArray);
  return Array.from(a.toTypedArray() as unknown as BigInt64Array, Number);
}

// Results checked against NumPy 2.4: np.zeros(n, "S0").argmax() == 0,
// .any() and .all() False, nonzero() empty; along an axis of length 0,
// all() is True.
const OPS: Record<string, (a: NDArray) => unknown> = {
  "argmax()": (a) => a.argmax(),
  "argmin()": (a) => a.argmin(),
  "argmax(0)": (a) => values(a.argmax(0)),
  "argmax(1) of (2**25, 2**25)": (a) =>
    values(a.reshape(2 ** 25, -1).argmax(1)).length,
  "argmin(0, keepdims) of (2**48, 4)": (a) =>
    values(a.reshape(-1, 4).argmin(0, { keepdims: true })),
  "argmax(1) of (4, 2**48)": (a) => values(a.reshape(4, -1).argmax(1)),
  "reversed argmin()": (a) => a.slice("::-1").argmin(),
  "any()": (a) => a.any(),
  "all()": (a) => a.all(),
  "any(1) of (4, 2**48)": (a) =>
    Array.from(a.reshape(4, -1).any(1).toArray() as boolean[]),
  "all(0) of (2**48, 4)": (a) =>
    Array.from(a.reshape(-1, 4).all(0).toArray() as boolean[]),
  "all(1) of (4, 2**48, 0)": (a) =>
    Array.from(
      a.slice(":0").reshape(4, 2 ** 48, 0).all(1).toArray() as boolean[][],
    ),
  "nonzero()": (a) => a.nonzero().map((i) => i.shape[0]),
  "nonzero() of (2**25, 2**25)": (a) =>
    a.reshape(2 ** 25, -1).nonzero().map((i) => i.shape[0]),
};

const EXPECTED: Record<string, unknown> = {
  "argmax()": 0,
  "argmin()": 0,
  "argmax(0)": [0],
  "argmax(1) of (2**25, 2**25)": 2 ** 25,
  "argmin(0, keepdims) of (2**48, 4)": [0, 0, 0, 0],
  "argmax(1) of (4, 2**48)": [0, 0, 0, 0],
  "reversed argmin()": 0,
  "any()": false,
  "all()": false,
  "any(1) of (4, 2**48)": [false, false, false, false],
  "all(0) of (2**48, 4)": [false, false, false, false],
  "all(1) of (4, 2**48, 0)": [[], [], [], []],
  "nonzero()": [0],
  "nonzero() of (2**25, 2**25)": [0, 0],
};

Deno.test("searches and truths of 2**50 empty strings answer at once, as NumPy's values", async () => {
  // Run in a child: the walk this guards against never ends (a failure is
  // the child not finishing within minutes, or a wrong value).
  if (CAN_SPAWN_DENO && Deno.env.get("ZERO_WIDTH_CHILD") !== "1") {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", fileURLToPath(import.meta.url)],
      env: { ZERO_WIDTH_CHILD: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(300_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    assert.ok(out.success, text);
    return;
  }
  const dir = Deno.makeTempDirSync();
  const arrays = huge(dir);
  try {
    for (const [name, a] of Object.entries(arrays)) {
      for (const [op, run] of Object.entries(OPS)) {
        assert.deepEqual(run(a), EXPECTED[op], `${name} ${op}`);
      }
    }
  } finally {
    // Maps are closed before their files are removed (Windows refuses
    // that while a map is open).
    for (const a of Object.values(arrays)) {
      if ("close" in a) (a as Memmap).close();
    }
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("truths of small arrays of empty strings are NumPy's", () => {
  // np.zeros((3, 0, 2), "S0"): any(1) all False, all(1) all True.
  for (const t of ["S0", "U0"] as const) {
    const a = zeros([3, 0, 2], { dtype: t });
    assert.deepEqual(a.any(1).toArray(), [[false, false], [false, false], [
      false,
      false,
    ]]);
    assert.deepEqual(a.all(1).toArray(), [[true, true], [true, true], [
      true,
      true,
    ]]);
    assert.deepEqual(a.any(2).shape, [3, 0]);
    assert.deepEqual(a.all(0).shape, [0, 2]);
    assert.equal(zeros([0], { dtype: t }).all(), true);
    assert.equal(zeros([0], { dtype: t }).any(), false);
    assert.throws(() => zeros([0], { dtype: t }).argmax(), RangeError);
    assert.throws(() => zeros([2, 0], { dtype: t }).argmin(1), RangeError);
    assert.deepEqual(values(zeros([0, 3], { dtype: t }).argmin(1)), []);
  }
});

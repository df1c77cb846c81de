/**
 * Arrays whose elements hold no bytes (`V0`, `S0`, `U0`, records of no
 * bytes) may have any number of elements: a `.npy` of 128 bytes loads as a
 * `V0` array of 2**50 elements, as NumPy loads it. Every operation that
 * walks such an array (copies, assignment, fills, joins, indexing writes,
 * flattening, conversions, saves) returns at once or throws the library's
 * error: a walk that only moves bytes has nothing to do where no operand
 * holds any (`WalkOptions.bytesOnly`), however many elements there are
 * (attack11 A5: `copy()`, `concatenate` and the like looped 2**50 times).
 * Run in a child with a time limit, so that a hang fails the test.
 */
import assert from "node:assert/strict";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  headerOnlyNpy,
  tempDir,
} from "../test_util.ts";

const CHILD = `
  import * as L from "MOD";
  import { isContractError } from "HOSTILE";
  const dir = DIR;
  const n = 2 ** 50;
  const victims = {
    "V0 loaded from a 128-byte .npy": () => L.load(dir + "/v0.npy"),
    "V0 mapped (load mmapMode r)": () => L.load(dir + "/v0.npy", { mmapMode: "r" }),
    "V0 made by zeros": () => L.zeros([n], { dtype: "V0" }),
    "S0 made by zeros": () => L.zeros([n], { dtype: "S0" }),
    "U0 made by empty": () => L.empty([n], { dtype: "U0" }),
    "a record of no bytes": () => L.zeros([n], { dtype: [["a", "V0"], ["b", "S0"]] }),
  };
  const T = (a) => a.reshape([2 ** 25, -1]).T;
  const ops = {
    "copy()": (a) => a.copy(),
    'slice("::-1").copy()': (a) => a.slice("::-1").copy(),
    "transposed copy()": (a) => T(a).copy(),
    "astype(its dtype)": (a) => a.astype(a.dtype),
    "empty(shape).assign(a)": (a) => L.empty(a.shape, { dtype: a.dtype }).assign(a),
    'assign(slice("::-1"))': (a) => a.assign(a.slice("::-1")),
    'slice("::2").assign(slice("1::2"))': (a) => a.slice("::2").assign(a.slice("1::2")),
    "fill(its element)": (a) => a.fill(a.get(0)),
    "full(shape, its element)": (a) => L.full(a.shape, a.get(0), { dtype: a.dtype }),
    "array(a)": (a) => L.array(a),
    "array(reversed)": (a) => L.array(a.slice("::-1")),
    "concatenate([a, a])": (a) => L.concatenate([a, a]),
    "stack([a, a])": (a) => L.stack([a, a]),
    "where(true, a, a)": (a) => L.where(true, a, a),
    "take([0, 1])": (a) => a.take([0, 1]),
    'put([0, 1], a.slice("0:2"))': (a) => a.put([0, 1], a.slice("0:2")),
    "transposed flatten()": (a) => T(a).flatten(),
    "transposed ravel()": (a) => T(a).ravel(),
    "sort()": (a) => a.sort(),
    "argsort()": (a) => a.argsort(),
    "toTypedArray()": (a) => a.toTypedArray(),
    "toArray()": (a) => a.toArray(),
    "save(transposed)": (a) => L.save(dir + "/out.npy", T(a)),
    "savez(reversed)": (a) => L.savez(dir + "/out.npz", { a: a.slice("::-1") }),
  };
  for (const [what, make] of Object.entries(victims)) {
    for (const [name, op] of Object.entries(ops)) {
      let outcome;
      try {
        const a = make();
        op(a);
        outcome = "ok";
      } catch (error) {
        outcome = isContractError(error)
          ? "refused"
          : "engine: " + error?.constructor?.name + " " + error?.message;
      }
      console.log(JSON.stringify([what, name, outcome]));
    }
  }
  console.log("done");
`;

Deno.test({
  name:
    "every walk of an array of 2**50 elements of no bytes returns at once or throws the library's error",
  ignore: !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    Deno.writeFileSync(
      `${dir.path}/v0.npy`,
      headerOnlyNpy("'|V0'", "(1125899906842624,)"),
    );
    const run = await denoRunWithin(
      ["-A"],
      CHILD.replace("DIR", JSON.stringify(dir.path)).replace(
        "HOSTILE",
        new URL("../_hostile.ts", import.meta.url).href,
      ),
      120_000,
    );
    const lines = run.stdout.trim().split("\n");
    const rows = lines.filter((l) => l.startsWith("[")).map((l) =>
      JSON.parse(l) as [string, string, string]
    );
    const last = rows.at(-1);
    assert.ok(
      !run.timedOut,
      `hung after ${
        last === undefined ? "nothing" : last.slice(0, 2).join(": ")
      }`,
    );
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.equal(lines.at(-1), "done");
    assert.equal(rows.length, 6 * 24);
    const wrong = rows.filter((r) => r[2].startsWith("engine"));
    assert.deepEqual(wrong, []);
    // The copies themselves succeed (only sort, argsort, toArray and
    // writes to the read-only map are refused).
    for (const [what, name, outcome] of rows) {
      if (/^(sort|argsort|toArray)\(\)$/.test(name)) continue;
      if (what.includes("mapped") && /assign|fill|put\(/.test(name)) continue;
      assert.equal(outcome, "ok", `${what}: ${name}`);
    }
  },
});

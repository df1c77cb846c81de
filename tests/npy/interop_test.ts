import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  load,
  type Memmap,
  type NDArray,
  type NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";
import {
  type Expected,
  expectedValue,
  flat,
  HAS_NUMPY,
  sameValues,
  tempDir,
} from "./_helpers.ts";

const SCRIPT = fileURLToPath(new URL("./_interop.py", import.meta.url));

function run(...args: string[]): string {
  const out = new Deno.Command("python3", {
    args: [SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .outputSync();
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `python3 ${args.join(" ")} failed:\n${dec.decode(out.stderr)}`,
    );
  }
  return dec.decode(out.stdout);
}

function check(a: NDArray, exp: Expected, what: string): void {
  assert.equal(a.dtype.str, exp.descr, what);
  assert.deepEqual(a.shape, exp.shape, what);
  const values = flat(a.toArray());
  const expected = exp.values.map((v) => expectedValue(exp.descr, v));
  assert.ok(sameValues(values, expected), what);
}

Deno.test({
  name:
    "NumPy's files load here and files written here load in NumPy, value for value",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    run("write", dir.path);
    const manifest: Record<string, Expected> = JSON.parse(
      Deno.readTextFileSync(`${dir.path}/manifest.json`),
    );
    for (const sub of ["save", "open_memmap"]) {
      Deno.mkdirSync(`${dir.path}/deno/${sub}`, { recursive: true });
    }
    let files = 0;
    for (const [name, exp] of Object.entries(manifest)) {
      if (name.startsWith("npz:")) continue;
      files++;
      const path = `${dir.path}/${name}`;
      const a = load(path) as NDArray;
      check(a, exp, name);
      {
        using m = load(path, { mmapMode: "r" }) as Memmap;
        check(m, exp, `${name} mapped`);
        if (exp.fortran_order && m.ndim > 1) {
          assert.equal(m.strides[0], m.itemsize, name);
        }
      }
      save(`${dir.path}/deno/save/${name}`, a);
      using w = openMemmap(`${dir.path}/deno/open_memmap/${name}`, {
        mode: "w+",
        dtype: a.dtype,
        shape: a.shape,
        fortranOrder: exp.fortran_order,
        version: exp.version as [1, 0],
      });
      w.assign(a);
    }
    assert.ok(files > 150, `only ${files} files`);
    const members: Record<string, NDArray> = {};
    for (
      const [archive, mmapMode] of [["mixed.npz", null], ["mixed.npz", "r"], [
        "mixed_c.npz",
        null,
      ], [
        "mixed_c.npz",
        "r",
      ]] as const
    ) {
      using npz = load(`${dir.path}/${archive}`, { mmapMode }) as NpzFile;
      assert.equal(npz.files.length, 15);
      for (const key of npz.files) {
        const a = npz.get(key);
        check(a, manifest[`npz:${key}`], `${archive}:${key} (${mmapMode})`);
        if (mmapMode === null) members[key] = a;
        else if (archive === "mixed.npz") (a as Memmap).close();
      }
    }
    savez(`${dir.path}/deno/savez.npz`, members);
    savezCompressed(`${dir.path}/deno/savez_compressed.npz`, members);
    const out = run("check", dir.path);
    assert.match(
      out,
      new RegExp(`^checked ${2 * files + 30} arrays written by Deno`),
    );
  },
});

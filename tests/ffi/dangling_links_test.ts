/**
 * A path that is a symbolic link to a file not made yet: the openers that
 * create (`memmap` and `openMemmap` in mode "w+", `save`) make the file
 * where the link leads, as NumPy's `open` does, and check Deno's
 * permissions for that place too.
 */
import assert from "node:assert/strict";
import { array, memmap, openMemmap, save } from "../../mod.ts";
import { denoRun, tempDir } from "../test_util.ts";

const posix = Deno.build.os !== "windows";

/** Openers that create, as code for the subprocess too. */
const CREATORS: Record<string, string> = {
  'memmap "w+"':
    `memmap(p, { mode: "w+", dtype: "uint8", shape: [3] }).close()`,
  'openMemmap "w+"':
    `openMemmap(p, { mode: "w+", dtype: "uint8", shape: [3] }).close()`,
  save: `save(p, array([1, 2, 3], { dtype: "uint8" }))`,
};

Deno.test({
  name:
    "w+ through a link to a file not made yet creates the file where the link leads (memmap, openMemmap, save)",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    const run: Record<string, (p: string) => void> = {
      'memmap "w+"': (p) =>
        memmap(p, { mode: "w+", dtype: "uint8", shape: [3] }).close(),
      'openMemmap "w+"': (p) =>
        openMemmap(p, { mode: "w+", dtype: "uint8", shape: [3] }).close(),
      save: (p) => save(p, array([1, 2, 3], { dtype: "uint8" })),
    };
    for (const [name, create] of Object.entries(run)) {
      const sub = `${dir.path}/${name.replace(/\W+/g, "_")}`;
      Deno.mkdirSync(`${sub}/outside`, { recursive: true });
      const target = `${sub}/outside/t.npy`;
      const link = `${sub}/d.npy`;
      Deno.symlinkSync(target, link);
      create(link);
      assert.ok(Deno.lstatSync(link).isSymlink, `${name}: the link stays`);
      assert.ok(Deno.lstatSync(target).isFile, `${name}: the target is made`);
      // And again, now that the target exists.
      create(link);
      assert.ok(Deno.lstatSync(target).isFile, name);
    }
  },
});

Deno.test({
  name:
    "w+ through a link to a file not made yet needs write access where the link leads",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    const allowed = `${dir.path}/allowed`, outside = `${dir.path}/outside`;
    Deno.mkdirSync(allowed);
    Deno.mkdirSync(outside);
    Deno.symlinkSync(`${outside}/t.npy`, `${allowed}/d.npy`);
    const rows = Object.entries(CREATORS).map(([name, code]) => `
      try { ${code}; out.push([${JSON.stringify(name)}, "created"]); }
      catch (e) { out.push([${JSON.stringify(name)}, e.name]); }`);
    const result = denoRun(
      [`--allow-read=${dir.path}`, `--allow-write=${allowed}`, "--allow-ffi"],
      `import { array, memmap, openMemmap, save } from "MOD";
      const p = ${JSON.stringify(`${allowed}/d.npy`)};
      const out = [];
      ${rows.join("\n")}
      console.log(JSON.stringify(out));`,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      JSON.parse(result.stdout),
      Object.keys(CREATORS).map((name) => [name, "NotCapable"]),
    );
    assert.deepEqual([...Deno.readDirSync(outside)], [], "nothing made");
  },
});

import assert from "node:assert/strict";
import { resolve } from "node:path";
import { toPath } from "../../src/mmap/path.ts";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  tempDir,
  WINDOWS,
  writeFile,
} from "../test_util.ts";

const linuxOnly = { ignore: Deno.build.os !== "linux" };

Deno.test("toPath() gives the absolute path with . and .. removed, as Deno checks it", () => {
  assert.equal(toPath("a/b/../c"), resolve("a/c"));
  // resolve(): "/x/z" on Unix, the current drive's "X:\\x\\z" on Windows.
  assert.equal(toPath("/x/./y/../z"), resolve("/x/z"));
  const root = WINDOWS ? "file:///C:" : "file://";
  assert.equal(
    toPath(new URL(`${root}/x/y/../z`)),
    resolve(`${root.slice(8)}/x/z`),
  );
  assert.equal(
    toPath(new URL(`${root}/x/a%20b`)),
    resolve(`${root.slice(8)}/x/a b`),
  );
  const drive = root.slice(8); // "C:" on Windows, "" on Unix
  assert.equal(
    toPath(new URL(`file://localhost/${drive}/x`.replace("//x", "/x"))),
    resolve(`${drive}/x`),
  );
});

Deno.test("toPath() gives what resolve() gives for paths already absolute and normal (taken as they are, without resolve())", () => {
  const paths = [
    "/",
    "/a",
    "/a/b.txt",
    "/a/b/",
    "/a/.b",
    "/a/..b/c",
    "/a/b./c",
    "/a/b\\c",
    "/a b/ü",
    // not normal: resolve() runs
    "/a//b",
    "/a/./b",
    "/a/../b",
    "/a/.",
    "/a/..",
    "//a",
    "a/b",
    "./a",
  ];
  for (const path of paths) {
    const resolved = resolve(path);
    const expected = /[\\/]\.?$/.test(path) && !/[\\/]$/.test(resolved)
      ? resolved + (WINDOWS ? "\\" : "/")
      : resolved;
    assert.equal(toPath(path), expected, path);
  }
});

Deno.test("toPath() refuses NUL, malformed escapes, hosts and other schemes with TypeError", () => {
  const bad: (string | URL)[] = [
    "",
    "a\0b",
    new URL("file:///x/secret%00"),
    new URL("file:///x/secret.txt%00%2F..%2Fallowed%2Fa.bin"),
    new URL("file:///x/a%2Fb"),
    new URL("file:///x/%zz"),
    new URL("file:///x/%E4"), // not UTF-8
    new URL("https://example.com/x"),
  ];
  // A host names a UNC share on Windows (\\host\x), nothing on Unix.
  if (!WINDOWS) bad.push(new URL("file://host/x"));
  for (const path of bad) {
    assert.throws(() => toPath(path), TypeError, String(path));
  }
  for (const value of [null, undefined, 3, {}, ["a"]]) {
    assert.throws(() => toPath(value as unknown as string), TypeError);
  }
});

/**
 * The tree of the attack: `allowed/dirlink` points at a directory outside,
 * so `allowed/dirlink/../secret.*` is the secret for the kernel and
 * `allowed/secret.*` for Deno's permission check.
 */
function attackTree(root: string): void {
  Deno.mkdirSync(`${root}/allowed`);
  Deno.mkdirSync(`${root}/outside`);
  Deno.symlinkSync("../outside", `${root}/allowed/dirlink`);
}

Deno.test(
  "no entry point reads or writes outside --allow-read/--allow-write through .. after a symlink, or a NUL in a URL",
  { ignore: linuxOnly.ignore || !CAN_SPAWN_DENO }, // it starts another Deno
  async () => {
    using dir = tempDir();
    const root = dir.path;
    attackTree(root);
    // A secret of each kind, next to (not under) the allowed directory.
    const { array, save, savez } = await import("../../mod.ts");
    save(`${root}/secret.npy`, array([1, 2, 3], { dtype: "u1" }));
    savez(`${root}/secret.npz`, { x: array([4, 5], { dtype: "u1" }) });
    const raw = writeFile(root, "secret.bin", "SECRET BYTES");
    writeFile(`${root}/allowed`, "a.bin", "allowed bytes");
    const before = ["secret.npy", "secret.npz", "secret.bin"].map((f) =>
      Deno.readFileSync(`${root}/${f}`)
    );
    const result = await denoRunWithin(
      [
        "--allow-ffi",
        `--allow-read=${root}/allowed`,
        `--allow-write=${root}/allowed`,
      ],
      `
      import {
        array, load, memmap, Mmap, NpzFile, openMemmap, save, savez,
        savezCompressed, SharedMemory,
      } from "MOD";
      const root = ${JSON.stringify(root)};
      const via = (name) => root + "/allowed/dirlink/../" + name;
      const nul = (name) =>
        new URL("file://" + root + "/" + name + "%00%2F..%2Fallowed%2Fa.bin");
      // Each returns what it opened: its bytes are shown, then it is closed.
      const attempts = {
        "Mmap.open read": () => Mmap.open(via("secret.bin"), { access: "read" }),
        "Mmap.open write": () => Mmap.open(via("secret.bin")),
        "Mmap.open create": () => Mmap.open(via("secret.bin"), { create: true, length: 4 }),
        "memmap r": () => memmap(via("secret.bin"), { mode: "r" }),
        "memmap r+": () => memmap(via("secret.bin"), { mode: "r+" }),
        "memmap w+": () => memmap(via("secret.bin"), { mode: "w+", shape: [4] }),
        load: () => load(via("secret.npy")),
        "load mmapMode": () => load(via("secret.npy"), { mmapMode: "r+" }),
        "openMemmap r+": () => openMemmap(via("secret.npy")),
        "openMemmap w+": () => openMemmap(via("secret.npy"), { mode: "w+", shape: [1] }),
        NpzFile: () => new NpzFile(via("secret.npz")).get("x"),
        save: () => save(via("secret.npy"), array([9])),
        savez: () => savez(via("secret.npz"), { x: array([9]) }),
        savezCompressed: () => savezCompressed(via("secret.npz"), { x: array([9]) }),
        "Mmap.open NUL URL": () => Mmap.open(nul("secret.bin"), { access: "read" }),
        "memmap NUL URL": () => memmap(nul("secret.bin"), { mode: "r" }),
        "load NUL URL": () => load(nul("secret.npy")),
        "NpzFile NUL URL": () => new NpzFile(nul("secret.npz")),
        "save NUL URL": () => save(nul("secret.npy"), array([9])),
        "SharedMemory ..": () => new SharedMemory({ name: "/../" + root, create: true, size: 8 }),
      };
      const show = (o) =>
        o === undefined ? "" : JSON.stringify(Array.from(o.bytes ?? o.toArray?.().flat?.() ?? []));
      const rows = [];
      for (const [name, attempt] of Object.entries(attempts)) {
        try {
          const got = attempt();
          rows.push([name, "done", show(got)]);
          got?.close?.();
        } catch (e) {
          rows.push([name, e.name, e.message]);
        }
      }
      console.log(JSON.stringify(rows));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const rows: string[][] = JSON.parse(result.stdout);
    assert.equal(rows.length, 20);
    for (const [name, outcome, detail] of rows) {
      // Never a secret's bytes, never an engine error; what worked, worked
      // on allowed/secret.* (what Deno checked), which does not exist but
      // for the writers that made it there.
      assert.doesNotMatch(detail, /SECRET|83,69,67/, name);
      assert.notEqual(outcome, "URIError", name);
      if (name.endsWith("NUL URL") || name.startsWith("SharedMemory")) {
        assert.equal(outcome, "TypeError", `${name}: ${detail}`);
      } else if (outcome !== "done") {
        assert.ok(
          ["NotFound", "InvalidData"].includes(outcome),
          `${name}: ${outcome} ${detail}`,
        );
      }
    }
    const after = ["secret.npy", "secret.npz", "secret.bin"].map((f) =>
      Deno.readFileSync(`${root}/${f}`)
    );
    assert.deepEqual(after, before, "the secrets are unchanged");
    assert.equal(Deno.readTextFileSync(raw), "SECRET BYTES");
    assert.deepEqual([...Deno.readDirSync(`${root}/outside`)], []);
  },
);

Deno.test("a path ending with a separator names a directory: no entry point opens or creates the file without it", async () => {
  const {
    array,
    load,
    memmap,
    Mmap,
    NpzFile,
    openMemmap,
    save,
    savez,
    savezCompressed,
  } = await import("../../mod.ts");
  using dir = tempDir();
  const npy = `${dir.path}/a.npy`;
  const npz = `${dir.path}/a.npz`;
  save(npy, array([1, 2, 3], { dtype: "u1" }));
  savez(npz, { x: array([4], { dtype: "u1" }) });
  const before = [Deno.readFileSync(npy), Deno.readFileSync(npz)];
  const calls: Record<string, (p: string, z: string) => unknown> = {
    "Mmap.open": (p) => Mmap.open(p),
    "Mmap.open read": (p) => Mmap.open(p, { access: "read" }),
    "Mmap.open create": (p) => Mmap.open(p, { create: true, length: 8 }),
    "memmap r": (p) => memmap(p, { mode: "r" }),
    "memmap w+": (p) => memmap(p, { mode: "w+", shape: [8] }),
    load: (p) => load(p),
    "load mmapMode": (p) => load(p, { mmapMode: "r" }),
    "openMemmap r+": (p) => openMemmap(p),
    "openMemmap w+": (p) => openMemmap(p, { mode: "w+", shape: [2] }),
    NpzFile: (_, z) => new NpzFile(z),
    save: (p) => save(p, array([9])),
    savez: (_, z) => savez(z, { y: array([9]) }),
    savezCompressed: (_, z) => savezCompressed(z, { y: array([9]) }),
  };
  const directoryErrors = WINDOWS
    ? ["ERROR_DIRECTORY", "EISDIR", "ENOTDIR"]
    : ["ENOTDIR", "EISDIR"];
  for (const suffix of ["/", "/."]) {
    for (const [name, call] of Object.entries(calls)) {
      const where = `${name} of "a.npy${suffix}"`;
      let code: unknown;
      try {
        (call(npy + suffix, npz + suffix) as { close?(): void })?.close?.();
      } catch (e) {
        code = (e as { code?: unknown }).code;
        assert.ok(
          e instanceof Deno.errors.NotADirectory ||
            e instanceof Deno.errors.IsADirectory,
          `${where}: ${e}`,
        );
      }
      assert.ok(directoryErrors.includes(code as string), `${where}: ${code}`);
    }
  }
  assert.deepEqual([Deno.readFileSync(npy), Deno.readFileSync(npz)], before);
  assert.deepEqual(
    [...Deno.readDirSync(dir.path)].map((e) => e.name).sort(),
    ["a.npy", "a.npz"],
  );
  assert.equal(
    toPath("/x/a.npy/"),
    resolve("/x/a.npy") + (WINDOWS ? "\\" : "/"),
  );
  assert.equal(toPath("/x/a.npy/."), toPath("/x/a.npy/"));
  assert.equal(toPath("/"), resolve("/"));
});

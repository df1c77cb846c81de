/**
 * What a save keeps, needs and says, for every writer (`save`, `savez`,
 * `savezCompressed`): the file's mode, owner and group and its symbolic
 * links as NumPy's in-place write keeps them; `--allow-read` and
 * `--allow-write` for the directory, asked for by name; every OS failure as the library's error
 * (call, errno name, path) with the file unchanged and no temporary file left.
 */
import assert from "node:assert/strict";
import {
  array,
  load,
  type NDArray,
  type NpzFile,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";
import {
  CAN_SPAWN_DENO,
  canMountTmpfs,
  denoRun,
  mountTmpfs,
  tempDir,
  unmount,
  WINDOWS,
} from "../test_util.ts";

const unix = { ignore: WINDOWS };

/** Each writer, saving one array to `path` (which carries its extension). */
const WRITERS: Record<string, (path: string, a: NDArray) => void> = {
  save: (path, a) => save(path, a),
  savez: (path, a) => savez(path, { a }),
  savezCompressed: (path, a) => savezCompressed(path, { a }),
};

/** A file name of the writer's own, with its extension. */
const extension = (writer: string) =>
  `.${writer}${writer === "save" ? ".npy" : ".npz"}`;

/** Names in `dir` that are temporary files of a save. */
function leftovers(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".tmp")
  );
}

const mode = (path: string) => Deno.statSync(path).mode! & 0o7777;

Deno.test(
  "a save keeps the file's permission bits, and a new file gets the default mode",
  unix,
  () => {
    using dir = tempDir();
    // What any new file gets here (0o666 less the umask).
    Deno.writeFileSync(`${dir.path}/probe`, new Uint8Array(1));
    const fresh = mode(`${dir.path}/probe`);
    for (const [writer, write] of Object.entries(WRITERS)) {
      const path = `${dir.path}/a${extension(writer)}`;
      write(path, array([1, 2]));
      assert.equal(mode(path), fresh, `${writer}: new file`);
      for (const bits of [0o600, 0o640, 0o755, 0o444]) {
        Deno.chmodSync(path, bits);
        write(path, array([3, 4]));
        assert.equal(mode(path).toString(8), bits.toString(8), writer);
      }
      Deno.chmodSync(path, 0o644);
    }
    assert.deepEqual(leftovers(dir.path), []);
  },
);

Deno.test({
  name: "a save by root keeps the file's owner and group",
  ignore: WINDOWS || Deno.uid() !== 0,
  fn() {
    using dir = tempDir();
    for (const [writer, write] of Object.entries(WRITERS)) {
      const path = `${dir.path}/a${extension(writer)}`;
      write(path, array([1]));
      Deno.chownSync(path, 65534, 65534);
      Deno.chmodSync(path, 0o4750); // set-user-ID survives (chmod after chown)
      write(path, array([2]));
      const info = Deno.statSync(path);
      assert.deepEqual([info.uid, info.gid], [65534, 65534], writer);
      assert.equal(mode(path).toString(8), "4750", writer);
    }
  },
});

Deno.test(
  "a save writes through symbolic links (the link stays a link), as NumPy's open() does",
  unix,
  () => {
    using dir = tempDir();
    Deno.mkdirSync(`${dir.path}/data`);
    for (const [writer, write] of Object.entries(WRITERS)) {
      const ext = extension(writer);
      const target = `${dir.path}/data/real${ext}`;
      write(target, array([1, 2]));
      Deno.chmodSync(target, 0o600);
      // A chain: link -> ../link2 -> data/real
      Deno.symlinkSync(`data/real${ext}`, `${dir.path}/link2${ext}`);
      Deno.mkdirSync(`${dir.path}/sub`);
      Deno.symlinkSync(`../link2${ext}`, `${dir.path}/sub/link${ext}`);
      write(`${dir.path}/sub/link${ext}`, array([7, 8, 9]));
      assert.ok(Deno.lstatSync(`${dir.path}/sub/link${ext}`).isSymlink, writer);
      assert.ok(Deno.lstatSync(`${dir.path}/link2${ext}`).isSymlink, writer);
      assert.equal(
        Deno.statSync(target).size,
        Deno.statSync(`${dir.path}/sub/link${ext}`).size,
      );
      assert.equal(mode(target), 0o600, writer);
      // A link to a file not made yet makes it there.
      Deno.symlinkSync(`data/new${ext}`, `${dir.path}/dangling${ext}`);
      write(`${dir.path}/dangling${ext}`, array([1]));
      assert.ok(Deno.lstatSync(`${dir.path}/dangling${ext}`).isSymlink, writer);
      assert.ok(Deno.statSync(`${dir.path}/data/new${ext}`).isFile, writer);
      // A loop of links is ELOOP, and nothing is made.
      Deno.symlinkSync(`loop2${ext}`, `${dir.path}/loop1${ext}`);
      Deno.symlinkSync(`loop1${ext}`, `${dir.path}/loop2${ext}`);
      assert.throws(() => write(`${dir.path}/loop1${ext}`, array([1])), {
        code: "ELOOP",
      });
      Deno.removeSync(`${dir.path}/sub`, { recursive: true });
    }
    assert.deepEqual(leftovers(dir.path), []);
    assert.deepEqual(leftovers(`${dir.path}/data`), []);
  },
);

Deno.test(
  "a save replaces the file: another hard link keeps the old content (documented)",
  unix,
  () => {
    using dir = tempDir();
    const path = `${dir.path}/a.npy`;
    save(path, array([1, 2], { dtype: "u1" }));
    Deno.linkSync(path, `${dir.path}/other.npy`);
    const old = Deno.readFileSync(path);
    save(path, array([3, 4, 5], { dtype: "u1" }));
    assert.deepEqual(Deno.readFileSync(`${dir.path}/other.npy`), old);
    assert.notDeepEqual(Deno.readFileSync(path), old);
  },
);

/**
 * Runs each writer in a child with `flags`, saving `value` (by default
 * `[9, 9, 9, 9]`, longer than what the files hold) to `files[i]`; `prelude`
 * runs first. Each
 * writer's outcome: "saved", or the error's name, code and message.
 */
function saveIn(
  flags: string[],
  files: string[],
  prelude = "",
  value = "array([9, 9, 9, 9])",
): string[] {
  const code = `
    import { array, memmap, save, savez, savezCompressed } from "MOD";
    const files = ${JSON.stringify(files)};
    ${prelude}
    const out = [];
    for (const [i, write] of [
      (p) => save(p, ${value}),
      (p) => savez(p, { a: ${value} }),
      (p) => savezCompressed(p, { a: ${value} }),
    ].entries()) {
      try { write(files[i]); out.push("saved"); }
      catch (e) { out.push(e.name + " " + e.code + ": " + e.message); }
    }
    console.log(JSON.stringify(out));
  `;
  const result = denoRun(flags, code);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** Makes a file per writer in `dir` (with `name` and the writer's extension). */
function filesIn(dir: string, name: string): string[] {
  return Object.entries(WRITERS).map(([writer, write]) => {
    const path = `${dir}/${name}${extension(writer)}`;
    write(path, array([1, 2]));
    return path;
  });
}

Deno.test({
  name:
    "with access to the file alone a save writes it in place, as np.save: same file, its hard links and mode; a new file is made",
  ignore: WINDOWS || !CAN_SPAWN_DENO,
  fn() {
    using dir = tempDir();
    const files = filesIn(dir.path, "f");
    const fresh = files.map((f) => f.replace("/f.", "/new."));
    for (const f of files) {
      Deno.chmodSync(f, 0o640);
      Deno.linkSync(f, `${f}.link`);
    }
    const inodes = files.map((f) => Deno.statSync(f).ino);
    const all = [...files, ...fresh].join(",");
    const flags = [`--allow-read=${all}`, `--allow-write=${all}`];
    assert.deepEqual(saveIn(flags, files), ["saved", "saved", "saved"]);
    assert.deepEqual(saveIn(flags, fresh), ["saved", "saved", "saved"]);
    for (const [i, f] of files.entries()) {
      assert.equal(Deno.statSync(f).ino, inodes[i], f);
      assert.equal(mode(f), 0o640, f);
      // Grown over the old, it is as long as the same save to a new file.
      assert.equal(Deno.statSync(f).size, Deno.statSync(fresh[i]).size, f);
      assert.deepEqual(Deno.readFileSync(`${f}.link`), Deno.readFileSync(f));
    }
    assert.deepEqual((load(files[0]) as NDArray).toArray(), [9, 9, 9, 9]);
    assert.deepEqual((load(files[1]) as NpzFile).get("a").toArray(), [
      9,
      9,
      9,
      9,
    ]);
    assert.deepEqual((load(files[2]) as NpzFile).get("a").toArray(), [
      9,
      9,
      9,
      9,
    ]);
    // Shorter content cuts the file to its size.
    const shorter = denoRun(
      flags,
      `
      import { array, save } from "MOD";
      save(${JSON.stringify(files[0])}, array([5], { dtype: "u1" }));
    `,
    );
    assert.equal(shorter.code, 0, shorter.stderr);
    assert.deepEqual((load(files[0]) as NDArray).toArray(), [5]);
    assert.equal(Deno.statSync(files[0]).size, 129);
    assert.deepEqual(leftovers(dir.path), []);
  },
});

Deno.test({
  name:
    "a save without access to the file says so by name (file, or directory) and changes nothing",
  ignore: WINDOWS || !CAN_SPAWN_DENO,
  fn() {
    using dir = tempDir();
    const files = filesIn(dir.path, "f");
    const before = files.map((f) => Deno.readFileSync(f));
    // Read access only: the write is refused, for the file or directory.
    for (
      const flags of [[`--allow-read=${dir.path}`], [
        `--allow-read=${files.join(",")}`,
      ], []]
    ) {
      for (const [i, line] of saveIn(flags, files).entries()) {
        assert.match(
          line,
          /^NotCapable undefined: Requires (read|write) access to "/,
          line,
        );
        assert.ok(line.includes(`"${files[i]}" to save it`), line);
        assert.ok(line.includes(`its directory "${dir.path}"`), line);
      }
    }
    assert.deepEqual(files.map((f) => Deno.readFileSync(f)), before);
    assert.deepEqual([...Deno.readDirSync(dir.path)].length, 3);
  },
});

Deno.test({
  name:
    "writing in place over a file a live map covers is Busy and changes nothing (the map would see it change or be cut)",
  ignore: WINDOWS || !CAN_SPAWN_DENO,
  fn() {
    using dir = tempDir();
    const files = filesIn(dir.path, "f");
    const before = files.map((f) => Deno.readFileSync(f));
    const all = files.join(",");
    const out = saveIn(
      ["--allow-ffi", `--allow-read=${all}`, `--allow-write=${all}`],
      files,
      "const maps = files.map((f) => memmap(f, { mode: 'r', dtype: 'u1' }));",
    );
    for (const line of out) {
      assert.match(
        line,
        /^Busy EBUSY: open\(\): .*mapped by another live map/,
        line,
      );
    }
    assert.deepEqual(files.map((f) => Deno.readFileSync(f)), before);
  },
});

/** A call's error as the library makes it: `call(): description (CODE): "path"`. */
const OS_MESSAGE = /^[a-z]+\(\): [^(]+ \((E[A-Z0-9]+)\): ".*"/;

Deno.test(
  "every OS failure of a save is the library's error naming call, errno and path; nothing changes",
  unix,
  () => {
    using dir = tempDir();
    const d = dir.path;
    Deno.writeTextFileSync(`${d}/plain`, "a file");
    let fifos = true;
    for (const writer of Object.keys(WRITERS)) {
      Deno.mkdirSync(`${d}/folder${extension(writer)}`);
      // A link to a device: what it leads to is refused, not replaced.
      Deno.symlinkSync("/dev/full", `${d}/device${extension(writer)}`);
      fifos &&= new Deno.Command("mkfifo", {
        args: [`${d}/pipe${extension(writer)}`],
      }).outputSync().success;
    }
    const rows: [string, string, new (message: string) => Error][] = [
      // the path (without extension), the errno name, the class
      [`${d}/missing/x`, "ENOENT", Deno.errors.NotFound],
      [`${d}/plain/x`, "ENOTDIR", Deno.errors.NotADirectory],
      [`${d}/folder`, "EISDIR", Deno.errors.IsADirectory],
    ];
    rows.push([`${d}/device`, "ENODEV", Deno.errors.NotSupported]);
    if (fifos) {
      rows.push([
        `${d}/pipe`,
        "ENODEV",
        Deno.errors.NotSupported,
      ]);
    }
    for (const [writer, write] of Object.entries(WRITERS)) {
      for (const [path, code, Class] of rows) {
        const where = `${writer} to ${path}: `;
        assert.throws(
          () => write(path + extension(writer), array([1])),
          (e: unknown) => {
            assert.ok(e instanceof Class, where + e);
            assert.equal((e as { code?: string }).code, code, where + e);
            assert.match((e as Error).message, OS_MESSAGE, where);
            assert.doesNotMatch((e as Error).message, /os error/, where);
            return true;
          },
        );
      }
    }
    assert.equal(Deno.readTextFileSync(`${d}/plain`), "a file");
    assert.ok(!fifos || Deno.lstatSync(`${d}/pipe${extension("save")}`).isFifo);
    assert.deepEqual(leftovers(d), []);
  },
);

Deno.test({
  name:
    "a save on a full disk is ENOSPC in the library's words, the old file intact and no temporary file left",
  ignore: !canMountTmpfs(),
  fn() {
    using dir = tempDir();
    const point = mountTmpfs(dir.path, "size=1m")!;
    try {
      // 2 MiB that do not compress.
      const noise = new Uint8Array(2 << 20);
      for (let at = 0; at < noise.length; at += 65536) {
        crypto.getRandomValues(noise.subarray(at, at + 65536));
      }
      const big = array(noise);
      for (const [writer, write] of Object.entries(WRITERS)) {
        const path = `${point}/a${extension(writer)}`;
        write(path, array([1, 2, 3]));
        const before = Deno.readFileSync(path);
        assert.throws(() => write(path, big), (e: unknown) => {
          assert.equal((e as { code?: string }).code, "ENOSPC", String(e));
          assert.match(
            (e as Error).message,
            new RegExp(
              `^write\\(\\): No space left on device \\(ENOSPC\\): "${path}"$`,
            ),
          );
          return true;
        });
        assert.deepEqual(Deno.readFileSync(path), before, writer);
        assert.deepEqual(leftovers(point), [], writer);
      }
      if (!CAN_SPAWN_DENO) return;
      // In place (access to the files alone): the same, and a file the
      // save would have made is not left behind.
      const files = filesIn(point, "f");
      const before = files.map((f) => Deno.readFileSync(f));
      const fresh = files.map((f) => f.replace("/f.", "/new."));
      const all = [...files, ...fresh].join(",");
      const flags = [`--allow-read=${all}`, `--allow-write=${all}`];
      const makeBig = `
        const noise = new Uint8Array(2 << 20);
        for (let at = 0; at < noise.length; at += 65536) {
          crypto.getRandomValues(noise.subarray(at, at + 65536));
        }
        const big = array(noise);
      `;
      for (const targets of [files, fresh]) {
        const out = saveIn(flags, targets, makeBig, "big");
        for (const [i, line] of out.entries()) {
          assert.equal(
            line,
            `Error ENOSPC: write(): No space left on device (ENOSPC): "${
              targets[i]
            }"`,
          );
        }
      }
      assert.deepEqual(files.map((f) => Deno.readFileSync(f)), before);
      assert.deepEqual(
        [...Deno.readDirSync(point)].filter((e) => e.name.startsWith("new.")),
        [],
      );
    } finally {
      unmount(point);
    }
  },
});

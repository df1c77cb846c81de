/**
 * A path is opened at once when no component of it is a symbolic link
 * (Linux `openat2` with `RESOLVE_NO_SYMLINKS`), else the long way (resolve,
 * check, open, read the descriptor's path back). Whichever way a path
 * goes, the map, the errors and a created file's mode are the same.
 */
import assert from "node:assert/strict";
import { load, Mmap, type NDArray, NpzFile } from "../../mod.ts";
import { cString } from "../../src/ffi/posix_file.ts";
import { denoRun, tempDir, text, writeFile } from "../test_util.ts";

const posix = Deno.build.os !== "windows";

/** Ways to name one file: [what, path relative to the temp dir]. */
const WAYS: [string, string][] = [
  ["plain path", "dir/file.txt"],
  ["through a linked directory", "dirlink/file.txt"],
  ["a link to the file", "filelink"],
  ["a link to a link", "linklink"],
  ["with .. and . in it", "dir/../dir/./file.txt"],
];

function layout(root: string): void {
  Deno.mkdirSync(`${root}/dir`);
  writeFile(`${root}/dir`, "file.txt", "hello\nworld\n");
  Deno.symlinkSync(`${root}/dir`, `${root}/dirlink`);
  Deno.symlinkSync(`${root}/dir/file.txt`, `${root}/filelink`);
  Deno.symlinkSync(`${root}/filelink`, `${root}/linklink`);
}

Deno.test({
  name:
    "Mmap.open() maps the same file whichever way the path reaches it (plain, links, dots)",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    layout(dir.path);
    for (const [what, relative] of WAYS) {
      const path = `${dir.path}/${relative}`;
      using read = Mmap.open(path, { access: "read" });
      assert.equal(text(read.slice()), "hello\nworld\n", what);
      using write = Mmap.open(path);
      write.set(0, "H".charCodeAt(0));
      write.flush();
      assert.equal(
        Deno.readTextFileSync(`${dir.path}/dir/file.txt`)[0],
        "H",
        what,
      );
      write.set(0, "h".charCodeAt(0));
    }
  },
});

Deno.test({
  name:
    "Mmap.open() fails alike with and without links on the way: missing file, directory, no access",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    layout(dir.path);
    Deno.mkdirSync(`${dir.path}/dir/sub`);
    writeFile(`${dir.path}/dir`, "locked.txt", "x");
    Deno.chmodSync(`${dir.path}/dir/locked.txt`, 0o000);
    const root = Deno.uid() === 0; // root reads any file
    const cases: [string, string, string, RegExp][] = [
      ["missing", "missing.txt", "NotFound", /ENOENT/],
      ["a directory", "sub", "IsADirectory", /EISDIR/],
      ...(root ? [] : [
        ["no access", "locked.txt", "PermissionDenied", /EACCES/] as [
          string,
          string,
          string,
          RegExp,
        ],
      ]),
    ];
    for (const [what, name, error, message] of cases) {
      for (const via of ["dir", "dirlink"]) {
        const path = `${dir.path}/${via}/${name}`;
        assert.throws(
          () => Mmap.open(path, { access: "read" }),
          (e: Error) => {
            assert.equal(e.name, error, `${what} via ${via}: ${e.message}`);
            assert.match(e.message, message, `${what} via ${via}`);
            assert.ok(e.message.includes(path), `${what}: ${e.message}`);
            return true;
          },
        );
      }
    }
  },
});

Deno.test({
  name:
    "Mmap.open() with create makes the file with the mode Deno's own open gives it, linked directory or not",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    layout(dir.path);
    using file = Deno.openSync(`${dir.path}/reference`, {
      write: true,
      create: true,
    });
    const expected = file.statSync().mode! & 0o777;
    for (const via of ["dir", "dirlink"]) {
      const path = `${dir.path}/${via}/new-${via}.bin`;
      Mmap.open(path, { create: true, length: 8 }).close();
      assert.equal(Deno.statSync(path).size, 8, via);
      assert.equal(Deno.statSync(path).mode! & 0o777, expected, via);
    }
  },
});

Deno.test({
  name:
    "paths are encoded for C as they are asked, one after the other, again, or long enough to grow the buffer",
  ignore: !posix,
  fn: () => {
    const asC = (path: string) => {
      const bytes = cString(path);
      const end = bytes.indexOf(0);
      return new TextDecoder().decode(bytes.subarray(0, end));
    };
    const long = `/${"ü".repeat(2000)}`;
    for (const path of ["/a/b", "/a/b", "/c", "/a/b", long, "/c", long, "/é"]) {
      assert.equal(asC(path), path);
    }
    // Each open reads its own path, with the same path asked again between.
    using root = tempDir();
    writeFile(root.path, "one.txt", "one");
    writeFile(root.path, "two.txt", "two");
    for (const name of ["one", "one", "two", "one", "two", "two"]) {
      using m = Mmap.open(`${root.path}/${name}.txt`, { access: "read" });
      assert.equal(text(m.slice()), name);
    }
  },
});

/** The writers of files, each with the file it writes (under `<dir>/`). */
const WRITERS: [string, string][] = [
  ["save", "s.npy"],
  ["savez", "z.npz"],
  ["savezCompressed", "c.npz"],
  ['openMemmap("w+")', "o.npy"],
  ['memmap("w+")', "m.bin"],
];

/**
 * Ways a write under `--allow-read=<root>/allowed --allow-write=<root>/allowed`
 * reaches a file that exists: [what, path of the file from the root, what
 * the write lands in, whether Deno's permissions grant that].
 * `{f}` is the writer's file name.
 */
const WRITE_WAYS: [string, string, string, boolean][] = [
  ["plain path", "allowed/real/{f}", "allowed/real/{f}", true],
  ["directory link inside", "allowed/dirlink/{f}", "allowed/real/{f}", true],
  ["file link inside", "allowed/flink-{f}", "allowed/real/{f}", true],
  [
    ".. through a link (lexical)",
    "allowed/outlink/../real/{f}",
    "allowed/real/{f}",
    true,
  ],
  ["directory link outside", "allowed/outlink/{f}", "outside/{f}", false],
  ["file link outside", "allowed/foutlink-{f}", "outside/{f}", false],
];

Deno.test({
  name:
    "writers under --allow-read/--allow-write for a directory: links inside it write where they lead, links out of it are refused naming the path given, leaving the file as it was",
  ignore: !posix,
  fn() {
    using dir = tempDir();
    // The real path: Deno checks FsFile.stat against it.
    const root = Deno.realPathSync(dir.path);
    for (const sub of ["allowed", "allowed/real", "outside"]) {
      Deno.mkdirSync(`${root}/${sub}`);
    }
    Deno.symlinkSync(`${root}/allowed/real`, `${root}/allowed/dirlink`);
    Deno.symlinkSync(`${root}/outside`, `${root}/allowed/outlink`);
    for (const [, file] of WRITERS) {
      Deno.symlinkSync(
        `${root}/allowed/real/${file}`,
        `${root}/allowed/flink-${file}`,
      );
      Deno.symlinkSync(
        `${root}/outside/${file}`,
        `${root}/allowed/foutlink-${file}`,
      );
    }
    const old = new TextEncoder().encode("OLD CONTENT");
    for (const [way, named, lands, permitted] of WRITE_WAYS) {
      for (const [, file] of WRITERS) {
        Deno.writeFileSync(`${root}/allowed/real/${file}`, old);
        Deno.writeFileSync(`${root}/outside/${file}`, old);
      }
      const paths = WRITERS.map(([, f]) =>
        `${root}/${named.replace("{f}", f)}`
      );
      const out = denoRun(
        [
          "--allow-ffi",
          `--allow-read=${root}/allowed`,
          `--allow-write=${root}/allowed`,
        ],
        `import { array, memmap, openMemmap, save, savez, savezCompressed } from "MOD";
         const [s, z, c, o, m] = ${JSON.stringify(paths)};
         const a = array([1, 2, 3], { dtype: "int16" });
         const calls = [
           () => save(s, a),
           () => savez(z, { a }),
           () => savezCompressed(c, { a }),
           () => openMemmap(o, { mode: "w+", dtype: "int16", shape: [3] }).assign([1, 2, 3]).close(),
           () => { const map = memmap(m, { mode: "w+", dtype: "int16", shape: [3] }); map.assign([1, 2, 3]); map.close(); },
         ];
         console.log(JSON.stringify(calls.map((call) => {
           try {
             call();
             return "ok";
           } catch (error) {
             return error.constructor.name + ": " + error.message;
           }
         })));`,
      );
      assert.equal(out.code, 0, out.stderr);
      const results: string[] = JSON.parse(out.stdout);
      WRITERS.forEach(([writer, file], i) => {
        const what = `${writer} via ${way}`;
        const target = `${root}/${lands.replace("{f}", file)}`;
        if (permitted) {
          assert.equal(results[i], "ok", what);
          assert.ok(Deno.lstatSync(target).isFile, what);
          const values = file.endsWith(".npz")
            ? (() => {
              using npz = new NpzFile(target);
              return npz.get("a").toArray();
            })()
            : file.endsWith(".npy")
            ? (load(target) as NDArray).toArray()
            : [...new Int16Array(Deno.readFileSync(target).buffer)];
          assert.deepEqual(values, [1, 2, 3], what);
        } else {
          assert.match(results[i], /^(NotCapable|PermissionDenied): /, what);
          assert.ok(
            results[i].includes(JSON.stringify(paths[i])),
            `${what}: ${results[i]}`,
          );
          assert.ok(!results[i].includes(".tmp"), `${what}: ${results[i]}`);
          assert.deepEqual(Deno.readFileSync(target), old, what);
        }
      });
      // No temporary file is left anywhere.
      for (const sub of ["allowed/real", "outside"]) {
        for (const entry of Deno.readDirSync(`${root}/${sub}`)) {
          assert.ok(!entry.name.endsWith(".tmp"), `${way}: ${entry.name}`);
        }
      }
    }
  },
});

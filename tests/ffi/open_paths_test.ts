/**
 * A path is opened at once when no component of it is a symbolic link
 * (Linux `openat2` with `RESOLVE_NO_SYMLINKS`), else the long way (resolve,
 * check, open, read the descriptor's path back). Whichever way a path
 * goes, the map, the errors and a created file's mode are the same.
 */
import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { cString } from "../../src/ffi/posix_file.ts";
import { tempDir, text, writeFile } from "../test_util.ts";

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

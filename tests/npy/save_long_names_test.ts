/**
 * A save writes any name a file may have, up to the system's 255 bytes, as
 * `np.save` does (attack11 A1): the temporary file a save writes through
 * has a name of its own of a fixed length, not the file's name with more
 * added (which made names of 230..255 bytes fail with ENAMETOOLONG, naming
 * a file the caller never asked for). Every writer (`save`, `savez`,
 * `savezCompressed`), through each of its routes: the temporary file in the
 * directory held open (`--allow-ffi`), the same by path (no `--allow-ffi`),
 * and in place (only the file granted); ASCII and multibyte UTF-8 names, a
 * new file and one saved over. A name of 256 bytes is refused with
 * ENAMETOOLONG naming the caller's path, and nothing is left behind.
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

const encoder = new TextEncoder();
const bytesOf = (name: string) => encoder.encode(name).length;

/** A name of exactly `bytes` bytes of `unit` repeated, padded with "a", ending in `extension`. */
function nameOf(unit: string, bytes: number, extension: string): string {
  const room = bytes - extension.length;
  const n = Math.floor(room / bytesOf(unit));
  return unit.repeat(n) + "a".repeat(room - n * bytesOf(unit)) + extension;
}

const UNITS = ["x", "é", "日", "🙂"];
const LENGTHS = [229, 230, 240, 250, 254, 255];
const WRITERS = ["save", "savez", "savezCompressed"] as const;
const extension = (writer: string) => writer === "save" ? ".npy" : ".npz";

const ROUTES: [string, (dir: string, files: string[]) => string[]][] = [
  [
    "a temporary file, the directory held (--allow-ffi)",
    (dir) => [`--allow-read=${dir}`, `--allow-write=${dir}`, "--allow-ffi"],
  ],
  [
    "a temporary file, by path (no --allow-ffi)",
    (dir) => [`--allow-read=${dir}`, `--allow-write=${dir}`],
  ],
  [
    "in place (only the files granted)",
    (_, files) => [
      `--allow-read=${files.join(",")}`,
      `--allow-write=${files.join(",")}`,
    ],
  ],
];

const CHILD = `
  import { arange, load, NpzFile, save, savez, savezCompressed } from "MOD";
  const writers = { save, savez, savezCompressed };
  const rows = JSON.parse(Deno.args[0]);
  const out = [];
  for (const [writer, path, value] of rows) {
    try {
      writers[writer](path, writer === "save" ? arange(value) : { a: arange(value) });
      let back;
      if (writer === "save") back = load(path).toArray();
      else {
        using z = new NpzFile(path);
        back = z.get("a").toArray();
      }
      out.push(JSON.stringify(back.map(Number)));
    } catch (e) {
      out.push(e.constructor.name + ": " + e.message);
    }
  }
  console.log(JSON.stringify(out));
`;

Deno.test({
  name:
    "save, savez and savezCompressed write names of up to 255 bytes (ASCII and UTF-8) through every route, and refuse 256 naming the caller's path",
  ignore: !CAN_SPAWN_DENO || Deno.build.os === "windows",
  async fn() {
    for (const [route, flags] of ROUTES) {
      using dir = tempDir();
      const rows: [string, string, number][] = [];
      const expected: (string | RegExp)[] = [];
      const kept: string[] = [];
      for (const writer of WRITERS) {
        for (const unit of UNITS) {
          for (const length of LENGTHS) {
            const name = nameOf(unit, length, extension(writer));
            assert.equal(bytesOf(name), length);
            const path = `${dir.path}/${name}`;
            // New, then saved over.
            rows.push([writer, path, 2], [writer, path, 3]);
            expected.push("[0,1]", "[0,1,2]");
            kept.push(name);
          }
        }
        const long = nameOf("é", 256, extension(writer));
        const path = `${dir.path}/${long}`;
        rows.push([writer, path, 2]);
        expected.push(
          new RegExp(
            `^\\w+: .*\\(ENAMETOOLONG\\).*${
              JSON.stringify(path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
            }`,
          ),
        );
      }
      const files = rows.map((r) => r[1]);
      const run = await denoRunWithin(
        flags(dir.path, files),
        CHILD.replace("Deno.args[0]", JSON.stringify(JSON.stringify(rows))),
      );
      assert.equal(run.code, 0, `${route}: ${run.stderr.slice(-2000)}`);
      const out: string[] = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
      for (const [i, want] of expected.entries()) {
        const what = `${route}: ${rows[i][0]} ${
          bytesOf(rows[i][1].split("/").at(-1)!)
        } bytes ${rows[i][1].split("/").at(-1)!.slice(0, 2)}`;
        if (typeof want === "string") assert.equal(out[i], want, what);
        else assert.match(out[i], want, what);
      }
      // The saved files and nothing else: no temporary file left.
      const names = [...Deno.readDirSync(dir.path)].map((e) => e.name).sort();
      assert.deepEqual(names, [...new Set(kept)].sort(), route);
    }
  },
});

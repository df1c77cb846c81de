/**
 * `savez`/`savezCompressed` refuse a member name that is not valid Unicode
 * (a lone surrogate has no UTF-8), as NumPy's UnicodeEncodeError, before
 * any file is made (attack14 D13): the names were written as U+FFFD, so
 * `{"\ud800": a, "\udfff": b}` gave two members both named "\ufffd", one
 * unreachable. Well-formed names outside ASCII, surrogate pairs included,
 * are kept.
 */
import assert from "node:assert/strict";
import { arange, NpzFile, savez, savezCompressed } from "../../mod.ts";

const SAVES = { savez, savezCompressed };

Deno.test("savez and savezCompressed refuse lone surrogates in member names, before any file is made", () => {
  const dir = Deno.makeTempDirSync();
  try {
    // [names, the refused one as the message shows it]
    const refused: [string[], string][] = [
      [["\ud800", "\udfff"], '"\\ud800"'],
      [["ok", "a\udfffb"], '"a\\udfffb"'],
      [["\udbff\ud800x"], '"\\udbff\\ud800x"'], // two high surrogates
      [["x\ud83d"], '"x\\ud83d"'],
    ];
    for (const [name, save] of Object.entries(SAVES)) {
      for (const [names, shown] of refused) {
        const path = `${dir}/${name}.npz`;
        const arrays = Object.fromEntries(
          names.map((n, i) => [n, arange(i + 2)]),
        );
        assert.throws(
          () => save(path, arrays),
          (e: Error) =>
            e instanceof TypeError &&
            e.message ===
              `Cannot save member ${shown}: its name is not valid Unicode (a lone surrogate has no UTF-8)`,
          `${name} ${shown}`,
        );
        assert.deepEqual(
          [...Deno.readDirSync(dir)],
          [],
          `${name}: no file made`,
        );
      }
      const path = `${dir}/${name}_ok.npz`;
      const names = ["é", "\ud83d\ude00", "日本"];
      save(path, Object.fromEntries(names.map((n, i) => [n, arange(i + 2)])));
      {
        using z = new NpzFile(path);
        assert.deepEqual(z.files, names);
        names.forEach((n, i) => assert.equal(z.get(n).size, i + 2));
      }
      Deno.removeSync(path);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import {
  array,
  load,
  memmap,
  Mmap,
  NpzFile,
  openMemmap,
  save,
  savez,
  savezCompressed,
} from "../../mod.ts";

/** Values that look like a URL (or are a Proxy of one) but are not one. */
function fakeUrls(): [string, unknown][] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    ["Object.create(URL.prototype)", Object.create(URL.prototype)],
    ["a Proxy of a URL", new Proxy(new URL("file:///tmp/x"), {})],
    ["a revoked Proxy", revoked.proxy],
    ["a URL-like object", { href: "file:///tmp/x", protocol: "file:" }],
  ];
}

/** Every entry point that takes a path. */
const ENTRY_POINTS: [string, (p: never) => unknown][] = [
  ["Mmap.open", (p) => Mmap.open(p, { access: "read" })],
  ["memmap", (p) => memmap(p, { mode: "r" })],
  ["load", (p) => load(p)],
  ["save", (p) => save(p, array([1]))],
  ["savez", (p) => savez(p, { a: array([1]) })],
  ["savezCompressed", (p) => savezCompressed(p, { a: array([1]) })],
  ["NpzFile", (p) => new NpzFile(p)],
  ["openMemmap", (p) => openMemmap(p)],
];

Deno.test("every path argument refuses objects that only look like a URL with the library's TypeError", () => {
  for (const [what, value] of fakeUrls()) {
    for (const [call, open] of ENTRY_POINTS) {
      assert.throws(
        () => open(value as never),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `${call}(${what}): ${error}`);
          assert.match(
            error.message,
            /^Cannot open .*: expected a file path or file: URL$/,
            `${call}(${what})`,
          );
          return true;
        },
      );
    }
  }
});

import assert from "node:assert/strict";
import { load, NpzFile, openMemmap } from "../../mod.ts";
import { outputFile } from "../../src/npy/_files.ts";
import { ZipWriter } from "../../src/npy/zip_writer.ts";
import {
  parsePythonLiteral,
  PythonLiteralError,
} from "../../src/npy/python_literal.ts";

// A run of unary signs before a number: literal_eval takes one sign on a
// number; two or more are malformed. A long run (a header of a trusted file
// with a raised maxHeaderSize) must be refused as malformed, never overflow
// the stack ("Maximum call stack size exceeded").
const RUNS: { text: string; value?: unknown; message?: RegExp }[] = [
  { text: "-1", value: -1n },
  { text: "+1.5", value: { kind: "float", value: 1.5 } },
  { text: "--1", message: /^unary - applies only to a number$/ },
  { text: "+-1", message: /^unary \+ applies only to a number$/ },
  { text: "-x", message: /^unary - applies only to a number$/ },
  { text: "-" + "+".repeat(200_000) + "1", message: /^unary \+ applies/ },
  { text: "(" + "-".repeat(200_000) + "1,)", message: /^unary - applies/ },
  { text: "-".repeat(200_000), message: /./ },
];

Deno.test("parsePythonLiteral() reads runs of unary signs without recursion", () => {
  for (const { text, value, message } of RUNS) {
    const name = text.slice(0, 12);
    if (message === undefined) {
      assert.deepEqual(parsePythonLiteral(text), value, name);
    } else {
      assert.throws(
        () => parsePythonLiteral(text),
        (e: Error) =>
          e instanceof PythonLiteralError && message.test(e.message),
        name,
      );
    }
  }
});

/** A version 2.0 .npy file whose shape is `(<signs>1,)`. */
function npyWithSigns(signs: number): Uint8Array {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${
    "-".repeat(signs)
  }1,), }`;
  const pad = (64 - ((12 + dict.length + 1) % 64)) % 64;
  const body = new TextEncoder().encode(dict + " ".repeat(pad) + "\n");
  const out = new Uint8Array(12 + body.length + 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(out.buffer).setUint32(8, body.length, true);
  out.set(body, 12);
  return out;
}

Deno.test("every .npy reader refuses a header with a long run of unary signs as InvalidData", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/signs.npy`;
    Deno.writeFileSync(path, npyWithSigns(100_000));
    const zpath = `${dir}/signs.npz`;
    {
      using file = Deno.openSync(zpath, { write: true, createNew: true });
      const w = new ZipWriter(outputFile(file, zpath));
      w.add("stored.npy", [npyWithSigns(100_000)], { compress: false });
      w.add("deflated.npy", [npyWithSigns(100_000)], { compress: true });
      w.finish();
    }
    const npz = (name: string, mmapMode?: "r") => () => {
      using z = new NpzFile(zpath, { maxHeaderSize: 1e6, mmapMode });
      return z.get(name);
    };
    const readers: [string, () => unknown][] = [
      ["load", () => load(path, { maxHeaderSize: 1e6 })],
      ["load mmap", () => load(path, { maxHeaderSize: 1e6, mmapMode: "r" })],
      ["openMemmap", () => openMemmap(path, { maxHeaderSize: 1e6 })],
      ["NpzFile stored", npz("stored")],
      ["NpzFile stored mmap", npz("stored", "r")],
      ["NpzFile deflated", npz("deflated")],
    ];
    for (const [name, read] of readers) {
      assert.throws(
        read,
        (e: Error) =>
          e instanceof Deno.errors.InvalidData &&
          /^Cannot parse \.npy header: unary - applies only to a number/.test(
            e.message,
          ),
        name,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

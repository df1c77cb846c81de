import assert from "node:assert/strict";
import { bytesSource } from "../../src/npy/byte_source.ts";
import {
  formatNpyHeader,
  MAX_HEADER_SIZE,
  type NpyHeader,
  type NpyVersion,
  readNpyHeader,
} from "../../src/npy/header.ts";
import { EXPECTED, FIXTURES, invalid } from "./_helpers.ts";

const enc = new TextEncoder();

/** Builds .npy bytes with a given version and header text (no data). */
function npy(text: string, version = 1, minor = 0): Uint8Array {
  const raw = version === 3
    ? enc.encode(text)
    : Uint8Array.from(text, (c) => c.charCodeAt(0));
  const lengthSize = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + raw.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, minor]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, raw.length, true);
  else v.setUint32(8, raw.length, true);
  out.set(raw, 8 + lengthSize);
  return out;
}

function read(bytes: Uint8Array): NpyHeader {
  return readNpyHeader(bytesSource(bytes), 0, '"test.npy"');
}

Deno.test("readNpyHeader() reads every NumPy-made fixture's dtype, order, shape and version", () => {
  for (const [name, exp] of Object.entries(EXPECTED)) {
    if (name.startsWith("npz:")) continue;
    const bytes = Deno.readFileSync(FIXTURES + name);
    const h = read(bytes);
    assert.equal(h.descr.str, exp.descr, name);
    assert.deepEqual(h.shape, exp.shape, name);
    assert.equal(h.fortranOrder, exp.fortran_order, name);
    assert.deepEqual(h.version, exp.version ?? [1, 0], name);
    assert.equal(h.headerLength + h.nbytes, bytes.length, name);
  }
});

Deno.test("readNpyHeader() reads at an offset inside a larger source", () => {
  const inner = Deno.readFileSync(FIXTURES + "dtype_le_f8.npy");
  const outer = new Uint8Array(inner.length + 37);
  outer.set(inner, 37);
  const h = readNpyHeader(bytesSource(outer), 37, "x");
  assert.equal(h.descr.str, "<f8");
  assert.deepEqual(h.shape, [2, 3]);
  assert.equal(h.headerLength, 128);
});

Deno.test("formatNpyHeader() writes the same bytes as np.save", () => {
  for (const [name, exp] of Object.entries(EXPECTED)) {
    if (
      name.startsWith("npz:") || name.startsWith("numpy1") ||
      name.startsWith("python2")
    ) continue;
    const bytes = Deno.readFileSync(FIXTURES + name);
    const version = exp.version as [1, 0] | [2, 0] | [3, 0] | undefined;
    const h = formatNpyHeader(exp.descr, exp.fortran_order, exp.shape, version);
    assert.deepEqual(h, bytes.subarray(0, h.length), name);
    assert.equal(h.length % 64, 0);
  }
});

Deno.test("formatNpyHeader() output reads back, 64-byte aligned, for any rank", () => {
  for (let ndim = 0; ndim <= 40; ndim++) {
    const shape = Array.from(
      { length: ndim },
      (_, i) => (i * 7919) % (ndim > 6 ? 4 : 1000),
    );
    for (
      const version of [undefined, [2, 0], [3, 0]] as (NpyVersion | undefined)[]
    ) {
      const bytes = formatNpyHeader(">c8", true, shape, version);
      assert.equal(bytes.length % 64, 0);
      const h = read(bytes);
      assert.deepEqual(h.shape, shape);
      assert.equal(h.fortranOrder, true);
      assert.equal(h.descr.str, ">c8");
      assert.equal(h.headerLength, bytes.length);
      assert.deepEqual(h.version, version ?? [1, 0]);
    }
  }
});

Deno.test("readNpyHeader() refuses a bad magic string", () => {
  const bytes = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
  bytes[1] = 0x4f;
  assert.throws(
    () => read(bytes),
    invalid(
      /^Bad \.npy magic string b'\\x93OUMPY', expected b'\\x93NUMPY' in "test\.npy" at byte 1$/,
    ),
  );
  assert.throws(
    () => read(enc.encode("PK\x03\x04 not an npy")),
    invalid(/magic.*at byte 0$/),
  );
});

Deno.test("readNpyHeader() refuses unknown versions", () => {
  const text = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  assert.throws(
    () => read(npy(text, 4)),
    invalid(/^Unsupported \.npy format version 4\.0 .* at byte 6$/),
  );
  assert.throws(() => read(npy(text, 1, 1)), invalid(/version 1\.1/));
  assert.throws(() => read(npy(text, 0)), invalid(/version 0\.0/));
});

Deno.test("readNpyHeader() refuses truncated content at every length", () => {
  const bytes = formatNpyHeader("<i2", false, [3]);
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(
      () => read(bytes.subarray(0, n)),
      invalid(/Truncated/),
      `prefix of ${n} bytes`,
    );
  }
});

Deno.test("readNpyHeader() refuses headers over 10,000 characters before reading them", () => {
  const pad = " ".repeat(MAX_HEADER_SIZE);
  const text = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + pad;
  assert.throws(
    () => read(npy(text, 2)),
    invalid(
      /Header length 10055 is over the limit of 10000 characters .* at byte 8$/,
    ),
  );
  // A 4 GiB claim in the length field is refused without reading anything.
  const claim = npy("", 2);
  new DataView(claim.buffer).setUint32(8, 0xffffffff, true);
  assert.throws(
    () => read(claim),
    invalid(/Header length 4294967295 is over the limit/),
  );
  // Exactly at the limit is fine.
  const ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  assert.deepEqual(read(npy(ok.padEnd(MAX_HEADER_SIZE), 2)).shape, []);
});

Deno.test("readNpyHeader() counts characters, not bytes, in a version 3.0 header", () => {
  const text = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  // 9,955 characters but 10,855 bytes: under the limit, so it is parsed (and
  // refused for the stray characters, not for its length).
  const accented = text + " ".repeat(9000) + "\u00e9".repeat(900);
  assert.throws(
    () => read(npy(accented, 3)),
    invalid(
      /Cannot parse \.npy header: unexpected "\u00e9" after the literal .* at byte 9067$/,
    ),
  );
  assert.throws(
    () => read(npy(text + " ".repeat(MAX_HEADER_SIZE), 3)),
    invalid(/over the limit/),
  );
  assert.throws(
    () => read(npy(text + "\xff", 3)),
    (e: unknown) => e instanceof Deno.errors.InvalidData,
  );
});

Deno.test("readNpyHeader() refuses missing, extra or mistyped keys", () => {
  const cases: [string, RegExp][] = [
    [
      "{'descr': '<f8', 'shape': (), }",
      /exactly the keys 'descr', 'fortran_order', 'shape', found \['descr', 'shape'\]/,
    ],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}",
      /found \['descr', 'fortran_order', 'shape', 'x'\]/,
    ],
    [
      "{'descr': '<f8', 'fortran_order': 0, 'shape': ()}",
      /'fortran_order' is not True or False/,
    ],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
      /'shape' is not a tuple of ints/,
    ],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 'a')}",
      /'shape' is not a tuple of ints/,
    ],
    [
      "{'descr': 8, 'fortran_order': False, 'shape': ()}",
      /Descriptor 8 is not a dtype/,
    ],
    [
      "{'descr': '<q9', 'fortran_order': False, 'shape': ()}",
      /Descriptor "<q9" is not a valid dtype/,
    ],
    ["['descr', 'fortran_order', 'shape']", /not a dict/],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) ",
      /Cannot parse \.npy header: unexpected end of header in brackets/,
    ],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => read(npy(text)), invalid(pattern), text);
  }
});

Deno.test("readNpyHeader() reports the byte offset of a syntax error", () => {
  const text = "{'descr': '<f8', 'fortran_order': Flase, 'shape': (), }";
  assert.throws(
    () => read(npy(text)),
    invalid(/name "Flase" is not a literal in "test\.npy" at byte 44$/),
  );
});

Deno.test("readNpyHeader() refuses negative and overflowing shapes", () => {
  const header = (shape: string, descr = "<f8") =>
    npy(`{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`);
  assert.throws(
    () => read(header("(3, -1)")),
    invalid(/shape \(3, -1\) has a negative dimension/),
  );
  assert.throws(
    () => read(header("(1125899906842624,)")),
    invalid(/overflows: it spans more than 2\*\*53 - 1 bytes/),
  );
  assert.throws(
    () => read(header("(0, 99999999999999999999999)")),
    invalid(/has dimension 99999999999999999999999, more than 2\*\*53 - 1/),
  );
  assert.throws(
    () => read(header("(4294967296, 4294967296)", "|u1")),
    invalid(/overflows/),
  );
  const big = read(header("(1073741824, 2)"));
  assert.equal(big.nbytes, 2 ** 34);
  assert.equal(read(header("(0, 1000000)")).size, 0);
});

Deno.test("readNpyHeader() throws TypeError for object and unsupported dtypes", () => {
  const header = (descr: string) =>
    npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (2,), }`);
  for (
    const pickled of ["'|O'", "[('a', '<f8'), ('b', '|O')]", "('|O', (2,))"]
  ) {
    assert.throws(
      () => read(header(pickled)),
      (e: unknown) =>
        e instanceof TypeError &&
        /pickled Python objects/.test((e as Error).message),
      pickled,
    );
  }
  assert.throws(
    () => read(header("'T'")),
    (e: unknown) =>
      e instanceof TypeError &&
      /Cannot load dtype "T"/.test((e as Error).message),
  );
  assert.equal(read(header("'<M8[ns]'")).descr.str, "<M8[ns]");
  assert.deepEqual(
    read(header("[('a', '<f8'), ('b', '<i4')]")).descr.names,
    ["a", "b"],
  );
});

Deno.test("formatNpyHeader() refuses a version 1.0 header that does not fit", () => {
  const shape = Array.from({ length: 7000 }, () => 1000000000);
  assert.throws(() => formatNpyHeader("<f8", false, shape, [1, 0]), RangeError);
  const auto = formatNpyHeader("<f8", false, shape);
  assert.equal(auto[6], 2);
});

import assert from "node:assert/strict";
import {
  parsePythonLiteral,
  PythonLiteralError,
  type PyValue,
} from "../../src/npy/python_literal.ts";

function tuple(...items: PyValue[]): PyValue {
  return { kind: "tuple", items };
}

Deno.test("parsePythonLiteral() reads a NumPy header dict", () => {
  const v = parsePythonLiteral(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n",
  );
  assert.deepEqual(
    v,
    new Map<PyValue, PyValue>([
      ["descr", "<f8"],
      ["fortran_order", false],
      ["shape", tuple(3n, 4n)],
    ]),
  );
});

Deno.test("parsePythonLiteral() tells tuples, parenthesised values and lists apart", () => {
  assert.deepEqual(parsePythonLiteral("()"), tuple());
  assert.deepEqual(parsePythonLiteral("(5,)"), tuple(5n));
  assert.equal(parsePythonLiteral("(5)"), 5n);
  assert.deepEqual(parsePythonLiteral("[1, 2,]"), [1n, 2n]);
  assert.deepEqual(
    parsePythonLiteral("((1, 2), [])"),
    tuple(tuple(1n, 2n), []),
  );
});

Deno.test("parsePythonLiteral() reads integers with signs, separators and big values", () => {
  assert.equal(parsePythonLiteral("-12"), -12n);
  assert.equal(parsePythonLiteral("+ 7"), 7n);
  assert.equal(parsePythonLiteral("1_000_000"), 1000000n);
  assert.equal(parsePythonLiteral("0"), 0n);
  assert.equal(
    parsePythonLiteral("123456789012345678901234567890"),
    123456789012345678901234567890n,
  );
});

Deno.test("parsePythonLiteral() reads string escapes and prefixes", () => {
  assert.equal(
    parsePythonLiteral(String.raw`'a\'b\n\x41\u00e9\101'`),
    "a'b\nA\u00e9A",
  );
  assert.equal(parsePythonLiteral(`"it's"`), "it's");
  assert.equal(parsePythonLiteral("u'<f8'"), "<f8");
  assert.deepEqual(parsePythonLiteral(String.raw`b'\x00z'`), {
    kind: "bytes",
    value: new Uint8Array([0, 0x7a]),
  });
});

Deno.test("parsePythonLiteral() reads True, False and None as whole words only", () => {
  assert.equal(parsePythonLiteral("True"), true);
  assert.equal(parsePythonLiteral("False"), false);
  assert.equal(parsePythonLiteral("None"), null);
  assert.throws(() => parsePythonLiteral("Truely"), PythonLiteralError);
});

Deno.test("parsePythonLiteral() accepts Python 2 long suffixes only when asked", () => {
  assert.throws(() => parsePythonLiteral("(2L, 3)"), PythonLiteralError);
  assert.deepEqual(
    parsePythonLiteral("(2L, 3l)", { allowLongSuffix: true }),
    tuple(2n, 3n),
  );
});

Deno.test("parsePythonLiteral() refuses what is not a plain literal", async (t) => {
  const cases: [string, number][] = [
    ["__import__('os')", 0],
    ["{'a': 1} # comment", 9],
    ["1.5", 0],
    ["0x10", 0],
    ["012", 0],
    ["1 + 2", 2],
    ["'ab' 'cd'", 5],
    ["'unterminated", 0],
    ["{'a' 1}", 5],
    ["{'a': 1 'b': 2}", 8],
    ["{'a': 1, 'a': 2}", 9],
    ["{(1,): 2}", 1],
    ["(1, 2", 5],
    ["", 0],
    ["--1", 1],
    ["'\\x4'", 1],
  ];
  for (const [text, index] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(
        () => parsePythonLiteral(text),
        (e: unknown) => e instanceof PythonLiteralError && e.index === index,
      );
    });
  }
});

Deno.test("parsePythonLiteral() refuses nesting deeper than the limit", () => {
  assert.deepEqual(parsePythonLiteral("(((1,),),)"), tuple(tuple(tuple(1n))));
  assert.throws(
    () => parsePythonLiteral("(".repeat(5000) + ")".repeat(5000)),
    /nesting deeper than 64 levels/,
  );
});

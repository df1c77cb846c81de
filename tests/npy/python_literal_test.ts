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

Deno.test("parsePythonLiteral() drops Python 2 long suffixes only when asked, as NumPy's _filter_header", () => {
  assert.throws(() => parsePythonLiteral("(2L, 3)"), PythonLiteralError);
  assert.deepEqual(
    parsePythonLiteral("(2L, 3 L, 0x4L, 5L L)", { allowLongSuffix: true }),
    tuple(2n, 3n, 4n, 5n),
  );
  for (
    const text of ["(3l,)", "(3Lx,)", "(3\nL,)", "(3 # c\nL,)", "('a' L,)"]
  ) {
    assert.throws(
      () => parsePythonLiteral(text, { allowLongSuffix: true }),
      PythonLiteralError,
      text,
    );
  }
});

Deno.test("parsePythonLiteral() reads what ast.literal_eval reads", () => {
  const cases: [string, PyValue][] = [
    ["{'a': 1} # comment", new Map<PyValue, PyValue>([["a", 1n]])],
    [
      "{'a': 1, 'a': 2, 'b': 3}",
      new Map<PyValue, PyValue>([["a", 2n], ["b", 3n]]),
    ],
    [
      "{'a':\n 1, # c\n 'b': \\\n 2}",
      new Map<PyValue, PyValue>([["a", 1n], ["b", 2n]]),
    ],
    ["'ab' \"cd\" r'\\e'", "abcd\\e"],
    ["(0x10, 0o17, 0b11, 1_0, 00, -0)", tuple(16n, 15n, 3n, 10n, 0n, 0n)],
    ["1.5", { kind: "float", value: 1.5 }],
    ["-1-2j", { kind: "complex", re: -1, im: -2 }],
    ["...", { kind: "ellipsis" }],
    ["{1, 1.0, True, 2}", { kind: "set", items: [1n, 2n] }],
    ["set()", { kind: "set", items: [] }],
    ["{(1, 'a'): None}", new Map<PyValue, PyValue>([[tuple(1n, "a"), null]])],
    ["\n  \n{}\n\n", new Map()],
  ];
  for (const [text, value] of cases) {
    assert.deepEqual(parsePythonLiteral(text), value, text);
  }
});

Deno.test("parsePythonLiteral() refuses what ast.literal_eval refuses", async (t) => {
  const cases: [string, number][] = [
    ["__import__('os')", 10],
    ["1 + 2", 4],
    ["--1", 1],
    ["'\\x4'", 1],
    ["012", 0],
    ["'unterminated", 0],
    ["{'a' 1}", 5],
    ["{'a': 1 'b': 2}", 8],
    ["{[1]: 2}", 1],
    ["{1, []}", 1],
    ["(1, 2", 5],
    ["", 0],
    ["'a' b'b'", 4],
    ["f'a'", 0],
    ["\n {}", 2],
    ["{}\\\n", 2],
    ["{}\v", 2],
    ["{'a\0': 1}", 3],
    ["-True", 1],
    ["1j + 2j", 0],
    ["(1).real", 3],
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

Deno.test("parsePythonLiteral() refuses brackets nested deeper than Python's 200", () => {
  assert.deepEqual(parsePythonLiteral("(((1,),),)"), tuple(tuple(tuple(1n))));
  assert.doesNotThrow(() =>
    parsePythonLiteral("(".repeat(200) + ")".repeat(200))
  );
  assert.throws(
    () => parsePythonLiteral("(".repeat(5000) + ")".repeat(5000)),
    /brackets nested deeper than 200 levels/,
  );
});

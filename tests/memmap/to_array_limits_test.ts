import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type DTypeLike, memmap, zeros } from "../../mod.ts";
import {
  MAX_JS_ARRAY_LENGTH,
  MAX_NESTED_VALUES,
  nestedArraysRefusal,
} from "../../src/memmap/js_arrays.ts";

// toArray() (NumPy's tolist()) of arrays too large for nested JavaScript
// arrays: the library's RangeError before anything is built, for every kind
// of element (numbers, bytes, text, records), never V8's "Invalid array
// length" nor a fatal out-of-memory abort. Zero-size arrays make these
// shapes without memory.
const DTYPES: DTypeLike[] = ["uint8", "float64", "S3", "U2", "V2", [[
  "a",
  "i4",
]]];

// Each shape over one element: zero strides (a memmap of one element's
// bytes) make these shapes without memory.
const TOO_LARGE: { shape: number[]; reason: RegExp }[] = [
  {
    shape: [2, MAX_JS_ARRAY_LENGTH + 1],
    reason: /axis 1 has 134217729 elements, more than a JavaScript array/,
  },
  {
    shape: [2 ** 30, 0],
    reason: /axis 0 has 1073741824 elements, more than a JavaScript array/,
  },
  {
    shape: [2 ** 14, 2 ** 14, 2 ** 2],
    reason: /needs \d+ JavaScript arrays and elements, more than 1073741824/,
  },
];

Deno.test("toArray() refuses shapes too large for nested JavaScript arrays", () => {
  const dir = Deno.makeTempDirSync();
  try {
    for (const [i, dtype] of DTYPES.entries()) {
      const path = `${dir}/${i}.bin`;
      const one = memmap(path, { dtype, mode: "w+", shape: [1] });
      const itemsize = one.itemsize;
      one.flush();
      for (const { shape, reason } of TOO_LARGE) {
        const a = memmap(path, {
          dtype,
          mode: "r",
          shape,
          strides: shape.map(() => 0),
        });
        assert.equal(a.itemsize, itemsize);
        assert.throws(
          () => a.toArray(),
          (e: Error) =>
            e instanceof RangeError &&
            e.message.startsWith(
              `Cannot convert an array of shape (${
                shape.join(", ")
              }) to nested arrays: `,
            ) && reason.test(e.message),
          `${JSON.stringify(dtype)} ${shape}`,
        );
        // Windows cannot remove a file that is still mapped.
        a.close();
      }
      one.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("nestedArraysRefusal() counts arrays, elements and axes", () => {
  const rows: [number[], RegExp | undefined][] = [
    [[], undefined],
    [[0], undefined],
    [[MAX_JS_ARRAY_LENGTH], undefined],
    [[MAX_JS_ARRAY_LENGTH + 1], /axis 0/],
    [[1, MAX_JS_ARRAY_LENGTH + 1], /axis 1/],
    // Nothing is built past an empty axis (NumPy's tolist() gives []).
    [[0, MAX_JS_ARRAY_LENGTH + 1], undefined],
    [[3, 1, MAX_JS_ARRAY_LENGTH + 1], /axis 2/],
    [[2 ** 15, 2 ** 15 - 2], undefined],
    [[2 ** 15, 2 ** 15 - 1], /more than 1073741824/],
    // 2**30 rows of one element: 2**30 + 1 arrays and 2**30 elements.
    [[2 ** 15, 2 ** 15, 1], /more than 1073741824/],
    [[2 ** 14, 2 ** 15, 0], undefined],
    [[2 ** 15, 2 ** 15, 0], /more than 1073741824/],
  ];
  for (const [shape, want] of rows) {
    const got = nestedArraysRefusal(shape);
    if (want === undefined) {
      // Only the heap may refuse these: never the axis or count limits.
      assert.ok(got === undefined || /heap/.test(got), `${shape}: ${got}`);
    } else assert.match(got ?? "", want, `${shape}`);
  }
  assert.equal(MAX_NESTED_VALUES, 2 ** 30);
});

Deno.test("a subarray field too large for nested arrays is refused when read", () => {
  const a = zeros([2], { dtype: [["a", "f8", [2 ** 30, 0]]] });
  assert.throws(
    () => a.toArray(),
    (e: Error) =>
      e instanceof RangeError &&
      /^Cannot read an element of .* as nested arrays: axis 0 has 1073741824/
        .test(e.message),
  );
  assert.deepEqual(
    zeros([1], { dtype: [["a", "f8", [2, 0]]] }).toArray(),
    [{ a: [[], []] }],
  );
});

// With a small heap, building 2**24 empty rows would abort the process
// ("Fatal JavaScript out of memory"): the heap left is checked first.
Deno.test("toArray() with a small heap throws instead of aborting the process", async () => {
  const child = fileURLToPath(new URL("./_to_array_child.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--v8-flags=--max-old-space-size=64", child],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(
    text,
    /^RangeError: Cannot convert an array of shape \(16777216, 0\) to nested arrays: it needs at least \d+ bytes of JavaScript heap/,
  );
});

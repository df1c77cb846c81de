import assert from "node:assert/strict";
import { array, dtype } from "../../mod.ts";

Deno.test("NDArray.fill() writes the value into every element, for every type and layout", () => {
  const cases: [string, number | bigint | boolean][] = [
    ["u1", 200],
    ["<i2", -3],
    [">i4", -70000],
    ["<u8", 2n ** 63n + 5n],
    [">f8", 1.25],
    ["<f2", 0.5],
    ["?", true],
  ];
  for (const [code, value] of cases) {
    const a = array(new Array(10_007).fill(0), { dtype: code });
    a.fill(value);
    const values = a.toArray() as unknown[];
    assert.ok(
      values.every((v) => v === value),
      `${code}: ${values.find((v) => v !== value)}`,
    );
    // A strided view: only its elements change.
    const b = array(new Array(9).fill(0), { dtype: code, shape: [3, 3] });
    b.slice(null, "::2").fill(value);
    const zero = dtype(code).kind === "b"
      ? false
      : dtype(code).name.endsWith("64") && dtype(code).kind !== "f"
      ? 0n
      : 0;
    assert.deepEqual(b.slice(null, 1).toArray(), [zero, zero, zero], code);
    assert.deepEqual(b.slice(null, 2).toArray(), [value, value, value], code);
  }
  const c = array([0, 0, 0], { dtype: "complex128" }).fill({ re: 1, im: -2 });
  assert.deepEqual(c.toArray(), [{ re: 1, im: -2 }, { re: 1, im: -2 }, {
    re: 1,
    im: -2,
  }]);
});

import assert from "node:assert/strict";
import {
  arange,
  array,
  full,
  type NDArray,
  savez,
  savezCompressed,
  zeros,
} from "../mod.ts";

// Objects the library enumerates (the arrays of savez, an object given as a
// record element) whose own code fails while being read: a Proxy whose
// ownKeys trap breaks the Proxy invariants (V8 throws its own TypeError), a
// Proxy whose has trap throws, a getter that throws. Each gives the library's
// TypeError ("Cannot ...: ... could not be read"), the error thrown kept as
// its cause, and nothing is written.
const UNREADABLE: Record<string, (value: unknown) => object> = {
  "ownKeys with duplicates": (value) =>
    new Proxy({}, {
      ownKeys: () => ["a", "a"],
      getOwnPropertyDescriptor: () => ({
        value,
        enumerable: true,
        configurable: true,
      }),
    }),
  "ownKeys not a list": (_value) =>
    new Proxy({}, { ownKeys: () => 5 as unknown as string[] }),
  "has that throws": (value) =>
    new Proxy({ a: value }, {
      has() {
        throw new Error("has");
      },
    }),
  "getter that throws": (_value) =>
    Object.defineProperty({}, "a", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    }),
};

function refused(prefix: RegExp): (e: unknown) => boolean {
  return (e) =>
    e instanceof TypeError && prefix.test(e.message) &&
    / could not be read \(\w+ from its Proxy traps or getters\)$/.test(
      e.message,
    ) && e.cause !== undefined;
}

Deno.test("savez() and savezCompressed() refuse an arrays object that cannot be read", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const saves = { savez, savezCompressed };
    for (const [kind, make] of Object.entries(UNREADABLE)) {
      for (const [name, save] of Object.entries(saves)) {
        const path = `${dir}/${name}.npz`;
        const arrays = make(arange(3)) as Record<string, NDArray>;
        // The "has" row reads fine through Object.entries: saved.
        if (kind === "has that throws") {
          save(path, arrays);
          Deno.removeSync(path);
          continue;
        }
        assert.throws(
          () => save(path, arrays),
          refused(/^Cannot save an object: the arrays object /),
          `${name} ${kind}`,
        );
        assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

const RECORD = [["a", "i4"]] as const;

/** Every entry point that converts an object to a record element. */
const RECORD_WRITES: Record<string, (value: unknown) => unknown> = {
  array: (v) => array([v] as never, { dtype: RECORD }),
  full: (v) => full([2], v as never, { dtype: RECORD }),
  set: (v) => zeros([2], { dtype: RECORD }).set(0, v as never),
  fill: (v) => zeros([2], { dtype: RECORD }).fill(v as never),
  assign: (v) => zeros([2], { dtype: RECORD }).assign(v as never),
  put: (v) => zeros([2], { dtype: RECORD }).put([0], [v] as never),
  putmask: (v) =>
    zeros([2], { dtype: RECORD }).putmask([true, false], [v] as never),
  eq: (v) => zeros([2], { dtype: RECORD }).eq(v as never),
};

Deno.test("every record conversion refuses an object that cannot be read", () => {
  for (const [kind, make] of Object.entries(UNREADABLE)) {
    for (const [name, write] of Object.entries(RECORD_WRITES)) {
      assert.throws(
        () => write(make(1)),
        refused(/^Cannot convert an object to a record of a: the object /),
        `${name} ${kind}`,
      );
    }
  }
});

Deno.test("records from readable objects, inherited fields too, still convert", () => {
  const proto = { a: 7 };
  for (const [name, write] of Object.entries(RECORD_WRITES)) {
    assert.doesNotThrow(() => write({ a: 1 }), name);
    assert.doesNotThrow(() => write(Object.create(proto)), name);
  }
  assert.deepEqual(
    array([Object.create(proto)], { dtype: RECORD }).toArray(),
    [{ a: 7 }],
  );
});

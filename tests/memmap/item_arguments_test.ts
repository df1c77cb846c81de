/**
 * Arrays of bytes, text, raw bytes, records and datetimes convert every
 * argument before they look at their state: a value whose code closes the
 * map while it is converted gives BadResource (not the engine's "detached
 * ArrayBuffer"), and values the engine cannot read (a detached Uint8Array,
 * a revoked Proxy) give the library's own errors.
 */
import assert from "node:assert/strict";
import { dtype, type Memmap, memmap, Mmap, NDArray } from "../../mod.ts";
import { tempDir } from "../test_util.ts";
import { isContractError } from "../_hostile.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** Each item type with one valid element value. */
const TYPES: [string, unknown, unknown][] = [
  ["S4", "S4", "ab"],
  ["V4", "V4", new Uint8Array([1, 2, 3, 4])],
  ["U2", "<U2", "ab"],
  ["record", [["a", "<i4"], ["b", "S3"]], { a: 1, b: "x" }],
  ["M8[s]", "<M8[s]", 5n],
  ["m8[D]", "<m8[D]", 5n],
];

/** Calls that take a value: the value is `v`. */
const CALLS: [string, (a: Memmap<Any>, v: unknown) => unknown][] = [
  ...["eq", "ne", "lt", "le", "gt", "ge"].map((op) =>
    [op, (a: Any, v: unknown) => a[op](v)] as [
      string,
      (a: Memmap<Any>, v: unknown) => unknown,
    ]
  ),
  ["assign", (a, v) => a.assign(v as Any)],
  ["put", (a, v) => a.put([0], v as Any)],
  ["putmask", (a, v) => a.putmask(new Array(a.size).fill(true), v as Any)],
];

/** The arrays tried: a memmap, an array over an `Mmap`'s bytes, one in memory. */
type Kind = "memmap" | "over an Mmap" | "in memory";
const CLOSABLE: readonly Kind[] = ["memmap", "over an Mmap"];
const KINDS: readonly Kind[] = [...CLOSABLE, "in memory"];

/**
 * Runs `fn` on a 3-element array of `type` of each kind; `close` closes its
 * memory map (a no-op in memory).
 */
function withVictim(
  type: unknown,
  fn: (a: Memmap<Any>, close: () => void, kind: Kind) => void,
  kinds: readonly Kind[] = KINDS,
): void {
  using dir = tempDir();
  const file = `${dir.path}/items.bin`;
  Deno.writeFileSync(file, new Uint8Array(64));
  for (const kind of kinds) {
    let a: Any, close: () => void;
    if (kind === "memmap") {
      a = memmap(file, { dtype: type as Any, shape: [3], mode: "r+" });
      close = () => a.close();
    } else if (kind === "over an Mmap") {
      const m = Mmap.open(file);
      a = new NDArray({ bytes: m.bytes, readOnly: false }, dtype(type as Any), [
        3,
      ]);
      close = () => m.close();
    } else {
      const dt = dtype(type as Any);
      a = new NDArray(
        { bytes: new Uint8Array(3 * dt.itemsize), readOnly: false },
        dt,
        [3],
      );
      close = () => {};
    }
    try {
      fn(a, close, kind);
    } finally {
      close();
    }
  }
}

Deno.test("item arrays: a value whose getter closes the map while it is converted gives BadResource, for every comparison and write", () => {
  for (const [name, type, good] of TYPES) {
    for (const [call, run] of CALLS) {
      withVictim(type, (a, close, kind) => {
        // One element whose getter closes the map and gives a valid value.
        const data = [good];
        Object.defineProperty(data, 0, {
          get() {
            close();
            return good;
          },
        });
        assert.throws(
          () => run(a, data),
          (e: Error) =>
            e instanceof Deno.errors.BadResource &&
            /^Cannot .*closed/.test(e.message),
          `${name}.${call} (${kind})`,
        );
      }, CLOSABLE);
    }
  }
});

Deno.test("item arrays: a record or element value whose getter closes the map gives BadResource from set() and fill()", () => {
  for (const call of ["set", "fill"]) {
    withVictim([["a", "<i4"], ["b", "S3"]], (a, close, kind) => {
      const value = {
        b: "x",
        get a() {
          close();
          return 1;
        },
      };
      assert.throws(
        () => call === "set" ? a.set(0, value as Any) : a.fill(value as Any),
        Deno.errors.BadResource,
        `${call} (${kind})`,
      );
    }, CLOSABLE);
  }
});

Deno.test("item arrays: a detached Uint8Array as a value of bytes or raw bytes is refused with the library's error", () => {
  for (const [name, type] of TYPES.slice(0, 2)) {
    for (
      const [call, run] of [
        ...CALLS,
        ["fill", (a: Memmap<Any>, v: unknown) => a.fill(v as Any)],
        ["set", (a: Memmap<Any>, v: unknown) => a.set(0, v as Any)],
      ] as [string, (a: Memmap<Any>, v: unknown) => unknown][]
    ) {
      withVictim(type, (a, _close, kind) => {
        const bytes = new Uint8Array(new ArrayBuffer(4));
        bytes.buffer.transfer();
        const before = a.storage.bytes.slice();
        assert.throws(
          () => run(a, bytes),
          (e: Error) =>
            e instanceof Deno.errors.BadResource &&
            /^Cannot convert a Uint8Array to .*detached/.test(e.message),
          `${name}.${call} (${kind})`,
        );
        assert.deepEqual(a.storage.bytes, before, `${name}.${call} (${kind})`);
      });
    }
  }
});

Deno.test("item arrays: a Uint8Array's own length or a subclass's runs no code and does not change the value", () => {
  for (const [name, type] of TYPES.slice(0, 2)) {
    withVictim(type, (a, _close, kind) => {
      const bytes = new Uint8Array([65, 66]);
      let ran = false;
      Object.defineProperty(bytes, "length", {
        get() {
          ran = true;
          return 1 << 30;
        },
      });
      a.fill(bytes as Any);
      assert.equal(ran, false, `${name} (${kind})`);
      assert.deepEqual(
        [...(a.get(0) as unknown as Uint8Array)],
        name === "S4" ? [65, 66] : [65, 66, 0, 0],
      );
      assert.deepEqual(a.eq(bytes as Any).toArray(), [true, true, true]);
    });
  }
});

Deno.test("item arrays: a revoked Proxy as a value gives TypeError with the library's message, for every type and call", () => {
  for (const [name, type] of TYPES) {
    for (
      const [call, run] of [
        ...CALLS,
        ["fill", (a: Memmap<Any>, v: unknown) => a.fill(v as Any)],
        ["set", (a: Memmap<Any>, v: unknown) => a.set(0, v as Any)],
      ] as [string, (a: Memmap<Any>, v: unknown) => unknown][]
    ) {
      for (const nested of [false, true]) {
        withVictim(type, (a, _close, kind) => {
          const { proxy, revoke } = Proxy.revocable({}, {});
          revoke();
          const label = `${name}.${call}${nested ? " nested" : ""} (${kind})`;
          const before = a.storage.bytes.slice();
          assert.throws(
            () => run(a, nested ? [proxy] : proxy),
            (e: Error) => e instanceof TypeError && isContractError(e),
            label,
          );
          assert.deepEqual(a.storage.bytes, before, label);
        });
      }
    }
  }
});

Deno.test("item arrays: a Proxy of a Date is not a Date (no trap runs)", () => {
  withVictim("<M8[s]", (a) => {
    let ran = false;
    const proxy = new Proxy(new Date(0), {
      getPrototypeOf() {
        ran = true;
        return Date.prototype;
      },
    });
    assert.throws(() => a.fill(proxy as Any), TypeError);
    assert.throws(() => a.eq(proxy as Any), TypeError);
    assert.equal(ran, false);
    const date = new Date(1000);
    a.fill(date as Any);
    assert.deepEqual(a.toArray(), [1n, 1n, 1n]);
  });
});

Deno.test("item arrays: a value the library cannot read after valid ones writes nothing (no half-written array)", () => {
  const bad: [string, () => unknown][] = [
    ["a revoked Proxy", () => {
      const { proxy, revoke } = Proxy.revocable([1], {});
      revoke();
      return proxy;
    }],
    ["a detached Uint8Array", () => {
      const bytes = new Uint8Array(new ArrayBuffer(4));
      bytes.buffer.transfer();
      return bytes;
    }],
    ["a symbol", () => Symbol("s")],
  ];
  const writes: [string, (a: Any, values: unknown[]) => unknown][] = [
    ["assign", (a, values) => a.assign(values)],
    ["put", (a, values) => a.put([0, 1, 2], values)],
    ["putmask", (a, values) => a.putmask([true, true, true], values)],
  ];
  for (const [name, type, good] of TYPES) {
    for (const [what, value] of bad) {
      for (const [call, run] of writes) {
        withVictim(type, (a, _close, kind) => {
          a.storage.bytes.fill(0x31);
          const before = a.storage.bytes.slice();
          const label = `${name}.${call} with ${what} last (${kind})`;
          assert.throws(
            () => run(a, [good, good, value()]),
            (e: Error) => isContractError(e),
            label,
          );
          assert.deepEqual(a.storage.bytes, before, label);
        });
      }
    }
  }
});

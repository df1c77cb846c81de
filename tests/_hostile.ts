/**
 * Hostile arguments: values whose own code runs when they are converted or
 * read (valueOf, toString, Symbol.toPrimitive, getters, Proxy traps, typed
 * arrays with their own `length`), each doing something to the object under
 * test (closing or resizing it) when that code runs; and plain values of
 * every wrong type and size. Used by `hostile_arguments_test.ts` (in a
 * subprocess, since the failure being guarded against is a crash).
 *
 * @module
 */

/** Values that are not integers: TypeError wherever an integer is expected. */
export const NOT_INTEGERS: readonly unknown[] = [
  NaN,
  1.5,
  -0.5,
  "3",
  "abc",
  true,
  [3],
  {},
  Symbol("s"),
  () => 3,
  new Number(3),
  Object(3n),
];

/** Integers (and infinities) that no numeric argument accepts: RangeError. */
export const OUT_OF_RANGE: readonly unknown[] = [
  2 ** 64,
  2 ** 64 + 4096,
  1e308,
  Infinity,
  -Infinity,
  2 ** 53,
  -(2 ** 53),
  2n ** 64n,
  -(2n ** 64n),
];

/** A value to pass, made for one victim; `act` is what its code does. */
export type Hostile = (act: () => void) => unknown;

/** Values whose code runs `act` when a library converts them. */
export const HOSTILE: Record<string, Hostile> = {
  valueOf: (act: () => void) => ({
    valueOf() {
      act();
      return 0;
    },
  }),
  toString: (act: () => void) => ({
    toString() {
      act();
      return "0";
    },
  }),
  toPrimitive: (act) => ({
    [Symbol.toPrimitive]() {
      act();
      return 0;
    },
  }),
  "proxy object": (act) =>
    new Proxy({}, {
      get(_t, key) {
        act();
        return key === Symbol.toPrimitive ? () => 0 : 0;
      },
      has() {
        act();
        return true;
      },
      getPrototypeOf() {
        act();
        return Uint8Array.prototype;
      },
    }),
  "proxy array": (act) =>
    new Proxy([1, 2], {
      get(target, key) {
        act();
        return Reflect.get(target, key);
      },
    }),
  "array with a getter": (act) => {
    const a = [0, 1];
    Object.defineProperty(a, 0, {
      get() {
        act();
        return 0;
      },
    });
    return a;
  },
  "Uint8Array with its own length": (act) => {
    const bytes = new Uint8Array(1);
    Object.defineProperty(bytes, "length", {
      get() {
        act();
        return 1 << 30;
      },
    });
    return bytes;
  },
  "Uint8Array subclass": (act) => {
    class Evil extends Uint8Array {
      override get length(): number {
        act();
        return 1 << 30;
      }
    }
    return new Evil(1);
  },
  "detached Uint8Array": (act) => {
    act();
    const buffer = new ArrayBuffer(8);
    const bytes = new Uint8Array(buffer);
    buffer.transfer();
    return bytes;
  },
  "revoked proxy": (act) => {
    act();
    const { proxy, revoke } = Proxy.revocable([1], {});
    revoke();
    return proxy;
  },
  "options with getters": (act) =>
    new Proxy({}, {
      get() {
        act();
        return undefined;
      },
      has() {
        act();
        return false;
      },
    }),
};

/** Plain values of wrong types and sizes, for every argument. */
export const WRONG: Record<string, unknown> = {
  NaN: NaN,
  "1.5": 1.5,
  "-1": -1,
  // A valid integer, but one FFI's integer parameters refuse and NumPy's
  // shapes never hold: every conversion gives 0 for it.
  "-0": -0,
  "2**53": 2 ** 53,
  "2**64": 2 ** 64,
  "1e308": 1e308,
  Infinity: Infinity,
  "-Infinity": -Infinity,
  "2n**64n": 2n ** 64n,
  '"3"': "3",
  '"abc"': "abc",
  '""': "",
  true: true,
  null: null,
  "[3]": [3],
  "{}": {},
  symbol: Symbol("s"),
  function: () => 0,
  "{ length: 5e7 }": { length: 5e7 },
  "deep list": (() => {
    let a: unknown = [1];
    for (let i = 0; i < 200; i++) a = [a];
    return a;
  })(),
  "cyclic list": (() => {
    const a: unknown[] = [];
    a.push(a);
    return a;
  })(),
  "100 dimensions": new Array(100).fill(1),
  "long string": "x".repeat(100_000),
};

/** Messages of the JavaScript engine's own errors (some also start "Cannot"). */
const ENGINE = new RegExp(
  [
    "^Cannot (read|set) propert",
    "^Cannot convert (a Symbol value|object to primitive|a BigInt value)",
    "to a BigInt$",
    "^Cannot mix BigInt",
    "^Cannot perform ",
    "^Cannot (create|assign to read only|redefine|define|add|delete) property",
    "^Cannot access '",
    "^Cannot (read|write) private member",
    "^Cannot use 'in' operator",
    "^Cannot destructure",
    "^Cannot construct",
    "^Cannot freeze",
    "^Cannot initialize",
    "Invalid (typed )?array (buffer )?length",
    "Maximum call stack",
    "could not be cloned",
    "is not a function",
    "is not iterable",
    "Invalid FFI",
  ].join("|"),
);

/** Whether an error is one of the contract's classes with the library's own message. */
export function isContractError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const contract = error instanceof TypeError || error instanceof RangeError ||
    Object.values(Deno.errors).some((cls) => error instanceof cls);
  // The library's messages start "Cannot ..."; OS errors name the call: "mmap(): ...".
  const own = /^Cannot /.test(error.message) ||
    /^[a-z_]+\(\): /i.test(error.message);
  return contract && own && !ENGINE.test(error.message);
}

/**
 * The receiver check of the public classes' methods, getters and setters,
 * done in one place per class: a call with `this` that is not an instance
 * (`NDArray.prototype.sum.call({})`, a getter read off another object)
 * throws the library's own `TypeError` rather than the engine's ("Receiver
 * must be an instance of class ...", "Cannot read private member ...",
 * "Cannot read properties of undefined").
 *
 * @module
 */

/** The engine's `Reflect.apply`, kept from before any program code ran. */
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;

/** What is done with a member: a method called, a getter read, a setter set. */
export type MemberUse = "call" | "read" | "set";

/**
 * Throws the error for a member used on a receiver that is not an instance.
 *
 * @param className The class's name (`"NDArray"`).
 * @param use What was done with the member.
 * @param name The member's name (`"sum"`, `"[Symbol.iterator]"`).
 * @param instance The words for an instance (`"an NDArray"`).
 * @throws {TypeError} Always: "Cannot call NDArray.sum: the receiver is not an NDArray".
 */
export function throwReceiver(
  className: string,
  use: MemberUse,
  name: string,
  instance: string,
): never {
  throw new TypeError(
    `Cannot ${use} ${className}.${name}: the receiver is not ${instance}`,
  );
}

/**
 * Replaces each own method, getter and setter of `prototype` (not the
 * constructor) with one that checks its receiver first and then calls the
 * original with the same `this` and arguments. The replacements keep the
 * originals' `name` and `length`. Call it when the class is defined, before
 * its prototype is frozen.
 *
 * The element accessors a loop calls millions of times (`get`, `set`) are
 * named in `checkedInline` and left as they are: they check their receiver
 * themselves, with {@linkcode throwReceiver}, when their first use of its
 * private fields fails (a wrapper, or a check before that use, costs a
 * tenth of such a call).
 *
 * @param prototype The class's prototype.
 * @param className The class's name, for messages (`"NDArray"`).
 * @param isInstance The brand check (a private field's `in`).
 * @param instance The words for an instance, for messages (`"an NDArray"`).
 * @param checkedInline The methods that check their receiver themselves.
 */
export function guardReceivers(
  prototype: object,
  className: string,
  isInstance: (value: unknown) => boolean,
  instance: string,
  checkedInline: readonly string[] = [],
): void {
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === "constructor") continue;
    if (typeof key === "string" && checkedInline.includes(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    const name = typeof key === "symbol" ? `[${key.description}]` : key;
    const fail = (use: MemberUse) =>
      throwReceiver(className, use, name, instance);
    const named = <F extends (...args: never[]) => unknown>(
      guarded: F,
      original: { name: string; length: number },
    ): F => {
      defineProperty(guarded, "name", { value: original.name });
      defineProperty(guarded, "length", { value: original.length });
      return guarded;
    };
    const { value, get, set } = descriptor;
    if (typeof value === "function") {
      defineProperty(prototype, key, {
        ...descriptor,
        value: named(function (this: unknown): unknown {
          if (!isInstance(this)) fail("call");
          return apply(value, this, arguments);
        }, value),
      });
    } else if (get !== undefined || set !== undefined) {
      defineProperty(prototype, key, {
        ...descriptor,
        // (A fixed count of arguments: the engine inlines these.)
        get: get && named(function (this: unknown): unknown {
          if (!isInstance(this)) fail("read");
          return get.call(this);
        }, get),
        set: set && named(function (this: unknown, v: unknown): void {
          if (!isInstance(this)) fail("set");
          set.call(this, v);
        }, set),
      });
    }
  }
}

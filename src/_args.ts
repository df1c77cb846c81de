/**
 * The one place where arguments from users are converted and checked, for
 * every public entry point (`Mmap`, `memmap`/`NDArray`, `load`/`openMemmap`,
 * `SharedMemory`, `array`, `frombuffer`, `dtype`): integers (lengths,
 * offsets, sizes, positions, counts, flags, axes, indices, slice bounds,
 * shape dimensions), shapes, option objects and bytes.
 *
 * The rules, the same everywhere:
 *
 * - An integer argument is a `number` that is an integer, or a `bigint`
 *   (Python's `int`; `get()` of an int64 array gives one), within the
 *   argument's documented range, which never goes beyond
 *   ±`Number.MAX_SAFE_INTEGER` (2**53 - 1). A bigint comes back as a number.
 * - Not an integer (NaN, 1.5, `"3"`, `true`, `[3]`, `{}`, a symbol, and
 *   `null` where the argument does not take `null`): `TypeError`.
 * - An integer outside the range (2**64, 1e308, ±Infinity, -1 for a size):
 *   `RangeError`.
 * - `undefined` means "the default" for an optional argument or option;
 *   `null` only where Python takes `None` (slice bounds, `read(n)`, a shape
 *   or an axis to mean "all").
 * - No code of a value runs while it is checked: objects are never
 *   converted (no `valueOf`, `toString`, `Symbol.toPrimitive`), messages
 *   describe values without calling into them, typed arrays are read through
 *   the built-in getters, and callers read each option once, before they
 *   look at any state (closed, read-only) or take a pointer. Getters of an
 *   option object and traps of a Proxy do run, once, at that point.
 * - Shapes have at most {@linkcode MAX_DIMS} (64, NumPy's limit) dimensions,
 *   and the product of their dimensions (times the item size) stays a safe
 *   integer, checked before anything is allocated.
 * - Messages follow the house style: `Cannot <do what> with <name> <value>:
 *   <name> must be ...`.
 *
 * Internal: not exported by `mod.ts`.
 *
 * @module
 */

/** The largest integer argument anywhere: `Number.MAX_SAFE_INTEGER`. */
export const MAX_SAFE: number = Number.MAX_SAFE_INTEGER;

/** The most dimensions an array may have (NumPy's `NPY_MAXDIMS`). */
export const MAX_DIMS = 64;

// The built-in typed array getters: reading a typed array through them runs
// no code of the array's own (an own `length` accessor, a subclass).
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype);
function intrinsic(name: string | symbol): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, name)!.get!;
}
const TA_TAG = intrinsic(Symbol.toStringTag) as (
  this: unknown,
) => string | undefined;
const TA_LENGTH = intrinsic("length") as (this: unknown) => number;
const TA_OFFSET = intrinsic("byteOffset") as (this: unknown) => number;
const TA_BUFFER = intrinsic("buffer") as (this: unknown) => ArrayBufferLike;
const AB_DETACHED = Object.getOwnPropertyDescriptor(
  ArrayBuffer.prototype,
  "detached",
)!.get!;

const TA_BYTE_LENGTH = intrinsic("byteLength") as (this: unknown) => number;
function getter(proto: object, name: string): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(proto, name)!.get!;
}
const DV_BUFFER = getter(DataView.prototype, "buffer");
const DV_OFFSET = getter(DataView.prototype, "byteOffset");
const DV_LENGTH = getter(DataView.prototype, "byteLength");
const AB_LENGTH = getter(ArrayBuffer.prototype, "byteLength");
const SAB_LENGTH = getter(SharedArrayBuffer.prototype, "byteLength");
const AB_RESIZABLE = getter(ArrayBuffer.prototype, "resizable");
const SAB_GROWABLE = getter(SharedArrayBuffer.prototype, "growable");

/**
 * Whether a buffer's length can change (a resizable `ArrayBuffer` or a
 * growable `SharedArrayBuffer`): an array over it could lose its elements
 * at any time, so arrays refuse such memory.
 *
 * @param buffer The buffer.
 * @returns `true` when its length can change.
 */
export function isResizableBuffer(buffer: ArrayBufferLike): boolean {
  return buffer instanceof SharedArrayBuffer
    ? SAB_GROWABLE.call(buffer) === true
    : AB_RESIZABLE.call(buffer) === true;
}

const EMPTY_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * The name of a typed array's class (`"Uint8Array"`, `"Float64Array"` ...),
 * or `undefined` for anything else. Runs no code of the value.
 *
 * @param value Any value.
 * @returns The class name, or `undefined`.
 */
export function typedArrayTag(value: unknown): string | undefined {
  // The built-in getter gives undefined for anything but a typed array (a
  // Proxy included) without running any code.
  return TA_TAG.call(value);
}

/**
 * Whether a value is a revoked Proxy (any use of it throws).
 *
 * @param value Any value.
 * @returns `true` for a revoked Proxy.
 */
export function isRevoked(value: unknown): boolean {
  try {
    Array.isArray(value);
    return false;
  } catch {
    return true;
  }
}

/**
 * Whether a value is an array, without throwing for a revoked Proxy.
 *
 * @param value Any value.
 * @returns `true` for arrays (and Proxies of arrays).
 */
export function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false; // A revoked Proxy.
  }
}

/**
 * Shows a value in a message without running any of its code: numbers and
 * bigints as written (integers past 2**53 exactly), strings quoted (long ones cut), objects by kind.
 *
 * @param value Any value.
 * @returns A short description, e.g. `1.5`, `"abc"`, `an object`.
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case "number":
      if (Object.is(value, -0)) return "-0";
      // Integers past 2**53 as the exact value they hold: String() rounds
      // 2**60 to 1152921504606847000 (from 1e21 it writes an exponent).
      return Number.isInteger(value) &&
          Math.abs(value) > Number.MAX_SAFE_INTEGER && Math.abs(value) < 1e21
        ? BigInt(value).toString()
        : String(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return JSON.stringify(
        value.length > 40 ? `${value.slice(0, 37)}...` : value,
      );
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (value === null) return "null";
  const tag = typedArrayTag(value);
  if (tag !== undefined) return `a ${tag}`;
  if (isArray(value)) return "an array";
  return "an object";
}

/**
 * Reads a caller's object (its keys, entries or values, as `read` does),
 * turning what its own code throws while being read (a Proxy trap that
 * breaks the Proxy invariants, such as `ownKeys` returning duplicates, or a
 * getter that throws) into the library's `TypeError`, with the error thrown
 * kept as its `cause`.
 *
 * @param read Reads the object.
 * @param message The message for a failure, given the reason
 *   (`"could not be read (TypeError from its Proxy traps or getters)"`).
 * @returns What `read` returns.
 * @throws {TypeError} If reading the object throws.
 */
export function readObject<T>(
  read: () => T,
  message: (reason: string) => string,
): T {
  try {
    return read();
  } catch (e) {
    const name = e instanceof Error ? e.name : describe(e);
    throw new TypeError(
      message(
        `could not be read (${name} from its Proxy traps or getters)`,
      ),
      { cause: e },
    );
  }
}

/**
 * Converts an integer argument: a safe integer `number` (or a `bigint`)
 * within `min..max`. Cheap enough for hot paths: a number in range costs a
 * type check and two comparisons. `-0` is returned as `0`, so that no
 * integer the library passes on (to FFI's integer parameters, which refuse
 * `-0`; to a shape, stride or offset) is ever `-0`.
 *
 * @param value The argument.
 * @param call What the call does, for the message (`"seek"`, `"map"`).
 * @param name The argument's name, for the message.
 * @param min The smallest value allowed; default `-MAX_SAFE`.
 * @param max The largest value allowed; default `MAX_SAFE`.
 * @returns The integer, as a number.
 * @throws {TypeError} If the value is not an integer.
 * @throws {RangeError} If it lies outside `min..max`.
 */
export function toInt(
  value: unknown,
  call: string,
  name: string,
  min: number = -MAX_SAFE,
  max: number = MAX_SAFE,
): number {
  if (
    typeof value === "number" && value >= min && value <= max &&
    Number.isInteger(value)
  ) return value + 0; // -0 is 0 (FFI's integer checks refuse -0)
  return intSlow(value, call, name, min, max);
}

function intSlow(
  value: unknown,
  call: string,
  name: string,
  min: number,
  max: number,
): number {
  let inRange: boolean;
  if (typeof value === "bigint") {
    inRange = value >= BigInt(min) && value <= BigInt(max);
    if (inRange) return Number(value);
  } else if (
    typeof value === "number" &&
    (Number.isInteger(value) || value === Infinity || value === -Infinity)
  ) {
    inRange = false;
  } else {
    throw new TypeError(
      `Cannot ${call} with ${name} ${
        describe(value)
      }: ${name} must be an integer`,
    );
  }
  throw new RangeError(
    `Cannot ${call} with ${name} ${describe(value)}: ${name} must be within ${
      span(min, max)
    }`,
  );
}

function span(min: number, max: number): string {
  return `${min}..${max}`;
}

/**
 * {@linkcode toInt} for a size, a length or a count: `0..max`.
 *
 * @param value The argument.
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @param max The largest value allowed; default `MAX_SAFE`.
 * @returns The size.
 * @throws {TypeError} If the value is not an integer.
 * @throws {RangeError} If it is negative or above `max`.
 */
export function toSize(
  value: unknown,
  call: string,
  name: string,
  max: number = MAX_SAFE,
): number {
  if (
    typeof value === "number" && value >= 0 && value <= max &&
    Number.isInteger(value)
  ) return value + 0; // -0 is 0
  return intSlow(value, call, name, 0, max);
}

/**
 * An optional integer argument: `undefined` gives `fallback`, anything else
 * goes through {@linkcode toInt}.
 *
 * @param value The argument.
 * @param fallback The default.
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @returns The integer.
 * @throws {TypeError} If the value is not an integer (`null` included).
 * @throws {RangeError} If it lies outside `min..max`.
 */
export function optionalInt(
  value: unknown,
  fallback: number,
  call: string,
  name: string,
  min: number = -MAX_SAFE,
  max: number = MAX_SAFE,
): number {
  return value === undefined ? fallback : toInt(value, call, name, min, max);
}

/**
 * A Python slice bound or `None`: an integer, or `undefined`/`null`
 * (returned as `null`).
 *
 * @param value The argument.
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @returns The integer, or `null` when omitted.
 * @throws {TypeError} If the value is neither an integer nor null/undefined.
 * @throws {RangeError} If it is not a safe integer.
 */
export function toBound(
  value: unknown,
  call: string,
  name: string,
): number | null {
  if (value === undefined || value === null) return null;
  return toInt(value, call, name);
}

/**
 * Checks an options argument: `undefined` gives an empty object; anything
 * but a (non-null) object is a `TypeError`. Read each option from the
 * result once, before anything else.
 *
 * @param value The argument.
 * @param call What the call does, for the message.
 * @returns The options object.
 * @throws {TypeError} For `null`, a primitive or a function.
 */
export function toOptions<T extends object>(
  value: T | undefined,
  call: string,
): Partial<T> {
  if (value === undefined) return EMPTY_OPTIONS as Partial<T>;
  if (typeof value !== "object" || value === null || isRevoked(value)) {
    throw new TypeError(
      `Cannot ${call} with options ${
        describe(value)
      }: options must be an object`,
    );
  }
  return value;
}

/**
 * Checks a boolean option (`undefined` gives `fallback`).
 *
 * @param value The option.
 * @param fallback The default.
 * @param call What the call does, for the message.
 * @param name The option's name.
 * @returns The boolean.
 * @throws {TypeError} If it is not a boolean.
 */
export function toBoolean(
  value: unknown,
  fallback: boolean,
  call: string,
  name: string,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Cannot ${call} with ${name} ${
        describe(value)
      }: ${name} must be a boolean`,
    );
  }
  return value;
}

/**
 * Whether a value is a detached `ArrayBuffer` (a `SharedArrayBuffer` never is).
 *
 * @param buffer The buffer.
 * @returns `true` when detached.
 */
export function isDetachedBuffer(buffer: ArrayBufferLike): boolean {
  return buffer instanceof ArrayBuffer && AB_DETACHED.call(buffer) === true;
}

const encoder = new TextEncoder();
const NO_BYTES = new Uint8Array(0);

/**
 * Bytes given as a `Uint8Array` or a string (UTF-8). The result is safe to
 * use after any state check: its `length` and elements are the built-in
 * ones (a `Uint8Array` with an own `length`, or of a subclass, is replaced
 * by a plain view of the same memory; a detached one by an empty array),
 * so reading them runs no code of the caller's. Cheap for a plain
 * `Uint8Array`: it is returned as it is.
 *
 * @param value The argument.
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @param text Whether a string is taken (as UTF-8); default true.
 * @returns The bytes.
 * @throws {TypeError} For anything but a `Uint8Array` (or a string).
 */
export function toBytes(
  value: unknown,
  call: string,
  name: string,
  text = true,
): Uint8Array {
  if (text && typeof value === "string") return encoder.encode(value);
  if (typedArrayTag(value) !== "Uint8Array") {
    throw new TypeError(
      `Cannot ${call} with ${name} ${describe(value)}: ${name} must be a ${
        text ? "Uint8Array or a string" : "Uint8Array"
      }`,
    );
  }
  const bytes = value as Uint8Array;
  if (
    Object.getPrototypeOf(bytes) === Uint8Array.prototype &&
    !Object.hasOwn(bytes, "length")
  ) return bytes.length === 0 ? NO_BYTES : bytes; // detached: length 0
  return plainView(bytes) as Uint8Array;
}

/**
 * The bytes of a `Uint8Array` given as one element's value (bytes, raw
 * bytes), as a plain `Uint8Array` over the same memory read through the
 * built-in getters: no code of the value runs (an own `length`, a
 * subclass), so the result is safe to use after any state check.
 *
 * @param value A value whose {@linkcode typedArrayTag} is `"Uint8Array"`.
 * @param call What the call does, for the message.
 * @param name The value's name, for the message.
 * @returns The bytes.
 * @throws {Deno.errors.BadResource} If its buffer is detached (its map was
 * closed, or it was transferred).
 */
export function toValueBytes(
  value: Uint8Array,
  call: string,
  name: string,
): Uint8Array {
  if (isDetachedBuffer(TA_BUFFER.call(value))) throw detached(call, name);
  return toBytes(value, call, name, false);
}

const DATE_GET_TIME = Date.prototype.getTime;

/**
 * The time of a `Date` (a brand check through the built-in `getTime`: a
 * Proxy, a subclass's own `getTime` or an object with `Date`'s prototype
 * runs no code), or `undefined` for anything else.
 *
 * @param value Any value.
 * @returns Milliseconds since the epoch (NaN for an invalid date), or `undefined`.
 */
export function dateTime(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return DATE_GET_TIME.call(value);
  } catch {
    return undefined; // Not a Date (a revoked Proxy included).
  }
}

/**
 * A plain typed array of the same class over the same memory as `typed`
 * (read through the built-in getters), or an empty one when its buffer is
 * detached.
 *
 * @param typed A typed array (checked by the caller).
 * @returns The view.
 */
export function plainView(typed: ArrayBufferView): ArrayBufferView {
  const tag = TA_TAG.call(typed)!;
  const Ctor = (globalThis as unknown as Record<
    string,
    new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView
  >)[tag];
  const length = TA_LENGTH.call(typed);
  const buffer = TA_BUFFER.call(typed);
  if (length === 0 || isDetachedBuffer(buffer)) {
    return tag === "Uint8Array" ? NO_BYTES : new Ctor(new ArrayBuffer(0), 0, 0);
  }
  return new Ctor(buffer, TA_OFFSET.call(typed), length);
}

/**
 * Converts a shape: one dimension as an integer, or an array of them, at
 * most {@linkcode MAX_DIMS} long (checked before any element is read). Each
 * dimension is a non-negative safe integer, and the bytes the shape spans
 * are bounded (see {@linkcode checkSpan}: 2**53 - 1 for an array with
 * elements, so that every stride and byte offset of it is exact; NumPy's
 * 2**63 - 1 for the other dimensions of an array with none).
 *
 * @param value The shape.
 * @param call What the call does, for the message.
 * @param itemsize Bytes per element (1 when not known yet).
 * @param name The argument's name; default `"shape"`.
 * @returns A fresh array of the dimensions.
 * @throws {TypeError} If it is not an integer or an array of integers.
 * @throws {RangeError} For a negative or unsafe dimension, more than 64
 * dimensions, or an array too large.
 */
export function toShape(
  value: unknown,
  call: string,
  itemsize = 1,
  name = "shape",
): number[] {
  let dims: number[];
  if (typeof value === "number" || typeof value === "bigint") {
    dims = [toSize(value, call, name)];
  } else {
    if (!isArray(value)) {
      throw new TypeError(
        `Cannot ${call} with ${name} ${
          describe(value)
        }: ${name} must be an integer or an array of integers`,
      );
    }
    const n: unknown = value.length;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
      throw new TypeError(
        `Cannot ${call} with ${name} ${
          describe(value)
        }: its length is not a count`,
      );
    }
    checkDims(n, call);
    dims = new Array<number>(n);
    for (let k = 0; k < n; k++) dims[k] = toDim(value[k], call, name);
  }
  checkSpan(dims, itemsize, call);
  return dims;
}

function toDim(value: unknown, call: string, name: string): number {
  if (typeof value === "number" && value >= 0 && Number.isSafeInteger(value)) {
    return value + 0; // -0 is 0, as NumPy's (0,)
  }
  if (typeof value === "number" || typeof value === "bigint") {
    return toSize(value, call, `${name} dimension`);
  }
  throw new TypeError(
    `Cannot ${call} with ${name} dimension ${
      describe(value)
    }: dimensions must be non-negative integers`,
  );
}

/**
 * Checks a number of dimensions against {@linkcode MAX_DIMS}.
 *
 * @param ndim The number of dimensions.
 * @param call What the call does, for the message.
 * @throws {RangeError} If it is more than 64.
 */
export function checkDims(ndim: number, call: string): void {
  if (ndim > MAX_DIMS) {
    throw new RangeError(
      `Cannot ${call} with ${ndim} dimensions: arrays have at most ${MAX_DIMS} (NumPy's limit)`,
    );
  }
}

/** NumPy's bound on the bytes of the non-zero dimensions of any array. */
const NUMPY_MAX_BYTES = 2n ** 63n - 1n;

/**
 * Checks the bytes a shape spans and the elements it holds. An array with
 * elements spans the product of its dimensions (taking 0 as 1) times
 * `itemsize`, which must be a safe integer: then every stride, offset and
 * size of a layout of it is exact. Its number of elements must be a safe
 * integer too, which only items of no bytes (`S0`, `U0`, `V0`) could pass
 * otherwise: `size`, a `ravel()`'s dimension and every index stay exact.
 * An array with a 0 dimension spans no bytes, whatever its other
 * dimensions (its strides never reach a byte; see `contiguousStrides`):
 * only NumPy's own limit applies, the product of the other dimensions times
 * `itemsize` (taken as 1 for items of no bytes, as NumPy's `zeros` makes
 * them) at most 2**63 - 1.
 *
 * @param dims The dimensions (non-negative safe integers).
 * @param itemsize Bytes per element.
 * @param call What the call does, for the message.
 * @throws {RangeError} If the product passes its bound.
 */
export function checkSpan(
  dims: readonly number[],
  itemsize: number,
  call: string,
): void {
  const excess = spanExcess(dims, itemsize);
  if (excess !== null) {
    throw new RangeError(
      `Cannot ${call} with shape (${dims.join(", ")}${
        dims.length === 1 ? "," : ""
      }) of ${itemsize}-byte items: ${excess}`,
    );
  }
}

/**
 * Why a shape spans too many bytes or holds too many elements (see
 * {@linkcode checkSpan}), or null when it does not: the `.npy` header
 * reader words its own error with it.
 *
 * @param dims The dimensions (non-negative safe integers).
 * @param itemsize Bytes per element.
 * @returns The reason, or null.
 */
export function spanExcess(
  dims: readonly number[],
  itemsize: number,
): string | null {
  // The product of the dimensions past 1 (exact up to 2**53, monotone past).
  let count = 1, empty = false;
  for (let k = 0; k < dims.length; k++) {
    const d = dims[k];
    if (d > 1) count *= d;
    else if (d === 0) empty = true;
  }
  const unit = Math.max(itemsize, 1);
  if (count * unit <= MAX_SAFE) return null;
  let exact = 1n;
  for (let k = 0; k < dims.length; k++) {
    if (dims[k] > 1) exact *= BigInt(dims[k]);
  }
  if (!empty) {
    return itemsize === 0
      ? `it has ${exact} elements, more than 2**53 - 1 (the most an array holds)`
      : "it spans more than 2**53 - 1 bytes";
  }
  exact *= BigInt(unit);
  return exact > NUMPY_MAX_BYTES
    ? itemsize === 0
      ? "its non-zero dimensions hold more than 2**63 - 1 elements (NumPy's limit, also for an array of no elements)"
      : "its non-zero dimensions span more than 2**63 - 1 bytes (NumPy's limit, also for an array of no elements)"
    : null;
}

/**
 * Allocates zeroed memory for an array, turning the engine's failure into
 * the library's `RangeError`.
 *
 * @param byteLength The bytes to allocate (a safe integer).
 * @param call What the call does, for the message.
 * @returns The bytes.
 * @throws {RangeError} If the memory cannot be allocated.
 */
export function allocateBytes(byteLength: number, call: string): Uint8Array {
  try {
    return new Uint8Array(byteLength);
  } catch {
    throw new RangeError(
      `Cannot ${call}: cannot allocate ${byteLength} bytes of memory`,
    );
  }
}

/** Whether calling a built-in getter on a value works (a brand check). */
function branded(get: (this: unknown) => unknown, value: unknown): boolean {
  try {
    get.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes of an `ArrayBuffer`, a `SharedArrayBuffer` or any view of one
 * (a typed array or a `DataView`), as a plain `Uint8Array` over the same
 * memory, read through the built-in getters (no code of the value runs).
 *
 * @param value The buffer or view.
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @returns A view of the same memory.
 * @throws {TypeError} For anything else.
 * @throws {Deno.errors.BadResource} If the buffer is detached (its map was
 * closed, or it was transferred).
 */
export function toByteView(
  value: unknown,
  call: string,
  name: string,
): Uint8Array {
  let buffer: ArrayBufferLike, offset: number, length: number;
  if (typedArrayTag(value) !== undefined) {
    buffer = TA_BUFFER.call(value);
    offset = TA_OFFSET.call(value);
    length = TA_BYTE_LENGTH.call(value);
  } else if (branded(DV_BUFFER, value)) {
    buffer = DV_BUFFER.call(value) as ArrayBufferLike;
    if (isDetachedBuffer(buffer)) throw detached(call, name);
    offset = DV_OFFSET.call(value) as number;
    length = DV_LENGTH.call(value) as number;
  } else if (branded(AB_LENGTH, value) || branded(SAB_LENGTH, value)) {
    buffer = value as ArrayBufferLike;
    offset = 0;
    length = (buffer instanceof SharedArrayBuffer ? SAB_LENGTH : AB_LENGTH)
      .call(buffer) as number;
  } else {
    throw new TypeError(
      `Cannot ${call} with ${name} ${
        describe(value)
      }: ${name} must be an ArrayBuffer or a view of one`,
    );
  }
  if (isDetachedBuffer(buffer)) throw detached(call, name);
  if (isResizableBuffer(buffer)) throw resizable(call, name);
  return new Uint8Array(buffer, offset, length);
}

/**
 * The error for array memory whose length can change.
 *
 * @param call What the call does, for the message.
 * @param name The argument's name.
 * @returns The error, to be thrown.
 */
export function resizable(call: string, name: string): TypeError {
  return new TypeError(
    `Cannot ${call}: the ${name} is resizable, and an array needs memory whose length cannot change under it (copy it, or use transferToFixedLength())`,
  );
}

function detached(call: string, name: string): Error {
  return new Deno.errors.BadResource(
    `Cannot ${call}: the ${name} is detached (its map was closed, or it was transferred)`,
  );
}

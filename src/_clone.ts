/**
 * The refusal of `structuredClone`/`postMessage` for objects that own
 * memory (arrays, maps, shared blocks).
 *
 * @module
 */

/**
 * A value that `structuredClone` and `postMessage` refuse, with `text` as
 * the start of their `DataCloneError`'s message: V8 says "<value> could not
 * be cloned.", and it writes a proxy of an error as the error's name (no
 * code runs, nothing is copied), so the message reads `${text} could not be
 * cloned.`. Put it as the first own property of an object: cloning stops
 * there, before it would copy anything else.
 *
 * @param text The message's start, naming what to post instead.
 * @returns The value.
 */
export function cloneRefusal(text: string): object {
  const error = new Error("");
  error.name = text;
  error.stack = text;
  return new Proxy(error, {});
}

/**
 * The refusal of `JSON.stringify` for objects that own memory (arrays,
 * maps, shared blocks), as Python's `json.dumps` refuses an `ndarray` or an
 * `mmap`: their `toJSON` throws it, so that JSON never walks their
 * internals (storage, bytes) or dumps a whole map.
 *
 * @param what What was converted, with its article ("an NDArray").
 * @param instead What to convert instead.
 * @returns Never.
 * @throws {TypeError} Always.
 */
export function refuseJSON(what: string, instead: string): never {
  throw new TypeError(`Cannot convert ${what} to JSON: ${instead}`);
}

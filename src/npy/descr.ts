/**
 * The `descr` of a `.npy` header: what `numpy.lib.format.descr_to_dtype`
 * turns into a dtype. NumPy writes `dtype.str` for plain types (`'<f8'`,
 * `'|S5'`, `'>U10'`, `'<M8[ns]'`) and, for structured types, the list of
 * `(name, descr)` / `(name, descr, shape)` tuples of `dtype.descr`, with
 * `('', '|V<n>')` entries for padding and `(title, name)` pairs for titled
 * fields; a `(descr, shape)` tuple is a subarray.
 *
 * This module reads every form whose type this library holds, in any byte
 * order and spelling NumPy accepts (`'d'`, `'float64'` ...), and gives the
 * {@linkcode DType}. Object dtypes (`'|O'`, anywhere in a record) are
 * refused as pickles; types NumPy has but this library does not (long
 * double, NumPy 2's variable-width strings) are `unsupported`; anything
 * else is malformed.
 *
 * @module
 */

import {
  type DType,
  dtype,
  type DTypeLike,
  subarrayDType,
} from "../memmap/dtype.ts";
import type { PyValue } from "./python_literal.ts";

/** Why a descriptor was refused: `unsupported` (valid for NumPy), `object` (pickles) or `invalid`. */
export class DescrError extends Error {
  /** `"unsupported"` for a dtype NumPy has but this library does not, `"object"` for `O`, else `"invalid"`. */
  readonly reason: "unsupported" | "object" | "invalid";
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param reason The category.
   */
  constructor(message: string, reason: "unsupported" | "object" | "invalid") {
    super(message);
    this.name = "DescrError";
    this.reason = reason;
  }
}

const NATIVE: "<" | ">" = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
  ? "<"
  : ">";

/** The byte order of this machine, `"<"` or `">"`. */
export const NATIVE_BYTEORDER: "<" | ">" = NATIVE;

const OBJECT = /^[<>=|]?O\d*$|^object_?$/;

/** Valid NumPy descriptors of dtypes this library does not hold. */
const UNSUPPORTED =
  /^[<>=|]?(?:g|G|f(?:10|12|16)|c(?:20|24|32)|T|longdouble|clongdouble|float128|complex256)$/;

function show(x: PyValue): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "bigint") return String(x);
  if (x === null) return "None";
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (x instanceof Map) return "a dict";
  if (typeof x === "object") {
    switch (x.kind) {
      case "tuple":
        return `a tuple of ${x.items.length}`;
      case "set":
        return `a set of ${x.items.length}`;
      case "bytes":
        return "a bytes literal";
      case "float":
        return String(x.value);
      case "complex":
        return "a complex number";
      case "ellipsis":
        return "...";
    }
  }
  return String(x);
}

function invalid(what: string): never {
  throw new DescrError(what, "invalid");
}

function unsupported(what: string): never {
  throw new DescrError(what, "unsupported");
}

/** A subarray type, or an invalid descr when NumPy could not make it either (too large). */
function subarray(base: DType, shape: number[]): DType {
  try {
    return subarrayDType(base, shape);
  } catch (e) {
    if (e instanceof TypeError) invalid(e.message);
    throw e;
  }
}

function isTuple(x: PyValue): x is { kind: "tuple"; items: PyValue[] } {
  return typeof x === "object" && x !== null && !Array.isArray(x) &&
    !(x instanceof Map) && x.kind === "tuple";
}

/**
 * The items Python's iteration gives (tuple, list, str, bytes, dict keys, a
 * set of at most one element), or `undefined` for a value without them (or a
 * set of several, whose order is Python's hash order: not reproducible).
 */
function itemsOf(x: PyValue): PyValue[] | undefined {
  if (typeof x === "string") return [...x];
  if (Array.isArray(x)) return x;
  if (x instanceof Map) return [...x.keys()];
  if (typeof x !== "object" || x === null) return undefined;
  switch (x.kind) {
    case "tuple":
      return x.items;
    case "bytes":
      return Array.from(x.value, (b) => BigInt(b));
    case "set":
      return x.items.length <= 1 ? x.items : undefined;
  }
  return undefined;
}

/**
 * NumPy's `np.dtype((base, second))`: a subarray when `second` is an int or
 * a tuple/list of ints (`()`: `base` itself); a list of fields, a string or
 * a dict is NumPy's `(base, new_dtype)` union form, not held here.
 */
function withShape(base: DType, second: PyValue): DType {
  const items = typeof second === "bigint"
    ? [second]
    : isTuple(second) || (Array.isArray(second) && second.length > 0 &&
        second.every((d) => typeof d === "bigint"))
    ? itemsOf(second)!
    : undefined;
  if (items === undefined) {
    if (
      typeof second === "string" || second instanceof Map ||
      (Array.isArray(second) && second.length > 0)
    ) {
      unsupported(
        `Cannot load a (base, new_dtype) descr ${
          show(second)
        }: NumPy's union types are not held by this library`,
      );
    }
    invalid(`Subarray shape ${show(second)} is not an int or a tuple of ints`);
  }
  if (!items.every((d) => typeof d === "bigint" && d >= 0n)) {
    invalid(
      `Subarray shape ${show(second)} is not a tuple of non-negative ints`,
    );
  }
  const dims = items as bigint[];
  if (dims.some((d) => d > 2n ** 31n - 1n)) {
    invalid(`Subarray shape ${show(second)} has a dimension past a C int`);
  }
  return dims.length === 0 ? base : subarray(base, dims.map(Number));
}

function fromString(descr: string): DType {
  if (OBJECT.test(descr)) {
    throw new DescrError(
      `Cannot load dtype ${
        JSON.stringify(descr)
      }: it holds pickled Python objects, which are never read`,
      "object",
    );
  }
  try {
    return dtype(descr);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    if (UNSUPPORTED.test(descr)) {
      throw new DescrError(
        `Cannot load dtype ${
          JSON.stringify(descr)
        }: NumPy has it but this library does not hold it`,
        "unsupported",
      );
    }
    invalid(`Descriptor ${JSON.stringify(descr)} is not a valid dtype`);
  }
}

/** NumPy's `descr_to_dtype` for the list form: padding entries dropped, offsets kept. */
function fromFields(list: PyValue[]): DType {
  const names: string[] = [];
  const formats: DTypeLike[] = [];
  const offsets: number[] = [];
  const titles: (string | null)[] = [];
  let offset = 0;
  for (const entry of list) {
    const items = itemsOf(entry);
    if (items === undefined || (items.length !== 2 && items.length !== 3)) {
      invalid(
        `Field ${show(entry)} of a descr is not a (name, descr[, shape]) tuple`,
      );
    }
    let name = items[0];
    let dt = parseDescr(items[1]);
    if (items.length === 3) dt = withShape(dt, items[2]);
    const padding = name === "" && dt.kind === "V" && dt.names === null;
    if (!padding) {
      let title: PyValue = null;
      if (isTuple(name)) {
        if (name.items.length !== 2) {
          invalid(`Field name ${show(name)} is not a (title, name) pair`);
        }
        [title, name] = name.items;
      }
      if (typeof name !== "string") {
        invalid(`Field name ${show(name)} is not a string`);
      }
      if (title !== null && typeof title !== "string") {
        unsupported(
          `Cannot load field ${JSON.stringify(name)} titled ${
            show(title)
          }: only string titles are held here`,
        );
      }
      names.push(name);
      formats.push(dt);
      offsets.push(offset);
      titles.push(title);
    }
    offset += dt.itemsize;
  }
  try {
    return dtype({ names, formats, offsets, titles, itemsize: offset });
  } catch (e) {
    if (e instanceof TypeError) invalid(`Structured descr: ${e.message}`);
    throw e;
  }
}

/**
 * Turns a parsed `descr` value into the dtype NumPy's `descr_to_dtype`
 * gives: a string is a dtype string; a tuple is `(descr, shape)` (items past
 * the second are ignored, as NumPy does); anything else Python can iterate
 * is a list of fields, each a `(name, descr)` or `(name, descr, shape)`
 * sequence whose name may be a `(title, name)` tuple.
 *
 * @param descr A string, a list of field tuples, or a `(descr, shape)` tuple.
 * @returns The dtype.
 * @throws {DescrError} With reason `"object"` for object dtypes (pickles),
 *   `"unsupported"` for other dtypes NumPy has but this library does not,
 *   `"invalid"` for anything NumPy would refuse too.
 */
export function parseDescr(descr: PyValue): DType {
  if (typeof descr === "string") return fromString(descr);
  if (isTuple(descr)) {
    if (descr.items.length < 2) {
      invalid(`Descriptor ${show(descr)} is not a (descr, shape) tuple`);
    }
    return withShape(parseDescr(descr.items[0]), descr.items[1]);
  }
  const fields = itemsOf(descr);
  if (fields === undefined) invalid(`Descriptor ${show(descr)} is not a dtype`);
  return fromFields(fields);
}

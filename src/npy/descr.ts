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
  if (typeof x === "object" && x.kind === "tuple") {
    return `a tuple of ${x.items.length}`;
  }
  return String(x);
}

function invalid(what: string): never {
  throw new DescrError(what, "invalid");
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

/** A subarray shape: an int or a tuple of ints. */
function shapeOf(x: PyValue): number[] {
  const items = isTuple(x) ? x.items : [x];
  if (!items.every((d) => typeof d === "bigint" && d >= 0n && d < 2n ** 31n)) {
    invalid(`Subarray shape ${show(x)} is not a tuple of non-negative ints`);
  }
  return items.map(Number);
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
function fromList(list: PyValue[]): DType {
  const names: string[] = [];
  const formats: DTypeLike[] = [];
  const offsets: number[] = [];
  const titles: (string | null)[] = [];
  let offset = 0;
  for (const entry of list) {
    if (
      !isTuple(entry) || (entry.items.length !== 2 && entry.items.length !== 3)
    ) {
      invalid(`Field ${show(entry)} of a descr is not a (name, descr) tuple`);
    }
    let name = entry.items[0];
    let title: string | null = null;
    if (isTuple(name)) {
      const [t, n] = name.items;
      if (name.items.length !== 2 || typeof t !== "string") {
        invalid(`Field name ${show(name)} is not a (title, name) pair`);
      }
      title = t;
      name = n;
    }
    if (typeof name !== "string") {
      invalid(`Field name ${show(name)} is not a string`);
    }
    let dt = parseDescr(entry.items[1]);
    if (entry.items.length === 3) {
      dt = subarray(dt, shapeOf(entry.items[2]));
    }
    const padding = name === "" && dt.kind === "V" && dt.names === null;
    if (!padding) {
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
 * gives.
 *
 * @param descr A string, a list of field tuples, or a `(descr, shape)` tuple.
 * @returns The dtype.
 * @throws {DescrError} With reason `"object"` for object dtypes (pickles),
 *   `"unsupported"` for other dtypes NumPy has but this library does not,
 *   `"invalid"` for anything NumPy would refuse too.
 */
export function parseDescr(descr: PyValue): DType {
  if (typeof descr === "string") return fromString(descr);
  if (Array.isArray(descr)) return fromList(descr);
  if (isTuple(descr) && descr.items.length === 2) {
    return subarray(parseDescr(descr.items[0]), shapeOf(descr.items[1]));
  }
  invalid(`Descriptor ${show(descr)} is not a dtype`);
}

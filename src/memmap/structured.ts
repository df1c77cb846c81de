/**
 * NumPy's structured (record) types: building them from NumPy's list form
 * (`[["id", "<u4"], ["pos", "<f8", [3]]]`, as `np.dtype(list)`) and dict
 * form (`{ names, formats, offsets, itemsize, titles }`, as
 * `np.dtype(dict)`), packed or laid out as a C compiler would
 * (`align: true`); and printing them back as NumPy's `descr` (what `.npy`
 * headers hold) and `repr`.
 *
 * @module
 */

import { describe, isArray, isRevoked } from "../_args.ts";
import {
  createDType,
  type DType,
  dtype,
  type DTypeField,
  type DTypeLike,
  flexibleName,
  MAX_ITEMSIZE,
  subarrayDType,
} from "./dtype.ts";

function fail(what: string): never {
  throw new TypeError(`Cannot make a structured data type: ${what}`);
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function isList(x: unknown): x is readonly unknown[] {
  return isArray(x);
}

/** How deep structured specs may nest (records in records, subarrays of records). */
const MAX_NESTING = 64;
let depth = 0;

/** Normalizes a subarray shape: a count or a list of counts. */
function shapeOf(x: unknown, field: string): number[] {
  const dims = typeof x === "number" ? [x] : isList(x) ? [...x] : undefined;
  if (
    dims === undefined ||
    !dims.every((d) => typeof d === "number" && Number.isSafeInteger(d))
  ) {
    fail(`the shape of field "${field}" must be a count or a list of counts`);
  }
  if ((dims as number[]).some((d) => d < 0)) {
    fail(`the shape of field "${field}" has a negative dimension`);
  }
  return dims as number[];
}

interface FieldInput {
  name: string;
  title: string | undefined;
  dtype: DType;
}

/**
 * Builds a structured type from a list or dict spec, or a subarray type
 * from a `[format, shape]` pair.
 *
 * @param like The spec.
 * @param align Lay fields out as a C compiler would.
 * @returns The type.
 * @throws {TypeError} If the spec is malformed.
 */
export function parseStructured(like: object, align: boolean): DType {
  if (isRevoked(like)) {
    throw new TypeError(
      `Cannot interpret ${
        describe(like)
      } as a data type: it is a revoked Proxy`,
    );
  }
  if (depth >= MAX_NESTING) {
    fail(`specs nest more than ${MAX_NESTING} levels deep`);
  }
  depth++;
  try {
    return parse(like, align);
  } finally {
    depth--;
  }
}

function parse(like: object, align: boolean): DType {
  if (isList(like)) {
    if (like.length === 2 && !isList(like[0])) {
      return subarrayDType(
        dtype(like[0] as DTypeLike, { align }),
        shapeOf(like[1], "(subarray)"),
      );
    }
    return fromList(like, align);
  }
  const spec = like as Record<string, unknown>;
  if (isList(spec.names) && isList(spec.formats)) {
    return fromDict(spec, align || spec.aligned === true);
  }
  throw new TypeError(
    `Cannot interpret ${
      describe(like)
    } as a data type: expected a list of fields or { names, formats }`,
  );
}

function fromList(list: readonly unknown[], align: boolean): DType {
  const fields: FieldInput[] = list.map((entry, i) => {
    if (!isList(entry) || (entry.length !== 2 && entry.length !== 3)) {
      fail(
        `field ${i} must be [name, format] or [name, format, shape], got ${
          describe(entry)
        }`,
      );
    }
    let name: unknown = entry[0];
    let title: unknown;
    if (isList(name)) {
      if (name.length !== 2) fail(`field ${i}: a titled name is [title, name]`);
      [title, name] = name;
      if (typeof title !== "string") {
        fail(`field ${i}: the title must be a string`);
      }
    }
    if (typeof name !== "string") {
      fail(`field ${i}: the name must be a string or [title, name]`);
    }
    const fieldName = name === "" ? `f${i}` : name;
    let fdt = dtype(entry[1] as DTypeLike, { align });
    if (entry.length === 3) {
      fdt = subarrayDType(fdt, shapeOf(entry[2], fieldName));
    }
    return { name: fieldName, title: title as string | undefined, dtype: fdt };
  });
  return build(fields, null, undefined, align);
}

function fromDict(spec: Record<string, unknown>, align: boolean): DType {
  const names = spec.names as readonly unknown[];
  const formats = spec.formats as readonly unknown[];
  const offsets = spec.offsets;
  const titles = spec.titles;
  const n = names.length;
  if (
    formats.length !== n ||
    (offsets !== undefined && (!isList(offsets) || offsets.length !== n)) ||
    (titles !== undefined && (!isList(titles) || titles.length !== n))
  ) {
    fail(
      "'names', 'formats', 'offsets' and 'titles' must have the same length",
    );
  }
  const fields = names.map((name, i) => {
    if (typeof name !== "string") fail(`name ${i} must be a string`);
    const title = isList(titles) ? titles[i] : undefined;
    if (title !== undefined && title !== null && typeof title !== "string") {
      fail(`title ${i} must be a string or null`);
    }
    return {
      name,
      title: title ?? undefined,
      dtype: dtype(formats[i] as DTypeLike, { align }),
    } as FieldInput;
  });
  let offs: number[] | null = null;
  if (offsets !== undefined) {
    offs = (offsets as unknown[]).map((o) => {
      if (typeof o !== "number" || !Number.isSafeInteger(o)) {
        fail(`offset ${describe(o)} must be an integer`);
      }
      if (o < 0) fail(`offset ${o} cannot be negative`);
      return o;
    });
  }
  const itemsize = spec.itemsize;
  if (
    itemsize !== undefined &&
    (typeof itemsize !== "number" || !Number.isSafeInteger(itemsize) ||
      itemsize < 0)
  ) {
    fail(`itemsize ${describe(itemsize)} must be a non-negative integer`);
  }
  return build(fields, offs, itemsize as number | undefined, align);
}

function build(
  inputs: readonly FieldInput[],
  offsets: readonly number[] | null,
  itemsize: number | undefined,
  align: boolean,
): DType {
  const fields: Record<string, DTypeField> = {};
  const names: string[] = [];
  const used = new Set<string>();
  let offset = 0;
  let end = 0;
  let maxAlign = 1;
  inputs.forEach((f, i) => {
    if (used.has(f.name)) {
      fail(`name "${f.name}" is already used as a name or title`);
    }
    used.add(f.name);
    if (f.title !== undefined) {
      if (used.has(f.title)) {
        fail(`title "${f.title}" is already used as a name or title`);
      }
      used.add(f.title);
    }
    const a = f.dtype.alignment;
    let at: number;
    if (offsets !== null) {
      at = offsets[i];
      if (align && at % a !== 0) {
        fail(
          `offset ${at} of field "${f.name}" is not a multiple of its alignment ${a} (align: true)`,
        );
      }
    } else {
      if (align) offset = roundUp(offset, a);
      at = offset;
      offset += f.dtype.itemsize;
    }
    if (align) maxAlign = Math.max(maxAlign, a);
    end = Math.max(end, at + f.dtype.itemsize);
    const field: DTypeField = f.title === undefined
      ? { dtype: f.dtype, offset: at }
      : { dtype: f.dtype, offset: at, title: f.title };
    fields[f.name] = Object.freeze(field);
    if (f.title !== undefined) fields[f.title] = fields[f.name];
    names.push(f.name);
  });
  let size = align ? roundUp(end, maxAlign) : end;
  if (itemsize !== undefined) {
    if (itemsize < end) {
      fail(`the fields need ${end} bytes, more than itemsize ${itemsize}`);
    }
    if (align && itemsize % maxAlign !== 0) {
      fail(
        `itemsize ${itemsize} is not a multiple of the alignment ${maxAlign} (align: true)`,
      );
    }
    size = itemsize;
  }
  if (size > MAX_ITEMSIZE) {
    fail(
      `the record's ${size} bytes pass NumPy's limit of ${MAX_ITEMSIZE} bytes (its itemsize is a C int)`,
    );
  }
  return createDType({
    name: flexibleName("V", size),
    kind: "V",
    itemsize: size,
    char: "V",
    littleEndian: true,
    fields,
    names,
    subdtype: null,
    unit: null,
    alignment: align ? maxAlign : 1,
    isAlignedStruct: align,
  });
}

/**
 * A plain, cloneable spec that `dtype()` turns back into the same type:
 * `dtype.str` for a plain type, NumPy's dict form (names, formats,
 * offsets, itemsize, titles) for a record, `[base, shape]` for a subarray.
 *
 * @param t The type.
 * @returns The spec.
 */
export function specOf(t: DType): DTypeLike {
  if (t.names !== null) {
    const fields = fieldsInOrder(t);
    const spec: {
      names: string[];
      formats: DTypeLike[];
      offsets: number[];
      itemsize: number;
      titles?: (string | null)[];
    } = {
      names: fields.map((f) => f.name),
      formats: fields.map((f) => specOf(f.dtype)),
      offsets: fields.map((f) => f.offset),
      itemsize: t.itemsize,
    };
    if (fields.some((f) => f.title !== undefined)) {
      spec.titles = fields.map((f) => f.title ?? null);
    }
    return spec;
  }
  if (t.subdtype !== null) {
    return [specOf(t.subdtype.base), [...t.subdtype.shape]];
  }
  return t.str;
}

/** A field with its name, for walking a record in order. */
function fieldsInOrder(t: DType): (DTypeField & { name: string })[] {
  return t.names!.map((name) => ({ name, ...t.fields![name] }));
}

/**
 * NumPy's `descr` of a structured type (`numpy._core._internal._array_descr`):
 * a list of `[name, descr]` / `[name, descr, shape]` entries in field
 * order, `["", "|V<n>"]` for gaps, `[title, name]` for titled names.
 *
 * @param t A structured type.
 * @returns The list.
 * @throws {TypeError} If fields overlap or are out of order.
 */
export function arrayDescr(t: DType): unknown[] {
  const out: unknown[] = [];
  let offset = 0;
  for (const f of fieldsInOrder(t)) {
    if (f.offset > offset) {
      out.push(["", `|V${f.offset - offset}`]);
      offset = f.offset;
    } else if (f.offset < offset) {
      throw new TypeError(
        `Cannot describe ${t.toString()}: NumPy's descr is not defined for types with overlapping or out-of-order fields`,
      );
    }
    const name = f.title === undefined ? f.name : [f.title, f.name];
    const sub = f.dtype.subdtype;
    out.push(
      sub !== null
        ? [name, fieldDescr(sub.base), [...sub.shape]]
        : [name, fieldDescr(f.dtype)],
    );
    offset += f.dtype.itemsize;
  }
  if (t.itemsize > offset) out.push(["", `|V${t.itemsize - offset}`]);
  return out;
}

function fieldDescr(t: DType): unknown {
  if (t.names !== null) return arrayDescr(t);
  if (t.subdtype !== null) {
    return [fieldDescr(t.subdtype.base), [...t.subdtype.shape]];
  }
  return t.str;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Python's `repr()` of a string: single quotes unless the text holds a
 * single quote and no double quote, escapes for backslashes, quotes and
 * characters Python does not print.
 *
 * @param s The text.
 * @returns The literal, e.g. `'données'`, `"it's"`, `'\x00'`.
 */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      out += cp < 0x100
        ? "\\x" + cp.toString(16).padStart(2, "0")
        : cp < 0x10000
        ? "\\u" + cp.toString(16).padStart(4, "0")
        : "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

/**
 * Python's `repr()` of a tuple of ints: `(3,)`, `(2, 3)`, `()`.
 *
 * @param dims The ints.
 * @returns The text.
 */
export function pyTuple(dims: readonly (number | bigint)[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

/**
 * Python's `repr()` of a `descr` value as {@linkcode DType.descr} gives it:
 * strings, lists of entries (tuples), `[title, name]` pairs and shapes
 * (tuples of ints).
 *
 * @param descr The descr.
 * @returns The text a `.npy` header holds, e.g. `[('id', '<u4'), ('pos', '<f8', (3,))]`.
 */
export function pyDescr(descr: unknown): string {
  if (typeof descr === "string") return pyStr(descr);
  const list = descr as unknown[];
  return "[" + list.map((entry) => {
    const [name, d, shape] = entry as [unknown, unknown, number[]?];
    const n = typeof name === "string"
      ? pyStr(name)
      : `(${(name as string[]).map(pyStr).join(", ")})`;
    const inner = isList(d) && d.length === 2 && isList(d[1]) &&
        typeof d[1][0] === "number"
      ? `(${pyDescr(d[0])}, ${pyTuple(d[1] as number[])})`
      : pyDescr(d);
    return `(${n}, ${inner}${
      shape === undefined ? "" : `, ${pyTuple(shape)}`
    })`;
  }).join(", ") + "]";
}

/** `numpy._core._dtype._scalar_str`: the repr of a plain type. */
function scalarRepr(t: DType, short: boolean): string {
  const order = t.byteorder === "|"
    ? ""
    : t.byteorder === "="
    ? (t.littleEndian ? "<" : ">")
    : t.byteorder;
  switch (t.kind) {
    case "b":
      return short ? "'?'" : "'bool'";
    case "S":
      return t.itemsize === 0 ? "'S'" : `'S${t.itemsize}'`;
    case "U":
      return t.itemsize === 0 ? `'${order}U'` : `'${order}U${t.itemsize / 4}'`;
    case "V":
      return t.itemsize === 0 ? "'V'" : `'V${t.itemsize}'`;
    case "M":
    case "m":
      return `'${t.str.slice(0, 1) === "|" ? "" : order}${t.str.slice(1)}'`;
    default:
      return short || (t.byteorder !== "=" && t.byteorder !== "|")
        ? `'${order}${t.kind}${t.itemsize}'`
        : `'${t.name}'`;
  }
}

/** NumPy's `_is_packed`: offsets as the list form (packed or aligned) would give them. */
function isPacked(t: DType): boolean {
  let required = 0;
  let maxAlign = 1;
  for (const f of fieldsInOrder(t)) {
    if (t.isAlignedStruct) {
      required = roundUp(required, f.dtype.alignment);
      maxAlign = Math.max(maxAlign, f.dtype.alignment);
    }
    if (f.offset !== required) return false;
    required += f.dtype.itemsize;
  }
  if (t.isAlignedStruct) required = roundUp(required, maxAlign);
  return required === t.itemsize;
}

function constructionRepr(t: DType, short: boolean): string {
  if (t.names !== null) {
    const fields = fieldsInOrder(t);
    if (isPacked(t)) {
      return "[" + fields.map((f) => {
        const name = f.title === undefined
          ? pyStr(f.name)
          : `(${pyStr(f.title)}, ${pyStr(f.name)})`;
        const sub = f.dtype.subdtype;
        const body = sub !== null
          ? `${constructionRepr(sub.base, true)}, ${pyTuple(sub.shape)}`
          : constructionRepr(f.dtype, true);
        return `(${name}, ${body})`;
      }).join(", ") + "]";
    }
    let s = `{'names': [${fields.map((f) => pyStr(f.name)).join(", ")}]`;
    s += `, 'formats': [${
      fields.map((f) => constructionRepr(f.dtype, true)).join(", ")
    }]`;
    s += `, 'offsets': [${fields.map((f) => f.offset).join(", ")}]`;
    if (fields.some((f) => f.title !== undefined)) {
      s += `, 'titles': [${
        fields.map((f) => f.title === undefined ? "None" : pyStr(f.title))
          .join(", ")
      }]`;
    }
    return s + `, 'itemsize': ${t.itemsize}}`;
  }
  if (t.subdtype !== null) {
    return `(${constructionRepr(t.subdtype.base, true)}, ${
      pyTuple(t.subdtype.shape)
    })`;
  }
  return scalarRepr(t, short);
}

/**
 * What NumPy's `repr(dtype)` shows between the parentheses.
 *
 * @param t The type.
 * @returns E.g. `'float64'`, `'<U10'`, `[('a', '<i4')], align=True`.
 */
export function reprOf(t: DType): string {
  const s = constructionRepr(t, false);
  return t.isAlignedStruct ? `${s}, align=True` : s;
}

/**
 * Whether NumPy reads a dtype string as a comma string (its
 * `_check_for_commastring`): it starts with a digit (after an optional
 * byte-order character), or with `()`, or has a comma outside `[...]`.
 *
 * @param s The dtype string.
 * @returns `true` for `"2i4"`, `"(2,3)f8"`, `"f8, i4"` ...
 */
export function isCommaString(s: string): boolean {
  const order = (c: string | undefined) =>
    c === "<" || c === ">" || c === "=" || c === "|";
  const digit = (c: string | undefined) =>
    c !== undefined && c >= "0" && c <= "9";
  if (digit(s[0]) || (s.length > 1 && order(s[0]) && digit(s[1]))) {
    return true;
  }
  if (
    (s.length > 1 && s[0] === "(" && s[1] === ")") ||
    (s.length > 3 && order(s[0]) && s[1] === "(" && s[2] === ")")
  ) {
    return true;
  }
  let brackets = 0;
  for (const c of s) {
    if (c === "," && brackets === 0) return true;
    if (c === "[") brackets++;
    else if (c === "]") brackets--;
  }
  return false;
}

const FORMAT =
  /(?<order1>[<>|=]?)(?<repeats> *[(]?[ ,0-9]*[)]? *)(?<order2>[<>|=]?)(?<dtype>[A-Za-z0-9.?]*(?:\[[a-zA-Z0-9,.]+\])?)/y;
const SEPARATOR = /\s*,\s*/y;
const TRAILING_SPACE = /\s+$/y;
const NATIVE_ORDER = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
  ? "<"
  : ">";

/** A `repeats` text read as Python's `ast.literal_eval` reads it: an int or a tuple of ints. */
function repeatsOf(text: string, s: string): number[] | undefined {
  const t = text.trim();
  const fail = () =>
    new TypeError(
      `Cannot interpret ${JSON.stringify(s)} as a data type: the shape ${
        JSON.stringify(text)
      } is not valid`,
    );
  if (/^\(\s*\)$/.test(t)) return [];
  let inner = t;
  let tuple = false;
  if (t.startsWith("(") || t.endsWith(")")) {
    if (!(t.startsWith("(") && t.endsWith(")"))) throw fail();
    inner = t.slice(1, -1).trim();
  }
  if (inner.includes(",")) tuple = true;
  const parts = inner.split(",").map((p) => p.trim());
  if (tuple && parts[parts.length - 1] === "") parts.pop();
  if (
    parts.length === 0 || !parts.every((p) => /^(?:0+|[1-9][0-9]*)$/.test(p))
  ) {
    throw fail();
  }
  return parts.map(Number);
}

/**
 * NumPy's comma strings (`_commastring`): `"2i4"` and `"(2,3)f8"` are
 * subarrays, `"f8, i4"` a record with fields `f0`, `f1`, ... (each part may
 * have a shape), `"()i4"` the plain type.
 *
 * @param s The dtype string (one {@linkcode isCommaString} accepts).
 * @param align Lay a record out as a C compiler would.
 * @returns The type.
 * @throws {TypeError} If a part is not recognized, byte orders conflict or
 *   a part is not a valid type.
 */
export function parseCommaString(s: string, align: boolean): DType {
  const parts: [string, number[] | null][] = [];
  let at = 0;
  let list = false;
  const notRecognized = () =>
    new TypeError(
      `Cannot interpret ${JSON.stringify(s)} as a data type: format number ${
        parts.length + 1
      } is not recognized`,
    );
  while (at < s.length) {
    FORMAT.lastIndex = at;
    const m = FORMAT.exec(s);
    if (m === null) throw notRecognized();
    const { order1, repeats, order2, dtype: type } = m.groups!;
    at = FORMAT.lastIndex;
    if (at < s.length) {
      TRAILING_SPACE.lastIndex = at;
      if (TRAILING_SPACE.test(s)) at = s.length;
      else {
        SEPARATOR.lastIndex = at;
        if (!SEPARATOR.test(s)) throw notRecognized();
        at = SEPARATOR.lastIndex;
        list = true;
      }
    }
    const native = (o: string) => o === "=" ? NATIVE_ORDER : o;
    let order = order2 === "" ? order1 : order1 === "" ? order2 : "";
    if (order1 !== "" && order2 !== "") {
      if (native(order1) !== native(order2)) {
        throw new TypeError(
          `Cannot interpret ${
            JSON.stringify(s)
          } as a data type: inconsistent byte orders ${order1} and ${order2}`,
        );
      }
      order = order1;
    }
    if (order === "|" || order === "=" || order === NATIVE_ORDER) order = "";
    parts.push([
      order + type,
      repeats === "" ? null : repeatsOf(repeats, s)!,
    ]);
  }
  const made = parts.map(([type, shape]) =>
    shape === null ? dtype(type, { align }) : subarrayDType(
      dtype(type, { align }),
      shape,
    )
  );
  if (!list) return made[0];
  return parseStructured(
    made.map((t, i) => [`f${i}`, t]),
    align,
  );
}

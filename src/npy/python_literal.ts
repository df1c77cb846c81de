/**
 * A strict parser for the Python literals found in `.npy` headers.
 *
 * The header of a `.npy` file is the `repr()` of a Python dict such as
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`. NumPy reads
 * it with `ast.literal_eval`; this module reads the same subset of Python
 * without evaluating anything: dicts, tuples, lists, strings (with an
 * optional `u`/`b` prefix and the usual escapes), decimal integers (with an
 * optional sign and `_` separators), `True`, `False` and `None`. Comments,
 * floats, expressions and implicit string concatenation are refused.
 *
 * @module
 */

/** A Python tuple, kept apart from a list. */
export interface PyTuple {
  /** Always `"tuple"`. */
  readonly kind: "tuple";
  /** The elements. */
  readonly items: PyValue[];
}

/** A Python `bytes` literal. */
export interface PyBytes {
  /** Always `"bytes"`. */
  readonly kind: "bytes";
  /** The bytes. */
  readonly value: Uint8Array;
}

/**
 * A value of the literal subset: `str` → string, `int` → bigint, `bool` →
 * boolean, `None` → null, list → array, tuple → {@linkcode PyTuple}, dict →
 * `Map` (keys are any hashable literal).
 */
export type PyValue =
  | string
  | bigint
  | boolean
  | null
  | PyTuple
  | PyBytes
  | PyValue[]
  | Map<PyValue, PyValue>;

/** Thrown by {@linkcode parsePythonLiteral}; `index` is where parsing stopped. */
export class PythonLiteralError extends SyntaxError {
  /** The index in the text (UTF-16 code units) of the offending character. */
  readonly index: number;
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param index Where in the text.
   */
  constructor(message: string, index: number) {
    super(message);
    this.name = "PythonLiteralError";
    this.index = index;
  }
}

/** Options of {@linkcode parsePythonLiteral}. */
export interface ParsePythonLiteralOptions {
  /** Accept Python 2 long literals such as `3L` (NumPy does for versions 1.0/2.0). */
  allowLongSuffix?: boolean;
  /** Deepest nesting of containers accepted; default 64. */
  maxDepth?: number;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r", "\f", "\v"]);
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/**
 * Parses one Python literal that fills the whole text (leading and trailing
 * whitespace allowed).
 *
 * @param text The text.
 * @param options Python 2 compatibility and a nesting limit.
 * @returns The value.
 * @throws {PythonLiteralError} If the text is not exactly one literal of the
 *   supported subset.
 */
export function parsePythonLiteral(
  text: string,
  options: ParsePythonLiteralOptions = {},
): PyValue {
  const parser = new Parser(
    text,
    options.allowLongSuffix ?? false,
    options.maxDepth ?? 64,
  );
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) {
    parser.fail(`unexpected ${parser.show()} after the literal`);
  }
  return value;
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly allowLong: boolean,
    readonly maxDepth: number,
  ) {}

  fail(message: string, at: number = this.pos): never {
    throw new PythonLiteralError(message, at);
  }

  show(at: number = this.pos): string {
    if (at >= this.text.length) return "end of header";
    return JSON.stringify(this.text[at]);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos])) {
      this.pos++;
    }
  }

  value(depth: number): PyValue {
    const c = this.text[this.pos];
    if (c === "{" || c === "(" || c === "[") {
      if (depth >= this.maxDepth) {
        this.fail(`nesting deeper than ${this.maxDepth} levels`);
      }
      if (c === "{") return this.dict(depth + 1);
      if (c === "(") return this.tuple(depth + 1);
      return this.list(depth + 1);
    }
    if (c === "'" || c === '"') return this.string(false);
    if ((c === "u" || c === "U" || c === "b" || c === "B") && this.isQuote(1)) {
      this.pos++;
      const s = this.string(c === "b" || c === "B");
      return s;
    }
    if (c === "-" || c === "+" || (c >= "0" && c <= "9")) return this.int();
    if (this.word("True")) return true;
    if (this.word("False")) return false;
    if (this.word("None")) return null;
    return this.fail(`expected a literal, found ${this.show()}`);
  }

  isQuote(ahead: number): boolean {
    const q = this.text[this.pos + ahead];
    return q === "'" || q === '"';
  }

  word(w: string): boolean {
    if (!this.text.startsWith(w, this.pos)) return false;
    const next = this.text[this.pos + w.length];
    if (next !== undefined && /[A-Za-z0-9_]/.test(next)) return false;
    this.pos += w.length;
    return true;
  }

  /** Parses `open item, item, ... close` and returns the items and whether a comma was seen. */
  sequence(close: string, depth: number): { items: PyValue[]; comma: boolean } {
    this.pos++; // the opening bracket
    const items: PyValue[] = [];
    let comma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return { items, comma };
      }
      items.push(this.value(depth));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ",") {
        comma = true;
        this.pos++;
      } else if (c !== close) {
        this.fail(`expected "," or "${close}", found ${this.show()}`);
      }
    }
  }

  list(depth: number): PyValue[] {
    return this.sequence("]", depth).items;
  }

  tuple(depth: number): PyValue {
    const { items, comma } = this.sequence(")", depth);
    // `(x)` is just x in parentheses; `()` and `(x,)` are tuples.
    if (items.length === 1 && !comma) return items[0];
    return { kind: "tuple", items };
  }

  dict(depth: number): Map<PyValue, PyValue> {
    this.pos++; // "{"
    const map = new Map<PyValue, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return map;
      }
      const keyAt = this.pos;
      const key = this.value(depth);
      if (typeof key === "object" && key !== null) {
        this.fail(
          "dict keys must be strings, numbers, booleans or None",
          keyAt,
        );
      }
      if (map.has(key)) this.fail(`duplicate dict key ${String(key)}`, keyAt);
      this.skipSpace();
      if (this.text[this.pos] !== ":") {
        this.fail(`expected ":" after a dict key, found ${this.show()}`);
      }
      this.pos++;
      this.skipSpace();
      map.set(key, this.value(depth));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c !== "}") {
        this.fail(
          `expected "," or "}" after a dict value, found ${this.show()}`,
        );
      }
    }
  }

  int(): bigint {
    const start = this.pos;
    let sign = 1n;
    if (this.text[this.pos] === "-" || this.text[this.pos] === "+") {
      if (this.text[this.pos] === "-") sign = -1n;
      this.pos++;
      this.skipSpace();
    }
    const digitsAt = this.pos;
    const m = /^(?:0(?:_?0)*|[1-9](?:_?[0-9])*)/.exec(
      this.text.slice(this.pos, this.pos + 64),
    );
    if (m === null) return this.fail(`expected digits, found ${this.show()}`);
    this.pos += m[0].length;
    if (m[0].length >= 64) this.fail("integer literal too long", digitsAt);
    if (
      this.allowLong &&
      (this.text[this.pos] === "L" || this.text[this.pos] === "l")
    ) {
      this.pos++;
    }
    const next = this.text[this.pos];
    if (next !== undefined && /[A-Za-z0-9_.]/.test(next)) {
      this.fail(
        `unsupported number literal starting with ${this.show(start)}`,
        start,
      );
    }
    return sign * BigInt(m[0].replaceAll("_", ""));
  }

  string(isBytes: boolean): string | PyBytes {
    const quote = this.text[this.pos];
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unterminated string", start);
      const c = this.text[this.pos];
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c === "\n" || c === "\r") this.fail("unterminated string", start);
      if (c !== "\\") {
        if (isBytes && c.charCodeAt(0) > 0x7f) {
          this.fail("bytes literal with a non-ASCII character");
        }
        out += c;
        this.pos++;
        continue;
      }
      out += this.escape(isBytes);
    }
    if (this.isQuote(0)) {
      this.fail("implicit string concatenation is not supported");
    }
    if (isBytes) {
      const value = new Uint8Array(out.length);
      for (let i = 0; i < out.length; i++) value[i] = out.charCodeAt(i);
      return { kind: "bytes", value };
    }
    return out;
  }

  escape(isBytes: boolean): string {
    const at = this.pos;
    const e = this.text[this.pos + 1];
    if (e === undefined) this.fail("unterminated string", at);
    this.pos += 2;
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e];
    if (e === "\n") return "";
    if (e === "\r") {
      if (this.text[this.pos] === "\n") this.pos++;
      return "";
    }
    if (e >= "0" && e <= "7") {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(this.text[this.pos] ?? "")) {
        digits += this.text[this.pos++];
      }
      const code = parseInt(digits, 8);
      if (isBytes && code > 0xff) {
        this.fail("octal escape above \\377 in bytes", at);
      }
      return String.fromCharCode(code);
    }
    const width = e === "x"
      ? 2
      : isBytes
      ? 0
      : e === "u"
      ? 4
      : e === "U"
      ? 8
      : 0;
    if (width === 0) {
      // Python keeps unknown escapes verbatim (with a warning); so do we.
      return "\\" + e;
    }
    const hex = this.text.slice(this.pos, this.pos + width);
    if (hex.length !== width || !/^[0-9A-Fa-f]+$/.test(hex)) {
      this.fail(`truncated \\${e} escape`, at);
    }
    this.pos += width;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) {
      this.fail(`escape \\${e}${hex} is not a Unicode code point`, at);
    }
    return String.fromCodePoint(code);
  }
}

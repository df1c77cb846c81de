/**
 * A parser for the Python literals found in `.npy` headers: what Python's
 * `ast.literal_eval` accepts, read without evaluating anything.
 *
 * The header of a `.npy` file is the `repr()` of a Python dict such as
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`. NumPy
 * reads it with `ast.literal_eval`, so any header Python parses to the
 * same dict loads: keys in any order, either quote, repeated keys (the last
 * one wins), comments, line continuations, implicit string concatenation.
 * This module follows Python 3.11's tokenizer and `literal_eval` to the
 * letter:
 *
 * - values: `str` and `bytes` literals (prefixes `r`, `u`, `b`, `br`, `rb`
 *   in any case, triple quotes, every escape but `\N{...}`, adjacent
 *   literals joined), `int` (decimal, `0x`, `0o`, `0b`, `_` separators;
 *   decimal literals of more than 4,300 digits are refused as Python
 *   does), `float`, imaginary numbers and `a + bj` / `a - bj`, one unary `+`
 *   or `-` on a number, `True`, `False`, `None`, `...`, tuples, lists, dicts,
 *   sets and `set()`; dict keys and set elements must be hashable;
 * - layout: spaces, tabs and form feeds between tokens, newlines and
 *   comments anywhere inside brackets, comments and blank lines around the
 *   value, backslash continuations, `\r\n` and `\r` read as `\n`; the value
 *   may not be indented on a line of its own (leading spaces and tabs of the
 *   text are dropped, as `literal_eval` does); at most 200 nested brackets;
 * - refused: NUL characters anywhere, f-strings, names other than `True`,
 *   `False`, `None` and `set`, operators other than the ones above, calls
 *   other than `set()`, subscripts, attributes, comprehensions.
 *
 * With `allowLongSuffix` (NumPy does this for format versions 1.0 and 2.0,
 * written by Python 2), a token `L` after a number is dropped, as NumPy's
 * `_filter_header` does: `3L` and `3 L` are 3, `3l` and `3Lx` are errors.
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

/** A Python `float`. */
export interface PyFloat {
  /** Always `"float"`. */
  readonly kind: "float";
  /** The value. */
  readonly value: number;
}

/** A Python `complex` (an imaginary literal, or `a + bj`). */
export interface PyComplex {
  /** Always `"complex"`. */
  readonly kind: "complex";
  /** The real part. */
  readonly re: number;
  /** The imaginary part. */
  readonly im: number;
}

/** A Python `set` (elements in source order, duplicates dropped). */
export interface PySet {
  /** Always `"set"`. */
  readonly kind: "set";
  /** The distinct elements, in the order first written. */
  readonly items: PyValue[];
}

/** Python's `...` (`Ellipsis`). */
export interface PyEllipsis {
  /** Always `"ellipsis"`. */
  readonly kind: "ellipsis";
}

/**
 * A value of the literal subset: `str` → string, `int` → bigint, `bool` →
 * boolean, `None` → null, list → array, tuple → {@linkcode PyTuple}, dict →
 * `Map` (one entry per distinct key, in the order first written, holding
 * the last value written for it, as Python builds it), and the other kinds
 * as tagged objects.
 */
export type PyValue =
  | string
  | bigint
  | boolean
  | null
  | PyTuple
  | PyBytes
  | PyFloat
  | PyComplex
  | PySet
  | PyEllipsis
  | PyValue[]
  | Map<PyValue, PyValue>;

/** Thrown by {@linkcode parsePythonLiteral}; `index` is where parsing stopped. */
export class PythonLiteralError extends SyntaxError {
  /** The index in the text (UTF-16 code units) of the offending character. */
  readonly index: number;
  /**
   * True when Python would read the text but this parser does not (a
   * `\N{name}` escape: the Unicode name table is not at hand).
   */
  readonly unsupported: boolean;
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param index Where in the text.
   * @param unsupported Whether Python would read it.
   */
  constructor(message: string, index: number, unsupported = false) {
    super(message);
    this.name = "PythonLiteralError";
    this.index = index;
    this.unsupported = unsupported;
  }
}

/** Options of {@linkcode parsePythonLiteral}. */
export interface ParsePythonLiteralOptions {
  /** Drop Python 2 long suffixes such as `3L` (NumPy does for versions 1.0/2.0). */
  allowLongSuffix?: boolean;
  /** Deepest nesting of brackets accepted; default 200 (Python's limit). */
  maxDepth?: number;
}

/** Python refuses decimal literals longer than this (`sys.get_int_max_str_digits()`). */
const MAX_DECIMAL_DIGITS = 4300;

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

const ID_START = /[\p{XID_Start}_]/u;
const ID_CONTINUE = /[\p{XID_Continue}]/u;
const STRING_PREFIXES = new Set(["r", "u", "b", "br", "rb", "f", "fr", "rf"]);

/**
 * Parses one Python literal that fills the whole text, as
 * `ast.literal_eval` does.
 *
 * @param text The text.
 * @param options Python 2 compatibility and a nesting limit.
 * @returns The value.
 * @throws {PythonLiteralError} If Python would not read the text as one
 *   literal (or would, but with a `\N{...}` escape: `unsupported` is set).
 */
export function parsePythonLiteral(
  text: string,
  options: ParsePythonLiteralOptions = {},
): PyValue {
  // Python reads "\r\n" and "\r" as "\n"; keep where each character was.
  let source = text;
  let origin: ((i: number) => number) | null = null;
  if (text.includes("\r")) {
    const at: number[] = [];
    source = "";
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\r") {
        at.push(i);
        source += "\n";
        if (text[i + 1] === "\n") i++;
      } else {
        at.push(i);
        source += text[i];
      }
    }
    at.push(text.length);
    origin = (i) => at[Math.min(i, at.length - 1)];
  }
  const nul = source.indexOf("\0");
  try {
    if (nul >= 0) {
      throw new PythonLiteralError("NUL character in the text", nul);
    }
    const parser = new Parser(
      source,
      options.allowLongSuffix ?? false,
      options.maxDepth ?? 200,
    );
    return parser.whole();
  } catch (e) {
    if (e instanceof PythonLiteralError && origin !== null) {
      throw new PythonLiteralError(e.message, origin(e.index), e.unsupported);
    }
    throw e;
  }
}

type Token =
  | { type: "num"; at: number; value: bigint | PyFloat | PyComplex }
  | { type: "str"; at: number; value: string | PyBytes; fstring: boolean }
  | { type: "name"; at: number; value: string }
  | { type: "op"; at: number; value: string }
  | { type: "newline"; at: number }
  | { type: "end"; at: number };

/** What `literal_eval` sees of a parsed expression. */
type Node =
  | { node: "constant"; value: PyValue } // a literal, bracketed or not
  | { node: "signed"; value: PyValue } // +x / -x of a number
  | { node: "sum"; value: PyValue } // a + bj
  | { node: "container"; value: PyValue }
  | { node: "name"; name: string; at: number };

function isNumber(v: PyValue): boolean {
  return typeof v === "bigint" ||
    (typeof v === "object" && v !== null && !Array.isArray(v) &&
      !(v instanceof Map) && (v.kind === "float" || v.kind === "complex"));
}

function kindOf(v: PyValue): string | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) &&
      !(v instanceof Map)
    ? v.kind
    : undefined;
}

/**
 * A string that is equal for Python-equal hashable values (`1 == 1.0 ==
 * True`), or `undefined` for an unhashable value (list, dict, set, or a
 * tuple holding one).
 */
function hashKey(v: PyValue): string | undefined {
  if (typeof v === "string") return "s" + v;
  if (typeof v === "bigint") return "n" + v;
  if (typeof v === "boolean") return v ? "n1" : "n0";
  if (v === null) return "N";
  if (Array.isArray(v) || v instanceof Map) return undefined;
  switch (v.kind) {
    case "tuple": {
      const keys = v.items.map(hashKey);
      return keys.includes(undefined) ? undefined : `t(${keys.join(",")})`;
    }
    case "bytes":
      return "b" + Array.from(v.value).join(",");
    case "float":
      return Number.isInteger(v.value) ? "n" + BigInt(v.value) : "f" + v.value;
    case "complex":
      return v.im === 0
        ? hashKey({ kind: "float", value: v.re })
        : `c${v.re},${v.im}`;
    case "ellipsis":
      return "E";
    case "set":
      return undefined;
  }
}

function typeName(v: PyValue): string {
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "dict";
  return kindOf(v) ?? typeof v;
}

class Parser {
  pos = 0;
  level = 0;
  /** Whether the lexer is at the start of a logical line (depth 0). */
  lineStart = true;
  first = true;
  peeked: Token | null = null;

  constructor(
    readonly text: string,
    readonly allowLong: boolean,
    readonly maxDepth: number,
  ) {}

  fail(message: string, at: number = this.pos): never {
    throw new PythonLiteralError(message, at);
  }

  show(at: number): string {
    if (at >= this.text.length) return "end of header";
    return JSON.stringify(String.fromCodePoint(this.text.codePointAt(at)!));
  }

  // ---- lexer ----

  /** Skips spaces, tabs, form feeds and backslash continuations. */
  skipBlanks(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\f") this.pos++;
      else if (c === "\\" && t[this.pos + 1] === "\n") {
        if (this.pos + 2 >= t.length) {
          this.fail("backslash continuation at the end of the text");
        }
        this.pos += 2;
      } else return;
    }
  }

  peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  take(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  lex(): Token {
    const t = this.text;
    for (;;) {
      if (this.lineStart && this.level === 0) {
        // Indentation of a new logical line: only blank lines may be indented.
        if (this.first) {
          while (t[this.pos] === " " || t[this.pos] === "\t") this.pos++;
          this.first = false;
        }
        let col = 0;
        for (;;) {
          const c = t[this.pos];
          if (c === " ") col++;
          else if (c === "\t") col = (Math.floor(col / 8) + 1) * 8;
          else if (c === "\f") col = 0;
          else break;
          this.pos++;
        }
        const c = t[this.pos];
        if (c === "#") {
          while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
        }
        if (t[this.pos] === "\n") {
          this.pos++;
          continue;
        }
        if (this.pos >= t.length) return { type: "end", at: this.pos };
        if (col > 0) this.fail("unexpected indent");
        this.lineStart = false;
      }
      this.skipBlanks();
      const c = t[this.pos];
      if (c === "#") {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
        continue;
      }
      if (c === "\n") {
        this.pos++;
        if (this.level > 0) continue;
        this.lineStart = true;
        return { type: "newline", at: this.pos - 1 };
      }
      if (this.pos >= t.length) {
        if (this.level > 0) this.fail("unexpected end of header in brackets");
        return { type: "end", at: this.pos };
      }
      return this.token();
    }
  }

  token(): Token {
    const t = this.text;
    const at = this.pos;
    const c = t[at];
    if (
      (c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(t[at + 1] ?? ""))
    ) {
      return { type: "num", at, value: this.number() };
    }
    if (c === "'" || c === '"') return this.string(at, "");
    const cp = String.fromCodePoint(t.codePointAt(at)!);
    if (ID_START.test(cp)) {
      let end = at + cp.length;
      for (;;) {
        const next = t.codePointAt(end);
        if (next === undefined) break;
        const ch = String.fromCodePoint(next);
        if (!ID_CONTINUE.test(ch)) break;
        end += ch.length;
      }
      const word = t.slice(at, end);
      if (
        STRING_PREFIXES.has(word.toLowerCase()) &&
        (t[end] === "'" || t[end] === '"')
      ) {
        this.pos = end;
        return this.string(at, word.toLowerCase());
      }
      this.pos = end;
      return { type: "name", at, value: word };
    }
    if (t.startsWith("...", at)) {
      this.pos += 3;
      return { type: "op", at, value: "..." };
    }
    for (const op of ["**", "//", "->", ":="]) {
      if (t.startsWith(op, at)) {
        this.fail(`unexpected ${JSON.stringify(op)}`, at);
      }
    }
    if ("([{".includes(c)) {
      if (this.level >= this.maxDepth) {
        this.fail(`brackets nested deeper than ${this.maxDepth} levels`);
      }
      this.level++;
    } else if (")]}".includes(c)) {
      if (this.level === 0) this.fail(`unmatched ${JSON.stringify(c)}`);
      this.level--;
    } else if (!",:+-.".includes(c)) {
      this.fail(`unexpected ${this.show(at)}`, at);
    }
    this.pos++;
    return { type: "op", at, value: c };
  }

  /** Digits with single `_` between them; returns the digits, or fails. */
  digits(re: RegExp, what: string): string {
    const t = this.text;
    let out = "";
    for (;;) {
      if (!re.test(t[this.pos] ?? "")) this.fail(`invalid ${what} literal`);
      while (re.test(t[this.pos] ?? "")) out += t[this.pos++];
      if (t[this.pos] === "_" && re.test(t[this.pos + 1] ?? "")) {
        this.pos++;
        continue;
      }
      if (t[this.pos] === "_") this.fail(`invalid ${what} literal`);
      return out;
    }
  }

  number(): bigint | PyFloat | PyComplex {
    const t = this.text;
    const start = this.pos;
    let value: bigint | PyFloat | PyComplex;
    const radix = t[start] === "0" ? (t[start + 1] ?? "").toLowerCase() : "";
    if (radix === "x" || radix === "o" || radix === "b") {
      this.pos += 2;
      if (t[this.pos] === "_") this.pos++;
      const re = radix === "x"
        ? /[0-9a-fA-F]/
        : radix === "o"
        ? /[0-7]/
        : /[01]/;
      const name = radix === "x"
        ? "hexadecimal"
        : radix === "o"
        ? "octal"
        : "binary";
      value = BigInt(`0${radix}${this.digits(re, name)}`);
    } else {
      let intPart = "";
      if (t[this.pos] !== ".") intPart = this.digits(/[0-9]/, "decimal");
      let isFloat = false;
      let text = intPart;
      if (t[this.pos] === ".") {
        isFloat = true;
        this.pos++;
        text += ".";
        if (/[0-9]/.test(t[this.pos] ?? "")) {
          text += this.digits(/[0-9]/, "decimal");
        }
      }
      const e = t[this.pos];
      if (e === "e" || e === "E") {
        const save = this.pos;
        this.pos++;
        let sign = "";
        if (t[this.pos] === "+" || t[this.pos] === "-") sign = t[this.pos++];
        if (/[0-9]/.test(t[this.pos] ?? "")) {
          isFloat = true;
          text += "e" + sign + this.digits(/[0-9]/, "decimal");
        } else {
          this.pos = save;
          this.fail("invalid decimal literal");
        }
      }
      const j = t[this.pos];
      if (j === "j" || j === "J") {
        this.pos++;
        value = { kind: "complex", re: 0, im: Number(text) };
      } else if (isFloat) {
        value = { kind: "float", value: Number(text) };
      } else {
        if (/^0+[1-9]/.test(intPart)) {
          this.fail(
            "leading zeros in decimal integer literals are not permitted",
            start,
          );
        }
        if (intPart.length > MAX_DECIMAL_DIGITS) {
          this.fail(
            `integer literal of ${intPart.length} digits: Python reads at most ${MAX_DECIMAL_DIGITS}`,
            start,
          );
        }
        value = BigInt(intPart);
      }
    }
    // Python 2 long suffixes, dropped token by token (NumPy's _filter_header).
    const isL = (i: number) =>
      t[i] === "L" && !ID_CONTINUE.test(t[i + 1] ?? " ");
    if (this.allowLong) {
      for (;;) {
        const save = this.pos;
        this.skipBlanks();
        if (isL(this.pos)) {
          this.pos++;
          continue;
        }
        this.pos = save;
        break;
      }
    }
    const next = t.codePointAt(this.pos);
    if (
      next !== undefined && ID_CONTINUE.test(String.fromCodePoint(next))
    ) {
      this.fail(
        `invalid number literal starting with ${this.show(start)}`,
        start,
      );
    }
    return value;
  }

  string(at: number, prefix: string): Token {
    const t = this.text;
    const raw = prefix.includes("r");
    const isBytes = prefix.includes("b");
    const fstring = prefix.includes("f");
    const q = t[this.pos];
    const triple = t.startsWith(q + q + q, this.pos);
    const close = triple ? q + q + q : q;
    this.pos += close.length;
    let out = "";
    for (;;) {
      if (this.pos >= t.length) this.fail("unterminated string literal", at);
      if (t.startsWith(close, this.pos)) {
        this.pos += close.length;
        break;
      }
      const c = t[this.pos];
      if (c === "\n" && !triple) this.fail("unterminated string literal", at);
      if (isBytes && c.charCodeAt(0) > 0x7f) {
        this.fail("bytes can only contain ASCII literal characters");
      }
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const e = t[this.pos + 1];
      if (e === undefined) this.fail("unterminated string literal", at);
      if (raw) {
        if (isBytes && e.charCodeAt(0) > 0x7f) {
          this.fail("bytes can only contain ASCII literal characters");
        }
        out += c + e;
        this.pos += 2;
        continue;
      }
      out += this.escape(isBytes);
    }
    if (isBytes) {
      const value = new Uint8Array(out.length);
      for (let i = 0; i < out.length; i++) value[i] = out.charCodeAt(i) & 0xff;
      return { type: "str", at, value: { kind: "bytes", value }, fstring };
    }
    return { type: "str", at, value: out, fstring };
  }

  escape(isBytes: boolean): string {
    const t = this.text;
    const at = this.pos;
    const e = t[this.pos + 1];
    this.pos += 2;
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e];
    if (e === "\n") return "";
    if (e >= "0" && e <= "7") {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(t[this.pos] ?? "")) {
        digits += t[this.pos++];
      }
      return String.fromCharCode(parseInt(digits, 8));
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
    if (e === "N" && !isBytes) {
      const m = /^\{[^}\n]+\}/.exec(t.slice(this.pos, this.pos + 200));
      if (m === null) this.fail("malformed \\N character escape", at);
      throw new PythonLiteralError(
        `a \\N${m[0]} escape (Unicode names are not read here)`,
        at,
        true,
      );
    }
    if (width === 0) {
      // Python keeps unknown escapes verbatim (with a warning); so do we.
      if (isBytes && e.charCodeAt(0) > 0x7f) {
        this.fail("bytes can only contain ASCII literal characters");
      }
      return "\\" + e;
    }
    const hex = t.slice(this.pos, this.pos + width);
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

  // ---- parser ----

  expectOp(value: string): void {
    const tok = this.take();
    if (tok.type !== "op" || tok.value !== value) {
      this.fail(
        `expected ${JSON.stringify(value)}, found ${this.describe(tok)}`,
        tok.at,
      );
    }
  }

  describe(tok: Token): string {
    if (tok.type === "end") return "end of header";
    if (tok.type === "newline") return "end of line";
    return this.show(tok.at);
  }

  isOp(value: string): boolean {
    const tok = this.peek();
    return tok.type === "op" && tok.value === value;
  }

  whole(): PyValue {
    const value = this.literal(this.expression());
    let tok = this.take();
    while (tok.type === "newline") tok = this.take();
    if (tok.type !== "end") {
      this.fail(`unexpected ${this.describe(tok)} after the literal`, tok.at);
    }
    return value;
  }

  /** What literal_eval gives for a node, or a failure (malformed node). */
  literal(n: Node): PyValue {
    if (n.node === "name") {
      this.fail(`name ${JSON.stringify(n.name)} is not a literal`, n.at);
    }
    return n.value;
  }

  /** `a`, or `a + bj` / `a - bj`. */
  expression(): Node {
    const start = this.peek().at;
    const left = this.factor();
    if (!(this.isOp("+") || this.isOp("-"))) return left;
    const op = this.take() as { value: string };
    const rightAt = this.peek().at;
    const right = this.factor();
    const l = left.node === "constant" || left.node === "signed"
      ? left.value
      : undefined;
    const okLeft = l !== undefined && isNumber(l) && kindOf(l) !== "complex";
    if (!okLeft) this.fail("only a number may come before + or -", start);
    if (right.node !== "constant" || kindOf(right.value) !== "complex") {
      this.fail("only an imaginary number may follow + or -", rightAt);
    }
    if (this.isOp("+") || this.isOp("-")) {
      this.fail("only one + or - may join two numbers", this.peek().at);
    }
    const re = typeof l === "bigint" ? Number(l) : (l as PyFloat).value;
    const im = (right.value as PyComplex).im;
    return {
      node: "sum",
      value: {
        kind: "complex",
        re,
        im: op.value === "+" ? im : -im,
      },
    };
  }

  /**
   * `+x`, `-x` (x a number), or a primary. The signs are read in a loop, not
   * by recursion, so a long run of them cannot overflow the stack: only the
   * sign next to a number applies (literal_eval takes one), and the sign
   * before it fails as a sign on a non-number, as recursion would.
   */
  factor(): Node {
    const ops: { value: string; at: number }[] = [];
    while (this.isOp("+") || this.isOp("-")) {
      ops.push(this.take() as { value: string; at: number });
    }
    if (ops.length === 0) return this.primary();
    const operandAt = this.peek().at;
    const operand = this.primary();
    const op = ops[ops.length - 1];
    if (
      operand.node !== "constant" || !isNumber(operand.value) ||
      typeof operand.value === "boolean"
    ) {
      this.fail(`unary ${op.value} applies only to a number`, operandAt);
    }
    if (ops.length > 1) {
      this.fail(
        `unary ${ops[ops.length - 2].value} applies only to a number`,
        op.at,
      );
    }
    const v = operand.value;
    const neg = op.value === "-";
    let value: PyValue;
    if (typeof v === "bigint") value = neg ? -v : v;
    else if (kindOf(v) === "float") {
      value = {
        kind: "float",
        value: neg ? -(v as PyFloat).value : (v as PyFloat).value,
      };
    } else {
      const c = v as PyComplex;
      value = neg ? { kind: "complex", re: -c.re, im: -c.im } : c;
    }
    return { node: "signed", value };
  }

  /** An atom, and `()` after the name `set`. */
  primary(): Node {
    const atom = this.atom();
    const tok = this.peek();
    if (
      tok.type === "op" &&
      (tok.value === "(" || tok.value === "[" || tok.value === ".")
    ) {
      if (
        atom.node === "name" && atom.name.normalize("NFKC") === "set" &&
        tok.value === "("
      ) {
        this.take();
        this.expectOp(")");
        const after = this.peek();
        if (
          after.type === "op" &&
          (after.value === "(" || after.value === "[" || after.value === ".")
        ) {
          this.fail("only set() may be called", after.at);
        }
        return { node: "container", value: { kind: "set", items: [] } };
      }
      this.fail(
        tok.value === "("
          ? "only set() may be called"
          : "subscripts and attributes are not literals",
        tok.at,
      );
    }
    return atom;
  }

  atom(): Node {
    const tok = this.take();
    switch (tok.type) {
      case "num":
        return { node: "constant", value: tok.value };
      case "str":
        return { node: "constant", value: this.strings(tok) };
      case "name":
        if (tok.value === "True") return { node: "constant", value: true };
        if (tok.value === "False") return { node: "constant", value: false };
        if (tok.value === "None") return { node: "constant", value: null };
        return { node: "name", name: tok.value, at: tok.at };
      case "op":
        switch (tok.value) {
          case "...":
            return { node: "constant", value: { kind: "ellipsis" } };
          case "(":
            return this.parenthesized();
          case "[":
            return {
              node: "container",
              value: this.sequence("]").items.map((n) => this.literal(n)),
            };
          case "{":
            return { node: "container", value: this.braces() };
        }
    }
    return this.fail(`expected a literal, found ${this.describe(tok)}`, tok.at);
  }

  /** Adjacent string literals, joined; str and bytes do not mix. */
  strings(first: Token & { type: "str" }): string | PyBytes {
    let value = first.value;
    let fstring = first.fstring;
    for (;;) {
      const next = this.peek();
      if (next.type !== "str") break;
      this.take();
      const a = typeof value === "string";
      const b = typeof next.value === "string";
      if (a !== b) this.fail("cannot mix bytes and nonbytes literals", next.at);
      fstring ||= next.fstring;
      if (typeof value === "string") value += next.value as string;
      else {
        const add = (next.value as PyBytes).value;
        const joined = new Uint8Array(value.value.length + add.length);
        joined.set(value.value);
        joined.set(add, value.value.length);
        value = { kind: "bytes", value: joined };
      }
    }
    if (fstring) this.fail("f-strings are not literals", first.at);
    return value;
  }

  /** Comma-separated expressions up to `close`; whether a comma was seen. */
  sequence(close: string): { items: Node[]; comma: boolean } {
    const items: Node[] = [];
    let comma = false;
    for (;;) {
      if (this.isOp(close)) {
        this.take();
        return { items, comma };
      }
      items.push(this.expression());
      if (this.isOp(",")) {
        this.take();
        comma = true;
      } else if (!this.isOp(close)) {
        const tok = this.peek();
        this.fail(
          `expected "," or "${close}", found ${this.describe(tok)}`,
          tok.at,
        );
      }
    }
  }

  parenthesized(): Node {
    const { items, comma } = this.sequence(")");
    // `(x)` is x itself (the same node); `()` and `(x,)` are tuples.
    if (items.length === 1 && !comma) return items[0];
    return {
      node: "container",
      value: { kind: "tuple", items: items.map((n) => this.literal(n)) },
    };
  }

  braces(): PyValue {
    if (this.isOp("}")) {
      this.take();
      return new Map();
    }
    const firstAt = this.peek().at;
    const first = this.literal(this.expression());
    if (!this.isOp(":")) {
      // A set.
      const items = [first];
      if (this.isOp(",")) {
        this.take();
        for (const n of this.sequence("}").items) items.push(this.literal(n));
      } else this.expectOp("}");
      const seen = new Set<string>();
      const distinct: PyValue[] = [];
      for (const v of items) {
        const key = hashKey(v);
        if (key === undefined) {
          this.fail(`unhashable type: '${typeName(v)}' in a set`, firstAt);
        }
        if (!seen.has(key)) {
          seen.add(key);
          distinct.push(v);
        }
      }
      return { kind: "set", items: distinct };
    }
    const entries: [PyValue, PyValue, number][] = [];
    let key = first;
    let keyAt = firstAt;
    for (;;) {
      this.expectOp(":");
      entries.push([key, this.literal(this.expression()), keyAt]);
      if (this.isOp(",")) this.take();
      else if (!this.isOp("}")) {
        const tok = this.peek();
        this.fail(
          `expected "," or "}" after a dict value, found ${this.describe(tok)}`,
          tok.at,
        );
      }
      if (this.isOp("}")) {
        this.take();
        break;
      }
      keyAt = this.peek().at;
      key = this.literal(this.expression());
    }
    // Python's dict(): one entry per distinct key, first position, last value.
    const keys = new Map<string, PyValue>();
    const map = new Map<PyValue, PyValue>();
    for (const [k, v, where] of entries) {
      const hk = hashKey(k);
      if (hk === undefined) {
        this.fail(`unhashable type: '${typeName(k)}' as a dict key`, where);
      }
      const existing = keys.get(hk);
      if (existing === undefined) {
        keys.set(hk, k);
        map.set(k, v);
      } else map.set(existing, v);
    }
    return map;
  }
}

/**
 * Shows a value roughly as Python's `repr()` does, for messages.
 *
 * @param v The value.
 * @returns The text, e.g. `'descr'`, `(3,)`, `1.5`, `b'x'`.
 */
export function showPython(v: PyValue): string {
  if (typeof v === "string") return `'${v.replaceAll("'", "\\'")}'`;
  if (typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null) return "None";
  if (Array.isArray(v)) return `[${v.map(showPython).join(", ")}]`;
  if (v instanceof Map) {
    return `{${
      [...v].map(([k, x]) => `${showPython(k)}: ${showPython(x)}`).join(", ")
    }}`;
  }
  switch (v.kind) {
    case "tuple":
      return v.items.length === 1
        ? `(${showPython(v.items[0])},)`
        : `(${v.items.map(showPython).join(", ")})`;
    case "set":
      return v.items.length === 0
        ? "set()"
        : `{${v.items.map(showPython).join(", ")}}`;
    case "bytes":
      return `b'${
        Array.from(
          v.value,
          (b) =>
            b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
              ? String.fromCharCode(b)
              : "\\x" + b.toString(16).padStart(2, "0"),
        ).join("")
      }'`;
    case "float":
      return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
    case "complex":
      return v.re === 0
        ? `${v.im}j`
        : `(${v.re}${v.im < 0 ? "-" : "+"}${Math.abs(v.im)}j)`;
    case "ellipsis":
      return "Ellipsis";
  }
}

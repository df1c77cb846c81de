/**
 * Generates the inner loop of an element-wise operation for one
 * combination of types, as NumPy's loops are generated from templates
 * (`.c.src`): a separate JavaScript function per combination, so that V8
 * sees one kind of typed array per operand and compiles tight machine
 * code (one function fed several typed-array classes runs some 80 times
 * slower). Functions are made on first use and cached.
 *
 * A loop is called as `loop(n, a0, w0, i0, s0, ..., aN, wN, iN, sN)` for
 * the inputs and then the output: `a` the operand's typed array, `w` an
 * `Int32Array` over the same bytes (64-bit integers; else null), `i` the
 * index of the run's first element in `a` and `s` the step between
 * elements, in units of `a`. It has a branch for unit steps, one for each
 * input that does not move (a scalar or broadcast, read once), and a
 * general one.
 *
 * @module
 */

import { type MathKernel, mathRun } from "../kernels/math_kernels.ts";
import { type ElementwiseKernel, kernelFor } from "../kernels/elementwise.ts";
import { castKernel } from "../kernels/cast_kernels.ts";
import { complexHelpers } from "./complex_math.ts";
import { helpers } from "./helpers.ts";
import { mathHelpers } from "./math_helpers.ts";
import type { Ufunc } from "./table.ts";
import {
  Body,
  convert,
  type Int64Form,
  type Kind,
  read,
  write,
} from "./values.ts";

/** A generated loop. */
export type Loop = (n: number, ...operands: unknown[]) => void;

/** What a loop is generated for. */
export interface LoopSpec {
  /** The operation. */
  readonly ufunc: Ufunc;
  /** The loop's types: inputs, then output. */
  readonly loop: readonly Kind[];
  /** The operands' stored types: inputs, then output. */
  readonly operands: readonly Kind[];
}

const cache = new Map<string, Loop>();

/** What generated code sees as `H`. */
const H = {
  ...helpers,
  ...mathHelpers,
  ...complexHelpers,
  wordsOf,
  halfWordsOf,
};

/** Units of a typed array per element: 2 for complex parts, else 1. */
function unitsOf(kind: Kind): number {
  return kind.family === "complex" ? 2 : 1;
}

/**
 * The loop for `spec`, generated on first use.
 *
 * @param spec The operation and types.
 * @returns The loop.
 * @throws {Error} If the runtime forbids code generation from strings.
 */
export function loopFor(spec: LoopSpec): Loop {
  const key = `${spec.ufunc.name}:${spec.loop.map((k) => k.name)}:${
    spec.operands.map((k) => k.name)
  }`;
  let loop = cache.get(key);
  if (loop === undefined) {
    loop = signBitsOf(key, spec) ?? generated(key, spec);
    cache.set(key, loop);
  }
  return loop;
}

/** The generated loop of `spec`, with its kernels. */
function generated(key: string, spec: LoopSpec): Loop {
  const kernel = simdKernel(spec);
  const loop = compile(key, source(spec, kernel !== null), kernel);
  const math = mathKernelOf(spec);
  return math !== null ? withMathKernel(loop, math) : loop;
}

/**
 * The math kernel of a unary float32 or float64 loop whose operands are
 * of the loop's type, where the row has one (`Ufunc.math`).
 */
function mathKernelOf(spec: LoopSpec): MathKernel | null {
  const { ufunc, loop, operands } = spec;
  const type = loop[0].name;
  if (
    ufunc.math === undefined || ufunc.nin !== 1 ||
    (type !== "float32" && type !== "float64") ||
    ![...loop, ...operands].every((k) => k.name === type)
  ) {
    return null;
  }
  return ufunc.math;
}

const wordViews = new WeakMap<ArrayBufferLike, Int32Array>();

/** An `Int32Array` over a whole buffer (cached). */
export function wordsOf(buffer: ArrayBufferLike): Int32Array {
  let w = wordViews.get(buffer);
  if (w === undefined || w.buffer !== buffer) {
    w = new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
    wordViews.set(buffer, w);
  }
  return w;
}

const halfWordViews = new WeakMap<ArrayBufferLike, Uint16Array>();

/** A `Uint16Array` over a whole buffer (cached). */
function halfWordsOf(buffer: ArrayBufferLike): Uint16Array {
  let w = halfWordViews.get(buffer);
  if (w === undefined || w.buffer !== buffer) {
    w = new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2));
    halfWordViews.set(buffer, w);
  }
  return w;
}

/**
 * The float32 and float16 loops NumPy computes on the bits (sign-bit
 * operations: a signaling NaN stays signaling, every NaN keeps its
 * payload), as the result's word from the argument's word `w` (an int32,
 * or a uint16). Through JavaScript numbers a float32 NaN is quieted when
 * read, a float16 one loses its payload (attack13 C4).
 */
const SIGN_BITS: Record<string, Record<string, string>> = {
  float32: {
    negative: "w ^ -0x80000000",
    absolute: "w & 0x7fffffff",
    positive: "w",
    // NaN itself, else 1.0, -1.0 or +0 (for either zero).
    sign: "(w & 0x7fffffff) > 0x7f800000 ? w : (w & 0x7fffffff) === 0 ? 0 : " +
      "w < 0 ? -0x40800000 : 0x3f800000",
  },
  float16: {
    negative: "w ^ 0x8000",
    absolute: "w & 0x7fff",
    positive: "w",
    sign: "(w & 0x7fff) > 0x7c00 ? w : (w & 0x7fff) === 0 ? 0 : " +
      "w & 0x8000 ? 0xbc00 : 0x3c00",
  },
};

/** The bits loop of a float32 or float16 row in {@linkcode SIGN_BITS}, else null. */
function signBitsOf(key: string, spec: LoopSpec): Loop | null {
  const { ufunc, loop, operands } = spec;
  const type = loop[0].name;
  const op = SIGN_BITS[type]?.[ufunc.name];
  if (
    op === undefined || ufunc.nin !== 1 ||
    ![...loop, ...operands].every((k) => k.name === type)
  ) {
    return null;
  }
  const [views, shift] = type === "float32"
    ? ["H.wordsOf", 2]
    : ["H.halfWordsOf", 1];
  // Contiguous runs through the row's vector kernel first (the same bits).
  const kernel = simdKernel(spec);
  return compile(
    key,
    [
      "return function loop(n, A0, W0, i0, s0, A1, W1, i1, s1) {",
      ...(kernel !== null ? kernelFirst(2) : []),
      `  const a = ${views}(A0.buffer), b = ${views}(A1.buffer);`,
      `  let p = (A0.byteOffset >> ${shift}) + i0;`,
      `  let q = (A1.byteOffset >> ${shift}) + i1;`,
      "  for (let k = 0; k < n; k++, p += s0, q += s1) {",
      "    const w = a[p];",
      `    b[q] = ${op};`,
      "  }",
      "};",
    ].join("\n"),
    kernel,
  );
}

/** Contiguous runs shorter than this stay in JavaScript (a kernel call costs more than it saves). */
const MATH_KERNEL_MIN = 64;

/** `loop` with contiguous runs computed by the math kernel `name` (when it is available). */
function withMathKernel(loop: Loop, name: MathKernel): Loop {
  return ((
    n: number,
    A0: Float64Array | Float32Array,
    W0: null,
    i0: number,
    s0: number,
    A1: Float64Array | Float32Array,
    W1: null,
    i1: number,
    s1: number,
  ) => {
    if (
      n >= MATH_KERNEL_MIN && s0 === 1 && s1 === 1 &&
      mathRun(name, A0.subarray(i0, i0 + n), A1.subarray(i1, i1 + n))
    ) {
      return;
    }
    loop(n, A0, W0, i0, s0, A1, W1, i1, s1);
  }) as Loop;
}

/**
 * The vector kernel of a loop whose operands are stored in the loop's
 * types, where the ufunc row names one for its type (`Ufunc.simd`), or of
 * a cast between the stored types (`kernels/cast_kernels.ts`).
 */
function simdKernel(spec: LoopSpec): ElementwiseKernel | null {
  const { ufunc, loop, operands } = spec;
  if (ufunc.isCast) return castKernel(operands[0].name, operands[1].name);
  if (!operands.every((k, i) => k.name === loop[i].name)) return null;
  return kernelFor(ufunc.simd, loop.map((k) => k.name));
}

/** Runs shorter than this stay in JavaScript (a kernel call costs more than it saves). */
const KERNEL_MIN = 1024;

/**
 * The start of a loop with a vector kernel `K`: contiguous runs go to the
 * kernel first (which computes them where the operands are in WebAssembly
 * memories); the loop computes what it leaves.
 */
function kernelFirst(count: number): string[] {
  const ks = [...Array(count).keys()];
  const list = (p: string) => `[${ks.map((k) => `${p}${k}`).join(", ")}]`;
  return [
    `if (n >= ${KERNEL_MIN}) {`,
    `  const done = K.run(n, ${list("A")}, ${list("i")}, ${list("s")});`,
    "  if (done === n) return;",
    `  n -= done; ${ks.map((k) => `i${k} += done * s${k};`).join(" ")}`,
    "}",
  ];
}

function compile(
  key: string,
  code: string,
  kernel: ElementwiseKernel | null,
): Loop {
  try {
    // The key in the source keeps V8 from sharing one compiled function
    // (and its type feedback) between two loops of the same text.
    return new Function("H", "K", `"use strict";\n// ${key}\n${code}`)(
      H,
      kernel,
    ) as Loop;
  } catch (error) {
    if (error instanceof EvalError) {
      throw new Error(
        "Cannot compute element-wise: this runtime forbids code generation from strings, which the generated loops need",
      );
    }
    throw error;
  }
}

/** The body of one element: reads (but of the `hoisted` inputs), computes, writes. */
function element(
  spec: LoopSpec,
  body: Body,
  index: (k: number) => string,
  inputs: (string[] | null)[],
): void {
  const { ufunc, loop, operands } = spec;
  const nin = ufunc.nin;
  const args = [];
  for (let k = 0; k < nin; k++) {
    args.push(inputValue(spec, body, k, index(k), inputs[k]));
  }
  const still = inputs.map((names, k) =>
    names !== null ? "true" : index(k) === `i${k}` ? `s${k} === 0` : "false"
  );
  const result = ufunc.compute(body, loop, args, still);
  const out = operands[nin];
  write(body, nin, out, index(nin), convert(body, result, loop[nin], out));
}

/** Input `k` in its loop type; `names` are the locals of a hoisted read. */
function inputValue(
  spec: LoopSpec,
  body: Body,
  k: number,
  index: string,
  names: string[] | null,
) {
  if (names !== null) return hoistedValue(names);
  const stored = spec.operands[k];
  const wanted = spec.loop[k];
  // 64-bit integers are bigints where a loop computes on them, words where
  // they are converted or copied.
  const form: Int64Form = spec.ufunc.isCast ? "words" : "big";
  const readForm: Int64Form = wanted.family === "int64" &&
      stored.family === "int64"
    ? form
    : "words";
  return convert(
    body,
    read(body, k, stored, index, readForm),
    stored,
    wanted,
    form,
  );
}

/** A value hoisted before the loop into locals (see {@linkcode hoist}). */
function hoistedValue(names: string[]) {
  const [tag, a, b] = names;
  if (tag === "num") return { form: "num" as const, expr: a, exact: true };
  if (tag === "big") return { form: "big" as const, expr: a, exact: true };
  if (tag === "words") return { form: "words" as const, lo: a, hi: b };
  return { form: "complex" as const, re: a, im: b, exact: true };
}

/** Reads input `k` once before a loop, into `let`-free locals; returns how to name it. */
function hoist(spec: LoopSpec, body: Body, k: number): string[] {
  const v = inputValue(spec, body, k, `i${k}`, null);
  switch (v.form) {
    case "num":
    case "big":
      return [v.form, body.let(`(${v.expr})`)];
    case "words":
      return ["words", body.let(`(${v.lo})`), body.let(`(${v.hi})`)];
    case "complex":
      return ["complex", body.let(`(${v.re})`), body.let(`(${v.im})`)];
  }
}

function source(spec: LoopSpec, kernel: boolean): string {
  const nin = spec.ufunc.nin;
  const count = nin + 1;
  const ks = [...Array(count).keys()];
  const units = spec.operands.map(unitsOf);
  const params = ks.map((k) => `A${k}, W${k}, i${k}, s${k}`).join(", ");
  // The scratch of branch-free choices (`pick` in table.ts).
  const lines: string[] = [
    "const S = new Float64Array(2);",
    `return function loop(n, ${params}) {`,
    ...(kernel ? kernelFirst(count) : []),
  ];
  // Runs where every moving operand steps by one element: the loop walks
  // subarrays from 0, so that V8 can drop bounds checks.
  const contiguous = (hoisted: number[]) => {
    const pre = new Body("p");
    for (const k of ks) {
      if (hoisted.includes(k)) {
        pre.emit(`const a${k} = A${k}, w${k} = W${k};`);
        continue;
      }
      const u = units[k];
      const words = spec.operands[k].family === "int64"
        ? `W${k}.subarray(2 * i${k}, 2 * i${k} + 2 * n)`
        : "null";
      pre.emit(
        `const a${k} = A${k}.subarray(i${k}, i${k} + ${u} * n), w${k} = ${words};`,
      );
    }
    const names: (string[] | null)[] = ks.map((k) =>
      hoisted.includes(k) ? hoist(spec, pre, k) : null
    );
    const body = new Body("t");
    element(spec, body, (k) => units[k] === 1 ? "j" : `${units[k]} * j`, names);
    const bound = units[nin] === 1 ? `a${nin}.length` : "n";
    lines.push(...pre.lines.map((l) => `  ${l}`));
    lines.push(`  for (let j = 0; j < ${bound}; j++) {`);
    lines.push(...body.lines.map((l) => `    ${l}`));
    lines.push("  }");
  };
  const unit = (k: number) => `s${k} === ${units[k]}`;
  // Short runs take the general loop: subarrays cost more than they save.
  lines.push(`if (n >= 64) {`);
  lines.push(`if (${ks.map(unit).join(" && ")}) {`);
  contiguous([]);
  lines.push("return; }");
  // One or more inputs fixed (scalars, broadcasts), the rest contiguous.
  for (let mask = 1; mask < 1 << nin; mask++) {
    const fixed = ks.filter((k) => k < nin && (mask & (1 << k)) !== 0);
    const cond = ks.map((k) => fixed.includes(k) ? `s${k} === 0` : unit(k));
    lines.push(`if (${cond.join(" && ")}) {`);
    contiguous(fixed);
    lines.push("return; }");
  }
  lines.push("}");
  // Any steps.
  lines.push(ks.map((k) => `const a${k} = A${k}, w${k} = W${k};`).join(" "));
  const body = new Body("t");
  element(spec, body, (k) => `i${k}`, ks.map(() => null));
  const steps = ks.map((k) => `i${k} += s${k}`).join(", ");
  lines.push(`for (let j = 0; j < n; j++, ${steps}) {`);
  lines.push(...body.lines.map((l) => `  ${l}`));
  lines.push("}");
  lines.push("};");
  return lines.join("\n");
}

/**
 * The bits of the NaNs the unary math functions give, as NumPy's loops
 * give them on the machine: a NaN argument comes back quieted (its sign
 * and payload kept, the quiet bit set, as the FPU's arithmetic does), and
 * a NaN made from numbers (`log(-1)`, `sqrt(-1)`, `arcsin(2)`,
 * `sin(inf)`) is the processor's default NaN: `0xfff8000000000000` on
 * x86-64 (sign bit set; float32 `0xffc00000`), `0x7ff8000000000000`
 * elsewhere. JavaScript's `Math` functions return a NaN argument unchanged
 * (a signaling NaN stays signaling) and their own NaN unsigned; the
 * generated loops and the kernels' scalar lanes pass their results through
 * {@linkcode nanOf} (attack13 C4).
 *
 * @module
 */

const X86 = (globalThis as { Deno?: { build?: { arch?: string } } }).Deno
  ?.build?.arch === "x86_64";

/** The processor's default NaN, as a number whose bits are kept when stored. */
export const DEFAULT_NAN: number = new Float64Array(
  new BigUint64Array([X86 ? 0xfff8000000000000n : 0x7ff8000000000000n]).buffer,
)[0];

/**
 * The result `r` of a math function of `x`, with NumPy's NaN bits: `r`
 * when it is a number, `x` quieted when `x` is NaN, else the default NaN.
 */
export function nanOf(x: number, r: number): number {
  // deno-lint-ignore no-self-compare
  return r === r ? r : x !== x ? x + 0 : DEFAULT_NAN;
}

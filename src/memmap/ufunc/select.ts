/**
 * The three-input rows: `clip` (NumPy's loops, whose float form differs
 * when both bounds are constant over the inner loop, as NumPy's) and
 * `where` (an element of `x` where the condition is true, else of `y`).
 *
 * @module
 */

import { simdOps } from "../kernels/elementwise.ts";
import { exact, H_CMP } from "./arith.ts";
import {
  COMPLEX,
  type Compute,
  FLOATS,
  INTS,
  loops,
  num,
  parts,
  pick,
  type Ufunc,
} from "./table.ts";

const clip: Compute = (body, types, [x, lo, hi], stills) => {
  const t = types[0];
  if (t.family === "complex") {
    // _NPY_CLIP: MIN(MAX(x, lo), hi), a NaN part of the first operand wins.
    const a = parts(x), l = parts(lo), h = parts(hi);
    const nan = (p: { re: string; im: string }) =>
      `${p.re} !== ${p.re} || ${p.im} !== ${p.im}`;
    const keep = body.let(`${nan(a)} || ${H_CMP.gt(a, l)}`);
    const m = {
      re: body.let(`${keep} ? ${a.re} : ${l.re}`),
      im: body.let(`${keep} ? ${a.im} : ${l.im}`),
    };
    const keep2 = body.let(`${nan(m)} || ${H_CMP.lt(m, h)}`);
    return {
      form: "complex",
      re: `(${keep2} ? ${m.re} : ${h.re})`,
      im: `(${keep2} ? ${m.im} : ${h.im})`,
      exact: true,
    };
  }
  const a = num(x), l = num(lo), h = num(hi);
  if (t.family === "int64") {
    const m = body.let(`${a} > ${l} ? ${a} : ${l}`);
    return { form: "big", expr: `(${m} < ${h} ? ${m} : ${h})`, exact: true };
  }
  if (t.family !== "float") {
    const m = body.let(pick(body, [`${a} > ${l}`], a, l));
    return exact(pick(body, [`${m} < ${h}`], m, h));
  }
  if (t.bits === 16) {
    const m = body.let(`${a} !== ${a} || ${a} >= ${l} ? ${a} : ${l}`);
    return exact(`${m} !== ${m} || ${m} <= ${h} ? ${m} : ${h}`);
  }
  // Bounds fixed over the run (NumPy's _npy_clip_const_minmax_): a NaN
  // bound fills (its tests stay in the choices: a loop-invariant
  // conditional inside the loop costs V8 several times the loop), else two
  // comparisons; otherwise MIN(MAX(x, lo), hi).
  const fixed = () => {
    const c = body.let(pick(body, [`${a} < ${l}`, `${l} !== ${l}`], l, a));
    return pick(body, [`${c} > ${h}`, `${h} !== ${h}`], h, c);
  };
  const general = () => {
    const m = body.let(pick(body, [`${a} !== ${a}`, `${a} > ${l}`], a, l));
    return pick(body, [`${m} !== ${m}`, `${m} < ${h}`], m, h);
  };
  const still = `${stills[1]} && ${stills[2]}`;
  if (still === "true && true") return exact(fixed());
  if (stills[1] === "false" || stills[2] === "false") return exact(general());
  return exact(`${still} ? (${fixed()}) : (${general()})`);
};

/** `clip`: `minimum(maximum(x, lo), hi)`. */
export const clip_: Ufunc = {
  name: "clip",
  nin: 3,
  loops: loops(3, "?", INTS, FLOATS, COMPLEX),
  compute: clip,
  // No unsigned 64-bit comparison in WebAssembly.
  simd: {
    ...simdOps("ClipS", ["int8", "int16", "int32"]),
    ...simdOps("ClipSelectS", ["int64"]),
    ...simdOps("ClipU", ["uint8", "uint16", "uint32"]),
    ...simdOps("Clip", ["float32", "float64"]),
  },
};

const select: Compute = (body, types, [c, x, y]) => {
  const cond = `${num(c)} !== 0`;
  if (types[1].family === "complex") {
    const a = parts(x), b = parts(y);
    return {
      form: "complex",
      re: `(${cond} ? ${a.re} : ${b.re})`,
      im: `(${cond} ? ${a.im} : ${b.im})`,
      exact: true,
    };
  }
  if (types[1].family === "int64") {
    return {
      form: "big",
      expr: `(${cond} ? ${num(x)} : ${num(y)})`,
      exact: true,
    };
  }
  return exact(pick(body, [cond], num(x), num(y)));
};

/** `where`: `x` where the (bool) condition holds, else `y`; the caller picks the type. */
export const where_: Ufunc = {
  name: "where",
  nin: 3,
  loops: loops(
    3,
    ..."? b B h H i I q Q e f d F D".split(" ").map((c) => `?${c}${c}->${c}`),
  ),
  compute: select,
  simd: simdOps("Select"),
};

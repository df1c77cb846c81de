/**
 * The three-input rows: `clip` (NumPy's loops, whose float form differs
 * when both bounds are constant over the inner loop, as NumPy's) and
 * `where` (an element of `x` where the condition is true, else of `y`).
 *
 * @module
 */

import { H_CMP } from "./arith.ts";
import {
  COMPLEX,
  type Compute,
  FLOATS,
  INTS,
  loops,
  num,
  parts,
  type Ufunc,
} from "./table.ts";

const clip: Compute = (body, types, [x, lo, hi]) => {
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
  const form = t.family === "int64" ? "big" as const : "num" as const;
  if (t.family !== "float") {
    const m = body.let(`${a} > ${l} ? ${a} : ${l}`);
    return { form, expr: `(${m} < ${h} ? ${m} : ${h})`, exact: true };
  }
  if (t.bits === 16) {
    const m = body.let(`${a} !== ${a} || ${a} >= ${l} ? ${a} : ${l}`);
    return {
      form,
      expr: `(${m} !== ${m} || ${m} <= ${h} ? ${m} : ${h})`,
      exact: true,
    };
  }
  // Bounds fixed over the run (NumPy's _npy_clip_const_minmax_): NaN
  // bounds fill, else two comparisons; otherwise MIN(MAX(x, lo), hi).
  const m = body.let(`${a} !== ${a} ? ${a} : ${a} > ${l} ? ${a} : ${l}`);
  const general = `${m} !== ${m} ? ${m} : ${m} < ${h} ? ${m} : ${h}`;
  const c = body.let(`${a} < ${l} ? ${l} : ${a}`);
  const fixed =
    `${l} !== ${l} ? ${l} : ${h} !== ${h} ? ${h} : ${c} > ${h} ? ${h} : ${c}`;
  return {
    form,
    expr: `(s1 === 0 && s2 === 0 ? (${fixed}) : (${general}))`,
    exact: true,
  };
};

/** `clip`: `minimum(maximum(x, lo), hi)`. */
export const clip_: Ufunc = {
  name: "clip",
  nin: 3,
  loops: loops(3, "?", INTS, FLOATS, COMPLEX),
  compute: clip,
};

const select: Compute = (_body, types, [c, x, y]) => {
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
  return {
    form: types[1].family === "int64" ? "big" : "num",
    expr: `(${cond} ? ${num(x)} : ${num(y)})`,
    exact: true,
  };
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
};

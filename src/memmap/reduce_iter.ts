/**
 * NumPy's reduction iterator, for reductions over any set of axes: the
 * order in which it visits elements and how it groups them into calls of
 * the inner loop, which is what defines a float sum (pairwise within a
 * call) or a float product bit for bit.
 *
 * NumPy's `PyUFunc_ReduceWrapper` iterates the operand together with the
 * result it allocates (stride 0 along the reduced axes) with a buffered
 * external-loop iterator that never flips strides. The iterator:
 * 1. sorts the axes by the operand's stride magnitude, innermost first
 *    (a stable insertion sort; axes of length 1 do not take part);
 * 2. gives the result strides in that order (kept axes contiguous);
 * 3. merges neighbouring axes that step like one in both the operand and
 *    the result;
 * 4. finds its "core" and "outer" dimension (`npyiter_find_buffering_setup`
 *    in NumPy 2.4: the cost model with a buffer of 8192 elements);
 * 5. hands the inner loop a buffer (or an unbuffered run) at a time: in
 *    reduce mode one core per call, otherwise up to a buffer's worth.
 * A call whose result stride is 0 reduces all its elements into one result
 * (`out += pairwise(call)` for sums); any other call combines element by
 * element (`out[i] += x[i]`).
 *
 * The single-axis and whole-array paths of `reduce.ts` follow the same
 * order with faster code; this module serves the other axis sets.
 *
 * @module
 */

/** NumPy's buffer size, in elements. */
const BUFFER = 8192;

/** One iterator dimension (after sorting and merging): length, operand byte stride, result element stride. */
export interface IterDim {
  /** Length. */
  n: number;
  /** The operand's byte stride. */
  s: number;
  /** The result's stride in elements (0 along reduced axes). */
  o: number;
}

/** How NumPy iterates one reduction. */
export interface ReducePlan {
  /** The dimensions, innermost first. */
  dims: IterDim[];
  /** The result's element stride for each axis of the operand (0 for reduced axes), in NumPy's allocated layout. */
  resultStrides: number[];
  /** The outer dimension of a buffer (`outerdim`). */
  outerDim: number;
  /** Elements of the dimensions inside the outer one (`coresize`). */
  coreSize: number;
  /** Elements per buffer (`buffersize`), a multiple of the core size. */
  bufferSize: number;
  /** Whether calls are single cores repeated along the outer dimension (NumPy's reduce mode). */
  reduceMode: boolean;
}

/**
 * NumPy's iteration of a reduction of an operand of `shape` and byte
 * `strides` over the axes marked in `reduced`.
 *
 * @param shape The operand's shape (no zero lengths).
 * @param strides Its byte strides.
 * @param reduced Which axes are reduced.
 * @param cast Whether NumPy copies the operand into a buffer first (a cast, a byte swap, unaligned data).
 * @returns The plan.
 */
export function planReduction(
  shape: readonly number[],
  strides: readonly number[],
  reduced: readonly boolean[],
  cast: boolean,
): ReducePlan {
  const nd = shape.length;
  // Axis data in reversed C order; length-1 axes get stride 0 (as NumPy's
  // broadcast rules give them), so they never decide or block anything.
  const axes: { k: number; n: number; s: number; r: boolean }[] = [];
  for (let k = nd - 1; k >= 0; k--) {
    axes.push({
      k,
      n: shape[k],
      s: shape[k] === 1 ? 0 : strides[k],
      r: reduced[k],
    });
  }
  // 1. Stable insertion sort from the smallest stride (npyiter_find_best_axis_ordering).
  for (let i0 = 1; i0 < axes.length; i0++) {
    const a0 = axes[i0];
    let pos = i0;
    for (let i1 = i0 - 1; i1 >= 0; i1--) {
      const s1 = axes[i1].s;
      if (a0.s === 0 || s1 === 0) continue; // ambiguous
      if (Math.abs(s1) <= Math.abs(a0.s)) break;
      pos = i1;
    }
    if (pos !== i0) {
      axes.splice(i0, 1);
      axes.splice(pos, 0, a0);
    }
  }
  // 2. The result's strides: kept axes contiguous in iteration order.
  const resultStrides = new Array<number>(nd).fill(0);
  let step = 1;
  const full: IterDim[] = axes.map((a) => {
    let o = 0;
    if (!a.r) {
      resultStrides[a.k] = step;
      o = a.n === 1 ? 0 : step;
      step *= a.n;
    }
    return { n: a.n, s: a.s, o };
  });
  // 3. Merge (npyiter_coalesce_axes).
  const dims: IterDim[] = [];
  for (const d of full) {
    const last = dims[dims.length - 1];
    if (last === undefined) {
      dims.push({ ...d });
      continue;
    }
    const fits = (a: number, na: number, b: number, nb: number) =>
      (na === 1 && a === 0) || (nb === 1 && b === 0) || a * na === b;
    if (fits(last.s, last.n, d.s, d.n) && fits(last.o, last.n, d.o, d.n)) {
      if (last.s === 0) last.s = d.s;
      if (last.o === 0) last.o = d.o;
      last.n *= d.n;
    } else dims.push({ ...d });
  }
  if (dims.length === 0) dims.push({ n: 1, s: 0, o: 0 });
  return {
    ...bufferingSetup(dims, cast, reduced.some((r) => r)),
    dims,
    resultStrides,
  };
}

/** NumPy's `npyiter_find_buffering_setup` for the result (op 0) and the operand (op 1). */
function bufferingSetup(
  dims: IterDim[],
  cast: boolean,
  reduce: boolean,
): Omit<ReducePlan, "dims" | "resultStrides"> {
  const nd = dims.length;
  const strideOf = (d: IterDim, op: number) => op === 0 ? d.o : d.s;
  const isCast = [false, cast];
  let cost = cast ? 2 : 1;
  const single = [1, 1];
  const reduceOuter = [0, 0];
  let outerReduceDim = 0;
  let size = dims[0].n;
  let bestDim = 0, bestCost = cost, bestSize = size, bestCore = 1;
  for (let idim = 1; idim < nd; idim++) {
    if (outerReduceDim) break;
    if (size >= BUFFER && cost > 1) break;
    const prev = dims[idim - 1], cur = dims[idim];
    for (let op = 0; op < 2; op++) {
      const ps = strideOf(prev, op), cs = strideOf(cur, op);
      if (single[op] === idim) {
        if (ps * prev.n === cs) {
          single[op]++;
          continue;
        }
        if (!isCast[op]) cost++;
      }
      if (op === 0 && reduce && (cs === 0 || ps === 0)) {
        reduceOuter[op] = idim;
        outerReduceDim = idim;
      }
    }
    const core = size;
    size *= cur.n;
    let bufsize = size;
    if (size > BUFFER && cost > 1) bufsize = BUFFER;
    if (cost * bestSize <= bestCost * bufsize) {
      bestCost = cost;
      bestCore = core;
      bestSize = size;
      bestDim = idim;
    }
  }
  const reduceMode = outerReduceDim !== 0 && bestDim === outerReduceDim;
  let mustBuffer = false;
  for (let op = 0; op < 2; op++) {
    let buffered = isCast[op];
    let isReduce = false;
    if (reduceMode) {
      isReduce = reduceOuter[op] === bestDim ||
        (single[op] === bestDim && !buffered) ||
        (strideOf(dims[outerReduceDim], op) === 0 && single[op] <= bestDim);
    }
    if (single[op] + (isReduce ? 1 : 0) <= bestDim) buffered = true;
    if (buffered) mustBuffer = true;
  }
  if (mustBuffer && BUFFER < bestSize) {
    bestSize = bestCore * Math.floor(BUFFER / bestCore);
  }
  return {
    outerDim: bestDim,
    coreSize: bestCore,
    bufferSize: bestSize,
    reduceMode,
  };
}

/** One call of NumPy's inner loop. */
export interface InnerCall {
  /** The first result element (index into the result in NumPy's layout). */
  out: number;
  /** The result's element stride within the call (0: all elements reduce into `out`). */
  os: number;
  /** Number of elements. */
  count: number;
  /** Calls `fn` with each run of the call's elements, in order: byte offset, byte stride, length. */
  runs(fn: (offset: number, stride: number, n: number) => void): void;
}

/**
 * Calls `fn` for each call of NumPy's inner loop, in order.
 *
 * @param plan The plan ({@linkcode planReduction}).
 * @param offset The byte offset of the operand's first element.
 * @param fn Called per inner-loop call.
 */
export function eachCall(
  plan: ReducePlan,
  offset: number,
  fn: (call: InnerCall) => void,
): void {
  const { dims, outerDim: b, coreSize, bufferSize, reduceMode } = plan;
  const nd = dims.length;
  const per = Math.max(1, Math.floor(bufferSize / coreSize));
  const core = dims.slice(0, b); // innermost first
  const os = dims[0].o;
  // The runs of `m` outer positions from byte `off`: dims[0] runs of each core.
  const coreRuns = (off: number, m: number) =>
  (
    visit: (offset: number, stride: number, n: number) => void,
  ): void => {
    if (b === 0) {
      visit(off, dims[0].s, m);
      return;
    }
    for (let t = 0; t < m; t++) {
      eachIndex(
        core,
        1,
        b - 1,
        off + t * dims[b].s,
        (o) => visit(o, dims[0].s, dims[0].n),
      );
    }
  };
  // The dimensions outside the outer one, outermost slowest.
  eachOuter(dims, b + 1, nd, offset, 0, (inOff, outOff) => {
    const n = dims[b].n;
    for (let j = 0; j < n; j += per) {
      const m = Math.min(per, n - j);
      const start = inOff + j * dims[b].s;
      const out = outOff + j * dims[b].o;
      if (reduceMode && m > 1) {
        for (let t = 0; t < m; t++) {
          fn({
            out: out + t * dims[b].o,
            os,
            count: coreSize,
            runs: coreRuns(start + t * dims[b].s, 1),
          });
        }
      } else {
        fn({ out, os, count: m * coreSize, runs: coreRuns(start, m) });
      }
    }
  });
}

/** Calls `fn` with the byte offset of each index of `dims[from..=k]` (`dims[k]` varies slowest). */
function eachIndex(
  dims: readonly IterDim[],
  from: number,
  k: number,
  offset: number,
  fn: (offset: number) => void,
): void {
  if (k < from) {
    fn(offset);
    return;
  }
  const d = dims[k];
  for (let i = 0; i < d.n; i++) {
    eachIndex(dims, from, k - 1, offset + i * d.s, fn);
  }
}

/** Calls `fn` with the operand and result offsets of each index of `dims[from..to)`, the last varying slowest. */
function eachOuter(
  dims: readonly IterDim[],
  from: number,
  to: number,
  inOff: number,
  outOff: number,
  fn: (inOff: number, outOff: number) => void,
): void {
  if (to <= from) {
    fn(inOff, outOff);
    return;
  }
  const d = dims[to - 1];
  for (let i = 0; i < d.n; i++) {
    eachOuter(dims, from, to - 1, inOff + i * d.s, outOff + i * d.o, fn);
  }
}

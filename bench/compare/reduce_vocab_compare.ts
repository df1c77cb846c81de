/**
 * The reductions of issue 14 against NumPy: `argmax`/`argmin`, `std`/`var`,
 * `any`/`all`, `prod`, `cumsum`, on the 256 MiB files and with the rows of
 * `reduce_compare.ts` (memmaps opened inside the timed region, in-memory
 * arrays made before it; medians of rounds alternating the sides). `any()`
 * runs on zeros (it must read everything: NumPy never stops early, this
 * library stops at the first true element), `all()` on normal floats.
 * Run with `deno task compare reduce_vocab`.
 *
 * @module
 */

import type { PeerWorkload } from "./peers.ts";
import {
  memmapRow,
  memoryRow,
  type Reduction,
  setup,
} from "./reduce_compare.ts";
import type { Workload } from "./run.ts";

/** The base files and `r.zeros` (256 MiB of zero bytes). */
function setupZeros(dir: string): void {
  setup(dir);
  const path = `${dir}/r.zeros`;
  const size = 256 * 1024 * 1024;
  let ok = false;
  try {
    ok = Deno.statSync(path).size === size;
  } catch {
    ok = false;
  }
  if (!ok) Deno.writeFileSync(path, new Uint8Array(size));
  Deno.readFileSync(path);
}

function row(
  dtype: string,
  file: string,
  call: string,
  js: Reduction["js"],
  extra: Partial<Reduction> = {},
): Reduction {
  return { dtype, file, call, js, py: `a.${call.split(" ")[0]}`, ...extra };
}

function reductions(): Reduction[] {
  return [
    row("float64", "r.f8", "argmax()", (a) => a.argmax()),
    row("float32", "r.f4", "argmax()", (a) => a.argmax()),
    row("int32", "r.ints", "argmin()", (a) => a.argmin()),
    row("float64", "r.f8", "std()", (a) => a.std()),
    row("float32", "r.f4", "std()", (a) => a.std()),
    row("float64", "r.f8", "var(0) (4096 x 8192)", (a) => a.var(0), {
      matrix: true,
    }),
    row("float64", "r.zeros", "any()", (a) => a.any(), { setup: setupZeros }),
    row("float64", "r.f8", "all()", (a) => a.all()),
    row("float64", "r.f8", "prod()", (a) => a.prod()),
    row("float64", "r.f8", "cumsum()", (a) => a.cumsum()),
    ...alongAxes(),
    // Results in the input's memory order (K) of a transposed view.
    row("float64", "r.f8", "T.cumsum(0) (4096 x 8192)", (a) => a.T.cumsum(0), {
      matrix: true,
    }),
    row("float64", "r.f8", "T.cumsum(1) (4096 x 8192)", (a) => a.T.cumsum(1), {
      matrix: true,
    }),
    row("float64", "r.f8", "T.sum(1) (4096 x 8192)", (a) => a.T.sum(1), {
      matrix: true,
    }),
    row("float64", "r.f8", "T.var(0) (4096 x 8192)", (a) => a.T.var(0), {
      matrix: true,
    }),
  ];
}

/**
 * The rest of issue 14's reductions: float64 and float32 along each axis of
 * 4096 x 8192 (and whole where the rows above have only one dtype), and the
 * integer `std`/`var` (their float64 temporaries).
 */
function alongAxes(): Reduction[] {
  const list: Reduction[] = [];
  const m = { matrix: true };
  for (const [dtype, file] of [["float64", "r.f8"], ["float32", "r.f4"]]) {
    list.push(
      row(dtype, file, "argmin()", (a) => a.argmin()),
      row(dtype, file, "var()", (a) => a.var()),
      row(dtype, file, "prod()", (a) => a.prod()),
      row(dtype, file, "all()", (a) => a.all()),
      row(dtype, file, "cumprod()", (a) => a.cumprod()),
    );
    for (const axis of [0, 1]) {
      const along = `(${axis}) (4096 x 8192)`;
      list.push(
        row(dtype, file, `argmax${along}`, (a) => a.argmax(axis), m),
        row(dtype, file, `argmin${along}`, (a) => a.argmin(axis), m),
        row(dtype, file, `std${along}`, (a) => a.std(axis), m),
        row(dtype, file, `var${along}`, (a) => a.var(axis), m),
        row(dtype, file, `prod${along}`, (a) => a.prod(axis), m),
        row(dtype, file, `any${along}`, (a) => a.any(axis), m),
        row(dtype, file, `all${along}`, (a) => a.all(axis), m),
        row(dtype, file, `cumsum${along}`, (a) => a.cumsum(axis), m),
        row(dtype, file, `cumprod${along}`, (a) => a.cumprod(axis), m),
      );
    }
  }
  for (const dtype of ["int32", "uint8", "int64"]) {
    list.push(row(dtype, "r.ints", "std()", (a) => a.std()));
    for (const axis of [0, 1]) {
      list.push(
        row(
          dtype,
          "r.ints",
          `std(${axis}) (4096 x rest)`,
          (a) => a.std(axis),
          m,
        ),
        row(
          dtype,
          "r.ints",
          `var(${axis}) (4096 x rest)`,
          (a) => a.var(axis),
          m,
        ),
      );
    }
  }
  return list;
}

/** The rows: memmaps, then in-memory arrays. */
export const peerWorkloads: PeerWorkload[] = [
  ...reductions().map(memmapRow),
  ...reductions().map(memoryRow),
];

/** No best-of-N rows. */
export const workloads: Workload[] = [];

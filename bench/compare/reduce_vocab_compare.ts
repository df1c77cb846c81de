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
  ];
}

/** The rows: memmaps, then in-memory arrays. */
export const peerWorkloads: PeerWorkload[] = [
  ...reductions().map(memmapRow),
  ...reductions().map(memoryRow),
];

/** No best-of-N rows. */
export const workloads: Workload[] = [];

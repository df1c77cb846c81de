/**
 * The layouts of the stride fixtures in tests/testdata/strides (written by
 * make_layouts.py and make_reductions.py there): a C-order `arange` of a
 * shape, optionally transposed and sliced, in one of four dtypes.
 *
 * @module
 */

import { arange, type NDArray } from "../../mod.ts";

/** One fixture layout: a shape, then an optional transpose and slice. */
export interface Layout {
  shape: number[];
  perm: number[] | null;
  slice: string[] | null;
}

/** The fixtures' dtype codes and the dtypes they name. */
export const LAYOUT_DTYPES: Record<string, string> = {
  f8: "float64",
  f4: "float32",
  i4: "int32",
  c16: "complex128",
};

/** The array of a layout, in the dtype of a fixture code. */
export function layoutArray(lay: Layout, code: string): NDArray {
  const n = lay.shape.reduce((x, y) => x * y, 1);
  let a = arange(n).astype(LAYOUT_DTYPES[code] as "float64").reshape(
    lay.shape,
  ) as NDArray;
  if (lay.perm !== null) a = a.transpose(...lay.perm);
  if (lay.slice !== null) a = a.slice(...lay.slice);
  return a;
}

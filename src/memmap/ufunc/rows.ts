/**
 * Every element-wise operation, one row each (see `table.ts` for what a
 * row is): re-exported from the files that hold them by concept.
 *
 * @module
 */

export * from "./table.ts";
export * from "./arith.ts";
export * from "./bitwise.ts";
export * from "./compare.ts";
export * from "./math.ts";
export * from "./select.ts";

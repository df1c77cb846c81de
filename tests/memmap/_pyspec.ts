/**
 * Writes a `dtype()` spec as the Python expression NumPy takes for it, so
 * that tests can build the same type on both sides.
 *
 * @module
 */

import type { DTypeLike } from "../../src/memmap/dtype.ts";

function str(s: string): string {
  return JSON.stringify(s);
}

function tuple(dims: unknown): string {
  const d = Array.isArray(dims) ? dims : [dims];
  return d.length === 1 ? `(${d[0]},)` : `(${d.join(", ")})`;
}

function name(n: unknown): string {
  if (Array.isArray(n)) return `(${str(n[0])}, ${str(n[1])})`;
  return typeof n === "string" ? str(n) : String(n);
}

/**
 * The Python expression for a spec: strings as they are, field lists as
 * lists of tuples, dicts as dicts, `[format, shape]` pairs as tuples.
 *
 * @param spec The spec as `dtype()` takes it.
 * @returns Python source.
 */
export function pySpec(spec: DTypeLike): string {
  if (typeof spec === "string") return str(spec);
  if (Array.isArray(spec)) {
    if (spec.length === 2 && !Array.isArray(spec[0])) {
      return `(${pySpec(spec[0] as DTypeLike)}, ${tuple(spec[1])})`;
    }
    return `[${
      (spec as unknown[][]).map((e) =>
        `(${name(e[0])}${
          e.length > 1 ? `, ${pySpec(e[1] as DTypeLike)}` : ","
        }${e.length === 3 ? `, ${tuple(e[2])}` : ""})`
      ).join(", ")
    }]`;
  }
  const d = spec as unknown as Record<string, unknown>;
  const parts = [`"names": [${(d.names as string[]).map(str).join(", ")}]`];
  parts.push(
    `"formats": [${
      (d.formats as DTypeLike[]).map((f) => pySpec(f)).join(", ")
    }]`,
  );
  if (d.offsets !== undefined) {
    parts.push(`"offsets": [${(d.offsets as number[]).join(", ")}]`);
  }
  if (d.itemsize !== undefined) parts.push(`"itemsize": ${d.itemsize}`);
  if (d.titles !== undefined) {
    parts.push(
      `"titles": [${
        (d.titles as (string | null)[]).map((t) => t === null ? "None" : str(t))
          .join(", ")
      }]`,
    );
  }
  if (d.aligned !== undefined) {
    parts.push(`"aligned": ${d.aligned ? "True" : "False"}`);
  }
  return `{${parts.join(", ")}}`;
}

/**
 * The one place where flags and masks become unsigned before they cross the
 * FFI. JavaScript's bitwise operators give signed 32-bit results
 * (`0x80000000 | 0x40000000` is `-1073741824`), and Deno's FFI refuses a
 * negative number for an unsigned parameter ("Invalid FFI u32 type, expected
 * unsigned integer"), so any mask with bit 31 set, such as
 * `GENERIC_READ | GENERIC_WRITE`, would make the call throw.
 *
 * Each symbol table is passed through {@linkcode unsignedParameters} once,
 * when it is loaded: every symbol with a `u32` or `u64` parameter is wrapped
 * so that a negative 32-bit integer given there is passed as the same 32 bits
 * read unsigned (`>>> 0`). Every other value passes unchanged, so the FFI
 * still refuses fractions, out-of-range numbers and wrong types. Symbols
 * without such parameters are not wrapped and cost nothing.
 *
 * @module
 */

/** Parameter types that take unsigned integers built from flags. */
const UNSIGNED = new Set<unknown>(["u32", "u64"]);

/**
 * A negative 32-bit integer as the unsigned value with the same bits; any
 * other value as is.
 *
 * @param value An FFI argument.
 * @returns The argument to pass.
 */
export function unsignedBits(value: unknown): unknown {
  return typeof value === "number" && value < 0 && (value | 0) === value
    ? value >>> 0
    : value;
}

/**
 * Wraps the symbols of a loaded (or modelled) library so that flags passed
 * to its `u32`/`u64` parameters arrive unsigned.
 *
 * @param symbols The symbols, as `Deno.dlopen` returns them.
 * @param table The symbol table they were declared with.
 * @returns The same symbols; those with unsigned parameters wrapped.
 */
export function unsignedParameters<T extends object>(
  symbols: T,
  table: Deno.ForeignLibraryInterface,
): T {
  const out = { ...symbols } as Record<string, unknown>;
  for (const [name, declaration] of Object.entries(table)) {
    const fn = out[name];
    if (typeof fn !== "function" || !("parameters" in declaration)) continue;
    const positions = declaration.parameters.flatMap((type, i) =>
      UNSIGNED.has(type) ? [i] : []
    );
    if (positions.length === 0) continue;
    out[name] = (...args: unknown[]) => {
      for (const i of positions) args[i] = unsignedBits(args[i]);
      return fn(...args);
    };
  }
  return out as T;
}

/**
 * The text `console.log` shows for the library's handles (`Mmap`,
 * `SharedMemory`): their class name and a few fields.
 *
 * @module
 */

/** The fields a handle shows: strings, numbers, booleans. */
export type InspectState = Record<string, string | number | boolean>;

/**
 * The text of a `[Symbol.for("Deno.customInspect")]` hook: `name` and its
 * `state` formatted by the runtime's `inspect` when the hook is called as
 * the runtime calls it, else (called directly, `inspect` not a function or
 * giving no string) by the library itself, in the same form
 * (`Mmap { closed: false, access: "write" }`).
 *
 * @param name The class name shown.
 * @param state The fields shown.
 * @param inspect What the hook was given as the runtime's `inspect`.
 * @param options What the hook was given as its options.
 * @returns The text.
 */
export function inspectText(
  name: string,
  state: InspectState,
  inspect: unknown,
  options: unknown,
): string {
  if (typeof inspect === "function") {
    const text: unknown = inspect(state, options);
    if (typeof text === "string") return `${name} ${text}`;
  }
  const fields = Object.entries(state).map(([key, value]) =>
    `${key}: ${typeof value === "string" ? JSON.stringify(value) : value}`
  );
  return `${name} { ${fields.join(", ")} }`;
}

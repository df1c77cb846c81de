/**
 * Error helpers shared by the `.npy` and `.npz` readers.
 *
 * @module
 */

/**
 * Builds the `Deno.errors.InvalidData` thrown for malformed `.npy`/`.npz`
 * content.
 *
 * @param where What is being read, e.g. `"/data/x.npy"` or
 *   `"/data/x.npz" member "a.npy"`.
 * @param at The absolute byte offset of the problem.
 * @param what What is wrong, sentence case, no final period.
 * @returns The error, ready to throw.
 */
export function invalidData(
  where: string,
  at: number,
  what: string,
): Deno.errors.InvalidData {
  return new Deno.errors.InvalidData(`${what} in ${where} at byte ${at}`);
}

/**
 * Formats a path or URL for error messages.
 *
 * @param path The path or URL.
 * @returns The path quoted with double quotes.
 */
export function quotePath(path: string | URL): string {
  return JSON.stringify(path instanceof URL ? path.href : path);
}

/**
 * Shows a few bytes as a Python-style bytes literal for error messages.
 *
 * @param bytes The bytes to show.
 * @param max How many bytes to show at most.
 * @returns Text such as `b'PK\x03\x04'`.
 */
export function showBytes(bytes: Uint8Array, max = 16): string {
  let out = "";
  for (const b of bytes.subarray(0, max)) {
    if (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c) {
      out += String.fromCharCode(b);
    } else {
      out += "\\x" + b.toString(16).padStart(2, "0");
    }
  }
  return `b'${out}'${bytes.length > max ? "..." : ""}`;
}

/**
 * Deno permission checks made before any path reaches the C library, so that
 * the library never becomes a way around `--allow-read` / `--allow-write`.
 *
 * @module
 */

function ensure(
  descriptor: Deno.PermissionDescriptor,
  flag: string,
  what: string,
): void {
  let status = Deno.permissions.querySync(descriptor);
  if (status.state === "prompt") {
    status = Deno.permissions.requestSync(descriptor);
  }
  if (status.state !== "granted") {
    throw new Deno.errors.NotCapable(
      `Requires ${what}, run again with the ${flag} flag`,
    );
  }
}

/**
 * Checks that FFI is allowed.
 *
 * @throws {Deno.errors.NotCapable} Naming `--allow-ffi` when it is not.
 */
export function requireFfi(): void {
  ensure({ name: "ffi" }, "--allow-ffi", "ffi access");
}

/**
 * Checks that `path` may be read, and written when `write` is set.
 *
 * @param path The file about to be opened.
 * @param write Whether it is opened for writing.
 * @throws {Deno.errors.NotCapable} Naming the missing flag.
 */
export function requireFileAccess(path: string, write: boolean): void {
  ensure({ name: "read", path }, "--allow-read", `read access to "${path}"`);
  if (write) {
    ensure(
      { name: "write", path },
      "--allow-write",
      `write access to "${path}"`,
    );
  }
}

/**
 * Runs `open` and, when it fails for want of `--allow-write` on a call whose
 * write access was a default rather than asked for, says the other fix
 * too: opening read-only (`hint`, e.g. `access: "read"`), which needs only
 * `--allow-read`.
 *
 * @param open The opening call.
 * @param defaulted Whether write access was the default (nothing asked).
 * @param hint The option that opens read-only, as the user would write it.
 * @returns What `open` returns.
 * @throws {Deno.errors.NotCapable} With both fixes named.
 */
export function withReadOnlyHint<T>(
  open: () => T,
  defaulted: boolean,
  hint: string,
): T {
  try {
    return open();
  } catch (error) {
    if (
      defaulted && error instanceof Deno.errors.NotCapable &&
      error.message.includes("--allow-write")
    ) {
      throw new Deno.errors.NotCapable(
        `${error.message}, or open it read-only with { ${hint} } (which needs only --allow-read)`,
      );
    }
    throw error;
  }
}

/**
 * Checks that `path` may be written (removing a name needs no read access).
 *
 * @param path The file about to be written or removed.
 * @throws {Deno.errors.NotCapable} Naming `--allow-write`.
 */
export function requireWriteAccess(path: string): void {
  ensure({ name: "write", path }, "--allow-write", `write access to "${path}"`);
}

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
 * @param why What the access is for, when it is not the obvious one.
 * @throws {Deno.errors.NotCapable} Naming the missing flag.
 */
export function requireFileAccess(
  path: string,
  write: boolean,
  why?: string,
): void {
  const purpose = why === undefined ? "" : ` ${why}`;
  ensure(
    { name: "read", path },
    "--allow-read",
    `read access to "${path}"${purpose}`,
  );
  if (write) {
    ensure(
      { name: "write", path },
      "--allow-write",
      `write access to "${path}"${purpose}`,
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

/** Every permission Deno has: all granted is what `--allow-all` grants. */
const EVERY_PERMISSION = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
] as const;

/** Whether every permission is granted, as Deno asks before opening a special file. */
function allGranted(): boolean {
  return EVERY_PERMISSION.every((name) => {
    try {
      return Deno.permissions.querySync({ name } as Deno.PermissionDescriptor)
        .state === "granted";
    } catch {
      return true; // a permission this Deno does not have
    }
  });
}

/** `path` is `root` or inside it, component by component (Rust's `Path::starts_with`). */
function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/**
 * Whether Deno resolves symbolic links in `path` before applying its
 * special-file rule: not for a path under `/proc` or `/dev` on Linux,
 * whose magic links (`/proc/self/fd/3`) are taken as they are.
 *
 * @param path The absolute, normalised path.
 * @returns Whether the rule applies to the resolved path.
 */
export function resolvesLinks(path: string): boolean {
  return Deno.build.os !== "linux" ||
    !(under(path, "/proc") || under(path, "/dev"));
}

/** Devices Deno opens with `--allow-read`/`--allow-write` alone. */
const HARMLESS_DEVICES = [
  "/dev/null",
  "/dev/zero",
  "/dev/random",
  "/dev/urandom",
];

/** A `\\?\X:\` path: the one form starting with two backslashes Deno treats as a plain file. */
const WINDOWS_DRIVE = /^\\\\\?\\[A-Za-z]:\\/;

/** What a descriptor was found to be once opened, when it is a device. */
export type DeviceKind = "a block device" | "a character device";

/**
 * Whether opening `path` needs every permission: Deno's rule for "special
 * files" (its permission container's `check_special_file`, which its own
 * `open` applies to the path with symbolic links resolved).
 *
 * - Linux: anything under `/dev`, `/proc` or `/sys` but `/dev/null`,
 *   `/dev/zero`, `/dev/random`, `/dev/urandom`, `/dev/tty` for reading and
 *   `/proc/pressure`; other Unix: anything under `/dev` but those.
 * - Windows: a path starting with `\\` that is not `\\?\X:\...` (devices
 *   such as `\\.\PhysicalDrive0`, and network shares).
 * - Stricter than Deno: a block device, or a character device other than
 *   the harmless ones, wherever its node lies (Deno looks at the path only,
 *   so a device node made outside `/dev` would pass there).
 *
 * @param path The absolute path, links resolved.
 * @param write Whether it is opened for writing.
 * @param device What it is, when it was opened and found to be a device.
 * @param os The operating system whose rule applies.
 * @returns Whether `--allow-all` is needed.
 */
export function isSpecialFile(
  path: string,
  write: boolean,
  device?: DeviceKind,
  os: typeof Deno.build.os = Deno.build.os,
): boolean {
  if (os === "windows") {
    return path.startsWith("\\\\") && !WINDOWS_DRIVE.test(path);
  }
  if (HARMLESS_DEVICES.includes(path)) return false;
  if (path === "/dev/tty" && !write) return false;
  if (device !== undefined) return true;
  if (os === "linux") {
    return !under(path, "/proc/pressure") &&
      ["/dev", "/proc", "/sys"].some((root) => under(path, root));
  }
  return under(path, "/dev");
}

/**
 * Refuses what Deno's own `open` refuses without `--allow-all` (see
 * {@linkcode isSpecialFile}), however it was reached: `--allow-read` for a
 * directory does not grant a block device or `/proc/self/mem` that a
 * symbolic link in it points to.
 *
 * @param resolved The path with links resolved (what is, or will be, opened).
 * @param write Whether it is opened for writing.
 * @param given The path as the caller named it, for the message.
 * @param device What the open descriptor is, when it is a device.
 * @throws {Deno.errors.NotCapable} Naming `--allow-all`, as Deno does.
 */
export function requireSpecialFileAccess(
  resolved: string,
  write: boolean,
  given: string,
  device?: DeviceKind,
): void {
  if (!isSpecialFile(resolved, write, device) || allGranted()) return;
  const what = [
    device,
    resolved === given ? undefined : `reached through "${given}"`,
  ].filter((part) => part !== undefined);
  throw new Deno.errors.NotCapable(
    `Requires all access to "${resolved}"${
      what.length === 0 ? "" : ` (${what.join(", ")})`
    }, run again with the --allow-all flag`,
  );
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

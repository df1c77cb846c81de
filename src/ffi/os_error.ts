/**
 * Turns a failed OS call into the matching `Deno.errors` class, with a
 * message naming the call, the error name and the path.
 *
 * @module
 */

import { PLATFORM } from "./constants.ts";
import { openFiles } from "./open_files.ts";

/** An error class that takes a message. */
type ErrorClass = new (message: string) => Error;

const CLASS_BY_NAME: Readonly<Record<string, ErrorClass>> = {
  ENOENT: Deno.errors.NotFound,
  EACCES: Deno.errors.PermissionDenied,
  EPERM: Deno.errors.PermissionDenied,
  EROFS: Deno.errors.PermissionDenied,
  EEXIST: Deno.errors.AlreadyExists,
  EISDIR: Deno.errors.IsADirectory,
  ENOTDIR: Deno.errors.NotADirectory,
  EBADF: Deno.errors.BadResource,
  EBUSY: Deno.errors.Busy,
  ETXTBSY: Deno.errors.Busy,
  EINTR: Deno.errors.Interrupted,
  EAGAIN: Deno.errors.WouldBlock,
  ELOOP: Deno.errors.FilesystemLoop,
  ENODEV: Deno.errors.NotSupported,
  EOPNOTSUPP: Deno.errors.NotSupported,
  ENOTSUP: Deno.errors.NotSupported,
  ENOSYS: Deno.errors.NotSupported,
  // Win32 error names (winerror.h; names from constants.ts WINDOWS), mapped
  // as Deno maps the same codes for its own file APIs
  ERROR_FILE_NOT_FOUND: Deno.errors.NotFound,
  ERROR_PATH_NOT_FOUND: Deno.errors.NotFound,
  ERROR_INVALID_DRIVE: Deno.errors.NotFound,
  ERROR_BAD_NETPATH: Deno.errors.NotFound,
  ERROR_BAD_NET_NAME: Deno.errors.NotFound,
  ERROR_ACCESS_DENIED: Deno.errors.PermissionDenied,
  ERROR_WRITE_PROTECT: Deno.errors.PermissionDenied,
  ERROR_FILE_EXISTS: Deno.errors.AlreadyExists,
  ERROR_ALREADY_EXISTS: Deno.errors.AlreadyExists,
  ERROR_DIRECTORY: Deno.errors.NotADirectory,
  ERROR_SHARING_VIOLATION: Deno.errors.Busy,
  ERROR_LOCK_VIOLATION: Deno.errors.Busy,
  ERROR_BUSY: Deno.errors.Busy,
  ERROR_USER_MAPPED_FILE: Deno.errors.Busy,
  ERROR_CANT_RESOLVE_FILENAME: Deno.errors.FilesystemLoop,
  ERROR_NOT_SUPPORTED: Deno.errors.NotSupported,
};

/** An OS error with its symbolic name in `code`, as Node and Deno do. */
export interface OsError extends Error {
  /** The errno (or Win32 error) name, e.g. `ENOMEM`. */
  code: string;
}

/** What running out of descriptors means here, and what to do. */
function exhausted(code: string): string {
  return ` (this thread has ${openFiles.count} files and maps of this library open: close() each when done, or use \`using\`; one dropped without close() is released only after the garbage collector has run and the program has awaited, which a synchronous loop never does${
    code === "ENFILE" ? "; the system-wide limit was reached" : ""
  })`;
}

/**
 * Builds the error for a failed OS call. Running out of descriptors
 * (`EMFILE`, `ENFILE`) says how many this library holds and what releases
 * them.
 *
 * @param call The C function that failed, e.g. `mmap`.
 * @param code The symbolic error name, e.g. `ENOMEM`.
 * @param description The OS's text for it, e.g. `Cannot allocate memory`.
 * @param path The file involved, if any.
 * @returns The error, to be thrown.
 */
export function osError(
  call: string,
  code: string,
  description: string,
  path?: string,
): OsError {
  const where = path === undefined ? "" : `: ${JSON.stringify(path)}`;
  const Class = CLASS_BY_NAME[code] ?? Error;
  const hint = code === "EMFILE" || code === "ENFILE" ? exhausted(code) : "";
  const error = new Class(
    `${call}(): ${description} (${code})${where}${hint}`,
  ) as OsError;
  error.code = code;
  return error;
}

/**
 * Rebuilds an error thrown by Deno's or `node:fs`'s file APIs (which carry
 * the errno name in `code`, or else the errno value in the message) as the
 * library's own OS error; other errors
 * (Deno's permission errors among them) are returned unchanged.
 *
 * @param call The C function the call stands for, e.g. `open`.
 * @param error What was thrown.
 * @param path The file involved.
 * @returns The error, to be thrown.
 */
export function fromRuntimeError(
  call: string,
  error: unknown,
  path: string,
): unknown {
  if (!(error instanceof Error)) return error;
  // Deno gives no `code` to some errors (EFBIG: "File too large (os error
  // 27)"): the number it names is looked up.
  const code = (error as { code?: unknown }).code ??
    PLATFORM.errnoNames[Number(error.message.match(/\(os error (\d+)\)/)?.[1])];
  if (typeof code !== "string") return error;
  if (!/^E[A-Z0-9]+$/.test(code)) return error;
  // Node: "ENOENT: no such file or directory, open '/x'";
  // Deno: "No such file or directory (os error 2): stat '/x'".
  const text = error.message.match(/^E[A-Z0-9]+: ([^,]*)/)?.[1] ??
    error.message.match(/^(.*?) \(os error \d+\)/)?.[1] ?? code;
  const description = text.charAt(0).toUpperCase() + text.slice(1);
  return osError(call, code, description, path);
}

/**
 * `Deno.statSync` with the library's error on failure.
 *
 * @param path The path to look up.
 * @param name The path as the caller gave it, for the message.
 * @returns What it names.
 * @throws The OS error of {@linkcode fromRuntimeError}, naming `stat`.
 */
export function statPath(path: string, name: string = path): Deno.FileInfo {
  try {
    return Deno.statSync(path);
  } catch (error) {
    throw fromRuntimeError("stat", error, name);
  }
}

/**
 * What a file whose mode has no file type is, for "Not a regular file: ..."
 * messages: the descriptors of kernel objects that are no file (Linux's
 * epoll, eventfd, timerfd, signalfd; macOS's kqueue).
 */
export const UNTYPED_FILE =
  "an epoll, eventfd or other descriptor of no file type";

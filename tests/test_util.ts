/**
 * Helpers shared by the tests: temp files and the Python reference.
 *
 * @module
 */

import type { NumericName } from "../mod.ts";
import { sys, useSys } from "../src/ffi/platform.ts";

/** A temp directory removed when disposed. */
export function tempDir(): { path: string } & Disposable {
  const path = Deno.makeTempDirSync({ prefix: "mmap-test-" });
  return {
    path,
    [Symbol.dispose]() {
      Deno.removeSync(path, { recursive: true });
    },
  };
}

/** Writes `text` (or bytes) to `name` in `dir` and returns the path. */
export function writeFile(
  dir: string,
  name: string,
  content: string | Uint8Array,
): string {
  const path = `${dir}/${name}`;
  if (typeof content === "string") Deno.writeTextFileSync(path, content);
  else Deno.writeFileSync(path, content);
  return path;
}

/** Encodes text as UTF-8. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

/** Decodes UTF-8. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function probe(code: string): boolean {
  try {
    return new Deno.Command("python3", {
      args: ["-c", code],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Whether `python3` runs here. */
export const HAS_PYTHON: boolean = probe("import mmap");
/** Whether `python3` with NumPy runs here. */
export const HAS_NUMPY: boolean = HAS_PYTHON && probe("import numpy");

/** Runs a Python script with arguments; returns its stdout, throws with stderr on failure. */
export function python(script: string, ...args: string[]): string {
  const out = new Deno.Command("python3", { args: ["-c", script, ...args] })
    .outputSync();
  if (!out.success) throw new Error(`python3 failed:\n${text(out.stderr)}`);
  return text(out.stdout);
}

/**
 * Runs a module's code in a `deno run --no-prompt` subprocess with the given
 * permission flags. `MOD` in the code is replaced by the library's URL.
 */
export function denoRun(
  flags: string[],
  code: string,
  limits: { files?: number; addressSpace?: number } = {},
): { code: number; stdout: string; stderr: string } {
  const dir = Deno.makeTempDirSync({ prefix: "mmap-sub-" });
  try {
    const script = `${dir}/main.ts`;
    const mod = new URL("../mod.ts", import.meta.url).href;
    Deno.writeTextFileSync(script, code.replaceAll("MOD", mod));
    const args = ["run", "--no-prompt", "--no-config", ...flags, script];
    // Descriptor and address-space (bytes) limits: through the shell's
    // ulimit (soft and hard alike).
    const ulimits = [
      limits.files === undefined ? "" : `ulimit -n ${limits.files} && `,
      limits.addressSpace === undefined
        ? ""
        : `ulimit -v ${Math.floor(limits.addressSpace / 1024)} && `,
    ].join("");
    const out = (ulimits === ""
      ? new Deno.Command(Deno.execPath(), { args, env: { NO_COLOR: "1" } })
      : new Deno.Command("sh", {
        args: [
          "-c",
          `${ulimits}exec "$@"`,
          "sh",
          Deno.execPath(),
          ...args,
        ],
        env: { NO_COLOR: "1" },
      })).outputSync();
    return {
      code: out.code,
      stdout: text(out.stdout),
      stderr: text(out.stderr),
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** What {@linkcode denoRunWithin} reports. */
export interface RunResult {
  code: number;
  /** The signal that ended the process, e.g. `SIGBUS`, or null. */
  signal: Deno.Signal | null;
  /** Whether it was killed for running past the time limit (a hang). */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * As {@linkcode denoRun}, but killed after `ms` milliseconds, so that a
 * test of something that used to hang (or crash) reports instead of waiting.
 */
export async function denoRunWithin(
  flags: string[],
  code: string,
  ms = 60_000,
): Promise<RunResult> {
  const dir = Deno.makeTempDirSync({ prefix: "mmap-sub-" });
  try {
    const script = `${dir}/main.ts`;
    const mod = new URL("../mod.ts", import.meta.url).href;
    Deno.writeTextFileSync(script, code.replaceAll("MOD", mod));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-config", ...flags, script],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, ms);
    const out = await child.output();
    clearTimeout(timer);
    return {
      code: out.code,
      signal: out.signal,
      timedOut,
      stdout: text(out.stdout),
      stderr: text(out.stderr),
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * Child code that defines `tally(run)`: calls `run()` for half a second and
 * counts the calls that returned and those that threw.
 */
export const TALLY_CODE = `
function tally(run) {
  let ok = 0, refused = 0;
  const started = Date.now();
  while (Date.now() - started < 500) {
    try {
      run();
      ok++;
    } catch {
      refused++;
    }
  }
  return { ok, refused };
}
`;

/**
 * Races two children: a flipper (with read and write on everything) runs
 * `step` (code using the loop counter `i`) over and over, for at most 20
 * seconds, while `race` runs with `flags`; the flipper is stopped once the
 * race is done. The race prints one JSON object of `{ ok, refused }` rows
 * (see {@linkcode TALLY_CODE}); returns them, each checked to have run.
 */
export async function raceWithFlipper(
  dir: string,
  step: string,
  flags: string[],
  race: string,
): Promise<Record<string, { ok: number; refused: number }>> {
  const stop = `${dir}/stop`;
  const flipper = denoRunWithin(
    ["--allow-read", "--allow-write"],
    `
    const stop = ${JSON.stringify(stop)};
    const started = Date.now();
    for (let i = 0; Date.now() - started < 20_000; i++) {
      if (i % 64 === 0) {
        try { Deno.statSync(stop); break; } catch { /* go on */ }
      }
      ${step}
    }
    `,
    30_000,
  );
  const result = await denoRunWithin(flags, `${TALLY_CODE}\n${race}`);
  Deno.writeTextFileSync(stop, "");
  const flipped = await flipper;
  if (flipped.code !== 0) {
    throw new Error(`the flipper failed: ${flipped.stderr}`);
  }
  if (result.code !== 0) throw new Error(`the race failed: ${result.stderr}`);
  const rows: Record<string, { ok: number; refused: number }> = JSON.parse(
    result.stdout,
  );
  for (const [name, { ok, refused }] of Object.entries(rows)) {
    if (!(ok + refused > 0)) throw new Error(`${name}: the loop did not run`);
  }
  return rows;
}

/**
 * The first message `worker` posts; rejects with the worker's error instead
 * if it fails first, so that a test never waits for a dead worker.
 */
export function firstReply<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(
        new Error(`${event.message} (${event.filename}:${event.lineno})`),
      );
    };
  });
}

/** Whether the tests run on Windows (CI runs them under Wine: .ci/wine.sh). */
export const WINDOWS: boolean = Deno.build.os === "windows";

/**
 * What emulates the machine the tests run on: `"qemu-user"` under
 * .ci/arm64.sh, `""` on real hardware. Tests that meet a limit of the
 * emulator, not of the library, are skipped there only, with the reason.
 */
export const EMULATOR: string =
  Deno.permissions.querySync({ name: "env", variable: "SEED_MMAP_EMULATOR" })
      .state === "granted"
    ? Deno.env.get("SEED_MMAP_EMULATOR") ?? ""
    : "";

// qemu-user does not emulate mremap(MREMAP_DONTUNMAP) faithfully with its
// 64 KiB guest pages (moving a map's page tables corrupts its own heap:
// "malloc(): invalid size", then SIGSEGV), so the library's lending of map
// pages (`Sys.lend`: lines() over large maps) is left out under it, and the
// tests of lending itself are skipped there (tests/mmap/lend_test.ts). The
// other paths (copies, file overlays) run as everywhere.
if (EMULATOR === "qemu-user") useSys({ ...sys, lend: undefined });

/**
 * The OS call and error code the library reports for a missing file and a
 * missing shared-memory block on this platform.
 */
export const OS_NAMES: {
  openFile: string;
  openShared: string;
  notFound: string;
} = WINDOWS
  ? {
    openFile: "CreateFileW",
    openShared: "OpenFileMappingW",
    notFound: "ERROR_FILE_NOT_FOUND",
  }
  : { openFile: "open", openShared: "shm_open", notFound: "ENOENT" };

/**
 * Whether a test may start another Deno (`Deno.execPath()`): not under
 * qemu-user, which cannot start an arm64 program from inside one without
 * binfmt_misc. Such tests are skipped there, and run everywhere else.
 */
export const CAN_SPAWN_DENO: boolean = EMULATOR !== "qemu-user";

/**
 * A loop device over a file in `dir` holding `bytes` (1 MiB of 4s unless
 * given), or null where that is not allowed. The file is `dir`/image.
 */
export function loopDevice(
  dir: string,
  bytes: Uint8Array = new Uint8Array(1 << 20).fill(4),
): string | null {
  if (Deno.build.os !== "linux") return null;
  const image = `${dir}/image`;
  Deno.writeFileSync(image, bytes);
  try {
    const out = new Deno.Command("losetup", {
      args: ["-f", "--show", image],
      stderr: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

let loops: boolean | undefined;

/** Whether loop devices can be made here (root, Linux); tried once. */
export function canLoop(): boolean {
  return loops ??= tryLoop();
}

function tryLoop(): boolean {
  if (Deno.build.os !== "linux") return false;
  const dir = Deno.makeTempDirSync();
  try {
    const device = loopDevice(dir);
    if (device === null) return false;
    new Deno.Command("losetup", { args: ["-d", device] }).outputSync();
    return true;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * Mounts a tmpfs with `options` (e.g. `"size=2m"`) at `dir`/small for a
 * test; `null` where mounting is not allowed (not root, no mount
 * namespace, not Linux). Undo with {@linkcode unmount}.
 */
export function mountTmpfs(dir: string, options: string): string | null {
  if (Deno.build.os !== "linux") return null;
  const point = `${dir}/small`;
  Deno.mkdirSync(point);
  try {
    const out = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", options, "tmpfs", point],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success ? point : null;
  } catch {
    return null;
  }
}

/** Unmounts what {@linkcode mountTmpfs} mounted. */
export function unmount(point: string): void {
  new Deno.Command("umount", { args: [point] }).outputSync();
}

let mounts: boolean | undefined;

/** Whether {@linkcode mountTmpfs} works here; tried once. */
export function canMountTmpfs(): boolean {
  if (mounts !== undefined) return mounts;
  const dir = Deno.makeTempDirSync({ prefix: "mmap-mount-" });
  const point = mountTmpfs(dir, "size=1m");
  if (point !== null) unmount(point);
  Deno.removeSync(dir, { recursive: true });
  return mounts = point !== null;
}

/** Every numeric dtype, in NumPy's promotion order (bool, signed and unsigned integers by size, floats, complex). */
export const NUMERIC_NAMES: readonly NumericName[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
];

/**
 * A version 1.0 `.npy` file with no data whose header dict holds `descr` and
 * `shape` as written (Python literals: `"'<U0'"`, `"(1125899906842624,)"`).
 */
export function headerOnlyNpy(descr: string, shape: string): Uint8Array {
  const dict =
    `{'descr': ${descr}, 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = (64 - ((10 + dict.length + 1) % 64)) % 64;
  const body = new TextEncoder().encode(dict + " ".repeat(pad) + "\n");
  const out = new Uint8Array(10 + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, body.length, true);
  out.set(body, 10);
  return out;
}

/** The bits of a float64. */
export function bitsOf(x: number): bigint {
  return new BigUint64Array(Float64Array.of(x).buffer)[0];
}

/** Distance in units in the last place between two non-NaN float64 values. */
export function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const [x, y] = new BigInt64Array(Float64Array.of(a, b).buffer);
  const ordered = (v: bigint) => v < 0n ? -(v & 0x7fffffffffffffffn) : v;
  const d = ordered(x) - ordered(y);
  return Number(d < 0n ? -d : d);
}

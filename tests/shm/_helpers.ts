/**
 * Helpers of the shared-memory tests.
 *
 * @module
 */

let counter = 0;

/** A block name no other test (or run) uses: `test_shm_<pid>_<n>_<tag>`. */
export function uniqueName(tag: string): string {
  return `test_shm_${Deno.pid}_${++counter}_${tag}`;
}

/** Whether `/dev/shm/<name>` exists. */
export function shmExists(name: string): boolean {
  try {
    Deno.statSync(`/dev/shm/${name}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Removes `/dev/shm/<name>` if a failed test left it. */
export function removeShm(name: string): void {
  try {
    Deno.removeSync(`/dev/shm/${name}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Number of open descriptors of this process. */
export function openDescriptors(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** Number of this process's mappings of `/dev/shm` files. */
export function shmMappings(): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((line) => line.includes("/dev/shm/")).length;
}

/** Runs a Deno module in a subprocess with `run -A`; resolves to its stdout. */
export async function runDeno(
  script: URL,
  ...args: string[]
): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", script.pathname, ...args],
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!out.success) {
    throw new Error(`${script.pathname} failed:\n${decode(out.stderr)}`);
  }
  return decode(out.stdout);
}

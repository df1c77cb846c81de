/**
 * The real-world .npy/.npz files of ../shared/realworld-npy (made by other
 * projects; read from there, never copied here): each loads, in memory and
 * mapped, with NumPy's dtype, shape and bytes, or is refused as NumPy
 * refuses it (pickled objects; a header over max_header_size until the
 * limit is raised; a truncated file). Skipped when the folder is absent.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { load, type Memmap, type NDArray, NpzFile } from "../../mod.ts";
import { pyDescr } from "../../src/memmap/structured.ts";
import { HAS_NUMPY } from "../test_util.ts";

const FOLDER = fileURLToPath(
  new URL("../../../../shared/realworld-npy/files/", import.meta.url),
);
const FILES: string[] = (() => {
  try {
    return [...Deno.readDirSync(FOLDER)].map((e) => e.name).sort();
  } catch {
    return [];
  }
})();
// The worktrees live two levels below the checkout's parent; fall back to
// the absolute location used on this machine.
const DIR = FILES.length > 0 ? FOLDER : "/work/shared/realworld-npy/files/";
const NAMES: string[] = FILES.length > 0 ? FILES : (() => {
  try {
    return [...Deno.readDirSync(DIR)].map((e) => e.name).sort();
  } catch {
    return [];
  }
})();

/** What NumPy makes of one array (a file or a member). */
type Outcome =
  | { ok: true; descr: string; shape: number[]; sha: string }
  | { ok: false; why: "pickle" | "header" | "malformed" };

const PY = `
import hashlib, json, sys, warnings, zipfile
import numpy as np
from numpy.lib.format import dtype_to_descr
warnings.simplefilter("ignore")
def outcome(get):
    try:
        a = get()
    except ValueError as e:
        m = str(e)
        if "max_header_size" in m: return {"ok": False, "why": "header"}
        if "allow_pickle" in m: return {"ok": False, "why": "pickle"}
        return {"ok": False, "why": "malformed"}
    if not isinstance(a, np.ndarray):
        return None  # a member that is not an array (NumPy gives bytes)
    return {"ok": True, "descr": repr(dtype_to_descr(a.dtype)), "shape": list(a.shape),
            "sha": hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
out = {}
for name in sys.argv[2:]:
    path = sys.argv[1] + name
    if zipfile.is_zipfile(path):
        z = np.load(path)
        out[name] = {k: outcome(lambda k=k: z[k]) for k in z.files}
    else:
        out[name] = outcome(lambda: np.load(path))
        if out[name] == {"ok": False, "why": "header"}:
            out[name]["big"] = outcome(lambda: np.load(path, max_header_size=10**6))
print(json.dumps(out))
`;

async function sha256(a: NDArray): Promise<string> {
  const c = a.copy();
  const bytes = c.storage.bytes.slice(c.byteOffset, c.byteOffset + c.nbytes);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function refusedAs(e: unknown): "pickle" | "header" | "malformed" | string {
  if (e instanceof TypeError && /pickled Python objects/.test(e.message)) {
    return "pickle";
  }
  if (e instanceof Deno.errors.InvalidData) {
    return /maxHeaderSize/.test(e.message) ? "header" : "malformed";
  }
  return `unexpected ${e}`;
}

async function check(
  a: () => NDArray,
  want: Outcome & { big?: Outcome },
  what: string,
): Promise<void> {
  let got: NDArray;
  try {
    got = a();
  } catch (e) {
    assert.equal(want.ok, false, `${what}: refused (${e})`);
    assert.equal(refusedAs(e), (want as { why: string }).why, what);
    return;
  }
  assert.ok(want.ok, `${what}: loads here, NumPy refuses it`);
  assert.equal(
    pyDescr(got.dtype.descr),
    want.descr,
    `${what}: descr`,
  );
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(await sha256(got), want.sha, `${what}: bytes`);
  got.toArray(); // every value converts
}

Deno.test({
  name:
    "every real-world .npy/.npz file loads as NumPy loads it, or is refused as NumPy refuses it",
  ignore: NAMES.length === 0 || !HAS_NUMPY,
  async fn() {
    const out = new Deno.Command("python3", {
      args: ["-c", PY, DIR, ...NAMES],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const expected: Record<
      string,
      (Outcome & { big?: Outcome }) | Record<string, Outcome | null>
    > = JSON.parse(new TextDecoder().decode(out.stdout));
    for (const name of NAMES) {
      const path = DIR + name;
      const want = expected[name];
      if ("ok" in want) {
        const w = want as Outcome & { big?: Outcome };
        await check(() => load(path) as NDArray, w, name);
        for (const mmapMode of ["r", "c"] as const) {
          let m: Memmap | undefined;
          await check(
            () => (m = load(path, { mmapMode }) as Memmap),
            w,
            `${name} mapped ${mmapMode}`,
          );
          m?.close();
        }
        if (w.big !== undefined) {
          await check(
            () => load(path, { maxHeaderSize: 10 ** 6 }) as NDArray,
            w.big,
            `${name} with maxHeaderSize`,
          );
        }
        continue;
      }
      for (const mmapMode of [null, "r"] as const) {
        using npz = new NpzFile(path, { mmapMode });
        for (const [member, w] of Object.entries(want)) {
          if (w === null) {
            assert.equal(npz.get(member).dtype.str, "|u1", `${name} ${member}`);
            continue;
          }
          await check(
            () => npz.get(member),
            w,
            `${name} ${member} ${mmapMode}`,
          );
        }
      }
    }
  },
});

Deno.test({
  name:
    "every real-world file loads or is refused with a contract error (no NumPy needed)",
  ignore: NAMES.length === 0,
  fn() {
    const refused: Record<string, string[]> = {};
    for (const name of NAMES) {
      const note = (what: string, e: unknown) => {
        const why = refusedAs(e);
        assert.ok(!why.startsWith("unexpected"), `${what}: ${why}`);
        (refused[why] ??= []).push(what);
      };
      try {
        const r = load(DIR + name);
        if (r instanceof NpzFile) {
          for (const member of r.files) {
            try {
              r.get(member).toArray();
            } catch (e) {
              note(`${name} ${member}`, e);
            }
          }
          r.close();
        } else r.toArray();
      } catch (e) {
        note(name, e);
      }
    }
    // Refused: pickled objects, NumPy's own truncated and malformed test
    // files, and one header over the default limit.
    for (const [why, list] of Object.entries(refused)) {
      if (why !== "pickle") assert.ok(list.length <= 2, `${why}: ${list}`);
    }
  },
});

/**
 * Differential test: random operation sequences run on CPython's `mmap` and
 * on `Mmap`, over files with the same content; every result and every error
 * kind must agree.
 */
import assert from "node:assert/strict";
import { Mmap } from "../../mod.ts";
import { HAS_PYTHON, python, tempDir } from "../test_util.ts";

type Op =
  | ["read", number | null]
  | ["read_byte"]
  | ["readline"]
  | ["write", number[]]
  | ["write_byte", number]
  | ["seek", number, 0 | 1 | 2]
  | ["tell"]
  | ["find", number[], number | null, number | null]
  | ["rfind", number[], number | null, number | null]
  | ["get", number]
  | ["set", number, number]
  | ["setbytes", number, number[]]
  | ["slice", number | null, number | null, number | null]
  | ["move", number, number, number]
  | ["size"]
  | ["len"]
  | ["resize", number]
  | ["flush"];

type Outcome = { ok: unknown } | { error: "range" | "type" | "other" };

function generator(seed: number) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const int = (lo: number, hi: number) =>
    lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { int, pick, next };
}

const ALPHABET = [97, 98, 99, 10, 0, 255];

function randomOps(seed: number, count: number, resizable: boolean): Op[] {
  const { int, pick, next } = generator(seed);
  const bytes = (max: number) =>
    Array.from({ length: int(0, max) }, () => pick(ALPHABET));
  const bound = () => (next() < 0.3 ? null : int(-40, 40));
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const kind = int(0, resizable ? 17 : 16);
    switch (kind) {
      case 0:
        ops.push(["read", pick([null, -1, 0, 1, 3, 10, 100])]);
        break;
      case 1:
        ops.push(["read_byte"]);
        break;
      case 2:
        ops.push(["readline"]);
        break;
      case 3:
        ops.push(["write", bytes(6)]);
        break;
      case 4:
        ops.push(["write_byte", pick([0, 10, 97, 255, 256, -1])]);
        break;
      case 5:
        ops.push(["seek", int(-45, 45), pick([0, 1, 2] as const)]);
        break;
      case 6:
        ops.push(["tell"]);
        break;
      case 7:
        // Empty needles are left to the unit tests: CPython releases differ
        // on an empty needle with start > end.
        ops.push(["find", [pick(ALPHABET), ...bytes(2)], bound(), bound()]);
        break;
      case 8:
        ops.push(["rfind", [pick(ALPHABET), ...bytes(2)], bound(), bound()]);
        break;
      case 9:
        ops.push(["get", int(-45, 45)]);
        break;
      case 10:
        ops.push(["set", int(-45, 45), pick([0, 10, 99, 255, 256, -1])]);
        break;
      case 11:
        ops.push(["setbytes", int(-45, 45), bytes(5)]);
        break;
      case 12:
        ops.push(["slice", bound(), bound(), pick([null, 1, 2, 3, -1, -2, 0])]);
        break;
      case 13:
        ops.push(["move", int(0, 45), int(0, 45), int(0, 20)]);
        break;
      case 14:
        ops.push(["size"]);
        break;
      case 15:
        ops.push(["len"]);
        break;
      case 16:
        ops.push(["flush"]);
        break;
      case 17:
        ops.push(["resize", int(1, 60)]);
        break;
    }
  }
  return ops;
}

function kindOf(error: unknown): "range" | "type" | "other" {
  if (error instanceof RangeError) return "range";
  if (error instanceof TypeError) return "type";
  return "other";
}

function runDeno(m: Mmap, op: Op): Outcome {
  try {
    const b = (xs: number[]) => new Uint8Array(xs);
    const arr = (x: Uint8Array) => [...x];
    const opt = (x: number | null) => x ?? undefined;
    switch (op[0]) {
      case "read":
        return { ok: arr(m.read(op[1])) };
      case "read_byte":
        return { ok: m.readByte() };
      case "readline":
        return { ok: arr(m.readline()) };
      case "write":
        return { ok: m.write(b(op[1])) };
      case "write_byte":
        m.writeByte(op[1]);
        return { ok: null };
      case "seek":
        m.seek(op[1], op[2]);
        return { ok: m.tell() };
      case "tell":
        return { ok: m.tell() };
      case "find":
        return { ok: m.find(b(op[1]), opt(op[2]), opt(op[3])) };
      case "rfind":
        return { ok: m.rfind(b(op[1]), opt(op[2]), opt(op[3])) };
      case "get":
        return { ok: m.get(op[1]) };
      case "set":
        m.set(op[1], op[2]);
        return { ok: null };
      case "setbytes":
        m.set(op[1], b(op[2]));
        return { ok: null };
      case "slice":
        return { ok: arr(m.slice(opt(op[1]), opt(op[2]), opt(op[3]))) };
      case "move":
        m.move(op[1], op[2], op[3]);
        return { ok: null };
      case "size":
        return { ok: m.size() };
      case "len":
        return { ok: m.length };
      case "resize":
        m.resize(op[1]);
        return { ok: null };
      case "flush":
        m.flush();
        return { ok: null };
    }
  } catch (error) {
    return { error: kindOf(error) };
  }
}

const PYTHON = String.raw`
import json, mmap, sys
cases = json.load(open(sys.argv[1]))
out = []
def run(m, op):
    name = op[0]
    try:
        if name == "read": return {"ok": list(m.read(op[1]) if op[1] is not None else m.read())}
        if name == "read_byte": return {"ok": m.read_byte()}
        if name == "readline": return {"ok": list(m.readline())}
        if name == "write": return {"ok": m.write(bytes(op[1]))}
        if name == "write_byte": m.write_byte(op[1]); return {"ok": None}
        if name == "seek": m.seek(op[1], op[2]); return {"ok": m.tell()}
        if name == "tell": return {"ok": m.tell()}
        if name in ("find", "rfind"):
            args = [bytes(op[1])]
            if op[2] is not None or op[3] is not None:
                args.append(op[2] if op[2] is not None else m.tell())
            if op[3] is not None:
                args.append(op[3])
            return {"ok": getattr(m, name)(*args)}
        if name == "get": return {"ok": m[op[1]]}
        if name == "set":
            # Deliberate difference: the library checks arguments before the
            # map's state, so a bad byte is a ValueError even on a read-only map.
            if not 0 <= op[2] <= 255: raise ValueError("byte must be in range(0, 256)")
            m[op[1]] = op[2]; return {"ok": None}
        if name == "setbytes":
            m[0:0] = b""  # TypeError first on a read-only map, as CPython checks
            i = op[1] + len(m) if op[1] < 0 else op[1]
            if i < 0: raise IndexError("before start")
            data = bytes(op[2])
            if i + len(data) > len(m): raise IndexError("past end")
            m[i:i + len(data)] = data
            return {"ok": None}
        if name == "slice": return {"ok": list(m[op[1]:op[2]:op[3]])}
        if name == "move": m.move(op[1], op[2], op[3]); return {"ok": None}
        if name == "size": return {"ok": m.size()}
        if name == "len": return {"ok": len(m)}
        if name == "resize": m.resize(op[1]); return {"ok": None}
        if name == "flush": m.flush(); return {"ok": None}
    except (ValueError, IndexError, OverflowError):
        return {"error": "range"}
    except TypeError:
        return {"error": "type"}
    except Exception:
        return {"error": "other"}
for case in cases:
    with open(case["path"], "r+b") as f:
        access = {"write": mmap.ACCESS_WRITE, "read": mmap.ACCESS_READ, "copy": mmap.ACCESS_COPY}[case["access"]]
        m = mmap.mmap(f.fileno(), 0, access=access)
        results = [run(m, op) for op in case["ops"]]
        m.close()
    out.append({"results": results, "file": list(open(case["path"], "rb").read())})
print(json.dumps(out))
`;

Deno.test({
  name: "Mmap agrees with CPython's mmap on random operation sequences",
  ignore: !HAS_PYTHON,
  fn() {
    using dir = tempDir();
    const accesses = ["write", "read", "copy"] as const;
    const cases = [];
    for (let seed = 1; seed <= 240; seed++) {
      const access = accesses[seed % 3];
      const { int, pick } = generator(seed * 7919);
      const content = Array.from({ length: int(1, 40) }, () => pick(ALPHABET));
      const ops = randomOps(seed, 40, access === "write");
      const pyPath = `${dir.path}/py-${seed}.bin`;
      const denoPath = `${dir.path}/deno-${seed}.bin`;
      Deno.writeFileSync(pyPath, new Uint8Array(content));
      Deno.writeFileSync(denoPath, new Uint8Array(content));
      cases.push({ seed, access, ops, path: pyPath, denoPath });
    }
    const casesFile = `${dir.path}/cases.json`;
    Deno.writeTextFileSync(casesFile, JSON.stringify(cases));
    const expected = JSON.parse(python(PYTHON, casesFile)) as {
      results: Outcome[];
      file: number[];
    }[];
    for (const [i, c] of cases.entries()) {
      const results: Outcome[] = [];
      {
        using m = Mmap.open(c.denoPath, { access: c.access });
        for (const op of c.ops) results.push(runDeno(m, op));
      }
      for (const [j, op] of c.ops.entries()) {
        assert.deepEqual(
          results[j],
          expected[i].results[j],
          `seed ${c.seed} (${c.access}) op ${j} ${JSON.stringify(op)}`,
        );
      }
      assert.deepEqual(
        [...Deno.readFileSync(c.denoPath)],
        expected[i].file,
        `seed ${c.seed}: file`,
      );
    }
  },
});

/**
 * find/rfind over a table of needles x starts x ends x positions, against
 * CPython's mmap. CPython before 3.15 clamps a start past the end to the end,
 * so that an empty needle is "found" there (python/cpython#151021, fixed in
 * 3.15, as `bytes.find` always did); the Python side applies the 3.15 rule
 * on older versions, the library's documented choice.
 */
const FIND_TABLE_PYTHON = String.raw`
import json, mmap, sys
content, rows = json.load(open(sys.argv[1]))
old_rule = sys.version_info < (3, 15)
out = []
with mmap.mmap(-1, len(content)) as m:
    m[:] = bytes(content)
    for name, needle, pos, start, end in rows:
        m.seek(pos)
        args = [bytes(needle)]
        if start is not None or end is not None:
            args.append(start if start is not None else pos)
        if end is not None:
            args.append(end)
        # Bounds as CPython clamps them; an empty needle in a range that
        # ends before it starts is -1 from 3.11.4 on (earlier 3.11 releases,
        # Debian's 3.11.2 among them, returned the start).
        n = len(m)
        def clamp(i):
            return max(i + n, 0) if i < 0 else min(i, n)
        lo = clamp(args[1]) if len(args) > 1 else pos
        hi = clamp(args[2]) if len(args) > 2 else n
        if old_rule and start is not None and start > len(m):
            out.append(-1)
        elif not needle and lo > hi:
            out.append(-1)
        else:
            out.append(getattr(m, name)(*args))
print(json.dumps(out))
`;

Deno.test({
  name:
    "Mmap.find and rfind agree with CPython's mmap over a table of needles, starts and ends (empty needles, negative and past-the-end bounds)",
  ignore: !HAS_PYTHON,
  fn() {
    using dir = tempDir();
    const content = [...new TextEncoder().encode("abcab\ncabc\0abc\n\xffab")];
    const size = content.length;
    const needles = [
      [],
      [97],
      [97, 98, 99],
      [99, 10],
      [10],
      [0, 97],
      [255],
      [122],
      content,
      [...content, 97],
    ];
    const bounds = [
      undefined,
      -1000,
      -size - 1,
      -size,
      -size + 1,
      -3,
      -1,
      0,
      1,
      5,
      size - 1,
      size,
      size + 1,
      size + 2,
      1000,
      2 ** 40,
    ];
    const positions = [0, 4, size];
    type Row = [
      "find" | "rfind",
      number[],
      number,
      number | null,
      number | null,
    ];
    const rows: Row[] = [];
    for (const name of ["find", "rfind"] as const) {
      for (const needle of needles) {
        for (const pos of positions) {
          for (const start of bounds) {
            for (const end of bounds) {
              rows.push([name, needle, pos, start ?? null, end ?? null]);
            }
          }
        }
      }
    }
    const file = `${dir.path}/rows.json`;
    Deno.writeTextFileSync(file, JSON.stringify([content, rows]));
    const expected = JSON.parse(python(FIND_TABLE_PYTHON, file)) as number[];
    using m = Mmap.anonymous(size);
    m.write(new Uint8Array(content));
    const mismatches: string[] = [];
    for (const [i, [name, needle, pos, start, end]] of rows.entries()) {
      m.seek(pos);
      const got = m[name](
        new Uint8Array(needle),
        start ?? (end === null ? undefined : pos),
        end ?? undefined,
      );
      if (got !== expected[i]) {
        mismatches.push(
          `${name}(${
            JSON.stringify(needle)
          }, ${start}, ${end}) at ${pos}: ${got}, Python ${expected[i]}`,
        );
      }
    }
    assert.deepEqual(
      mismatches.slice(0, 20),
      [],
      `${mismatches.length} rows differ`,
    );
  },
});

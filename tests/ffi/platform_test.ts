/**
 * Backend and constant-table selection, and the tables against what the
 * running OS (through Python) and Apple's headers say.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  constantsFor,
  DARWIN,
  LINUX,
  PLATFORM,
  WINDOWS,
} from "../../src/ffi/constants.ts";
import { sys, sysFor } from "../../src/ffi/platform.ts";
import { posixSys } from "../../src/ffi/sys_posix.ts";
import { windowsSys } from "../../src/ffi/sys_windows.ts";
import { denoRun, HAS_PYTHON, python } from "../test_util.ts";

Deno.test("the backend and the constant table are the ones for Deno.build.os", () => {
  const os = Deno.build.os;
  assert.equal(sys, sysFor(os));
  assert.equal(sys, os === "windows" ? windowsSys : posixSys);
  assert.equal(PLATFORM, constantsFor(os));
  assert.equal(sys.constants, PLATFORM);
  const expected = os === "windows"
    ? WINDOWS
    : os === "darwin"
    ? DARWIN
    : LINUX;
  assert.equal(PLATFORM, expected);
  assert.equal(sysFor("windows"), windowsSys);
  assert.equal(sysFor("darwin"), posixSys);
  assert.equal(sysFor("linux"), posixSys);
  assert.equal(constantsFor("windows").allocationGranularity, 65536);
});

Deno.test("importing the platform seam opens no library and needs no permission", () => {
  const platform = new URL("../../src/ffi/platform.ts", import.meta.url).href;
  const result = denoRun(
    [],
    `import { sysFor } from ${JSON.stringify(platform)};
    console.log(sysFor("windows").constants.allocationGranularity);
    try {
      sysFor("windows").pageSize();
    } catch (e) {
      console.log(e.constructor.name);
    }`,
  );
  assert.equal(result.code, 0, result.stderr);
  // The first use asks for --allow-ffi before loading anything.
  assert.equal(result.stdout, "65536\nNotCapable\n");
});

Deno.test({
  name:
    "the running platform's table agrees with Python's os, mmap and errno modules",
  ignore: !HAS_PYTHON || Deno.build.os === "windows",
  fn: () => {
    const script = `
import errno, json, mmap, os
names = ["O_RDONLY", "O_RDWR", "O_CREAT", "O_EXCL", "O_TRUNC", "O_CLOEXEC",
         "SEEK_END", "MAP_SHARED", "MAP_PRIVATE", "MAP_ANONYMOUS",
         "MAP_NORESERVE", "MAP_POPULATE", "PROT_READ", "PROT_WRITE",
         "PROT_EXEC", "PAGESIZE", "ALLOCATIONGRANULARITY"]
values = {}
for n in names:
    for mod in (os, mmap):
        if hasattr(mod, n):
            values[n] = getattr(mod, n)
advice = {n: getattr(mmap, n) for n in dir(mmap) if n.startswith("MADV_")}
print(json.dumps({"values": values, "advice": advice,
                  "errno": {str(k): v for k, v in errno.errorcode.items()}}))
`;
    const py = JSON.parse(python(script)) as {
      values: Record<string, number>;
      advice: Record<string, number>;
      errno: Record<string, string>;
    };
    const table = PLATFORM as unknown as Record<string, number>;
    let compared = 0;
    for (const [name, value] of Object.entries(py.values)) {
      if (name === "PAGESIZE") {
        assert.equal(PLATFORM.pageSize, value, name);
      } else if (name === "ALLOCATIONGRANULARITY") {
        // The library may be stricter (a multiple), never looser.
        assert.equal(PLATFORM.allocationGranularity % value, 0, name);
      } else {
        assert.equal(table[name], value, name);
      }
      compared++;
    }
    assert.ok(compared >= 12, `compared only ${compared} constants`);
    for (const [name, value] of Object.entries(PLATFORM.madvise)) {
      if (name in py.advice) assert.equal(value, py.advice[name], name);
    }
    for (const [code, name] of Object.entries(PLATFORM.errnoNames)) {
      // Python names some codes by an alias (EWOULDBLOCK, EDEADLOCK...).
      const theirs = py.errno[code];
      assert.ok(
        theirs === name || (name === "ENOTSUP" && theirs === "EOPNOTSUPP") ||
          (name === "EOPNOTSUPP" && theirs === "ENOTSUP") ||
          (name === "EAGAIN" && theirs === "EWOULDBLOCK"),
        `errno ${code}: ${name} here, ${theirs} in Python`,
      );
    }
  },
});

Deno.test("the macOS table has the values of Apple's xnu headers where they differ from Linux", () => {
  // bsd/sys/mman.h, bsd/sys/fcntl.h, bsd/sys/errno.h (apple-oss-distributions/xnu)
  const expected: [keyof typeof DARWIN, number, number][] = [
    ["MAP_ANONYMOUS", 0x1000, 0x20],
    ["MAP_NORESERVE", 0x40, 0x4000],
    ["MS_SYNC", 0x10, 4],
    ["O_CREAT", 0x200, 0o100],
    ["O_EXCL", 0x800, 0o200],
    ["O_TRUNC", 0x400, 0o1000],
    ["O_CLOEXEC", 0x1000000, 0o2000000],
  ];
  for (const [name, darwin, linux] of expected) {
    assert.equal(DARWIN[name], darwin, name);
    assert.equal(LINUX[name], linux, name);
  }
  assert.equal(DARWIN.MREMAP_MAYMOVE, 0, "no mremap on macOS");
  assert.equal(DARWIN.MAP_POPULATE, 0);
  assert.equal(DARWIN.errnoNames[35], "EAGAIN");
  assert.equal(DARWIN.errnoNames[45], "ENOTSUP");
  assert.equal(DARWIN.errnoNames[102], "EOPNOTSUPP");
  assert.equal(DARWIN.madvise.MADV_FREE, 5);
  assert.equal(DARWIN.madvise.MADV_FREE_REUSABLE, 7);
  assert.equal(DARWIN.allocationGranularity % DARWIN.pageSize, 0);
});

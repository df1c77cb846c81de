import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import { HAS_PYTHON, python } from "../test_util.ts";
import { removeShm, shmExists, uniqueName } from "./_helpers.ts";

const ignore = !HAS_PYTHON || Deno.build.os !== "linux";

// Python 3.11's resource tracker unlinks every block a process created *or
// attached to* when that process exits; the scripts unregister the blocks
// they touch so that only the tests decide when a block goes away.
const PRELUDE = `
import sys, struct
from multiprocessing import resource_tracker
from multiprocessing.shared_memory import SharedMemory
def untrack(shm):
    resource_tracker.unregister(shm._name, "shared_memory")
`;

Deno.test({
  name: "SharedMemory attaches to a block Python created and reads its values",
  ignore,
  fn() {
    const name = uniqueName("py2deno");
    try {
      const out = python(
        `${PRELUDE}
shm = SharedMemory(name=sys.argv[1], create=True, size=1000)
untrack(shm)
shm.buf[:5] = b"hello"
struct.pack_into("<3d", shm.buf, 8, 3.25, -1e-300, float("inf"))
struct.pack_into("<q", shm.buf, 32, -(2**62))
shm.buf[999] = 0xAB
print(shm.name, shm.size)
shm.close()
`,
        name,
      );
      assert.equal(out.trim(), `${name} 1000`);
      assert.ok(shmExists(name), "Python left the block in place");
      using shm = new SharedMemory({ name });
      assert.equal(shm.name, name);
      assert.equal(shm.size, 1000);
      const view = new DataView(shm.buf.buffer);
      assert.equal(new TextDecoder().decode(shm.buf.subarray(0, 5)), "hello");
      assert.deepEqual(
        [0, 1, 2].map((i) => view.getFloat64(8 + 8 * i, true)),
        [3.25, -1e-300, Infinity],
      );
      assert.equal(view.getBigInt64(32, true), -(2n ** 62n));
      assert.equal(shm.buf[999], 0xab);
      shm.unlink();
      assert.equal(shmExists(name), false);
    } finally {
      removeShm(name);
    }
  },
});

Deno.test({
  name: "SharedMemory attaches to a block Python named at random",
  ignore,
  fn() {
    const out = python(`${PRELUDE}
shm = SharedMemory(create=True, size=4096 * 3 + 5)
untrack(shm)
shm.buf[:3] = bytes([1, 2, 3])
print(shm.name)
shm.close()
`).trim();
    assert.match(out, /^psm_[0-9a-f]{8}$/, "Python's names look like ours");
    try {
      using shm = new SharedMemory({ name: out });
      assert.equal(shm.size, 4096 * 3 + 5);
      assert.deepEqual([...shm.buf.subarray(0, 4)], [1, 2, 3, 0]);
      shm.unlink();
    } finally {
      removeShm(out);
    }
  },
});

Deno.test({
  name:
    "Python attaches to a block SharedMemory created, reads it and writes back",
  ignore,
  fn() {
    const shm = new SharedMemory({ create: true, size: 8 * 101 });
    try {
      const numbers = new Float64Array(shm.buf.buffer, 0, 99);
      for (let i = 0; i < 99; i++) numbers[i] = i * 0.5;
      shm.buf.set(new TextEncoder().encode("from deno"), 8 * 99);
      const out = python(
        `${PRELUDE}
shm = SharedMemory(name=sys.argv[1])
untrack(shm)
values = struct.unpack_from("<99d", shm.buf, 0)
print(shm.size, sum(values), values[7], bytes(shm.buf[792:801]).decode())
for i in range(99):
    struct.pack_into("<d", shm.buf, 8 * i, values[i] * -2)
shm.buf[792:800] = b"from py!"
shm.close()
`,
        shm.name,
      );
      const expectedSum = (98 * 99 / 2) * 0.5;
      assert.equal(out.trim(), `808 ${expectedSum.toFixed(1)} 3.5 from deno`);
      for (let i = 0; i < 99; i++) assert.equal(numbers[i], i * -1);
      assert.equal(
        new TextDecoder().decode(shm.buf.subarray(792, 801)),
        "from py!o",
      );
      assert.ok(shmExists(shm.name), "Python did not unlink it");
    } finally {
      shm.close();
      shm.unlink();
    }
  },
});

Deno.test({
  name: "Python's unlink() removes a block SharedMemory created",
  ignore,
  fn() {
    const shm = new SharedMemory({ create: true, size: 16 });
    try {
      python(
        `${PRELUDE}
shm = SharedMemory(name=sys.argv[1])
shm.close()
shm.unlink()
`,
        shm.name,
      );
      assert.equal(shmExists(shm.name), false);
      assert.throws(() => shm.unlink(), Deno.errors.NotFound);
      shm.buf[0] = 1; // still mapped here until close()
      assert.equal(shm.buf[0], 1);
    } finally {
      shm.close();
      removeShm(shm.name);
    }
  },
});

Deno.test({
  name:
    "Python refuses to create a name SharedMemory holds, as we refuse Python's",
  ignore,
  fn() {
    const shm = new SharedMemory({ create: true, size: 16 });
    try {
      const out = python(
        `${PRELUDE}
try:
    SharedMemory(name=sys.argv[1], create=True, size=16)
except FileExistsError:
    print("FileExistsError")
`,
        shm.name,
      );
      assert.equal(out.trim(), "FileExistsError");
      assert.throws(
        () => new SharedMemory({ name: shm.name, create: true, size: 16 }),
        Deno.errors.AlreadyExists,
      );
    } finally {
      shm.close();
      shm.unlink();
    }
  },
});

/**
 * `SharedMemory` on the Windows backend over the kernel32 model: blocks are
 * named paging-file mapping objects, as Python makes them on Windows.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import { MODEL_IGNORE, withModel } from "./_model.ts";

const ignore = MODEL_IGNORE;

Deno.test({
  name:
    "SharedMemory on Windows: a named block others attach to by name, freed with its last view",
  ignore,
  fn: () =>
    withModel(({ fake }) => {
      const creator = new SharedMemory({
        name: "wnsm_0a1b2c",
        create: true,
        size: 100,
      });
      assert.equal(creator.size, 100);
      assert.equal(fake.views[0].name, "wnsm_0a1b2c");
      assert.equal(fake.views[0].path, null, "backed by the paging file");
      const attached = new SharedMemory({ name: "wnsm_0a1b2c" });
      assert.equal(attached.size, 4096, "whole pages, as Python on Windows");
      creator.buf.set([1, 2, 3], 10);
      assert.deepEqual([...attached.buf.subarray(10, 13)], [1, 2, 3]);
      assert.throws(
        () => new SharedMemory({ name: "wnsm_0a1b2c", create: true, size: 10 }),
        Deno.errors.AlreadyExists,
      );
      creator.close();
      attached.close();
      assert.throws(
        () => new SharedMemory({ name: "wnsm_0a1b2c" }),
        Deno.errors.NotFound,
      );
    }),
});

Deno.test({
  name:
    "SharedMemory.unlink() on Windows removes nothing: the block lives while it is open",
  ignore,
  fn: () =>
    withModel(() => {
      const creator = new SharedMemory({ create: true, size: 8 });
      creator.buf[0] = 7;
      creator.unlink();
      const again = new SharedMemory({ name: creator.name });
      assert.equal(again.buf[0], 7);
      again.close();
      creator.close();
      creator.unlink();
    }),
});

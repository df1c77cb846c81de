/**
 * A subprocess of the cross-process test: attaches to the block named in
 * `Deno.args[0]`, does the work of part `Deno.args[1]` of `Deno.args[2]`
 * parts and prints the sums it then sees, as JSON.
 *
 * @module
 */

import { SharedMemory } from "../../mod.ts";
import { incrementPart } from "./_increment.ts";

const [name, part, parts] = Deno.args;
using shm = new SharedMemory({ name });
const sums = await incrementPart(shm, Number(part), Number(parts));
console.log(JSON.stringify(sums));

// Child of to_array_limits_test.ts, run with a small heap: toArray() of
// 2**24 empty rows, printing the error it throws.
import { zeros } from "../../mod.ts";
try {
  zeros([0]).reshape(2 ** 24, 0).toArray();
  console.log("built");
} catch (e) {
  console.log(`${(e as Error).constructor.name}: ${(e as Error).message}`);
}

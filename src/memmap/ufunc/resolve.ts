/**
 * NumPy's type resolution for ufuncs: plain JavaScript scalars are "weak"
 * (NEP 50: they take the array's type when their kind allows), then the
 * first loop every input casts to safely is taken, unless the ufunc
 * resolves its types itself; the output must accept the loop's result
 * under a casting rule (`same_kind` for `out`).
 *
 * @module
 */

import { type DType, nativeDType } from "../dtype.ts";
import { checkArithmetic } from "../item_arrays.ts";
import { canCastSafe, isItemType, itemCastSameKind } from "../promotion.ts";
import type { Signature, Ufunc } from "./table.ts";

/** NumPy's casting rules, from strictest to loosest (`equiv` is `no` up to byte order). */
export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

const KIND_ORDER: Record<string, number> = { b: 0, u: 1, i: 2, f: 3, c: 4 };

/**
 * Whether NumPy casts `from` to `to` under `casting`, as `np.can_cast`.
 *
 * @param from The source type.
 * @param to The target type.
 * @param casting The rule.
 * @returns Whether the cast is allowed.
 */
export function canCast(from: DType, to: DType, casting: Casting): boolean {
  switch (casting) {
    case "unsafe":
      return true;
    case "same_kind":
      if (isItemType(from) || isItemType(to)) {
        return itemCastSameKind(from, to);
      }
      return canCastSafe(from, to) ||
        KIND_ORDER[from.kind] <= KIND_ORDER[to.kind];
    case "safe":
      return canCastSafe(from, to);
    case "equiv":
      return from.name === to.name;
    case "no":
      return from.equals(to);
  }
}

/** The kind of a plain JavaScript scalar operand, as NumPy sees Python's. */
export type WeakKind = "b" | "i" | "f" | "c";

/**
 * The type a weak scalar of kind `kind` takes next to an array of type
 * `other` (NEP 50): the array's type when the scalar's kind is not above
 * the array's; otherwise NumPy's default of the scalar's kind (int64,
 * float64, complex128), and for a complex scalar next to float16/32 the
 * complex type of the array's precision.
 *
 * @param kind The scalar's kind.
 * @param other The array's type.
 * @returns The scalar's type.
 */
export function weakType(kind: WeakKind, other: DType): DType {
  const k = other.kind;
  const native = other.toNative();
  switch (kind) {
    case "b":
      return native;
    case "i":
      return k === "b" ? nativeDType("int64") : native;
    case "f":
      return k === "f" || k === "c" ? native : nativeDType("float64");
    case "c":
      if (k === "c") return native;
      if (k === "f" && other.itemsize <= 4) return nativeDType("complex64");
      return nativeDType("complex128");
  }
}

/**
 * Picks the loop for inputs of `types` (weak scalars already replaced by
 * their types).
 *
 * @param ufunc The operation.
 * @param types The input types.
 * @returns The loop's signature (inputs, then output).
 * @throws {TypeError} If no loop takes these types (NumPy's "ufunc ... not
 * supported for the input types"), and for bytes, text, records and
 * datetimes, unless the ufunc resolves them itself.
 */
export function resolveLoop(ufunc: Ufunc, types: readonly DType[]): Signature {
  const chosen = ufunc.resolve?.(types);
  if (chosen !== undefined) return chosen;
  // Bytes, text, records and datetimes have no numeric loops: say so plainly.
  checkArithmetic(ufunc.name, ...types);
  for (const loop of ufunc.loops) {
    if (types.every((t, i) => canCastSafe(t, nativeDType(loop[i])))) {
      return loop;
    }
  }
  throw new TypeError(
    `Cannot compute ${ufunc.name} of ${
      types.map((t) => t.name).join(" and ")
    }: NumPy's ufunc '${ufunc.name}' has no loop for these types`,
  );
}

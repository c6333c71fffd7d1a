/**
 * A constitution cut down to a selection of its principles — for ablating principles (which rules
 * make critique help?) and for models whose context cannot hold the whole document.
 *
 * @module
 */
import type { Constitution } from "./constitution.ts";
import { constitutionHash } from "./constitution_hash.ts";
import { type PrincipleSelection, selectPrinciples } from "./render_constitution.ts";

/**
 * Keeps only the selected principles (by id and/or tag, in constitution order) and recomputes the
 * content hash, so run manifests and resume keys tell a restricted run from a full one.
 *
 * @param constitution The constitution.
 * @param selection Ids and/or tags; empty keeps every principle (the same constitution back).
 * @returns The restricted constitution (same title and sources).
 * @throws {RangeError} naming an unknown id or tag.
 *
 * @example
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * import { restrictConstitution } from "./restrict_constitution.ts";
 * const c = parseConstitution("## A {tags=code}\n\nx\n\n## B\n\ny\n");
 * const r = restrictConstitution(c, { ids: ["b"] });
 * if (r.principles.length !== 1 || r.hash === c.hash) throw new Error();
 * ```
 */
export function restrictConstitution(
  constitution: Constitution,
  selection: PrincipleSelection = {},
): Constitution {
  if (!selection.ids?.length && !selection.tags?.length) return constitution;
  const principles = selectPrinciples(constitution, selection);
  return { ...constitution, principles, hash: constitutionHash(principles) };
}

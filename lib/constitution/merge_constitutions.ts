/**
 * Merges a base constitution with domain overlays.
 *
 * Rule: overlays are applied in order. An overlay principle whose id is new is **appended**. An
 * overlay principle whose id already exists **replaces** the earlier one in place only when it carries
 * the `replaces` attribute (`## Title {#id replaces}`); without the marker it is an error, so a
 * domain file can never silently shadow a base rule. A `replaces` marker on an id that does not exist
 * yet is also an error (it catches typos).
 *
 * @module
 */
import { constitutionHash } from "./constitution_hash.ts";
import { type Constitution, ConstitutionError, type Principle } from "./constitution.ts";

/**
 * Applies overlays to a base constitution (rule in the module doc).
 *
 * @param base The base constitution.
 * @param overlays Overlays, applied in order.
 * @returns A new constitution: base title, merged principles, all sources, recomputed hash.
 * @throws {ConstitutionError} naming the overlay file and line on an unmarked id clash or a
 *   `replaces` that replaces nothing.
 *
 * @example Add one principle and replace another
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * import { mergeConstitutions } from "./merge_constitutions.ts";
 * const base = parseConstitution("## Clarity\n\nBe clear.\n", { file: "base.md" });
 * const overlay = parseConstitution(
 *   "## Clarity {replaces}\n\nBe clear; define jargon.\n\n## Risk\n\nState risks.\n",
 *   { file: "finance.md" },
 * );
 * const merged = mergeConstitutions(base, [overlay]);
 * if (merged.principles.length !== 2) throw new Error();
 * if (!merged.principles[0].text.includes("jargon")) throw new Error("not replaced");
 * ```
 */
export function mergeConstitutions(
  base: Constitution,
  overlays: readonly Constitution[],
): Constitution {
  if (!base || !Array.isArray(base.principles)) {
    throw new TypeError("mergeConstitutions: base must be a Constitution");
  }
  if (!Array.isArray(overlays)) {
    throw new TypeError(`mergeConstitutions: overlays must be an array, got ${typeof overlays}`);
  }
  const principles: Principle[] = base.principles.map((p) => ({ ...p }));
  const sources = [...base.sources];
  for (const overlay of overlays) {
    if (!overlay || !Array.isArray(overlay.principles)) {
      throw new TypeError("mergeConstitutions: every overlay must be a Constitution");
    }
    for (const p of overlay.principles) {
      const index = principles.findIndex((q) => q.id === p.id);
      if (index === -1) {
        if (p.replaces) {
          throw new ConstitutionError(
            p.source.file,
            `principle "${p.id}" is marked "replaces" but no earlier principle has that id`,
            { line: p.source.line },
          );
        }
        principles.push({ ...p });
      } else {
        const previous = principles[index];
        if (!p.replaces) {
          throw new ConstitutionError(
            p.source.file,
            `principle "${p.id}" is already defined at ${previous.source.file}:${previous.source.line}; ` +
              `add the attribute {replaces} to replace it or choose another id`,
            { line: p.source.line },
          );
        }
        principles[index] = { ...p };
      }
    }
    sources.push(...overlay.sources);
  }
  const merged: Constitution = { principles, sources, hash: constitutionHash(principles) };
  if (base.title !== undefined) merged.title = base.title;
  return merged;
}

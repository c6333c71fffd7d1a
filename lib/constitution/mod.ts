/**
 * Constitutions: rules in Markdown (`constitution.md`) parsed into principles with stable ids,
 * optional severity and tags; merged with domain overlays; rendered into prompt text; hashed by
 * content for run manifests.
 *
 * @example Parse and render
 * ```ts
 * import { parseConstitution, renderConstitution } from "./mod.ts";
 * const c = parseConstitution("## Be honest {severity=high}\n\nSay when you are unsure.\n");
 * if (!renderConstitution(c).includes("[be-honest]")) throw new Error();
 * ```
 *
 * @module
 */
export {
  type Constitution,
  ConstitutionError,
  ConstitutionSchema,
  type Principle,
  PRINCIPLE_ID_PATTERN,
  PrincipleSchema,
} from "./constitution.ts";
export { constitutionHash, normalizePrincipleText } from "./constitution_hash.ts";
export { parseConstitution, type ParseConstitutionOptions, slugify } from "./parse_constitution.ts";
export { mergeConstitutions } from "./merge_constitutions.ts";
export {
  formatConstitution,
  type PrincipleSelection,
  renderConstitution,
  selectPrinciples,
} from "./render_constitution.ts";
export {
  DEFAULT_CONSTITUTION_URL,
  loadConstitution,
  type LoadConstitutionOptions,
} from "./load_constitution.ts";
export { restrictConstitution } from "./restrict_constitution.ts";

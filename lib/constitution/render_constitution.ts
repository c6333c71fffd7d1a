/**
 * Renders principles into prompt text (all of them or a subset chosen by ids and tags), and formats a
 * constitution back into canonical Markdown that parses to the same principles.
 *
 * @module
 */
import type { Constitution, Principle } from "./constitution.ts";

/** Which principles to use. With neither field, all principles are selected. */
export interface PrincipleSelection {
  /** Principle ids to include. Unknown ids throw. @default undefined */
  ids?: readonly string[];
  /** Include principles carrying any of these tags. A tag no principle has throws. @default undefined */
  tags?: readonly string[];
}

/**
 * Selects principles by id or tag (the union of both), in constitution order.
 *
 * @param constitution The constitution.
 * @param selection Ids and/or tags; empty means all.
 * @returns The selected principles (never empty).
 * @throws {RangeError} naming an unknown id or tag.
 *
 * @example Select by tag
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * import { selectPrinciples } from "./render_constitution.ts";
 * const c = parseConstitution("## A {tags=code}\n\nx\n\n## B\n\ny\n");
 * if (selectPrinciples(c, { tags: ["code"] }).map((p) => p.id).join() !== "a") throw new Error();
 * ```
 */
export function selectPrinciples(
  constitution: Constitution,
  selection: PrincipleSelection = {},
): Principle[] {
  const { ids, tags } = selection;
  if (!ids?.length && !tags?.length) return [...constitution.principles];
  const known = new Set(constitution.principles.map((p) => p.id));
  for (const id of ids ?? []) {
    if (!known.has(id)) {
      throw new RangeError(`unknown principle id "${id}" (known: ${[...known].join(", ")})`);
    }
  }
  for (const tag of tags ?? []) {
    if (!constitution.principles.some((p) => p.tags.includes(tag))) {
      throw new RangeError(`no principle has the tag "${tag}"`);
    }
  }
  const idSet = new Set(ids ?? []);
  const tagSet = new Set(tags ?? []);
  return constitution.principles.filter((p) =>
    idSet.has(p.id) || p.tags.some((t) => tagSet.has(t))
  );
}

/**
 * Renders principles as prompt text: one block per principle, headed `[id] Title (severity)` (the
 * title is left out when it equals the id), with the text indented below, so critics and judges can cite ids.
 *
 * @param constitution The constitution.
 * @param selection Optional subset by ids/tags.
 * @returns The prompt text.
 *
 * @example Render for a prompt
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * import { renderConstitution } from "./render_constitution.ts";
 * const c = parseConstitution("## Be correct {#correctness severity=high}\n\nCheck facts.\n");
 * const text = renderConstitution(c);
 * if (!text.startsWith("[correctness] Be correct (severity: high)")) throw new Error(text);
 * ```
 */
export function renderConstitution(
  constitution: Constitution,
  selection: PrincipleSelection = {},
): string {
  return selectPrinciples(constitution, selection)
    .map((p) => {
      const title = p.title === p.id ? "" : ` ${p.title}`;
      const head = `[${p.id}]${title}${p.severity ? ` (severity: ${p.severity})` : ""}`;
      const body = p.text.split("\n").map((l) => (l === "" ? "" : `    ${l}`)).join("\n");
      return `${head}\n${body}`;
    })
    .join("\n\n");
}

/**
 * Formats a constitution as canonical Markdown in heading form with explicit ids, so that parsing
 * the result gives the same principles and the same hash.
 *
 * @param constitution The constitution.
 * @returns Markdown text ending with a newline.
 *
 * @example Round trip keeps the hash
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * import { formatConstitution } from "./render_constitution.ts";
 * const c = parseConstitution("- **x**: Be brief. {tags=prose}\n");
 * if (parseConstitution(formatConstitution(c)).hash !== c.hash) throw new Error("hash changed");
 * ```
 */
export function formatConstitution(constitution: Constitution): string {
  const parts: string[] = [];
  if (constitution.title) parts.push(`# ${constitution.title}`);
  for (const p of constitution.principles) {
    const attrs = [`#${p.id}`];
    if (p.severity) attrs.push(`severity=${p.severity}`);
    if (p.tags.length) attrs.push(`tags=${p.tags.join(",")}`);
    if (p.replaces) attrs.push("replaces");
    parts.push(`## ${p.title} {${attrs.join(" ")}}\n\n${p.text}`);
  }
  return parts.join("\n\n") + "\n";
}

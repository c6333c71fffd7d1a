/**
 * Parses a constitution written in Markdown into principles.
 *
 * ## Format
 *
 * A principle is written in one of two ways:
 *
 * 1. **Heading form** — a level-2 heading starts a principle; everything up to the next `#` or `##`
 *    heading is its text (level-3+ headings, lists and code blocks inside it are part of the text):
 *
 *    ```md
 *    ## Correctness first {#correctness severity=high tags=code,prose}
 *
 *    The answer must be right. Check every claim, computation and edge case.
 *    ```
 *
 * 2. **List form** — outside a `##` principle (e.g. directly under the `#` title), a list item whose
 *    first thing is a bold label is a principle; its text runs until a blank line, the next list item
 *    or a heading:
 *
 *    ```md
 *    - **no-fabrication**: Never invent sources, numbers or APIs. {severity=high}
 *    ```
 *
 * An optional **attribute block** `{…}` is always the last thing on the line that starts the principle.
 * It holds space-separated tokens: `#id` (explicit id), `severity=low|medium|high`,
 * `tags=a,b` and the bare flag `replaces` (used by overlays, see `mergeConstitutions`). Any other
 * token is an error.
 *
 * **Ids** are the explicit `#id`, else the slug of the title (lowercase ASCII letters and digits joined
 * by `-`). They never depend on position, so editing or reordering other principles does not change
 * them. Ids must match {@linkcode PRINCIPLE_ID_PATTERN} and be unique in a file.
 *
 * The first `#` heading is the constitution's title; other prose outside principles (preamble, `#`
 * section headings, plain list items) is ignored. Lines inside fenced code blocks and HTML comments
 * are never read as headings or list items; HTML comments are dropped from the text.
 *
 * **Errors** ({@linkcode ConstitutionError}, naming the file and line): duplicate id, a principle with
 * no text, an unknown or malformed attribute, a title with no usable slug, attributes on a `#`
 * heading, and a file with no principles.
 *
 * @module
 */
import { constitutionHash, normalizePrincipleText } from "./constitution_hash.ts";
import {
  type Constitution,
  ConstitutionError,
  type Principle,
  PRINCIPLE_ID_PATTERN,
} from "./constitution.ts";
import type { Severity } from "../schemas/trace.ts";

/** Options for {@linkcode parseConstitution}. */
export interface ParseConstitutionOptions {
  /** File name used in errors and principle sources. @default "<constitution>" */
  file?: string;
}

/**
 * Turns a principle title into an id: ASCII-folded, lowercase, runs of other characters replaced by
 * `-`, trimmed of `-`.
 *
 * @param title Any title.
 * @returns The slug (empty when the title has no letters or digits).
 *
 * @example Slug of a title
 * ```ts
 * import { slugify } from "./parse_constitution.ts";
 * if (slugify("Honesty about Uncertainty!") !== "honesty-about-uncertainty") throw new Error();
 * ```
 */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

interface Attributes {
  id?: string;
  severity?: Severity;
  tags?: string[];
  replaces?: boolean;
}

const ATTRIBUTE_BLOCK = /\s*\{([^{}]*)\}\s*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*$/;
const LIST_PRINCIPLE = /^[-*+]\s+\*\*(.+?)\*\*\s*(.*)$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d+[.)])\s+/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function parseAttributes(raw: string, file: string, line: number): Attributes {
  const attrs: Attributes = {};
  const seen = new Set<string>();
  const once = (key: string): void => {
    if (seen.has(key)) {
      throw new ConstitutionError(file, `attribute "${key}" given twice in {${raw}}`, { line });
    }
    seen.add(key);
  };
  for (const token of raw.trim().split(/\s+/).filter((t) => t !== "")) {
    if (token.startsWith("#")) {
      once("id");
      const id = token.slice(1);
      if (!PRINCIPLE_ID_PATTERN.test(id)) {
        throw new ConstitutionError(
          file,
          `bad id "${id}": use lowercase letters, digits, "-", "_" or ".", starting with a letter or digit`,
          { line },
        );
      }
      attrs.id = id;
      continue;
    }
    const eq = token.indexOf("=");
    const key = eq === -1 ? token : token.slice(0, eq);
    const value = eq === -1 ? undefined : token.slice(eq + 1);
    switch (key) {
      case "severity":
        once(key);
        if (value !== "low" && value !== "medium" && value !== "high") {
          throw new ConstitutionError(
            file,
            `bad attribute "${token}": severity must be low, medium or high`,
            { line },
          );
        }
        attrs.severity = value;
        break;
      case "tags": {
        once(key);
        const tags = (value ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
        const bad = tags.find((t) => !PRINCIPLE_ID_PATTERN.test(t));
        if (tags.length === 0 || bad !== undefined) {
          throw new ConstitutionError(
            file,
            `bad attribute "${token}": tags must be a comma-separated list of lowercase words`,
            { line },
          );
        }
        attrs.tags = [...new Set(tags)];
        break;
      }
      case "replaces":
        once(key);
        if (value !== undefined && value !== "true" && value !== "false") {
          throw new ConstitutionError(
            file,
            `bad attribute "${token}": write the bare flag "replaces"`,
            { line },
          );
        }
        attrs.replaces = value !== "false";
        break;
      default:
        throw new ConstitutionError(
          file,
          `unknown attribute "${token}" (known: #id, severity=, tags=, replaces)`,
          { line },
        );
    }
  }
  return attrs;
}

/** Splits a trailing `{…}` attribute block off a line. */
function splitAttributes(
  text: string,
  file: string,
  line: number,
): { rest: string; attrs: Attributes; hasBlock: boolean } {
  const m = text.match(ATTRIBUTE_BLOCK);
  if (!m) return { rest: text.trim(), attrs: {}, hasBlock: false };
  return {
    rest: text.slice(0, m.index).trim(),
    attrs: parseAttributes(m[1], file, line),
    hasBlock: true,
  };
}

/** Removes HTML comments (possibly spanning lines) while keeping the line count. */
function stripComments(lines: string[]): string[] {
  const out: string[] = [];
  let inComment = false;
  let inFence = false;
  for (const line of lines) {
    if (!inComment && FENCE.test(line)) inFence = !inFence;
    if (inFence) {
      out.push(line);
      continue;
    }
    let rest = line;
    let kept = "";
    while (rest.length > 0) {
      if (inComment) {
        const end = rest.indexOf("-->");
        if (end === -1) {
          rest = "";
        } else {
          rest = rest.slice(end + 3);
          inComment = false;
        }
      } else {
        const start = rest.indexOf("<!--");
        if (start === -1) {
          kept += rest;
          rest = "";
        } else {
          kept += rest.slice(0, start);
          rest = rest.slice(start + 4);
          inComment = true;
        }
      }
    }
    out.push(kept);
  }
  return out;
}

interface Draft {
  title: string;
  attrs: Attributes;
  line: number;
  body: string[];
  form: "heading" | "list";
}

/**
 * Parses constitution Markdown (format in the module doc) into a {@linkcode Constitution}.
 *
 * @param text The Markdown.
 * @param options File name for errors and sources.
 * @returns The principles, title, sources and content hash.
 * @throws {ConstitutionError} naming file and line for duplicate ids, empty principles, bad
 *   attributes, or when there are no principles.
 *
 * @example Heading and list principles
 * ```ts
 * import { parseConstitution } from "./parse_constitution.ts";
 * const c = parseConstitution(
 *   "# Rules\n\n- **no-fabrication**: Never invent facts. {severity=high}\n\n## Be Clear {tags=prose}\n\nShort sentences.\n",
 *   { file: "rules.md" },
 * );
 * if (c.principles.map((p) => p.id).join() !== "no-fabrication,be-clear") throw new Error();
 * if (c.principles[0].severity !== "high" || c.principles[1].tags[0] !== "prose") throw new Error();
 * ```
 */
export function parseConstitution(
  text: string,
  options: ParseConstitutionOptions = {},
): Constitution {
  const file = options.file ?? "<constitution>";
  if (typeof text !== "string") {
    throw new TypeError(`parseConstitution: text must be a string, got ${typeof text}`);
  }
  const lines = stripComments(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\n"));
  const { title, drafts } = collectDrafts(lines, file);
  const principles = principlesOf(drafts, file);
  if (principles.length === 0) {
    throw new ConstitutionError(
      file,
      'no principles found: write "## Title" headings or "- **id**: text" list items',
      { line: 1 },
    );
  }
  const constitution: Constitution = {
    principles,
    sources: [file],
    hash: constitutionHash(principles),
  };
  if (title) constitution.title = title;
  return constitution;
}

/**
 * Walks the comment-free lines once and collects the title (first `#` heading) and a draft per
 * principle: `##` headings with the lines under them, and list-form principles outside a heading
 * principle with their continuation lines. Lines in code fences belong to the current principle.
 */
function collectDrafts(
  lines: string[],
  file: string,
): { title: string | undefined; drafts: Draft[] } {
  let title: string | undefined;
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  let inFence = false;

  const close = (): void => {
    if (current) drafts.push(current);
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (FENCE.test(line)) {
      inFence = !inFence;
      if (current) current.body.push(line);
      continue;
    }
    if (inFence) {
      if (current) current.body.push(line);
      continue;
    }
    const heading = line.match(HEADING);
    if (heading && heading[1].length <= 2) {
      close();
      const content = (heading[2] ?? "").replace(/\s+#+\s*$/, "");
      if (heading[1].length === 1) {
        if (ATTRIBUTE_BLOCK.test(content)) {
          throw new ConstitutionError(
            file,
            "attributes are only allowed on ## principle headings and list items",
            { line: lineNo },
          );
        }
        title ??= content.trim() || undefined;
        continue;
      }
      const { rest, attrs } = splitAttributes(content, file, lineNo);
      current = { title: rest, attrs, line: lineNo, body: [], form: "heading" };
      continue;
    }
    if (current?.form === "heading") {
      current.body.push(line);
      continue;
    }
    // Outside a heading principle: list-form principles, everything else is ignored prose.
    const item = line.match(LIST_PRINCIPLE);
    if (item) {
      close();
      let label = item[1].trim();
      let after = item[2];
      if (label.endsWith(":")) label = label.slice(0, -1).trim();
      else after = after.replace(/^:\s*/, "");
      const { rest, attrs } = splitAttributes(after, file, lineNo);
      current = { title: label, attrs, line: lineNo, body: rest ? [rest] : [], form: "list" };
      continue;
    }
    if (current?.form === "list") {
      if (line.trim() === "" || LIST_ITEM.test(line) || HEADING.test(line)) close();
      else current.body.push(line.trim());
    }
  }
  close();
  return { title, drafts };
}

/**
 * Turns drafts into principles in order: derives each id (attribute or slug of the title),
 * normalises the text, and throws naming the line for a missing title, an underivable or duplicate
 * id, or an empty text.
 */
function principlesOf(drafts: Draft[], file: string): Principle[] {
  const principles: Principle[] = [];
  const firstLine = new Map<string, number>();
  for (const d of drafts) {
    if (d.title === "") {
      throw new ConstitutionError(file, "principle has no title", { line: d.line });
    }
    const id = d.attrs.id ?? slugify(d.title);
    if (id === "" || !PRINCIPLE_ID_PATTERN.test(id)) {
      throw new ConstitutionError(
        file,
        `cannot derive an id from the title "${d.title}": add {#some-id}`,
        { line: d.line },
      );
    }
    const previous = firstLine.get(id);
    if (previous !== undefined) {
      throw new ConstitutionError(
        file,
        `duplicate principle id "${id}" (first defined at line ${previous})`,
        { line: d.line },
      );
    }
    firstLine.set(id, d.line);
    const body = normalizePrincipleText(d.body.join("\n"));
    if (body === "") {
      throw new ConstitutionError(file, `principle "${id}" has no text`, { line: d.line });
    }
    const principle: Principle = {
      id,
      title: d.title,
      text: body,
      tags: d.attrs.tags ?? [],
      source: { file, line: d.line },
    };
    if (d.attrs.severity) principle.severity = d.attrs.severity;
    if (d.attrs.replaces) principle.replaces = true;
    principles.push(principle);
  }
  return principles;
}

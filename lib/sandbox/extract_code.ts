/**
 * Pulling the code out of a model's answer: Markdown fences with prose around them, several blocks,
 * an unclosed fence from a truncated answer, or bare code.
 *
 * @module
 */

/** Options for {@linkcode extractCode}. */
export interface ExtractCodeOptions {
  /** Language the code should be in; blocks tagged with another language are skipped when possible. @default "typescript" */
  language?: "typescript" | "python";
  /** When several blocks qualify, prefer the first that mentions this name. */
  entryPoint?: string;
}

const FENCE =
  /(^|\n)[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)(?:\n[ \t]*\2[ \t]*(?=\n|$)|$(?![\s\S]))/g;

const TAGS: Record<string, string[]> = {
  typescript: ["ts", "typescript", "tsx", "js", "javascript", "jsx", "mjs", "deno"],
  python: ["py", "python", "python3"],
};

/**
 * Extracts the code from an answer. With fenced blocks: the blocks tagged with the wanted language
 * (or untagged) are candidates; the first one mentioning `entryPoint` wins, else the longest. An
 * unclosed final fence (a truncated answer) runs to the end. Without fences the whole answer is code.
 *
 * @param answer The model's answer.
 * @param options Wanted language and entry point.
 * @returns The code, trimmed of surrounding blank lines (may be empty).
 *
 * @example Code inside prose
 * ```ts
 * import { extractCode } from "./extract_code.ts";
 * const fence = "`".repeat(3);
 * const answer = `Here you go:\n${fence}ts\nfunction f() { return 1; }\n${fence}\nIt returns 1.`;
 * if (extractCode(answer) !== "function f() { return 1; }") throw new Error();
 * ```
 */
export function extractCode(answer: string, options: ExtractCodeOptions = {}): string {
  if (typeof answer !== "string") {
    throw new TypeError(
      `Cannot extract code from a non-string answer: current value is ${typeof answer}`,
    );
  }
  const language = options.language ?? "typescript";
  if (!(language in TAGS)) {
    throw new TypeError(
      `Cannot extract code in language "typescript" | "python": current value is ${language}`,
    );
  }
  const blocks: { tag: string; code: string }[] = [];
  for (const m of answer.matchAll(FENCE)) blocks.push({ tag: m[3].toLowerCase(), code: m[4] });
  if (blocks.length === 0) return trimBlank(answer);
  const wanted = TAGS[language];
  const otherTags = Object.entries(TAGS).filter(([k]) => k !== language).flatMap(([, v]) => v);
  let pool = blocks.filter((b) => wanted.includes(b.tag));
  if (pool.length === 0) pool = blocks.filter((b) => b.tag === "");
  if (pool.length === 0) pool = blocks.filter((b) => !otherTags.includes(b.tag));
  if (pool.length === 0) pool = blocks;
  const entry = options.entryPoint;
  const defining = entry
    ? pool.find((b) => new RegExp(`\\b${escapeRe(entry)}\\b`).test(b.code))
    : undefined;
  const chosen = defining ?? pool.reduce((a, b) => (b.code.length > a.code.length ? b : a));
  return trimBlank(chosen.code);
}

function trimBlank(text: string): string {
  return text.replace(/^\s*\n/, "").replace(/\s+$/, "");
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

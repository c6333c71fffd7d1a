/**
 * Finding the final answer in a free-text reply by documented rules, tried in a fixed order
 * ({@linkcode EXTRACT_RULES}). An answer no rule finds is not guessed: {@linkcode extractAnswer}
 * returns undefined and the scorer counts it as wrong.
 *
 * @module
 */
import type { AnswerType } from "../schemas/task_item.ts";
import {
  cleanSpan,
  exactKey,
  MAX_SPAN,
  optionIn,
  readChoice,
  readNumber,
  setKeys,
} from "./_read_answer.ts";

/** The name of the rule that found an answer. */
export type ExtractRule =
  | "hash"
  | "boxed"
  | "answer_line"
  | "answer_is"
  | "a_colon"
  | "choice_start"
  | "choice_text"
  | "last_number";

/** One extraction rule, for reports. */
export interface ExtractRuleInfo {
  /** The rule's name. */
  readonly rule: ExtractRule;
  /** What it matches, in one line. */
  readonly description: string;
  /** The answer types it applies to. */
  readonly types: readonly AnswerType[];
  /** A fallback: skipped when a declared answer (boxed, `Answer:` line, `A:` line) was unreadable. */
  readonly fallback: boolean;
}

const ALL: readonly AnswerType[] = ["number", "choice", "exact", "set"];

/**
 * The extraction rules in the order they are tried; the first rule that reads an answer of the
 * wanted type wins, and within a rule the last occurrence in the text wins.
 */
export const EXTRACT_RULES: readonly ExtractRuleInfo[] = [
  {
    rule: "hash",
    description:
      'a "#### 18" line (GSM8K style); for exact and set answers only when no text follows it',
    types: ALL,
    fallback: false,
  },
  {
    rule: "boxed",
    description: "\\boxed{18} (nested braces allowed)",
    types: ALL,
    fallback: false,
  },
  {
    rule: "answer_line",
    description:
      'a line starting "Answer:" or "Final answer:" (any case, markdown bold allowed); an empty one takes the next line',
    types: ALL,
    fallback: false,
  },
  {
    rule: "answer_is",
    description: '"the answer is 18" / "the final answer is 18" (any case), up to the sentence end',
    types: ALL,
    fallback: false,
  },
  {
    rule: "a_colon",
    description: 'a line "A: 18" (not an option list "A: …" followed by "B: …")',
    types: ALL,
    fallback: false,
  },
  {
    rule: "choice_start",
    description: 'the final line starts with "(C)" or "C)", or is only a letter',
    types: ["choice"],
    fallback: true,
  },
  {
    rule: "choice_text",
    description: "the final line equals or contains exactly one option text",
    types: ["choice"],
    fallback: true,
  },
  {
    rule: "last_number",
    description: "the last number in the text",
    types: ["number"],
    fallback: true,
  },
];

/** An answer found in a reply. */
export interface ExtractedAnswer {
  /**
   * The answer span as written, without decoration: for numbers the number (`1,000`, `3/4`,
   * `50%`), for choices the letter (or the option text when the reply named the option by text),
   * for exact and set answers the cleaned span.
   */
  value: string;
  /** The rule that found it. */
  rule: ExtractRule;
}

/** Options for {@linkcode extractAnswer}. */
export interface ExtractAnswerOptions {
  /** The answer type: decides which rules apply and what counts as readable. */
  type: AnswerType;
  /** For `choice`: the option texts in label order (A, B, …). @default undefined (letters A–Z) */
  choices?: readonly string[];
}

/** A candidate span: the text a rule captured and whether it declares the final answer. */
interface Candidate {
  span: string;
  declared: boolean;
}

// Every pattern runs on one line (or a bounded window) and captures greedily to the line end, so
// none of them backtracks quadratically on hostile input.
const HASH = /^[ \t]*####(?!#)(.*)$/;
const ANSWER_LINE = /^[\s>#*_-]*(?:final[ \t]+)?answer[ \t]*(?:\*\*|__)?[:：](?:\*\*|__)?(.*)$/i;
const A_COLON = /^[\s>*_-]*A(?:\*\*|__)?[ \t]*:(?:\*\*|__)?(.*)$/;
const ANSWER_IS =
  /\bthe[ \t]+(?:final[ \t]+|correct[ \t]+)?answer[ \t]+is\b:?(?=([^\n]{0,1000}))/gi;
const LAST_NUMBER =
  /(?<![\w.)])(?:[-−])?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+)?(?:[eE][+-]?\d+)?%?/g;
/** How far a `\boxed{` looks for its closing brace. */
const BOXED_WINDOW = 1000;

function nextNonEmpty(lines: readonly string[], from: number): number {
  for (let j = from; j < lines.length; j++) if (lines[j].trim() !== "") return j;
  return -1;
}

function lineCandidates(
  lines: readonly string[],
  pattern: RegExp,
  type: AnswerType,
  rule: ExtractRule,
): Candidate[] {
  const found: Candidate[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = pattern.exec(lines[i]);
    if (!m) continue;
    const after = nextNonEmpty(lines, i + 1);
    if (rule === "hash" && (type === "exact" || type === "set") && after >= 0) continue;
    if (rule === "a_colon" && after >= 0 && /^[\s>*_-]*\(?B\s*[:).]/.test(lines[after])) continue;
    let span = m[1].trim();
    if (rule === "answer_line" && span.replace(/[*_]/g, "").trim() === "") {
      span = after >= 0 ? lines[after] : "";
    }
    found.push({ span, declared: rule !== "hash" });
  }
  return found;
}

function boxedCandidates(text: string): Candidate[] {
  const found: Candidate[] = [];
  const opener = /\\(?:boxed|fbox)\s*\{/g;
  for (const m of text.matchAll(opener)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let end = start;
    const limit = Math.min(text.length, start + BOXED_WINDOW);
    for (; end < limit && depth > 0; end++) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}") depth--;
    }
    if (depth === 0) found.push({ span: text.slice(start, end - 1), declared: true });
  }
  return found;
}

function answerIsCandidates(text: string, type: AnswerType): Candidate[] {
  const stop = type === "set" ? /[.!?](?=\s|$)/ : /[.!?](?=\s|$)|[,;](?=\s)/;
  return [...text.matchAll(ANSWER_IS)].map((m) => {
    const cut = stop.exec(m[1]);
    return { span: (cut ? m[1].slice(0, cut.index) : m[1]).trim(), declared: false };
  });
}

function finalLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== "") return lines[i];
  return undefined;
}

/** The value of a span read as the type, or undefined when it does not read. */
function read(span: string, options: ExtractAnswerOptions): string | undefined {
  if (span.length > MAX_SPAN) return undefined;
  switch (options.type) {
    case "number":
      return readNumber(span)?.text;
    case "choice": {
      const choice = readChoice(span, options.choices);
      if (!choice) return undefined;
      return choice.byText ? cleanSpan(span) : choice.letter;
    }
    case "exact": {
      const value = cleanSpan(span);
      return exactKey(value) === "" ? undefined : value;
    }
    case "set": {
      const value = cleanSpan(span);
      return setKeys(value).length === 0 ? undefined : value;
    }
  }
}

function candidatesOf(
  rule: ExtractRule,
  text: string,
  lines: readonly string[],
  options: ExtractAnswerOptions,
): Candidate[] {
  switch (rule) {
    case "hash":
      return lineCandidates(lines, HASH, options.type, rule);
    case "boxed":
      return boxedCandidates(text);
    case "answer_line":
      return lineCandidates(lines, ANSWER_LINE, options.type, rule);
    case "answer_is":
      return answerIsCandidates(text, options.type);
    case "a_colon":
      return lineCandidates(lines, A_COLON, options.type, rule);
    case "choice_start": {
      const line = finalLine(lines);
      const m = line === undefined ? null : /^[\s>*_]*(\(?[A-Za-z]\))(?=\s|\*|$)/.exec(line) ??
        /^[\s>*_]*\(?([A-Za-z])\)?[.:]?[\s*_]*$/.exec(line);
      return m ? [{ span: m[1], declared: false }] : [];
    }
    case "choice_text": {
      const line = finalLine(lines);
      if (line === undefined || !options.choices) return [];
      const index = optionIn(line, options.choices);
      return index >= 0 ? [{ span: options.choices[index], declared: false }] : [];
    }
    case "last_number":
      return [...text.matchAll(LAST_NUMBER)].map((m) => ({ span: m[0], declared: false }));
  }
}

/**
 * Extracts the final answer of a reply by the rules of {@linkcode EXTRACT_RULES}, in order. A rule
 * reads an answer when one of its spans reads as the type (a number for `number`, an option letter
 * or text for `choice`, any non-empty text for `exact` and `set`); the last readable span of the
 * first such rule wins. The fallback rules (`choice_start`, `choice_text`, `last_number`) are not
 * tried when the reply declared an answer (`\boxed{}`, an `Answer:` line, an `A:` line) that does
 * not read as the type: that answer is unreadable, not replaced by a guess.
 *
 * @param text The reply.
 * @param options The answer type and, for choices, the option texts.
 * @returns The answer and the rule that found it, or undefined when no rule reads one.
 * @throws {TypeError} when `text` is not a string or the type is unknown.
 *
 * @example GSM8K style, and the rule order
 * ```ts
 * import { extractAnswer } from "./extract_answer.ts";
 * const found = extractAnswer("She sells 9 eggs.\n#### 18", { type: "number" });
 * if (found?.value !== "18" || found.rule !== "hash") throw new Error();
 * const boxed = extractAnswer("The answer is 7. So \\boxed{8}", { type: "number" });
 * if (boxed?.rule !== "boxed" || boxed.value !== "8") throw new Error();
 * if (extractAnswer("I do not know.", { type: "number" }) !== undefined) throw new Error();
 * ```
 *
 * @example A choice named by its text
 * ```ts
 * import { extractAnswer } from "./extract_answer.ts";
 * const found = extractAnswer("I would go with Paris.", { type: "choice", choices: ["London", "Paris"] });
 * if (found?.rule !== "choice_text" || found.value !== "Paris") throw new Error();
 * ```
 */
export function extractAnswer(
  text: string,
  options: ExtractAnswerOptions,
): ExtractedAnswer | undefined {
  if (typeof text !== "string") {
    throw new TypeError(`Cannot extract an answer from text: current value is ${typeof text}`);
  }
  if (!ALL.includes(options?.type)) {
    throw new TypeError(
      `Cannot extract an answer as ${ALL.join(" | ")}: current value is ${options?.type}`,
    );
  }
  const lines = text.split(/\r?\n/);
  let declaredUnreadable = false;
  for (const { rule, types, fallback } of EXTRACT_RULES) {
    if (!types.includes(options.type)) continue;
    if (fallback && declaredUnreadable) return undefined;
    const candidates = candidatesOf(rule, text, lines, options);
    for (let i = candidates.length - 1; i >= 0; i--) {
      const value = read(candidates[i].span, options);
      if (value !== undefined) return { value, rule };
    }
    if (candidates.some((c) => c.declared)) declaredUnreadable = true;
  }
  return undefined;
}

/**
 * Comparing an extracted answer with the gold one: normalisation by answer type, matching (numbers
 * within a relative tolerance, sets as sets), and the score of a reply to an answer-key item.
 *
 * @module
 */
import { z } from "zod";
import { ANSWER_TYPES, type AnswerItem, type AnswerType } from "../schemas/task_item.ts";
import type { Equals, Schema } from "../schemas/schema.ts";
import { extractAnswer, type ExtractRule } from "./extract_answer.ts";
import {
  canonicalNumber,
  exactKey,
  MAX_SPAN,
  readChoice,
  readNumber,
  setKeys,
} from "./_read_answer.ts";

const answerScoreSchema = z.object({
  score: z.union([z.literal(0), z.literal(1)]),
  passed: z.boolean(),
  extracted: z.string().nullable(),
  rule: z.enum([
    "hash",
    "boxed",
    "answer_line",
    "answer_is",
    "a_colon",
    "choice_start",
    "choice_text",
    "last_number",
    "none",
  ]),
  detail: z.string(),
});

/** The score of one reply to an answer-key item. */
export interface AnswerScore {
  /** 1 when the extracted answer matches the gold one, else 0. */
  score: 0 | 1;
  /** Whether it matched. */
  passed: boolean;
  /** The extracted answer as written (see `ExtractedAnswer.value`), or null when none was found. */
  extracted: string | null;
  /** The rule that found it, or `none`. */
  rule: ExtractRule | "none";
  /**
   * `correct (read 18)`, `incorrect (read 17)` or `unextracted`. It never contains the gold
   * answer, so it is safe to log beside the reply.
   */
  detail: string;
}
const _answerScore: Equals<z.infer<typeof answerScoreSchema>, AnswerScore> = true;
/** Validates an {@linkcode AnswerScore}. */
export const AnswerScoreSchema: Schema<AnswerScore> = answerScoreSchema;

/** Options for {@linkcode normalizeAnswer} and {@linkcode answersMatch}. */
export interface MatchAnswerOptions {
  /** How the answers are read and compared. */
  type: AnswerType;
  /** For `choice`: the option texts in label order (A, B, …). @default undefined (letters A–Z) */
  choices?: readonly string[];
}

/**
 * Two numbers match when they differ by at most this share of the larger magnitude (so `0` only
 * matches `0`, and `0.1 + 0.2` matches `0.3`).
 */
export const NUMBER_RELATIVE_TOLERANCE = 1e-6;

function checkType(type: unknown, what: string): asserts type is AnswerType {
  if (!ANSWER_TYPES.includes(type as AnswerType)) {
    throw new TypeError(
      `Cannot ${what} as ${ANSWER_TYPES.join(" | ")}: current value is ${String(type)}`,
    );
  }
}

/**
 * Normalises an answer to a canonical string of its type:
 * - `number`: one number at the start, with thousands commas, a currency sign, a sign, a decimal
 *   point, an exponent, a fraction (`3/4`), LaTeX `\frac{3}{4}`, a percent sign or trailing words
 *   (units) but no other digit → the shortest decimal (`$1,000` → `1000`, `3/4` → `0.75`,
 *   `18.0 dollars` → `18`). A percentage is the number before `%` (`50%` → `50`, not `0.5`).
 * - `choice`: a letter (`C`, `(c)`, `C) Paris`, `option C`) or an option text (case- and
 *   space-insensitive) → the uppercase letter; a letter beyond the options does not read.
 * - `exact`: lowercased (NFKC), whitespace collapsed, surrounding punctuation and quotes stripped.
 * - `set`: split on `,`, `;`, `&` and " and ", each element as `exact`, deduplicated, sorted and
 *   joined with `|`.
 *
 * @param value The answer (extracted or gold).
 * @param options The answer type and, for choices, the option texts.
 * @returns The canonical string, or undefined when the value cannot be read as the type (or is
 * longer than 1,000 characters).
 * @throws {TypeError} when the type is unknown or `value` is not a string.
 *
 * @example
 * ```ts
 * import { normalizeAnswer } from "./match_answer.ts";
 * if (normalizeAnswer("$1,000.00", { type: "number" }) !== "1000") throw new Error();
 * if (normalizeAnswer("paris", { type: "choice", choices: ["London", "Paris"] }) !== "B") throw new Error();
 * if (normalizeAnswer("Red, blue and red", { type: "set" }) !== "blue|red") throw new Error();
 * if (normalizeAnswer("eighteen", { type: "number" }) !== undefined) throw new Error();
 * ```
 */
export function normalizeAnswer(value: string, options: MatchAnswerOptions): string | undefined {
  checkType(options?.type, "normalize an answer");
  if (typeof value !== "string") {
    throw new TypeError(`Cannot normalize an answer as a string: current value is ${typeof value}`);
  }
  if (value.length > MAX_SPAN) return undefined;
  switch (options.type) {
    case "number": {
      const n = readNumber(value);
      return n ? canonicalNumber(n.value) : undefined;
    }
    case "choice":
      return readChoice(value, options.choices)?.letter;
    case "exact":
      return exactKey(value) || undefined;
    case "set": {
      const keys = setKeys(value);
      return keys.length > 0 ? keys.join("|") : undefined;
    }
  }
}

function goldKeys(gold: string | string[], options: MatchAnswerOptions): string[] {
  const golds = Array.isArray(gold) ? gold : [gold];
  if (options.type === "set" && Array.isArray(gold)) {
    const keys = [...new Set(gold.flatMap((g) => setKeys(g)))].sort();
    if (keys.length === 0) throw unreadableGold(gold, options.type);
    return [keys.join("|")];
  }
  return golds.map((g) => {
    const key = typeof g === "string" ? normalizeAnswer(g, options) : undefined;
    if (key === undefined) throw unreadableGold(g, options.type);
    return key;
  });
}

function unreadableGold(gold: unknown, type: AnswerType): TypeError {
  return new TypeError(
    `Cannot read the gold answer as ${type}: current value is ${JSON.stringify(gold)}`,
  );
}

function sameNumber(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= NUMBER_RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
}

/**
 * Whether an answer matches the gold one after {@linkcode normalizeAnswer}. Numbers match within
 * {@linkcode NUMBER_RELATIVE_TOLERANCE}; sets match as sets (order and repeats do not matter). A
 * gold array lists the elements of a `set` answer; for the other types it lists alternative
 * accepted answers (any one matches).
 *
 * @param extracted The extracted answer.
 * @param gold The gold answer (or, see above, an array).
 * @param options The answer type and, for choices, the option texts.
 * @returns Whether they match; an answer that does not read as the type never matches.
 * @throws {TypeError} when the type is unknown or the gold answer does not read as the type.
 *
 * @example
 * ```ts
 * import { answersMatch } from "./match_answer.ts";
 * if (!answersMatch("18.0", "18", { type: "number" })) throw new Error();
 * if (!answersMatch("b, a", ["a", "b"], { type: "set" })) throw new Error();
 * if (answersMatch("17", "18", { type: "number" })) throw new Error();
 * ```
 */
export function answersMatch(
  extracted: string,
  gold: string | string[],
  options: MatchAnswerOptions,
): boolean {
  checkType(options?.type, "match answers");
  const golds = goldKeys(gold, options);
  const key = normalizeAnswer(extracted, options);
  if (key === undefined) return false;
  return golds.some((g) => options.type === "number" ? sameNumber(key, g) : key === g);
}

/**
 * Scores a reply to an answer-key item: the answer is extracted by the rules of `EXTRACT_RULES`,
 * normalised by the item's type and compared with the gold answer. An answer no rule finds
 * scores 0 with rule `none` and detail `unextracted`; it is never guessed.
 *
 * @param item The item (its gold answer, type and options).
 * @param text The reply.
 * @returns The score, the extracted answer and the rule that found it.
 * @throws {TypeError} when the item's type is unknown, its gold does not read as the type, or
 * `text` is not a string.
 *
 * @example
 * ```ts
 * import { scoreAnswer } from "./match_answer.ts";
 * const item = { id: "q", prompt: "16 - 3 - 4 eggs at $2?", gold: "18", answerType: "number" as const };
 * const s = scoreAnswer(item, "9 eggs at $2 each.\nAnswer: $18");
 * if (!s.passed || s.score !== 1 || s.rule !== "answer_line" || s.extracted !== "18") throw new Error();
 * if (scoreAnswer(item, "No idea.").detail !== "unextracted") throw new Error();
 * ```
 */
export function scoreAnswer(item: AnswerItem, text: string): AnswerScore {
  checkType(item?.answerType, "score an answer");
  const options = { type: item.answerType, choices: item.choices };
  const found = extractAnswer(text, options);
  if (!found) {
    goldKeys(item.gold, options);
    return { score: 0, passed: false, extracted: null, rule: "none", detail: "unextracted" };
  }
  const passed = answersMatch(found.value, item.gold, options);
  const read = normalizeAnswer(found.value, options);
  return {
    score: passed ? 1 : 0,
    passed,
    extracted: found.value,
    rule: found.rule,
    detail: `${passed ? "correct" : "incorrect"} (read ${read})`,
  };
}

import assert from "node:assert/strict";
import { EXTRACT_RULES, extractAnswer, type ExtractRule } from "../lib/tasks/extract_answer.ts";
import {
  AnswerScoreSchema,
  answersMatch,
  normalizeAnswer,
  scoreAnswer,
} from "../lib/tasks/match_answer.ts";
import type { AnswerItem, AnswerType } from "../lib/schemas/task_item.ts";

const PLANETS = ["Venus", "Mars", "Jupiter"];

/** [reply, type, expected value, expected rule] — undefined value means "nothing extracted". */
const EXTRACTIONS: [string, AnswerType, string | undefined, ExtractRule | undefined][] = [
  // hash
  ["She sells 9 eggs at $2.\n#### 18", "number", "18", "hash"],
  ["#### 17\nWait, I miscounted.\n#### 18", "number", "18", "hash"],
  ["#### 2,125", "number", "2,125", "hash"],
  // boxed
  ["First \\boxed{17}, then \\boxed{18}.", "number", "18", "boxed"],
  ["So $\\boxed{\\frac{3}{4}}$", "number", "3/4", "boxed"],
  ["\\boxed{\\text{Paris}}", "exact", "Paris", "boxed"],
  // answer_line
  ["Work.\nAnswer: 18", "number", "18", "answer_line"],
  ["Work.\n**Answer:** $1,000.", "number", "1,000", "answer_line"],
  ["Work.\nFINAL ANSWER: -3", "number", "-3", "answer_line"],
  ["Work.\n**Final Answer**: 18 dollars", "number", "18", "answer_line"],
  ["Work.\nAnswer:\n\n**42**", "number", "42", "answer_line"],
  ["Work.\nAnswer: Paris.", "exact", "Paris", "answer_line"],
  // answer_is
  ["The answer is 7. No: the final answer is 8.", "number", "8", "answer_is"],
  ["So the answer is: 0.75, as computed.", "number", "0.75", "answer_is"],
  ["The answer is red, green and blue.", "set", "red, green and blue", "answer_is"],
  // a_colon
  ["Q: How many?\nA: 18", "number", "18", "a_colon"],
  ["Q: Capital?\nA: Paris", "exact", "Paris", "a_colon"],
  // last_number (number only)
  ["She makes 9 * 2 = 18 dollars a day.", "number", "18", "last_number"],
  ["It drops to -5 degrees.", "number", "-5", "last_number"],
  ["About 50% of them.", "number", "50%", "last_number"],
  ["The chance is 3/4.", "number", "3/4", "last_number"],
  // never guessed
  ["I do not know.", "number", undefined, undefined],
  ["The answer is eighteen.", "number", undefined, undefined],
  ["Paris is the capital of France.", "exact", undefined, undefined],
  ["There are 3 colours.", "set", undefined, undefined],
  // a declared answer that does not read is not replaced by a number from elsewhere
  ["5 + 3 = 8\nAnswer: I am not sure", "number", undefined, undefined],
  ["5 + 3 = 8\n\\boxed{unsure}", "number", undefined, undefined],
  ["Answer: 8 or 9", "number", undefined, undefined],
  // a markdown heading is not a hash answer for exact/set
  ["#### Reasoning\nParis is the capital.", "exact", undefined, undefined],
];

for (const [text, type, value, rule] of EXTRACTIONS) {
  Deno.test(`extractAnswer reads ${JSON.stringify(text)} as ${type} → ${value ?? "nothing"}`, () => {
    const found = extractAnswer(text, { type });
    assert.deepEqual(found, value === undefined ? undefined : { value, rule });
  });
}

/** Rule precedence: each reply has answers for two rules; the earlier rule must win. */
const PRECEDENCE: [string, ExtractRule, string][] = [
  ["\\boxed{17}\n#### 18", "hash", "18"],
  ["Answer: 17\nso \\boxed{18}", "boxed", "18"],
  ["The answer is 17.\nAnswer: 18", "answer_line", "18"],
  ["A: 17\nSo the answer is 18.", "answer_is", "18"],
  ["A: 17\nBy the way, 99 balloons.", "a_colon", "17"],
];

Deno.test("earlier rules win over later ones, in the documented order", () => {
  for (const [text, rule, value] of PRECEDENCE) {
    assert.deepEqual(extractAnswer(text, { type: "number" }), { value, rule }, text);
  }
  assert.deepEqual(
    EXTRACT_RULES.map((r) => r.rule),
    [
      "hash",
      "boxed",
      "answer_line",
      "answer_is",
      "a_colon",
      "choice_start",
      "choice_text",
      "last_number",
    ],
  );
  for (const r of EXTRACT_RULES) assert.ok(r.description.length > 10 && r.types.length > 0);
});

const CHOICES: [string, string | undefined, ExtractRule | undefined][] = [
  ["Reasoning.\nAnswer: B", "B", "answer_line"],
  ["Reasoning.\nAnswer: (b)", "B", "answer_line"],
  ["Reasoning.\nAnswer: mars", "mars", "answer_line"],
  ["#### C", "C", "hash"],
  ["\\boxed{A}", "A", "boxed"],
  ["The answer is (B) because it is red.", "B", "answer_is"],
  ["The correct answer is C, the largest.", "C", "answer_is"],
  ["It is red.\n(B) Mars", "B", "choice_start"],
  ["It is red.\nB) Mars", "B", "choice_start"],
  ["It is red.\n**B**", "B", "choice_start"],
  ["Red and dusty: I pick Mars.", "Mars", "choice_text"],
  ["Mars or Venus, hard to say.", undefined, undefined],
  ["Answer: D", undefined, undefined],
  ["Answer: Pluto\nMars", undefined, undefined],
];

Deno.test("choices are read by letter and by option text, and a letter beyond the options is not", () => {
  for (const [text, value, rule] of CHOICES) {
    const found = extractAnswer(text, { type: "choice", choices: PLANETS });
    assert.deepEqual(found, value === undefined ? undefined : { value, rule }, text);
  }
});

Deno.test("an options list restated as 'A: … B: …' lines is not read as an a_colon answer", () => {
  const text = "Options:\nA: 17\nB: 18\nI cannot decide.";
  assert.equal(extractAnswer(text, { type: "number" })?.rule, "last_number");
  assert.equal(extractAnswer("Options:\nA: red\nB: blue", { type: "exact" }), undefined);
});

const NUMBERS: [string, string | undefined][] = [
  ["1,000", "1000"],
  ["$18", "18"],
  ["18.0", "18"],
  ["18.", "18"],
  ["-3", "-3"],
  ["−3", "-3"],
  ["-$5", "-5"],
  ["3/4", "0.75"],
  ["0.75", "0.75"],
  [".5", "0.5"],
  ["1e3", "1000"],
  ["50%", "50"],
  ["18 dollars", "18"],
  ["**18**", "18"],
  ["$\\frac{1}{2}$", "0.5"],
  ["1{,}000", "1000"],
  ["1,00", undefined],
  ["18 or 19", undefined],
  ["eighteen", undefined],
  ["1/0", undefined],
  ["", undefined],
  ["$", undefined],
];

Deno.test("number normalisation is tolerant of format and refuses what is not one number", () => {
  for (const [value, expected] of NUMBERS) {
    assert.equal(normalizeAnswer(value, { type: "number" }), expected, value);
  }
});

Deno.test("numbers match within a relative tolerance of 1e-6, and 0 only matches 0", () => {
  assert.ok(answersMatch("0.30000000000000004", "0.3", { type: "number" }));
  assert.ok(answersMatch("1000000001", "1e9", { type: "number" }));
  assert.ok(!answersMatch("100.001", "100", { type: "number" }));
  assert.ok(!answersMatch("0.000000000001", "0", { type: "number" }));
  assert.ok(answersMatch("$1,000.00", "1000", { type: "number" }));
  assert.ok(!answersMatch("not a number", "1000", { type: "number" }));
});

Deno.test("choice, exact and set normalisation", () => {
  const choice = { type: "choice" as const, choices: PLANETS };
  assert.equal(normalizeAnswer("c", choice), "C");
  assert.equal(normalizeAnswer("(B)", choice), "B");
  assert.equal(normalizeAnswer("option A", choice), "A");
  assert.equal(normalizeAnswer("  JUPITER ", choice), "C");
  assert.equal(normalizeAnswer("D", choice), undefined);
  assert.equal(normalizeAnswer("Pluto", choice), undefined);
  assert.equal(normalizeAnswer("Z", { type: "choice" }), "Z");
  assert.equal(normalizeAnswer(' "Paris." ', { type: "exact" }), "paris");
  assert.equal(normalizeAnswer("New   York", { type: "exact" }), "new york");
  assert.equal(normalizeAnswer("...", { type: "exact" }), undefined);
  assert.equal(normalizeAnswer("b; a, c and a", { type: "set" }), "a|b|c");
  assert.equal(normalizeAnswer("{Red, blue}", { type: "set" }), "blue|red");
});

Deno.test("sets match as sets, and a gold array lists a set's elements or alternative answers", () => {
  assert.ok(answersMatch("blue, red and yellow", ["red", "yellow", "blue"], { type: "set" }));
  assert.ok(answersMatch("red; blue; yellow; red", "yellow, blue, red", { type: "set" }));
  assert.ok(!answersMatch("red, blue", ["red", "yellow", "blue"], { type: "set" }));
  assert.ok(answersMatch("NYC", ["New York City", "nyc"], { type: "exact" }));
  assert.ok(!answersMatch("Boston", ["New York City", "nyc"], { type: "exact" }));
});

const item = (gold: string | string[], answerType: AnswerType, choices?: string[]): AnswerItem => ({
  id: "q",
  prompt: "?",
  gold,
  answerType,
  ...(choices ? { choices } : {}),
});

Deno.test("scoreAnswer scores an unextractable reply 0 with rule none, never guessing", () => {
  const s = scoreAnswer(item("18", "number"), "I am not sure how to solve this.");
  assert.deepEqual(s, {
    score: 0,
    passed: false,
    extracted: null,
    rule: "none",
    detail: "unextracted",
  });
  AnswerScoreSchema.parse(s);
});

Deno.test("scoreAnswer reports the extracted value, the rule, and a detail without the gold", () => {
  const right = scoreAnswer(item("1000", "number"), "In total $1,000.\nAnswer: $1,000");
  assert.deepEqual(right, {
    score: 1,
    passed: true,
    extracted: "1,000",
    rule: "answer_line",
    detail: "correct (read 1000)",
  });
  const wrong = scoreAnswer(item("18", "number"), "#### 17");
  assert.equal(wrong.score, 0);
  assert.equal(wrong.detail, "incorrect (read 17)");
  assert.ok(!wrong.detail.includes("18"));
  const choice = scoreAnswer(item("B", "choice", PLANETS), "Red planet.\nAnswer: Mars");
  assert.equal(choice.passed, true);
  assert.equal(choice.extracted, "Mars");
  const set = scoreAnswer(item(["red", "blue"], "set"), "Answer: Blue and red.");
  assert.equal(set.passed, true);
  for (const s of [right, wrong, choice, set]) AnswerScoreSchema.parse(s);
  assert.equal(AnswerScoreSchema.safeParse({ ...right, score: 0.5 }).success, false);
  assert.equal(AnswerScoreSchema.safeParse({ ...right, rule: "guess" }).success, false);
});

Deno.test("bad arguments throw TypeError naming the value", () => {
  assert.throws(
    () => extractAnswer(42 as unknown as string, { type: "number" }),
    /Cannot extract an answer from text: current value is number/,
  );
  assert.throws(
    () => normalizeAnswer("1", { type: "bogus" as AnswerType }),
    /Cannot normalize an answer as number \| choice \| exact \| set: current value is bogus/,
  );
  assert.throws(
    () => answersMatch("1", "one", { type: "number" }),
    /Cannot read the gold answer as number: current value is "one"/,
  );
  assert.throws(() => scoreAnswer(item("one", "number"), "no answer"), TypeError);
});

Deno.test("hostile replies (huge, digit-free, number-packed, unclosed) finish quickly and are not misread", () => {
  const started = performance.now();
  const mb = 1_000_000;
  assert.equal(extractAnswer("x".repeat(5 * mb), { type: "number" }), undefined);
  assert.equal(extractAnswer("the answer is ".repeat(mb / 10), { type: "number" }), undefined);
  assert.deepEqual(extractAnswer("1 ".repeat(mb) + "2", { type: "number" }), {
    value: "2",
    rule: "last_number",
  });
  assert.equal(extractAnswer(`Answer: ${" ".repeat(mb)}x`, { type: "number" }), undefined);
  assert.equal(extractAnswer("\\boxed{".repeat(mb / 10), { type: "number" }), undefined);
  assert.equal(extractAnswer("#### ".repeat(mb / 5), { type: "exact" }), undefined);
  assert.equal(extractAnswer(`Answer: ${"9".repeat(2000)}`, { type: "number" }), undefined);
  assert.equal(normalizeAnswer("1".repeat(5000), { type: "number" }), undefined);
  assert.equal(
    extractAnswer(`${"A".repeat(mb)}\nthe answer is ${"-".repeat(mb)}`, {
      type: "choice",
      choices: PLANETS,
    }),
    undefined,
  );
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
});

/**
 * A task is data plus the scorer that measures it — in the spirit of inspect_ai's Task. Three kinds
 * ship: `code` (hidden tests score; visible tests may give feedback), `answer` (a gold answer that
 * no role sees; the answer is extracted from free text by documented rules) and `open` (no gold: a
 * judge panel scores, pointwise or against a reference). The benchmark, its arms and its reports
 * only ever talk to this interface, so a user can add a task kind from outside `lib/`.
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import type { CodingItem } from "../schemas/coding.ts";
import type { AnswerItem, OpenItem } from "../schemas/task_item.ts";
import type { Score } from "../schemas/trace.ts";
import type { EvalContext, Scorer } from "../loop/types.ts";
import type { SandboxOptions } from "../sandbox/sandbox_options.ts";
import { TestRunner } from "../critics/test_runner.ts";
import { testScorer } from "../critics/test_scorer.ts";
import { scoreAnswer } from "./match_answer.ts";
import { extractAnswer } from "./extract_answer.ts";
import { normalizeAnswer } from "./match_answer.ts";
import type { Provider } from "../providers/types.ts";
import { createJudgePanel, type JudgePanelOptions } from "./judge_panel.ts";

/** A score for the record, with what the task knows about how it was reached. */
export interface TaskScore extends Score {
  /** Answer tasks: the extracted answer (null when none could be extracted). */
  extracted?: string | null;
  /** Answer tasks: the extraction rule that found it (`none` when unextracted). */
  rule?: string;
  /** Open tasks: no judge gave a parseable verdict; the record is excluded from statistics. */
  unscored?: boolean;
  /** Open tasks: each panel judge's score (null = unparseable). */
  judgeScores?: (number | null)[];
}

/** What the task scorer is told besides the usual evaluation context. */
export interface TaskScoreContext extends EvalContext {
  /** The arm's first answer (round 0): the pairwise reference when the item has none. */
  firstAnswer?: string;
}

/** Data plus the scorer that measures it. */
export interface Task<I extends Item = Item> {
  /** The task kind (`code`, `answer`, `open`, or a user's own). Arm parts declare which they fit. */
  readonly kind: string;
  /** The items. */
  readonly items: readonly I[];
  /**
   * Scores an arm's answer for the record. It sees the answer key (hidden tests, gold answer) and
   * is never shown to a role; an arm part that uses it is flagged as an oracle protocol.
   */
  score(item: I, answer: string, context: TaskScoreContext): Promise<TaskScore>;
  /** Scorers the task offers to arm parts that do not see the answer key (e.g. `visible_tests`). */
  readonly scorers: Readonly<Record<string, Scorer>>;
  /** The answer a majority vote counts, normalised (answer tasks); undefined when unextractable. */
  extract?(item: I, text: string): string | undefined;
  /** What the manifest records about scoring (e.g. `{ scoring: "hidden tests" }`). */
  readonly description: Readonly<Record<string, unknown>>;
  /**
   * Code tasks: which tests score — `hidden` (roles may see visible-test results) or `all`
   * (visible + hidden, the published-benchmark convention; only for arms in which no role sees
   * test results). Absent for tasks that run no tests.
   */
  readonly scoreTests?: ScoreTests;
  /** The code task's test runner (test-grounded critics share its cache). */
  readonly runner?: TestRunner;
  /**
   * The same task with every model its scorer calls wrapped (the benchmark adds its record/replay
   * cache and call limiter). Absent when the scorer calls no model.
   */
  withProviders?(wrap: (provider: Provider) => Provider): Task<I>;
}

/** Which tests score a code task: the hidden half, or every test (visible + hidden). */
export type ScoreTests = "hidden" | "all";

/** What a code task's manifest records for each {@linkcode ScoreTests} setting. */
export const SCORE_TESTS_TEXT: Readonly<Record<ScoreTests, string>> = {
  hidden: "hidden tests (pass fraction)",
  all: "all tests, visible + hidden (pass fraction)",
};

/** Options for {@linkcode codeTask}. */
export interface CodeTaskOptions {
  /**
   * Which tests score: `hidden`, or `all` (visible + hidden; the benchmark then refuses arms in
   * which a role sees test results). @default "hidden"
   */
  scoreTests?: ScoreTests;
  /** Sandbox settings for every test run. @default {} */
  sandbox?: Omit<SandboxOptions, "signal">;
  /** Sandbox runs in flight at once. @default 2 */
  testConcurrency?: number;
}

/**
 * The code task: hidden tests score (or every test, with `scoreTests: "all"`), visible tests are
 * offered to arms as `visible_tests`.
 *
 * @param items Coding items.
 * @param options Sandbox settings, scoring tests.
 * @returns The task.
 *
 * @example
 * ```ts
 * import { codeTask } from "./task.ts";
 * const task = codeTask([]);
 * if (task.kind !== "code" || !task.scorers.visible_tests) throw new Error();
 * ```
 */
export function codeTask(
  items: readonly CodingItem[],
  options: CodeTaskOptions = {},
): Task<CodingItem> {
  const runner = new TestRunner({
    sandbox: options.sandbox,
    concurrency: options.testConcurrency ?? 2,
  });
  const scoreTests = options.scoreTests ?? "hidden";
  if (!(scoreTests in SCORE_TESTS_TEXT)) {
    throw new TypeError(
      `Cannot score a code task on tests "hidden" | "all": current value is ${scoreTests}`,
    );
  }
  const scorer = testScorer({ which: scoreTests, runner });
  return {
    kind: "code",
    items,
    runner,
    scoreTests,
    score: (item, answer, context) => scorer.score(item, answer, context),
    scorers: { visible_tests: testScorer({ which: "visible", runner }) },
    // The default's description is unchanged, so the run keys of existing runs stay valid.
    description: {
      scoring: SCORE_TESTS_TEXT[scoreTests],
      ...(scoreTests === "all" ? { scoreTests } : {}),
      sandbox: options.sandbox ?? {},
    },
  };
}

/**
 * The answer-key task: the answer is extracted from the reply by documented rules, normalised by
 * type and compared with the gold answer; an unextractable answer scores 0 (never guessed).
 *
 * @param items Answer items.
 * @returns The task.
 *
 * @example
 * ```ts
 * import { answerTask } from "./task.ts";
 * const item = { id: "q", prompt: "2+2?", gold: "4", answerType: "number" as const };
 * const task = answerTask([item]);
 * const s = await task.score(item, "So it is 4.\nAnswer: 4", { round: 0, seed: 0 });
 * if (!s.passed || s.extracted !== "4" || task.extract!(item, "#### 4.0") !== "4") throw new Error();
 * ```
 */
export function answerTask(items: readonly AnswerItem[]): Task<AnswerItem> {
  return {
    kind: "answer",
    items,
    score(item, answer) {
      const s = scoreAnswer(item, answer);
      return Promise.resolve({
        score: s.score,
        passed: s.passed,
        source: "gold_answer",
        detail: s.detail,
        extracted: s.extracted,
        rule: s.rule,
      });
    },
    scorers: {},
    extract(item, text) {
      const options = { type: item.answerType, choices: item.choices };
      const found = extractAnswer(text, options);
      return found ? normalizeAnswer(found.value, options) : undefined;
    },
    description: { scoring: "gold answer (extracted, normalised, exact match)" },
  };
}

/** Options for {@linkcode openTask}: the panel's judges and how they judge. */
export interface OpenTaskOptions extends JudgePanelOptions {
  /** The judges' models (one or several). */
  judges: readonly Provider[];
}

/**
 * The open-ended task: a judge panel scores each answer — pointwise against the constitution, or
 * pairwise against the item's reference (else the arm's first answer, which every arm shares, so
 * pairwise Δ reads as "better than the baseline answer"); both orders are asked, and a verdict
 * that flips with position is a tie. A record whose every judge verdict failed to parse is
 * `unscored` and left out of the statistics.
 *
 * @param items Open items.
 * @param options The judges, the constitution (the rubric) and the panel mode.
 * @returns The task.
 *
 * @example
 * ```ts
 * import { openTask } from "./task.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const judge = createScriptedProvider({
 *   byRole: { judge: '{"verdict": "compliant", "reasons": ["clear"], "score": 0.8}' },
 * });
 * const task = openTask([{ id: "o", prompt: "Explain DNS." }], {
 *   judges: [judge], constitution: parseConstitution("## Clear\n\nBe clear.\n"),
 * });
 * const s = await task.score(task.items[0], "DNS maps names to addresses.", { round: 0, seed: 0 });
 * if (s.score !== 0.8 || s.judgeScores?.[0] !== 0.8) throw new Error();
 * ```
 */
export function openTask(items: readonly OpenItem[], options: OpenTaskOptions): Task<OpenItem> {
  const panel = createJudgePanel(options.judges, options);
  return {
    kind: "open",
    items,
    async score(item, answer, context) {
      const reference = item.reference ?? context.firstAnswer;
      if (panel.mode === "pairwise" && reference === answer) {
        // The answer compared with itself: a tie by construction, no judge call.
        return { score: 0.5, passed: true, source: panel.name, detail: "same as the reference" };
      }
      const s = await panel.score(item, answer, {
        seed: context.seed,
        signal: context.signal,
        onCall: context.onCall,
        reference,
      });
      return {
        score: s.score,
        passed: s.passed,
        source: panel.name,
        detail: s.detail,
        unscored: s.unscored,
        judgeScores: s.judgeScores,
      };
    },
    scorers: {},
    description: {
      scoring: `judge panel (${panel.mode})`,
      mode: panel.mode,
      judges: panel.judges,
      ...(panel.mode === "pairwise"
        ? { reference: "the item's reference, else the first answer every arm shares" }
        : {}),
    },
    withProviders: (wrap) => openTask(items, { ...options, judges: options.judges.map(wrap) }),
  };
}

/**
 * Wraps a task's scorer as a loop {@linkcode Scorer} — the oracle: it sees the answer key.
 *
 * @param task The task.
 * @param name The scorer's name in traces. @default "oracle"
 * @returns A scorer over the task's items.
 *
 * @example
 * ```ts
 * import { answerTask, oracleScorer } from "./task.ts";
 * const item = { id: "q", prompt: "2+2?", gold: "4", answerType: "number" as const };
 * const oracle = oracleScorer(answerTask([item]));
 * if (!(await oracle.score(item, "Answer: 4", { round: 0, seed: 0 })).passed) throw new Error();
 * ```
 */
export function oracleScorer(task: Task, name = "oracle"): Scorer {
  return {
    name,
    async score(item, answer, context) {
      const s = await task.score(item, answer, context);
      return { score: s.score, passed: s.passed, source: name, detail: s.detail };
    },
  };
}

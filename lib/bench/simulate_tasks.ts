/**
 * Simulation mode for answer-key and open-ended tasks (planning only: every output of a simulated
 * run must be labelled SIMULATED). It mirrors `simulate.ts` (code tasks): a simulated student writes
 * real answer texts and the simulator remembers the truth about each one, so a simulated critic or
 * judge can be made exactly as unreliable as asked.
 *
 * - {@linkcode createSimulatedAnswerProvider}: rows with a gold answer. Each text ends in a final
 *   answer line (`Answer: X`, `The answer is X.`, `#### X` or `\boxed{X}`) that is either the gold or
 *   a plausible wrong value; the simulator remembers which.
 * - {@linkcode createSimulatedOpenProvider}: open rows. Each text has a hidden quality in [0, 1];
 *   the judge reads it with Gaussian noise.
 *
 * Every call is deterministic given its `seed`, role, item id and messages. Models that differ only
 * in their rates (`withOptions`) draw the same uniforms for the same call (common random numbers), so
 * a stronger judge's mistakes are a subset of a weaker one's.
 *
 * ## The answer defaults are a planning assumption
 *
 * They are chosen to reproduce the pattern reported by Huang et al. (ICLR 2024, "Large Language
 * Models Cannot Self-Correct Reasoning Yet"), not measured on any model. Take a loop of at most two
 * rounds (critic; stop when it has nothing to say; else revise) and first-answer accuracy 0.7:
 *
 * - Intrinsic self-correction (the model critiques itself). A right answer is flagged with
 *   probability 0.35 and then broken with 0.4 (it loses 0.14 per round); a wrong one is flagged
 *   with 1 − 0.6 = 0.4 and then fixed with 0.3 (it gains 0.12). Round 1: 0.7 − 0.7·0.14 + 0.3·0.12 =
 *   0.638. Only the 0.183 right and 0.182 wrong answers that were flagged go on to round 2: 0.638 −
 *   0.183·0.14 + 0.182·0.12 ≈ 0.634, a change of about −6.6 points (Huang et al.: GPT-4 on GSM8K
 *   95.5 → 89.0; GPT-3.5 75.9 → 74.7).
 * - Oracle stopping (the preset `oracle_stop`: the same self-critic, but the loop also stops as
 *   soon as the gold says right): right answers are never touched; a wrong one is flagged with 0.4
 *   and fixed with 0.3 per round (0.084 stay flagged and wrong): 0.7 + 0.3·0.12 + 0.084·0.12 ≈ 0.746,
 *   about +4.6 points (measured: +4.4) — positive
 *   by construction where intrinsic is negative, the inflation the paper warns about (GSM8K
 *   75.9 → 84.3 with an oracle). Revising every wrong answer regardless of the critic (the oracle
 *   alone decides) would give 0.7 + 0.3·(1 − 0.7²) = 0.853, about +15 points.
 * - A stronger asymmetric critic, `withOptions({ falseAlarm: 0.05, miss: 0.15 })`: it loses 0.05·0.4
 *   = 0.02 and gains 0.85·0.3 = 0.255 per round: round 1 gives 0.7625, round 2 (0.0975 right and
 *   0.1925 wrong still flagged) about 0.810, roughly +11 points.
 *
 * The open-task defaults (revisions improve a text by 0.1 with probability 0.6, else degrade it by
 * 0.1: +0.02 expected per revision) are a neutral, mildly favourable planning assumption.
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";
import { ANSWER_TYPES, type AnswerItem, type OpenItem } from "../schemas/task_item.ts";
import { type ChatOptions, type Provider, ProviderError } from "../providers/types.ts";
import { createRng, type Rng } from "../util/prng.ts";
import { sha256Hex } from "../util/hash.ts";
import { lastUser, simulatedChat } from "./_sim_chat.ts";

/** Behaviour of the simulated answer-key authors. All rates are probabilities in [0, 1]. */
export interface AnswerSimulationOptions {
  /** Probability that a first answer is correct. @default 0.7 */
  correctFirst?: number;
  /** Probability that revising a correct answer replaces it with a wrong one. @default 0.4 */
  breakIfRight?: number;
  /** Probability that revising a wrong answer fixes it. @default 0.3 */
  fixIfWrong?: number;
  /** Probability that an unfixed wrong answer moves to another wrong value (else it is kept). @default 0.3 */
  wanderIfWrong?: number;
  /** Probability that the critic/judge believes a correct answer wrong. @default 0.35 */
  falseAlarm?: number;
  /** Probability that the critic/judge believes a wrong answer right. @default 0.6 */
  miss?: number;
  /** Probability that a pairwise judge answers "A" whatever it believes. @default 0.1 */
  positionBias?: number;
  /** Model name reported. @default "sim" */
  model?: string;
}

/** Behaviour of the simulated open-task authors. Every number is in [0, 1] unless noted. */
export interface OpenSimulationOptions {
  /** Lowest quality of a first answer (uniform in [qLow, qHigh]). @default 0.3 */
  qLow?: number;
  /** Highest quality of a first answer. @default 0.8 */
  qHigh?: number;
  /** Probability that a revision improves the text (else it degrades). @default 0.6 */
  improve?: number;
  /** How much an improving revision adds to the quality. @default 0.1 */
  improveBy?: number;
  /** How much a degrading revision removes from the quality. @default 0.1 */
  degradeBy?: number;
  /** Quality from which the critic stays silent and the judge says "compliant". @default 0.6 */
  passAt?: number;
  /** Standard deviation (>= 0) of the critic's reading of the quality. @default 0.1 */
  criticNoise?: number;
  /** Standard deviation (>= 0) of the judge's reading of the quality. @default 0.1 */
  judgeNoise?: number;
  /** Quality of a text the simulator did not write (e.g. a dataset reference). @default 0.6 */
  referenceQuality?: number;
  /** Probability that a pairwise judge answers "A" whatever it reads. @default 0.1 */
  positionBias?: number;
  /** Probability that the judge replies with text that is not JSON. @default 0 */
  unparseableRate?: number;
  /** Model name reported. @default "sim" */
  model?: string;
}

/** What the simulator knows about a text it wrote. */
export interface TaskTruth {
  /** Answer tasks: the answer is the gold; open tasks: the quality reaches `passAt`. */
  correct: boolean;
  /** Answer tasks: 1 or 0; open tasks: the hidden quality in [0, 1]. */
  quality: number;
  /** Answer tasks: the final answer the text gives. */
  answer?: string;
}

/** A simulated provider that can also tell the truth about a text it wrote (for tests and reports). */
export interface SimulatedTaskProvider<O = AnswerSimulationOptions | OpenSimulationOptions>
  extends Provider {
  /** The truth about a text this simulator wrote (or a text containing one), else undefined. */
  truthOf(text: string): TaskTruth | undefined;
  /** Shorthand for `truthOf(text)?.quality`. */
  qualityOf(text: string): number | undefined;
  /**
   * Another simulated model with other behaviour (e.g. a stronger critic or judge) that knows the
   * same texts — the asymmetric critic/judge of a simulated run.
   */
  withOptions(options: O): SimulatedTaskProvider<O>;
}

interface Written {
  itemId: string;
  text: string;
  truth: TaskTruth;
}

/** Texts written so far: item id → text → what it is. Shared by every `withOptions` model. */
type Memory = Map<string, Map<string, Written>>;

/**
 * Creates a simulated provider over answer-key rows. It answers every role the loop uses: `student`
 * (first answers and revisions), `critic` (a critique list), `judge` (verdicts and pairwise
 * comparisons), `teacher` (generic advice), plus `meta_judge` and `synthesizer` (empty JSON results).
 * The critic never reveals the gold. A text the simulator did not write is treated as wrong.
 * Deterministic given `options.seed` of each call.
 *
 * @param items The rows (their `gold` is the simulated student's hidden knowledge).
 * @param options Probabilities of the simulated behaviour; defaults reproduce Huang et al. (see the
 * module documentation for the arithmetic).
 * @returns A provider named "sim" that remembers the truth about every answer it wrote.
 * @throws {RangeError} when a probability is outside [0, 1], a model name is empty, or an item has
 * an unknown `answerType` or an empty gold.
 * @throws {TypeError} when `items` is not an array.
 *
 * @example A first answer ends in an extractable final line, wrong when correctFirst is 0
 * ```ts
 * import { createSimulatedAnswerProvider } from "./simulate_tasks.ts";
 * const item = { id: "q", prompt: "What is 6 * 7?", gold: "42", answerType: "number" as const };
 * const sim = createSimulatedAnswerProvider([item], { correctFirst: 0 });
 * const r = await sim.chat([{ role: "user", content: item.prompt }], { role: "student", itemId: "q", seed: 1 });
 * const truth = sim.truthOf(r.text);
 * if (!truth || truth.correct || truth.answer === "42") throw new Error("expected a wrong answer");
 * if (!r.text.includes(truth.answer!)) throw new Error("the answer is in the text");
 * ```
 */
export function createSimulatedAnswerProvider(
  items: readonly AnswerItem[],
  options: AnswerSimulationOptions = {},
): SimulatedTaskProvider<AnswerSimulationOptions> {
  const byId = itemMap(items);
  for (const item of byId.values()) {
    if (!ANSWER_TYPES.includes(item.answerType)) {
      throw new RangeError(
        `Cannot simulate answers for item ${item.id} with answerType as one of ${
          ANSWER_TYPES.join(", ")
        }: current value is ${JSON.stringify(item.answerType)}`,
      );
    }
    if (goldList(item).length === 0) {
      throw new RangeError(
        `Cannot simulate answers for item ${item.id} with gold as a non-empty answer: current value is ${
          JSON.stringify(item.gold)
        }`,
      );
    }
  }
  return answerModel(byId, new Map(), options);
}

/**
 * Creates a simulated provider over open-ended rows. The student writes a short text with a hidden
 * quality (first answers uniform in [qLow, qHigh]; a revision improves it by `improveBy` with
 * probability `improve`, else degrades it by `degradeBy`). The critic critiques when its noisy reading
 * of the quality is below `passAt`; the judge scores the quality plus Gaussian noise and compares two
 * texts (found in the `<answer_a>` / `<answer_b>` sections of the pairwise prompt) the same way. A
 * text the simulator did not write has quality `referenceQuality`. The teacher, meta-judge and
 * synthesizer roles get the same generic replies as from {@linkcode createSimulatedAnswerProvider}.
 * Deterministic given `options.seed` of each call.
 *
 * @param items The rows.
 * @param options The simulated behaviour.
 * @returns A provider named "sim" that remembers the quality of every text it wrote.
 * @throws {RangeError} when an option is out of range (naming it) or `qLow > qHigh`.
 * @throws {TypeError} when `items` is not an array.
 *
 * @example A noiseless judge scores exactly the hidden quality
 * ```ts
 * import { createSimulatedOpenProvider } from "./simulate_tasks.ts";
 * const item = { id: "essay", prompt: "How should I plan a week of study?" };
 * const sim = createSimulatedOpenProvider([item]);
 * const r = await sim.chat([{ role: "user", content: item.prompt }], { role: "student", itemId: "essay", seed: 4 });
 * const judge = sim.withOptions({ judgeNoise: 0 });
 * const v = await judge.chat([{ role: "user", content: `<answer>\n${r.text}\n</answer>` }], {
 *   role: "judge", itemId: "essay", seed: 4, jsonSchema: { properties: { verdict: {} } },
 * });
 * if (JSON.parse(v.text).score !== sim.qualityOf(r.text)) throw new Error("expected the quality");
 * ```
 */
export function createSimulatedOpenProvider(
  items: readonly OpenItem[],
  options: OpenSimulationOptions = {},
): SimulatedTaskProvider<OpenSimulationOptions> {
  return openModel(itemMap(items), new Map(), options);
}

// ---------------------------------------------------------------------------------------------
// Answer-key tasks

function answerModel(
  byId: Map<string, AnswerItem>,
  memory: Memory,
  options: AnswerSimulationOptions,
): SimulatedTaskProvider<AnswerSimulationOptions> {
  const p = checkedRates("answers", withDefaults(ANSWER_RATES, options));
  const model = checkedModel("answers", options.model);

  const write = (
    item: AnswerItem,
    answer: string,
    correct: boolean,
    rng: Rng,
    revised: boolean,
  ) => {
    const reasons = revised ? REVISED_REASONS : FIRST_REASONS[item.answerType];
    const text = `${reasons[rng.int(reasons.length)]}\n${finalLine(answer, rng)}`;
    remember(memory, item.id, text, { correct, quality: correct ? 1 : 0, answer });
    return text;
  };
  const writeWrong = (item: AnswerItem, rng: Rng, revised: boolean, avoid?: string) => {
    const all = wrongAnswers(item);
    const pool = all.filter((a) => a !== avoid);
    const from = pool.length > 0 ? pool : all;
    return write(item, from[rng.int(from.length)], false, rng, revised);
  };
  /** Whether the critic/judge believes a text wrong (an unknown text counts as wrong). */
  const believesWrong = (w: Written | undefined, rng: Rng): boolean =>
    w?.truth.correct ? rng.next() < p.falseAlarm : rng.next() >= p.miss;

  const answer = (messages: Message[], o: ChatOptions): string => {
    const role = o.role ?? "student";
    const item = requireItem(byId, o.itemId, "answer-key");
    const rng = rngFor(messages, o, role, item.id);
    if (role === "student") {
      const found = findWritten(memory, item.id, lastUser(messages));
      if (!found) {
        return rng.next() < p.correctFirst
          ? write(item, correctAnswer(item, rng), true, rng, false)
          : writeWrong(item, rng, false);
      }
      if (found.truth.correct) {
        return rng.next() < p.breakIfRight ? writeWrong(item, rng, true) : found.text;
      }
      if (rng.next() < p.fixIfWrong) return write(item, correctAnswer(item, rng), true, rng, true);
      if (rng.next() < p.wanderIfWrong) {
        return writeWrong(item, rng, true, found.truth.answer);
      }
      return found.text;
    }
    if (role === "judge" && isPairwise(messages, o)) {
      if (rng.next() < p.positionBias) {
        return pairwiseJson("A", "simulated: the first one looks right");
      }
      const [a, b] = candidatePair(memory, item.id, lastUser(messages));
      if (a.text.trim() === b.text.trim()) return pairwiseJson("tie", "simulated: the same answer");
      const aRight = !believesWrong(a.written, rng);
      const bRight = !believesWrong(b.written, rng);
      const winner = aRight !== bRight ? (aRight ? "A" : "B") : rng.next() < 0.5 ? "A" : "B";
      return pairwiseJson(winner, `simulated: answer ${winner} looks right`);
    }
    if (role === "critic" || role === "judge") {
      const wrong = believesWrong(findInUsers(memory, item.id, messages), rng);
      if (role === "critic") {
        return JSON.stringify({
          critiques: wrong
            ? [{
              principleId: "correctness",
              quote: "",
              issue: CRITIC_ISSUES[item.answerType],
              fix: "Re-derive the result step by step and state the final answer on the last line.",
              severity: "high",
            }]
            : [],
        });
      }
      const score = wrong ? 0.1 + 0.3 * rng.next() : 0.85 + 0.15 * rng.next();
      return verdictJson(
        wrong ? "needs_revision" : "compliant",
        wrong
          ? "simulated: the final answer looks wrong"
          : "simulated: the final answer looks right",
        score,
      );
    }
    return otherRole(role);
  };

  return taskProvider(model, memory, answer, answerModel.bind(null, byId, memory));
}

const FIRST_REASONS: Record<AnswerItem["answerType"], readonly string[]> = {
  number: [
    "Setting up the quantities and working through the arithmetic step by step.",
    "First I collect the known quantities, then I combine them in order.",
    "Computing each intermediate result and checking it before moving on.",
  ],
  choice: [
    "Weighing each option against the question, one fits best.",
    "Eliminating the options that contradict the question leaves one.",
    "Comparing the options one by one against what is asked.",
  ],
  exact: [
    "Recalling the relevant facts and checking them against the question.",
    "Working out what the question asks for and naming it precisely.",
    "Reading the question carefully and answering it in as few words as possible.",
  ],
  set: [
    "Listing every item that satisfies the condition and checking each one.",
    "Going through the candidates and keeping those that qualify.",
    "Collecting all the qualifying items, then checking none is missing.",
  ],
};

const REVISED_REASONS: readonly string[] = [
  "Re-checking the previous steps carefully against the feedback.",
  "Going back over the reasoning with the feedback in mind.",
  "Taking the feedback into account and working through it again.",
];

const CRITIC_ISSUES: Record<AnswerItem["answerType"], string> = {
  number: "The arithmetic in step 2 looks wrong; re-check it.",
  choice: "The chosen option does not fit the question; re-check the other options.",
  exact: "The final answer does not look right; re-check the facts it relies on.",
  set: "The list looks wrong or incomplete; re-check each item against the condition.",
};

/** The final line; mostly `Answer: X`, sometimes another common form, always extractable. */
function finalLine(answer: string, rng: Rng): string {
  const u = rng.next();
  if (u < 0.55) return `Answer: ${answer}`;
  if (u < 0.7) return `The answer is ${answer}.`;
  if (u < 0.85) return `#### ${answer}`;
  return `\\boxed{${answer}}`;
}

/** The gold alternatives (for `set`, the elements of the one gold set). */
function goldList(item: AnswerItem): string[] {
  const gold = Array.isArray(item.gold) ? item.gold : [item.gold];
  return gold.map((g) => g.trim()).filter((g) => g !== "");
}

function setElements(item: AnswerItem): string[] {
  if (Array.isArray(item.gold)) return goldList(item);
  return item.gold.split(/[,;]/).map((e) => e.trim()).filter((e) => e !== "");
}

function correctAnswer(item: AnswerItem, rng: Rng): string {
  if (item.answerType === "set") return shuffle(setElements(item), rng).join(", ");
  const gold = goldList(item)[0];
  return item.answerType === "choice" ? gold.toUpperCase() : gold;
}

/** Plausible wrong answers, never equal to a gold one; in a fixed order (the caller picks by rng). */
function wrongAnswers(item: AnswerItem): string[] {
  const golds = goldList(item);
  let out: string[];
  if (item.answerType === "choice") {
    const n = Math.max(2, item.choices?.length ?? 4);
    const taken = new Set(golds.map((g) => g.toUpperCase()));
    out = Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i)).filter((l) =>
      !taken.has(l)
    );
  } else if (item.answerType === "set") {
    out = wrongSets(setElements(item));
  } else if (item.answerType === "number" && Number.isFinite(numberOf(golds[0]))) {
    out = wrongNumbers(golds);
  } else {
    out = wrongStrings(golds);
  }
  return out.length > 0 ? out : ["none of the above"];
}

function numberOf(text: string): number {
  const cleaned = text.replace(/[,$\s]/g, "").replace(/%$/, "");
  return cleaned === "" ? NaN : Number(cleaned);
}

function formatNumber(x: number): string {
  const r = Number(x.toFixed(6));
  return Object.is(r, -0) ? "0" : String(r);
}

/** Off by a small integer, ×10, ÷2, a sign slip, a rounding slip — never numerically the gold. */
function wrongNumbers(golds: string[]): string[] {
  const g = numberOf(golds[0]);
  const values = [g + 1, g - 1, g + 2, g - 2, g * 10, g / 2, -g, g + 10];
  if (!Number.isInteger(g)) values.push(Math.round(g), Math.trunc(g) - 1);
  const goldValues = golds.map(numberOf);
  const out = new Set<string>();
  for (const v of values) {
    const text = formatNumber(v);
    const n = Number(text);
    if (Number.isFinite(n) && !goldValues.some((x) => Math.abs(x - n) < 1e-9)) out.add(text);
  }
  return [...out];
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

const FLIPS: Record<string, string> = { yes: "no", no: "yes", true: "false", false: "true" };

/** A drop or substitution of one word (or a yes/no flip), never normalising to a gold one. */
function wrongStrings(golds: string[]): string[] {
  const g = golds[0];
  const words = g.split(/\s+/);
  const candidates: string[] = [];
  const flip = FLIPS[normalize(g)];
  if (flip) candidates.push(flip);
  words.forEach((w, i) => {
    const n = numberOf(w);
    if (Number.isFinite(n)) {
      candidates.push([...words.slice(0, i), formatNumber(n + 1), ...words.slice(i + 1)].join(" "));
    }
  });
  if (words.length >= 2) {
    words.forEach((_, i) => candidates.push(words.filter((_, j) => j !== i).join(" ")));
  } else {
    const c = [...g];
    const i = c.findIndex((ch, k) => k >= 1 && k + 1 < c.length && ch !== c[k + 1]);
    if (i >= 0) candidates.push([...c.slice(0, i), c[i + 1], c[i], ...c.slice(i + 2)].join(""));
  }
  candidates.push(`not ${g}`);
  const taken = new Set(golds.map(normalize));
  return [...new Set(candidates)].filter((c) => normalize(c) !== "" && !taken.has(normalize(c)));
}

/** Drop one element, substitute one, or add one — never the gold set. */
function wrongSets(elements: string[]): string[] {
  const candidates: string[][] = [];
  if (elements.length >= 2) elements.forEach((_, i) => candidates.push(elements.toSpliced(i, 1)));
  elements.forEach((e, i) => {
    const n = numberOf(e);
    const sub = Number.isFinite(n) ? formatNumber(n + 1) : wrongStrings([e])[0];
    if (sub !== undefined) candidates.push(elements.toSpliced(i, 1, sub));
  });
  const numbers = elements.map(numberOf);
  candidates.push([
    ...elements,
    numbers.every(Number.isFinite) ? formatNumber(Math.max(...numbers) + 1) : "none",
  ]);
  const key = (set: string[]) => [...new Set(set.map(normalize))].sort().join("\u0000");
  const gold = key(elements);
  return [...new Set(candidates.filter((c) => key(c) !== gold).map((c) => c.join(", ")))];
}

function shuffle<T>(values: T[], rng: Rng): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Open-ended tasks

function openModel(
  byId: Map<string, OpenItem>,
  memory: Memory,
  options: OpenSimulationOptions,
): SimulatedTaskProvider<OpenSimulationOptions> {
  const p = checkedRates("open answers", withDefaults(OPEN_RATES, options));
  if (p.qLow > p.qHigh) {
    throw new RangeError(
      `Cannot simulate open answers with qLow as a value <= qHigh (${p.qHigh}): current value is ${p.qLow}`,
    );
  }
  const criticNoise = checkedNoise("criticNoise", options.criticNoise ?? 0.1);
  const judgeNoise = checkedNoise("judgeNoise", options.judgeNoise ?? 0.1);
  const model = checkedModel("open answers", options.model);

  const write = (item: OpenItem, quality: number, rng: Rng): string => {
    const k = Math.round(clamp(quality) * 1000);
    const text = openText(k, rng);
    remember(memory, item.id, text, { correct: k / 1000 >= p.passAt, quality: k / 1000 });
    return text;
  };
  const qualityIn = (w: Written | undefined) => w?.truth.quality ?? p.referenceQuality;

  const answer = (messages: Message[], o: ChatOptions): string => {
    const role = o.role ?? "student";
    const item = requireItem(byId, o.itemId, "open");
    const rng = rngFor(messages, o, role, item.id);
    if (role === "student") {
      const found = findWritten(memory, item.id, lastUser(messages));
      if (!found) return write(item, p.qLow + (p.qHigh - p.qLow) * rng.next(), rng);
      const q = found.truth.quality;
      return write(item, rng.next() < p.improve ? q + p.improveBy : q - p.degradeBy, rng);
    }
    if (role === "judge" && rng.next() < p.unparseableRate) {
      return "Both answers have their merits, and it is hard to say more than that.";
    }
    if (role === "judge" && isPairwise(messages, o)) {
      if (rng.next() < p.positionBias) {
        return pairwiseJson("A", "simulated: the first one reads better");
      }
      const [a, b] = candidatePair(memory, item.id, lastUser(messages));
      if (a.text.trim() === b.text.trim()) return pairwiseJson("tie", "simulated: the same answer");
      const qa = qualityIn(a.written) + judgeNoise * normal(rng);
      const qb = qualityIn(b.written) + judgeNoise * normal(rng);
      const winner = qa === qb ? "tie" : qa > qb ? "A" : "B";
      return pairwiseJson(winner, `simulated: answer ${winner} reads as more complete`);
    }
    if (role === "critic" || role === "judge") {
      const q = qualityIn(findInUsers(memory, item.id, messages));
      const noise = role === "critic" ? criticNoise : judgeNoise;
      const read = Math.round(clamp(q + noise * normal(rng)) * 1000) / 1000;
      if (role === "judge") {
        const ok = read >= p.passAt;
        return verdictJson(
          ok ? "compliant" : "needs_revision",
          ok ? "simulated: clear and complete" : "simulated: thin on specifics",
          read,
        );
      }
      return JSON.stringify({
        critiques: read < p.passAt
          ? [{
            principleId: "quality",
            quote: "",
            issue: "The answer stays general; it lacks a concrete example and a clear structure.",
            fix: "Add one specific example and order the points from most to least important.",
            severity: read < p.passAt - 0.2 ? "high" : "medium",
          }]
          : [],
      });
    }
    return otherRole(role);
  };

  return taskProvider(model, memory, answer, openModel.bind(null, byId, memory));
}

const OPENERS: readonly string[] = [
  "Here is my answer.",
  "In brief:",
  "To answer directly:",
  "Summary first.",
];

// The three middle sentences are chosen by the digits of the quality in thousandths, so texts of
// different quality always differ (and equal texts have equal quality).
const POINTS: readonly string[] = [
  "It starts from what the question actually asks and answers that first.",
  "The key idea is stated plainly before any supporting detail.",
  "The main claim comes first, followed by the reason it holds.",
  "It names the central trade-off and says which side matters more here.",
  "The core recommendation is given up front in one sentence.",
  "It separates what is known from what is only assumed.",
  "The first step is to define the terms so the rest is unambiguous.",
  "It frames the problem by its constraints before proposing anything.",
  "The answer opens with a direct response and then explains it.",
  "It identifies the audience and pitches the explanation to them.",
];

const DETAILS: readonly string[] = [
  "A concrete example shows how the idea works in practice.",
  "Two common pitfalls are named, each with a way to avoid it.",
  "The steps are listed in the order they should be done.",
  "A counter-argument is considered and answered briefly.",
  "Numbers are used where they make the point clearer.",
  "Each claim is tied to a reason rather than asserted.",
  "An analogy makes the abstract part easier to follow.",
  "The limits of the advice are stated honestly.",
  "Alternatives are compared on cost, effort and risk.",
  "The reasoning is kept short and free of jargon.",
];

const CLOSERS: readonly string[] = [
  "In short, the plan is simple enough to start today.",
  "Overall, the approach balances speed against care.",
  "The upshot is to begin small and adjust as you learn.",
  "All told, consistency matters more than intensity.",
  "So the best next step is to try it once and review.",
  "In the end, clarity about the goal drives every choice.",
  "That is why the order of the steps matters.",
  "Taken together, these points make a workable routine.",
  "The conclusion follows directly from the constraints.",
  "This keeps the effort proportional to the benefit.",
  "With that, every part of the question is covered.",
];

function openText(k: number, rng: Rng): string {
  return [
    OPENERS[rng.int(OPENERS.length)],
    POINTS[k % 10],
    DETAILS[Math.floor(k / 10) % 10],
    CLOSERS[Math.floor(k / 100)],
  ].join(" ");
}

/** A standard normal draw (Box–Muller). */
function normal(rng: Rng): number {
  const u1 = rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing

function itemMap<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  if (!Array.isArray(items)) {
    throw new TypeError(`Cannot simulate a task provider over ${typeof items}: expected an array`);
  }
  return new Map(items.map((item) => [item.id, item]));
}

/** A simulated task model: its chat, the truth of what it wrote, and its variants. */
function taskProvider<O>(
  model: string,
  memory: Memory,
  answer: (messages: Message[], o: ChatOptions) => string,
  withOptions: (other: O) => SimulatedTaskProvider<O>,
): SimulatedTaskProvider<O> {
  return {
    name: "sim",
    model,
    chat: simulatedChat(model, answer),
    truthOf: (text: string) => truthIn(memory, text),
    qualityOf: (text: string) => truthIn(memory, text)?.quality,
    withOptions,
  };
}

/** The answer simulator's default rates (the planning assumption in the module doc). */
const ANSWER_RATES = {
  correctFirst: 0.7,
  breakIfRight: 0.4,
  fixIfWrong: 0.3,
  wanderIfWrong: 0.3,
  falseAlarm: 0.35,
  miss: 0.6,
  positionBias: 0.1,
};

/** The open-task simulator's default rates and qualities. */
const OPEN_RATES = {
  qLow: 0.3,
  qHigh: 0.8,
  improve: 0.6,
  improveBy: 0.1,
  degradeBy: 0.1,
  passAt: 0.6,
  referenceQuality: 0.6,
  positionBias: 0.1,
  unparseableRate: 0,
};

/** The defaults, each replaced by the option of the same name when it is set. */
function withDefaults<T extends Record<string, number>>(
  defaults: T,
  options: Partial<Record<keyof T, unknown>>,
): T {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [key, options[key] ?? value]),
  ) as T;
}

function checkedRates<T extends Record<string, number>>(what: string, rates: T): T {
  for (const [key, value] of Object.entries(rates)) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new RangeError(
        `Cannot simulate ${what} with ${key} as a number in [0, 1]: current value is ${value}`,
      );
    }
  }
  return rates;
}

function checkedNoise(key: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot simulate open answers with ${key} as a finite number >= 0: current value is ${value}`,
    );
  }
  return value;
}

function checkedModel(what: string, model: string | undefined): string {
  if (model === undefined) return "sim";
  if (typeof model !== "string" || model.trim() === "") {
    throw new RangeError(
      `Cannot simulate ${what} with model as a non-empty string: current value is ${
        JSON.stringify(model)
      }`,
    );
  }
  return model;
}

function requireItem<T>(byId: Map<string, T>, itemId: string | undefined, kind: string): T {
  const item = itemId === undefined ? undefined : byId.get(itemId);
  if (!item) {
    throw new ProviderError(
      "sim",
      "bad_request",
      `the simulated provider needs the id of a known ${kind} item (got ${JSON.stringify(itemId)})`,
    );
  }
  return item;
}

function rngFor(messages: Message[], o: ChatOptions, role: string, itemId: string): Rng {
  return createRng(sha256Hex({ seed: o.seed ?? 0, role, itemId, messages }).slice(0, 8));
}

function remember(memory: Memory, itemId: string, text: string, truth: TaskTruth): void {
  let texts = memory.get(itemId);
  if (!texts) memory.set(itemId, texts = new Map());
  if (!texts.has(text)) texts.set(text, { itemId, text, truth });
}

/** The text this simulator wrote for the item that appears last in `text` (the longest on a tie). */
function findWritten(memory: Memory, itemId: string, text: string): Written | undefined {
  let best: { written: Written; at: number } | undefined;
  for (const written of memory.get(itemId)?.values() ?? []) {
    const at = text.lastIndexOf(written.text);
    if (at < 0) continue;
    if (
      !best || at > best.at || (at === best.at && written.text.length > best.written.text.length)
    ) {
      best = { written, at };
    }
  }
  return best?.written;
}

/**
 * The answer under review: looked for in the last user message, then in earlier ones (a structured
 * re-ask ends with a user message that only repeats the schema).
 */
function findInUsers(memory: Memory, itemId: string, messages: Message[]): Written | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== "user") continue;
    const found = findWritten(memory, itemId, messages[i].content);
    if (found) return found;
  }
  return undefined;
}

function truthIn(memory: Memory, text: string): TaskTruth | undefined {
  if (typeof text !== "string") return undefined;
  let best: Written | undefined;
  for (const texts of memory.values()) {
    const exact = texts.get(text) ?? texts.get(text.trim());
    if (exact) return exact.truth;
    for (const written of texts.values()) {
      if (text.includes(written.text) && (!best || written.text.length > best.text.length)) {
        best = written;
      }
    }
  }
  return best?.truth;
}

interface Candidate {
  text: string;
  written?: Written;
}

/**
 * Candidates A and B of a pairwise prompt: the `<answer_a>` and `<answer_b>` sections of
 * PAIRWISE_TEMPLATE, or else the first two texts of this simulator in order of appearance.
 */
function candidatePair(memory: Memory, itemId: string, text: string): [Candidate, Candidate] {
  const a = /<answer_a>\r?\n?([\s\S]*?)\r?\n?<\/answer_a>/.exec(text);
  const b = /<answer_b>\r?\n?([\s\S]*?)\r?\n?<\/answer_b>/.exec(text);
  if (a && b) {
    return [
      { text: a[1], written: findWritten(memory, itemId, a[1]) },
      { text: b[1], written: findWritten(memory, itemId, b[1]) },
    ];
  }
  const seen = [...memory.get(itemId)?.values() ?? []]
    .map((written) => ({ written, at: text.indexOf(written.text) }))
    .filter((s) => s.at >= 0)
    .sort((x, y) => x.at - y.at || y.written.text.length - x.written.text.length);
  const first = seen[0]?.written;
  const second = seen.find((s) => first && s.at >= seen[0].at + first.text.length)?.written;
  return [
    { text: first?.text ?? "", written: first },
    { text: second?.text ?? "", written: second },
  ];
}

function isPairwise(messages: Message[], o: ChatOptions): boolean {
  if (o.jsonSchema) return JSON.stringify(o.jsonSchema).includes('"winner"');
  return /<answer_a>/.test(lastUser(messages));
}

function pairwiseJson(winner: "A" | "B" | "tie", reason: string): string {
  return JSON.stringify({ winner, reason });
}

function verdictJson(verdict: "compliant" | "needs_revision", reason: string, score: number) {
  return JSON.stringify({ verdict, reasons: [reason], score: Math.round(score * 1000) / 1000 });
}

function otherRole(role: string): string {
  if (role === "meta_judge") return JSON.stringify({ unsupported: [], amendments: [] });
  if (role === "synthesizer") {
    return JSON.stringify({ lessons: ["Re-check the final answer against the question."] });
  }
  return "Re-read the question, check each step of the reasoning in order, and confirm the final answer answers what was asked.";
}

/**
 * The small contracts that plug into the critique–revision loop: a {@linkcode Critic} turns an answer
 * into feedback, a {@linkcode Scorer} turns an answer into a score. LLM critics, the test-grounded
 * critic and the hybrid critic all implement `Critic`; visible tests, hidden tests and the judge
 * implement `Scorer`.
 *
 * They live beside the records they speak in (items, critiques, scores, events) so that the loop,
 * the critics and the benchmark can all depend on them without depending on each other.
 *
 * @example A critic that always asks for brevity
 * ```ts
 * import type { Critic } from "./eval_contracts.ts";
 * const brief: Critic = {
 *   name: "brief",
 *   critique: async () => ({ critiques: [], text: "Shorter, please." }),
 * };
 * const feedback = await brief.critique({ id: "q", prompt: "Hi" }, "Hello there", { round: 0, seed: 1 });
 * if (feedback.text !== "Shorter, please.") throw new Error();
 * ```
 *
 * @module
 */
import type { Item } from "./item.ts";
import type { CallRecord, Critique, Score } from "./trace.ts";
import type { EventSink } from "./events.ts";

/** What a critic or scorer is told about the call it serves. */
export interface EvalContext {
  /** Round number (0 = the initial answer). */
  round: number;
  /** Seed of this item's run; derive every random choice from it. */
  seed: number;
  /** Abort signal of the run. */
  signal?: AbortSignal;
  /** Receives events (e.g. streamed tokens of an LLM critic). */
  onEvent?: EventSink;
  /** Receives a record of every LLM call made on the loop's behalf. */
  onCall?: (call: CallRecord) => void;
}

/** A critic's output. */
export interface Feedback {
  /** Structured critiques (principle id or test name, quote, fix, severity). */
  critiques: Critique[];
  /** The feedback text the student sees when revising. */
  text: string;
  /** Structured-output parse failures that happened while producing it. */
  parseFailures?: number;
}

/** Turns an answer into feedback for revision. */
export interface Critic {
  /** Name recorded in traces and reports ("llm", "tests", "hybrid", …). */
  readonly name: string;
  /** Critiques one answer. Must not throw for bad answers; may throw for infrastructure failures. */
  critique(item: Item, answer: string, context: EvalContext): Promise<Feedback>;
}

/** Turns an answer into a score in [0, 1]. */
export interface Scorer {
  /** Name recorded in traces and reports ("visible_tests", "hidden_tests", "judge", …). */
  readonly name: string;
  /** Scores one answer. A broken answer scores 0; infrastructure failures may throw. */
  score(item: Item, answer: string, context: EvalContext): Promise<Score>;
}

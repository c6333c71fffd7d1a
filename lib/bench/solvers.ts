/**
 * Solvers: how an arm's parts run on one item and seed. `single` answers once; `loop` runs the
 * critique–revision loop with the arm's critic, gate and stop rule; `best_of_n` samples n answers
 * and keeps the one its selector scores best; `vote` samples n answers and keeps the majority
 * answer (self-consistency); `trajectory` calls no model and replays recorded attempts (first to
 * final) for the benchmark to score one by one. The two sampling controls spend the student calls of the arm they
 * match, item by item, and draw the same samples (sample 0 is every arm's shared first answer).
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import type { CallRecord, Trace } from "../schemas/trace.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";
import { critiqueRevisionLoop } from "../loop/critique_revision_loop.ts";
import { deriveSeed, roleSeed } from "../util/derive_seed.ts";
import { studentAnswer } from "../roles/student.ts";
import { judgeVerdict } from "../roles/judge.ts";
import type { Arm } from "./arms.ts";
import type { ArmParts, PartContext, PartInfo } from "./parts.ts";

/** One item × seed for one arm, with everything a solver needs. */
export interface SolveUnit {
  /** The item. */
  item: Item;
  /** The run seed. */
  seed: number;
  /** The arm. */
  arm: Arm;
  /** What part factories are given. */
  context: PartContext;
  /** The part registry. */
  parts: ArmParts;
  /** Student sampling temperature. */
  temperature: number;
  /** Student calls the matched arm spent on this item and seed (sampling controls). */
  matchedStudentCalls?: number;
  /** Trace id for loops. */
  traceId: string;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Event sink. */
  onEvent?: EventSink;
}

/** What a solver produced. */
export interface Solved {
  /** The first answer (round 0 / sample 0): the same for every arm of an item and seed. */
  first: string;
  /** The arm's final answer. */
  final: string;
  /** Every LLM call the arm made. */
  calls: CallRecord[];
  /** Student calls (the budget a control matches). */
  studentCalls: number;
  /** Revision rounds. */
  rounds: number;
  /** Why it stopped. */
  stopReason: string;
  /** An infrastructure error that ended the arm. */
  error?: string;
  /** The loop's trace, for loop solvers. */
  trace?: Trace;
  /**
   * Every attempt, first to last, when the solver replays a trajectory: the benchmark scores each
   * one on the scoring tests (`first` and `final` are its ends).
   */
  attempts?: string[];
}

/** A solver part. */
export interface Solver extends PartInfo {
  /** The arm's role in comparisons: the baseline, a treatment loop, or a same-budget control. */
  kind: "baseline" | "loop" | "control";
  /** The arm fields the solver reads (checked against the registry). */
  slots: readonly ("critic" | "gate" | "stop" | "selectBy")[];
  /** Runs the arm on one item and seed. */
  solve(unit: SolveUnit): Promise<Solved>;
}

/**
 * The seed of sample `k` of an item: sample 0 is the loop's first answer (round 0, student).
 *
 * @param seed The run seed.
 * @param itemId The item id.
 * @param k The sample index.
 * @returns The sample's seed.
 *
 * @example
 * ```ts
 * import { sampleSeed } from "./solvers.ts";
 * import { deriveSeed, roleSeed } from "../util/derive_seed.ts";
 * if (sampleSeed(3, "q", 0) !== deriveSeed(3, ["q", 0, "student"])) throw new Error();
 * ```
 */
export function sampleSeed(seed: number, itemId: string, k: number): number {
  return k === 0
    ? roleSeed(seed, itemId, 0, "student") // the loop's first answer
    : deriveSeed(seed, [itemId, "best_of_n", k]);
}

async function runLoop(unit: SolveUnit, rounds: number): Promise<Solved> {
  const { item, arm, context: c, parts } = unit;
  const single = rounds === 0;
  // One answer is checked by the task's visible tests when it has them (no model call), so the
  // gate audit also covers first answers; otherwise nothing evaluates it.
  const visible = c.task.scorers.visible_tests;
  const gate = !single
    ? parts.gates[arm.gate].create(c)
    : visible
    ? { scorer: visible }
    : { none: true as const };
  const stop = single ? { stopWhenPassed: true } : parts.stops[arm.stop].create(c);
  const trace = await critiqueRevisionLoop(item, {
    provider: c.student,
    providers: "judge" in gate ? { judge: gate.judge } : {},
    constitution: c.constitution,
    critic: single ? undefined : parts.critics[arm.critic].create(c),
    scorer: "scorer" in gate ? gate.scorer : undefined,
    keepEveryRevision: "none" in gate,
    stopWhenPassed: stop.stopWhenPassed,
    stopRule: stop.stopRule,
    maxRounds: rounds,
    seed: unit.seed,
    roleParams: { student: { temperature: unit.temperature } },
    signal: unit.signal,
    onEvent: unit.onEvent,
    traceId: unit.traceId,
  });
  return {
    first: trace.rejected,
    final: trace.chosen,
    calls: trace.calls,
    studentCalls: trace.calls.filter((call) => call.role === "student").length,
    rounds: trace.rounds,
    stopReason: trace.stopReason,
    ...(trace.error !== undefined ? { error: trace.error } : {}),
    trace,
  };
}

/** Draws the control's n samples (sample 0 = the shared first answer), recording every call. */
async function drawSamples(
  unit: SolveUnit,
  n: number,
  calls: CallRecord[],
  onSample: (text: string, k: number) => Promise<void>,
): Promise<void> {
  const { item, seed } = unit;
  const student = recorded(unit, unit.context.student, calls, "student");
  for (let k = 0; k < n; k++) {
    const answer = await studentAnswer(student, { prompt: item.prompt }, {
      seed: sampleSeed(seed, item.id, k),
      temperature: unit.temperature,
      itemId: item.id,
      signal: unit.signal,
    });
    await onSample(answer.text, k);
  }
}

function recorded(
  unit: SolveUnit,
  provider: Provider,
  calls: CallRecord[],
  defaultRole: string,
): Provider {
  return withCallRecording(provider, (call) => {
    calls.push(call);
    emit(unit.onEvent, { type: "call", itemId: unit.item.id, ...call });
  }, { defaultRole });
}

function samplesFor(unit: SolveUnit): number {
  return unit.arm.n ?? Math.max(1, unit.matchedStudentCalls ?? 1);
}

/** Runs a sampling control, turning an infrastructure error into the result's `error`. */
async function control(
  n: number,
  sample: (calls: CallRecord[]) => Promise<{ first: string; final: string }>,
  stopReason: string,
): Promise<Solved> {
  const calls: CallRecord[] = [];
  let out = { first: "", final: "" };
  let error: string | undefined;
  try {
    out = await sample(calls);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    ...out,
    calls,
    studentCalls: n,
    rounds: 0,
    stopReason: error ? "error" : stopReason,
    ...(error ? { error } : {}),
  };
}

const single: Solver = {
  kind: "baseline",
  description: "one answer, no critique (checked by visible tests when the task has them)",
  slots: [],
  solve: (unit) => runLoop(unit, 0),
};

const loop: Solver = {
  kind: "loop",
  description: "generate → critique → revise, with the arm's gate and stop rule",
  slots: ["critic", "gate", "stop"],
  solve: (unit) => runLoop(unit, unit.arm.rounds),
};

const bestOfN: Solver = {
  kind: "control",
  description: "same-budget best-of-n: n samples, the best by the selector (never the answer key)",
  slots: ["selectBy"],
  solve(unit) {
    const n = samplesFor(unit);
    return control(n, async (calls) => {
      const { item, seed, context: c } = unit;
      const selector = unit.parts.gates[unit.arm.selectBy].create(c);
      let best: { text: string; score: number } | undefined;
      let first = "";
      await drawSamples(unit, n, calls, async (text, k) => {
        if (k === 0) first = text;
        let score = 0;
        if ("judge" in selector) {
          const verdict = await judgeVerdict(
            recorded(unit, selector.judge, calls, "judge"),
            { prompt: item.prompt, answer: text, constitution: c.constitution },
            {
              seed: deriveSeed(seed, [item.id, "best_of_n_judge", k]),
              itemId: item.id,
              signal: unit.signal,
            },
          );
          score = verdict.ok ? verdict.value.score : 0;
        } else if ("scorer" in selector) {
          score = (await selector.scorer.score(item, text, { round: k, seed, signal: unit.signal }))
            .score;
        }
        if (!best || score > best.score) best = { text, score };
      });
      return { first, final: best?.text ?? first };
    }, `best_of_${n}`);
  },
};

const vote: Solver = {
  kind: "control",
  description: "self-consistency: n samples, the majority answer (ties: the earliest)",
  tasks: ["answer"],
  slots: [],
  solve(unit) {
    const n = samplesFor(unit);
    const extract = unit.context.task.extract;
    if (!extract) {
      throw new TypeError(`Cannot vote in arm "${unit.arm.name}": the task extracts no answers`);
    }
    return control(n, async (calls) => {
      const texts: string[] = [];
      await drawSamples(unit, n, calls, (text) => {
        texts.push(text);
        return Promise.resolve();
      });
      return { first: texts[0] ?? "", final: majority(texts, (t) => extract(unit.item, t)) };
    }, `vote_of_${n}`);
  },
};

/**
 * The text whose extracted answer is the most common (ties: the value seen first); unextractable
 * texts do not vote. Returns the first text when nothing could be extracted.
 *
 * @param texts The samples, in order.
 * @param extract Reads a sample's answer.
 * @returns The first sample carrying the majority answer.
 *
 * @example
 * ```ts
 * import { majority } from "./solvers.ts";
 * const pick = majority(["x=1", "x=2", "x=2", "nothing"], (t) => t.split("=")[1]);
 * if (pick !== "x=2") throw new Error();
 * ```
 */
export function majority(
  texts: readonly string[],
  extract: (text: string) => string | undefined,
): string {
  const counts = new Map<string, { count: number; text: string }>();
  for (const text of texts) {
    const value = extract(text);
    if (value === undefined) continue;
    const entry = counts.get(value) ?? { count: 0, text };
    entry.count++;
    counts.set(value, entry);
  }
  let best: { count: number; text: string } | undefined;
  for (const entry of counts.values()) if (!best || entry.count > best.count) best = entry;
  return best?.text ?? texts[0] ?? "";
}

const trajectory: Solver = {
  kind: "baseline",
  description:
    "replays a recorded trajectory (answers:FILE rows with several attempts): no model call",
  slots: [],
  solve(unit) {
    const attempts = unit.context.attempts?.(unit.item.id);
    if (!attempts?.length) {
      return Promise.reject(
        new TypeError(
          `Cannot replay item "${unit.item.id}" in arm "${unit.arm.name}": no recorded attempts ` +
            "(the trajectory solver needs --provider answers:FILE with a row for the item)",
        ),
      );
    }
    return Promise.resolve({
      first: attempts[0],
      final: attempts[attempts.length - 1],
      calls: [],
      studentCalls: 0,
      rounds: attempts.length - 1,
      stopReason: "recorded",
      attempts: [...attempts],
    });
  },
};

/** The solvers that ship with the library. */
export const BUILTIN_SOLVERS: Readonly<Record<string, Solver>> = {
  single,
  loop,
  best_of_n: bestOfN,
  vote,
  trajectory,
};

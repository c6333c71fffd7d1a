/**
 * Turns per-item results into per-arm summaries: means, pass rates, costs, and paired comparisons
 * (Δ with a bootstrap CI, sign and permutation p-values, wins/ties/losses) against the baseline and
 * against the same-budget best-of-n control. With repeated seeds the unit of resampling is the item
 * (each item's scores are averaged over its seeds first — the cluster bootstrap with equal weights).
 *
 * @module
 */
import { z } from "zod";
import {
  type PairedSummary,
  PairedSummarySchema,
  summarizePaired,
} from "../stats/summarize_paired.ts";
import type { Arm } from "./arms.ts";
import type { ItemResult } from "./records.ts";
import { pairedByItem } from "./paired_by_item.ts";
import { comparePasses, type PassComparison, PassComparisonSchema } from "./pass_comparison.ts";
import { countFlips, type Flips, FlipsSchema } from "./flips.ts";
import {
  summarizeTrajectory,
  type TrajectorySummary,
  TrajectorySummarySchema,
} from "./trajectory.ts";
import { answerKeyFlags, type ArmParts } from "./parts.ts";
import { type PanelAgreement, panelAgreement, PanelAgreementSchema } from "../tasks/judge_panel.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** One arm's summary. */
export interface ArmSummary {
  /** Arm name. */
  arm: string;
  /** The arm's role: baseline, treatment loop, or same-budget control. */
  kind: Arm["kind"];
  /** Solver used. */
  solver: string;
  /** Critic used. */
  critic: string;
  /** Ratchet signal used. */
  gate: string;
  /** Stop rule used. */
  stop: string;
  /** Judge symmetry. */
  judge: Arm["judge"];
  /**
   * Oracle/anchor flags: one line per part that sees the answer key (empty for an honest arm). A
   * flagged arm's Δ is not a self-correction result.
   */
  answerKey: string[];
  /** Arm description. */
  description: string;
  /** Records (items × seeds). */
  n: number;
  /** Distinct items. */
  items: number;
  /** Mean hidden-test score of the final answer. */
  meanScore: number;
  /** Fraction of records whose final answer passed every hidden test. */
  passRate: number;
  /** Mean hidden-test score of the first answer. */
  meanInitialScore: number;
  /** Mean LLM calls per record. */
  meanCalls: number;
  /** Mean student calls per record. */
  meanStudentCalls: number;
  /** Mean tokens per record. */
  meanTokens: number;
  /** Mean USD per record, when every record of the arm has a cost (the run had prices). */
  meanCostUsd?: number;
  /** Records that ended with an error. */
  errors: number;
  /** Records no judge could score (open tasks); excluded from every mean and comparison. */
  unscored: number;
  /** Answer tasks: records whose final answer had no extractable answer (scored 0). */
  unextracted?: number;
  /** The control the arm is compared with (`vsControl`). */
  control?: string;
  /** For controls: the arm whose student calls it spends, item by item. */
  matchBudgetOf?: string;
  /** Correct→wrong and wrong→correct flips against the baseline (absent for the baseline). */
  flips?: Flips;
  /** Paired comparison with the baseline arm (absent for the baseline itself). */
  vsBaseline?: PairedSummary;
  /** Paired comparison with the best-of-n control (loop arms only). */
  vsControl?: PairedSummary;
  /** Pass@1 against the baseline: rates, Δ with its CI, exact McNemar p (absent for the baseline). */
  passVsBaseline?: PassComparison;
  /** Pass@1 against the same-budget control (loop arms only). */
  passVsControl?: PassComparison;
}

/** Schema of {@linkcode ArmSummary}. */
export const ArmSummarySchema: Schema<ArmSummary> = z.object({
  arm: z.string(),
  kind: z.enum(["baseline", "loop", "control"]),
  solver: z.string(),
  critic: z.string(),
  gate: z.string(),
  stop: z.string(),
  judge: z.enum(["symmetric", "asymmetric"]),
  answerKey: z.array(z.string()),
  description: z.string(),
  n: z.number().int().min(0),
  items: z.number().int().min(0),
  meanScore: z.number(),
  passRate: z.number(),
  meanInitialScore: z.number(),
  meanCalls: z.number(),
  meanStudentCalls: z.number(),
  meanTokens: z.number(),
  meanCostUsd: z.number().nonnegative().optional(),
  errors: z.number().int().min(0),
  unscored: z.number().int().min(0),
  unextracted: z.number().int().min(0).optional(),
  control: z.string().optional(),
  matchBudgetOf: z.string().optional(),
  flips: zodOf(FlipsSchema).optional(),
  vsBaseline: zodOf(PairedSummarySchema).optional(),
  vsControl: zodOf(PairedSummarySchema).optional(),
  passVsBaseline: zodOf(PassComparisonSchema).optional(),
  passVsControl: zodOf(PassComparisonSchema).optional(),
});

/** The whole benchmark summary (`summary.json`). */
export interface BenchSummary {
  /** Run name. */
  run: string;
  /** The task kind (`code`, `answer`, `open`, …). */
  task?: string;
  /** Code tasks: which tests scored, `hidden` or `all` (visible + hidden). */
  scoreTests?: "hidden" | "all";
  /** True when the authors were simulated: every output must say SIMULATED. */
  simulated: boolean;
  /** Seeds run. */
  seeds: number[];
  /** Items in the dataset (after sharding). */
  items: number;
  /** False when a budget or an interrupt stopped the run early. */
  complete: boolean;
  /** Per-arm summaries, in arm order. */
  arms: ArmSummary[];
  /** Open tasks with a panel of 2+ judges: agreement between the judges over every record. */
  agreement?: PanelAgreement;
  /** Arms that replayed recorded attempts: first → final Δ, flips and the per-attempt curve. */
  trajectories?: TrajectorySummary[];
  /** Notes (budget exhausted, missing pairs…). */
  notes: string[];
}

/** Schema of {@linkcode BenchSummary}. */
export const BenchSummarySchema: Schema<BenchSummary> = z.object({
  run: z.string(),
  task: z.string().optional(),
  scoreTests: z.enum(["hidden", "all"]).optional(),
  simulated: z.boolean(),
  seeds: z.array(z.number().int()),
  items: z.number().int().min(0),
  complete: z.boolean(),
  arms: z.array(zodOf(ArmSummarySchema)),
  agreement: zodOf(PanelAgreementSchema).optional(),
  trajectories: z.array(zodOf(TrajectorySummarySchema)).optional(),
  notes: z.array(z.string()),
});

/** Options for {@linkcode summarizeBenchmark}. */
export interface SummarizeBenchmarkOptions {
  /** Run name. @default "run" */
  run?: string;
  /** Simulated authors. @default false */
  simulated?: boolean;
  /** Seeds of the run. @default the seeds found in the records */
  seeds?: number[];
  /** Items in the dataset. @default the distinct ids found */
  items?: number;
  /** Whether the run finished. @default true */
  complete?: boolean;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the bootstrap and permutation tests. @default 0 */
  statsSeed?: number;
  /** Extra notes. @default [] */
  notes?: string[];
  /** The part registry (for the answer-key flags). @default the built-in parts */
  parts?: ArmParts;
  /**
   * The answer-key flags per arm, as a manifest records them (`parameters.answerKey`); wins over
   * `parts`. @default computed from `parts`
   */
  answerKey?: Readonly<Record<string, readonly string[]>>;
  /** The task kind. @default undefined */
  task?: string;
  /** Code tasks: which tests scored. @default undefined */
  scoreTests?: "hidden" | "all";
  /** How the open-task panel judged (for the agreement statistic). @default "pointwise" */
  panelMode?: "pointwise" | "pairwise";
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export { pairedByItem } from "./paired_by_item.ts";

/**
 * Summarizes benchmark records per arm, with paired comparisons against the baseline and the
 * same-budget control.
 *
 * @param records All item results.
 * @param arms The arms, in report order.
 * @param options Run name, simulation label, statistics settings.
 * @returns A summary valid under {@linkcode BenchSummarySchema}.
 *
 * @example
 * ```ts
 * import { resolveArms } from "./arms.ts";
 * import { summarizeBenchmark } from "./summary.ts";
 * const arms = resolveArms(["baseline", "tests", "best_of_n"]);
 * const rec = (id: string, arm: string, score: number) => ({
 *   id, arm, seed: 0, score, passed: score === 1, initialScore: 0, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "max_rounds", ms: 1, simulated: true,
 * });
 * const records = ["a", "b", "c"].flatMap((id) => [rec(id, "baseline", 0), rec(id, "tests", 1), rec(id, "best_of_n", 0)]);
 * const s = summarizeBenchmark(records, arms, { resamples: 999 });
 * if (s.arms[1].vsBaseline?.delta !== 1 || s.arms[1].vsControl?.wtl.wins !== 3) throw new Error();
 * if (s.arms[1].flips?.wrongToCorrect !== 3 || s.arms[1].flips.correctToWrong !== 0) throw new Error();
 * ```
 */
export function summarizeBenchmark(
  records: readonly ItemResult[],
  arms: readonly Arm[],
  options: SummarizeBenchmarkOptions = {},
): BenchSummary {
  const byArm = new Map<string, ItemResult[]>();
  for (const r of records) byArm.set(r.arm, [...(byArm.get(r.arm) ?? []), r]);
  const baseline = arms.find((a) => a.kind === "baseline");
  const notes = [...(options.notes ?? [])];
  const stats = { resamples: options.resamples ?? 9999, seed: options.statsSeed ?? 0 };
  const compare = (arm: Arm, other: Arm | undefined, label: string) => {
    if (!other || other.name === arm.name) return undefined;
    const paired = pairedByItem(byArm.get(other.name) ?? [], byArm.get(arm.name) ?? []);
    if (paired.missing) {
      notes.push(`${arm.name} vs ${label}: ${paired.missing} pair(s) missing (not run or failed)`);
    }
    return summarizePaired(paired.a, paired.b, stats);
  };
  const comparePass = (arm: Arm, other: Arm | undefined) =>
    !other || other.name === arm.name
      ? undefined
      : comparePasses(byArm.get(other.name) ?? [], byArm.get(arm.name) ?? [], stats);
  const summaries = arms.map((arm): ArmSummary => {
    const all = byArm.get(arm.name) ?? [];
    const rs = all.filter((r) => !r.unscored);
    const unscored = all.length - rs.length;
    if (unscored) {
      notes.push(
        `${arm.name}: ${unscored} unscored record(s) (no judge verdict parsed) excluded from every statistic`,
      );
    }
    const control = arm.kind === "loop"
      ? arms.find((a) => a.kind === "control" && a.matchBudgetOf === arm.name) ??
        arms.find((a) => a.kind === "control")
      : undefined;
    const extracted = rs.filter((r) => r.extractRule !== undefined);
    return {
      arm: arm.name,
      kind: arm.kind,
      solver: arm.solver,
      critic: arm.critic,
      gate: arm.gate,
      stop: arm.stop,
      judge: arm.judge,
      answerKey: [...(options.answerKey?.[arm.name] ?? answerKeyFlags(arm, options.parts))],
      description: arm.description,
      n: rs.length,
      items: new Set(rs.map((r) => r.id)).size,
      meanScore: mean(rs.map((r) => r.score)),
      passRate: mean(rs.map((r) => (r.passed ? 1 : 0))),
      meanInitialScore: mean(rs.map((r) => r.initialScore)),
      meanCalls: mean(rs.map((r) => r.calls)),
      meanStudentCalls: mean(rs.map((r) => r.studentCalls)),
      meanTokens: mean(rs.map((r) => r.tokens)),
      ...(rs.length && rs.every((r) => r.costUsd !== undefined)
        ? { meanCostUsd: mean(rs.map((r) => r.costUsd!)) }
        : {}),
      errors: rs.filter((r) => r.error).length,
      unscored,
      ...(extracted.length
        ? { unextracted: extracted.filter((r) => r.extractRule === "none").length }
        : {}),
      ...(control && control.name !== arm.name ? { control: control.name } : {}),
      ...(arm.kind === "control" && arm.matchBudgetOf ? { matchBudgetOf: arm.matchBudgetOf } : {}),
      ...(baseline && baseline.name !== arm.name
        ? { flips: countFlips(byArm.get(baseline.name) ?? [], all) }
        : {}),
      vsBaseline: compare(arm, baseline, "baseline"),
      vsControl: compare(arm, control, "control"),
      passVsBaseline: comparePass(arm, baseline),
      passVsControl: comparePass(arm, control),
    };
  });
  const seeds = options.seeds ?? [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);
  const judged = records.filter((r) => (r.judgeScores?.length ?? 0) >= 2);
  const trajectories = arms.flatMap((arm) => {
    const t = summarizeTrajectory(arm.name, byArm.get(arm.name) ?? [], stats);
    return t ? [t] : [];
  });
  return {
    run: options.run ?? "run",
    ...(options.task !== undefined ? { task: options.task } : {}),
    ...(options.scoreTests !== undefined ? { scoreTests: options.scoreTests } : {}),
    simulated: options.simulated ?? false,
    seeds,
    items: options.items ?? new Set(records.map((r) => r.id)).size,
    complete: options.complete ?? true,
    arms: summaries,
    ...(judged.length
      ? {
        agreement: panelAgreement(
          judged.map((r) => ({ judgeScores: r.judgeScores! })),
          { mode: options.panelMode ?? "pointwise", resamples: stats.resamples, seed: stats.seed },
        ),
      }
      : {}),
    ...(trajectories.length ? { trajectories } : {}),
    notes,
  };
}

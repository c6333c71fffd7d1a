/**
 * A judge panel for open-ended answers: several judge models score the same answer — pointwise
 * against the constitution, or pairwise against a reference answer with both orders asked — and
 * the panel reports each judge's score (null when a judge's verdict could not be parsed), their
 * mean, and, over many items, how well the judges agree ({@linkcode panelAgreement}).
 *
 * A judge whose output still fails to parse after the structured-output re-ask is *unscored*,
 * never counted as 0 or 1; an answer no judge could score is marked `unscored` so the caller
 * excludes it from statistics instead of counting it as a failure.
 *
 * @module
 */
import { z } from "zod";
import type { CallRecord } from "../schemas/trace.ts";
import type { OpenItem } from "../schemas/task_item.ts";
import type { Provider } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { type PrincipleSelection, selectPrinciples } from "../constitution/render_constitution.ts";
import { judgePairwise, judgeVerdict, reviewInput } from "../roles/judge.ts";
import { deriveSeed } from "../util/derive_seed.ts";
import {
  type AgreementCi,
  agreementCi,
  AgreementCiSchema,
  cohenKappa,
  krippendorffAlpha,
  rawAgreement,
} from "../stats/agreement.ts";
import { DEFAULT_SEED } from "../stats/default_seed.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** How the panel judges: one answer against the constitution, or the answer against a reference. */
export type PanelMode = "pointwise" | "pairwise";

/** Schema of {@linkcode PanelMode}. */
export const PanelModeSchema: Schema<PanelMode> = z.enum(["pointwise", "pairwise"]);

/** The panel's score of one answer. */
export interface PanelScore {
  /** Mean of the non-null judge scores, in [0, 1]; 0 when `unscored`. */
  score: number;
  /** `score` ≥ the pass threshold (false when `unscored`). */
  passed: boolean;
  /** No judge gave a parseable verdict: exclude this answer from statistics. */
  unscored: boolean;
  /**
   * Each judge's score in panel order: pointwise the verdict's score; pairwise 1 (the answer
   * wins), 0.5 (tie, or the verdict flipped with position) or 0 (the reference wins); null when
   * the judge's output could not be parsed.
   */
  judgeScores: (number | null)[];
  /** One line per judge: its score and why, or why it is unscored. */
  detail: string;
}

/** Schema of {@linkcode PanelScore}. */
export const PanelScoreSchema: Schema<PanelScore> = z.object({
  score: z.number().min(0).max(1),
  passed: z.boolean(),
  unscored: z.boolean(),
  judgeScores: z.array(z.number().min(0).max(1).nullable()),
  detail: z.string(),
});

/** Options for {@linkcode createJudgePanel}. */
export interface JudgePanelOptions {
  /** The principles the judges apply (the rubric). Required. */
  constitution: Constitution;
  /** Pointwise verdicts or pairwise comparisons against a reference. @default "pointwise" */
  mode?: PanelMode;
  /** Only these principles are shown to the judges. @default all */
  selection?: PrincipleSelection;
  /** Sampling temperature of every judge call. @default 0 */
  temperature?: number;
  /** An answer passes when the panel's mean score is at least this. @default 0.5 */
  passThreshold?: number;
}

/** What {@linkcode JudgePanel.score} is told about the call it serves. */
export interface PanelContext {
  /** Seed of this item's run; each judge's seed is derived from it. */
  seed: number;
  /** Abort signal of the run. @default undefined */
  signal?: AbortSignal;
  /** Receives a record of every judge call, in panel order. @default undefined */
  onCall?: (call: CallRecord) => void;
  /** Pairwise: the answer to compare against (candidate A). @default item.reference */
  reference?: string;
}

/** Several judges scoring the same answers. */
export interface JudgePanel {
  /** Name recorded as the score's source: `judge_panel`. */
  readonly name: string;
  /** Pointwise or pairwise. */
  readonly mode: PanelMode;
  /** The judges as `provider:model`, in panel order. */
  readonly judges: readonly string[];
  /**
   * Scores one answer with every judge (concurrently; call records are reported in panel order).
   * Unparseable verdicts are unscored, not failures; provider errors propagate.
   */
  score(item: OpenItem, answer: string, context: PanelContext): Promise<PanelScore>;
}

interface JudgeOutcome {
  score: number | null;
  note: string;
}

/**
 * Creates a judge panel. Judge `j` is called with the seed
 * `deriveSeed(context.seed, [item.id, "panel", j, mode])`, the panel's temperature and the item id
 * (providers that answer per item need it), through `withCallRecording` (default role "judge")
 * when `context.onCall` is given. Pointwise, each judge's score is `judgeVerdict`'s score.
 * Pairwise, each judge compares the reference (A) with the answer (B) in both orders
 * (`judgePairwise` with `swap`); a verdict that flips with position counts as a tie.
 *
 * @param judges The judges' models, at least one.
 * @param options Constitution, mode, principle subset, temperature, pass threshold.
 * @returns The panel.
 * @throws {TypeError} when `judges` is empty or holds a non-provider, or the constitution or mode is
 * invalid.
 * @throws {RangeError} when the temperature or the pass threshold is out of range, or the selection
 * names an unknown principle or tag.
 *
 * @example Two judges, one of them unparseable: the mean of the one that scored
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { createJudgePanel } from "./judge_panel.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const good = createScriptedProvider({
 *   byRole: { judge: '{"verdict": "compliant", "reasons": ["exact"], "score": 0.75}' },
 * });
 * const broken = createScriptedProvider({ byRole: { judge: "I cannot answer in JSON." } });
 * const panel = createJudgePanel([good, broken], { constitution });
 * const s = await panel.score({ id: "q", prompt: "pi?" }, "3.14159", { seed: 1 });
 * if (s.score !== 0.75 || s.judgeScores[1] !== null || s.unscored || !s.passed) throw new Error();
 * ```
 */
export function createJudgePanel(
  judges: readonly Provider[],
  options: JudgePanelOptions,
): JudgePanel {
  const panel = checkPanelOptions(judges, options);
  return {
    name: "judge_panel",
    mode: panel.mode,
    judges: panel.names,
    score(item: OpenItem, answer: string, context: PanelContext): Promise<PanelScore> {
      return scoreWithPanel(panel, item, answer, context);
    },
  };
}

/** A checked panel: its judges and their names, rubric, mode and sampling settings. */
interface PanelSettings {
  judges: readonly Provider[];
  /** `name:model` of each judge. */
  names: string[];
  constitution: Constitution;
  mode: PanelMode;
  selection: PrincipleSelection | undefined;
  temperature: number;
  passThreshold: number;
}

/**
 * Checks the judges and options of {@linkcode createJudgePanel} in order (judges, each judge,
 * constitution, mode, temperature, pass threshold, selection) and fills in the defaults.
 */
function checkPanelOptions(
  judges: readonly Provider[],
  options: JudgePanelOptions,
): PanelSettings {
  if (!Array.isArray(judges) || judges.length === 0) {
    throw new TypeError(
      `Cannot create a judge panel without judges: current value is ${
        Array.isArray(judges) ? "an empty array" : typeof judges
      }`,
    );
  }
  judges.forEach((judge, j) => {
    if (!judge || typeof judge.chat !== "function") {
      throw new TypeError(
        `Cannot use judges[${j}] as a provider with chat(): current value is ${typeof judge}`,
      );
    }
  });
  const constitution = options?.constitution;
  if (!constitution || !Array.isArray(constitution.principles)) {
    throw new TypeError(
      `Cannot create a judge panel with options.constitution as a Constitution: current value is ${typeof constitution}`,
    );
  }
  const mode = options.mode ?? "pointwise";
  if (mode !== "pointwise" && mode !== "pairwise") {
    throw new TypeError(
      `Cannot create a judge panel in mode "pointwise" | "pairwise": current value is ${
        JSON.stringify(mode)
      }`,
    );
  }
  const temperature = options.temperature ?? 0;
  if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature < 0) {
    throw new RangeError(
      `Cannot create a judge panel with temperature as a finite number >= 0: current value is ${temperature}`,
    );
  }
  const passThreshold = options.passThreshold ?? 0.5;
  if (typeof passThreshold !== "number" || !(passThreshold >= 0 && passThreshold <= 1)) {
    throw new RangeError(
      `Cannot create a judge panel with passThreshold in [0, 1]: current value is ${passThreshold}`,
    );
  }
  const selection = options.selection;
  selectPrinciples(constitution, selection); // unknown ids or tags throw here, not mid-run
  const names = judges.map((judge) => `${judge.name}:${judge.model}`);
  return { judges, names, constitution, mode, selection, temperature, passThreshold };
}

/** Asks judge `j` for its score of one answer (pointwise verdict, or pairwise in both orders). */
async function askJudge(
  panel: PanelSettings,
  provider: Provider,
  j: number,
  item: OpenItem,
  answer: string,
  context: PanelContext,
  reference: string | undefined,
): Promise<JudgeOutcome> {
  const { mode, constitution, selection } = panel;
  const roleOptions = {
    seed: deriveSeed(context.seed, [item.id, "panel", j, mode]),
    temperature: panel.temperature,
    signal: context.signal,
    itemId: item.id,
  };
  if (mode === "pointwise") {
    const r = await judgeVerdict(
      provider,
      reviewInput(item, answer, constitution, selection),
      roleOptions,
    );
    if (!r.ok) return { score: null, note: `unscored (${clip(r.error)})` };
    return { score: r.value.score, note: `${r.value.score} (${r.value.verdict})` };
  }
  const r = await judgePairwise(
    provider,
    { prompt: item.prompt, a: reference!, b: answer, constitution, selection },
    { ...roleOptions, swap: true },
  );
  if (!r.ok) return { score: null, note: `unscored (${clip(r.error)})` };
  if (!r.value.consistent) {
    return {
      score: 0.5,
      note:
        `0.5 (tie: the verdict flipped with position, A/B order said ${r.value.original.winner})`,
    };
  }
  const winner = r.value.winner;
  const score = winner === "B" ? 1 : winner === "A" ? 0 : 0.5;
  const said = winner === "B" ? "the answer wins" : winner === "A" ? "the reference wins" : "tie";
  return { score, note: `${score} (${said} in both orders)` };
}

/**
 * Checks the item, answer and context of one {@linkcode JudgePanel.score} call and returns the
 * reference to compare against (required pairwise).
 */
function checkScoreArguments(
  mode: PanelMode,
  item: OpenItem,
  answer: string,
  context: PanelContext,
): string | undefined {
  if (!item || typeof item.id !== "string" || typeof item.prompt !== "string") {
    throw new TypeError(
      `Cannot score with the judge panel: item must have a string id and prompt, current value is ${
        JSON.stringify(item)
      }`,
    );
  }
  if (typeof answer !== "string") {
    throw new TypeError(
      `Cannot score item "${item.id}" with the judge panel: answer must be a string, current value is ${typeof answer}`,
    );
  }
  if (!context || !Number.isSafeInteger(context.seed)) {
    throw new RangeError(
      `Cannot score item "${item.id}" with context.seed as a safe integer: current value is ${context?.seed}`,
    );
  }
  const reference = context.reference ?? item.reference;
  if (mode === "pairwise" && (typeof reference !== "string" || reference.trim() === "")) {
    throw new TypeError(
      `Cannot score item "${item.id}" pairwise without a reference (context.reference or ` +
        `item.reference): current value is ${JSON.stringify(reference)}`,
    );
  }
  return reference;
}

/**
 * Scores one answer with every judge concurrently, reports the call records in panel order, rethrows
 * the first provider error, and summarises the judges' outcomes.
 */
async function scoreWithPanel(
  panel: PanelSettings,
  item: OpenItem,
  answer: string,
  context: PanelContext,
): Promise<PanelScore> {
  const reference = checkScoreArguments(panel.mode, item, answer, context);
  const { judges } = panel;
  const records: CallRecord[][] = judges.map(() => []);
  const settled = await Promise.allSettled(judges.map((judge, j) => {
    const provider = context.onCall
      ? withCallRecording(judge, (r) => records[j].push(r), { defaultRole: "judge" })
      : judge;
    return askJudge(panel, provider, j, item, answer, context, reference);
  }));
  if (context.onCall) { for (const list of records) for (const r of list) context.onCall(r); }
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<JudgeOutcome>).value);
  return summarizeOutcomes(panel, outcomes);
}

/** The panel's score: the mean of the judges that scored (unscored when none did), with a detail text. */
function summarizeOutcomes(panel: PanelSettings, outcomes: JudgeOutcome[]): PanelScore {
  const { mode, names, judges } = panel;
  const judgeScores = outcomes.map((o) => o.score);
  const scored = judgeScores.filter((s): s is number => s !== null);
  const unscored = scored.length === 0;
  const score = unscored ? 0 : scored.reduce((a, b) => a + b, 0) / scored.length;
  const lines = outcomes.map((o, j) => `${names[j]}: ${o.note}`);
  const head = unscored
    ? `unscored: no judge of the ${mode} panel gave a parseable verdict`
    : `${mode} panel mean ${round(score)} over ${scored.length} of ${judges.length} judges`;
  return {
    score,
    passed: !unscored && score >= panel.passThreshold,
    unscored,
    judgeScores,
    detail: [head, ...lines].join("\n"),
  };
}

/** What the panel's judges agreed on, over a set of scored answers. */
export type PanelAgreement = PointwisePanelAgreement | PairwisePanelAgreement;

/** Counts shared by both kinds of {@linkcode PanelAgreement}. */
export interface PanelAgreementCounts {
  /** Rows (scored answers) given. */
  rows: number;
  /** Judges on the panel (the longest `judgeScores`). */
  judges: number;
  /** Judge verdicts that were unscored (null), over all rows. */
  unscoredVerdicts: number;
  /** Rows where every judge was unscored. */
  unscoredRows: number;
}

/** Agreement of a pointwise panel. */
export interface PointwisePanelAgreement extends PanelAgreementCounts {
  /** Pointwise. */
  mode: "pointwise";
  /** Krippendorff's α (interval) over all judges, bootstrapped over rows with ≥ 2 scores. */
  alpha: AgreementCi;
}

/** Agreement of a pairwise panel, between judges 1 and 2 on win / tie / loss labels. */
export interface PairwisePanelAgreement extends PanelAgreementCounts {
  /** Pairwise. */
  mode: "pairwise";
  /** Share of rows where judges 1 and 2 gave the same label, bootstrapped over rows both scored. */
  rawAgreement: AgreementCi;
  /** Cohen's κ of judges 1 and 2, bootstrapped over the same rows. */
  kappa: AgreementCi;
}

const countsShape = {
  rows: z.number().int().min(0),
  judges: z.number().int().min(0),
  unscoredVerdicts: z.number().int().min(0),
  unscoredRows: z.number().int().min(0),
};

/** Schema of {@linkcode PanelAgreement}. */
export const PanelAgreementSchema: Schema<PanelAgreement> = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("pointwise"), ...countsShape, alpha: zodOf(AgreementCiSchema) }),
  z.object({
    mode: z.literal("pairwise"),
    ...countsShape,
    rawAgreement: zodOf(AgreementCiSchema),
    kappa: zodOf(AgreementCiSchema),
  }),
]);

/** Options for {@linkcode panelAgreement}. */
export interface PanelAgreementOptions {
  /** How the rows were scored: pointwise scores in [0, 1] or pairwise 0 / 0.5 / 1. @default "pointwise" */
  mode?: PanelMode;
  /** Bootstrap resamples of each interval. @default 9999 */
  resamples?: number;
  /** Seed of the resampling. @default DEFAULT_SEED */
  seed?: number;
  /** Two-sided confidence level. @default 0.95 */
  confidence?: number;
}

/**
 * How well a panel's judges agree over many scored answers, with percentile bootstrap CIs over rows
 * (items). Pointwise: Krippendorff's α at the interval level over all judges (rows where fewer than
 * two judges scored are not pairable and are left out). Pairwise: raw agreement and Cohen's κ
 * between judges 1 and 2 on the labels win (1), tie (0.5) and loss (0), over the rows both scored.
 * An undefined statistic (e.g. every judge always gave the same score) is null with a note.
 *
 * @param rows One row per scored answer (e.g. {@linkcode PanelScore}s): each judge's score, null
 * when unscored.
 * @param options Mode, resamples, seed, confidence.
 * @returns The agreement record with counts.
 * @throws {TypeError} when a row has no `judgeScores` array or a score is not allowed in the mode
 * (pointwise: finite in [0, 1]; pairwise: 0, 0.5 or 1), or the mode is unknown.
 * @throws {RangeError} when an option is out of range.
 *
 * @example Two judges who differ only once in six pairwise verdicts
 * ```ts
 * import { panelAgreement } from "./judge_panel.ts";
 * const rows = [[1, 1], [0, 0], [0.5, 0.5], [1, 0.5], [1, 1], [0, 0]]
 *   .map((judgeScores) => ({ judgeScores }));
 * const r = panelAgreement(rows, { mode: "pairwise", resamples: 999 });
 * if (r.mode !== "pairwise" || r.rawAgreement.estimate !== 5 / 6) throw new Error();
 * ```
 */
export function panelAgreement(
  rows: readonly { readonly judgeScores: readonly (number | null)[] }[],
  options: PanelAgreementOptions = {},
): PanelAgreement {
  const mode = options.mode ?? "pointwise";
  if (mode !== "pointwise" && mode !== "pairwise") {
    throw new TypeError(
      `Cannot measure panel agreement in mode "pointwise" | "pairwise": current value is ${
        JSON.stringify(mode)
      }`,
    );
  }
  if (!Array.isArray(rows)) {
    throw new TypeError(
      `Cannot measure panel agreement over rows as an array: current value is ${typeof rows}`,
    );
  }
  const ci = {
    resamples: options.resamples,
    seed: options.seed ?? DEFAULT_SEED,
    confidence: options.confidence,
  };
  let judges = 0, unscoredVerdicts = 0, unscoredRows = 0;
  const table = rows.map((row, i) => {
    const scores = row?.judgeScores;
    if (!Array.isArray(scores)) {
      throw new TypeError(
        `Cannot read rows[${i}].judgeScores as an array: current value is ${typeof scores}`,
      );
    }
    scores.forEach((s, j) => checkScore(s, mode, `rows[${i}].judgeScores[${j}]`));
    judges = Math.max(judges, scores.length);
    const missing = scores.filter((s) => s === null).length;
    unscoredVerdicts += missing;
    if (missing === scores.length) unscoredRows++;
    return scores;
  });
  const counts = { rows: rows.length, judges, unscoredVerdicts, unscoredRows };
  if (mode === "pointwise") {
    const pairable = table.filter((s) => s.filter((v) => v !== null).length >= 2);
    return {
      mode,
      ...counts,
      alpha: agreementCi(pairable, (sample) => krippendorffAlpha(sample), ci),
    };
  }
  const pairs = table
    .map((s) => [label(s[0] ?? null), label(s[1] ?? null)] as const)
    .filter(([x, y]) => x !== null && y !== null);
  const first = (sample: readonly (readonly [string | null, string | null])[]) =>
    sample.map((p) => p[0]);
  const second = (sample: readonly (readonly [string | null, string | null])[]) =>
    sample.map((p) => p[1]);
  return {
    mode,
    ...counts,
    rawAgreement: agreementCi(pairs, (s) => rawAgreement(first(s), second(s)), ci),
    kappa: agreementCi(pairs, (s) => cohenKappa(first(s), second(s)), ci),
  };
}

function checkScore(score: number | null, mode: PanelMode, where: string): void {
  if (score === null) return;
  const ok = mode === "pointwise"
    ? typeof score === "number" && score >= 0 && score <= 1
    : score === 0 || score === 0.5 || score === 1;
  if (!ok) {
    throw new TypeError(
      `Cannot read ${where} as a ${
        mode === "pointwise" ? "score in [0, 1]" : "pairwise score 0, 0.5 or 1"
      } or null: current value is ${JSON.stringify(score)}`,
    );
  }
}

function label(score: number | null): string | null {
  return score === null ? null : score === 1 ? "win" : score === 0 ? "loss" : "tie";
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

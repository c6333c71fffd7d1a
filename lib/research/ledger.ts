/**
 * The run's records: a JSONL ledger with one full record per finished iteration (appended as one
 * line, so a kill leaves at most a torn last line that readers skip), and `results.tsv` in the
 * autoresearch format (`commit`, metric, resource, `status`, `description`, tab-separated),
 * regenerated from the ledger so the two never disagree.
 *
 * Run directory layout: `ledger.jsonl`, `results.tsv`, `logs/<attempt>-r<k>.log`,
 * `patches/<attempt>.<status>.patch`, `AUDIT_LOG.md`, `AUDIT_LOG.json`, `STOP` (create it to stop
 * after the current iteration), `run.lock`, `runner.pid`.
 *
 * @module
 */
import { z } from "zod";
import { join } from "node:path";
import { appendJsonLine, writeTextAtomic } from "../util/atomic.ts";
import { readJsonl } from "../util/jsonl.ts";
import type { Idea, JudgeRanking, ResearchMemory, Review } from "./schemas.ts";
import { IdeaSchema, JudgeRankingSchema, ResearchMemorySchema, ReviewSchema } from "./schemas.ts";
import { type Usage, UsageSchema } from "../schemas/chat.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** Outcome of one attempt. `rejected` = contract violation; `noop` = the edit changed nothing. */
export type AttemptStatus = "keep" | "discard" | "crash" | "noop" | "rejected";

/** Schema of {@linkcode AttemptStatus}. */
export const AttemptStatusSchema: Schema<AttemptStatus> = z.enum([
  "keep",
  "discard",
  "crash",
  "noop",
  "rejected",
]);

/** Where an attempt stopped or was decided. */
export type AttemptPhase =
  | "edit"
  | "contract"
  | "run"
  | "metric"
  | "guardrail"
  | "acceptance"
  | "confirm"
  | "selection";

const attemptPhase = z.enum([
  "edit",
  "contract",
  "run",
  "metric",
  "guardrail",
  "acceptance",
  "confirm",
  "selection",
]);

/** Statistics of one acceptance comparison. */
export interface ComparisonRecord {
  /** Mean improvement (positive = better), metric units. */
  improvement: number;
  /** Improvement relative to |incumbent mean|. */
  relative: number;
  /** One-sided p-value (1 when no noise test applied). */
  p: number;
  /** Standard error of the improvement. */
  se: number;
  /** Degrees of freedom. */
  df: number;
  /** Whether a noise test applied (≥ 2 runs per side). */
  noiseTested: boolean;
  /** Whether the rule passed. */
  passed: boolean;
}

const comparisonRecord = z.object({
  improvement: z.number(),
  relative: z.number(),
  p: z.number(),
  se: z.number(),
  df: z.number(),
  noiseTested: z.boolean(),
  passed: z.boolean(),
});

/** One evaluated (or refused) idea. */
export interface Attempt {
  /** "3" for the first candidate of iteration 3, "3.1" for the second. */
  id: string;
  /** Iteration number. */
  iteration: number;
  /** Candidate index within the iteration. */
  candidate: number;
  /** Proposal id within the iteration ("P1", …). */
  proposal: string;
  /** Which proposer produced it ("provider/model@temperature"). */
  proposer: string;
  /** The idea. */
  idea: Idea;
  /** Outcome. */
  status: AttemptStatus;
  /** Where it stopped or was decided. */
  phase: AttemptPhase;
  /** Why. */
  reason: string;
  /** Incumbent commit the attempt was built on. */
  parent: string;
  /** Tree of the edit, when there was a change. */
  tree?: string;
  /** The attempt's commit. */
  commit?: string;
  /** Ref keeping a non-kept commit reachable. */
  ref?: string;
  /** Patch file (relative to the run directory). */
  patch?: string;
  /** Repository-relative paths the edit changed. */
  changedFiles: string[];
  /** Metric per run. */
  samples: number[];
  /** Metric per confirmation run. */
  confirmSamples: number[];
  /** Fresh incumbent measurements taken during confirmation. */
  incumbentConfirm: number[];
  /** Mean of all successful runs (absent for crashes). */
  mean?: number;
  /** Acceptance statistics (pooled after confirmation). */
  comparison?: ComparisonRecord;
  /** Confirmation statistics (fresh runs only). */
  confirmComparison?: ComparisonRecord;
  /** Guardrail means by name. */
  guardrails: Record<string, number>;
  /** Multi-metric component means by name. */
  components?: Record<string, number>;
  /** Resource mean (results.tsv resource column). */
  resource?: number;
  /** Log files (relative to the run directory). */
  logs: string[];
  /** Last output lines of a crash. */
  logTail?: string;
  /** Wall milliseconds. */
  ms: number;
}

const numbers = z.record(z.string(), z.number());

const attemptObject = z.object({
  id: z.string(),
  iteration: z.number().int().positive(),
  candidate: z.number().int().nonnegative(),
  proposal: z.string(),
  proposer: z.string(),
  idea: zodOf(IdeaSchema),
  status: zodOf(AttemptStatusSchema),
  phase: attemptPhase,
  reason: z.string(),
  parent: z.string(),
  tree: z.string().optional(),
  commit: z.string().optional(),
  ref: z.string().optional(),
  patch: z.string().optional(),
  changedFiles: z.array(z.string()),
  samples: z.array(z.number()),
  confirmSamples: z.array(z.number()),
  incumbentConfirm: z.array(z.number()),
  mean: z.number().optional(),
  comparison: comparisonRecord.optional(),
  confirmComparison: comparisonRecord.optional(),
  guardrails: numbers,
  components: numbers.optional(),
  resource: z.number().optional(),
  logs: z.array(z.string()),
  logTail: z.string().optional(),
  ms: z.number().nonnegative(),
});

/** Schema of {@linkcode Attempt}. */
export const AttemptSchema: Schema<Attempt> = attemptObject;

/** The incumbent (best-so-far) state after an iteration. */
export interface Incumbent {
  /** Its commit. */
  commit: string;
  /** All measurements of the incumbent (paired mode: index = seed index). */
  samples: number[];
  /** Mean of `samples`. */
  mean: number;
  /** Guardrail means by name. */
  guardrails: Record<string, number>;
  /** Multi-metric component means. */
  components?: Record<string, number>;
  /** Attempt id that produced it ("baseline" for the start). */
  attempt: string;
}

const incumbentObject = z.object({
  commit: z.string(),
  samples: z.array(z.number()).min(1),
  mean: z.number(),
  guardrails: numbers,
  components: numbers.optional(),
  attempt: z.string(),
});

/** The graduated gate's state. */
export interface GateState {
  /** Current stage. */
  stage: "normal" | "diversify" | "throttle" | "stop";
  /** Iterations in a row without a keep. */
  consecutiveFailures: number;
  /** Temperature added to every proposer. */
  temperatureBoost: number;
}

const gateStateObject = z.object({
  stage: z.enum(["normal", "diversify", "throttle", "stop"]),
  consecutiveFailures: z.number().int().nonnegative(),
  temperatureBoost: z.number().nonnegative(),
});

/** The baseline measurement, written once by `init`. */
export interface BaselineRecord {
  /** Record kind. */
  kind: "baseline";
  /** Run tag. */
  tag: string;
  /** `autoresearch/<tag>`. */
  branch: string;
  /** Commit the branch was created at. */
  commit: string;
  /** ISO time. */
  startedAt: string;
  /** Wall milliseconds. */
  ms: number;
  /** Metric per run. */
  samples: number[];
  /** Mean metric. */
  mean: number;
  /** Guardrail means (the frozen reference). */
  guardrails: Record<string, number>;
  /** Multi-metric component means. */
  components?: Record<string, number>;
  /** Resource mean. */
  resource?: number;
  /** sha256 of every contract file (problem.yaml included), repository-relative paths. */
  contracts: Record<string, string>;
  /** Sandbox request and the hook that served it. */
  sandbox: { enabled: boolean; hook?: string };
  /** Log files. */
  logs: string[];
}

const baselineObject = z.object({
  kind: z.literal("baseline"),
  tag: z.string(),
  branch: z.string(),
  commit: z.string(),
  startedAt: z.string(),
  ms: z.number().nonnegative(),
  samples: z.array(z.number()).min(1),
  mean: z.number(),
  guardrails: numbers,
  components: numbers.optional(),
  resource: z.number().optional(),
  contracts: z.record(z.string(), z.string()),
  sandbox: z.object({ enabled: z.boolean(), hook: z.string().optional() }),
  logs: z.array(z.string()),
});

/** One proposer's output as recorded. */
export interface ProposalRecord {
  /** "P1", … */
  id: string;
  /** "provider/model". */
  proposer: string;
  /** Temperature used. */
  temperature?: number;
  /** The idea, when valid. */
  idea?: Idea;
  /** Why there is no idea. */
  error?: string;
}

/** One finished iteration. */
export interface IterationRecord {
  /** Record kind. */
  kind: "iteration";
  /** Iteration number (1-based). */
  iteration: number;
  /** ISO time. */
  startedAt: string;
  /** Wall milliseconds. */
  ms: number;
  /** Every proposer's output. */
  proposals: ProposalRecord[];
  /** The critic's reviews. */
  reviews: Review[];
  /** The judge's ranking, when the judge was asked. */
  judge?: JudgeRanking;
  /** Evaluated (or refused) ideas. */
  attempts: Attempt[];
  /** The incumbent after the iteration. */
  incumbent: Incumbent;
  /** The memory after the iteration. */
  memory: ResearchMemory;
  /** The gate after the iteration. */
  gate: GateState;
  /** Tokens used. */
  usage: Usage;
  /** One-line summary. */
  summary: string;
}

const iterationObject = z.object({
  kind: z.literal("iteration"),
  iteration: z.number().int().positive(),
  startedAt: z.string(),
  ms: z.number().nonnegative(),
  proposals: z.array(z.object({
    id: z.string(),
    proposer: z.string(),
    temperature: z.number().optional(),
    idea: zodOf(IdeaSchema).optional(),
    error: z.string().optional(),
  })),
  reviews: z.array(zodOf(ReviewSchema)),
  judge: zodOf(JudgeRankingSchema).optional(),
  attempts: z.array(attemptObject),
  incumbent: incumbentObject,
  memory: zodOf(ResearchMemorySchema),
  gate: gateStateObject,
  usage: UsageSchema,
  summary: z.string(),
});

/** A recovery from an interrupted iteration (written by the next `run`). */
export interface RecoveryRecord {
  /** Record kind. */
  kind: "recovery";
  /** ISO time. */
  t: string;
  /** The iteration that was interrupted and will be redone. */
  iteration: number;
  /** HEAD found. */
  head: string;
  /** Uncommitted paths found. */
  dirty: string[];
  /** Ref keeping a HEAD that had moved past the incumbent. */
  savedRef?: string;
  /** Patch of the uncommitted changes (relative to the run directory). */
  savedPatch?: string;
  /** Process group of a runner left alive by the kill, now killed. */
  killedRunner?: number;
}

const recoveryObject = z.object({
  kind: z.literal("recovery"),
  t: z.string(),
  iteration: z.number().int().positive(),
  head: z.string(),
  dirty: z.array(z.string()),
  savedRef: z.string().optional(),
  savedPatch: z.string().optional(),
  killedRunner: z.number().int().optional(),
});

/** Why a `run` invocation stopped. */
export interface StopRecord {
  /** Record kind. */
  kind: "stop";
  /** ISO time. */
  t: string;
  /** Last finished iteration. */
  iteration: number;
  /** Why. */
  reason: string;
}

const stopObject = z.object({
  kind: z.literal("stop"),
  t: z.string(),
  iteration: z.number().int().nonnegative(),
  reason: z.string(),
});

/** Any ledger line. */
export type LedgerRecord = BaselineRecord | IterationRecord | RecoveryRecord | StopRecord;

/** Schema of {@linkcode LedgerRecord}, discriminated by `kind`. */
export const LedgerRecordSchema: Schema<LedgerRecord> = z.discriminatedUnion("kind", [
  baselineObject,
  iterationObject,
  recoveryObject,
  stopObject,
]);

/** File names inside a run directory. */
export const RUN_FILES = {
  ledger: "ledger.jsonl",
  results: "results.tsv",
  auditMd: "AUDIT_LOG.md",
  auditJson: "AUDIT_LOG.json",
  stop: "STOP",
  lock: "run.lock",
  runnerPid: "runner.pid",
} as const;

/**
 * Appends one record to the run's ledger as a single line (validated first).
 *
 * @param runDir The run directory.
 * @param record The record.
 *
 * @example Append and read back
 * ```ts
 * import { appendLedger, readLedger } from "./ledger.ts";
 * const dir = await Deno.makeTempDir();
 * await appendLedger(dir, { kind: "stop", t: new Date().toISOString(), iteration: 0, reason: "test" });
 * if ((await readLedger(dir)).length !== 1) throw new Error("expected one record");
 * ```
 */
export async function appendLedger(runDir: string, record: LedgerRecord): Promise<void> {
  const checked = LedgerRecordSchema.parse(record);
  await appendJsonLine(join(runDir, RUN_FILES.ledger), checked);
}

/**
 * Reads the ledger (an absent ledger is empty; a torn last line from a kill is skipped).
 *
 * @param runDir The run directory.
 * @returns The records in order.
 * @throws {InputError} naming the line of a corrupt record.
 *
 * @example An absent ledger is empty
 * ```ts
 * import { readLedger } from "./ledger.ts";
 * if ((await readLedger(await Deno.makeTempDir())).length !== 0) throw new Error();
 * ```
 */
export async function readLedger(runDir: string): Promise<LedgerRecord[]> {
  const path = join(runDir, RUN_FILES.ledger);
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return await readJsonl(path, LedgerRecordSchema, { allowTornTail: true });
}

/** Column names and formatting for {@linkcode formatResultsTsv}. */
export interface ResultsTsvOptions {
  /** Header of the metric column. @default "metric" */
  metricName?: string;
  /** Header of the resource column. @default "resource" */
  resourceName?: string;
}

function clean(text: string): string {
  return text.replace(/[\t\r\n]+/g, " ").trim();
}

/**
 * Formats ledger records as `results.tsv`: a header, the baseline row, then one row per attempt.
 * Follows the autoresearch convention: 7-character commit, metric with 6 decimals (0.000000 when
 * not measured), resource with 1 decimal, status, description (no tabs or newlines).
 *
 * @param records Ledger records.
 * @param options Column names.
 * @returns The TSV text.
 *
 * @example Header uses the metric name
 * ```ts
 * import { formatResultsTsv } from "./ledger.ts";
 * const tsv = formatResultsTsv([], { metricName: "val_bpb", resourceName: "memory_gb" });
 * if (tsv !== "commit\tval_bpb\tmemory_gb\tstatus\tdescription\n") throw new Error(tsv);
 * ```
 */
export function formatResultsTsv(
  records: readonly LedgerRecord[],
  options: ResultsTsvOptions = {},
): string {
  const rows = [
    [
      "commit",
      options.metricName ?? "metric",
      options.resourceName ?? "resource",
      "status",
      "description",
    ],
  ];
  const num = (x: number | undefined, digits: number): string =>
    x === undefined || !Number.isFinite(x) ? (0).toFixed(digits) : x.toFixed(digits);
  for (const r of records) {
    if (r.kind === "baseline") {
      rows.push([r.commit.slice(0, 7), num(r.mean, 6), num(r.resource, 1), "keep", "baseline"]);
    } else if (r.kind === "iteration") {
      for (const a of r.attempts) {
        rows.push([
          a.commit ? a.commit.slice(0, 7) : "-",
          num(a.mean, 6),
          num(a.resource, 1),
          a.status,
          clean(`#${a.id} ${a.idea.title}`),
        ]);
      }
    }
  }
  return rows.map((r) => r.join("\t")).join("\n") + "\n";
}

/**
 * Regenerates `results.tsv` from the ledger, atomically.
 *
 * @param runDir The run directory.
 * @param options Column names.
 * @returns The path written.
 *
 * @example Write the header for an empty run
 * ```ts
 * import { writeResultsTsv } from "./ledger.ts";
 * const path = await writeResultsTsv(await Deno.makeTempDir());
 * if (!(await Deno.readTextFile(path)).startsWith("commit\t")) throw new Error();
 * ```
 */
export async function writeResultsTsv(
  runDir: string,
  options: ResultsTsvOptions = {},
): Promise<string> {
  const path = join(runDir, RUN_FILES.results);
  await writeTextAtomic(path, formatResultsTsv(await readLedger(runDir), options));
  return path;
}

/** What a run has done so far, folded from its ledger. */
export interface LedgerSummary {
  /** The baseline record, once `init` finished. */
  baseline?: BaselineRecord;
  /** Finished iterations in order. */
  iterations: IterationRecord[];
  /** The last finished iteration number (0 when none). */
  lastIteration: number;
  /** The current incumbent (baseline when no iteration finished). */
  incumbent?: Incumbent;
  /** Tokens used by all finished iterations. */
  tokens: number;
  /** Wall milliseconds of the baseline and all finished iterations. */
  wallMs: number;
  /** Recoveries performed. */
  recoveries: RecoveryRecord[];
  /** Stop records. */
  stops: StopRecord[];
}

/**
 * Folds ledger records into the state needed to resume or report.
 *
 * @param records Ledger records.
 * @returns The summary.
 *
 * @example An empty ledger has no baseline
 * ```ts
 * import { summarizeLedger } from "./ledger.ts";
 * const s = summarizeLedger([]);
 * if (s.baseline !== undefined || s.lastIteration !== 0) throw new Error();
 * ```
 */
export function summarizeLedger(records: readonly LedgerRecord[]): LedgerSummary {
  const out: LedgerSummary = {
    iterations: [],
    lastIteration: 0,
    tokens: 0,
    wallMs: 0,
    recoveries: [],
    stops: [],
  };
  for (const r of records) {
    if (r.kind === "baseline") {
      out.baseline = r;
      out.wallMs += r.ms;
      out.incumbent = {
        commit: r.commit,
        samples: r.samples,
        mean: r.mean,
        guardrails: r.guardrails,
        components: r.components,
        attempt: "baseline",
      };
    } else if (r.kind === "iteration") {
      out.iterations.push(r);
      out.lastIteration = Math.max(out.lastIteration, r.iteration);
      out.incumbent = r.incumbent;
      out.tokens += r.usage.inputTokens + r.usage.outputTokens;
      out.wallMs += r.ms;
    } else if (r.kind === "recovery") out.recoveries.push(r);
    else out.stops.push(r);
  }
  return out;
}

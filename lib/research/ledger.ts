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
import { IdeaSchema, JudgeRankingSchema, ResearchMemorySchema, ReviewSchema } from "./schemas.ts";
import { UsageSchema } from "../schemas/chat.ts";

/** Outcome of one attempt. `rejected` = contract violation; `noop` = the edit changed nothing. */
export const AttemptStatusSchema = z.enum(["keep", "discard", "crash", "noop", "rejected"]);
/** Outcome of one attempt. */
export type AttemptStatus = z.infer<typeof AttemptStatusSchema>;

/** Where an attempt stopped or was decided. */
export const AttemptPhaseSchema = z.enum([
  "edit",
  "contract",
  "run",
  "metric",
  "guardrail",
  "acceptance",
  "confirm",
  "selection",
]);

/** Statistics of the acceptance comparison. */
export const ComparisonRecordSchema = z.object({
  improvement: z.number(),
  relative: z.number(),
  p: z.number(),
  se: z.number(),
  df: z.number(),
  noiseTested: z.boolean(),
  passed: z.boolean(),
});

/** One evaluated (or refused) idea. */
export const AttemptSchema = z.object({
  /** "3" for the first candidate of iteration 3, "3.1" for the second. */
  id: z.string(),
  iteration: z.number().int().positive(),
  candidate: z.number().int().nonnegative(),
  /** Proposal id within the iteration ("P1", …). */
  proposal: z.string(),
  /** Which proposer produced it ("provider/model@temperature"). */
  proposer: z.string(),
  idea: IdeaSchema,
  status: AttemptStatusSchema,
  phase: AttemptPhaseSchema,
  reason: z.string(),
  /** Incumbent commit the attempt was built on. */
  parent: z.string(),
  tree: z.string().optional(),
  commit: z.string().optional(),
  /** Ref keeping a non-kept commit reachable. */
  ref: z.string().optional(),
  /** Patch file (relative to the run directory). */
  patch: z.string().optional(),
  changedFiles: z.array(z.string()),
  samples: z.array(z.number()),
  confirmSamples: z.array(z.number()),
  /** Fresh incumbent measurements taken during confirmation. */
  incumbentConfirm: z.array(z.number()),
  mean: z.number().optional(),
  comparison: ComparisonRecordSchema.optional(),
  /** Confirmation statistics (fresh runs only). */
  confirmComparison: ComparisonRecordSchema.optional(),
  guardrails: z.record(z.string(), z.number()),
  components: z.record(z.string(), z.number()).optional(),
  resource: z.number().optional(),
  logs: z.array(z.string()),
  logTail: z.string().optional(),
  ms: z.number().nonnegative(),
});
/** One evaluated (or refused) idea. */
export type Attempt = z.infer<typeof AttemptSchema>;

/** The incumbent (best-so-far) state after an iteration. */
export const IncumbentSchema = z.object({
  commit: z.string(),
  /** All measurements of the incumbent (paired mode: index = seed index). */
  samples: z.array(z.number()).min(1),
  mean: z.number(),
  guardrails: z.record(z.string(), z.number()),
  components: z.record(z.string(), z.number()).optional(),
  /** Attempt id that produced it ("baseline" for the start). */
  attempt: z.string(),
});
/** The incumbent state. */
export type Incumbent = z.infer<typeof IncumbentSchema>;

/** The graduated gate's state. */
export const GateStateSchema = z.object({
  stage: z.enum(["normal", "diversify", "throttle", "stop"]),
  /** Iterations in a row without a keep. */
  consecutiveFailures: z.number().int().nonnegative(),
  /** Temperature added to every proposer. */
  temperatureBoost: z.number().nonnegative(),
});
/** The graduated gate's state. */
export type GateState = z.infer<typeof GateStateSchema>;

/** The baseline measurement, written once by `init`. */
export const BaselineRecordSchema = z.object({
  kind: z.literal("baseline"),
  tag: z.string(),
  branch: z.string(),
  /** Commit the branch was created at. */
  commit: z.string(),
  startedAt: z.string(),
  ms: z.number().nonnegative(),
  samples: z.array(z.number()).min(1),
  mean: z.number(),
  guardrails: z.record(z.string(), z.number()),
  components: z.record(z.string(), z.number()).optional(),
  resource: z.number().optional(),
  /** sha256 of every contract file (problem.yaml included), repo-relative paths. */
  contracts: z.record(z.string(), z.string()),
  sandbox: z.object({ enabled: z.boolean(), hook: z.string().optional() }),
  logs: z.array(z.string()),
});
/** The baseline measurement. */
export type BaselineRecord = z.infer<typeof BaselineRecordSchema>;

/** One finished iteration. */
export const IterationRecordSchema = z.object({
  kind: z.literal("iteration"),
  iteration: z.number().int().positive(),
  startedAt: z.string(),
  ms: z.number().nonnegative(),
  proposals: z.array(z.object({
    id: z.string(),
    proposer: z.string(),
    temperature: z.number().optional(),
    idea: IdeaSchema.optional(),
    error: z.string().optional(),
  })),
  reviews: z.array(ReviewSchema),
  judge: JudgeRankingSchema.optional(),
  attempts: z.array(AttemptSchema),
  incumbent: IncumbentSchema,
  memory: ResearchMemorySchema,
  gate: GateStateSchema,
  usage: UsageSchema,
  /** One-line summary ("kept #3: 2-opt (−12.4%)"). */
  summary: z.string(),
});
/** One finished iteration. */
export type IterationRecord = z.infer<typeof IterationRecordSchema>;

/** A recovery from an interrupted iteration (written by the next `run`). */
export const RecoveryRecordSchema = z.object({
  kind: z.literal("recovery"),
  t: z.string(),
  /** The iteration that was interrupted and will be redone. */
  iteration: z.number().int().positive(),
  head: z.string(),
  dirty: z.array(z.string()),
  savedRef: z.string().optional(),
  savedPatch: z.string().optional(),
  killedRunner: z.number().int().optional(),
});
/** A recovery record. */
export type RecoveryRecord = z.infer<typeof RecoveryRecordSchema>;

/** Why a `run` invocation stopped. */
export const StopRecordSchema = z.object({
  kind: z.literal("stop"),
  t: z.string(),
  /** Last finished iteration. */
  iteration: z.number().int().nonnegative(),
  reason: z.string(),
});
/** A stop record. */
export type StopRecord = z.infer<typeof StopRecordSchema>;

/** Any ledger line. */
export const LedgerRecordSchema = z.discriminatedUnion("kind", [
  BaselineRecordSchema,
  IterationRecordSchema,
  RecoveryRecordSchema,
  StopRecordSchema,
]);
/** Any ledger line. */
export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;

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

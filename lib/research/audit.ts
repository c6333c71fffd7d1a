/**
 * The audit of a research run, built from its ledger alone: baseline, best, improvement, keep
 * rate, per-iteration reasoning (proposals, critic reviews, the judge's ranking, each decision with
 * its statistics), crashes with their log tails, recoveries and stops. Written as
 * `AUDIT_LOG.json` (validated by {@linkcode AuditReportSchema}) and `AUDIT_LOG.md`.
 *
 * @module
 */
import { z } from "zod";
import { join } from "node:path";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import {
  type AttemptStatus,
  AttemptStatusSchema,
  type LedgerRecord,
  readLedger,
  RUN_FILES,
  summarizeLedger,
} from "./ledger.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** Attempts by status. */
export interface StatusCounts {
  /** Kept. */
  keep: number;
  /** Measured and not kept. */
  discard: number;
  /** Failed to edit or to run. */
  crash: number;
  /** Changed nothing. */
  noop: number;
  /** Violated a contract. */
  rejected: number;
}

/** One iteration's reasoning in the audit. */
export interface AuditIteration {
  /** Iteration number. */
  iteration: number;
  /** One-line summary. */
  summary: string;
  /** Gate stage after the iteration. */
  gate: string;
  /** What each proposer proposed. */
  proposals: {
    id: string;
    proposer: string;
    title?: string;
    hypothesis?: string;
    rationale?: string;
    expectedDelta?: number;
    risk?: string;
    error?: string;
  }[];
  /** The critic's reviews. */
  reviews: { id: string; veto: boolean; reason: string }[];
  /** The judge's ranking. */
  judge?: { ranking: string[]; reason: string };
  /** Each attempt's decision. */
  attempts: {
    id: string;
    proposal: string;
    title: string;
    status: AttemptStatus;
    phase: string;
    reason: string;
    mean?: number;
    improvement?: number;
    p?: number;
    commit?: string;
    ref?: string;
    patch?: string;
    changedFiles: string[];
  }[];
}

/** The audit report. */
export interface AuditReport {
  /** ISO time. */
  generatedAt: string;
  /** Run tag. */
  tag?: string;
  /** Run branch. */
  branch?: string;
  /** Metric name and direction. */
  metric: { name: string; direction: "minimize" | "maximize" };
  /** The baseline, once measured. */
  baseline: { commit: string; mean: number; samples: number[] } | null;
  /** The incumbent at the end. */
  best: { commit: string; mean: number; attempt: string } | null;
  /** Improvement of best over baseline (positive = better), absolute and relative to |baseline|. */
  improvement: { absolute: number; relative: number } | null;
  /** Finished iterations. */
  iterations: number;
  /** Attempts over all iterations. */
  attempts: number;
  /** Attempts by status. */
  counts: StatusCounts;
  /** keeps / attempts (0 when there were none). */
  keepRate: number;
  /** Tokens used. */
  tokens: number;
  /** Wall seconds of recorded work. */
  wallSeconds: number;
  /** Per-iteration reasoning. */
  details: AuditIteration[];
  /** Crashes with their log tails. */
  crashes: {
    attempt: string;
    iteration: number;
    reason: string;
    logTail: string;
    logs: string[];
  }[];
  /** Recoveries after kills. */
  recoveries: { iteration: number; head: string; savedRef?: string; savedPatch?: string }[];
  /** Why invocations stopped. */
  stops: { iteration: number; reason: string; t: string }[];
}

const statusCounts = z.object({
  keep: z.number().int(),
  discard: z.number().int(),
  crash: z.number().int(),
  noop: z.number().int(),
  rejected: z.number().int(),
});

/** Schema of {@linkcode AuditReport} (the content of `AUDIT_LOG.json`). */
export const AuditReportSchema: Schema<AuditReport> = z.object({
  generatedAt: z.string(),
  tag: z.string().optional(),
  branch: z.string().optional(),
  metric: z.object({ name: z.string(), direction: z.enum(["minimize", "maximize"]) }),
  baseline: z.object({ commit: z.string(), mean: z.number(), samples: z.array(z.number()) })
    .nullable(),
  best: z.object({ commit: z.string(), mean: z.number(), attempt: z.string() }).nullable(),
  improvement: z.object({ absolute: z.number(), relative: z.number() }).nullable(),
  iterations: z.number().int(),
  attempts: z.number().int(),
  counts: statusCounts,
  keepRate: z.number(),
  tokens: z.number().int(),
  wallSeconds: z.number(),
  details: z.array(z.object({
    iteration: z.number().int(),
    summary: z.string(),
    gate: z.string(),
    proposals: z.array(z.object({
      id: z.string(),
      proposer: z.string(),
      title: z.string().optional(),
      hypothesis: z.string().optional(),
      rationale: z.string().optional(),
      expectedDelta: z.number().optional(),
      risk: z.string().optional(),
      error: z.string().optional(),
    })),
    reviews: z.array(z.object({ id: z.string(), veto: z.boolean(), reason: z.string() })),
    judge: z.object({ ranking: z.array(z.string()), reason: z.string() }).optional(),
    attempts: z.array(z.object({
      id: z.string(),
      proposal: z.string(),
      title: z.string(),
      status: zodOf(AttemptStatusSchema),
      phase: z.string(),
      reason: z.string(),
      mean: z.number().optional(),
      improvement: z.number().optional(),
      p: z.number().optional(),
      commit: z.string().optional(),
      ref: z.string().optional(),
      patch: z.string().optional(),
      changedFiles: z.array(z.string()),
    })),
  })),
  crashes: z.array(z.object({
    attempt: z.string(),
    iteration: z.number().int(),
    reason: z.string(),
    logTail: z.string(),
    logs: z.array(z.string()),
  })),
  recoveries: z.array(z.object({
    iteration: z.number().int(),
    head: z.string(),
    savedRef: z.string().optional(),
    savedPatch: z.string().optional(),
  })),
  stops: z.array(z.object({ iteration: z.number().int(), reason: z.string(), t: z.string() })),
});

/** Options for {@linkcode buildAudit}. */
export interface BuildAuditOptions {
  /** Metric name. @default "metric" */
  metricName?: string;
  /** Metric direction. @default "minimize" */
  direction?: "minimize" | "maximize";
}

/**
 * Builds the audit report from ledger records.
 *
 * @param records Ledger records.
 * @param options Metric name and direction.
 * @returns The report.
 *
 * @example An empty run has no baseline and a keep rate of 0
 * ```ts
 * import { buildAudit } from "./audit.ts";
 * const r = buildAudit([]);
 * if (r.baseline !== null || r.keepRate !== 0) throw new Error();
 * ```
 */
export function buildAudit(
  records: readonly LedgerRecord[],
  options: BuildAuditOptions = {},
): AuditReport {
  const direction = options.direction ?? "minimize";
  const s = summarizeLedger(records);
  const counts = { keep: 0, discard: 0, crash: 0, noop: 0, rejected: 0 };
  const crashes: AuditReport["crashes"] = [];
  const details: AuditReport["details"] = [];
  for (const it of s.iterations) {
    for (const a of it.attempts) {
      counts[a.status]++;
      if (a.status === "crash") {
        crashes.push({
          attempt: a.id,
          iteration: it.iteration,
          reason: a.reason,
          logTail: a.logTail ?? "",
          logs: a.logs,
        });
      }
    }
    details.push({
      iteration: it.iteration,
      summary: it.summary,
      gate: `${it.gate.stage} (${it.gate.consecutiveFailures} without keep)`,
      proposals: it.proposals.map((p) => ({
        id: p.id,
        proposer: p.proposer,
        title: p.idea?.title,
        hypothesis: p.idea?.hypothesis,
        rationale: p.idea?.rationale,
        expectedDelta: p.idea?.expectedDelta,
        risk: p.idea?.risk,
        error: p.error,
      })),
      reviews: it.reviews.map((r) => ({ id: r.id, veto: r.veto, reason: r.reason })),
      judge: it.judge,
      attempts: it.attempts.map((a) => ({
        id: a.id,
        proposal: a.proposal,
        title: a.idea.title,
        status: a.status,
        phase: a.phase,
        reason: a.reason,
        mean: a.mean,
        improvement: a.comparison?.improvement,
        p: a.comparison?.noiseTested ? a.comparison.p : undefined,
        commit: a.commit,
        ref: a.ref,
        patch: a.patch,
        changedFiles: a.changedFiles,
      })),
    });
  }
  const attempts = Object.values(counts).reduce((x, y) => x + y, 0);
  const b = s.baseline;
  const inc = s.incumbent;
  const sign = direction === "minimize" ? -1 : 1;
  const absolute = b && inc ? sign * (inc.mean - b.mean) : undefined;
  return {
    generatedAt: new Date().toISOString(),
    tag: b?.tag,
    branch: b?.branch,
    metric: { name: options.metricName ?? "metric", direction },
    baseline: b ? { commit: b.commit, mean: b.mean, samples: b.samples } : null,
    best: inc ? { commit: inc.commit, mean: inc.mean, attempt: inc.attempt } : null,
    improvement: absolute === undefined ? null : {
      absolute,
      relative: b!.mean === 0 ? 0 : absolute / Math.abs(b!.mean),
    },
    iterations: s.iterations.length,
    attempts,
    counts,
    keepRate: attempts === 0 ? 0 : counts.keep / attempts,
    tokens: s.tokens,
    wallSeconds: s.wallMs / 1000,
    details,
    crashes,
    recoveries: s.recoveries.map((r) => ({
      iteration: r.iteration,
      head: r.head,
      savedRef: r.savedRef,
      savedPatch: r.savedPatch,
    })),
    stops: s.stops.map((x) => ({ iteration: x.iteration, reason: x.reason, t: x.t })),
  };
}

function n(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? "—" : Number(x.toPrecision(6)).toString();
}

/**
 * Renders the audit report as Markdown.
 *
 * @param report The report.
 * @returns Markdown text.
 *
 * @example The heading names the metric
 * ```ts
 * import { buildAudit, renderAuditMarkdown } from "./audit.ts";
 * const md = renderAuditMarkdown(buildAudit([], { metricName: "tour_length" }));
 * if (!md.includes("tour_length")) throw new Error();
 * ```
 */
export function renderAuditMarkdown(report: AuditReport): string {
  const fence = "```";
  const r = report;
  const out: string[] = [
    `# Autoresearch audit${r.tag ? `: ${r.tag}` : ""}`,
    "",
    `Metric **${r.metric.name}** (${r.metric.direction}). Generated ${r.generatedAt}.`,
    "",
    "| | |",
    "|---|---|",
    `| Branch | ${r.branch ?? "—"} |`,
    `| Baseline | ${
      r.baseline ? `${n(r.baseline.mean)} @ ${r.baseline.commit.slice(0, 7)}` : "—"
    } |`,
    `| Best | ${
      r.best ? `${n(r.best.mean)} @ ${r.best.commit.slice(0, 7)} (#${r.best.attempt})` : "—"
    } |`,
    `| Improvement | ${
      r.improvement
        ? `${n(r.improvement.absolute)} (${(r.improvement.relative * 100).toFixed(2)}%)`
        : "—"
    } |`,
    `| Iterations | ${r.iterations} |`,
    `| Attempts | ${r.attempts}: ${
      Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(", ")
    } |`,
    `| Keep rate | ${r.counts.keep}/${r.attempts} (${(r.keepRate * 100).toFixed(1)}%) |`,
    `| Tokens | ${r.tokens} |`,
    `| Wall time | ${r.wallSeconds.toFixed(1)} s |`,
    "",
    "## Iterations",
  ];
  for (const d of r.details) {
    out.push("", `### Iteration ${d.iteration}`, "", `${d.summary}. Gate: ${d.gate}.`, "");
    for (const p of d.proposals) {
      out.push(
        p.error
          ? `- **${p.id}** (${p.proposer}): no valid idea — ${p.error}`
          : `- **${p.id}** (${p.proposer}, risk ${p.risk}, expected Δ ${n(p.expectedDelta)}): ` +
            `${p.title}. Hypothesis: ${p.hypothesis}`,
      );
    }
    for (const v of d.reviews) {
      out.push(`- Critic on ${v.id}: ${v.veto ? "**veto**" : "ok"} — ${v.reason}`);
    }
    if (d.judge) out.push(`- Judge: ${d.judge.ranking.join(" > ")} — ${d.judge.reason}`);
    for (const a of d.attempts) {
      const stats = a.mean !== undefined
        ? ` ${r.metric.name}=${n(a.mean)}${
          a.improvement !== undefined ? `, Δ=${n(a.improvement)}` : ""
        }${a.p !== undefined ? `, p=${n(a.p)}` : ""}.`
        : "";
      out.push(
        `- Attempt #${a.id} (${a.proposal}) **${a.status}** at ${a.phase}: ${a.reason}.${stats}` +
          (a.commit ? ` Commit ${a.commit.slice(0, 7)}` : "") + (a.ref ? ` (${a.ref})` : "") +
          (a.patch ? `, patch ${a.patch}` : "") + ".",
      );
    }
  }
  out.push("", "## Crashes");
  if (r.crashes.length === 0) out.push("", "None.");
  for (const c of r.crashes) {
    out.push("", `### #${c.attempt} (iteration ${c.iteration})`, "", c.reason, "");
    out.push(`${fence}text`, c.logTail || "(no output)", fence);
    if (c.logs.length) out.push("", `Logs: ${c.logs.join(", ")}`);
  }
  if (r.recoveries.length) {
    out.push("", "## Recoveries", "");
    for (const x of r.recoveries) {
      out.push(
        `- Iteration ${x.iteration} interrupted at ${x.head.slice(0, 7)}; redone` +
          (x.savedRef ? `; kept ${x.savedRef}` : "") + (x.savedPatch ? `; ${x.savedPatch}` : ""),
      );
    }
  }
  if (r.stops.length) {
    out.push("", "## Stops", "");
    for (const x of r.stops) out.push(`- ${x.t} after iteration ${x.iteration}: ${x.reason}`);
  }
  return out.join("\n") + "\n";
}

/**
 * Writes `AUDIT_LOG.json` and `AUDIT_LOG.md` into the run directory.
 *
 * @param runDir The run directory.
 * @param options Metric name and direction.
 * @returns The report and the two paths.
 *
 * @example Audit an empty run directory
 * ```ts
 * import { writeAudit } from "./audit.ts";
 * const dir = await Deno.makeTempDir();
 * const { markdownPath } = await writeAudit(dir, { metricName: "m" });
 * if (!(await Deno.readTextFile(markdownPath)).startsWith("# Autoresearch audit")) throw new Error();
 * ```
 */
export async function writeAudit(
  runDir: string,
  options: BuildAuditOptions = {},
): Promise<{ report: AuditReport; markdownPath: string; jsonPath: string }> {
  const report = buildAudit(await readLedger(runDir), options);
  const markdownPath = join(runDir, RUN_FILES.auditMd);
  const jsonPath = join(runDir, RUN_FILES.auditJson);
  await writeJsonAtomic(jsonPath, AuditReportSchema.parse(report));
  await writeTextAtomic(markdownPath, renderAuditMarkdown(report));
  return { report, markdownPath, jsonPath };
}

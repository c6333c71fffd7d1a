/**
 * Schemas for what the role society produces and what a critique–revision loop records: critiques,
 * verdicts, scores, candidates, ratchet decisions and the whole trace of one item.
 *
 * @module
 */
import { z } from "zod";
import { type Usage, UsageSchema } from "./chat.ts";
import type { Equals } from "./schema.ts";

/** Severity of a critique or a principle. */
export const SeveritySchema = z.enum(["low", "medium", "high"]);
/** Severity of a critique or a principle. */
export type Severity = "low" | "medium" | "high";
const _severity: Equals<z.infer<typeof SeveritySchema>, Severity> = true;

/** One principle-cited critique of an answer. */
export const CritiqueSchema = z.object({
  /** Id of the constitution principle violated (or a test name for the tests critic). */
  principleId: z.string(),
  /** The exact span of the answer being criticised (may be empty when it is about an omission). */
  quote: z.string(),
  /** What is wrong. */
  issue: z.string(),
  /** A concrete fix. */
  fix: z.string(),
  severity: SeveritySchema,
});
/** One principle-cited critique of an answer. */
export interface Critique {
  /** Id of the constitution principle violated (or a test name for the tests critic). */
  principleId: string;
  /** The exact span of the answer being criticised (may be empty when it is about an omission). */
  quote: string;
  /** What is wrong. */
  issue: string;
  /** A concrete fix. */
  fix: string;
  /** How bad it is. */
  severity: Severity;
}
const _critique: Equals<z.infer<typeof CritiqueSchema>, Critique> = true;

/** The structured output the Critic role must produce. */
export const CritiqueListSchema = z.object({ critiques: z.array(CritiqueSchema) });
/** The structured output the Critic role must produce. */
export interface CritiqueList {
  /** The critiques (empty when the answer complies). */
  critiques: Critique[];
}
const _critiqueList: Equals<z.infer<typeof CritiqueListSchema>, CritiqueList> = true;

/** The Judge's verdict on one candidate. */
export const VerdictSchema = z.object({
  verdict: z.enum(["compliant", "needs_revision"]),
  reasons: z.array(z.string()),
  /** The judge's quality estimate in [0, 1]. */
  score: z.number().min(0).max(1),
});
/** The Judge's verdict on one candidate. */
export interface Verdict {
  /** Whether the candidate complies with the constitution. */
  verdict: "compliant" | "needs_revision";
  /** Why. */
  reasons: string[];
  /** The judge's quality estimate in [0, 1]. */
  score: number;
}
const _verdict: Equals<z.infer<typeof VerdictSchema>, Verdict> = true;

/** The Judge's pairwise comparison of two candidates A and B. */
export const PairwiseSchema = z.object({
  winner: z.enum(["A", "B", "tie"]),
  reason: z.string(),
});
/** The Judge's pairwise comparison. */
export interface Pairwise {
  /** The better candidate, or a tie. */
  winner: "A" | "B" | "tie";
  /** Why. */
  reason: string;
}
const _pairwise: Equals<z.infer<typeof PairwiseSchema>, Pairwise> = true;

/** A score from a scorer (tests or judge). `score` is in [0, 1]. */
export const ScoreSchema = z.object({
  score: z.number().min(0).max(1),
  passed: z.boolean(),
  /** Which scorer produced it ("visible_tests", "hidden_tests", "judge", …). */
  source: z.string(),
  /** Short human-readable detail (e.g. "5/6 tests passed", "timeout"). */
  detail: z.string().optional(),
});
/** A score from a scorer. */
export interface Score {
  /** Score in [0, 1]. */
  score: number;
  /** Whether the candidate fully passed. */
  passed: boolean;
  /** Which scorer produced it ("visible_tests", "hidden_tests", "judge", …). */
  source: string;
  /** Short human-readable detail (e.g. "5/6 tests passed", "timeout"). */
  detail?: string;
}
const _score: Equals<z.infer<typeof ScoreSchema>, Score> = true;

/** The ratchet's decision about one candidate. */
export const RatchetDecisionSchema = z.object({
  decision: z.enum(["keep", "revert"]),
  reason: z.string(),
  candidateScore: z.number(),
  bestScore: z.number(),
});
/** The ratchet's decision about one candidate. */
export interface RatchetDecision {
  /** Keep the candidate as the new best, or revert to the best-so-far. */
  decision: "keep" | "revert";
  /** Why, in words. */
  reason: string;
  /** The candidate's score. */
  candidateScore: number;
  /** The best score before the decision. */
  bestScore: number;
}
const _decision: Equals<z.infer<typeof RatchetDecisionSchema>, RatchetDecision> = true;

/** One candidate answer, with everything that was said about it. */
export const CandidateSchema = z.object({
  round: z.number().int().nonnegative(),
  text: z.string(),
  critiques: z.array(CritiqueSchema),
  /** Free-text feedback the student saw when producing the *next* candidate. */
  feedback: z.string().optional(),
  teacherAdvice: z.string().optional(),
  verdict: VerdictSchema.optional(),
  score: ScoreSchema.optional(),
  decision: RatchetDecisionSchema.optional(),
});
/** One candidate answer. */
export interface Candidate {
  /** Round that produced it (0 = the first answer). */
  round: number;
  /** The answer text. */
  text: string;
  /** Critiques of this candidate. */
  critiques: Critique[];
  /** Free-text feedback the student saw when producing the *next* candidate. */
  feedback?: string;
  /** The teacher's advice for the next revision. */
  teacherAdvice?: string;
  /** The judge's verdict. */
  verdict?: Verdict;
  /** The scorer's score. */
  score?: Score;
  /** The ratchet's decision. */
  decision?: RatchetDecision;
}
const _candidate: Equals<z.infer<typeof CandidateSchema>, Candidate> = true;

/** One LLM call as recorded in a trace (never includes API keys). */
export const CallRecordSchema = z.object({
  role: z.string(),
  provider: z.string(),
  model: z.string(),
  usage: UsageSchema,
  ms: z.number().nonnegative(),
  cached: z.boolean(),
  error: z.string().optional(),
});
/** One LLM call as recorded in a trace. */
export interface CallRecord {
  /** Role that made the call. */
  role: string;
  /** Provider name. */
  provider: string;
  /** Model name. */
  model: string;
  /** Token usage. */
  usage: Usage;
  /** Wall time in milliseconds. */
  ms: number;
  /** Served from the record/replay cache. */
  cached: boolean;
  /** The error, when the call failed. */
  error?: string;
}
const _call: Equals<z.infer<typeof CallRecordSchema>, CallRecord> = true;

/** Everything one critique–revision loop did for one item. */
export const TraceSchema = z.object({
  traceId: z.string(),
  itemId: z.string(),
  prompt: z.string(),
  candidates: z.array(CandidateSchema).min(1),
  /** Index into `candidates` of the best-so-far at the end. */
  chosenIndex: z.number().int().nonnegative(),
  chosen: z.string(),
  /** The initial answer (round 0), the natural "rejected" side of a preference pair. */
  rejected: z.string(),
  rounds: z.number().int().nonnegative(),
  calls: z.array(CallRecordSchema),
  usage: UsageSchema,
  parseFailures: z.number().int().nonnegative(),
  /** Why the loop stopped ("compliant", "max_rounds", "passed", "aborted", "error"). */
  stopReason: z.string(),
  startedAt: z.string(),
  ms: z.number().nonnegative(),
  error: z.string().optional(),
  /** True when the loop ran without a gate: every revision replaced the answer (no ratchet). */
  keepsEveryRevision: z.literal(true).optional(),
});
/** Everything one critique–revision loop did for one item. */
export interface Trace {
  /** Trace id. */
  traceId: string;
  /** Item id. */
  itemId: string;
  /** The item's prompt. */
  prompt: string;
  /** Every candidate, in order. */
  candidates: Candidate[];
  /** Index into `candidates` of the best-so-far at the end. */
  chosenIndex: number;
  /** The chosen (best) answer. */
  chosen: string;
  /** The initial answer (round 0), the natural "rejected" side of a preference pair. */
  rejected: string;
  /** Revision rounds run. */
  rounds: number;
  /** Every LLM call. */
  calls: CallRecord[];
  /** Total token usage. */
  usage: Usage;
  /** Structured-output parse failures. */
  parseFailures: number;
  /** Why the loop stopped ("compliant", "max_rounds", "passed", "aborted", "error", …). */
  stopReason: string;
  /** ISO start time. */
  startedAt: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** Infrastructure error that ended the item. */
  error?: string;
  /** True when the loop ran without a gate: every revision replaced the answer (no ratchet). */
  keepsEveryRevision?: true;
}
const _trace: Equals<z.infer<typeof TraceSchema>, Trace> = true;

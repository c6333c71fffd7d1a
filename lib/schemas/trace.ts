/**
 * Schemas for what the role society produces and what a critique–revision loop records: critiques,
 * verdicts, scores, candidates, ratchet decisions and the whole trace of one item.
 *
 * @module
 */
import { z } from "zod";
import { UsageSchema } from "./chat.ts";

/** Severity of a critique or a principle. */
export const SeveritySchema = z.enum(["low", "medium", "high"]);
/** Severity of a critique or a principle. */
export type Severity = z.infer<typeof SeveritySchema>;

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
export type Critique = z.infer<typeof CritiqueSchema>;

/** The structured output the Critic role must produce. */
export const CritiqueListSchema = z.object({ critiques: z.array(CritiqueSchema) });
/** The structured output the Critic role must produce. */
export type CritiqueList = z.infer<typeof CritiqueListSchema>;

/** The Judge's verdict on one candidate. */
export const VerdictSchema = z.object({
  verdict: z.enum(["compliant", "needs_revision"]),
  reasons: z.array(z.string()),
  /** The judge's quality estimate in [0, 1]. */
  score: z.number().min(0).max(1),
});
/** The Judge's verdict on one candidate. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** The Judge's pairwise comparison of two candidates A and B. */
export const PairwiseSchema = z.object({
  winner: z.enum(["A", "B", "tie"]),
  reason: z.string(),
});
/** The Judge's pairwise comparison. */
export type Pairwise = z.infer<typeof PairwiseSchema>;

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
export type Score = z.infer<typeof ScoreSchema>;

/** The ratchet's decision about one candidate. */
export const RatchetDecisionSchema = z.object({
  decision: z.enum(["keep", "revert"]),
  reason: z.string(),
  candidateScore: z.number(),
  bestScore: z.number(),
});
/** The ratchet's decision about one candidate. */
export type RatchetDecision = z.infer<typeof RatchetDecisionSchema>;

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
export type Candidate = z.infer<typeof CandidateSchema>;

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
export type CallRecord = z.infer<typeof CallRecordSchema>;

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
});
/** Everything one critique–revision loop did for one item. */
export type Trace = z.infer<typeof TraceSchema>;

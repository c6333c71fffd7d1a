/**
 * The structured outputs of the research society: ideas with their edits, critic reviews, the
 * judge's ranking, coder edits and the synthesizer's memory.
 *
 * @module
 */
import { z } from "zod";

/** One file edit: the full new content, or a unified diff against the current content. */
export const EditSchema = z.object({
  /** Path relative to problem.yaml (as listed in the prompt). */
  file: z.string().min(1),
  /** "full": `content` is the whole new file; "diff": `content` is a unified diff. */
  format: z.enum(["full", "diff"]),
  content: z.string(),
});
/** One file edit. */
export type Edit = z.infer<typeof EditSchema>;

/** A proposer's idea: a hypothesis plus the edit that tests it. */
export const IdeaSchema = z.object({
  /** One-line description (results.tsv, commit subject). */
  title: z.string().min(1),
  hypothesis: z.string().min(1),
  rationale: z.string(),
  /** Alternatives considered and why this one was preferred. */
  alternatives: z.array(z.string()),
  /** Expected change of the metric, signed, in metric units. */
  expectedDelta: z.number(),
  risk: z.enum(["low", "medium", "high"]),
  /** The edits; may be empty when `instructions` tell the coder what to do. */
  edits: z.array(EditSchema),
  /** Free-text instructions for the coder (used when `edits` is empty, or by an agent coder). */
  instructions: z.string().optional(),
}).refine((i) => i.edits.length > 0 || (i.instructions ?? "").trim() !== "", {
  message: "an idea needs edits or instructions",
  path: ["edits"],
});
/** A proposer's idea. */
export type Idea = z.infer<typeof IdeaSchema>;

/** The critic's review of one proposal. */
export const ReviewSchema = z.object({
  /** Proposal id ("P1", "P2", …). */
  id: z.string(),
  veto: z.boolean(),
  reason: z.string(),
  /** Constitution principle ids the reason cites. */
  principles: z.array(z.string()),
});
/** The critic's review of one proposal. */
export type Review = z.infer<typeof ReviewSchema>;

/** The critic's structured output. */
export const ReviewListSchema = z.object({ reviews: z.array(ReviewSchema) });
/** The critic's structured output. */
export type ReviewList = z.infer<typeof ReviewListSchema>;

/** The judge's structured output: proposal ids, best first. */
export const JudgeRankingSchema = z.object({
  ranking: z.array(z.string()),
  reason: z.string(),
});
/** The judge's structured output. */
export type JudgeRanking = z.infer<typeof JudgeRankingSchema>;

/** The built-in coder's structured output. */
export const CoderEditsSchema = z.object({ edits: z.array(EditSchema).min(1) });
/** The built-in coder's structured output. */
export type CoderEdits = z.infer<typeof CoderEditsSchema>;

/** The synthesizer's bounded memory of the run. */
export const ResearchMemorySchema = z.object({
  worked: z.array(z.string()),
  failed: z.array(z.string()),
  notes: z.array(z.string()),
});
/** The synthesizer's bounded memory. */
export type ResearchMemory = z.infer<typeof ResearchMemorySchema>;

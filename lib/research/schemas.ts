/**
 * The structured outputs of the research society: ideas with their edits, critic reviews, the
 * judge's ranking, coder edits and the synthesizer's memory. Each record is a TypeScript interface
 * with a zod schema checked against it.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** One file edit: the full new content, or a unified diff against the current content. */
export interface Edit {
  /** Path relative to problem.yaml (as listed in the prompt). */
  file: string;
  /** "full": `content` is the whole new file; "diff": `content` is a unified diff. */
  format: "full" | "diff";
  /** The new content or the diff. */
  content: string;
}

/** Schema of {@linkcode Edit}. */
export const EditSchema: Schema<Edit> = z.object({
  file: z.string().min(1),
  format: z.enum(["full", "diff"]),
  content: z.string(),
});

/** A proposer's idea: a hypothesis plus the edit that tests it. */
export interface Idea {
  /** One-line description (results.tsv, commit subject). */
  title: string;
  /** What should happen to the metric, and why. */
  hypothesis: string;
  /** The reasoning behind it. */
  rationale: string;
  /** Alternatives considered and why this one was preferred. */
  alternatives: string[];
  /** Expected change of the metric, signed, in metric units. */
  expectedDelta: number;
  /** How likely it is to break something. */
  risk: "low" | "medium" | "high";
  /** The edits; may be empty when `instructions` tell the coder what to do. */
  edits: Edit[];
  /** Free-text instructions for the coder (used when `edits` is empty, or by an agent coder). */
  instructions?: string;
}

/** Schema of {@linkcode Idea} (edits or instructions are required). */
export const IdeaSchema: Schema<Idea> = z.object({
  title: z.string().min(1),
  hypothesis: z.string().min(1),
  rationale: z.string(),
  alternatives: z.array(z.string()),
  expectedDelta: z.number(),
  risk: z.enum(["low", "medium", "high"]),
  edits: z.array(zodOf(EditSchema)),
  instructions: z.string().optional(),
}).refine((i) => i.edits.length > 0 || (i.instructions ?? "").trim() !== "", {
  message: "an idea needs edits or instructions",
  path: ["edits"],
});

/** The critic's review of one proposal. */
export interface Review {
  /** Proposal id ("P1", "P2", …). */
  id: string;
  /** True to stop the proposal before any compute is spent. */
  veto: boolean;
  /** Why. */
  reason: string;
  /** Constitution principle ids the reason cites. */
  principles: string[];
}

/** Schema of {@linkcode Review}. */
export const ReviewSchema: Schema<Review> = z.object({
  id: z.string(),
  veto: z.boolean(),
  reason: z.string(),
  principles: z.array(z.string()),
});

/** The critic's structured output. */
export interface ReviewList {
  /** One review per proposal. */
  reviews: Review[];
}

/** Schema of {@linkcode ReviewList}. */
export const ReviewListSchema: Schema<ReviewList> = z.object({
  reviews: z.array(zodOf(ReviewSchema)),
});

/** The judge's structured output: proposal ids, best first. */
export interface JudgeRanking {
  /** Proposal ids, best first. */
  ranking: string[];
  /** Why. */
  reason: string;
}

/** Schema of {@linkcode JudgeRanking}. */
export const JudgeRankingSchema: Schema<JudgeRanking> = z.object({
  ranking: z.array(z.string()),
  reason: z.string(),
});

/** The built-in coder's structured output. */
export interface CoderEdits {
  /** At least one edit. */
  edits: Edit[];
}

/** Schema of {@linkcode CoderEdits}. */
export const CoderEditsSchema: Schema<CoderEdits> = z.object({
  edits: z.array(zodOf(EditSchema)).min(1),
});

/** The synthesizer's bounded memory of the run. */
export interface ResearchMemory {
  /** Lessons from kept attempts. */
  worked: string[];
  /** Lessons from discarded, crashed, rejected and no-op attempts. */
  failed: string[];
  /** Directions worth trying. */
  notes: string[];
}

/** Schema of {@linkcode ResearchMemory}. */
export const ResearchMemorySchema: Schema<ResearchMemory> = z.object({
  worked: z.array(z.string()),
  failed: z.array(z.string()),
  notes: z.array(z.string()),
});

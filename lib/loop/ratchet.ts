/**
 * The ratchet: decides, for every evaluated candidate, whether the loop keeps it (continues from it)
 * or reverts to the best-so-far.
 *
 * ## Policy
 *
 * - `strict`: keep a candidate only when it scores strictly higher than the best so far.
 * - `tolerance` (with `epsilon` ≥ 0): also keep a *lateral* move — a candidate scoring within
 *   `epsilon` below the best (`score ≥ best − epsilon`, not better) — but only when the critic produced
 *   feedback in this round that it had not produced before. Lateral moves let the loop explore (the
 *   next revision builds on the lateral candidate) without cycling on the same feedback.
 *
 * In both modes the **best-so-far only changes on a strict improvement**, so it never regresses and
 * is never lost: the loop's `chosen` answer is always the first candidate with the highest score.
 * A reverted candidate stays in the trace; the next revision starts again from the best-so-far.
 *
 * @module
 */
import { z } from "zod";
import type { RatchetDecision } from "../schemas/trace.ts";
import type { Schema } from "../schemas/schema.ts";

/** The ratchet's policy (see the module doc). */
export interface RatchetPolicy {
  /** `strict` keeps only improvements; `tolerance` also keeps lateral moves with new feedback. */
  mode: "strict" | "tolerance";
  /** Tolerance below the best score for lateral moves (tolerance mode only). @default 0 */
  epsilon?: number;
}

/** Schema of {@linkcode RatchetPolicy} (epsilon in [0, 1]). */
export const RatchetPolicySchema: Schema<RatchetPolicy> = z.object({
  mode: z.enum(["strict", "tolerance"]),
  epsilon: z.number().min(0).max(1).optional(),
});

/** The default policy: strict. */
export const DEFAULT_RATCHET_POLICY: RatchetPolicy = { mode: "strict" };

/** What the ratchet needs to know about one candidate. */
export interface RatchetInput {
  /** The candidate's score. */
  candidateScore: number;
  /** The best score so far (before this candidate). */
  bestScore: number;
  /** Whether the feedback that produced this candidate was new (not seen in an earlier round). */
  newFeedback: boolean;
}

/**
 * Validates a policy, naming the bad field.
 *
 * @param policy The policy to check.
 * @returns The same policy.
 * @throws {RangeError} for an unknown mode or an epsilon outside [0, 1].
 *
 * @example A negative epsilon is rejected
 * ```ts
 * import { checkRatchetPolicy } from "./ratchet.ts";
 * let threw = false;
 * try { checkRatchetPolicy({ mode: "tolerance", epsilon: -1 }); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function checkRatchetPolicy(policy: RatchetPolicy): RatchetPolicy {
  const parsed = RatchetPolicySchema.safeParse(policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(
      `ratchet policy: ${issue.path.join(".") || "policy"}: ${issue.message} (got ${
        JSON.stringify(policy)
      })`,
    );
  }
  return policy;
}

/**
 * Decides keep or revert for one candidate under a policy (rule in the module doc). The caller
 * updates the best-so-far only when `candidateScore > bestScore`.
 *
 * @param policy Strict or tolerance.
 * @param input Candidate score, best score, and whether the feedback was new.
 * @returns The decision with its reason and both scores.
 *
 * @example Strict keeps only improvements; tolerance keeps a lateral move with new feedback
 * ```ts
 * import { ratchetDecide } from "./ratchet.ts";
 * const same = { candidateScore: 0.5, bestScore: 0.5, newFeedback: true };
 * if (ratchetDecide({ mode: "strict" }, same).decision !== "revert") throw new Error();
 * if (ratchetDecide({ mode: "tolerance", epsilon: 0.1 }, same).decision !== "keep") throw new Error();
 * ```
 */
export function ratchetDecide(policy: RatchetPolicy, input: RatchetInput): RatchetDecision {
  const { candidateScore: s, bestScore: b, newFeedback } = input;
  if (!Number.isFinite(s) || !Number.isFinite(b)) {
    throw new RangeError(`ratchetDecide: scores must be finite numbers, got ${s} and ${b}`);
  }
  const base = { candidateScore: s, bestScore: b };
  if (s > b) return { ...base, decision: "keep", reason: `improved: ${fmt(s)} > ${fmt(b)}` };
  if (policy.mode === "tolerance") {
    const epsilon = policy.epsilon ?? 0;
    if (s >= b - epsilon) {
      return newFeedback
        ? {
          ...base,
          decision: "keep",
          reason: `lateral move within ε=${epsilon} with new feedback: ${fmt(s)} ≥ ${fmt(b)} − ε`,
        }
        : {
          ...base,
          decision: "revert",
          reason: `lateral move without new feedback: ${fmt(s)} ≤ ${fmt(b)}`,
        };
    }
    return {
      ...base,
      decision: "revert",
      reason: `worse beyond ε=${epsilon}: ${fmt(s)} < ${fmt(b)} − ε`,
    };
  }
  return { ...base, decision: "revert", reason: `not better: ${fmt(s)} ≤ ${fmt(b)}` };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, "");
}

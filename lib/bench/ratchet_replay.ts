/**
 * Replays a loop's ratchet from its trace: which candidate was the best after each one.
 *
 * @module
 */
import type { Trace } from "../schemas/trace.ts";

/**
 * The index of the ratchet's best candidate after each candidate, replaying the loop's rule: a
 * revision becomes the best when it is kept and its gate score beats the best so far (a lateral
 * keep in tolerance mode does not replace the best).
 *
 * @param trace A loop trace.
 * @returns For each candidate index, the index of the best candidate after it.
 *
 * @example
 * ```ts
 * import { bestIndexAfterEach } from "./ratchet_replay.ts";
 * const c = (score: number, decision: "keep" | "revert") => ({ score: { score }, decision: { decision } });
 * const trace = { candidates: [c(0.5, "keep"), c(0.2, "revert"), c(0.9, "keep")] };
 * if (bestIndexAfterEach(trace as never).join() !== "0,0,2") throw new Error();
 * ```
 */
export function bestIndexAfterEach(
  trace: Pick<Trace, "candidates" | "keepsEveryRevision">,
): number[] {
  let best = 0;
  return trace.candidates.map((c, i) => {
    if (trace.keepsEveryRevision) {
      best = i; // no gate: each revision replaced the answer
    } else if (i > 0 && c.decision?.decision === "keep") {
      const bestScore = trace.candidates[best].score?.score ?? 0;
      if ((c.score?.score ?? 0) > bestScore) best = i;
    }
    return best;
  });
}

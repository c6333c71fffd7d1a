/**
 * Record and trace builders shared by the benchmark tests.
 *
 * @module
 */
import type { ItemResult } from "../../lib/bench/records.ts";
import type { Candidate, Trace } from "../../lib/schemas/trace.ts";

/**
 * A benchmark record with neutral defaults (seed 0, one round, two calls, simulated).
 *
 * @param fields At least the item id, arm and score; anything else overrides a default.
 * @returns The record.
 */
export function itemResult(
  fields: Pick<ItemResult, "id" | "arm" | "score"> & Partial<ItemResult>,
): ItemResult {
  return {
    seed: 0,
    passed: fields.score === 1,
    initialScore: 0,
    rounds: 1,
    calls: 2,
    studentCalls: 2,
    tokens: 10,
    stopReason: "max_rounds",
    ms: 1,
    simulated: true,
    ...fields,
  };
}

/**
 * A loop trace around the given candidates (rejected = the first, chosen = `chosenIndex`).
 *
 * @param traceId Trace id.
 * @param itemId Item id.
 * @param candidates The candidates, in order.
 * @param chosenIndex Index of the chosen candidate. @default 0
 * @returns The trace.
 */
export function loopTrace(
  traceId: string,
  itemId: string,
  candidates: Candidate[],
  chosenIndex = 0,
): Trace {
  return {
    traceId,
    itemId,
    prompt: "p",
    candidates,
    chosenIndex,
    chosen: candidates[chosenIndex].text,
    rejected: candidates[0].text,
    rounds: candidates.length - 1,
    calls: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    parseFailures: 0,
    stopReason: "max_rounds",
    startedAt: "2025-01-01T00:00:00Z",
    ms: 1,
  };
}

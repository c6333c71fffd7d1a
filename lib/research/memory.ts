/**
 * The synthesizer's bounded memory: short lessons about what worked, what failed and what to try,
 * shown to every proposer. The deterministic update ({@linkcode rememberAttempts}) records each
 * attempt's outcome; an LLM synthesizer (see `society.ts`) may rewrite it, after which
 * {@linkcode boundResearchMemory} enforces the limits again.
 *
 * @module
 */
import type { ResearchMemory } from "./schemas.ts";
import type { Attempt } from "./ledger.ts";

/** The parts of an attempt the deterministic memory update reads. */
export type AttemptOutcome = Pick<Attempt, "id" | "status" | "reason"> & {
  /** The idea's title. */
  idea: { title: string };
  /** The improvement, when measured. */
  comparison?: { improvement: number };
};

/** An empty memory. */
export const EMPTY_RESEARCH_MEMORY: ResearchMemory = { worked: [], failed: [], notes: [] };

/** Options for {@linkcode boundResearchMemory} and {@linkcode rememberAttempts}. */
export interface MemoryLimits {
  /** Entries kept per list (the most recent). @default 12 */
  size?: number;
  /** Characters kept per entry. @default 300 */
  entryChars?: number;
}

/**
 * Trims a memory to its limits: the most recent `size` entries per list, each at most
 * `entryChars` characters, empty entries and exact duplicates dropped.
 *
 * @param memory The memory.
 * @param limits Size limits.
 * @returns The bounded memory.
 *
 * @example Keep the two most recent
 * ```ts
 * import { boundResearchMemory } from "./memory.ts";
 * const m = boundResearchMemory({ worked: ["a", "b", "c"], failed: [], notes: [] }, { size: 2 });
 * if (m.worked.join() !== "b,c") throw new Error();
 * ```
 */
export function boundResearchMemory(
  memory: ResearchMemory,
  limits: MemoryLimits = {},
): ResearchMemory {
  const size = limits.size ?? 12;
  const chars = limits.entryChars ?? 300;
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new RangeError(`boundResearchMemory: size must be an integer >= 1, got ${size}`);
  }
  const trim = (xs: string[]): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = xs.length - 1; i >= 0 && out.length < size; i--) {
      const x = xs[i].replace(/\s+/g, " ").trim();
      const cut = x.length > chars ? `${x.slice(0, chars - 1)}…` : x;
      if (cut === "" || seen.has(cut)) continue;
      seen.add(cut);
      out.unshift(cut);
    }
    return out;
  };
  return { worked: trim(memory.worked), failed: trim(memory.failed), notes: trim(memory.notes) };
}

/**
 * Records an iteration's attempts deterministically: keeps go to `worked`, everything else to
 * `failed`, each with its status, improvement and reason.
 *
 * @param memory The memory before.
 * @param attempts The iteration's attempts.
 * @param limits Size limits.
 * @returns The memory after.
 *
 * @example A crash is remembered as a failure
 * ```ts
 * import { EMPTY_RESEARCH_MEMORY, rememberAttempts } from "./memory.ts";
 * const m = rememberAttempts(EMPTY_RESEARCH_MEMORY, [{
 *   id: "1", status: "crash", reason: "exit 1", idea: { title: "bigger model" },
 * }]);
 * if (!m.failed[0].includes("crash")) throw new Error();
 * ```
 */
export function rememberAttempts(
  memory: ResearchMemory,
  attempts: readonly AttemptOutcome[],
  limits: MemoryLimits = {},
): ResearchMemory {
  const next: ResearchMemory = {
    worked: [...memory.worked],
    failed: [...memory.failed],
    notes: [...memory.notes],
  };
  for (const a of attempts) {
    const delta = a.comparison ? ` (Δ ${Number(a.comparison.improvement.toPrecision(4))})` : "";
    const line = `#${a.id} ${a.idea.title}: ${a.status}${delta} — ${a.reason}`;
    (a.status === "keep" ? next.worked : next.failed).push(line);
  }
  return boundResearchMemory(next, limits);
}

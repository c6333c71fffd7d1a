/**
 * The hybrid critic: test feedback plus an LLM critic's reading of it.
 *
 * @module
 */
import type { Critic, Feedback } from "../schemas/eval_contracts.ts";

/** Options for {@linkcode hybridCritic}. */
export interface HybridCriticOptions {
  /** Critic name recorded in traces. @default "hybrid" */
  name?: string;
  /** Also ask the LLM critic when every test passes (for style and robustness remarks). @default true */
  llmWhenPassing?: boolean;
}

/** The heading under which the test report is appended to the prompt the LLM critic reads. */
export const HYBRID_TEST_REPORT_HEADING = "Test results for the answer under review";

/**
 * Combines a test critic with an LLM critic. The test critic runs first; the LLM critic then
 * critiques the same answer with the test report appended to the item's prompt (under
 * {@linkcode HYBRID_TEST_REPORT_HEADING}), so it can explain failures rather than guess. The feedback
 * holds the test critiques first, then the LLM's; the text shows both parts. Pass {@linkcode testsCritic}
 * (visible tests only) to keep hidden tests out of everything the LLM and the student see.
 *
 * @param testCritic The test-grounded critic (e.g. `testsCritic()`).
 * @param llmCritic An LLM critic.
 * @param options Name; whether to consult the LLM when all tests pass.
 * @returns The combined critic.
 *
 * @example With stand-in critics
 * ```ts
 * import { hybridCritic } from "./hybrid_critic.ts";
 * const tests = { name: "tests", critique: async () => ({ critiques: [], text: "Visible tests: 0/1 passed." }) };
 * let seen = "";
 * const llm = { name: "llm", critique: async (item: { prompt: string }) => { seen = item.prompt; return { critiques: [], text: "Off by one." }; } };
 * const fb = await hybridCritic(tests, llm).critique({ id: "a", prompt: "Write f." }, "f", { round: 0, seed: 1 });
 * if (!seen.includes("0/1 passed") || !fb.text.includes("Off by one.")) throw new Error(fb.text);
 * ```
 */
export function hybridCritic(
  testCritic: Critic,
  llmCritic: Critic,
  options: HybridCriticOptions = {},
): Critic {
  for (const [label, c] of [["testCritic", testCritic], ["llmCritic", llmCritic]] as const) {
    if (!c || typeof c.critique !== "function") {
      throw new TypeError(
        `Cannot build a hybrid critic: ${label} is not a Critic (current value is ${typeof c})`,
      );
    }
  }
  const name = options.name ?? "hybrid";
  const llmWhenPassing = options.llmWhenPassing ?? true;
  return {
    name,
    async critique(item, answer, context): Promise<Feedback> {
      const tests = await testCritic.critique(item, answer, context);
      if (!llmWhenPassing && tests.critiques.length === 0) return tests;
      const augmented = {
        ...item,
        prompt: `${item.prompt}\n\n## ${HYBRID_TEST_REPORT_HEADING}\n\n${tests.text}`,
      };
      const llm = await llmCritic.critique(augmented, answer, context);
      const parseFailures = (tests.parseFailures ?? 0) + (llm.parseFailures ?? 0);
      return {
        critiques: [...tests.critiques, ...llm.critiques],
        text: `${tests.text}\n\nReviewer (${llmCritic.name}):\n${llm.text}`,
        ...(parseFailures > 0 ? { parseFailures } : {}),
      };
    },
  };
}

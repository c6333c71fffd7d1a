import assert from "node:assert/strict";
import { HYBRID_TEST_REPORT_HEADING, hybridCritic } from "../lib/critics/hybrid_critic.ts";
import { testsCritic } from "../lib/critics/tests_critic.ts";
import type { Critic } from "../lib/loop/types.ts";
import type { Item } from "../lib/schemas/item.ts";
import type { CodingItem } from "../lib/schemas/coding.ts";

const ctx = { round: 0, seed: 1 };
const item: CodingItem = {
  id: "sq",
  prompt: "Write square(x).",
  language: "typescript",
  entryPoint: "square",
  reference: "export const square = (x: number) => x * x;",
  visibleTests: [{ name: "squares 3", code: "assert.strictEqual(square(3), 9);" }],
  hiddenTests: [{ name: "SECRET squares -2", code: "assert.strictEqual(square(-2), 4);" }],
};

function recordingLlm(): Critic & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    name: "llm",
    prompts,
    critique(it: Item) {
      prompts.push(it.prompt);
      return Promise.resolve({
        critiques: [{
          principleId: "P1",
          quote: "x + x",
          issue: "adds instead of multiplying",
          fix: "use x * x",
          severity: "medium" as const,
        }],
        text: "The function doubles instead of squaring.",
        parseFailures: 1,
      });
    },
  };
}

Deno.test("hybridCritic shows the LLM the test report and combines both feedbacks", {
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const llm = recordingLlm();
  const critic = hybridCritic(testsCritic(), llm);
  assert.equal(critic.name, "hybrid");
  const fb = await critic.critique(item, "export const square = (x: number) => x + x;", ctx);
  assert.equal(llm.prompts.length, 1);
  assert.ok(llm.prompts[0].startsWith(item.prompt));
  assert.ok(llm.prompts[0].includes(`## ${HYBRID_TEST_REPORT_HEADING}`));
  assert.ok(llm.prompts[0].includes("FAILED: squares 3"));
  assert.deepEqual(fb.critiques.map((c) => c.principleId), ["squares 3", "P1"]);
  assert.match(fb.text, /Visible tests: 0\/1 passed[\s\S]*Reviewer \(llm\):\nThe function doubles/);
  assert.equal(fb.parseFailures, 1);
  assert.ok(!JSON.stringify(fb).includes("SECRET") && !llm.prompts[0].includes("SECRET"));
});

Deno.test("hybridCritic can skip the LLM when every test passes", async () => {
  const llm = recordingLlm();
  const passing: Critic = {
    name: "tests",
    critique: () => Promise.resolve({ critiques: [], text: "all passed" }),
  };
  const fb = await hybridCritic(passing, llm, { llmWhenPassing: false, name: "hybrid-lite" })
    .critique(item, "x", ctx);
  assert.deepEqual(fb, { critiques: [], text: "all passed" });
  assert.equal(llm.prompts.length, 0);
  await hybridCritic(passing, llm).critique(item, "x", ctx);
  assert.equal(llm.prompts.length, 1);
});

Deno.test("hybridCritic rejects arguments that are not critics", () => {
  assert.throws(() => hybridCritic({} as never, recordingLlm()), /testCritic is not a Critic/);
  assert.throws(
    () => hybridCritic(recordingLlm(), undefined as never),
    /llmCritic is not a Critic/,
  );
});

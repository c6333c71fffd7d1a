import assert from "node:assert/strict";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import { critiqueRevisionLoop } from "../lib/loop/critique_revision_loop.ts";
import { deriveSeed } from "../lib/util/derive_seed.ts";
import type { Event } from "../lib/schemas/events.ts";
import { judgeCritic } from "../lib/critics/judge_critic.ts";

const constitution = parseConstitution(
  "## Be exact {#be-exact}\n\nNo rounding.\n\n## Cite sources {#cite}\n\nSay where facts come from.\n",
);
const item = { id: "pi", prompt: "What is pi?" };

Deno.test("judgeCritic turns a needs_revision verdict's reasons into critiques citing the first principle id they mention", async () => {
  const judge = createScriptedProvider({
    respond: () =>
      JSON.stringify({
        verdict: "needs_revision",
        reasons: ["no source given (cite); also be-exact", "rounded to 3 (be-exact)", "too terse"],
        score: 0.2,
      }),
  });
  const feedback = await judgeCritic(judge, constitution).critique(item, "about 3", {
    round: 2,
    seed: 5,
  });
  assert.deepEqual(feedback.critiques.map((c) => c.principleId), ["cite", "be-exact", "judge"]);
  assert.deepEqual(feedback.critiques.map((c) => c.severity), ["high", "high", "high"]);
  assert.equal(feedback.critiques[1].issue, "rounded to 3 (be-exact)");
  assert.match(feedback.text, /\[be-exact\]/);
  assert.equal(judge.calls[0].options.role, "judge");
  assert.equal(judge.calls[0].options.seed, deriveSeed(5, ["pi", 2, "critic"]));
});

Deno.test("judgeCritic gives no feedback for a compliant verdict and the raw text for an unparseable one", async () => {
  const compliant = createScriptedProvider({
    respond: () => '{"verdict": "compliant", "reasons": ["fine"], "score": 0.95}',
  });
  const none = await judgeCritic(compliant, constitution).critique(item, "3.14159", {
    round: 1,
    seed: 0,
  });
  assert.deepEqual(none, { critiques: [], text: "", parseFailures: 0 });

  const events: Event[] = [];
  const garbled = createScriptedProvider({ respond: () => "The answer rounds pi; say 3.14159." });
  const raw = await judgeCritic(garbled, constitution).critique(item, "3", {
    round: 1,
    seed: 0,
    onEvent: (e) => events.push(e),
  });
  assert.equal(raw.critiques.length, 0);
  assert.equal(raw.text, "The answer rounds pi; say 3.14159.");
  assert.ok((raw.parseFailures ?? 0) >= 1);
  assert.ok(events.some((e) => e.type === "parse_failure" && e.role === "critic"));
});

Deno.test("a loop with the judge as critic revises from the verdict and keeps the better answer", async () => {
  const provider = createScriptedProvider({
    respond: (messages, options) => {
      const user = messages.at(-1)?.content ?? "";
      if (options.role === "student") {
        return user.includes("Your previous answer") ? "3.14159 (Archimedes)" : "about 3";
      }
      if (options.role === "judge") {
        return user.includes("about 3")
          ? '{"verdict": "needs_revision", "reasons": ["rounded (be-exact)"], "score": 0.2}'
          : '{"verdict": "compliant", "reasons": [], "score": 0.9}';
      }
      return undefined;
    },
  });
  const trace = await critiqueRevisionLoop(item, {
    provider,
    constitution,
    critic: judgeCritic(provider, constitution),
  });
  assert.equal(trace.chosen, "3.14159 (Archimedes)");
  assert.equal(trace.stopReason, "compliant");
  assert.deepEqual(trace.candidates[0].critiques.map((c) => c.principleId), ["be-exact"]);
  assert.ok(!provider.calls.some((c) => c.options.role === "critic"), "no separate critic call");
});

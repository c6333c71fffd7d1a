import assert from "node:assert/strict";
import { loadConstitution, restrictConstitution } from "../lib/constitution/mod.ts";
import { critiqueRevisionLoop } from "../lib/loop/mod.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";

Deno.test("restrictConstitution keeps the selected principles in order and rehashes", async () => {
  const full = await loadConstitution();
  const same = restrictConstitution(full, {});
  assert.equal(same, full, "no selection: the same constitution");
  const ids = restrictConstitution(full, { ids: ["safety", "correctness"] });
  assert.deepEqual(ids.principles.map((p) => p.id), ["correctness", "safety"]);
  assert.notEqual(ids.hash, full.hash);
  assert.equal(ids.title, full.title);
  assert.deepEqual(ids.sources, full.sources);
  const code = restrictConstitution(full, { tags: ["code"] });
  assert.ok(code.principles.every((p) => p.tags.includes("code")));
  assert.ok(code.principles.length < full.principles.length);
  // Selection is by content: the same subset hashes the same, whichever way it was named.
  const either = restrictConstitution(full, { ids: ["correctness"], tags: ["code"] });
  assert.equal(
    either.hash,
    restrictConstitution(full, {
      ids: [...new Set(["correctness", ...code.principles.map((p) => p.id)])],
    })
      .hash,
  );
  assert.throws(() => restrictConstitution(full, { ids: ["nope"] }), /unknown principle id "nope"/);
  assert.throws(() => restrictConstitution(full, { tags: ["nope"] }), /no principle has the tag/);
});

Deno.test("a loop under a restricted constitution shows its roles only the selected principles", async () => {
  const constitution = restrictConstitution(await loadConstitution(), { ids: ["correctness"] });
  const provider = createScriptedProvider({
    byRole: {
      student: "3.14159",
      judge: JSON.stringify({ verdict: "compliant", reasons: ["exact"], score: 0.9 }),
    },
  });
  await critiqueRevisionLoop({ id: "pi", prompt: "What is pi?" }, { provider, constitution });
  const judge = provider.calls.find((c) => c.options.role === "judge");
  assert.ok(judge);
  const prompt = judge.messages.map((m) => m.content).join("\n");
  assert.match(prompt, /\[correctness\]/);
  assert.doesNotMatch(prompt, /\[clarity\]|\[safety\]/);
});

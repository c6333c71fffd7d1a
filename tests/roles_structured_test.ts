import assert from "node:assert/strict";
import type { z } from "zod";
import { extractJson, generateStructured } from "../lib/roles/structured.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { CritiqueListSchema, VerdictSchema } from "../lib/schemas/trace.ts";
import type { Message } from "../lib/schemas/chat.ts";

const fence = "`".repeat(3);
const ask: Message[] = [{ role: "user", content: "judge this" }];
const verdictJson = '{"verdict": "needs_revision", "reasons": ["too short"], "score": 0.4}';

Deno.test("extractJson reads plain, fenced, prose-wrapped and trailing-comma JSON", () => {
  assert.deepEqual(extractJson('  {"a": 1}  '), { a: 1 });
  assert.deepEqual(extractJson(`${fence}json\n{"a": 2}\n${fence}`), { a: 2 });
  assert.deepEqual(extractJson(`${fence}\n[1, 2]\n${fence}`), [1, 2]);
  assert.deepEqual(extractJson('Here is my verdict: {"a": {"b": "}"}} — hope it helps'), {
    a: { b: "}" },
  });
  assert.deepEqual(extractJson('{"a": [1, 2, ], "s": "x, ]",\n}'), { a: [1, 2], s: "x, ]" });
  assert.deepEqual(extractJson('I think {this} is wrong, so: {"ok": true}'), { ok: true });
  assert.equal(extractJson("no json at all"), undefined);
  assert.equal(extractJson('{"unterminated": '), undefined);
  assert.equal(extractJson(""), undefined);
});

Deno.test("a fenced answer with prose around it parses on the first call", async () => {
  const p = createScriptedProvider({
    respond: () => `Sure!\n${fence}json\n${verdictJson}\n${fence}\nLet me know.`,
  });
  const r = await generateStructured(p, ask, VerdictSchema);
  assert.ok(r.ok);
  assert.equal(r.value.score, 0.4);
  assert.equal(p.calls.length, 1);
  assert.equal(p.calls[0].options.jsonSchema?.type, "object", "the JSON schema is sent");
});

Deno.test("an invalid answer triggers one re-ask that shows the error, and the fix is used", async () => {
  const p = createScriptedProvider({
    respond: (messages) =>
      messages.length === 1 ? '{"verdict": "great", "reasons": [], "score": 3}' : verdictJson,
  });
  const failures: string[] = [];
  const r = await generateStructured(p, ask, VerdictSchema, {
    onParseFailure: (m) => failures.push(m),
  });
  assert.ok(r.ok);
  assert.equal(r.value.verdict, "needs_revision");
  assert.equal(p.calls.length, 2);
  const reask = p.calls[1].messages;
  assert.equal(reask.length, 3);
  assert.equal(reask[1].role, "assistant");
  assert.match(reask[2].content, /verdict/);
  assert.match(reask[2].content, /score/);
  assert.deepEqual(failures, [], "a repaired answer is not a parse failure");
  const firstTokens = p.calls[0].text.split(/\s+/).length;
  assert.ok(r.response.usage.outputTokens > firstTokens, "usage covers both attempts");
});

Deno.test("a streamed invalid answer is followed by a stream restart before the re-ask streams", async () => {
  const p = createScriptedProvider({
    respond: (messages) => messages.length === 1 ? "not json at all" : verdictJson,
  });
  const seen: string[] = [];
  const r = await generateStructured(p, ask, VerdictSchema, {
    onToken: (t) => seen.push(t),
    onStreamRestart: () => seen.push("<restart>"),
  });
  assert.ok(r.ok);
  const restart = seen.indexOf("<restart>");
  assert.equal(seen.slice(0, restart).join(""), "not json at all");
  assert.equal(seen.slice(restart + 1).join(""), verdictJson);
});

Deno.test("two bad answers give a typed failure and one parse-failure callback, never a throw", async () => {
  const p = createScriptedProvider({ respond: () => "I refuse to answer in JSON." });
  const failures: string[] = [];
  const r = await generateStructured(p, ask, CritiqueListSchema, {
    onParseFailure: (m) => failures.push(m),
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.raw, "I refuse to answer in JSON.");
  assert.match(r.error, /no JSON value found/);
  assert.equal(failures.length, 1);
  assert.equal(p.calls.length, 2);
  assert.ok(r.response && r.response.usage.outputTokens > 0);
});

Deno.test("a schema mismatch failure names the failing field", async () => {
  const p = createScriptedProvider({ respond: () => '{"critiques": [{"principleId": 1}]}' });
  const r = await generateStructured(p, ask, CritiqueListSchema);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /critiques\.0\.principleId/);
});

Deno.test("provider errors propagate instead of becoming parse failures", async () => {
  const p = createScriptedProvider({
    respond: () => {
      throw new ProviderError("scripted", "server", "down");
    },
  });
  await assert.rejects(() => generateStructured(p, ask, VerdictSchema), ProviderError);
});

Deno.test("bad arguments are rejected early with messages naming them", async () => {
  const p = createScriptedProvider();
  await assert.rejects(() => generateStructured(p, [], VerdictSchema), /messages/);
  await assert.rejects(
    () => generateStructured(p, ask, {} as unknown as z.ZodType),
    /schema must be a zod schema/,
  );
});

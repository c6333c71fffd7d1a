import assert from "node:assert/strict";
import { z } from "zod";
import { createScriptedProvider, defaultForJsonSchema } from "../lib/providers/scripted.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { CritiqueListSchema, PairwiseSchema, VerdictSchema } from "../lib/schemas/trace.ts";
import { ChatResponseSchema, type Message } from "../lib/schemas/chat.ts";

const msgs: Message[] = [
  { role: "system", content: "be nice" },
  { role: "user", content: "What is two plus two?\nThanks." },
];

Deno.test("rules are tried in order: function, item queue, role queue, default", async () => {
  const p = createScriptedProvider({
    respond: (m) => (m[1].content.includes("special") ? "from function" : undefined),
    byItem: { q1: ["item first", "item second"] },
    byRole: { critic: "role answer" },
  });
  const special: Message[] = [msgs[0], { role: "user", content: "special" }];
  assert.equal((await p.chat(special, { itemId: "q1", role: "critic" })).text, "from function");
  assert.equal((await p.chat(msgs, { itemId: "q1", role: "critic" })).text, "item first");
  assert.equal((await p.chat(msgs, { itemId: "q1" })).text, "item second");
  assert.equal((await p.chat(msgs, { itemId: "q1" })).text, "item second");
  assert.equal((await p.chat(msgs, { itemId: "q2", role: "critic" })).text, "role answer");
  assert.equal((await p.chat(msgs)).text, "Scripted answer: What is two plus two?");
  assert.equal(p.calls.length, 6);
});

Deno.test("role queues advance independently and repeat their last answer", async () => {
  const p = createScriptedProvider({ byRole: { a: ["a1", "a2"], b: ["b1"] } });
  const seen = [];
  for (const role of ["a", "b", "a", "b", "a"]) seen.push((await p.chat(msgs, { role })).text);
  assert.deepEqual(seen, ["a1", "b1", "a2", "b1", "a2"]);
});

Deno.test("the default answer is valid structured output for the trace schemas", async () => {
  const p = createScriptedProvider();
  for (const schema of [CritiqueListSchema, VerdictSchema, PairwiseSchema]) {
    const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
    const r = await p.chat(msgs, { jsonSchema });
    assert.ok(schema.safeParse(JSON.parse(r.text)).success, r.text);
  }
  const verdict = VerdictSchema.parse(
    JSON.parse((await p.chat(msgs, { jsonSchema: z.toJSONSchema(VerdictSchema) })).text),
  );
  assert.equal(verdict.verdict, "compliant");
  const nested = z.object({
    list: z.array(z.object({ n: z.number().int().min(2) })).min(2),
    tag: z.literal("x"),
    maybe: z.string().optional(),
  });
  const value = defaultForJsonSchema(z.toJSONSchema(nested) as Record<string, unknown>);
  assert.ok(nested.safeParse(value).success, JSON.stringify(value));
});

Deno.test("streaming sends word chunks that concatenate to the answer", async () => {
  const text = "  one two\nthree   four ";
  const p = createScriptedProvider({ defaultText: text });
  const chunks: string[] = [];
  const r = await p.chat(msgs, { onToken: (d) => chunks.push(d) });
  assert.equal(chunks.join(""), text);
  assert.equal(chunks.length, 4);
  assert.equal(r.text, text);
});

Deno.test("usage counts whitespace tokens of the messages and the answer", async () => {
  const p = createScriptedProvider({ defaultText: "four, I think" });
  const r = await p.chat(msgs);
  assert.deepEqual(r.usage, { inputTokens: 2 + 6, outputTokens: 3 });
  assert.ok(ChatResponseSchema.safeParse(r).success);
});

Deno.test("an aborted signal throws an aborted provider error, before or during streaming", async () => {
  const p = createScriptedProvider({ defaultText: "a b c d" });
  const before = new AbortController();
  before.abort();
  await assert.rejects(
    () => p.chat(msgs, { signal: before.signal }),
    (e: unknown) => e instanceof ProviderError && e.kind === "aborted" && !e.retryable,
  );
  const during = new AbortController();
  const chunks: string[] = [];
  await assert.rejects(
    () =>
      p.chat(msgs, {
        signal: during.signal,
        onToken: (d) => {
          chunks.push(d);
          if (chunks.length === 2) during.abort();
        },
      }),
    ProviderError,
  );
  assert.equal(chunks.length, 2);
  assert.equal(p.calls.length, 0, "aborted calls are not recorded as answered");
});

Deno.test("a rule may throw to simulate an infrastructure failure", async () => {
  const p = createScriptedProvider({
    respond: () => {
      throw new ProviderError("scripted", "connection", "refused");
    },
  });
  await assert.rejects(
    () => p.chat(msgs),
    (e: unknown) => e instanceof ProviderError && e.retryable,
  );
});

Deno.test("bad options are rejected early with the field named", () => {
  assert.throws(() => createScriptedProvider({ byRole: { student: [] } }), /byRole\["student"\]/);
  assert.throws(
    () => createScriptedProvider({ respond: "x" as unknown as () => string }),
    /respond must be a function/,
  );
});

Deno.test("recorded calls keep options without transport fields", async () => {
  const p = createScriptedProvider({ name: "fake", model: "m1" });
  const r = await p.chat(msgs, { seed: 5, role: "judge", signal: new AbortController().signal });
  assert.equal(r.model, "m1");
  assert.equal(p.name, "fake");
  assert.deepEqual(p.calls[0].options, { seed: 5, role: "judge" });
});

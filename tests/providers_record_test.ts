import assert from "node:assert/strict";
import { withCache } from "../lib/providers/cache.ts";
import { withCallRecording } from "../lib/providers/record.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { type Provider, ProviderError } from "../lib/providers/types.ts";
import { type CallRecord, CallRecordSchema } from "../lib/schemas/trace.ts";
import { startProtocolServer } from "./protocol_server.ts";

Deno.test("record: every call yields a valid CallRecord with usage, timing and role", async () => {
  const server = startProtocolServer({ handler: () => "one two three" });
  const records: CallRecord[] = [];
  try {
    const p = await createProvider("kimi:moonshot-v1-8k", {
      env: { MOONSHOT_API_KEY: "sk-record-secret" },
      baseURL: `${server.url}/v1`,
      onCall: (r) => records.push(r),
    });
    await p.chat([{ role: "user", content: "a b" }], { role: "critic" });
    await p.chat([{ role: "user", content: "c" }], { role: "judge", onToken: () => {} });
    assert.equal(records.length, 2);
    for (const r of records) CallRecordSchema.parse(r);
    assert.deepEqual(records.map((r) => r.role), ["critic", "judge"]);
    assert.deepEqual(records[0].usage, server.chatRequests()[0].usage);
    assert.equal(records[0].provider, "kimi");
    assert.equal(records[0].model, "moonshot-v1-8k");
    assert.equal(records[0].cached, false);
    assert.ok(!JSON.stringify(records).includes("sk-record-secret"));
  } finally {
    await server.close();
  }
});

Deno.test("record: a failed call is recorded with its error and rethrown unchanged", async () => {
  const error = new ProviderError("f", "auth", "bad key");
  const failing: Provider = { name: "f", model: "m", chat: () => Promise.reject(error) };
  const records: CallRecord[] = [];
  let t = 0;
  const p = withCallRecording(failing, (r) => records.push(r), {
    now: () => (t += 10),
    defaultRole: "student",
  });
  await assert.rejects(p.chat([{ role: "user", content: "x" }]), (e) => e === error);
  assert.equal(records.length, 1);
  assert.equal(records[0].role, "student");
  assert.equal(records[0].ms, 10);
  assert.ok(records[0].error?.includes("bad key"));
  assert.deepEqual(records[0].usage, { inputTokens: 0, outputTokens: 0 });
  assert.throws(
    () => withCallRecording(failing, "nope" as unknown as () => void),
    /onRecord must be a function/,
  );
});

Deno.test("record: replayed calls are recorded as cached", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const inner: Provider = {
      name: "p",
      model: "m",
      chat: () =>
        Promise.resolve({ text: "t", model: "m", usage: { inputTokens: 2, outputTokens: 1 } }),
    };
    const records: CallRecord[] = [];
    const p = withCallRecording(withCache(inner, { dir }), (r) => records.push(r));
    const msgs = [{ role: "user" as const, content: "x" }];
    await p.chat(msgs);
    await p.chat(msgs);
    assert.deepEqual(records.map((r) => r.cached), [false, true]);
    assert.deepEqual(records[1].usage, { inputTokens: 2, outputTokens: 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

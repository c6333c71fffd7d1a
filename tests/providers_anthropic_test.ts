import assert from "node:assert/strict";
import { createAnthropicProvider } from "../lib/providers/anthropic.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { providerContract } from "./providers_contract.ts";
import { startProtocolServer } from "./protocol_server.ts";

providerContract(
  "anthropic",
  (server) =>
    createAnthropicProvider("claude-3-5-haiku-latest", {
      apiKey: "sk-ant-test",
      baseURL: server.url,
    }),
  {
    wire: "anthropic",
    expectHeaders: { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" },
  },
);

providerContract(
  "anthropic via registry",
  (server) =>
    createProvider("anthropic:claude-3-5-haiku-latest", {
      env: { ANTHROPIC_API_KEY: "sk-ant-env", ANTHROPIC_BASE_URL: server.url },
      retry: false,
    }),
  { wire: "anthropic", expectHeaders: { "x-api-key": "sk-ant-env" } },
);

Deno.test("anthropic: max_tokens defaults to 1024 and system messages move to the system field", async () => {
  const server = startProtocolServer();
  try {
    const p = createAnthropicProvider("claude", { apiKey: "k", baseURL: server.url });
    await p.chat([
      { role: "system", content: "Rule one." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "user", content: "again" },
    ]);
    const body = server.chatRequests("anthropic")[0].body!;
    assert.equal(body.max_tokens, 1024);
    assert.equal(body.system, "Rule one.");
    assert.deepEqual((body.messages as { role: string }[]).map((m) => m.role), [
      "user",
      "assistant",
      "user",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("anthropic: an error event inside the stream is reported with its kind", async () => {
  const body = [
    'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\n',
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
  ].join("");
  const fakeFetch: typeof fetch = () =>
    Promise.resolve(new Response(body, { headers: { "content-type": "text/event-stream" } }));
  const p = createAnthropicProvider("claude", { apiKey: "k", fetch: fakeFetch });
  await assert.rejects(
    p.chat([{ role: "user", content: "hi" }], { onToken: () => {} }),
    (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "server");
      assert.ok(e.message.includes("Overloaded"));
      return true;
    },
  );
});

Deno.test("anthropic: a missing key is an auth error naming ANTHROPIC_API_KEY", async () => {
  await assert.rejects(createProvider("anthropic:claude", { env: {} }), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.equal(e.kind, "auth");
    assert.ok(e.message.includes("set ANTHROPIC_API_KEY"));
    return true;
  });
});

import assert from "node:assert/strict";
import { createOpenAIProvider, isStrictCompatible } from "../lib/providers/openai.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { providerContract } from "./providers_contract.ts";
import { startProtocolServer } from "./protocol_server.ts";

providerContract(
  "openai",
  (server) =>
    createOpenAIProvider("gpt-4o-mini", { baseURL: `${server.url}/v1`, apiKey: "sk-openai-test" }),
  { wire: "openai", expectHeaders: { authorization: "Bearer sk-openai-test" } },
);

// Presets through the registry, each reading its own key variable, pointed at the local server.
const presets: [string, Record<string, string>, string | undefined][] = [
  ["kimi:moonshot-v1-8k", { MOONSHOT_API_KEY: "sk-kimi-test" }, "Bearer sk-kimi-test"],
  ["moonshot:moonshot-v1-8k", { MOONSHOT_API_KEY: "sk-moon-test" }, "Bearer sk-moon-test"],
  ["openrouter:meta/llama-3", { OPENROUTER_API_KEY: "sk-or-test" }, "Bearer sk-or-test"],
  ["vllm:served-model", {}, undefined],
  ["llamacpp-server:served-model", { LLAMACPP_API_KEY: "local-key" }, "Bearer local-key"],
  ["openai-compatible:served-model", {}, undefined],
];
for (const [spec, env, auth] of presets) {
  providerContract(
    `${spec.split(":")[0]} preset`,
    (server) => createProvider(spec, { env, baseURL: `${server.url}/v1`, retry: false }),
    { wire: "openai", expectHeaders: auth ? { authorization: auth } : {} },
  );
}

Deno.test("vllm and llama.cpp presets find the server through their base URL variables", async () => {
  const server = startProtocolServer({ handler: () => "from env" });
  try {
    const vllm = await createProvider("vllm:served-model", {
      env: { VLLM_BASE_URL: `${server.url}/v1` },
      retry: false,
    });
    const llama = await createProvider("llamacpp-server:m", {
      env: { LLAMACPP_BASE_URL: `${server.url}/v1/` },
      retry: false,
    });
    const msgs = [{ role: "user" as const, content: "hi" }];
    assert.equal((await vllm.chat(msgs)).text, "from env");
    assert.equal((await llama.chat(msgs)).text, "from env");
    assert.equal(server.chatRequests("openai").length, 2);
    assert.equal(vllm.name, "vllm");
    assert.equal(llama.name, "llamacpp-server");
  } finally {
    await server.close();
  }
});

Deno.test("openai: a rejected key fails as auth with the server's message", async () => {
  const server = startProtocolServer({ apiKey: "right-key" });
  try {
    const p = createOpenAIProvider("gpt-4o-mini", {
      baseURL: `${server.url}/v1`,
      apiKey: "wrong-key",
    });
    await assert.rejects(p.chat([{ role: "user", content: "hi" }]), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "auth");
      assert.equal(e.status, 401);
      assert.ok(e.message.includes("invalid api key"));
      assert.ok(!e.retryable);
      return true;
    });
  } finally {
    await server.close();
  }
});

Deno.test("openai: a closed port fails as a retryable connection error", async () => {
  const server = startProtocolServer();
  const url = server.url;
  await server.close();
  const p = createOpenAIProvider("gpt-4o-mini", { baseURL: `${url}/v1` });
  await assert.rejects(p.chat([{ role: "user", content: "hi" }]), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.equal(e.kind, "connection");
    return true;
  });
});

Deno.test("openai: strict is sent only for schemas meeting OpenAI's strict rules unless forced", async () => {
  const server = startProtocolServer();
  try {
    const open = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
    };
    const msgs = [{ role: "user" as const, content: "hi" }];
    await createOpenAIProvider("m", { baseURL: `${server.url}/v1` }).chat(msgs, {
      jsonSchema: open,
    });
    await createOpenAIProvider("m", { baseURL: `${server.url}/v1`, strictJsonSchema: true }).chat(
      msgs,
      {
        jsonSchema: open,
      },
    );
    const strict = server.chatRequests("openai").map((r) =>
      (r.body?.response_format as { json_schema: { strict: boolean } }).json_schema.strict
    );
    assert.deepEqual(strict, [false, true]);
  } finally {
    await server.close();
  }
  const nested = {
    type: "object",
    properties: {
      list: { type: "array", items: { type: "object", properties: { x: { type: "string" } } } },
    },
    required: ["list"],
    additionalProperties: false,
  };
  assert.equal(isStrictCompatible(nested), false, "an open nested object is not strict-compatible");
});

Deno.test("openai: bad arguments are rejected early, naming the value", () => {
  assert.throws(() => createOpenAIProvider(""), /model must be a non-empty string/);
  assert.throws(
    () => createOpenAIProvider("m", { baseURL: "not a url" }),
    /invalid baseURL "not a url"/,
  );
});

Deno.test("openai: OpenAI's own API gets max_completion_tokens, other servers max_tokens", async () => {
  const server = startProtocolServer({ handler: () => "ok" });
  // The official host, with fetch pointed at the local server: the default follows the host.
  const toLocal: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  };
  try {
    const msgs = [{ role: "user" as const, content: "hi" }];
    const official = createOpenAIProvider("o3-mini", {
      baseURL: "https://api.openai.com/v1",
      apiKey: "sk-test",
      fetch: toLocal,
    });
    await official.chat(msgs, { maxTokens: 64 });
    await official.chat(msgs, { maxTokens: 65, onToken: () => {} });
    const local = createOpenAIProvider("served", { baseURL: `${server.url}/v1` });
    await local.chat(msgs, { maxTokens: 66 });
    const forced = await createProvider("vllm:served", {
      baseURL: `${server.url}/v1`,
      retry: false,
      openaiMaxTokensField: "max_completion_tokens",
    });
    await forced.chat(msgs, { maxTokens: 67 });
    const bodies = server.chatRequests("openai").map((r) => r.body as Record<string, unknown>);
    assert.deepEqual(
      bodies.map((b) => [b.max_tokens, b.max_completion_tokens]),
      [[undefined, 64], [undefined, 65], [66, undefined], [undefined, 67]],
    );
  } finally {
    await server.close();
  }
});

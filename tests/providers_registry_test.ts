import assert from "node:assert/strict";
import { createLimiter } from "../lib/providers/limiter.ts";
import { createProvider, parseProviderSpec, PROVIDER_KINDS } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import type { CallRecord } from "../lib/schemas/trace.ts";
import { startProtocolServer } from "./protocol_server.ts";

const msgs = [{ role: "user" as const, content: "hi" }];

Deno.test("registry: specs split at the first colon and unknown kinds are named", () => {
  assert.deepEqual(parseProviderSpec("ollama:qwen2.5:7b"), { kind: "ollama", model: "qwen2.5:7b" });
  assert.deepEqual(parseProviderSpec("scripted"), { kind: "scripted", model: "" });
  assert.deepEqual(parseProviderSpec("answers:runs/a:b.jsonl"), {
    kind: "answers",
    model: "runs/a:b.jsonl",
  });
  assert.throws(
    () => parseProviderSpec("gemini:pro"),
    /unknown provider "gemini" in spec "gemini:pro" \(known: .*kimi/,
  );
  assert.throws(() => parseProviderSpec(""), /non-empty string/);
  for (
    const k of [
      "ollama",
      "openai",
      "kimi",
      "moonshot",
      "openrouter",
      "vllm",
      "llamacpp-server",
      "openai-compatible",
      "anthropic",
      "answers",
      "scripted",
    ]
  ) {
    assert.ok(PROVIDER_KINDS.includes(k), k);
  }
});

Deno.test("registry: a missing key is an auth error naming the variable to set", async () => {
  const cases: [string, string][] = [
    ["kimi:moonshot-v1-8k", "MOONSHOT_API_KEY"],
    ["moonshot:moonshot-v1-8k", "MOONSHOT_API_KEY"],
    ["openai:gpt-4o-mini", "OPENAI_API_KEY"],
    ["openrouter:x/y", "OPENROUTER_API_KEY"],
    ["anthropic:claude-3-5-haiku-latest", "ANTHROPIC_API_KEY"],
  ];
  for (const [spec, variable] of cases) {
    await assert.rejects(createProvider(spec, { env: {} }), (e: unknown) => {
      assert.ok(e instanceof ProviderError, spec);
      assert.equal(e.kind, "auth");
      assert.ok(e.message.includes(`set ${variable}`), e.message);
      return true;
    });
  }
  const vllm = await createProvider("vllm:m", { env: {} });
  assert.equal(vllm.name, "vllm", "local servers need no key");
});

Deno.test("registry: missing models, base URLs and the embedded engine are explicit errors", async () => {
  await assert.rejects(createProvider("ollama", { env: {} }), /spec "ollama" needs a model/);
  await assert.rejects(createProvider("answers"), /needs a file/);
  await assert.rejects(
    createProvider("openai-compatible:m", { env: {} }),
    /openai-compatible needs a base URL: pass the baseURL option/,
  );
  await assert.rejects(createProvider("llamacpp", { env: {} }), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.equal(e.name, "ProviderError");
    assert.equal(e.kind, "not_found");
    assert.match(e.message, /AUTOCONSTITUTION_GGUF/);
    return true;
  });
  await assert.rejects(
    createProvider("llamacpp:/no/such/model.gguf", { env: {} }),
    (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.match(e.message, /\/no\/such\/model\.gguf does not exist/);
      return true;
    },
  );
});

Deno.test("registry: an unreachable explicit provider fails instead of falling back to another", async () => {
  const other = startProtocolServer();
  const closed = startProtocolServer();
  const closedUrl = closed.url;
  await closed.close();
  try {
    const p = await createProvider("ollama:llama3.2", {
      baseURL: closedUrl,
      env: { OLLAMA_HOST: other.url, OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${other.url}/v1` },
      retry: { maxAttempts: 2, sleep: () => Promise.resolve() },
    });
    await assert.rejects(
      p.chat(msgs),
      (e: unknown) => e instanceof ProviderError && e.kind === "connection",
    );
    assert.equal(other.requests.length, 0, "no other backend was tried");
  } finally {
    await other.close();
  }
});

Deno.test("registry: scripted specs use the scripted provider with the given options", async () => {
  const p = await createProvider("scripted:tiny", { scripted: { byRole: { judge: "verdict" } } });
  assert.equal(p.name, "scripted");
  assert.equal(p.model, "tiny");
  assert.equal((await p.chat(msgs, { role: "judge" })).text, "verdict");
  await p.dispose();
  await p.dispose();
});

Deno.test("registry: wrappers compose — limiter per attempt, retries, then call records", async () => {
  const server = startProtocolServer({ handler: () => "fine" });
  try {
    const records: CallRecord[] = [];
    const limiter = createLimiter(1);
    const p = await createProvider("openai:gpt-4o-mini", {
      env: { OPENAI_API_KEY: "k" },
      baseURL: `${server.url}/v1`,
      limiter,
      retry: { sleep: () => Promise.resolve() },
      onCall: (r) => records.push(r),
    });
    server.fault("rate_limit");
    const [a, b] = await Promise.all([p.chat(msgs, { role: "x" }), p.chat(msgs, { role: "y" })]);
    assert.equal(a.text, "fine");
    assert.equal(b.text, "fine");
    assert.equal(server.chatRequests().length, 3, "one 429 retried");
    assert.equal(server.peakInFlight, 1);
    assert.equal(limiter.active, 0);
    assert.deepEqual(records.map((r) => r.role).sort(), ["x", "y"]);
    assert.ok(records.every((r) => r.error === undefined));
  } finally {
    await server.close();
  }
});

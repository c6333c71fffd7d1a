import assert from "node:assert/strict";
import {
  pickProvider,
  probeProviders,
  type ProviderProbe,
  ProviderProbeSchema,
} from "../lib/providers/probe.ts";
import { startProtocolServer } from "./protocol_server.ts";

Deno.test("probe: ready, no_key and no_model against the protocol server", async () => {
  const server = startProtocolServer();
  try {
    const v1 = `${server.url}/v1`;
    const probes = await probeProviders({
      providers: ["ollama", "kimi", "anthropic", "openai", "llamacpp", "vllm"],
      env: { ANTHROPIC_API_KEY: "sk-probe", OPENAI_API_KEY: "sk-probe" },
      baseURLs: { ollama: server.url, kimi: v1, anthropic: server.url, openai: v1, vllm: v1 },
    });
    for (const p of probes) ProviderProbeSchema.parse(p);
    const by = Object.fromEntries(probes.map((p) => [p.provider, p]));
    assert.deepEqual(probes.map((p) => p.provider), [
      "ollama",
      "kimi",
      "anthropic",
      "openai",
      "llamacpp",
      "vllm",
    ]);
    assert.equal(by.ollama.status, "ready");
    assert.equal(by.ollama.model, "llama3.2:latest");
    assert.equal(by.ollama.spec, "ollama:llama3.2:latest");
    assert.equal(by.kimi.status, "no_key");
    assert.match(by.kimi.reason, /set MOONSHOT_API_KEY/);
    assert.equal(by.kimi.model, "moonshot-v1-8k");
    assert.equal(by.anthropic.status, "ready");
    assert.equal(by.anthropic.spec, "anthropic:claude-3-5-haiku-latest");
    assert.equal(by.openai.status, "ready");
    assert.equal(by.openai.model, "gpt-4o-mini");
    assert.equal(by.llamacpp.status, "unreachable");
    assert.equal(by.llamacpp.reason, "no GGUF model configured");
    assert.equal(by.vllm.status, "ready", "a local server needs no key");
    assert.equal(by.vllm.model, "gpt-4o-mini", "vllm uses the first listed model");
    const anthropicReq = server.requests.find((r) => r.headers["x-api-key"] === "sk-probe");
    assert.equal(anthropicReq?.path, "/v1/models");
    assert.equal(anthropicReq?.headers["anthropic-version"], "2023-06-01");
    assert.equal(server.chatRequests().length, 0, "probing makes no chat calls");

    server.ollamaModels = [];
    server.openaiModels = [];
    const empty = await probeProviders({
      providers: ["ollama", "vllm"],
      env: {},
      baseURLs: { ollama: server.url, vllm: v1 },
    });
    assert.deepEqual(empty.map((p) => p.status), ["no_model", "no_model"]);
    assert.match(empty[0].reason, /ollama pull/);
  } finally {
    await server.close();
  }
});

Deno.test("probe: a preferred model must be listed; llama3.2 matches llama3.2:latest", async () => {
  const server = startProtocolServer({ ollamaModels: ["llama3.2:latest", "qwen2.5:0.5b"] });
  try {
    const [hit, miss] = await Promise.all([
      probeProviders({
        providers: ["ollama"],
        baseURLs: { ollama: server.url },
        models: { ollama: "llama3.2" },
      }),
      probeProviders({
        providers: ["ollama"],
        baseURLs: { ollama: server.url },
        models: { ollama: "mistral" },
      }),
    ]);
    assert.equal(hit[0].status, "ready");
    assert.equal(hit[0].model, "llama3.2:latest");
    assert.equal(miss[0].status, "no_model");
    assert.match(
      miss[0].reason,
      /"mistral" is not pulled; available: llama3.2:latest, qwen2.5:0.5b/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("probe: a rejected key is an error, a closed port and a hang are unreachable", async () => {
  const server = startProtocolServer({ apiKey: "right" });
  const closed = startProtocolServer();
  const closedUrl = closed.url;
  await closed.close();
  try {
    const rejected = await probeProviders({
      providers: ["openai", "anthropic"],
      env: { OPENAI_API_KEY: "wrong", ANTHROPIC_API_KEY: "wrong" },
      baseURLs: { openai: `${server.url}/v1`, anthropic: server.url },
    });
    for (const p of rejected) {
      assert.equal(p.status, "error");
      assert.match(p.reason, /key rejected \(HTTP 401\): invalid api key/);
    }
    const down = await probeProviders({
      providers: ["ollama", "kimi", "anthropic", "openai"],
      env: { MOONSHOT_API_KEY: "k", ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" },
      baseURLs: {
        ollama: closedUrl,
        kimi: `${closedUrl}/v1`,
        anthropic: closedUrl,
        openai: `${closedUrl}/v1`,
      },
    });
    for (const p of down) {
      assert.equal(p.status, "unreachable", p.provider);
      assert.ok(p.reason.includes(closedUrl), p.reason);
    }
    server.fault("hang", { times: 2 });
    let inFlight = 0;
    let peak = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const hung = await probeProviders({
      providers: ["ollama", "vllm"],
      env: {},
      timeoutMs: 100,
      fetch: countingFetch,
      baseURLs: { ollama: server.url, vllm: `${server.url}/v1` },
    });
    assert.deepEqual(hung.map((p) => p.status), ["unreachable", "unreachable"]);
    assert.match(hung[0].reason, /no answer within 100 ms/);
    assert.equal(peak, 2, "the probes ran in parallel");
  } finally {
    await server.close();
  }
});

Deno.test("probe: the llama.cpp entry uses the injected checker and unknown providers are rejected", async () => {
  const probes = await probeProviders({
    providers: ["llamacpp"],
    llamacppCheck: () =>
      Promise.resolve({ status: "ready", reason: "tiny.gguf loaded", model: "tiny.gguf" }),
  });
  assert.deepEqual(probes, [{
    provider: "llamacpp",
    status: "ready",
    reason: "tiny.gguf loaded",
    model: "tiny.gguf",
  }]);
  await assert.rejects(probeProviders({ providers: ["bogus"] }), /unknown provider "bogus"/);
  await assert.rejects(
    probeProviders({ timeoutMs: 0 }),
    /timeoutMs must be a positive number, got 0/,
  );
});

Deno.test("pickProvider: the first ready provider in the order Ollama, Kimi, Anthropic, OpenAI, llama.cpp", () => {
  const probe = (provider: string, status: ProviderProbe["status"]): ProviderProbe => ({
    provider,
    status,
    reason: "",
  });
  const all = ["llamacpp", "openai", "anthropic", "kimi", "ollama"];
  assert.equal(pickProvider(all.map((p) => probe(p, "ready")))?.provider, "ollama");
  assert.equal(
    pickProvider([
      probe("ollama", "no_model"),
      probe("kimi", "no_key"),
      probe("openai", "ready"),
      probe("anthropic", "ready"),
    ])
      ?.provider,
    "anthropic",
  );
  assert.equal(
    pickProvider([probe("openai", "error"), probe("llamacpp", "ready")])?.provider,
    "llamacpp",
  );
  assert.equal(pickProvider([probe("vllm", "ready"), probe("ollama", "unreachable")]), undefined);
  assert.equal(pickProvider([]), undefined);
});

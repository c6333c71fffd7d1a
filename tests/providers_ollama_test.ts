import assert from "node:assert/strict";
import { createOllamaProvider, resolveOllamaHost } from "../lib/providers/ollama.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { providerContract } from "./providers_contract.ts";
import { startProtocolServer } from "./protocol_server.ts";

providerContract("ollama", (server) => createOllamaProvider("llama3.2", { host: server.url }), {
  wire: "ollama",
});

providerContract(
  "ollama via OLLAMA_HOST",
  (server) => createOllamaProvider("llama3.2", { env: { OLLAMA_HOST: server.url } }),
  { wire: "ollama" },
);

Deno.test("ollama: a model that is not pulled fails as not_found with Ollama's message", async () => {
  const server = startProtocolServer();
  try {
    const p = createOllamaProvider("missing-model", { host: server.url });
    await assert.rejects(p.chat([{ role: "user", content: "hi" }]), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "not_found");
      assert.ok(e.message.includes("missing-model"));
      return true;
    });
  } finally {
    await server.close();
  }
});

Deno.test("ollama: a closed port fails as a retryable connection error", async () => {
  const server = startProtocolServer();
  const url = server.url;
  await server.close();
  const p = createOllamaProvider("llama3.2", { host: url });
  await assert.rejects(p.chat([{ role: "user", content: "hi" }]), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.equal(e.kind, "connection");
    assert.ok(e.retryable);
    return true;
  });
});

Deno.test("ollama: hosts are normalised with scheme and default port", () => {
  assert.equal(resolveOllamaHost("example.org"), "http://example.org:11434");
  assert.equal(resolveOllamaHost("http://example.org:1234/"), "http://example.org:1234");
  assert.equal(
    resolveOllamaHost(undefined, { OLLAMA_HOST: "10.0.0.2:5000" }),
    "http://10.0.0.2:5000",
  );
  assert.equal(resolveOllamaHost(undefined, {}), "http://127.0.0.1:11434");
  assert.throws(() => createOllamaProvider(""), /model must be a non-empty string/);
});

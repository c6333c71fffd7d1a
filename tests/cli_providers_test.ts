import assert from "node:assert/strict";
import { EventSchema } from "../lib/schemas/events.ts";
import { startProtocolServer } from "./protocol_server.ts";
import { cai } from "./testdata/cli/cli_helpers.ts";
import {
  formatProviderTable,
  LISTED_PROVIDERS,
  ProvidersReportSchema,
} from "../scripts/cai_providers.ts";

Deno.test("cai providers --json parses: every provider with status, reason and model, the embedded engine included", async () => {
  const server = startProtocolServer();
  try {
    const [json, events, table] = await Promise.all([
      cai(["providers", "--json", "--timeout", "1"], { env: { OLLAMA_HOST: server.url } }),
      cai(["providers", "--ui", "json", "--timeout", "1"], { env: { OLLAMA_HOST: server.url } }),
      cai(["providers", "--timeout", "1"]),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const doc = ProvidersReportSchema.parse(JSON.parse(json.stdout));
    const probes = doc.providers;
    assert.deepEqual(probes.map((p) => p.provider), LISTED_PROVIDERS);
    const ollama = probes.find((p) => p.provider === "ollama");
    assert.equal(ollama?.status, "ready");
    assert.equal(ollama?.model, "llama3.2:latest");
    assert.equal(doc.auto, "ollama:llama3.2:latest");
    const kimi = probes.find((p) => p.provider === "kimi");
    assert.equal(kimi?.status, "no_key");
    assert.match(kimi?.reason ?? "", /MOONSHOT_API_KEY/);
    assert.ok(probes.find((p) => p.provider === "llamacpp")?.reason);

    assert.equal(events.code, 0, events.stderr);
    const lines = events.stdout.trimEnd().split("\n");
    assert.equal(lines.length, LISTED_PROVIDERS.length + 1);
    for (const line of lines) assert.ok(EventSchema.safeParse(JSON.parse(line)).success, line);

    assert.equal(table.code, 0, table.stderr);
    assert.ok(!table.stdout.includes("\x1b"));
    assert.match(table.stdout, /^ollama +unreachable +- +cannot reach http:\/\/127\.0\.0\.1:9/m);
    assert.match(table.stdout, /auto-pick: none ready/);
  } finally {
    await server.close();
  }
});

Deno.test("formatProviderTable aligns columns and colours statuses only when asked", () => {
  const probes = [
    {
      provider: "ollama",
      status: "ready" as const,
      reason: "1 model pulled",
      model: "m",
      spec: "ollama:m",
    },
    { provider: "anthropic", status: "no_key" as const, reason: "set ANTHROPIC_API_KEY" },
  ];
  const plain = formatProviderTable(probes);
  const rows = plain.split("\n");
  assert.equal(rows[1].indexOf("ready"), rows[2].indexOf("no_key"));
  assert.equal(rows.at(-1), "auto-pick: ollama:m");
  assert.ok(!plain.includes("\x1b"));
  assert.ok(formatProviderTable(probes, { color: true }).includes("\x1b[32mready"));
});

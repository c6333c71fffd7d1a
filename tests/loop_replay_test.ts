/**
 * A critique–revision loop recorded against the protocol server (each real protocol, real client,
 * streaming on) replays with the server stopped and yields the same trace, ignoring timestamps,
 * durations and the `cached` flag.
 */
import assert from "node:assert/strict";
import { critiqueRevisionLoop } from "../lib/loop/critique_revision_loop.ts";
import { loadConstitution } from "../lib/constitution/mod.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { type Trace, TraceSchema } from "../lib/schemas/trace.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { startProtocolServer } from "./protocol_server.ts";

const constitution = await loadConstitution();

/** A model that improves: the critic objects twice, the judge's score rises with each revision. */
function handler(
  { body, messages }: { body: Record<string, unknown>; messages: { content: string }[] },
): string {
  const wire = JSON.stringify(body);
  const last = messages.at(-1)?.content ?? "";
  const version = (last.match(/draft v(\d)/g) ?? []).length;
  if (wire.includes('\\"critiques\\"') || wire.includes('"critiques"')) {
    return JSON.stringify({
      critiques: version < 3
        ? [{
          principleId: "correctness",
          quote: "draft",
          issue: `draft ${version} is vague`,
          fix: "be concrete",
          severity: "medium",
        }]
        : [],
    });
  }
  if (wire.includes('"verdict"')) {
    const score = Math.min(1, 0.3 + 0.2 * version);
    return JSON.stringify({
      verdict: version >= 3 ? "compliant" : "needs_revision",
      reasons: [`version ${version}`],
      score,
    });
  }
  return `draft v${Math.min(version + 1, 9)}: DNS maps names to addresses.`;
}

function normalise(trace: Trace): unknown {
  return {
    ...trace,
    startedAt: "",
    ms: 0,
    calls: trace.calls.map((c) => ({ ...c, ms: 0, cached: false })),
  };
}

for (const spec of ["ollama:llama3.2:latest", "openai:gpt-4o-mini", "anthropic:claude-test"]) {
  Deno.test(`a loop recorded over ${spec.split(":")[0]} replays with the server stopped to the same trace`, async () => {
    const dir = await Deno.makeTempDir();
    const server = startProtocolServer({ handler });
    const env = {
      OLLAMA_HOST: server.url,
      OPENAI_API_KEY: "sk-test",
      ANTHROPIC_API_KEY: "ak-test",
    };
    const baseURL = spec.startsWith("openai")
      ? `${server.url}/v1`
      : spec.startsWith("anthropic")
      ? server.url
      : undefined;
    try {
      const run = async (mode: "record" | "replay") => {
        const provider = await createProvider(spec, {
          env,
          baseURL,
          retry: { baseDelayMs: 1 },
          cache: { dir, mode },
        });
        const events: Event[] = [];
        const trace = await critiqueRevisionLoop({
          id: "dns",
          prompt: "Explain DNS in one sentence.",
        }, {
          provider,
          constitution,
          maxRounds: 3,
          seed: 11,
          stream: true,
          onEvent: (e) => events.push(e),
        });
        return { trace, events };
      };
      const recorded = await run("record");
      TraceSchema.parse(recorded.trace);
      assert.equal(recorded.trace.error, undefined);
      assert.ok(recorded.trace.candidates.length >= 3, "the loop revised at least twice");
      assert.ok(recorded.events.some((e) => e.type === "token"), "tokens streamed");
      const served = server.requests.length;
      assert.ok(served > 0);
      await server.close();

      const replayed = await run("replay");
      assert.equal(server.requests.length, served, "replay made no request");
      assert.deepEqual(normalise(replayed.trace), normalise(recorded.trace));
      assert.ok(
        replayed.trace.calls.every((c) => c.cached),
        "every replayed call came from the cache",
      );
      assert.ok(
        replayed.events.some((e) => e.type === "token"),
        "replay still streams tokens to UIs",
      );
      for (const e of replayed.events) EventSchema.parse(e);
    } finally {
      await server.close().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  });
}

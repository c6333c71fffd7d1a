import assert from "node:assert/strict";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { startProtocolServer } from "./protocol_server.ts";
import { cai, loopHandler } from "./testdata/cli/cli_helpers.ts";
import { DEMO_PROMPT } from "../scripts/cai_demo.ts";
import { findLlamaCppEngine } from "../lib/providers/llamacpp_engine.ts";

function events(stdout: string): Event[] {
  return stdout.split("\n").filter((l) => l !== "").map((line) => {
    const parsed = EventSchema.safeParse(JSON.parse(line));
    assert.ok(parsed.success, `not an event: ${line}`);
    return parsed.data;
  });
}

Deno.test("deno task demo picks the ready provider from the probe and runs the critique–revision loop on the canned prompt", async () => {
  const server = startProtocolServer({ handler: loopHandler });
  try {
    const r = await cai(["demo", "--ui", "json"], { env: { OLLAMA_HOST: server.url } });
    assert.equal(r.code, 0, r.stderr);
    const stream = events(r.stdout);
    assert.equal(stream[0].type, "run_start");
    const start = stream.find((e) => e.type === "item_start");
    assert.equal(start?.type === "item_start" && start.prompt, DEMO_PROMPT);
    const decisions = stream.filter((e) => e.type === "ratchet_decision");
    assert.ok(decisions.length >= 2, "initial answer and at least one revision were judged");
    const end = stream.find((e) => e.type === "item_end");
    assert.ok(end?.type === "item_end" && end.rounds >= 1 && end.chosenScore === 0.9);
    const report = stream.at(-1);
    assert.ok(report?.type === "log", JSON.stringify(report));
    assert.match(
      report.message,
      /^demo with ollama:llama3\.2:latest: \d round\(s\), 1 revision\(s\) kept/,
    );
    assert.match(report.message, /Chosen answer:\nFINAL answer to: Explain to a curious/);
    assert.ok(server.chatRequests("ollama").every((q) => q.body?.model === "llama3.2:latest"));
  } finally {
    await server.close();
  }
});

Deno.test("deno task demo with no provider says how to enable one, then runs the offline SIMULATED benchmark and exits 0", async () => {
  const [json, plain] = await Promise.all([
    cai(["demo", "--ui", "json"]),
    cai(["demo", "--offline"]),
  ]);
  assert.equal(json.code, 0, json.stderr);
  const stream = events(json.stdout);
  const help = stream[0];
  assert.ok(help.type === "log", JSON.stringify(help));
  for (
    const hint of [
      "ollama serve",
      "ollama pull llama3.2",
      "MOONSHOT_API_KEY",
      "ANTHROPIC_API_KEY",
      "OPENAI_API_KEY",
      "AUTOCONSTITUTION_GGUF=path/to/model.gguf",
    ]
  ) assert.ok(help.message.includes(hint), hint);
  const starts = stream.filter((e) => e.type === "item_start");
  assert.ok(starts.length >= 6, "the loop events of the benchmark are streamed");
  assert.ok(stream.some((e) => e.type === "score" && e.score.source === "visible_tests"));
  const report = stream.at(-1);
  assert.ok(report?.type === "log");
  assert.match(report.message, /SIMULATED/);
  assert.match(report.message, /^6 items × 1 seed\(s\)/m);
  for (const arm of ["baseline", "tests", "best_of_n"]) {
    assert.match(report.message, new RegExp(`^\\| ${arm} \\|`, "m"), arm);
  }

  // --offline skips the probe and the paragraph; piped output is plain and escape-free.
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!plain.stdout.includes("No model provider is ready"));
  assert.ok(!plain.stdout.includes("\x1b"));
  assert.match(plain.stdout, /^\[run\] start offline-demo items=6$/m);
  assert.match(plain.stdout, /^# Benchmark offline-demo — SIMULATED/m);
});

const TINY_MODEL = new URL("../../shared/models/stories260K.gguf", import.meta.url).pathname;
const tinyReady = (await findLlamaCppEngine()).ok &&
  (await Deno.stat(TINY_MODEL).then(() => true, () => false));

Deno.test({
  name:
    "deno task demo runs the live loop on the embedded engine with a GGUF model and a principle subset" +
    (tinyReady
      ? ""
      : " [SKIPPED: the llama.cpp engine or ../shared/models/stories260K.gguf is absent]"),
  ignore: !tinyReady,
  async fn() {
    // The whole constitution does not fit the 260K test model's 2,048-token context; one principle does.
    const r = await cai(["demo", "--principles", "correctness", "--ui", "json"], {
      env: { AUTOCONSTITUTION_GGUF: TINY_MODEL },
    });
    assert.equal(r.code, 0, r.stderr);
    const stream = events(r.stdout);
    const roles = new Set(stream.flatMap((e) => (e.type === "role_end" ? [e.role] : [])));
    assert.ok(roles.has("student") && roles.has("judge"), [...roles].join());
    assert.ok(stream.some((e) => e.type === "ratchet_decision"));
    const report = stream.at(-1);
    assert.ok(report?.type === "log", JSON.stringify(report));
    assert.match(report.message, /^demo with llamacpp:.*stories260K\.gguf: \d round\(s\)/);
  },
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { EventSchema } from "../lib/schemas/events.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { ManifestSchema } from "../lib/schemas/manifest.ts";
import { StandardPreferenceRowSchema } from "../lib/export/mod.ts";
import { type HandlerInput, startProtocolServer } from "./protocol_server.ts";
import { cai, loopHandler } from "./testdata/cli/cli_helpers.ts";

const DATA = "tests/testdata/cli";

function jsonLines(text: string): unknown[] {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

function bodyText(request: { body?: unknown }): string {
  return JSON.stringify(request.body ?? null);
}

function isFirstStudentCall(input: HandlerInput): boolean {
  const system = input.messages.find((m) => m.role === "system")?.content ?? "";
  const user = input.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  return system.includes("careful expert") && !user.includes("Your previous answer");
}

Deno.test("cai run --ui json against Ollama's protocol runs concurrent loops, streams valid events and writes pairs, traces and manifest", async () => {
  // The first student calls wait for each other: with --concurrency 2 both items are in flight.
  let waiting: (() => void)[] = [];
  const server = startProtocolServer({
    handler: async (input) => {
      if (isFirstStudentCall(input)) {
        const barrier = new Promise<void>((resolve) => waiting.push(resolve));
        if (waiting.length >= 2) waiting.forEach((r) => r());
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 3000))]);
        waiting = [];
      }
      return loopHandler(input);
    },
  });
  const dir = await Deno.makeTempDir();
  const out = join(dir, "pairs.jsonl");
  try {
    const r = await cai(
      [
        "run",
        "-f",
        `${DATA}/prompts.jsonl`,
        "-o",
        out,
        "--provider",
        "ollama:llama3.2",
        "--max-rounds",
        "2",
        "--concurrency",
        "2",
        "--constitution",
        "constitution.md",
        "--constitution",
        `${DATA}/overlay.md`,
        "--ui",
        "json",
      ],
      { env: { OLLAMA_HOST: server.url } },
    );
    assert.equal(r.code, 0, r.stderr);
    const events = jsonLines(r.stdout).map((e, i) => {
      const parsed = EventSchema.safeParse(e);
      assert.ok(parsed.success, `stdout line ${i + 1} is not an event: ${JSON.stringify(e)}`);
      return parsed.data;
    });
    assert.equal(events[0].type, "run_start");
    assert.ok(events.some((e) => e.type === "ratchet_decision" && e.decision.decision === "keep"));
    assert.equal(events.filter((e) => e.type === "item_end").length, 2);
    const end = events.find((e) => e.type === "run_end");
    assert.ok(end?.type === "run_end" && end.ok);
    assert.equal(server.peakInFlight, 2, "--concurrency 2 had both items in flight");
    // Every LLM call is an event, and the report totals them (Ollama costs nothing).
    const calls = events.flatMap((e) => (e.type === "call" ? [e] : []));
    assert.equal(calls.length, server.chatRequests("ollama").length);
    const report = events.findLast((e) => e.type === "log");
    const tokensIn = calls.reduce((n, c) => n + c.usage.inputTokens, 0);
    assert.ok(report?.type === "log");
    assert.match(
      report.message,
      new RegExp(`calls ${calls.length}, tokens in ${tokensIn} out \\d+, cost \\$0\\.0000`),
    );

    const pairs = jsonLines(await Deno.readTextFile(out)).map((row) =>
      StandardPreferenceRowSchema.parse(row)
    );
    assert.deepEqual(pairs.map((p) => p.metadata.item_id), ["sum", "prime"]);
    for (const p of pairs) {
      assert.match(p.chosen, /^FINAL/);
      assert.match(p.rejected, /^DRAFT/);
    }
    const traces = jsonLines(await Deno.readTextFile(join(dir, "pairs.traces.jsonl"))).map((t) =>
      TraceSchema.parse(t)
    );
    assert.deepEqual(traces.map((t) => t.itemId), ["sum", "prime"]);
    const manifest = ManifestSchema.parse(
      JSON.parse(await Deno.readTextFile(join(dir, "pairs.manifest.json"))),
    );
    assert.deepEqual(manifest.roles.student, { provider: "ollama", model: "llama3.2" });
    assert.equal(manifest.parameters.judge, "symmetric");
    assert.equal(manifest.constitutionSources?.length, 2);
    assert.equal(manifest.datasetItems, 2);
    // The overlay's principle reached the critic's prompt.
    const critic = server.chatRequests("ollama").find((q) =>
      bodyText(q).includes("strict, fair reviewer")
    );
    assert.match(JSON.stringify(critic?.body), /cite-sources/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cai run piped output is plain lines without escape codes, and a judge critique with an asymmetric judge uses the judge's model", async () => {
  const server = startProtocolServer({
    handler: loopHandler,
    ollamaModels: ["llama3.2:latest", "judge-model:latest"],
  });
  const dir = await Deno.makeTempDir();
  try {
    const r = await cai(
      [
        "run",
        "-f",
        `${DATA}/prompts.txt`,
        "-o",
        join(dir, "p.jsonl"),
        "--provider",
        "ollama",
        "--judge-model",
        "judge-model",
        "--critique-mode",
        "judge",
      ],
      { env: { OLLAMA_HOST: server.url } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes("\x1b"), "no escape codes when piped");
    const lines = r.stdout.trimEnd().split("\n");
    const report = lines.findIndex((l) => l.startsWith("run "));
    assert.ok(report > 0, r.stdout);
    for (const line of lines.slice(0, report)) {
      assert.match(line, /^\[[a-z_]+( round=\d+)?( item=\S+)?\] /);
    }
    assert.ok(lines.some((l) => /^\[ratchet round=1 item=line-1\] keep/.test(l)), r.stdout);

    const byModel = (model: string) =>
      server.chatRequests("ollama").filter((q) => q.body?.model === model);
    const judgeCalls = byModel("judge-model");
    assert.ok(judgeCalls.length > 0);
    for (const q of judgeCalls) assert.match(JSON.stringify(q.body), /impartial judge/);
    for (const q of byModel("llama3.2:latest")) {
      assert.doesNotMatch(JSON.stringify(q.body), /impartial judge|strict, fair reviewer/);
    }
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "p.manifest.json")));
    assert.equal(manifest.parameters.judge, "asymmetric");
    assert.equal(manifest.parameters.critic, "judge");
    const pairs = jsonLines(await Deno.readTextFile(join(dir, "p.jsonl"))) as {
      metadata: { critic: string };
    }[];
    assert.equal(pairs.length, 2);
    assert.equal(pairs[0].metadata.critic, "judge");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cai run --record then --replay with the server stopped reproduces the pairs with zero network", async () => {
  const server = startProtocolServer({ handler: loopHandler });
  const dir = await Deno.makeTempDir();
  const cache = join(dir, "cache");
  const args = (out: string, mode: string) => [
    "run",
    "-p",
    "Name a colour.",
    "-p",
    "Name a planet.",
    "-o",
    join(dir, out),
    "--provider",
    "ollama:llama3.2",
    "--seed",
    "7",
    mode,
    "--cache-dir",
    cache,
    "--ui",
    "plain",
  ];
  try {
    const recorded = await cai(args("recorded.jsonl", "--record"), {
      env: { OLLAMA_HOST: server.url },
    });
    assert.equal(recorded.code, 0, recorded.stderr);
    const calls = server.chatRequests().length;
    assert.ok(calls >= 8, `recorded ${calls} calls`);
    await server.close();

    const replayed = await cai(args("replayed.jsonl", "--replay"), {
      env: { OLLAMA_HOST: server.url },
    });
    assert.equal(replayed.code, 0, replayed.stderr);
    const a = await Deno.readTextFile(join(dir, "recorded.jsonl"));
    const b = await Deno.readTextFile(join(dir, "replayed.jsonl"));
    assert.equal(jsonLines(a).length, 2);
    assert.equal(b, a, "replayed pairs are identical");

    const missing = await cai(
      [
        "run",
        "-p",
        "Something never recorded.",
        "--provider",
        "ollama:llama3.2",
        "--replay",
        "--cache-dir",
        cache,
      ],
      { env: { OLLAMA_HOST: server.url } },
    );
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /replay_miss/);
  } finally {
    await server.close().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Ctrl-C flushes the finished items, exits 130 and prints a resume command that skips them", async () => {
  let hang = true;
  const release = Promise.withResolvers<void>();
  const server = startProtocolServer({
    handler: async (input) => {
      const user = input.messages.at(-1)?.content ?? "";
      if (hang && user.includes("prime")) await release.promise;
      return loopHandler(input);
    },
  });
  const dir = await Deno.makeTempDir();
  const out = join(dir, "pairs.jsonl");
  const traces = join(dir, "pairs.traces.jsonl");
  const args = ["run", "-f", `${DATA}/prompts.jsonl`, "-o", out, "--provider", "ollama:llama3.2"];
  try {
    const { cleanEnv, CAI, ROOT } = await import("./testdata/cli/cli_helpers.ts");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CAI, ...args, "--ui", "plain"],
      cwd: ROOT,
      env: cleanEnv({ OLLAMA_HOST: server.url }),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Wait until the first item is saved and the second one is stuck in its first call.
    for (let i = 0; i < 300; i++) {
      const saved = await Deno.readTextFile(traces).catch(() => "");
      if (saved.includes('"sum"') && server.requests.some((q) => bodyText(q).includes("prime"))) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const result = await child.output();
    const stderr = new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 130, stderr);
    assert.match(stderr, /Resume with:\n {2}deno task cai run .*--resume/);
    const saved = jsonLines(await Deno.readTextFile(traces)).map((t) => TraceSchema.parse(t));
    assert.deepEqual(saved.map((t) => t.itemId), ["sum"]);
    assert.equal(jsonLines(await Deno.readTextFile(out)).length, 1, "pairs of the finished item");

    hang = false;
    release.resolve();
    const before = server.chatRequests().filter((q) => bodyText(q).includes("2+2")).length;
    const resumed = await cai([...args, "--resume", "--ui", "plain"], {
      env: { OLLAMA_HOST: server.url },
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming: 1 of 2 item\(s\) already done/);
    const after = server.chatRequests().filter((q) => bodyText(q).includes("2+2")).length;
    assert.equal(after, before, "the finished item was not run again");
    const all = jsonLines(await Deno.readTextFile(traces)) as { itemId: string }[];
    assert.deepEqual(all.map((t) => t.itemId), ["sum", "prime"]);
    assert.equal(jsonLines(await Deno.readTextFile(out)).length, 2);

    const otherFlags = await cai([...args, "--resume", "--max-rounds", "1"], {
      env: { OLLAMA_HOST: server.url },
    });
    assert.equal(otherFlags.code, 2, otherFlags.stderr);
    assert.match(otherFlags.stderr, /cannot resume/);
  } finally {
    release.resolve();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { formatPlainEvent } from "../lib/ui/plain.ts";
import { createDashboardState, reduceDashboard, renderDashboard } from "../lib/ui/dashboard.ts";
import { createTerminalSink, resolveUiMode } from "../lib/ui/terminal.ts";
import {
  colorEnabled,
  displayWidth,
  padEndToWidth,
  sliceToWidth,
  stripAnsi,
} from "../lib/ui/ansi.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { createRng } from "../lib/util/prng.ts";

/** One event of every type, as the loop and bench emit them. */
function sampleEvents(itemId = "q1"): Event[] {
  const t = 1_700_000_000_000;
  const critique = {
    principleId: "correctness",
    quote: "x",
    issue: "off by one\nat the end",
    fix: "use <",
    severity: "high" as const,
  };
  return [
    { type: "run_start", t, runId: "r", items: 3 },
    { type: "item_start", t, itemId, prompt: "Write f.\nIt adds." },
    { type: "round_start", t, itemId, round: 0 },
    { type: "role_start", t, itemId, role: "student", round: 0 },
    { type: "token", t, itemId, role: "student", round: 0, text: "Hello " },
    { type: "token", t, itemId, role: "student", round: 0, text: "world" },
    {
      type: "role_end",
      t,
      itemId,
      role: "student",
      round: 0,
      text: "Hello world",
      usage: { inputTokens: 10, outputTokens: 2 },
      ms: 5,
    },
    { type: "critique", t, itemId, round: 1, critiques: [critique] },
    { type: "revision", t, itemId, round: 1, text: "Hello again" },
    {
      type: "verdict",
      t,
      itemId,
      round: 1,
      verdict: { verdict: "needs_revision", reasons: ["r"], score: 0.4 },
    },
    {
      type: "score",
      t,
      itemId,
      round: 1,
      score: { score: 0.5, passed: false, source: "visible_tests", detail: "3/6" },
    },
    {
      type: "ratchet_decision",
      t,
      itemId,
      round: 1,
      decision: { decision: "keep", reason: "improved", candidateScore: 0.5, bestScore: 0.2 },
    },
    { type: "parse_failure", t, itemId, role: "judge", round: 1, message: "no JSON" },
    { type: "round_end", t, itemId, round: 1 },
    { type: "progress", t, done: 1, total: 3, label: "tests q1" },
    { type: "log", t, level: "warn", message: "careful" },
    { type: "error", t, itemId, message: "provider down", role: "critic" },
    { type: "item_end", t, itemId, chosenScore: 0.5, rounds: 1, stopReason: "max_rounds" },
    { type: "run_end", t, runId: "r", ok: true },
  ];
}

Deno.test("every sample event is valid under EventSchema (the fixture itself is honest)", () => {
  for (const e of sampleEvents()) EventSchema.parse(e);
});

Deno.test("plain output is one escape-free line per event, with role and round, skipping tokens", () => {
  const lines = sampleEvents().map(formatPlainEvent);
  const printed = lines.filter((l): l is string => l !== null);
  for (const line of printed) {
    assert.equal(line, stripAnsi(line), "no escape codes");
    assert.ok(!line.includes("\n"), `one line: ${line}`);
    assert.match(line, /^\[[a-z_]+( round=\d+)?( item=q1)?\] /);
  }
  assert.equal(lines[4], null, "tokens are not printed in plain mode");
  assert.ok(
    printed.some((l) => l.startsWith("[critic round=1 item=q1] 1 critique(s): correctness (high)")),
  );
  assert.ok(
    printed.some((l) => l.startsWith("[ratchet round=1 item=q1] keep 0.500 vs best 0.200")),
  );
  assert.ok(printed.some((l) => l.startsWith("[student round=0 item=q1] Hello world (10+2 tok)")));
});

Deno.test("the json sink writes exactly one schema-valid JSON object per line", () => {
  const out: string[] = [];
  const sink = createTerminalSink("json", { write: (t) => out.push(t), isTTY: true });
  for (const e of sampleEvents()) sink.onEvent(e);
  sink.close();
  const text = out.join("");
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, sampleEvents().length);
  for (const line of lines) EventSchema.parse(JSON.parse(line));
});

Deno.test("auto is live on a terminal and plain in a pipe; NO_COLOR turns colour off", () => {
  assert.equal(resolveUiMode("auto", true), "live");
  assert.equal(resolveUiMode("auto", false), "plain");
  assert.equal(colorEnabled(true, () => undefined), true);
  assert.equal(colorEnabled(true, (n) => (n === "NO_COLOR" ? "" : undefined)), false);
  assert.equal(colorEnabled(false, () => undefined), false);
});

Deno.test("the dashboard shows role panels, the scoreboard, progress and token counters", () => {
  const state = createDashboardState("bench · SIMULATED", 0);
  for (const e of sampleEvents()) reduceDashboard(state, e);
  const frame = renderDashboard(state, { width: 80 });
  assert.match(frame, /bench · SIMULATED/);
  assert.match(frame, /┌ student/);
  assert.match(frame, /Scoreboard/);
  assert.match(frame, /q1 +r1 0\.50 best 0\.50 keep/);
  assert.match(frame, /\[#+\.+\] 1\/3 ETA/);
  assert.match(frame, /tokens in 10 out 2/);
  assert.match(frame, /! provider down/);
});

Deno.test("the cost counter prices each call and says which models it could not price", () => {
  const call = (provider: string, model: string, inputTokens: number, outputTokens: number) => ({
    type: "call" as const,
    t: 1,
    role: "judge",
    provider,
    model,
    usage: { inputTokens, outputTokens },
    ms: 5,
    cached: false,
  });
  const priced = createDashboardState("t", 0, { "openai:gpt-4o": { input: 2.5, output: 10 } });
  reduceDashboard(priced, call("openai", "gpt-4o", 200_000, 10_000));
  reduceDashboard(priced, call("openai", "gpt-4o", 200_000, 10_000));
  assert.ok(Math.abs(priced.costUsd - 1.2) < 1e-12);
  assert.match(renderDashboard(priced, { width: 120 }), /cost \$1\.20$/m);
  const local = createDashboardState("t", 0);
  reduceDashboard(local, call("ollama", "llama3.2", 1000, 1000));
  assert.match(renderDashboard(local, { width: 120 }), /cost \$0\.0000$/m);
  reduceDashboard(local, call("anthropic", "claude", 10, 10));
  reduceDashboard(local, call("anthropic", "claude", 10, 10));
  assert.deepEqual(local.unpriced, ["anthropic:claude"]);
  assert.match(
    renderDashboard(local, { width: 200 }),
    /cost ≥ \$0\.0000 \(no price for anthropic:claude: --prices FILE\)/,
  );
  assert.equal(formatPlainEvent(call("ollama", "m", 1, 1)), null, "plain mode stays quiet");
});

Deno.test("a token restart replaces the role's streamed text instead of appending to it", () => {
  const state = createDashboardState("t", 0);
  const base = { t: 0, itemId: "q1", role: "student", round: 0 };
  reduceDashboard(state, { type: "item_start", t: 0, itemId: "q1", prompt: "p" });
  reduceDashboard(state, { ...base, type: "role_start" });
  reduceDashboard(state, { ...base, type: "token", text: "Two pl" });
  assert.equal(state.panels.student, "Two pl");
  reduceDashboard(state, { ...base, type: "token", text: "", restart: true });
  reduceDashboard(state, { ...base, type: "token", text: "Two plus " });
  reduceDashboard(state, { ...base, type: "token", text: "two" });
  assert.equal(state.panels.student, "Two plus two");
});

/** Words of one, two-column and zero-width characters (CJK, emoji, combining accents). */
const WORDS = ["word", "漢字", "日本語のテキスト", "🙂👍", "e\u0301te\u0301", "x", "가나다"];

Deno.test("display width counts wide characters twice and marks not at all", () => {
  assert.equal(displayWidth("abc"), 3);
  assert.equal(displayWidth("漢字"), 4);
  assert.equal(displayWidth("🙂"), 2);
  assert.equal(displayWidth("e\u0301"), 1);
  assert.equal(displayWidth("\x1b[31m가\x1b[39m"), 2);
  assert.equal(sliceToWidth("漢字", 3), "漢");
  assert.equal(sliceToWidth("e\u0301x", 1), "e\u0301");
  assert.equal(padEndToWidth("漢", 3), "漢 ");
});

Deno.test("dashboard frames never exceed the terminal width, coloured or not, over random event streams", () => {
  const rng = createRng(7);
  const events = sampleEvents();
  for (let trial = 0; trial < 200; trial++) {
    const width = 20 + rng.int(180);
    const state = createDashboardState("t".repeat(rng.int(300)), 0);
    for (let i = 0; i < 40; i++) {
      const e = structuredClone(events[rng.int(events.length)]);
      const word = WORDS[rng.int(WORDS.length)];
      if (e.type === "token" || e.type === "role_end") e.text = `${word} `.repeat(rng.int(200));
      if (rng.next() < 0.3) e.itemId = `item-${word.repeat(rng.int(40))}`;
      reduceDashboard(state, e);
    }
    for (const color of [false, true]) {
      for (const line of renderDashboard(state, { width, color }).split("\n")) {
        assert.ok(displayWidth(line) <= width, `width ${width}: ${JSON.stringify(line)}`);
      }
    }
  }
});

Deno.test("the live sink redraws in place and its final frame holds the last state", () => {
  const out: string[] = [];
  const sink = createTerminalSink("live", {
    write: (t) => out.push(t),
    isTTY: true,
    columns: 60,
    frameMs: 0,
  });
  for (const e of sampleEvents()) sink.onEvent(e);
  sink.close();
  assert.ok(out.length > 1);
  assert.ok(out.slice(1).every((f) => f.includes("\x1b[")), "later frames move the cursor up");
  assert.match(stripAnsi(out.at(-1)!), /Scoreboard/);
});

import assert from "node:assert/strict";
import { traceView } from "../lib/ui/jupyter.ts";
import type { Trace } from "../lib/schemas/trace.ts";

function makeTrace(): Trace {
  return {
    traceId: "trace-1",
    itemId: "item<1>",
    prompt: "Write <b>fizzbuzz</b>",
    candidates: [
      {
        round: 0,
        text: "function f() {\n  return 1;\n}",
        critiques: [
          {
            principleId: "correctness",
            quote: "return 1;",
            issue: "returns a constant <script>",
            fix: "loop over n",
            severity: "high",
          },
          {
            principleId: "style",
            quote: "",
            issue: "no docs",
            fix: "add a comment",
            severity: "low",
          },
        ],
        feedback: "test fizz failed: expected 'Fizz'",
        score: { score: 0.2, passed: false, source: "visible_tests", detail: "1/5 tests passed" },
      },
      {
        round: 1,
        text: "function f() {\n  // fizzbuzz\n  return 2;\n}",
        critiques: [],
        score: { score: 1, passed: true, source: "visible_tests" },
        decision: { decision: "keep", reason: "better score", candidateScore: 1, bestScore: 0.2 },
      },
      {
        round: 2,
        text: "function f() {\n  return 3;\n}",
        critiques: [],
        score: { score: 0.4, passed: false, source: "visible_tests" },
        decision: { decision: "revert", reason: "worse", candidateScore: 0.4, bestScore: 1 },
      },
    ],
    chosenIndex: 1,
    chosen: "function f() {\n  // fizzbuzz\n  return 2;\n}",
    rejected: "function f() {\n  return 1;\n}",
    rounds: 2,
    calls: [],
    usage: { inputTokens: 120, outputTokens: 80 },
    parseFailures: 0,
    stopReason: "max_rounds",
    startedAt: "2025-01-01T00:00:00Z",
    ms: 1500,
  };
}

Deno.test("traceView renders one collapsible section per candidate, the chosen one open", () => {
  const trace = makeTrace();
  const html = String(traceView(trace).bundle["text/html"]);
  const summaries = [...html.matchAll(/<details( open)?><summary>(round [^<]*)<\/summary>/g)];
  assert.equal(summaries.length, trace.candidates.length);
  const open = summaries.filter((m) => m[1] === " open").map((m) => m[2]);
  assert.equal(open.length, 1);
  assert.ok(open[0].startsWith(`round ${trace.candidates[trace.chosenIndex].round}`));
  assert.ok(open[0].includes("★ chosen"));
});

Deno.test("traceView diffs each revision against the previous candidate", () => {
  const html = String(traceView(makeTrace()).bundle["text/html"]);
  const added = [...html.matchAll(/<span[^>]*>\+ ([^<]*)<\/span>/g)].map((m) => m[1]);
  const removed = [...html.matchAll(/<span[^>]*>- ([^<]*)<\/span>/g)].map((m) => m[1]);
  // round 1 vs round 0, then round 2 vs round 1
  assert.deepEqual(added, ["  // fizzbuzz", "  return 2;", "  return 3;"]);
  assert.deepEqual(removed, ["  return 1;", "  // fizzbuzz", "  return 2;"]);
  assert.ok(html.includes("(+2 −1 lines)"));
  assert.ok(html.includes("(+1 −2 lines)"));
});

Deno.test("traceView shows critiques, feedback, scores and ratchet decisions, all escaped", () => {
  const html = String(traceView(makeTrace()).bundle["text/html"]);
  assert.ok(html.includes("[high] correctness"));
  assert.ok(html.includes("returns a constant &lt;script&gt;"));
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes("Write &lt;b&gt;fizzbuzz&lt;/b&gt;"));
  assert.ok(html.includes("item&lt;1&gt;"));
  assert.ok(html.includes("test fizz failed: expected &#39;Fizz&#39;"));
  assert.ok(html.includes("1/5 tests passed"));
  assert.ok(html.includes("Ratchet: revert — worse"));
});

Deno.test("traceView's plain text summarises every round and the error of a failed trace", () => {
  const trace = { ...makeTrace(), error: "provider timeout", stopReason: "error" };
  const plain = String(traceView(trace).bundle["text/plain"]);
  const lines = plain.split("\n");
  assert.equal(lines.length, 1 + trace.candidates.length);
  assert.ok(lines[0].includes("error: provider timeout"));
  assert.ok(lines[2].includes("+2 −1 lines"));
  assert.ok(String(traceView(trace).bundle["text/html"]).includes("provider timeout"));
});

Deno.test("traceView names the invalid field of a malformed trace", () => {
  const bad = { ...makeTrace(), candidates: [] } as Trace;
  assert.throws(() => traceView(bad), /traceView: trace\.candidates/);
});

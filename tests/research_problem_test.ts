import assert from "node:assert/strict";
import { loadProblem, parseProblem } from "../lib/research/problem.ts";
import { InputError } from "../lib/util/jsonl.ts";

const MINIMAL = [
  "objective: go fast",
  "metric: { name: ms, regex: 'ms: ([0-9.]+)', direction: minimize }",
  "runner: { command: [sh, run.sh] }",
  "mutable: [main.ts]",
  "roles: { proposers: ['ollama:qwen2.5'] }",
];

function lineOf(text: string): { line?: number; field?: string; message: string } {
  try {
    parseProblem(text, { file: "p.yaml" });
  } catch (error) {
    assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
    return { line: error.line, field: error.field, message: error.message };
  }
  throw new Error("expected a failure");
}

Deno.test("a minimal problem gets documented defaults", () => {
  const p = parseProblem(MINIMAL.join("\n"));
  assert.equal(p.acceptance.repeats, 1);
  assert.equal(p.acceptance.test, "welch");
  assert.equal(p.acceptance.alpha, 0.05);
  assert.equal(p.acceptance.confirm, true);
  assert.equal(p.runner.timeout_seconds, 600);
  assert.deepEqual(p.readonly, []);
  assert.equal(p.budgets.iterations, 10);
  assert.equal(p.roles.coder.kind, "builtin");
  assert.equal(p.society.candidates, 1);
  assert.equal(p.gate.patience, 5);
  assert.equal(p.sandbox.enabled, false);
});

Deno.test("a YAML syntax error names its line", () => {
  const r = lineOf([...MINIMAL.slice(0, 3), "mutable: [main.ts", "roles: {}"].join("\n"));
  assert.match(r.message, /^p\.yaml:\d+: YAML syntax/);
  assert.ok(r.line! >= 4, `line ${r.line}`);
});

Deno.test("a validation error names the line and the field of the bad value", () => {
  const text = [
    "objective: o",
    "metric:",
    "  name: m",
    "  regex: 'm ([0-9]+)'",
    "  direction: upward",
    "runner: { command: x }",
    "mutable: [a]",
    "roles: { proposers: [p] }",
  ].join("\n");
  const r = lineOf(text);
  assert.equal(r.line, 5);
  assert.equal(r.field, "metric.direction");
});

Deno.test("a missing field is reported at its parent mapping's line", () => {
  const text = [
    "objective: o",
    "metric: { name: m, regex: 'm ([0-9]+)', direction: minimize }",
    "runner:",
    "  timeout_seconds: 5",
    "mutable: [a]",
    "roles: { proposers: [p] }",
  ].join("\n");
  const r = lineOf(text);
  assert.equal(r.field, "runner.command");
  assert.equal(r.line, 4);
});

Deno.test("an invalid regex, a mutable contract file and a too-long time budget are refused", () => {
  const badRegex = lineOf(MINIMAL.join("\n").replace("'ms: ([0-9.]+)'", "'ms: ([0-9.]+'"));
  assert.match(badRegex.message, /invalid regex/);
  assert.equal(badRegex.line, 2);
  const overlap = lineOf([...MINIMAL, "readonly: [main.ts]"].join("\n"));
  assert.match(overlap.message, /both mutable and readonly/);
  assert.equal(overlap.line, 6);
  const budget = lineOf(
    MINIMAL.join("\n").replace(
      "runner: { command: [sh, run.sh] }",
      "runner: { command: [sh, run.sh], timeout_seconds: 5, time_budget_seconds: 10 }",
    ),
  );
  assert.match(budget.message, /time_budget_seconds/);
});

Deno.test("a scalarized metric needs a component for each objective and minimisation", () => {
  const base = [
    "objective: o",
    "metric:",
    "  name: s",
    "  direction: minimize",
    "  components: [{ name: a, regex: 'a=([0-9]+)' }]",
    "  scalarize: { kind: convex, objectives: [{ name: a, direction: minimize }, { name: b, direction: maximize }] }",
    "runner: { command: x }",
    "mutable: [f]",
    "roles: { proposers: [p] }",
  ];
  const r = lineOf(base.join("\n"));
  assert.match(r.message, /"b" has no entry in metric.components/);
  const okText = base.join("\n").replace(
    "}]\n  scalarize",
    "}, { name: b, regex: 'b=([0-9]+)' }]\n  scalarize",
  );
  assert.equal(parseProblem(okText).metric.scalarize?.kind, "convex");
  const maxed = lineOf(okText.replace("  direction: minimize\n", "  direction: maximize\n"));
  assert.match(maxed.message, /direction must be minimize/);
  assert.equal(maxed.line, 4);
});

Deno.test("role specs accept shorthand strings, objects with extra keys, and an agent coder", () => {
  const p = parseProblem([
    ...MINIMAL.slice(0, 4),
    "roles:",
    "  proposers: ['ollama:a', { provider: scripted, script: s.json, temperature: 1.2 }]",
    "  critic: 'ollama:b'",
    "  coder: { kind: command, command: [claude, -p, '{prompt}'] }",
  ].join("\n"));
  assert.equal(p.roles.proposers.length, 2);
  const second = p.roles.proposers[1];
  assert.ok(typeof second === "object" && second.script === "s.json" && second.temperature === 1.2);
  assert.equal(p.roles.coder.kind, "command");
});

Deno.test("loadProblem reports a missing file as an input error naming it", async () => {
  await assert.rejects(() => loadProblem("/nonexistent/problem.yaml"), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /nonexistent\/problem\.yaml: file not found/);
    return true;
  });
});

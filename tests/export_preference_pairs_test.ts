import assert from "node:assert/strict";
import {
  ConversationalPreferenceRowSchema,
  exportPreferencePairs,
  GATE_NAMES,
  StandardPreferenceRowSchema,
} from "../lib/export/mod.ts";
import type { Critique, Trace } from "../lib/schemas/trace.ts";
import { sha256Hex } from "../lib/util/hash.ts";

const critique: Critique = {
  principleId: "completeness",
  quote: "",
  issue: "misses the edge case",
  fix: "handle empty input",
  severity: "medium",
};

/** A clean trace that passes every gate; overrides make it trip exactly one. */
function trace(id: string, overrides: Partial<Trace> = {}): Trace {
  const rejected = `function f${id}(xs) { return xs[0]; }`;
  const chosen =
    `function f${id}(xs) {\n  if (xs.length === 0) return undefined;\n  return xs[0];\n}`;
  return {
    traceId: `t-${id}`,
    itemId: `i-${id}`,
    prompt: `Write f${id}.`,
    candidates: [
      {
        round: 0,
        text: rejected,
        critiques: [critique],
        score: { score: 0.4, passed: false, source: "visible_tests" },
      },
      {
        round: 1,
        text: chosen,
        critiques: [],
        score: { score: 1, passed: true, source: "visible_tests" },
      },
    ],
    chosenIndex: 1,
    chosen,
    rejected,
    rounds: 1,
    calls: [
      {
        role: "student",
        provider: "ollama",
        model: "qwen3:4b",
        usage: { inputTokens: 10, outputTokens: 20 },
        ms: 5,
        cached: false,
      },
      {
        role: "critic",
        provider: "openai",
        model: "gpt-x",
        usage: { inputTokens: 10, outputTokens: 20 },
        ms: 5,
        cached: false,
      },
      {
        role: "student",
        provider: "ollama",
        model: "qwen3:4b",
        usage: { inputTokens: 10, outputTokens: 20 },
        ms: 5,
        cached: false,
      },
    ],
    usage: { inputTokens: 30, outputTokens: 60 },
    parseFailures: 0,
    stopReason: "passed",
    startedAt: "2025-01-01T00:00:00Z",
    ms: 15,
    ...overrides,
  };
}

function withoutCritiques(t: Trace): Trace {
  return { ...t, candidates: t.candidates.map((c) => ({ ...c, critiques: [] })) };
}

function unchanged(t: Trace): Trace {
  return { ...t, chosen: t.rejected, chosenIndex: 0 };
}

const zeroGates = {
  parse_error: 0,
  empty_critique: 0,
  near_duplicate: 0,
  not_better: 0,
  duplicate: 0,
};

Deno.test("each crafted trace trips exactly the gate it was built for", () => {
  const cases: [string, Trace, keyof typeof zeroGates][] = [
    ["parse failures", trace("a", { parseFailures: 2 }), "parse_error"],
    ["an error", trace("b", { error: "provider timeout", stopReason: "error" }), "parse_error"],
    ["no critiques", withoutCritiques(trace("c")), "empty_critique"],
    ["chosen equals rejected", unchanged(trace("d")), "near_duplicate"],
    ["chosen one character off", {
      ...trace("e"),
      chosen: trace("e").rejected.replace("xs[0]", "xs[1]"),
    }, "near_duplicate"],
    ["held-out says worse", trace("f"), "not_better"],
    ["held-out tie", trace("g"), "not_better"],
  ];
  const heldOutScores = {
    "t-f": { chosen: 0.2, rejected: 0.6 },
    "i-g": { chosen: 0.5, rejected: 0.5 },
  };
  for (const [label, t, gate] of cases) {
    const out = exportPreferencePairs([t], { heldOutScores, minEditDistance: 0.05 });
    assert.deepEqual(out.gates, { ...zeroGates, [gate]: 1, kept: 0, total: 1 }, label);
    assert.deepEqual(out.dropped, [{ traceId: t.traceId, itemId: t.itemId, gate }], label);
    assert.equal(out.rows.length, 0, label);
  }
});

Deno.test("gate counts over a mixed batch are exact and sum to the total", () => {
  const traces = [
    trace("ok1"),
    trace("ok2"),
    trace("pe", { parseFailures: 1 }),
    withoutCritiques(trace("ec")),
    unchanged(trace("nd")),
    trace("nb"),
    trace("ok1"), // same prompt, chosen and rejected as the first: a duplicate
    trace("ok3"),
  ];
  const out = exportPreferencePairs(traces, {
    heldOutScores: new Map([["t-nb", { chosen: 0, rejected: 1 }]]),
  });
  assert.deepEqual(out.gates, {
    parse_error: 1,
    empty_critique: 1,
    near_duplicate: 1,
    not_better: 1,
    duplicate: 1,
    kept: 3,
    total: traces.length,
  });
  const sum = GATE_NAMES.reduce((n, g) => n + out.gates[g], 0) + out.gates.kept;
  assert.equal(sum, out.gates.total);
  assert.deepEqual(out.rows.map((r) => r.metadata.trace_id), ["t-ok1", "t-ok2", "t-ok3"]);
});

Deno.test("a trace failing several gates is counted once, at the first gate", () => {
  const t = unchanged(withoutCritiques(trace("x", { parseFailures: 1 })));
  const out = exportPreferencePairs([t]);
  assert.equal(out.gates.parse_error, 1);
  assert.equal(out.gates.empty_critique + out.gates.near_duplicate, 0);
});

Deno.test("held-out scores only gate pairs that have them, unless they are required", () => {
  const traces = [trace("a"), trace("b")];
  const heldOutScores = { "t-a": { chosen: 0.9, rejected: 0.1 } };
  assert.equal(exportPreferencePairs(traces, { heldOutScores }).gates.kept, 2);
  const strict = exportPreferencePairs(traces, { heldOutScores, requireHeldOutScores: true });
  assert.deepEqual(strict.dropped.map((d) => [d.traceId, d.gate]), [["t-b", "not_better"]]);
  assert.equal(strict.rows[0].metadata.heldout_chosen_score, 0.9);
  assert.equal(strict.rows[0].metadata.heldout_rejected_score, 0.1);
});

Deno.test("the near-duplicate threshold is the normalised edit distance, set by minEditDistance", () => {
  const t = trace("z");
  const oneChar = { ...t, chosen: t.rejected.slice(0, -1) + "!" }; // 1 edit over ~35 characters
  const d = 1 / [...t.rejected].length;
  assert.equal(
    exportPreferencePairs([oneChar], { minEditDistance: d + 1e-9 }).gates.near_duplicate,
    1,
  );
  assert.equal(exportPreferencePairs([oneChar], { minEditDistance: d - 1e-9 }).gates.kept, 1);
  const kept = exportPreferencePairs([oneChar], { minEditDistance: 0 }).rows[0];
  assert.equal(kept.metadata.edit_distance_unit, "char");
  assert.ok(Math.abs(kept.metadata.edit_distance! - d) < 1e-12);
});

Deno.test("standard rows carry the strings and full provenance metadata", () => {
  const t = trace("m");
  const out = exportPreferencePairs([t], {
    critic: "tests",
    constitutionHash: "c".repeat(64),
    source: "humaneval-mini",
  });
  const row = StandardPreferenceRowSchema.parse(out.rows[0]);
  assert.equal(row.prompt, t.prompt);
  assert.equal(row.chosen, t.chosen);
  assert.equal(row.rejected, t.rejected);
  assert.deepEqual(row.metadata.models, ["ollama:qwen3:4b", "openai:gpt-x"]);
  assert.equal(row.metadata.critic, "tests");
  assert.equal(row.metadata.constitution_hash, "c".repeat(64));
  assert.equal(row.metadata.source, "humaneval-mini");
  assert.equal(row.metadata.chosen_score, 1);
  assert.equal(row.metadata.rejected_score, 0.4);
  assert.equal(row.metadata.score_source, "visible_tests");
  assert.equal(row.metadata.n_critiques, 1);
  assert.equal(row.metadata.rounds, 1);
  assert.equal(
    row.metadata.pair_hash,
    sha256Hex({ prompt: t.prompt, chosen: t.chosen, rejected: t.rejected }),
  );
});

Deno.test("conversational rows are message lists in TRL's shape, with an optional system turn", () => {
  const t = trace("c");
  const out = exportPreferencePairs([t], { format: "conversational", systemPrompt: "Be careful." });
  assert.equal(out.format, "conversational");
  const row = ConversationalPreferenceRowSchema.parse(out.rows[0]);
  assert.deepEqual(row.prompt, [{ role: "system", content: "Be careful." }, {
    role: "user",
    content: t.prompt,
  }]);
  assert.deepEqual(row.chosen, [{ role: "assistant", content: t.chosen }]);
  assert.deepEqual(row.rejected, [{ role: "assistant", content: t.rejected }]);
  const plain = exportPreferencePairs([t], { format: "conversational" });
  assert.deepEqual(plain.rows[0].prompt, [{ role: "user", content: t.prompt }]);
});

Deno.test("texts too long for a character edit distance fall back to tokens with a warning", () => {
  const t = trace("long");
  const words = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`);
  const rejected = words.join(" ");
  // same-length edits, so the length difference alone cannot settle the distance
  const chosen = words.map((w, i) => (i % 10 === 0 ? w.replace("w", "v") : w)).join(" ");
  const long = {
    ...t,
    rejected,
    chosen,
    candidates: [{ ...t.candidates[0], text: rejected }, { ...t.candidates[1], text: chosen }],
  };
  const out = exportPreferencePairs([long], { maxCells: 2_000_000 });
  assert.equal(out.gates.kept, 1);
  assert.equal(out.warnings.length, 1);
  assert.match(out.warnings[0], /compared tokens/);
  assert.equal(out.rows[0].metadata.edit_distance_unit, "token");
  // the banded gate fits the cap, the exact 3000×3000-token table does not: recorded as unknown
  assert.equal(out.rows[0].metadata.edit_distance, null);
  const roomy = exportPreferencePairs([long], { maxCells: 10_000_000 });
  assert.equal(roomy.warnings.length, 0);
  assert.equal(roomy.rows[0].metadata.edit_distance_unit, "char");
});

Deno.test("exportPreferencePairs names the bad field of a malformed trace and bad options", () => {
  const bad = { ...trace("q"), rounds: -1 };
  assert.throws(() => exportPreferencePairs([trace("ok"), bad]), /traces\[1\]\.rounds/);
  assert.throws(
    () => exportPreferencePairs([], { minEditDistance: 2 }),
    /minEditDistance must be in \[0, 1\], got 2/,
  );
  assert.throws(
    () =>
      exportPreferencePairs([], {
        heldOutScores: { x: { chosen: "high" as unknown as number, rejected: 0 } },
      }),
    /heldOutScores\["x"\]\.chosen/,
  );
});

import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  ConversationalPreferenceRowSchema,
  exportPreferencePairs,
  GATE_NAMES,
  StandardPreferenceRowSchema,
  writePreferenceDataset,
} from "../lib/export/mod.ts";
import { readJsonl } from "../lib/util/jsonl.ts";
import type { Trace } from "../lib/schemas/trace.ts";

function trace(id: string, overrides: Partial<Trace> = {}): Trace {
  const rejected = `Answer ${id}: maybe.`;
  const chosen = `Answer ${id}: yes, because the tests "${id}" pass.\nSee <notes> & details.`;
  return {
    traceId: `t-${id}`,
    itemId: `i-${id}`,
    prompt: `Question ${id}? Use "quotes" and a\nnewline.`,
    candidates: [
      {
        round: 0,
        text: rejected,
        critiques: [{
          principleId: "p",
          quote: "maybe",
          issue: "vague",
          fix: "commit",
          severity: "low",
        }],
      },
      { round: 1, text: chosen, critiques: [] },
    ],
    chosenIndex: 1,
    chosen,
    rejected,
    rounds: 1,
    calls: [{
      role: "student",
      provider: "ollama",
      model: "m1",
      usage: { inputTokens: 1, outputTokens: 1 },
      ms: 1,
      cached: true,
    }],
    usage: { inputTokens: 1, outputTokens: 1 },
    parseFailures: 0,
    stopReason: "compliant",
    startedAt: "2025-01-01T00:00:00Z",
    ms: 1,
    ...overrides,
  };
}

const traces = [trace("a"), trace("b"), trace("c", { parseFailures: 1 }), trace("a")];
const hash = "ab".repeat(32);

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the written standard JSONL round-trips through its schema", async () => {
  const result = exportPreferencePairs(traces, { constitutionHash: hash, source: "toy-qa" });
  await withDir(async (dir) => {
    const out = await writePreferenceDataset(dir, result, { promptLicense: "CC-BY-4.0" });
    assert.equal(out.dataPath, `${dir}/train.jsonl`);
    assert.equal(out.rows, result.rows.length);
    const back = await readJsonl(out.dataPath, StandardPreferenceRowSchema);
    assert.deepEqual(back, result.rows);
  });
});

Deno.test("the written conversational JSONL round-trips through its schema", async () => {
  const result = exportPreferencePairs(traces, { format: "conversational", systemPrompt: "sys" });
  await withDir(async (dir) => {
    const out = await writePreferenceDataset(dir, result, { fileName: "pairs.jsonl" });
    const back = await readJsonl(out.dataPath, ConversationalPreferenceRowSchema);
    assert.deepEqual(back, result.rows);
    assert.ok(out.dataPath.endsWith("/pairs.jsonl"));
  });
});

Deno.test("the dataset card records provenance, licence, date and every gate count", async () => {
  const result = exportPreferencePairs(traces, {
    constitutionHash: hash,
    source: "toy-qa",
    critic: "llm",
  });
  await withDir(async (dir) => {
    const out = await writePreferenceDataset(dir, result, {
      promptLicense: "CC-BY-4.0",
      license: "cc-by-4.0",
      generatedAt: "2025-06-01T12:00:00Z",
      name: "toy pairs",
    });
    const card = await Deno.readTextFile(out.cardPath);
    assert.equal(out.cardPath, `${dir}/README.md`);
    const front = parseYaml(card.split("---\n")[1]) as Record<string, unknown>;
    assert.equal(front.license, "cc-by-4.0");
    assert.equal(front.pretty_name, "toy pairs");
    assert.deepEqual(front.configs, [{
      config_name: "default",
      data_files: [{ split: "train", path: "train.jsonl" }],
    }]);
    assert.ok(card.includes("Generated: 2025-06-01T12:00:00Z"));
    assert.ok(card.includes(`- ${hash}`));
    assert.ok(card.includes("- ollama:m1"));
    assert.ok(card.includes("- toy-qa"));
    assert.ok(card.includes("- llm"));
    assert.ok(card.includes("Prompt licence: CC-BY-4.0"));
    for (const gate of GATE_NAMES) {
      assert.ok(card.includes(`| ${gate} | ${result.gates[gate]} |`), gate);
    }
    assert.ok(card.includes(`| **kept** | **${result.gates.kept}** |`));
    assert.ok(card.includes(`| total traces | ${traces.length} |`));
    assert.equal(result.gates.parse_error, 1);
    assert.equal(result.gates.duplicate, 1);
  });
});

Deno.test("an empty export still writes an empty file and a card", async () => {
  const result = exportPreferencePairs([trace("x", { error: "boom" })]);
  await withDir(async (dir) => {
    const out = await writePreferenceDataset(dir, result);
    assert.equal(await Deno.readTextFile(out.dataPath), "");
    const card = await Deno.readTextFile(out.cardPath);
    assert.ok(card.includes("| parse_error | 1 |"));
    assert.ok(card.includes("Prompt licence: unknown"));
  });
});

Deno.test("writePreferenceDataset refuses rows that do not match their format and bad card fields", async () => {
  const result = exportPreferencePairs([trace("a")]);
  await withDir(async (dir) => {
    const broken = { ...result, rows: [{ ...result.rows[0], chosen: 42 as unknown as string }] };
    await assert.rejects(writePreferenceDataset(dir, broken), /result\.rows\[0\]\.chosen/);
    const mislabelled = { ...result, format: "conversational" as const };
    await assert.rejects(writePreferenceDataset(dir, mislabelled), /result\.rows\[0\]\.prompt/);
    await assert.rejects(
      writePreferenceDataset(dir, result, { fileName: "../x.jsonl" }),
      /card\.fileName/,
    );
    await assert.rejects(writePreferenceDataset("", result), /dir must be a non-empty path/);
    // nothing was written by the refused calls
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

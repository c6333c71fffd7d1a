import assert from "node:assert/strict";
import {
  callsCost,
  loadPriceTable,
  LOCAL_PRICES,
  priceFor,
  PriceTableSchema,
} from "../lib/providers/pricing.ts";
import { InputError } from "../lib/util/jsonl.ts";

Deno.test("priceFor prefers provider:model, then provider:*, then *", () => {
  const table = {
    "openai:gpt-4o": { input: 2.5, output: 10 },
    "openai:*": { input: 1, output: 2 },
    "*": { input: 9, output: 9 },
  };
  assert.deepEqual(priceFor(table, "openai", "gpt-4o"), { input: 2.5, output: 10 });
  assert.deepEqual(priceFor(table, "openai", "other"), { input: 1, output: 2 });
  assert.deepEqual(priceFor(table, "anthropic", "claude"), { input: 9, output: 9 });
  assert.equal(priceFor(LOCAL_PRICES, "anthropic", "claude"), undefined);
  for (const local of ["ollama", "llamacpp", "vllm", "sim", "scripted", "answers"]) {
    assert.deepEqual(priceFor(LOCAL_PRICES, local, "any"), { input: 0, output: 0 }, local);
  }
});

Deno.test("callsCost sums priced calls per million tokens and names the unpriced models", () => {
  const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o });
  const cost = callsCost([
    { provider: "openai", model: "gpt-4o", usage: usage(2_000, 1_000) },
    { provider: "openai", model: "gpt-4o", usage: usage(1_000_000, 0) },
    { provider: "kimi", model: "moonshot-v1-8k", usage: usage(10, 10) },
    { provider: "ollama", model: "llama3.2", usage: usage(5_000, 5_000) },
    { provider: "kimi", model: "moonshot-v1-8k", usage: usage(10, 10) },
  ], { ...LOCAL_PRICES, "openai:gpt-4o": { input: 2.5, output: 10 } });
  assert.ok(Math.abs(cost.usd - (2_000 * 2.5 + 1_000 * 10 + 1_000_000 * 2.5) / 1e6) < 1e-12);
  assert.deepEqual(cost.unpriced, ["kimi:moonshot-v1-8k"]);
  assert.deepEqual(callsCost([], {}), { usd: 0, unpriced: [] });
});

Deno.test("loadPriceTable adds the file to the local prices and rejects bad files naming the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    const good = await loadPriceTable(
      await write(
        "good.json",
        '{"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}, "ollama:*": {"input": 1, "output": 1}}',
      ),
    );
    assert.deepEqual(good["openai:gpt-4o-mini"], { input: 0.15, output: 0.6 });
    assert.deepEqual(good["ollama:*"], { input: 1, output: 1 }, "the file wins over the defaults");
    assert.deepEqual(good["llamacpp:*"], { input: 0, output: 0 });
    assert.ok(PriceTableSchema.safeParse(good).success);
    const cases: [string, RegExp][] = [
      ['{"openai:m": {"input": -1, "output": 1}}', /bad\d\.json: .*\(field "openai:m\.input"\)/],
      ['{"openai:m": {"input": 1}}', /\(field "openai:m\.output"\)/],
      ['{"openai:m": {"input": 1, "output": 1, "cached": 1}}', /cached/],
      [
        '{"gpt-4o": {"input": 1, "output": 1}}',
        /key must be "provider:model", "provider:\*" or "\*" \(field "gpt-4o"\)/,
      ],
      ["{not json", /invalid JSON/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const error = await loadPriceTable(await write(`bad${i}.json`, text)).catch((e) => e);
      assert.ok(error instanceof InputError, `${text}: ${error}`);
      assert.match(error.message, message, text);
    }
    await assert.rejects(
      () => loadPriceTable(`${dir}/missing.json`),
      /missing\.json: file not found/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

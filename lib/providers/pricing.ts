/**
 * What LLM calls cost: a price table (USD per million input and output tokens, by provider and
 * model) and the cost of recorded calls. Local engines (Ollama, llama.cpp, vLLM, the simulated and
 * scripted providers, answers files) are free; hosted models have no built-in prices — they change
 * too often to ship — so a run prices them only from a table the user gives (`--prices FILE`), and
 * says which models it could not price instead of guessing.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { Usage } from "../schemas/chat.ts";
import { InputError, readJsonInput } from "../util/jsonl.ts";
import { providerKinds } from "./kinds.ts";

/** A model's price in USD per million tokens. */
export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million output (completion) tokens. */
  output: number;
}

/**
 * Prices by `provider:model`, `provider:*` (every model of a provider) or `*` (anything else);
 * the most specific key wins.
 */
export type PriceTable = Record<string, ModelPrice>;

const modelPriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
}).strict();
const _price: Equals<z.infer<typeof modelPriceSchema>, ModelPrice> = true;
/** `provider:model`, `provider:*` or `*`. */
const PRICE_KEY = /^(\*|[a-z][a-z0-9-]*:.+)$/;
const priceTableSchema = z.record(z.string().regex(PRICE_KEY), modelPriceSchema);

/** Schema of {@linkcode PriceTable}. */
export const PriceTableSchema: Schema<PriceTable> = priceTableSchema;

/**
 * Providers that run locally or offline — the local kinds of the provider table, and the
 * benchmark's simulated provider ("sim") — so their calls cost nothing.
 */
export const LOCAL_PRICES: Readonly<PriceTable> = Object.freeze(
  Object.fromEntries(
    [...providerKinds((k) => k.local), "sim"].map((p) => [`${p}:*`, { input: 0, output: 0 }]),
  ),
);

/**
 * Reads a price table from a JSON file (`{"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}}`)
 * on top of {@linkcode LOCAL_PRICES}.
 *
 * @param path The JSON file.
 * @returns The table (the file's entries win).
 * @throws {InputError} naming the file and the bad key or field.
 *
 * @example
 * ```ts
 * import { loadPriceTable } from "./pricing.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/p.json`, '{"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}}');
 * const table = await loadPriceTable(`${dir}/p.json`);
 * if (table["openai:gpt-4o-mini"].output !== 0.6 || table["ollama:*"].input !== 0) throw new Error();
 * ```
 */
export async function loadPriceTable(path: string): Promise<PriceTable> {
  const data = await readJsonInput(path);
  if (data && typeof data === "object" && !Array.isArray(data)) {
    for (const key of Object.keys(data)) {
      if (!PRICE_KEY.test(key)) {
        throw new InputError(path, `key must be "provider:model", "provider:*" or "*"`, {
          field: key,
        });
      }
    }
  }
  const parsed = priceTableSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, issue.message, { field: issue.path.join(".") || undefined });
  }
  return { ...LOCAL_PRICES, ...parsed.data };
}

/**
 * The price of one provider's model: `provider:model`, else `provider:*`, else `*`.
 *
 * @param table The price table.
 * @param provider Provider name (as in call records, e.g. "openai", "kimi").
 * @param model Model name.
 * @returns The price, or undefined when the table has none.
 *
 * @example
 * ```ts
 * import { LOCAL_PRICES, priceFor } from "./pricing.ts";
 * if (priceFor(LOCAL_PRICES, "ollama", "llama3.2")?.input !== 0) throw new Error();
 * if (priceFor(LOCAL_PRICES, "openai", "gpt-4o") !== undefined) throw new Error();
 * ```
 */
export function priceFor(
  table: Readonly<PriceTable>,
  provider: string,
  model: string,
): ModelPrice | undefined {
  return table[`${provider}:${model}`] ?? table[`${provider}:*`] ?? table["*"];
}

/** The cost of a set of calls. */
export interface CallsCost {
  /** USD of the priced calls. */
  usd: number;
  /** `provider:model` of calls without a price (their cost is unknown, not zero). */
  unpriced: string[];
}

/**
 * Sums what calls cost under a price table. Every call counts, including ones replayed from the
 * cache: the figure is what the run's calls cost to make.
 *
 * @param calls Call records (provider, model, usage).
 * @param table The price table.
 * @returns USD of the priced calls and the models without a price.
 *
 * @example
 * ```ts
 * import { callsCost } from "./pricing.ts";
 * const cost = callsCost(
 *   [{ provider: "openai", model: "m", usage: { inputTokens: 1_000_000, outputTokens: 500_000 } }],
 *   { "openai:m": { input: 0.2, output: 0.8 } },
 * );
 * if (Math.abs(cost.usd - 0.6) > 1e-12 || cost.unpriced.length) throw new Error();
 * ```
 */
export function callsCost(
  calls: readonly { provider: string; model: string; usage: Usage }[],
  table: Readonly<PriceTable>,
): CallsCost {
  let usd = 0;
  const unpriced = new Set<string>();
  for (const call of calls) {
    const price = priceFor(table, call.provider, call.model);
    if (!price) {
      unpriced.add(`${call.provider}:${call.model}`);
      continue;
    }
    usd += (call.usage.inputTokens * price.input + call.usage.outputTokens * price.output) / 1e6;
  }
  return { usd, unpriced: [...unpriced].sort() };
}

/**
 * The `provider:model` of each given provider that a price table does not cover.
 *
 * @param table The price table.
 * @param providers Providers (undefined entries are skipped).
 * @returns The unpriced ones, without repeats.
 *
 * @example
 * ```ts
 * import { LOCAL_PRICES, unpricedModels } from "./pricing.ts";
 * const models = [{ name: "ollama", model: "llama3.2" }, { name: "openai", model: "gpt-4o" }];
 * if (unpricedModels(LOCAL_PRICES, models).join() !== "openai:gpt-4o") throw new Error();
 * ```
 */
export function unpricedModels(
  table: Readonly<PriceTable>,
  providers: readonly ({ name: string; model: string } | undefined)[],
): string[] {
  const out = new Set<string>();
  for (const p of providers) {
    if (p && !priceFor(table, p.name, p.model)) out.add(`${p.name}:${p.model}`);
  }
  return [...out];
}

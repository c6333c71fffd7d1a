/**
 * Tokens per second of the embedded llama.cpp provider at several thread counts.
 *
 * Usage:
 *   deno run -A bench/llamacpp_bench.ts [--model FILE.gguf] [--threads 1,2] [--tokens 200] [--runs 5] [--json]
 *
 * Defaults to the test model `../shared/models/stories260K.gguf`. Each run asks for `--tokens`
 * tokens of a story (temperature 1, a different seed per run) through `createLlamaCppProvider`, and
 * records the one-off engine start (import + `getLlama()`), model load time, time to first token, decode speed after the first token, and end-to-end speed;
 * the table shows medians. Prints why and exits 0 when the engine or the model is missing.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { createLlamaCppProvider } from "../lib/providers/llamacpp.ts";
import {
  disposeLlamaCppEngine,
  findLlamaCppEngine,
  loadLlamaCppEngine,
} from "../lib/providers/llamacpp_engine.ts";

interface Args {
  model: string;
  threads: number[];
  tokens: number;
  runs: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    model: fileURLToPath(new URL("../../shared/models/stories260K.gguf", import.meta.url)),
    threads: [1, 2],
    tokens: 200,
    runs: 5,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--model") (args.model = value, i++);
    else if (flag === "--threads") (args.threads = value.split(",").map(Number), i++);
    else if (flag === "--tokens") (args.tokens = Number(value), i++);
    else if (flag === "--runs") (args.runs = Number(value), i++);
    else if (flag === "--json") args.json = true;
    else throw new Error(`unknown argument ${JSON.stringify(flag)}`);
  }
  for (const t of args.threads) {
    if (!Number.isInteger(t) || t < 1) throw new Error(`--threads must list positive integers`);
  }
  if (!Number.isInteger(args.tokens) || args.tokens < 2) throw new Error(`--tokens must be >= 2`);
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error(`--runs must be >= 1`);
  return args;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Row {
  threads: number;
  loadMs: number;
  firstTokenMs: number;
  decodeTokensPerSecond: number;
  endToEndTokensPerSecond: number;
  outputTokens: number;
  runs: number;
}

async function measure(args: Args, threads: number): Promise<Row> {
  await using provider = createLlamaCppProvider({ model: args.model, threads });
  const info = await provider.load();
  const first: number[] = [];
  const decode: number[] = [];
  const total: number[] = [];
  const outputs: number[] = [];
  for (let run = 0; run < args.runs; run++) {
    let firstAt = 0;
    const started = performance.now();
    const response = await provider.chat(
      [{ role: "user", content: "Tell me a long story about a little girl and her dog." }],
      {
        maxTokens: args.tokens,
        temperature: 1,
        seed: 1000 + run,
        onToken: () => {
          if (firstAt === 0) firstAt = performance.now();
        },
      },
    );
    const ended = performance.now();
    const n = response.usage.outputTokens;
    outputs.push(n);
    first.push(firstAt - started);
    total.push((n / (ended - started)) * 1000);
    if (n > 1) decode.push(((n - 1) / (ended - firstAt)) * 1000);
  }
  return {
    threads,
    loadMs: info.loadMs,
    firstTokenMs: Math.round(median(first)),
    decodeTokensPerSecond: Math.round(median(decode)),
    endToEndTokensPerSecond: Math.round(median(total)),
    outputTokens: Math.round(median(outputs)),
    runs: args.runs,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const engine = await findLlamaCppEngine();
  if (!engine.ok) {
    console.log(`llamacpp bench skipped: ${engine.reason}`);
    return;
  }
  try {
    await Deno.stat(args.model);
  } catch {
    console.log(`llamacpp bench skipped: model ${args.model} is missing`);
    return;
  }
  const initStarted = performance.now();
  await loadLlamaCppEngine();
  const engineInitMs = Math.round(performance.now() - initStarted);
  const rows: Row[] = [];
  for (const threads of args.threads) rows.push(await measure(args, threads));
  await disposeLlamaCppEngine();
  if (args.json) {
    console.log(JSON.stringify({ model: args.model, engineInitMs, rows }, null, 2));
    return;
  }
  const load = Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(
    `model ${args.model}; ${args.runs} runs × ${args.tokens} tokens; load average ${load}`,
  );
  console.log("threads  load ms  first token ms  decode tok/s  end-to-end tok/s  output tokens");
  for (const r of rows) {
    console.log(
      `${String(r.threads).padStart(7)}  ${String(r.loadMs).padStart(7)}  ${
        String(r.firstTokenMs).padStart(14)
      }  ${String(r.decodeTokensPerSecond).padStart(12)}  ${
        String(r.endToEndTokensPerSecond).padStart(16)
      }  ${String(r.outputTokens).padStart(13)}`,
    );
  }
}

if (import.meta.main) await main();

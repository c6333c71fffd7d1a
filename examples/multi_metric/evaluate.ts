/**
 * Read-only evaluator of the multi-metric example (a contract file). A toy service model: reads
 * `config.json` (the mutable file) and prints two competing objectives,
 *
 *     latency_ms: <modelled p50 latency>
 *     memory_mb: <modelled resident memory>
 *
 * More threads cut queueing latency but cost memory and contention; a bigger cache cuts misses but
 * costs memory. problem.yaml scalarizes the two (weighted Tchebycheff by default).
 *
 * Run: `deno run --allow-read=config.json evaluate.ts`.
 *
 * @module
 */

/** The tunable configuration. */
export interface Config {
  /** Cache size in MB (1–4096). */
  cache_mb: number;
  /** Worker threads (1–64). */
  threads: number;
}

/**
 * The modelled objectives of a configuration.
 *
 * @param c The configuration.
 * @returns Latency (ms) and memory (MB).
 */
export function model(c: Config): { latency_ms: number; memory_mb: number } {
  const queueing = 200 / c.threads;
  const contention = 5 * c.threads;
  const misses = 1000 / c.cache_mb;
  return { latency_ms: queueing + contention + misses, memory_mb: c.cache_mb + 20 * c.threads };
}

if (import.meta.main) {
  const config = JSON.parse(await Deno.readTextFile(new URL("./config.json", import.meta.url)));
  const ok = Number.isInteger(config.threads) && config.threads >= 1 && config.threads <= 64 &&
    typeof config.cache_mb === "number" && config.cache_mb >= 1 && config.cache_mb <= 4096;
  if (!ok) {
    console.error("invalid config: threads must be an integer in 1..64, cache_mb in 1..4096");
    Deno.exit(1);
  }
  const m = model(config);
  console.log(`latency_ms: ${m.latency_ms.toFixed(3)}`);
  console.log(`memory_mb: ${m.memory_mb.toFixed(3)}`);
}

/**
 * Harness overhead of the critique–revision loop (a benchmark, not a test):
 *
 * 1. items × rounds per second with a zero-latency scripted provider (what the harness itself costs);
 * 2. wall time against the ideal at concurrency 8 with a provider that takes 200 ms per call.
 *
 * Run: `deno run -A bench/harness_bench.ts [--items 200] [--rounds 3] [--latency-items 32]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { createLimiter, withLimiter } from "../lib/providers/limiter.ts";
import type { Provider } from "../lib/providers/types.ts";
import { loadConstitution } from "../lib/constitution/mod.ts";
import { critiqueRevisionLoop } from "../lib/loop/critique_revision_loop.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    "latency-items": { type: "string", default: "32" },
    "latency-ms": { type: "string", default: "200" },
    concurrency: { type: "string", default: "8" },
  },
});
const nItems = Number(values.items), rounds = Number(values.rounds);
const constitution = await loadConstitution();

/** A provider that always finds something to criticise and never calls the answer compliant. */
function busyProvider(): Provider {
  let n = 0;
  return createScriptedProvider({
    respond: (_messages, o) => {
      n++;
      if (o.role === "critic") {
        return JSON.stringify({
          critiques: [{
            principleId: "correctness",
            quote: "",
            issue: `issue ${n}`,
            fix: "fix it",
            severity: "medium",
          }],
        });
      }
      if (o.role === "judge") {
        return JSON.stringify({
          verdict: "needs_revision",
          reasons: ["more"],
          score: (n % 97) / 100,
        });
      }
      return `answer ${n}: ${"lorem ipsum ".repeat(20)}`;
    },
  });
}

function delayed(p: Provider, ms: number): Provider {
  return {
    name: p.name,
    model: p.model,
    chat: async (m, o) => {
      await new Promise((r) => setTimeout(r, ms));
      return await p.chat(m, o);
    },
  };
}

async function runAll(
  provider: Provider,
  count: number,
  concurrency: number,
): Promise<{ ms: number; calls: number; rounds: number }> {
  let next = 0, calls = 0, done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const trace = await critiqueRevisionLoop({ id: `q${i}`, prompt: `Question ${i}` }, {
        provider,
        constitution,
        maxRounds: rounds,
        seed: i,
      });
      calls += trace.calls.length;
      done += trace.rounds;
    }
  }));
  return { ms: performance.now() - t0, calls, rounds: done };
}

// 1. Zero latency.
await runAll(busyProvider(), 10, 1); // warm-up
const zero = await runAll(busyProvider(), nItems, 1);
const callsPerItem = zero.calls / nItems;
console.log(`zero-latency: ${nItems} items × ${rounds} rounds in ${zero.ms.toFixed(0)} ms`);
console.log(`  item_rounds_per_s: ${(zero.rounds / (zero.ms / 1000)).toFixed(0)}`);
console.log(
  `  calls_per_s: ${(zero.calls / (zero.ms / 1000)).toFixed(0)} (${
    callsPerItem.toFixed(1)
  } calls per item)`,
);

// 2. 200 ms per call, concurrency 8 through the global limiter.
const latencyMs = Number(values["latency-ms"]), conc = Number(values.concurrency);
const latencyItems = Number(values["latency-items"]);
const limiter = createLimiter(conc);
const slow = withLimiter(delayed(busyProvider(), latencyMs), limiter);
const lat = await runAll(slow, latencyItems, conc);
// Each item's calls are sequential, so the ideal is (items / concurrency) × calls per item × latency.
const ideal = Math.ceil(latencyItems / conc) * (lat.calls / latencyItems) * latencyMs;
console.log(
  `latency ${latencyMs} ms, concurrency ${conc}: ${latencyItems} items in ${lat.ms.toFixed(0)} ms`,
);
console.log(`  ideal_ms: ${ideal.toFixed(0)}  wall_over_ideal: ${(lat.ms / ideal).toFixed(3)}`);

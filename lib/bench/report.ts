/**
 * The human-readable benchmark report (`report.md`): one table row per arm —
 * Config | Critic | Gate | Score | Δ vs baseline | 95% CI | W/T/L | p | Δ vs control.
 *
 * @module
 */
import type { PairedSummary } from "../stats/summarize_paired.ts";
import type { BenchSummary } from "./summary.ts";
import { pValueText } from "./format.ts";

function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return (x >= 0 ? "+" : "") + x.toFixed(digits);
}

function ciText(s: PairedSummary | undefined): string {
  if (!s || s.ci.low === null || s.ci.high === null) return "–";
  return `[${fmt(s.ci.low)}, ${fmt(s.ci.high)}]`;
}

/** USD with enough digits for cheap calls. */
function usd(x: number): string {
  return x === 0 ? "0" : x < 0.01 ? x.toPrecision(2) : x.toFixed(3);
}

/**
 * Renders the benchmark summary as Markdown.
 *
 * @param summary The summary.
 * @returns Markdown text with a title, the table, the method line and notes.
 *
 * @example
 * ```ts
 * import { renderReport } from "./report.ts";
 * const md = renderReport({ run: "x", simulated: true, seeds: [0], items: 0, complete: true, arms: [], notes: [] });
 * if (!md.includes("SIMULATED")) throw new Error();
 * ```
 */
export function renderReport(summary: BenchSummary): string {
  const lines: string[] = [];
  const label = summary.simulated ? " — SIMULATED (simulated student and judge, real tests)" : "";
  lines.push(`# Benchmark ${summary.run}${label}`, "");
  lines.push(
    `${summary.items} items × ${summary.seeds.length} seed(s) (${summary.seeds.join(", ")}); ` +
      `scores are hidden-test pass fractions${summary.complete ? "" : "; **incomplete run**"}.`,
    "",
  );
  // A cost column only when the run was priced (`--prices`): "$/item" is the mean USD per record.
  const priced = summary.arms.some((a) => a.meanCostUsd !== undefined);
  lines.push(
    "| Config | Critic | Gate | Score | Pass | Δ vs baseline | 95% CI | W/T/L | p (sign) | Δ vs control | calls |" +
      (priced ? " $/item |" : ""),
    "|---|---|---|---|---|---|---|---|---|---|---|" + (priced ? "---|" : ""),
  );
  for (const a of summary.arms) {
    const b = a.vsBaseline;
    lines.push(
      `| ${a.arm} | ${a.critic} | ${a.gate} | ${a.meanScore.toFixed(3)} | ${
        (a.passRate * 100).toFixed(0)
      }% | ${fmt(b?.delta)} | ${ciText(b)} | ${
        b ? `${b.wtl.wins}/${b.wtl.ties}/${b.wtl.losses}` : "–"
      } | ${pValueText(b?.signTest.p)} | ${
        a.vsControl ? `${fmt(a.vsControl.delta)} ${ciText(a.vsControl)}` : "–"
      } | ${a.meanCalls.toFixed(1)} |` +
        (priced ? ` ${a.meanCostUsd === undefined ? "–" : usd(a.meanCostUsd)} |` : ""),
    );
  }
  const method = (summary.arms.find((a) => (a.vsBaseline?.ci.resamples ?? 0) > 0) ??
    summary.arms.find((a) => a.vsBaseline))?.vsBaseline?.ci;
  if (method) {
    lines.push(
      "",
      `CI: paired ${method.method.toUpperCase()} bootstrap over items (${method.resamples} resamples, seed ${method.seed}); ` +
        "with several seeds each item's scores are averaged first (cluster bootstrap). " +
        "p: exact two-sided sign test on discordant items. W/T/L: items where the arm beat / tied / lost to the baseline.",
    );
  }
  if (summary.notes.length) lines.push("", "Notes:", ...summary.notes.map((n) => `- ${n}`));
  return lines.join("\n") + "\n";
}

/**
 * The human-readable benchmark report (`report.md`): one table row per arm —
 * Config | Critic | Gate | Stop | Score | Pass | Δ vs baseline | 95% CI | W/T/L | p | flips | Δ vs control,
 * with oracle/anchor protocols marked † and explained under the table.
 *
 * @module
 */
import type { PairedSummary } from "../stats/summarize_paired.ts";
import type { BenchSummary } from "./summary.ts";
import { percentText, pointsText, pValueText } from "./format.ts";

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
  const label = summary.simulated ? " — SIMULATED (simulated authors; real scoring)" : "";
  lines.push(`# Benchmark ${summary.run}${label}`, "");
  lines.push(
    `${summary.items} items × ${summary.seeds.length} seed(s) (${summary.seeds.join(", ")}); ` +
      `${scoringText(summary)}${summary.complete ? "" : "; **incomplete run**"}.`,
    "",
  );
  // A cost column only when the run was priced (`--prices`): "$/item" is the mean USD per record.
  const priced = summary.arms.some((a) => a.meanCostUsd !== undefined);
  lines.push(
    "| Config | Critic | Gate | Stop | Score | Pass | Δ vs baseline | 95% CI | W/T/L | p (sign) | flips ✓→✗/✗→✓ | Δ vs control | calls |" +
      (priced ? " $/item |" : ""),
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (priced ? "---|" : ""),
  );
  for (const a of summary.arms) {
    const b = a.vsBaseline;
    const name = `${a.arm}${a.answerKey.length ? " †" : ""}`;
    const critic = a.kind === "loop" ? a.critic : a.solver;
    const loopOnly = (x: string) => (a.kind === "loop" ? x : "–");
    lines.push(
      `| ${name} | ${critic} | ${loopOnly(a.gate)} | ${loopOnly(a.stop)} | ${
        a.meanScore.toFixed(3)
      } | ${(a.passRate * 100).toFixed(0)}% | ${fmt(b?.delta)} | ${ciText(b)} | ${
        b ? `${b.wtl.wins}/${b.wtl.ties}/${b.wtl.losses}` : "–"
      } | ${pValueText(b?.signTest.p)} | ${
        a.flips ? `${a.flips.correctToWrong}/${a.flips.wrongToCorrect}` : "–"
      } | ${a.vsControl ? `${fmt(a.vsControl.delta)} ${ciText(a.vsControl)}` : "–"} | ${
        a.meanCalls.toFixed(1)
      } |` +
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
        "p: exact two-sided sign test on discordant items. W/T/L: items where the arm beat / tied / lost to the baseline. " +
        "Flips: item × seed pairs that went from passed to failed (✓→✗) and back (✗→✓) against the baseline.",
    );
  }
  const controls = summary.arms.filter((a) => a.control && a.vsControl);
  if (controls.length) {
    const matchedTo = new Map(summary.arms.map((a) => [a.arm, a.matchBudgetOf]));
    lines.push(
      "",
      "Δ vs control: " + controls.map((a) =>
        `${a.arm} vs ${a.control}${
          matchedTo.get(a.control!) === a.arm
            ? " (same student calls)"
            : ` (budget of ${matchedTo.get(a.control!) ?? "a fixed n"}, not this arm's)`
        }`
      ).join("; ") + ".",
    );
  }
  lines.push(...passSection(summary));
  const flagged = summary.arms.filter((a) => a.answerKey.length);
  if (flagged.length) {
    lines.push(
      "",
      "† Oracle/anchor protocols — a part of the arm sees the answer key, so its Δ is not evidence of self-correction:",
      ...flagged.flatMap((a) => a.answerKey.map((f) => `- ${a.arm}: ${f}`)),
    );
  }
  const unextracted = summary.arms.filter((a) => a.unextracted);
  if (unextracted.length) {
    lines.push(
      "",
      `Unextracted answers (scored 0, never guessed): ${
        unextracted.map((a) => `${a.arm} ${a.unextracted}/${a.n}`).join(", ")
      }.`,
    );
  }
  if (summary.agreement) lines.push("", agreementText(summary.agreement));
  for (const t of summary.trajectories ?? []) lines.push("", ...trajectoryText(t));
  if (summary.notes.length) lines.push("", "Notes:", ...summary.notes.map((n) => `- ${n}`));
  return lines.join("\n") + "\n";
}

/** What the scores mean: the task kind's line, or the code task's scoring tests. */
function scoringText(summary: BenchSummary): string {
  if (summary.scoreTests === "all") {
    return "scores are pass fractions on all tests (visible + hidden: --score-tests all)";
  }
  const text = SCORING[summary.task ?? "code"] ?? "scores come from the task's scorer";
  return summary.scoreTests === "hidden" ? `${text} (--score-tests hidden)` : text;
}

/** What the scores mean, per task kind. */
const SCORING: Readonly<Record<string, string>> = {
  code: "scores are hidden-test pass fractions",
  answer: "scores are 1/0 against the gold answer, extracted from the reply by documented rules",
  open: "scores are judge-panel scores in [0, 1]",
};

/** A trajectory arm's lines: first → final with its CI and flips, then the per-attempt curve. */
function trajectoryText(t: NonNullable<BenchSummary["trajectories"]>[number]): string[] {
  const d = t.firstToFinal;
  return [
    `Trajectory ${t.arm} (${t.n} item × seed, ${t.meanAttempts.toFixed(2)} attempts on average): ` +
    `first ${(d.meanA ?? 0).toFixed(3)} → final ${(d.meanB ?? 0).toFixed(3)}, ` +
    `Δ ${fmt(d.delta)} ${
      ciText(d)
    }; flips ✗→✓ ${t.flips.wrongToCorrect}, ✓→✗ ${t.flips.correctToWrong}.`,
    "",
    "| Attempt | Score | Pass | Reached |",
    "|---|---|---|---|",
    ...t.curve.map((p) =>
      `| ${p.attempt} | ${p.meanScore.toFixed(3)} | ${
        (p.passRate * 100).toFixed(0)
      }% | ${p.reached} |`
    ),
  ];
}

function agreementText(a: NonNullable<BenchSummary["agreement"]>): string {
  const stat = (name: string, x: { estimate: number | null; ci: [number, number] | null }) =>
    `${name} ${x.estimate === null ? "–" : x.estimate.toFixed(3)}${
      x.ci ? ` [${x.ci[0].toFixed(3)}, ${x.ci[1].toFixed(3)}]` : ""
    }`;
  const what = a.mode === "pointwise"
    ? stat("Krippendorff's α (interval)", a.alpha)
    : `${stat("raw agreement", a.rawAgreement)}, ${stat("Cohen's κ", a.kappa)}`;
  return `Judge agreement (${a.judges} judges, ${a.rows} scored answers, ${a.mode}): ${what}; ` +
    `${a.unscoredVerdicts} unparseable verdict(s), ${a.unscoredRows} answer(s) unscored.`;
}

/** Pass@1 paired with the baseline and the control (pass/fail tasks): the secondary metric. */
function passSection(summary: BenchSummary): string[] {
  const arms = summary.arms.filter((a) => (a.passVsBaseline?.units ?? 0) > 0);
  if (summary.task === "open" || arms.length === 0) return [];
  const rows = arms.map((a) => {
    const b = a.passVsBaseline!, c = a.passVsControl;
    return `| ${a.arm} | ${percentText(b.rateB)} | ${pointsText(b.delta)} | [${
      pointsText(b.ci.low)
    }, ${pointsText(b.ci.high)}] | ${
      pValueText(b.mcnemar.p)
    } | ${b.mcnemar.improved}/${b.mcnemar.regressed} | ${
      c ? `${pointsText(c.delta)} [${pointsText(c.ci.low)}, ${pointsText(c.ci.high)}]` : "–"
    } | ${c ? pValueText(c.mcnemar.p) : "–"} |`;
  });
  return [
    "",
    "Primary metric: mean score (the Δ columns above). Pass@1 (an answer that passes every scoring " +
    "test), paired by item and seed:",
    "",
    "| Config | pass@1 | Δ pts vs baseline | 95% CI | McNemar p | ✗→✓/✓→✗ | Δ pts vs control | McNemar p vs control |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "Δ pts: pass-rate difference in percentage points, CI by the same paired bootstrap over items; " +
    "McNemar p: exact two-sided test on the discordant item × seed units.",
  ];
}

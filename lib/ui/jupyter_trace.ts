/**
 * A collapsible notebook view of one critique–revision {@linkcode Trace}: a header with the run's
 * facts, the prompt, and one `<details>` per round with its score, decision, critiques, the
 * feedback the student saw, and a line diff against the previous candidate.
 *
 * @module
 */
import { type Candidate, type Trace, TraceSchema } from "../schemas/trace.ts";
import { escapeHtml, formatValue } from "./jupyter_html.ts";
import { lineDiff } from "../util/line_diff.ts";
import { asDisplayable, type NotebookView } from "./jupyter_kernel.ts";

/** Options of {@linkcode traceView}. */
export interface TraceViewOptions {
  /** Open the chosen round's `<details>` initially. @default true */
  openChosen?: boolean;
  /** LCS table cap passed to the line diff (see `lineDiff`). @default 4_000_000 */
  diffMaxCells?: number;
}

const PRE = 'style="white-space:pre-wrap;margin:0.3em 0"';

function roundSummary(c: Candidate, index: number, chosenIndex: number): string {
  const parts = [`round ${c.round}`];
  if (c.score) parts.push(`score ${formatValue(c.score.score)} (${c.score.source})`);
  if (c.verdict) parts.push(`judge ${c.verdict.verdict} ${formatValue(c.verdict.score)}`);
  if (c.decision) parts.push(c.decision.decision);
  parts.push(`${c.critiques.length} critique${c.critiques.length === 1 ? "" : "s"}`);
  if (index === chosenIndex) parts.push("★ chosen");
  return parts.join(" · ");
}

function critiquesHtml(c: Candidate): string {
  if (c.critiques.length === 0) return "<p><i>No critiques of this answer.</i></p>";
  const items = c.critiques.map((k) =>
    `<li><b>[${escapeHtml(k.severity)}] ${escapeHtml(k.principleId)}</b>: ${escapeHtml(k.issue)}` +
    (k.fix ? ` — <i>fix:</i> ${escapeHtml(k.fix)}` : "") +
    (k.quote ? `<blockquote ${PRE}>${escapeHtml(k.quote)}</blockquote>` : "") +
    "</li>"
  );
  return `<p>Critiques of this answer:</p><ul>${items.join("")}</ul>`;
}

function diffHtml(
  before: string,
  after: string,
  maxCells?: number,
): { html: string; added: number; removed: number } {
  const lines = lineDiff(before, after, { maxCells });
  let added = 0, removed = 0;
  const body = lines.map((l) => {
    if (l.op === "add") {
      added++;
      return `<span style="background:#e6ffec;color:#1a7f37">+ ${escapeHtml(l.text)}</span>`;
    }
    if (l.op === "del") {
      removed++;
      return `<span style="background:#ffebe9;color:#cf222e">- ${escapeHtml(l.text)}</span>`;
    }
    return `<span style="color:#57606a">  ${escapeHtml(l.text)}</span>`;
  }).join("\n");
  return { html: `<pre ${PRE}>${body}</pre>`, added, removed };
}

/**
 * Renders a trace as collapsible HTML (rounds as `<details>`, critiques, feedback, and a line diff
 * of each revision against the previous candidate) with a plain-text summary fallback. All text
 * from the trace is escaped.
 *
 * @param trace A trace as the loop records it.
 * @param options Which round starts open; diff cap.
 * @returns A displayable view with its bundle.
 * @throws {TypeError} naming the first invalid field of the trace.
 *
 * @example A one-revision trace
 * ```ts
 * import { traceView } from "./jupyter_trace.ts";
 * const view = traceView({
 *   traceId: "t1", itemId: "i1", prompt: "Say hi", chosenIndex: 1, chosen: "Hello!", rejected: "hi",
 *   candidates: [
 *     { round: 0, text: "hi", critiques: [{ principleId: "polite", quote: "hi", issue: "curt", fix: "greet", severity: "low" }] },
 *     { round: 1, text: "Hello!", critiques: [] },
 *   ],
 *   rounds: 1, calls: [], usage: { inputTokens: 0, outputTokens: 0 }, parseFailures: 0,
 *   stopReason: "compliant", startedAt: "2025-01-01T00:00:00Z", ms: 5,
 * });
 * if ((String(view.bundle["text/html"]).match(/<details/g) ?? []).length < 2) throw new Error();
 * ```
 */
export function traceView(trace: Trace, options: TraceViewOptions = {}): NotebookView {
  const parsed = TraceSchema.safeParse(trace);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`traceView: trace.${issue.path.join(".")}: ${issue.message}`);
  }
  const t = parsed.data;
  const openChosen = options.openChosen ?? true;
  const facts: [string, string][] = [
    ["stop reason", t.stopReason],
    ["rounds", String(t.rounds)],
    ["chosen", `candidate ${t.chosenIndex} of ${t.candidates.length}`],
    ["parse failures", String(t.parseFailures)],
    ["calls", String(t.calls.length)],
    ["tokens in / out", `${t.usage.inputTokens} / ${t.usage.outputTokens}`],
    ["time", `${formatValue(t.ms / 1000, { digits: 1 })} s`],
    ["started", t.startedAt],
  ];
  if (t.error) facts.push(["error", t.error]);
  const plain = [
    `trace ${t.traceId} · item ${t.itemId} · ${t.rounds} rounds · stop: ${t.stopReason} · chosen: ${t.chosenIndex}` +
    (t.error ? ` · error: ${t.error}` : ""),
  ];
  const rounds = t.candidates.map((c, i) => {
    const summary = roundSummary(c, i, t.chosenIndex);
    const parts: string[] = [];
    if (i === 0) {
      parts.push(`<p>Initial answer:</p><pre ${PRE}>${escapeHtml(c.text)}</pre>`);
      plain.push(`  ${summary}`);
    } else {
      const d = diffHtml(t.candidates[i - 1].text, c.text, options.diffMaxCells);
      parts.push(
        `<p>Revision against round ${
          t.candidates[i - 1].round
        } (+${d.added} −${d.removed} lines):</p>${d.html}`,
        `<details><summary>Full text</summary><pre ${PRE}>${escapeHtml(c.text)}</pre></details>`,
      );
      plain.push(`  ${summary} · +${d.added} −${d.removed} lines`);
    }
    parts.push(critiquesHtml(c));
    if (c.feedback) {
      parts.push(
        `<details><summary>Feedback the student saw next</summary><pre ${PRE}>${
          escapeHtml(c.feedback)
        }</pre></details>`,
      );
    }
    if (c.teacherAdvice) {
      parts.push(
        `<details><summary>Teacher advice</summary><pre ${PRE}>${
          escapeHtml(c.teacherAdvice)
        }</pre></details>`,
      );
    }
    if (c.verdict?.reasons.length) {
      parts.push(`<p>Judge: ${c.verdict.reasons.map(escapeHtml).join("; ")}</p>`);
    }
    if (c.score?.detail) parts.push(`<p>Score detail: ${escapeHtml(c.score.detail)}</p>`);
    if (c.decision) {
      parts.push(
        `<p>Ratchet: ${escapeHtml(c.decision.decision)} — ${escapeHtml(c.decision.reason)} ` +
          `(candidate ${formatValue(c.decision.candidateScore)} vs best ${
            formatValue(c.decision.bestScore)
          })</p>`,
      );
    }
    const open = openChosen && i === t.chosenIndex ? " open" : "";
    return `<details${open}><summary>${
      escapeHtml(summary)
    }</summary><div style="margin-left:1.2em">${parts.join("")}</div></details>`;
  });
  const html = [
    '<div class="autoconstitution-trace">',
    `<p><b>Trace ${escapeHtml(t.traceId)}</b> · item <code>${escapeHtml(t.itemId)}</code></p>`,
    `<table>${
      facts.map(([k, v]) =>
        `<tr><th style="text-align:left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`
      ).join("")
    }</table>`,
    `<details><summary>Prompt</summary><pre ${PRE}>${escapeHtml(t.prompt)}</pre></details>`,
    ...rounds,
    "</div>",
  ].join("");
  return asDisplayable({ "text/html": html, "text/plain": plain.join("\n") });
}

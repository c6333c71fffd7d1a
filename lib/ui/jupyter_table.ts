/**
 * Rich tables for notebooks: a generic record table and the per-arm paired-summary table, each as
 * a MIME bundle with escaped HTML and an aligned plain-text fallback.
 *
 * @module
 */
import { escapeHtml, formatValue } from "./jupyter_html.ts";
import { type ArmSummaryRow, ArmSummaryRowSchema } from "../plot/arm_summary_row.ts";
import { asDisplayable, type NotebookView } from "./jupyter_kernel.ts";
import { displayWidth, padEndToWidth } from "./ansi.ts";

/** One column of {@linkcode htmlTable}: a record key, its header and number digits. */
export interface TableColumn {
  /** Record key to read. */
  key: string;
  /** Header text. @default the key */
  label?: string;
  /** Digits after the point for non-integer numbers. @default the table's `digits` */
  digits?: number;
}

/** Options of {@linkcode htmlTable}. */
export interface HtmlTableOptions {
  /** Columns in order (keys or column objects). @default every key, in first-seen order */
  columns?: (string | TableColumn)[];
  /** Caption above the table. @default undefined */
  caption?: string;
  /** Digits after the point for non-integer numbers. @default 3 */
  digits?: number;
  /**
   * Inline CSS for one cell (e.g. a colour), given the column key and the raw value; the result
   * is escaped into the `style` attribute. @default undefined (no styling)
   */
  cellStyle?: (key: string, value: unknown, row: Record<string, unknown>) => string | undefined;
}

function plainTable(header: string[], body: string[][], caption?: string): string {
  const widths = header.map((h, c) =>
    Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[c])))
  );
  const line = (cells: string[]) =>
    cells.map((s, c) => padEndToWidth(s, widths[c])).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [...(caption ? [caption] : []), line(header), rule, ...body.map(line)].join("\n");
}

/**
 * Renders records as a table: escaped HTML (`text/html`) and aligned text (`text/plain`). Every
 * header and cell is escaped, so model output in a cell can never inject markup.
 *
 * @param rows The records (an empty list renders an empty table).
 * @param options Columns, caption, number digits.
 * @returns A displayable view with its bundle.
 * @throws {TypeError} when rows is not an array of objects.
 *
 * @example Escaped cells
 * ```ts
 * import { htmlTable } from "./jupyter_table.ts";
 * const view = htmlTable([{ arm: "<script>", score: 0.5 }]);
 * const html = String(view.bundle["text/html"]);
 * if (html.includes("<script>") || !html.includes("&lt;script&gt;")) throw new Error(html);
 * ```
 */
export function htmlTable(
  rows: Record<string, unknown>[],
  options: HtmlTableOptions = {},
): NotebookView {
  if (!Array.isArray(rows)) {
    throw new TypeError(`htmlTable: rows must be an array, got ${typeof rows}`);
  }
  rows.forEach((r, i) => {
    if (!r || typeof r !== "object" || Array.isArray(r)) {
      throw new TypeError(`htmlTable: rows[${i}] must be an object, got ${JSON.stringify(r)}`);
    }
  });
  const digits = options.digits ?? 3;
  const keys = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: TableColumn[] = keys.map((c) => (typeof c === "string" ? { key: c } : c));
  const header = columns.map((c) => c.label ?? c.key);
  const body = rows.map((r) =>
    columns.map((c) => formatValue(r[c.key], { digits: c.digits ?? digits }))
  );
  const numeric = columns.map((c) => rows.some((r) => typeof r[c.key] === "number"));
  const style = (c: number, row?: Record<string, unknown>): string => {
    const parts: string[] = [];
    if (numeric[c]) parts.push("text-align:right");
    const extra = row ? options.cellStyle?.(columns[c].key, row[columns[c].key], row) : undefined;
    if (extra) parts.push(extra);
    return parts.length ? ` style="${escapeHtml(parts.join(";"))}"` : "";
  };
  const html = [
    '<table class="autoconstitution-table">',
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "",
    `<thead><tr>${
      header.map((h, c) => `<th${style(c)}>${escapeHtml(h)}</th>`).join("")
    }</tr></thead>`,
    "<tbody>",
    ...body.map((cells, i) =>
      `<tr>${cells.map((s, c) => `<td${style(c, rows[i])}>${escapeHtml(s)}</td>`).join("")}</tr>`
    ),
    "</tbody></table>",
  ].join("");
  return asDisplayable({
    "text/html": html,
    "text/plain": plainTable(header, body, options.caption),
  });
}

/** Options of {@linkcode armSummaryTable}. */
export interface ArmSummaryTableOptions {
  /** Caption above the table. @default "Paired summary per arm" */
  caption?: string;
  /** Digits after the point. @default 3 */
  digits?: number;
  /** Confidence level shown in the CI header, in percent. @default 95 */
  level?: number;
}

/** Verdict of a CI: above zero, below zero, or containing zero. */
function ciVerdict(lo: number, hi: number): "better" | "worse" | "n.s." {
  if (lo > 0) return "better";
  if (hi < 0) return "worse";
  return "n.s.";
}

/**
 * Renders per-arm paired summaries: arm, critic, n, mean before/after, Δ with its CI, W/T/L and
 * whether the CI excludes zero ("better", "worse", "n.s."), the latter coloured in HTML.
 *
 * @param rows One summary per arm.
 * @param options Caption, digits, CI level label.
 * @returns A displayable view with its bundle.
 * @throws {TypeError} naming the bad row and field.
 *
 * @example A clear improvement is called "better"
 * ```ts
 * import { armSummaryTable } from "./jupyter_table.ts";
 * const view = armSummaryTable([{ arm: "tests", n: 40, delta: 0.2, lo: 0.1, hi: 0.3, wins: 20, ties: 15, losses: 5 }]);
 * if (!String(view.bundle["text/plain"]).includes("better")) throw new Error();
 * ```
 */
export function armSummaryTable(
  rows: ArmSummaryRow[],
  options: ArmSummaryTableOptions = {},
): NotebookView {
  if (!Array.isArray(rows)) {
    throw new TypeError(`armSummaryTable: rows must be an array, got ${typeof rows}`);
  }
  const digits = options.digits ?? 3;
  const level = options.level ?? 95;
  const parsed = rows.map((r, i) => {
    const p = ArmSummaryRowSchema.safeParse(r);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new TypeError(`armSummaryTable: rows[${i}].${issue.path.join(".")}: ${issue.message}`);
    }
    return p.data;
  });
  const f = (v: number | undefined) => formatValue(v, { digits });
  const signed = (v: number) => (v > 0 ? "+" : "") + f(v);
  const records = parsed.map((r) => ({
    arm: r.arm,
    critic: r.critic ?? "",
    n: r.n ?? "",
    before: f(r.meanBefore),
    after: f(r.meanAfter),
    delta: signed(r.delta),
    ci: `[${f(r.lo)}, ${f(r.hi)}]`,
    wtl: r.wins !== undefined || r.ties !== undefined || r.losses !== undefined
      ? `${r.wins ?? 0}/${r.ties ?? 0}/${r.losses ?? 0}`
      : "",
    verdict: ciVerdict(r.lo, r.hi),
    method: r.method ?? "",
  }));
  const columns: TableColumn[] = [
    { key: "arm" },
    { key: "critic" },
    { key: "n" },
    { key: "before", label: "mean before" },
    { key: "after", label: "mean after" },
    { key: "delta", label: "Δ" },
    { key: "ci", label: `${level}% CI` },
    { key: "wtl", label: "W/T/L" },
    { key: "verdict", label: "CI vs 0" },
    { key: "method" },
  ].filter((c) => records.some((r) => r[c.key as keyof typeof r] !== ""));
  const caption = options.caption ?? "Paired summary per arm";
  const colors: Record<string, string> = { better: "#2ca02c", worse: "#d62728", "n.s.": "#777777" };
  return htmlTable(records, {
    columns,
    caption,
    cellStyle: (key, value) =>
      key === "verdict" ? `color:${colors[String(value)]};font-weight:bold` : undefined,
  });
}

/**
 * The gate audit as a notebook table (HTML and aligned text).
 *
 * @module
 */
import type { GateAuditRow } from "../bench/gate_audit.ts";
import { rateText } from "../bench/format.ts";
import { htmlTable } from "./jupyter_table.ts";
import type { NotebookView } from "./jupyter_kernel.ts";

/** Options of {@linkcode gateAuditTable}. */
export interface GateAuditTableOptions {
  /** Caption above the table. @default "Gate audit against the hidden tests" */
  caption?: string;
}

/**
 * Renders gate-audit rows (see `gateAudit`): per arm, the gate's false-accept and false-reject
 * rates against the hidden tests and the ratchet's promotions; high false-accept rates and any
 * promoted regressions are coloured.
 *
 * @param rows Rows from `gateAudit`.
 * @param options Caption.
 * @returns A displayable view with its bundle.
 *
 * @example
 * ```ts
 * import { gateAuditTable } from "./jupyter_gate_audit.ts";
 * const view = gateAuditTable([{ arm: "judge", gate: "judge", candidates: 10, hiddenPassed: 5,
 *   falseAccepts: 2, falseRejects: 1, falseAcceptRate: 0.4, falseRejectRate: 0.2, revisions: 4,
 *   promotedImprovements: 2, promotedRegressions: 1, missedImprovements: 0, blockedRegressions: 1,
 *   decisionAccuracy: 0.75 }]);
 * if (!String(view.bundle["text/plain"]).includes("40%")) throw new Error();
 * ```
 */
export function gateAuditTable(
  rows: readonly GateAuditRow[],
  options: GateAuditTableOptions = {},
): NotebookView {
  const records = rows.map((r) => ({
    arm: r.arm,
    gate: r.gate,
    candidates: r.candidates,
    "false accept": rateText(r.falseAcceptRate),
    "false reject": rateText(r.falseRejectRate),
    revisions: r.revisions,
    "promoted ↑": r.promotedImprovements,
    "promoted ↓": r.promotedRegressions,
    "missed ↑": r.missedImprovements,
    "blocked ↓": r.blockedRegressions,
    "decision accuracy": rateText(r.decisionAccuracy),
  }));
  return htmlTable(records, {
    caption: options.caption ?? "Gate audit against the hidden tests",
    cellStyle: (key, value) => {
      if (key === "promoted ↓" && Number(value) > 0) return "color:#d62728;font-weight:bold";
      if (key === "false accept" && parseFloat(String(value)) >= 20) return "color:#d62728";
      return undefined;
    },
  });
}

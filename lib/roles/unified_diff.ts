/**
 * A small line-based unified diff, used to show proposed constitution amendments to a human in the
 * familiar `diff -u` / `git diff` form. The lines come from the library's one line diff
 * (`lib/util/line_diff.ts`).
 *
 * @module
 */
import { diffLines } from "../util/line_diff.ts";

/** Options for {@linkcode unifiedDiff}. */
export interface UnifiedDiffOptions {
  /** Name on the `---` line. @default "a/constitution.md" */
  fromFile?: string;
  /** Name on the `+++` line. @default "b/constitution.md" */
  toFile?: string;
  /** Unchanged lines shown around each change. @default 3 */
  context?: number;
}

interface Op {
  type: " " | "-" | "+";
  line: string;
}

const OP_MARK = { same: " ", del: "-", add: "+" } as const;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The edit script of the two line lists, from the library's one line diff. */
function editScript(a: string[], b: string[]): Op[] {
  return diffLines(a, b).map((d) => ({
    type: OP_MARK[d.op],
    line: d.text,
  }));
}

/**
 * Computes a unified diff between two texts, compared line by line.
 *
 * @param before The old text.
 * @param after The new text.
 * @param options File names and context size.
 * @returns The diff, or "" when the texts have the same lines.
 *
 * @example One changed line
 * ```ts
 * import { unifiedDiff } from "./unified_diff.ts";
 * const diff = unifiedDiff("a\nb\nc\n", "a\nB\nc\n");
 * if (!diff.includes("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c")) throw new Error(diff);
 * ```
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: UnifiedDiffOptions = {},
): string {
  if (typeof before !== "string" || typeof after !== "string") {
    throw new TypeError("unifiedDiff: before and after must be strings");
  }
  const context = options.context ?? 3;
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`unifiedDiff: context must be a non-negative integer, got ${context}`);
  }
  const ops = editScript(splitLines(before), splitLines(after));
  const changed = ops.map((op, k) => (op.type === " " ? -1 : k)).filter((k) => k !== -1);
  if (changed.length === 0) return "";
  // Group changes whose context windows touch.
  const ranges: [number, number][] = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(ops.length - 1, k + context);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  // Old/new lines consumed before each op.
  const oldBefore: number[] = [];
  const newBefore: number[] = [];
  let o = 0;
  let nn = 0;
  for (const op of ops) {
    oldBefore.push(o);
    newBefore.push(nn);
    if (op.type !== "+") o++;
    if (op.type !== "-") nn++;
  }
  const out = [
    `--- ${options.fromFile ?? "a/constitution.md"}`,
    `+++ ${options.toFile ?? "b/constitution.md"}`,
  ];
  for (const [start, end] of ranges) {
    const slice = ops.slice(start, end + 1);
    const oldLen = slice.filter((op) => op.type !== "+").length;
    const newLen = slice.filter((op) => op.type !== "-").length;
    const oldStart = oldBefore[start] + (oldLen > 0 ? 1 : 0);
    const newStart = newBefore[start] + (newLen > 0 ? 1 : 0);
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`);
    for (const op of slice) out.push(`${op.type}${op.line}`);
  }
  return out.join("\n") + "\n";
}

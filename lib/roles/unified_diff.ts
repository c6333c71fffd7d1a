/**
 * A small line-based unified diff (longest common subsequence), used to show proposed constitution
 * amendments to a human in the familiar `diff -u` / `git diff` form.
 *
 * @module
 */

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

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j]
        ? lcs[(i + 1) * width + j + 1] + 1
        : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ type: " ", line: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      ops.push({ type: "-", line: a[i++] });
    } else {
      ops.push({ type: "+", line: b[j++] });
    }
  }
  while (i < n) ops.push({ type: "-", line: a[i++] });
  while (j < m) ops.push({ type: "+", line: b[j++] });
  return ops;
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

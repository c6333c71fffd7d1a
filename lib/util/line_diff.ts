/**
 * The one line diff of the library (longest common subsequence): notebook views show each revision
 * against the previous candidate with it, and the unified diff of constitution amendments is built
 * on it.
 *
 * @module
 */

/** One line of a diff: kept, added or removed. */
export interface DiffLine {
  /** "same" (in both), "add" (only in the new text) or "del" (only in the old text). */
  op: "same" | "add" | "del";
  /** The line, without its newline. */
  text: string;
}

/** Options of {@linkcode lineDiff}. */
export interface LineDiffOptions {
  /**
   * Largest LCS table (lines × lines after trimming the common head and tail) to compute. Beyond
   * it the middle part is shown as all removed then all added, which is correct but not minimal.
   * @default 4_000_000
   */
  maxCells?: number;
}

/**
 * Diffs two texts line by line with a longest-common-subsequence table. The common head and tail
 * are trimmed first, so a local edit in a long text stays cheap. Time and memory are
 * O(n·m) in the lines of the differing middle part, capped by `maxCells`.
 *
 * @param before The old text.
 * @param after The new text.
 * @param options Table size cap.
 * @returns The diff lines in order; `same` + `del` lines rebuild `before`, `same` + `add` rebuild `after`.
 *
 * @example One changed line
 * ```ts
 * import { lineDiff } from "./line_diff.ts";
 * const d = lineDiff("a\nb\nc", "a\nB\nc");
 * const ops = d.map((l) => l.op).join(",");
 * if (ops !== "same,del,add,same") throw new Error(ops);
 * ```
 */
export function lineDiff(before: string, after: string, options: LineDiffOptions = {}): DiffLine[] {
  const maxCells = options.maxCells ?? 4_000_000;
  if (!(maxCells >= 0)) throw new RangeError(`lineDiff: maxCells must be >= 0, got ${maxCells}`);
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head && tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = x.length * y.length > maxCells ? [...x.map(del), ...y.map(add)] : diffLines(x, y);
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(a.length - tail).map(same)];
}

/**
 * Diffs two lists of lines with a full longest-common-subsequence table: no trimming and no cap, so
 * time and memory are O(n·m). Where several longest common subsequences exist, the walk from the
 * start removes before it adds. {@linkcode lineDiff} splits texts, trims their common head and tail
 * and calls this on the middle part.
 *
 * @param a The old lines.
 * @param b The new lines.
 * @returns The diff lines in order; `same` + `del` lines are `a`, `same` + `add` lines are `b`.
 *
 * @example An empty line is a line
 * ```ts
 * import { diffLines } from "./line_diff.ts";
 * const d = diffLines([""], ["", "x"]);
 * if (d.map((l) => l.op).join(",") !== "same,add") throw new Error();
 * ```
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length, m = b.length;
  // lcs[i * (m + 1) + j] = LCS length of a[i..] and b[j..]
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j]
        ? lcs[(i + 1) * w + j + 1] + 1
        : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(same(a[i]));
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
      out.push(del(a[i++]));
    } else {
      out.push(add(b[j++]));
    }
  }
  while (i < n) out.push(del(a[i++]));
  while (j < m) out.push(add(b[j++]));
  return out;
}

function same(text: string): DiffLine {
  return { op: "same", text };
}
function del(text: string): DiffLine {
  return { op: "del", text };
}
function add(text: string): DiffLine {
  return { op: "add", text };
}

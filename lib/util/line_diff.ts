/**
 * A small line diff (longest common subsequence) for showing each revision against the previous
 * candidate.
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
 * import { lineDiff } from "./jupyter_diff.ts";
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
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: "same", text }));
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length, m = y.length;
  if (n * m > maxCells) {
    for (const text of x) out.push({ op: "del", text });
    for (const text of y) out.push({ op: "add", text });
  } else if (n > 0 || m > 0) {
    // lcs[i * (m + 1) + j] = LCS length of x[i..] and y[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = x[i] === y[j]
          ? lcs[(i + 1) * w + j + 1] + 1
          : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0, j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) {
        out.push({ op: "same", text: x[i] });
        i++;
        j++;
      } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
        out.push({ op: "del", text: x[i++] });
      } else {
        out.push({ op: "add", text: y[j++] });
      }
    }
    while (i < n) out.push({ op: "del", text: x[i++] });
    while (j < m) out.push({ op: "add", text: y[j++] });
  }
  for (const text of a.slice(a.length - tail)) out.push({ op: "same", text });
  return out;
}

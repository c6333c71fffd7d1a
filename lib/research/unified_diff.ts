/**
 * A small, strict unified-diff applier for model-written edits. Strict in content: every context
 * and removed line must match the file exactly, and hunk header counts must match the hunk body.
 * Tolerant only in position: when a hunk does not match at its stated line, it is applied at the
 * *unique* place where its old lines match exactly (models often get line numbers wrong); zero or
 * several matches fail with a {@linkcode DiffError} naming the hunk and the first mismatching line.
 * A completely empty line inside a hunk is read as an empty context line.
 *
 * @module
 */

/** One line of a hunk: context (" "), removal ("-") or addition ("+"). */
export interface HunkLine {
  /** The operation. */
  op: " " | "-" | "+";
  /** The line text without the operation character or newline. */
  text: string;
}

/** One `@@ -a,b +c,d @@` hunk. */
export interface Hunk {
  /** 1-based first old line (for an empty old side: the line after which to insert). */
  oldStart: number;
  /** Old line count from the header. */
  oldLines: number;
  /** 1-based first new line. */
  newStart: number;
  /** New line count from the header. */
  newLines: number;
  /** The body. */
  lines: HunkLine[];
  /** The new side of this hunk ends without a final newline. */
  newNoEol: boolean;
  /** The old side of this hunk ends without a final newline. */
  oldNoEol: boolean;
  /** The header text, for messages. */
  header: string;
}

/** The hunks for one file. */
export interface FilePatch {
  /** Old path with any `a/` prefix removed (`/dev/null` for a new file). */
  oldPath: string;
  /** New path with any `b/` prefix removed (`/dev/null` for a deletion). */
  newPath: string;
  /** The hunks in order. */
  hunks: Hunk[];
}

/** A diff that cannot be parsed or does not apply. */
export class DiffError extends Error {
  /** 1-based hunk number, when the problem is in a hunk. */
  readonly hunk?: number;
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param hunk 1-based hunk number.
   */
  constructor(message: string, hunk?: number) {
    super(hunk !== undefined ? `hunk ${hunk}: ${message}` : message);
    this.name = "DiffError";
    this.hunk = hunk;
  }
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function stripPrefix(path: string): string {
  const p = path.split("\t")[0].trim();
  if (p === "/dev/null") return p;
  return p.replace(/^[ab]\//, "");
}

/**
 * Parses a unified diff into per-file patches. A diff without `---`/`+++` headers is accepted as a
 * single patch with empty paths.
 *
 * @param text The diff.
 * @returns The file patches in order.
 * @throws {DiffError} on a malformed header or when a hunk body does not match its header counts.
 *
 * @example Parse one hunk
 * ```ts
 * import { parseUnifiedDiff } from "./unified_diff.ts";
 * const [p] = parseUnifiedDiff("--- a/x.txt\n+++ b/x.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
 * if (p.newPath !== "x.txt" || p.hunks[0].lines.length !== 3) throw new Error("parse failed");
 * ```
 */
export function parseUnifiedDiff(text: string): FilePatch[] {
  if (typeof text !== "string") {
    throw new TypeError(`parseUnifiedDiff: text must be a string, got ${typeof text}`);
  }
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const patches: FilePatch[] = [];
  let current: FilePatch | undefined;
  let hunkNo = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      current = {
        oldPath: stripPrefix(line.slice(4)),
        newPath: stripPrefix(lines[i + 1].slice(4)),
        hunks: [],
      };
      patches.push(current);
      i += 2;
      continue;
    }
    const m = HUNK_RE.exec(line);
    if (!m) {
      i++; // "diff --git", "index", prose around the diff: ignored
      continue;
    }
    hunkNo++;
    if (!current) {
      current = { oldPath: "", newPath: "", hunks: [] };
      patches.push(current);
    }
    const hunk: Hunk = {
      oldStart: Number(m[1]),
      oldLines: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]),
      newLines: m[4] === undefined ? 1 : Number(m[4]),
      lines: [],
      newNoEol: false,
      oldNoEol: false,
      header: m[0],
    };
    i++;
    let oldSeen = 0, newSeen = 0;
    while (i < lines.length && (oldSeen < hunk.oldLines || newSeen < hunk.newLines)) {
      const body = lines[i];
      if (body.startsWith("\\")) {
        markNoEol(hunk);
        i++;
        continue;
      }
      if (HUNK_RE.test(body) || (body.startsWith("--- ") && lines[i + 1]?.startsWith("+++ "))) {
        break;
      }
      const op = body === "" ? " " : body[0];
      if (op !== " " && op !== "-" && op !== "+") {
        throw new DiffError(`unexpected line in hunk body: ${JSON.stringify(body)}`, hunkNo);
      }
      hunk.lines.push({ op, text: body.slice(1) });
      if (op !== "+") oldSeen++;
      if (op !== "-") newSeen++;
      i++;
    }
    if (lines[i]?.startsWith("\\")) {
      markNoEol(hunk);
      i++;
    }
    if (oldSeen !== hunk.oldLines || newSeen !== hunk.newLines) {
      throw new DiffError(
        `header ${hunk.header} announces ${hunk.oldLines} old / ${hunk.newLines} new lines ` +
          `but the body has ${oldSeen} / ${newSeen}`,
        hunkNo,
      );
    }
    current.hunks.push(hunk);
  }
  if (patches.length === 0 || patches.every((p) => p.hunks.length === 0)) {
    throw new DiffError("no hunks found (expected @@ -a,b +c,d @@ headers)");
  }
  return patches;
}

function markNoEol(hunk: Hunk): void {
  const last = hunk.lines.at(-1);
  if (!last) return;
  if (last.op === "-") hunk.oldNoEol = true;
  else if (last.op === "+") hunk.newNoEol = true;
  else {
    hunk.oldNoEol = true;
    hunk.newNoEol = true;
  }
}

/**
 * Applies the hunks of one file patch to the file's text.
 *
 * @param original The current file content ("" for a new file).
 * @param patch The file patch (from {@linkcode parseUnifiedDiff}).
 * @returns The new content ("" when the patch deletes the file).
 * @throws {DiffError} naming the hunk and the first mismatching line.
 *
 * @example Apply a patch object
 * ```ts
 * import { applyFilePatch, parseUnifiedDiff } from "./unified_diff.ts";
 * const [p] = parseUnifiedDiff("@@ -1 +1 @@\n-old\n+new\n");
 * if (applyFilePatch("old\n", p) !== "new\n") throw new Error("apply failed");
 * ```
 */
export function applyFilePatch(original: string, patch: FilePatch): string {
  if (typeof original !== "string") {
    throw new TypeError(`applyFilePatch: original must be a string, got ${typeof original}`);
  }
  const text = original.replace(/\r\n/g, "\n");
  const src = text === "" ? [] : text.split("\n");
  let finalNewline = text === "" || text.endsWith("\n");
  if (text.endsWith("\n")) src.pop();
  const out: string[] = [];
  let cursor = 0;
  patch.hunks.forEach((hunk, h) => {
    const oldBlock = hunk.lines.filter((l) => l.op !== "+").map((l) => l.text);
    const newBlock = hunk.lines.filter((l) => l.op !== "-").map((l) => l.text);
    const stated = oldBlock.length === 0 ? hunk.oldStart : hunk.oldStart - 1;
    let pos = stated;
    if (!matchesAt(src, oldBlock, pos) || pos < cursor) {
      const found: number[] = [];
      for (let p = cursor; p + oldBlock.length <= src.length && oldBlock.length > 0; p++) {
        if (matchesAt(src, oldBlock, p)) found.push(p);
        if (found.length > 1) break;
      }
      if (found.length !== 1) {
        throw new DiffError(describeMismatch(src, oldBlock, stated, found.length, hunk), h + 1);
      }
      pos = found[0];
    }
    out.push(...src.slice(cursor, pos), ...newBlock);
    cursor = pos + oldBlock.length;
    if (cursor === src.length) {
      if (hunk.newNoEol) finalNewline = false;
      else if (hunk.oldNoEol || newBlock.length > 0) finalNewline = true;
    }
  });
  out.push(...src.slice(cursor));
  if (patch.newPath === "/dev/null") return "";
  if (out.length === 0) return "";
  return out.join("\n") + (finalNewline ? "\n" : "");
}

function matchesAt(src: string[], block: string[], pos: number): boolean {
  if (pos < 0 || pos + block.length > src.length) return false;
  for (let i = 0; i < block.length; i++) if (src[pos + i] !== block[i]) return false;
  return true;
}

function describeMismatch(
  src: string[],
  block: string[],
  stated: number,
  matches: number,
  hunk: Hunk,
): string {
  const where = matches === 0 ? "matches nowhere in the file" : "matches at several places";
  for (let i = 0; i < block.length; i++) {
    const actual = src[stated + i];
    if (actual !== block[i]) {
      return `${hunk.header} does not apply: at line ${stated + i + 1} expected ` +
        `${JSON.stringify(block[i])} but found ${
          actual === undefined ? "end of file" : JSON.stringify(actual)
        }; the hunk ${where}`;
    }
  }
  return `${hunk.header} does not apply: the hunk ${where}`;
}

/**
 * Applies a single-file unified diff to a text.
 *
 * @param original The current file content ("" for a new file).
 * @param diff The unified diff (one file; `---`/`+++` headers optional).
 * @returns The new content.
 * @throws {DiffError} when the diff is malformed, has several files, or a hunk does not match.
 *
 * @example Apply a diff, and fail cleanly on a mismatched hunk
 * ```ts
 * import { applyUnifiedDiff, DiffError } from "./unified_diff.ts";
 * const diff = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
 * if (applyUnifiedDiff("one\ntwo\nthree\n", diff) !== "one\nTWO\nthree\n") throw new Error("bad");
 * let failed = false;
 * try {
 *   applyUnifiedDiff("one\n2\nthree\n", diff);
 * } catch (e) {
 *   failed = e instanceof DiffError && e.hunk === 1;
 * }
 * if (!failed) throw new Error("expected a DiffError on hunk 1");
 * ```
 */
export function applyUnifiedDiff(original: string, diff: string): string {
  const patches = parseUnifiedDiff(diff);
  if (patches.length !== 1) {
    throw new DiffError(`expected a diff of one file, got ${patches.length} files`);
  }
  return applyFilePatch(original, patches[0]);
}

/**
 * Levenshtein edit distance on characters (Unicode code points) or tokens, with a two-row buffer,
 * an optional distance bound that narrows the work to a diagonal band, and a hard cap on work.
 *
 * @module
 */

/** Options of {@linkcode levenshtein}. */
export interface LevenshteinOptions {
  /**
   * Stop early once the distance is known to exceed this: the result is then `maxDistance + 1`.
   * Only a diagonal band of width `2·maxDistance + 1` is computed, so the cost drops from
   * O(n·m) to O(maxDistance·min(n, m)). @default undefined (exact distance, full table)
   */
  maxDistance?: number;
  /**
   * Refuse (throw a RangeError) when the table cells to compute — after trimming the common
   * prefix and suffix, and after banding — exceed this. It bounds time on huge inputs (about
   * 25 M cells take a few hundred milliseconds). @default 25_000_000
   */
  maxCells?: number;
}

/** Maps the symbols of two sequences to small integers so the inner loop compares numbers. */
function encode(
  a: string | readonly string[],
  b: string | readonly string[],
): [Int32Array, Int32Array] {
  if (typeof a === "string" && typeof b === "string") {
    const cp = (s: string) => Int32Array.from(Array.from(s, (c) => c.codePointAt(0)!));
    return [cp(a), cp(b)];
  }
  if (typeof a === "string" || typeof b === "string") {
    throw new TypeError("levenshtein: compare two strings or two token arrays, not a mix");
  }
  const ids = new Map<string, number>();
  const id = (t: string) => {
    let v = ids.get(t);
    if (v === undefined) ids.set(t, v = ids.size);
    return v;
  };
  return [Int32Array.from(a, id), Int32Array.from(b, id)];
}

/**
 * Levenshtein distance (insertions, deletions, substitutions, each cost 1) between two strings
 * (compared by Unicode code point) or two token arrays.
 *
 * The common prefix and suffix are stripped first; the rest is the classic dynamic programme kept
 * in two rows of `min(n, m) + 1` integers (O(n·m) time, O(min(n, m)) memory). With `maxDistance`
 * only the diagonal band that can still hold a distance ≤ `maxDistance` is computed, and the
 * computation stops as soon as a whole row exceeds it.
 *
 * @param a First string or token array.
 * @param b Second string or token array.
 * @param options Early-stop bound and work cap.
 * @returns The distance, or `maxDistance + 1` when it exceeds `maxDistance`.
 * @throws {RangeError} when the work would exceed `maxCells`, or on a negative `maxDistance`.
 *
 * @example Classic values
 * ```ts
 * import { levenshtein } from "./edit_distance.ts";
 * if (levenshtein("kitten", "sitting") !== 3) throw new Error();
 * if (levenshtein("kitten", "sitting", { maxDistance: 1 }) !== 2) throw new Error("bounded");
 * if (levenshtein(["a", "cat"], ["a", "dog"]) !== 1) throw new Error("tokens");
 * ```
 */
export function levenshtein(
  a: string | readonly string[],
  b: string | readonly string[],
  options: LevenshteinOptions = {},
): number {
  const maxCells = options.maxCells ?? 25_000_000;
  const bound = options.maxDistance;
  if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) {
    throw new RangeError(`levenshtein: maxDistance must be an integer >= 0, got ${bound}`);
  }
  if (!(maxCells >= 0)) throw new RangeError(`levenshtein: maxCells must be >= 0, got ${maxCells}`);
  let [x, y] = encode(a, b);
  // strip the common prefix and suffix
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length, endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  x = x.subarray(start, endX);
  y = y.subarray(start, endY);
  if (x.length > y.length) [x, y] = [y, x]; // x is the shorter: the row buffer has x.length + 1 cells
  const n = x.length, m = y.length;
  const k = bound === undefined ? n + m : Math.min(bound, n + m);
  const over = k + 1;
  if (m - n > k) return over; // the length difference alone exceeds the bound
  if (n === 0) return Math.min(m, over);
  const cells = Math.min(n * m, m * (2 * k + 1));
  if (cells > maxCells) {
    throw new RangeError(
      `levenshtein: ${n}×${m} symbols (${cells} cells) exceed maxCells ${maxCells}; ` +
        "raise maxCells, give maxDistance, or compare tokens instead of characters",
    );
  }
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) prev[i] = i <= k ? i : over;
  for (let j = 1; j <= m; j++) {
    const lo = Math.max(1, j - k);
    const hi = Math.min(n, j + k);
    cur[lo - 1] = lo === 1 ? (j <= k ? j : over) : over;
    let rowMin = cur[lo - 1];
    const yj = y[j - 1];
    for (let i = lo; i <= hi; i++) {
      let v = prev[i - 1] + (x[i - 1] === yj ? 0 : 1);
      const del = prev[i] + 1;
      if (del < v) v = del;
      const ins = cur[i - 1] + 1;
      if (ins < v) v = ins;
      if (v > over) v = over;
      cur[i] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = over;
    if (rowMin > k) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[n], over);
}

/**
 * Splits text into word and punctuation tokens (Unicode letters/digits runs, and single other
 * non-space characters).
 *
 * @param text Any text.
 * @returns The tokens, whitespace dropped.
 *
 * @example Words and punctuation
 * ```ts
 * import { tokenize } from "./edit_distance.ts";
 * if (tokenize("Hi, world!").join("|") !== "Hi|,|world|!") throw new Error();
 * ```
 */
export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** Options of {@linkcode normalizedEditDistance}. */
export interface NormalizedEditDistanceOptions {
  /** Compare characters (code points) or tokens (see {@linkcode tokenize}). @default "char" */
  unit?: "char" | "token";
  /** Work cap passed to {@linkcode levenshtein}. @default 25_000_000 */
  maxCells?: number;
  /**
   * Only distances below this fraction need to be exact: the computation is banded to
   * `ceil(below · length)` edits, so results below `below` are exact and larger true distances
   * come back as some value >= `below`. Use it for threshold checks on long texts.
   * @default undefined (always exact)
   */
  below?: number;
}

/**
 * Levenshtein distance divided by the longer length (in the chosen unit): 0 for identical texts,
 * 1 for completely different ones, 0 when both are empty.
 *
 * @param a First text.
 * @param b Second text.
 * @param options Unit, work cap, optional bound.
 * @returns A number in [0, 1].
 * @throws {RangeError} when the work would exceed `maxCells`.
 *
 * @example One character in four
 * ```ts
 * import { normalizedEditDistance } from "./edit_distance.ts";
 * if (normalizedEditDistance("abcd", "abce") !== 0.25) throw new Error();
 * if (normalizedEditDistance("the cat", "the dog", { unit: "token" }) !== 0.5) throw new Error();
 * ```
 */
export function normalizedEditDistance(
  a: string,
  b: string,
  options: NormalizedEditDistanceOptions = {},
): number {
  const unit = options.unit ?? "char";
  if (unit !== "char" && unit !== "token") {
    throw new TypeError(
      `normalizedEditDistance: unit must be "char" or "token", got ${JSON.stringify(unit)}`,
    );
  }
  const below = options.below;
  if (below !== undefined && !(below >= 0 && below <= 1)) {
    throw new RangeError(`normalizedEditDistance: below must be in [0, 1], got ${below}`);
  }
  const x = unit === "char" ? a : tokenize(a);
  const y = unit === "char" ? b : tokenize(b);
  const length = Math.max(
    typeof x === "string" ? [...x].length : x.length,
    typeof y === "string" ? [...y].length : y.length,
  );
  if (length === 0) return 0;
  const maxDistance = below === undefined ? undefined : Math.ceil(below * length);
  const d = levenshtein(x, y, { maxDistance, maxCells: options.maxCells });
  return Math.min(1, d / length);
}

// Private readers shared by extractAnswer and normalizeAnswer: span cleaning, number reading,
// choice reading and the exact-match key. Every regular expression here is linear in its input.

/** Letters of the options, in order. */
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Spans longer than this never read as an answer (and keep every pattern cheap). */
export const MAX_SPAN = 1000;

/** The string without the given characters at either end (a loop: linear on hostile input). */
function trimChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start])) start++;
  while (end > start && chars.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

const EDGE_PUNCTUATION = " \t\n\r\"'`“”‘’«»*_.,;:!?()[]{}<>$";

const WRAPPERS: [RegExp, string][] = [
  [/^\*\*([\s\S]*)\*\*$/, "$1"],
  [/^__([\s\S]*)__$/, "$1"],
  [/^\$\$([\s\S]*)\$\$$/, "$1"],
  [/^\$([\s\S]*)\$$/, "$1"],
  [/^\\\(([\s\S]*)\\\)$/, "$1"],
  [/^\\\[([\s\S]*)\\\]$/, "$1"],
  [/^["'`“‘]([\s\S]*)["'`”’]$/, "$1"],
  [/^\\text(?:bf|rm|it)?\{([^{}]*)\}$/, "$1"],
  [/^\\mathrm\{([^{}]*)\}$/, "$1"],
];

/**
 * The answer span without its decoration: surrounding `**`/`__`, `$…$`, `\(…\)`, quotes,
 * `\text{…}` and trailing periods, peeled repeatedly.
 */
export function cleanSpan(span: string): string {
  let s = span.trim();
  for (let i = 0; i < 8; i++) {
    const before = s;
    for (const [pattern, replacement] of WRAPPERS) s = s.replace(pattern, replacement).trim();
    while (s.endsWith(".") || s.endsWith("。")) s = s.slice(0, -1).trimEnd();
    if (s === before) break;
  }
  return s;
}

/** LaTeX spellings of numbers rewritten to plain text (`\frac{3}{4}` → `3/4`, `1{,}000` → `1,000`). */
function plainNumberText(text: string): string {
  return text
    .replace(/\\[dt]?frac\s*\{\s*([^{}]*?)\s*\}\s*\{\s*([^{}]*?)\s*\}/g, "$1/$2")
    .replace(/\\text(?:bf|rm|it)?\{([^{}]*)\}/g, " $1 ")
    .replace(/\\mathrm\{([^{}]*)\}/g, " $1 ")
    .replace(/\{,\}/g, ",")
    .replace(/\\[!,;: ]/g, "")
    .replace(/\\%/g, "%")
    .replace(/\\\$/g, "$")
    .replace(/−/g, "-");
}

const NUMBER_AT_START = new RegExp(
  String.raw`^([+-]?)\s*(?:[$£€¥]\s*)?([+-]?)\s*` +
    String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)` +
    String.raw`(?:[eE]([+-]?\d{1,4}))?` +
    String.raw`(?:\s*\/\s*(\d+(?:\.\d+)?))?` +
    String.raw`(\s*(?:%|percent\b))?`,
  "i",
);

/** A number read from the start of a span. */
export interface ReadNumber {
  /** Its value (a percentage is the number before `%`: `50%` → 50). */
  value: number;
  /** The number as written, without currency signs (`-1,000`, `3/4`, `50%`). */
  text: string;
}

/**
 * Reads a span that starts with one number (after an optional sign and currency sign) and has no
 * other digit after it: `$1,000`, `18.0 dollars`, `3/4`, `1e3`, `50%`, `\frac{3}{4}`.
 */
export function readNumber(span: string): ReadNumber | undefined {
  const s = plainNumberText(cleanSpan(span));
  const m = NUMBER_AT_START.exec(s);
  if (!m) return undefined;
  const rest = s.slice(m[0].length);
  if (/\d/.test(rest)) return undefined;
  if (m[1] && m[2]) return undefined;
  const sign = (m[1] || m[2]) === "-" ? -1 : 1;
  const digits = m[3].replaceAll(",", "");
  let value = Number(digits) * (m[4] ? 10 ** Number(m[4]) : 1);
  if (m[5] !== undefined) {
    const denominator = Number(m[5]);
    if (denominator === 0) return undefined;
    value /= denominator;
  }
  value *= sign;
  if (!Number.isFinite(value)) return undefined;
  const text = `${sign < 0 ? "-" : ""}${m[3]}${m[4] ? `e${m[4]}` : ""}${
    m[5] !== undefined ? `/${m[5]}` : ""
  }${m[6] ? "%" : ""}`;
  return { value, text };
}

/** The shortest decimal spelling of a number (`1000`, `0.75`; `-0` is `0`). */
export function canonicalNumber(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

/** The exact-match key: NFKC, lowercase, whitespace collapsed, surrounding punctuation stripped. */
export function exactKey(value: string): string {
  return trimChars(value.normalize("NFKC").toLowerCase().replace(/\s+/g, " "), EDGE_PUNCTUATION);
}

/** The option-text key: like {@linkcode exactKey}, with inner punctuation treated as spaces. */
function wordKey(value: string): string {
  return exactKey(value).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** A choice read from a span. */
export interface ReadChoice {
  /** The option's letter (A, B, …). */
  letter: string;
  /** Whether the span named the option by its text rather than its letter. */
  byText: boolean;
}

function inRange(letter: string, choices: readonly string[] | undefined): boolean {
  const index = LETTERS.indexOf(letter);
  return index >= 0 && (choices === undefined || index < choices.length);
}

/** The index of the one option whose text equals the span, or -1. */
function optionEqualTo(span: string, choices: readonly string[]): number {
  const key = wordKey(span);
  if (key === "") return -1;
  const hits = choices.flatMap((c, i) => wordKey(c) === key ? [i] : []);
  return hits.length === 1 ? hits[0] : -1;
}

/**
 * Reads a span as one option, trying in turn: a lone letter in either case (`c`, `(C)`, `C.`) or a
 * letter in parentheses or before `)` (`(C) Paris`, `C) Paris`); the text of exactly one option
 * (case- and space-insensitive); a capital letter before `.`, `:`, `,` or a space (`C. Paris`,
 * `C because …`). "option" or "choice" may come first. A letter must be within the options when
 * they are known.
 */
export function readChoice(
  span: string,
  choices: readonly string[] | undefined,
): ReadChoice | undefined {
  const s = cleanSpan(span);
  const body = s.replace(/^(?:option|choice)\s+/i, "");
  const letterOf = (m: RegExpExecArray | null) => {
    const letter = m?.[1].toUpperCase();
    return letter !== undefined && inRange(letter, choices) ? { letter, byText: false } : undefined;
  };
  const strict = /^\(?([A-Za-z])\)?[.:]?$/.exec(body) ?? /^\(?([A-Za-z])\)/.exec(body);
  if (strict) return letterOf(strict);
  if (choices) {
    const index = optionEqualTo(s, choices);
    if (index >= 0) return { letter: LETTERS[index], byText: true };
  }
  return letterOf(/^([A-Z])(?=[.:,]|\s)/.exec(body));
}

/**
 * The index of the one option whose text the line contains as whole words (an option contained in
 * another matched option does not count), or -1.
 */
export function optionIn(line: string, choices: readonly string[]): number {
  const padded = ` ${wordKey(line)} `;
  const found = choices.flatMap((c, i) => {
    const key = wordKey(c);
    return key !== "" && padded.includes(` ${key} `) ? [{ i, key }] : [];
  });
  const maximal = found.filter((f) =>
    !found.some((g) => g !== f && g.key !== f.key && g.key.includes(f.key))
  );
  return maximal.length === 1 ? maximal[0].i : -1;
}

/** The elements of a set answer: split on `,`, `;`, `&` and " and ", each as an exact key. */
export function setKeys(value: string): string[] {
  const parts = cleanSpan(value).split(/\s*(?:[,;&]|\band\b)\s*/i).map(exactKey);
  return [...new Set(parts.filter((p) => p !== ""))].sort();
}

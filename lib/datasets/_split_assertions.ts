/**
 * Splitting a source's single test script into individual tests (internal): one test per assertion,
 * carrying the statements that set it up.
 *
 * @module
 */
import type { TestCase } from "../schemas/coding.ts";
import { skipComment } from "../util/skip_comment.ts";

const ASSERT_IMPORT = [
  /^\s*import\s+\*\s+as\s+assert\s+from\s+['"](node:)?assert(\/strict)?['"]\s*;?\s*$/,
  /^\s*import\s+assert\s+from\s+['"](node:)?assert(\/strict)?['"]\s*;?\s*$/,
  /^\s*(const|let|var)\s+assert\s*=\s*require\(\s*['"](node:)?assert(\/strict)?['"]\s*\)\s*;?\s*$/,
  /^\s*declare\s+var\s+require\s*:\s*any\s*;?\s*$/,
];

/** Splits TypeScript/JavaScript source into top-level statements (strings, templates, comments aware). */
export function tsStatements(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const s = src.slice(start, end).trim();
    if (s !== "" && s !== ";") out.push(s);
    start = end;
  };
  while (i < src.length) {
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    const c = src[i];
    if (c === "'" || c === '"' || c === "`") {
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0 && c === "}") {
        const rest = src.slice(i + 1).match(/^[ \t]*(\r?\n|$)/);
        const tail = src.slice(i + 1).trimStart();
        if (rest && !/^(else|catch|finally|\)|,|\.)/.test(tail)) {
          i++;
          push(i);
          continue;
        }
      }
    } else if (depth === 0 && c === ";") {
      i++;
      push(i);
      continue;
    } else if (depth === 0 && c === "\n") {
      const soFar = src.slice(start, i).trim();
      const next = src.slice(i + 1).trimStart();
      if (
        soFar !== "" && !/[,=+\-*/%&|^<>?:!(\[{.]$/.test(soFar) &&
        !/^[.?:)\]}+\-*/%&|^<>=,]/.test(next)
      ) {
        push(i);
      }
    }
    i++;
  }
  push(src.length);
  return out;
}

function findBlockBody(src: string, header: RegExp): string | undefined {
  const m = header.exec(src);
  if (!m) return undefined;
  const open = src.indexOf("{", m.index + m[0].length - 1);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"' || c === "`") {
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === "\\" ? 2 : 1;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return src.slice(open + 1, i);
  }
  return undefined;
}

const ALIAS = /^(const|let|var)\s+[\w$]+\s*=\s*[\w$.]+\s*;?$/;
const IS_ASSERT = /(^|[^\w$.])assert(\.\w+)*\s*\(/;

/**
 * Splits a TypeScript test script (mxeval/MBXP statements, or a MultiPL-E `function test() {…}`)
 * into one test per assertion. `import * as assert from 'assert'` and `require('assert')` lines are
 * dropped: the harness binds `assert` to `node:assert/strict`, and `assert.legacy` to `node:assert`;
 * when the source imported the legacy (loose) `'assert'`, its calls are rewritten to
 * `assert.legacy.…` so the published semantics are kept. Leading alias statements
 * (`let candidate = f;`) are repeated in every test.
 */
export function splitTsAssertions(text: string): TestCase[] {
  const lines = text.split("\n");
  const importLines = lines.filter((l) => ASSERT_IMPORT.some((re) => re.test(l)));
  // 'assert' / 'node:assert' without /strict is the legacy (loose) API: keep its semantics.
  const legacy = importLines.some((l) => /['"](node:)?assert['"]/.test(l));
  let src = lines.filter((l) => !ASSERT_IMPORT.some((re) => re.test(l))).join("\n");
  if (legacy) src = src.replace(/(^|[^\w$.])assert(\s*[.(])/g, "$1assert.legacy$2");
  const body = findBlockBody(src, /function\s+test\s*\(\s*\)\s*(:\s*\w+\s*)?\{/);
  if (body !== undefined) src = body;
  const statements = tsStatements(src);
  const shared: string[] = [];
  const tests: TestCase[] = [];
  let group: string[] = [];
  let sawAssert = false;
  for (const s of statements) {
    if (!sawAssert && !IS_ASSERT.test(s) && ALIAS.test(s) && group.length === 0) {
      shared.push(s);
      continue;
    }
    group.push(s);
    if (IS_ASSERT.test(s)) {
      sawAssert = true;
      tests.push({ name: testName(s, tests.length), code: [...shared, ...group].join("\n") });
      group = [];
    }
  }
  return uniqueNames(tests);
}

function testName(assertion: string, index: number): string {
  const m = assertion.match(/test case (\d+)/i);
  return m ? `test case ${m[1]}` : `assertion ${index + 1}`;
}

function uniqueNames(tests: TestCase[]): TestCase[] {
  const seen = new Map<string, number>();
  return tests.map((t) => {
    const n = (seen.get(t.name) ?? 0) + 1;
    seen.set(t.name, n);
    return n === 1 ? t : { ...t, name: `${t.name} (${n})` };
  });
}

/** Splits Python source into top-level statements (indentation and brackets aware). */
export function pyStatements(src: string): string[] {
  const lines = src.split("\n");
  const out: string[] = [];
  let current: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const startsNew = depth === 0 && line.trim() !== "" && !/^\s/.test(line) &&
      !/^(else|elif|except|finally)\b/.test(line.trim());
    if (startsNew && current.some((l) => l.trim() !== "" && !l.trim().startsWith("#"))) {
      out.push(current.join("\n").trimEnd());
      current = [];
    }
    current.push(line);
    depth += bracketDelta(line);
    if (depth < 0) depth = 0;
  }
  if (current.some((l) => l.trim() !== "")) out.push(current.join("\n").trimEnd());
  return out.map(stripLeadingComments).filter((s) => s.trim() !== "");
}

function bracketDelta(line: string): number {
  let d = 0;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "#") break;
    if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) d++;
    else if (")]}".includes(c)) d--;
  }
  return d;
}

function stripLeadingComments(s: string): string {
  const lines = s.split("\n");
  while (lines.length > 0 && (lines[0].trim() === "" || lines[0].trim().startsWith("#"))) {
    lines.shift();
  }
  return lines.join("\n");
}

function dedent(text: string): string {
  const lines = text.split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.match(/^[ \t]*/)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, l.match(/^[ \t]*/)![0].length))).join("\n").trim();
}

/**
 * Splits a HumanEval-style Python test (`def check(candidate): assert …`) into one pytest test body
 * per top-level assertion statement; everything outside `check` becomes the shared setup.
 */
export function splitPythonCheck(
  text: string,
  entryPoint: string,
): { tests: TestCase[]; setup: string } {
  const statements = pyStatements(text);
  const setup: string[] = [];
  let checkBody: string | undefined;
  for (const s of statements) {
    const m = s.match(/^def\s+check\s*\(\s*(\w+)\s*\)\s*:[^\n]*\n([\s\S]*)$/);
    if (m && checkBody === undefined) {
      checkBody = `${m[1]} = ${entryPoint}\n` + dedent(m[2]);
      continue;
    }
    if (/^check\s*\(/.test(s)) continue;
    setup.push(s);
  }
  if (checkBody === undefined) return { tests: splitPythonAsserts(text), setup: "" };
  return { tests: splitPythonAsserts(checkBody), setup: setup.join("\n\n") };
}

function splitPythonAsserts(body: string): TestCase[] {
  const statements = pyStatements(body);
  const shared: string[] = [];
  const tests: TestCase[] = [];
  let group: string[] = [];
  let sawAssert = false;
  for (const s of statements) {
    const isAssert = /(^|\n)\s*assert\b/.test(s);
    if (!sawAssert && !isAssert && /^\w+\s*=\s*[\w.]+\s*$/.test(s) && group.length === 0) {
      shared.push(s);
      continue;
    }
    group.push(s);
    if (isAssert) {
      sawAssert = true;
      tests.push({ name: `assertion ${tests.length + 1}`, code: [...shared, ...group].join("\n") });
      group = [];
    }
  }
  return tests;
}

/**
 * Splits a pytest module into its `test_*` functions (name = function name, code = the body, or the
 * whole definition when it is decorated, async or takes fixtures) and the rest (setup).
 */
export function splitPytestModule(text: string): { tests: TestCase[]; setup: string } {
  const statements = pyStatements(text);
  const tests: TestCase[] = [];
  const setup: string[] = [];
  for (const s of statements) {
    const m = s.match(/^def\s+(test\w*)\s*\(\s*\)\s*(->\s*[^:]+)?:[^\n]*\n([\s\S]*)$/);
    if (m) {
      tests.push({ name: m[1], code: dedent(m[3]) });
      continue;
    }
    const full = s.match(/^(?:@[^\n]*\n)*\s*(?:async\s+)?def\s+(test\w*)\s*\(/);
    if (full) {
      tests.push({ name: full[1], code: s });
      continue;
    }
    setup.push(s);
  }
  return { tests: uniqueNames(tests), setup: setup.join("\n\n") };
}

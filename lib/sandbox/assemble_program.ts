/**
 * Turning an answer into a runnable program. An answer is either a whole program that defines the
 * entry point, or a body that completes the prompt (MBXP/HumanEval style: the prompt ends with an open
 * function body). The code is first extracted from any Markdown around it.
 *
 * @module
 */
import type { CodingItem } from "../schemas/coding.ts";
import { skipComment } from "../util/skip_comment.ts";
import { extractCode } from "./extract_code.ts";

/** Which kind of answer it was. */
export type AnswerShape = "program" | "body";

/** An assembled program. */
export interface AssembledProgram {
  /** The whole program to run. */
  program: string;
  /** Whether the answer was a whole program or a body completing the prompt. */
  shape: AnswerShape;
  /** The code extracted from the answer. */
  code: string;
}

/** The parts of an item that assembly needs. */
export type AssemblyItem = Pick<CodingItem, "entryPoint" | "language" | "metadata">;

/**
 * The open-body code prompt of an item (`metadata.codePrompt`), when it has one: the text a body
 * answer completes.
 *
 * @param item The item.
 * @returns The code prompt, or undefined.
 *
 * @example An MBXP-style item
 * ```ts
 * import { codePromptOf } from "./assemble_program.ts";
 * const item = { entryPoint: "f", language: "typescript" as const, metadata: { codePrompt: "function f() {\n" } };
 * if (codePromptOf(item) !== "function f() {\n") throw new Error();
 * ```
 */
export function codePromptOf(item: AssemblyItem): string | undefined {
  const p = item.metadata?.codePrompt;
  return typeof p === "string" && p.trim() !== "" ? p : undefined;
}

/**
 * Decides whether code is a whole program (it defines the entry point) or a body completing the
 * item's open code prompt.
 *
 * @param code Extracted code.
 * @param item The item (entry point, language, optional `metadata.codePrompt`).
 * @returns `"program"` or `"body"`.
 *
 * @example A body and a program
 * ```ts
 * import { detectAnswerShape } from "./assemble_program.ts";
 * const item = { entryPoint: "f", language: "typescript" as const, metadata: { codePrompt: "function f(x: number) {\n" } };
 * if (detectAnswerShape("  return x + 1;\n}", item) !== "body") throw new Error();
 * if (detectAnswerShape("function f(x: number) { return x; }", item) !== "program") throw new Error();
 * ```
 */
export function detectAnswerShape(code: string, item: AssemblyItem): AnswerShape {
  if (definesEntry(code, item.entryPoint, item.language ?? "typescript")) return "program";
  const prompt = codePromptOf(item);
  if (prompt && opensBody(prompt, item.language ?? "typescript")) return "body";
  return "program";
}

/**
 * Extracts the code from an answer and assembles the program to run: a whole program is used as is
 * (with the prompt's import lines prepended when the answer dropped them); a body is appended to the
 * open code prompt and, for TypeScript, the braces it left open are closed.
 *
 * @param item The item.
 * @param answer The model's answer (Markdown allowed).
 * @returns The program, its shape and the extracted code.
 *
 * @example Completing an open body
 * ```ts
 * import { assembleProgram } from "./assemble_program.ts";
 * const item = { entryPoint: "inc", language: "typescript" as const, metadata: { codePrompt: "const inc = function (x: number): number {\n" } };
 * const fence = "`".repeat(3);
 * const { program, shape } = assembleProgram(item, `${fence}ts\n  return x + 1;\n${fence}`);
 * if (shape !== "body" || !program.trimEnd().endsWith("}")) throw new Error(program);
 * ```
 */
export function assembleProgram(item: AssemblyItem, answer: string): AssembledProgram {
  if (!item || typeof item.entryPoint !== "string" || item.entryPoint === "") {
    throw new TypeError(
      `Cannot assemble a program without an entry point: current value is ${item?.entryPoint}`,
    );
  }
  const language = item.language ?? "typescript";
  const code = extractCode(answer, { language, entryPoint: item.entryPoint });
  const shape = detectAnswerShape(code, item);
  const prompt = codePromptOf(item);
  if (shape === "body" && prompt) {
    if (language === "python") {
      const body = /^\s/.test(code)
        ? code
        : code.split("\n").map((l) => (l ? "    " + l : l)).join("\n");
      return { program: `${prompt.replace(/\s*$/, "\n")}${body}\n`, shape, code };
    }
    let program = `${prompt}${prompt.endsWith("\n") ? "" : "\n"}${code}\n`;
    const open = openBraces(program);
    if (open > 0) program += "}".repeat(open) + "\n";
    return { program, shape, code };
  }
  let program = code;
  if (prompt && language === "typescript") {
    const missing = importLines(prompt).filter((line) => !program.includes(line.trim()));
    if (missing.length > 0) program = `${missing.join("\n")}\n${program}`;
  }
  return { program: program.endsWith("\n") ? program : program + "\n", shape, code };
}

function definesEntry(code: string, entry: string, language: "typescript" | "python"): boolean {
  const e = entry.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (language === "python") {
    return new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${e}\\b|^${e}\\s*=`, "m").test(code);
  }
  return new RegExp(
    `\\b(function\\*?|class)\\s+${e}\\b|\\b(const|let|var)\\s+${e}\\b|\\bexport\\s*\\{[^}]*\\b${e}\\b`,
  ).test(code);
}

function opensBody(prompt: string, language: "typescript" | "python"): boolean {
  const code = stripComments(prompt).trimEnd();
  if (language === "python") return /:\s*$/.test(code) || /("""|''')\s*$/.test(prompt.trimEnd());
  return code.endsWith("{") || openBraces(prompt) > 0;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function importLines(prompt: string): string[] {
  return prompt.split("\n").filter((l) => /^\s*import\s.+from\s+['"][^'"]+['"]\s*;?\s*$/.test(l));
}

/**
 * Counts unclosed `{` in TypeScript source, skipping strings, template literals (with nested `${}`)
 * and comments. Regular-expression literals are not parsed (a brace inside one may miscount).
 */
function openBraces(src: string): number {
  let depth = 0;
  const templateStack: number[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      i = afterComment;
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== "\n") i += src[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "`" || (c === "}" && templateStack.length > 0 && templateStack.at(-1) === depth)) {
      if (c === "}") templateStack.pop();
      i++;
      while (i < src.length) {
        if (src[i] === "\\") {
          i += 2;
          continue;
        }
        if (src[i] === "`") {
          i++;
          break;
        }
        if (src[i] === "$" && src[i + 1] === "{") {
          templateStack.push(depth);
          i += 2;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    i++;
  }
  return depth;
}

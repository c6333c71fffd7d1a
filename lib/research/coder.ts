/**
 * Applying an idea to a workspace: the built-in coder writes full files or applies unified diffs
 * (strictly, see `unified_diff.ts`); the agent coder runs an external command template such as
 * `claude -p {prompt}` in the workspace and lets it edit the files itself. Either way the loop then
 * inspects what actually changed in git, so a coder can never smuggle in an unchecked edit.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { applyFilePatch, DiffError, parseUnifiedDiff } from "./unified_diff.ts";
import { RESEARCH_AGENT_CODER_PROMPT } from "./prompts.ts";
import { runCommand, type RunResult, tailLines } from "./runner.ts";
import type { Edit, Idea } from "./schemas.ts";
import { readTextIfExists } from "../util/jsonl.ts";

/** An edit that cannot be applied (bad path, mismatched hunk, failed agent). */
export class EditError extends Error {
  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param options Cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "EditError";
  }
}

/** Options for {@linkcode applyEdits}. */
export interface ApplyEditsOptions {
  /** Directory edit paths are relative to (problem.yaml's directory in the workspace). */
  baseDir: string;
  /** Edits must stay inside this directory (the workspace root). @default baseDir */
  rootDir?: string;
}

function resolveInside(baseDir: string, rootDir: string, file: string): string {
  const path = resolve(baseDir, file);
  const rel = relative(rootDir, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new EditError(`edit path ${JSON.stringify(file)} is outside the workspace`);
  }
  return path;
}

async function readOrEmpty(path: string): Promise<string> {
  return (await readTextIfExists(path)) ?? "";
}

/**
 * Applies edits (full contents or unified diffs) to files under `baseDir`. All diffs are checked
 * before anything is written, so a failing hunk leaves the files untouched.
 *
 * @param edits The edits.
 * @param options Base and root directories.
 * @returns Absolute paths written or deleted.
 * @throws {EditError} on a path outside the root or a diff that does not apply.
 *
 * @example Apply a diff
 * ```ts
 * import { applyEdits } from "./coder.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "one\ntwo\n");
 * await applyEdits([{ file: "a.txt", format: "diff", content: "@@ -1,2 +1,2 @@\n one\n-two\n+2\n" }], {
 *   baseDir: dir,
 * });
 * if (await Deno.readTextFile(`${dir}/a.txt`) !== "one\n2\n") throw new Error();
 * ```
 */
export async function applyEdits(
  edits: readonly Edit[],
  options: ApplyEditsOptions,
): Promise<string[]> {
  if (!Array.isArray(edits)) throw new TypeError("applyEdits: edits must be an array");
  const baseDir = options.baseDir;
  const rootDir = options.rootDir ?? baseDir;
  const writes = new Map<string, string | null>(); // null = delete
  for (const edit of edits) {
    if (edit.format === "full") {
      writes.set(resolveInside(baseDir, rootDir, edit.file), edit.content);
      continue;
    }
    let patches;
    try {
      patches = parseUnifiedDiff(edit.content);
    } catch (error) {
      throw new EditError(`diff for ${edit.file}: ${(error as Error).message}`, { cause: error });
    }
    for (const patch of patches) {
      const named = patch.newPath !== "/dev/null" ? patch.newPath : patch.oldPath;
      const file = patches.length === 1 || !named ? edit.file : named;
      const path = resolveInside(baseDir, rootDir, file);
      const current = writes.has(path) ? writes.get(path) ?? "" : await readOrEmpty(path);
      try {
        const next = applyFilePatch(current, patch);
        writes.set(path, patch.newPath === "/dev/null" ? null : next);
      } catch (error) {
        if (error instanceof DiffError) {
          throw new EditError(`diff for ${file}: ${error.message}`, { cause: error });
        }
        throw error;
      }
    }
  }
  for (const [path, content] of writes) {
    if (content === null) await Deno.remove(path).catch(() => {});
    else {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeTextFile(path, content);
    }
  }
  return [...writes.keys()];
}

/** Options for {@linkcode runAgentCoder}. */
export interface AgentCoderOptions {
  /** Workspace directory the agent runs in (problem.yaml's directory). */
  cwd: string;
  /** The objective. */
  objective: string;
  /** Mutable paths. */
  files: readonly string[];
  /** Read-only contract paths. */
  readonly: readonly string[];
  /** Hard timeout in milliseconds. @default 900000 */
  timeoutMs?: number;
  /** Log file. @default undefined */
  logPath?: string;
  /** Abort signal. @default undefined */
  signal?: AbortSignal;
}

/**
 * Renders the external agent's prompt ({@linkcode RESEARCH_AGENT_CODER_PROMPT}) and substitutes `{prompt}`,
 * `{idea}` and `{files}` in the argv template.
 *
 * @param template argv template, e.g. `["claude", "-p", "{prompt}"]`.
 * @param idea The idea to implement.
 * @param options Objective and file lists.
 * @returns The argv.
 *
 * @example Substitute the prompt
 * ```ts
 * import { renderAgentCommand } from "./coder.ts";
 * const argv = renderAgentCommand(["agent", "-p", "{prompt}"], {
 *   title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0, risk: "low",
 *   edits: [], instructions: "use 2-opt",
 * }, { objective: "short tours", files: ["solution.ts"], readonly: ["evaluate.ts"] });
 * if (!argv[2].includes("use 2-opt") || !argv[2].includes("solution.ts")) throw new Error();
 * ```
 */
export function renderAgentCommand(
  template: readonly string[],
  idea: Idea,
  options: Pick<AgentCoderOptions, "objective" | "files" | "readonly">,
): string[] {
  if (!Array.isArray(template) || template.length === 0) {
    throw new TypeError("renderAgentCommand: template must be a non-empty array");
  }
  const ideaJson = JSON.stringify(idea, null, 2);
  const prompt = RESEARCH_AGENT_CODER_PROMPT
    .replace("{objective}", () => options.objective)
    .replace("{files}", () => options.files.join(", "))
    .replace("{readonly}", () => options.readonly.join(", ") || "(none)")
    .replace("{idea}", () => ideaJson);
  // Function replacements: `$&`-style patterns in the texts must stay literal.
  return template.map((arg) =>
    arg.replaceAll("{prompt}", () => prompt).replaceAll("{idea}", () => ideaJson)
      .replaceAll("{files}", () => options.files.join(" "))
  );
}

/**
 * Runs an external coding agent on an idea. The agent edits files in `cwd` itself.
 *
 * @param template argv template.
 * @param idea The idea.
 * @param options Workspace, objective, files, timeout, log, signal.
 * @returns The run result.
 * @throws {EditError} when the agent times out or exits non-zero.
 *
 * @example An "agent" that writes a file
 * ```ts
 * import { runAgentCoder } from "./coder.ts";
 * const dir = await Deno.makeTempDir();
 * await runAgentCoder(["sh", "-c", "echo changed > out.txt"], {
 *   title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0, risk: "low",
 *   edits: [], instructions: "x",
 * }, { cwd: dir, objective: "o", files: ["out.txt"], readonly: [] });
 * if ((await Deno.readTextFile(`${dir}/out.txt`)).trim() !== "changed") throw new Error();
 * ```
 */
export async function runAgentCoder(
  template: readonly string[],
  idea: Idea,
  options: AgentCoderOptions,
): Promise<RunResult> {
  const argv = renderAgentCommand(template, idea, options);
  const result = await runCommand(argv, {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs ?? 900_000,
    logPath: options.logPath,
    signal: options.signal,
  });
  if (result.timedOut || result.code !== 0) {
    const why = result.timedOut ? "timed out" : `exited with ${result.code ?? result.signal}`;
    throw new EditError(
      `agent coder ${why}: ${tailLines(result.stderr || result.stdout, 5)}`,
    );
  }
  return result;
}

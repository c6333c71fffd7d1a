/**
 * Arm files: arms written as data (YAML or JSON) so a researcher adds an arm without code.
 *
 * ```yaml
 * arms:
 *   - { name: intrinsic, critic: self, stop: critic_done, rounds: 2 }
 *   - { name: oracle_stop, critic: self, stop: oracle, rounds: 2 }   # labelled: sees the answer key
 *   - { name: self_consistency, solver: vote, matchBudgetOf: intrinsic }
 * ```
 *
 * Each entry is an {@linkcode ArmInput}: part names are checked against the registry when the arms
 * are resolved, and an unknown field or part is an error naming the file, line and field.
 *
 * @module
 */
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { InputError, readTextInput } from "../util/jsonl.ts";
import { type ArmInput, ArmInputSchema } from "./arms.ts";

/** One arm of an arm file, with the line it starts on. */
export interface ArmFileEntry {
  /** The arm as written. */
  arm: ArmInput;
  /** 1-based line of the entry in the file. */
  line: number;
}

/**
 * Parses an arm file's text: a mapping with an `arms` list (or a bare list) of arm objects.
 *
 * @param text YAML or JSON text.
 * @param file The file name for errors.
 * @returns The entries, in file order.
 * @throws {InputError} naming the file, line and field of the first problem.
 *
 * @example
 * ```ts
 * import { parseArmFile } from "./arm_file.ts";
 * const entries = parseArmFile("arms:\n  - { name: intrinsic, critic: self, rounds: 2 }\n", "a.yaml");
 * if (entries[0].arm.critic !== "self" || entries[0].line !== 2) throw new Error();
 * ```
 */
export function parseArmFile(text: string, file: string): ArmFileEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new InputError(file, `invalid YAML: ${e.message.split("\n")[0]}`, {
      line: lineCounter.linePos(e.pos[0]).line,
    });
  }
  const root = doc.contents;
  const list = isSeq(root) ? root : isMap(root) ? root.get("arms", true) : undefined;
  if (!isSeq(list)) {
    throw new InputError(file, "expected a list of arms under `arms:`", { field: "arms" });
  }
  return list.items.map((node, i) => {
    const start = (node as { range?: readonly number[] | null }).range?.[0];
    const line = start === undefined ? 1 : lineCounter.linePos(start).line;
    const value = (node as { toJSON?: () => unknown }).toJSON?.() ?? node;
    const parsed = ArmInputSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(file, issue.message, {
        line,
        field: `arms[${i}]${issue.path.length ? "." + issue.path.join(".") : ""}`,
      });
    }
    return { arm: parsed.data, line };
  });
}

/**
 * Reads and parses an arm file.
 *
 * @param path The file.
 * @returns The entries, in file order.
 * @throws {InputError} for a missing file or a bad entry (file, line, field).
 *
 * @example
 * ```ts
 * import { loadArmFile } from "./arm_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(path, "arms:\n  - name: sc\n    solver: vote\n    n: 5\n");
 * if ((await loadArmFile(path))[0].arm.n !== 5) throw new Error();
 * ```
 */
export async function loadArmFile(path: string): Promise<ArmFileEntry[]> {
  return parseArmFile(await readTextInput(path), path);
}

/**
 * Benchmark arms: the configurations compared in an ablation. An arm is data — a composition of
 * named parts (solver, critic, gate, stop rule, budget; see `parts.ts`) — so a run's manifest
 * records exactly what ran, and a YAML arm file can add arms without code.
 *
 * @module
 */
import { z } from "zod";
import type { Assignable, Schema } from "../schemas/schema.ts";
import { type ArmParts, armParts, BUILTIN_PARTS } from "./parts.ts";

/** One benchmark arm (all defaults applied): a composition of named parts (see `parts.ts`). */
export interface Arm {
  /** Unique label used in outputs. */
  name: string;
  /** How the parts run: `single`, `loop`, `best_of_n`, `vote`, `trajectory`, or a user's solver. */
  solver: string;
  /** The arm's role in comparisons, from its solver: baseline, treatment loop, or control. */
  kind: "baseline" | "loop" | "control";
  /** Who writes the feedback: `none`, `self`, `other`, `llm`, `tests`, `tests_anchor`, `hybrid`, `oracle`, …. */
  critic: string;
  /** What decides keep/revert: `none` (every revision kept), `visible_tests`, `judge`, `hidden_tests`, `oracle`, …. */
  gate: string;
  /** When the loop stops: `gate` (the gate passes), `critic_done`, `oracle`, …. */
  stop: string;
  /** Which model plays the `llm` critic and the `judge` gate/selector: the student's or the judge's. */
  judge: "symmetric" | "asymmetric";
  /** Maximum revision rounds (loops). */
  rounds: number;
  /** For controls: match the student-call budget of this arm, item by item. */
  matchBudgetOf?: string;
  /** For controls: a fixed sample count when `matchBudgetOf` is absent. */
  n?: number;
  /** For best-of-n: the gate part that picks the best sample (never one that sees the answer key). */
  selectBy: string;
  /** Short human description for reports. */
  description: string;
}

/** An arm as written by a user (code, YAML or JSON): only `name` is required. */
export type ArmInput = Pick<Arm, "name"> & Partial<Omit<Arm, "name" | "kind">>;

const armInputSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]+$/i, "arm names use letters, digits, - and _"),
  solver: z.string().min(1).optional(),
  critic: z.string().min(1).optional(),
  gate: z.string().min(1).optional(),
  stop: z.string().min(1).optional(),
  judge: z.enum(["symmetric", "asymmetric"]).optional(),
  rounds: z.number().int().min(0).optional(),
  matchBudgetOf: z.string().optional(),
  n: z.number().int().positive().optional(),
  selectBy: z.string().min(1).optional(),
  description: z.string().optional(),
}).strict();
const _armInput: Assignable<z.infer<typeof armInputSchema>, ArmInput> = true;
/** Validates an arm as written by a user (unknown fields are refused). */
export const ArmInputSchema: Schema<ArmInput> = armInputSchema;

/** Validates a full arm (all defaults applied), e.g. the arms a manifest records. */
export const ArmSchema: Schema<Arm> = z.object({
  name: z.string(),
  solver: z.string(),
  kind: z.enum(["baseline", "loop", "control"]),
  critic: z.string(),
  gate: z.string(),
  stop: z.string(),
  judge: z.enum(["symmetric", "asymmetric"]),
  rounds: z.number().int().min(0),
  matchBudgetOf: z.string().optional(),
  n: z.number().int().positive().optional(),
  selectBy: z.string(),
  description: z.string(),
});

/** The built-in arms, by name: compositions of built-in parts. */
export const ARM_PRESETS: Readonly<Record<string, ArmInput>> = {
  baseline: { name: "baseline", solver: "single", description: "one answer, no critique" },
  tests: {
    name: "tests",
    critic: "tests",
    gate: "visible_tests",
    description: "test-grounded critic: visible-test failures drive revision; hidden tests score",
  },
  tests_anchor: {
    name: "tests_anchor",
    critic: "tests_anchor",
    gate: "hidden_tests",
    description: "anchor protocol (same tests give feedback, gate and score): cannot go negative",
  },
  judge_symmetric: {
    name: "judge_symmetric",
    critic: "llm",
    gate: "judge",
    judge: "symmetric",
    description: "the student's own model critiques and judges",
  },
  judge_asymmetric: {
    name: "judge_asymmetric",
    critic: "llm",
    gate: "judge",
    judge: "asymmetric",
    description: "a separate (stronger) judge model critiques and judges",
  },
  hybrid: {
    name: "hybrid",
    critic: "hybrid",
    gate: "visible_tests",
    description: "test feedback plus an LLM critic's reading of it",
  },
  intrinsic: {
    name: "intrinsic",
    critic: "self",
    stop: "critic_done",
    rounds: 2,
    description: "intrinsic self-correction: the model critiques itself, every revision is kept",
  },
  oracle_stop: {
    name: "oracle_stop",
    critic: "self",
    stop: "oracle",
    rounds: 2,
    description: "self-critique, but stops as soon as the answer key says right (oracle stopping)",
  },
  critic_other: {
    name: "critic_other",
    critic: "other",
    stop: "critic_done",
    rounds: 2,
    description: "asymmetric critic: another model critiques, every revision is kept",
  },
  best_of_n: {
    name: "best_of_n",
    solver: "best_of_n",
    matchBudgetOf: "tests",
    description:
      "same-budget control: as many samples as the loop used, best by visible tests (code) or the judge",
  },
  trajectory: {
    name: "trajectory",
    solver: "trajectory",
    description:
      "recorded attempts (answers:FILE) scored first to final: Δ, flips and the per-attempt curve",
  },
  self_consistency: {
    name: "self_consistency",
    solver: "vote",
    matchBudgetOf: "intrinsic",
    description: "same-budget self-consistency: as many samples as the loop used, majority answer",
  },
};

/** The arms a `--critique-mode` flag selects (code tasks). */
export const CRITIQUE_MODES: Readonly<Record<string, string[]>> = {
  tests: ["baseline", "tests", "best_of_n"],
  judge: ["baseline", "judge_symmetric", "judge_asymmetric", "best_of_n"],
  hybrid: ["baseline", "hybrid", "best_of_n"],
  all: ["baseline", "tests", "judge_symmetric", "judge_asymmetric", "best_of_n"],
};

/** The default arms of each task kind (answer: the self-correction ablation of Huang et al.). */
export const DEFAULT_ARMS: Readonly<Record<string, readonly string[]>> = {
  code: CRITIQUE_MODES.all,
  answer: [
    "baseline",
    "intrinsic",
    "oracle_stop",
    "critic_other",
    "judge_symmetric",
    "judge_asymmetric",
    "self_consistency",
    "best_of_n",
  ],
  open: [
    "baseline",
    "intrinsic",
    "critic_other",
    "judge_symmetric",
    "judge_asymmetric",
    "best_of_n",
  ],
};

/** Options for {@linkcode resolveArms}. */
export interface ResolveArmsOptions {
  /** Rounds for every loop arm. @default each arm's own (3, or the preset's) */
  rounds?: number;
  /** The task kind the arms will run on; parts that do not fit it are refused. @default "code" */
  taskKind?: string;
  /** The part registry (built-ins plus a user's own, see `withParts`). @default the built-ins */
  parts?: ArmParts;
}

/** Applies defaults to one validated input: the solver follows the critic, the stop the gate. */
function withDefaults(input: ArmInput, taskKind: string, parts: ArmParts): Arm {
  const critic = input.critic ?? "none";
  const solver = input.solver ?? (critic === "none" ? "single" : "loop");
  const gate = input.gate ?? "none";
  const known = parts.solvers[solver];
  if (!known) {
    throw new TypeError(
      `Cannot resolve arm "${input.name}": unknown solver "${solver}" (known: ${
        Object.keys(parts.solvers).join(", ")
      })`,
    );
  }
  return {
    name: input.name,
    solver,
    kind: known.kind,
    critic,
    gate,
    stop: input.stop ?? (gate === "none" ? "critic_done" : "gate"),
    judge: input.judge ?? "symmetric",
    rounds: input.rounds ?? 3,
    ...(input.matchBudgetOf !== undefined ? { matchBudgetOf: input.matchBudgetOf } : {}),
    ...(input.n !== undefined ? { n: input.n } : {}),
    selectBy: input.selectBy ?? (taskKind === "code" ? "visible_tests" : "judge"),
    description: input.description ?? "",
  };
}

/** Refuses compositions that cannot run or would measure dishonestly. */
function checkArm(arm: Arm, taskKind: string, parts: ArmParts): void {
  const fail = (why: string): never => {
    throw new TypeError(`Cannot resolve arm "${arm.name}": ${why}`);
  };
  for (const use of armParts(arm, parts)) {
    const fits = use.part.tasks;
    if (fits && !fits.includes(taskKind)) {
      fail(`${use.slot} "${use.name}" works on ${fits.join("/")} tasks, not ${taskKind}`);
    }
    if (use.slot === "selectBy" && use.part.seesAnswerKey) {
      fail(`selectBy "${use.name}" sees the answer key; a control never selects by it`);
    }
  }
  if (arm.kind === "loop" && arm.critic === "none") fail("a loop needs a critic");
  if (arm.solver === "best_of_n" && arm.selectBy === "none") fail('selectBy "none" picks nothing');
  if (arm.gate === "none" && arm.stop === "gate") fail('stop "gate" needs a gate (not "none")');
}

/**
 * Turns arm names (presets) or arm objects into validated arms with every default applied. A
 * control's `matchBudgetOf` falls back to the first loop arm when the named one is not in the list.
 *
 * @param arms Names of presets or arm objects.
 * @param options Rounds override, task kind, part registry.
 * @returns Validated arms.
 * @throws {TypeError} for an unknown preset or part (listing the known ones), a part that does not
 *   fit the task, duplicate names, or a control without a loop arm to match.
 *
 * @example
 * ```ts
 * import { resolveArms } from "./arms.ts";
 * const arms = resolveArms(["baseline", "tests", "best_of_n"], { rounds: 2 });
 * if (arms[1].rounds !== 2 || arms[2].matchBudgetOf !== "tests" || arms[2].kind !== "control") {
 *   throw new Error();
 * }
 * const [intrinsic] = resolveArms([{ name: "mine", critic: "self" }], { taskKind: "answer" });
 * if (intrinsic.solver !== "loop" || intrinsic.gate !== "none" || intrinsic.stop !== "critic_done") {
 *   throw new Error();
 * }
 * ```
 */
export function resolveArms(
  arms: readonly (string | ArmInput)[],
  options: ResolveArmsOptions = {},
): Arm[] {
  const taskKind = options.taskKind ?? "code";
  const parts = options.parts ?? BUILTIN_PARTS;
  const out = arms.map((a) => {
    const input = typeof a === "string" ? ARM_PRESETS[a] : a;
    if (!input) {
      throw new TypeError(
        `Cannot resolve arm "${a}": known arms are ${Object.keys(ARM_PRESETS).join(", ")}`,
      );
    }
    const parsed = ArmInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot resolve arm ${JSON.stringify((input as ArmInput).name ?? a)}: ${
          issue.path.join(".") || "arm"
        }: ${issue.message}`,
      );
    }
    const arm = withDefaults(parsed.data, taskKind, parts);
    if (options.rounds !== undefined && arm.kind === "loop") arm.rounds = options.rounds;
    return arm;
  });
  const names = new Set<string>();
  for (const arm of out) {
    if (names.has(arm.name)) throw new TypeError(`Cannot use arm "${arm.name}" twice`);
    names.add(arm.name);
  }
  for (const arm of out) {
    checkArm(arm, taskKind, parts);
    if (arm.kind !== "control" || arm.n !== undefined) continue;
    const target = out.find((a) => a.name === arm.matchBudgetOf && a.kind === "loop") ??
      out.find((a) => a.kind === "loop");
    if (!target) {
      throw new TypeError(
        `Cannot budget-match arm "${arm.name}": no loop arm in the list and no fixed n`,
      );
    }
    arm.matchBudgetOf = target.name;
  }
  return out;
}

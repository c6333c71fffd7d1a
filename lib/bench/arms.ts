/**
 * Benchmark arms: the configurations compared in an ablation. An arm is data (a zod schema), so a
 * run's manifest records exactly what ran.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";

/** One benchmark arm (all defaults applied). */
export interface Arm {
  /** Unique label used in outputs. */
  name: string;
  /** `baseline`: one answer; `loop`: critique–revision loop; `best_of_n`: the same-budget control. */
  kind: "baseline" | "loop" | "best_of_n";
  /** Who writes the feedback the student revises from. */
  critic: "none" | "tests" | "tests_anchor" | "llm" | "hybrid";
  /** The ratchet's signal. `hidden_tests` is the anchor protocol: Δ cannot go negative. */
  gate: "none" | "visible_tests" | "judge" | "hidden_tests";
  /** Critic and judge use the student's model (symmetric) or the judge provider (asymmetric). */
  judge: "symmetric" | "asymmetric";
  /** Maximum revision rounds (loops). */
  rounds: number;
  /** For best-of-n: match the student-call budget of this loop arm, item by item. */
  matchBudgetOf?: string;
  /** For best-of-n: a fixed sample count when `matchBudgetOf` is absent. */
  n?: number;
  /** For best-of-n: how the best sample is picked (never by hidden tests). */
  selectBy: "visible_tests" | "judge";
  /** Short human description for reports. */
  description: string;
}

/** An arm as written by a user: only `name` and `kind` are required. */
export type ArmInput =
  & Pick<Arm, "name" | "kind">
  & Partial<Omit<Arm, "name" | "kind">>;

const armSchema = z.object({
  /** Unique label used in outputs. */
  name: z.string().regex(/^[a-z0-9_-]+$/i, "arm names use letters, digits, - and _"),
  /**
   * `baseline`: one answer. `loop`: critique–revision loop. `best_of_n`: the same-budget control —
   * as many independent student samples as a loop arm used, selected by `selectBy`.
   */
  kind: z.enum(["baseline", "loop", "best_of_n"]),
  /** Who writes the feedback the student revises from. */
  critic: z.enum(["none", "tests", "tests_anchor", "llm", "hybrid"]).default("none"),
  /**
   * The ratchet's signal: visible tests, the judge's verdict score, or (anchor protocol only) the
   * hidden tests themselves — which makes Δ non-negative by construction.
   */
  gate: z.enum(["none", "visible_tests", "judge", "hidden_tests"]).default("none"),
  /** Which model plays critic and judge: the student's own (symmetric) or the judge provider. */
  judge: z.enum(["symmetric", "asymmetric"]).default("symmetric"),
  /** Maximum revision rounds (loops). */
  rounds: z.number().int().min(0).default(3),
  /** For best-of-n: match the student-call budget of this loop arm, item by item. */
  matchBudgetOf: z.string().optional(),
  /** For best-of-n: a fixed sample count when `matchBudgetOf` is absent. */
  n: z.number().int().positive().optional(),
  /** For best-of-n: how the best sample is picked (never by hidden tests). */
  selectBy: z.enum(["visible_tests", "judge"]).default("visible_tests"),
  /** Short human description for reports. */
  description: z.string().default(""),
});
const _arm: Equals<z.infer<typeof armSchema>, Arm> = true;
/** Validates an arm and applies its defaults. */
export const ArmSchema: Schema<Arm, ArmInput> = armSchema;

/** The built-in arms, by name. */
export const ARM_PRESETS: Readonly<Record<string, ArmInput>> = {
  baseline: { name: "baseline", kind: "baseline", description: "one answer, no critique" },
  tests: {
    name: "tests",
    kind: "loop",
    critic: "tests",
    gate: "visible_tests",
    description: "test-grounded critic: visible-test failures drive revision; hidden tests score",
  },
  tests_anchor: {
    name: "tests_anchor",
    kind: "loop",
    critic: "tests_anchor",
    gate: "hidden_tests",
    description: "anchor protocol (same tests give feedback, gate and score): cannot go negative",
  },
  judge_symmetric: {
    name: "judge_symmetric",
    kind: "loop",
    critic: "llm",
    gate: "judge",
    judge: "symmetric",
    description: "the student's own model critiques and judges",
  },
  judge_asymmetric: {
    name: "judge_asymmetric",
    kind: "loop",
    critic: "llm",
    gate: "judge",
    judge: "asymmetric",
    description: "a separate (stronger) judge model critiques and judges",
  },
  hybrid: {
    name: "hybrid",
    kind: "loop",
    critic: "hybrid",
    gate: "visible_tests",
    description: "test feedback plus an LLM critic's reading of it",
  },
  best_of_n: {
    name: "best_of_n",
    kind: "best_of_n",
    matchBudgetOf: "tests",
    selectBy: "visible_tests",
    description:
      "same-budget control: as many samples as the tests loop used, best by visible tests",
  },
};

/** The arms a `--critique-mode` flag selects. */
export const CRITIQUE_MODES: Readonly<Record<string, string[]>> = {
  tests: ["baseline", "tests", "best_of_n"],
  judge: ["baseline", "judge_symmetric", "judge_asymmetric", "best_of_n"],
  hybrid: ["baseline", "hybrid", "best_of_n"],
  all: ["baseline", "tests", "judge_symmetric", "judge_asymmetric", "best_of_n"],
};

/** Options for {@linkcode resolveArms}. */
export interface ResolveArmsOptions {
  /** Rounds for every loop arm. @default each arm's own (3) */
  rounds?: number;
}

/**
 * Turns arm names (presets) or arm objects into validated arms. The best-of-n control's
 * `matchBudgetOf` falls back to the first loop arm when the named one is not in the list.
 *
 * @param arms Names of presets or arm objects.
 * @param options Rounds override.
 * @returns Validated arms.
 * @throws {TypeError} for an unknown preset name, duplicate names, or a control without a loop arm.
 *
 * @example
 * ```ts
 * import { resolveArms } from "./arms.ts";
 * const arms = resolveArms(["baseline", "tests", "best_of_n"], { rounds: 2 });
 * if (arms[1].rounds !== 2 || arms[2].matchBudgetOf !== "tests") throw new Error();
 * ```
 */
export function resolveArms(
  arms: readonly (string | ArmInput)[],
  options: ResolveArmsOptions = {},
): Arm[] {
  const out = arms.map((a) => {
    const input = typeof a === "string" ? ARM_PRESETS[a] : a;
    if (!input) {
      throw new TypeError(
        `Cannot resolve arm "${a}": known arms are ${Object.keys(ARM_PRESETS).join(", ")}`,
      );
    }
    const arm = ArmSchema.parse(input);
    if (options.rounds !== undefined && arm.kind === "loop") arm.rounds = options.rounds;
    return arm;
  });
  const names = new Set<string>();
  for (const arm of out) {
    if (names.has(arm.name)) throw new TypeError(`Cannot use arm "${arm.name}" twice`);
    names.add(arm.name);
  }
  for (const arm of out) {
    if (arm.kind !== "best_of_n" || arm.n !== undefined) continue;
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

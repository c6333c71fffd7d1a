/**
 * The small named parts an arm is composed of: a critic (who writes feedback), a gate (what decides
 * keep/revert), a stop rule (when the loop ends) and a solver (how the parts run: one answer, a
 * critique–revision loop, best-of-n, a majority vote). Arms name their parts; the registry turns
 * names into behaviour. A user adds a part by passing it in `parts` — nothing in `lib/` changes.
 *
 * Every part says which task kinds it fits and whether it sees the answer key; any arm with such a
 * part is flagged as an oracle/anchor protocol in the manifest, summary, report and plots.
 *
 * @module
 */
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import type { Critic, Scorer } from "../loop/types.ts";
import { llmCritic } from "../loop/llm_critic.ts";
import { anchorTestsCritic, testsCritic } from "../critics/tests_critic.ts";
import { hybridCritic } from "../critics/hybrid_critic.ts";
import { testScorer } from "../critics/test_scorer.ts";
import { oracleScorer, type Task } from "../tasks/task.ts";
import type { Arm } from "./arms.ts";
import type { Solver } from "./solvers.ts";
import { BUILTIN_SOLVERS } from "./solvers.ts";

/** What a part's factory is given. */
export interface PartContext {
  /** The task (items, scorer, offered scorers, runner). */
  task: Task;
  /** The arm being built. */
  arm: Arm;
  /** The constitution LLM critics and judges apply. */
  constitution: Constitution;
  /** The student's model. */
  student: Provider;
  /** The model the arm's LLM critic/judge uses: the student's (symmetric) or the judge's. */
  judge: Provider;
  /** The other (judge) model, or the student's when the run has none. */
  other: Provider;
  /**
   * Recorded attempts per item id, first to last (an answers file's trajectories), for the
   * `trajectory` solver. @default undefined
   */
  attempts?: (itemId: string) => readonly string[] | undefined;
}

/** How a gate evaluates candidates in the loop. */
export type GateSetting =
  /** A scorer decides keep/revert (and `passed` may stop the loop). */
  | { scorer: Scorer }
  /** The loop's Judge role decides, with this model. */
  | { judge: Provider }
  /** No gate: every revision replaces the answer. */
  | { none: true };

/** What every part declares. */
export interface PartInfo {
  /** One line for reports and `--help`. */
  description: string;
  /** Task kinds the part fits. @default every kind */
  tasks?: readonly string[];
  /** When set, the part sees the answer key; the text says what that does to the protocol. */
  seesAnswerKey?: string;
  /**
   * When set, a role sees test results through this part (visible or hidden), so scoring on every
   * test (`scoreTests: "all"`) would score on tests a role saw; the text says how. A part that sees
   * the answer key sees the tests too on a code task.
   */
  seesTests?: string;
}

/** A critic part. */
export interface CriticPart extends PartInfo {
  /** Builds the critic (undefined = no critic). */
  create(context: PartContext): Critic | undefined;
}

/** A gate part. */
export interface GatePart extends PartInfo {
  /** Builds the gate. */
  create(context: PartContext): GateSetting;
}

/** How a stop rule configures the loop. */
export interface StopSetting {
  /** Stop as soon as the gate passes the best candidate. */
  stopWhenPassed: boolean;
  /** A scorer checked on every candidate; its `passed` stops the loop. */
  stopRule?: Scorer;
}

/** A stop-rule part. */
export interface StopPart extends PartInfo {
  /** Builds the stop setting. */
  create(context: PartContext): StopSetting;
}

/** Every registered part, by name. */
export interface ArmParts {
  /** Solvers (`single`, `loop`, `best_of_n`, `vote`, `trajectory`, …). */
  solvers: Readonly<Record<string, Solver>>;
  /** Critics (`none`, `self`, `other`, `llm`, `tests`, `tests_anchor`, `hybrid`, `oracle`, …). */
  critics: Readonly<Record<string, CriticPart>>;
  /** Gates (`none`, `visible_tests`, `judge`, `hidden_tests`, `oracle`, …). */
  gates: Readonly<Record<string, GatePart>>;
  /** Stop rules (`gate`, `critic_done`, `oracle`, …). */
  stops: Readonly<Record<string, StopPart>>;
}

function needsRunner(context: PartContext) {
  const runner = context.task.runner;
  if (!runner) {
    throw new TypeError(`Cannot build arm "${context.arm.name}": its part needs a code task`);
  }
  return runner;
}

const ANCHOR = "the answer key gives the feedback and the gate: Δ cannot be negative";
const ORACLE_GATE = "the answer key decides keep/revert: Δ cannot be negative";
const ORACLE_STOP = "stops with the answer key: it never revises a correct answer";

/**
 * An oracle critic: feedback "incorrect" whenever the answer key says so, nothing otherwise (the
 * loop then stops) — the oracle-feedback protocol Kamoi et al. (2024) warn about. It never
 * reveals the gold answer itself.
 */
function oracleCritic(task: Task): Critic {
  const oracle = oracleScorer(task);
  return {
    name: "oracle",
    async critique(item, answer, context) {
      const s = await oracle.score(item, answer, context);
      return s.passed ? { critiques: [], text: "" } : {
        critiques: [{
          principleId: "correctness",
          quote: "",
          issue: "The answer is incorrect.",
          fix: "Find the mistake and correct it.",
          severity: "high",
        }],
        text: "Your answer is incorrect. Find the mistake and correct it.",
      };
    },
  };
}

/** The critics that ship with the library. */
export const BUILTIN_CRITICS: Readonly<Record<string, CriticPart>> = {
  none: { description: "no critic", create: () => undefined },
  llm: {
    description: "an LLM critic applying the constitution, on the arm's judge model",
    create: (c) => llmCritic(c.judge, c.constitution),
  },
  self: {
    description: "the student's own model critiques (intrinsic self-correction)",
    create: (c) => llmCritic(c.student, c.constitution),
  },
  other: {
    description: "another (judge) model critiques",
    create: (c) => llmCritic(c.other, c.constitution),
  },
  tests: {
    description: "visible-test failures drive revision",
    tasks: ["code"],
    seesTests: "the critic shows the student visible-test failures",
    create: (c) => testsCritic({ runner: needsRunner(c) }),
  },
  tests_anchor: {
    description: "hidden-test failures drive revision (anchor protocol)",
    tasks: ["code"],
    seesAnswerKey: ANCHOR,
    seesTests: "the critic shows the student hidden-test failures",
    create: (c) => anchorTestsCritic({ runner: needsRunner(c) }),
  },
  hybrid: {
    description: "visible-test feedback plus an LLM critic's reading of it",
    tasks: ["code"],
    seesTests: "the critic shows the student visible-test failures",
    create: (c) =>
      hybridCritic(testsCritic({ runner: needsRunner(c) }), llmCritic(c.judge, c.constitution)),
  },
  oracle: {
    description: "says 'incorrect' whenever the answer key does (oracle feedback)",
    seesAnswerKey: "the answer key gives the feedback: it never revises a correct answer",
    create: (c) => oracleCritic(c.task),
  },
};

/** The gates that ship with the library. */
export const BUILTIN_GATES: Readonly<Record<string, GatePart>> = {
  none: {
    description: "no gate: every revision replaces the answer",
    create: () => ({ none: true }),
  },
  visible_tests: {
    description: "visible tests decide keep/revert",
    tasks: ["code"],
    seesTests: "visible-test results decide which answer is kept",
    create: (c) => ({ scorer: c.task.scorers.visible_tests ?? noScorer(c, "visible_tests") }),
  },
  judge: {
    description: "the judge's verdict score decides keep/revert (arm's judge model)",
    create: (c) => ({ judge: c.judge }),
  },
  hidden_tests: {
    description: "hidden tests decide keep/revert (anchor protocol)",
    tasks: ["code"],
    seesAnswerKey: ANCHOR,
    seesTests: "hidden-test results decide which answer is kept",
    create: (c) => ({ scorer: testScorer({ which: "hidden", runner: needsRunner(c) }) }),
  },
  oracle: {
    description: "the answer key decides keep/revert",
    seesAnswerKey: ORACLE_GATE,
    create: (c) => ({ scorer: oracleScorer(c.task) }),
  },
};

function noScorer(c: PartContext, name: string): never {
  throw new TypeError(`Cannot build arm "${c.arm.name}": the ${c.task.kind} task has no ${name}`);
}

/** The stop rules that ship with the library. */
export const BUILTIN_STOPS: Readonly<Record<string, StopPart>> = {
  gate: {
    description: "stop when the gate passes the best answer (or the critic has nothing to say)",
    create: () => ({ stopWhenPassed: true }),
  },
  critic_done: {
    description: "stop only when the critic has nothing to say, or after the last round",
    create: () => ({ stopWhenPassed: false }),
  },
  oracle: {
    description: "stop as soon as the answer key says the answer is right",
    seesAnswerKey: ORACLE_STOP,
    create: (c) => ({ stopWhenPassed: false, stopRule: oracleScorer(c.task) }),
  },
};

/** Every part that ships with the library. */
export const BUILTIN_PARTS: ArmParts = {
  solvers: BUILTIN_SOLVERS,
  critics: BUILTIN_CRITICS,
  gates: BUILTIN_GATES,
  stops: BUILTIN_STOPS,
};

/**
 * The built-in parts plus a user's own. A user part may not reuse a built-in name.
 *
 * @param extra The user's parts.
 * @returns The merged registry.
 * @throws {TypeError} when a user part reuses a built-in name.
 *
 * @example A critic from outside `lib/`
 * ```ts
 * import { withParts } from "./parts.ts";
 * const parts = withParts({
 *   critics: { shouty: { description: "always complains", create: () => ({
 *     name: "shouty",
 *     critique: () => Promise.resolve({ critiques: [], text: "Try again." }),
 *   }) } },
 * });
 * if (!parts.critics.shouty || !parts.critics.self) throw new Error();
 * ```
 */
export function withParts(extra: Partial<ArmParts> = {}): ArmParts {
  const merge = <T>(kind: keyof ArmParts, base: Readonly<Record<string, T>>) => {
    const more = (extra[kind] ?? {}) as Readonly<Record<string, T>>;
    for (const name of Object.keys(more)) {
      if (name in base) {
        throw new TypeError(
          `Cannot register ${kind} part "${name}": a built-in part has that name`,
        );
      }
    }
    return { ...base, ...more };
  };
  return {
    solvers: merge("solvers", BUILTIN_PARTS.solvers),
    critics: merge("critics", BUILTIN_PARTS.critics),
    gates: merge("gates", BUILTIN_PARTS.gates),
    stops: merge("stops", BUILTIN_PARTS.stops),
  };
}

/** One part an arm uses, looked up in the registry. */
export interface ArmPartUse {
  /** Which slot (`solver`, `critic`, `gate`, `stop`, `selectBy`). */
  slot: "solver" | "critic" | "gate" | "stop" | "selectBy";
  /** The part's name. */
  name: string;
  /** The part. */
  part: PartInfo;
}

/**
 * The parts an arm uses, in slot order (only the slots its solver reads).
 *
 * @param arm The arm.
 * @param parts The registry.
 * @returns The parts, each with its slot.
 * @throws {TypeError} for an unknown part name, listing the known ones.
 *
 * @example
 * ```ts
 * import { armParts, BUILTIN_PARTS } from "./parts.ts";
 * import { resolveArms } from "./arms.ts";
 * const [arm] = resolveArms(["oracle_stop"], { taskKind: "answer" });
 * if (!armParts(arm, BUILTIN_PARTS).some((u) => u.slot === "stop" && u.part.seesAnswerKey)) throw new Error();
 * ```
 */
export function armParts(arm: Arm, parts: ArmParts): ArmPartUse[] {
  const find = <T extends PartInfo>(
    slot: ArmPartUse["slot"],
    registry: Readonly<Record<string, T>>,
    name: string,
  ): ArmPartUse => {
    const part = registry[name];
    if (!part) {
      throw new TypeError(
        `Cannot build arm "${arm.name}": unknown ${slot} "${name}" (known: ${
          Object.keys(registry).join(", ")
        })`,
      );
    }
    return { slot, name, part };
  };
  const solver = find("solver", parts.solvers, arm.solver);
  const slots = (parts.solvers[arm.solver] as Solver).slots;
  const uses = [solver];
  if (slots.includes("critic")) uses.push(find("critic", parts.critics, arm.critic));
  if (slots.includes("gate")) uses.push(find("gate", parts.gates, arm.gate));
  if (slots.includes("stop")) uses.push(find("stop", parts.stops, arm.stop));
  if (slots.includes("selectBy")) uses.push(find("selectBy", parts.gates, arm.selectBy));
  return uses;
}

/**
 * The arm's oracle/anchor flags: one line per part that sees the answer key.
 *
 * @param arm The arm.
 * @param parts The registry. @default the built-in parts
 * @returns Lines like `stop oracle: stops with the answer key: …`; empty for an honest arm.
 *
 * @example
 * ```ts
 * import { answerKeyFlags } from "./parts.ts";
 * import { resolveArms } from "./arms.ts";
 * const [honest, anchored] = resolveArms(["tests", "tests_anchor"]);
 * if (answerKeyFlags(honest).length !== 0 || answerKeyFlags(anchored).length !== 2) throw new Error();
 * ```
 */
export function answerKeyFlags(arm: Arm, parts: ArmParts = BUILTIN_PARTS): string[] {
  return armParts(arm, parts).flatMap((u) =>
    u.part.seesAnswerKey ? [`${u.slot} ${u.name}: ${u.part.seesAnswerKey}`] : []
  );
}

/**
 * The arm's test-seeing parts: one `slot name` per part through which a role sees test results
 * (`seesTests`, or `seesAnswerKey` — on a code task the answer key is the tests).
 *
 * @param arm The arm.
 * @param parts The registry. @default the built-in parts
 * @returns Lines like `critic tests`; empty when no role sees test results.
 *
 * @example
 * ```ts
 * import { testSeeingParts } from "./parts.ts";
 * import { resolveArms } from "./arms.ts";
 * const [baseline, tests] = resolveArms(["baseline", "tests"]);
 * if (testSeeingParts(baseline).length !== 0) throw new Error();
 * if (testSeeingParts(tests).join() !== "critic tests,gate visible_tests") throw new Error();
 * ```
 */
export function testSeeingParts(arm: Arm, parts: ArmParts = BUILTIN_PARTS): string[] {
  return armParts(arm, parts).flatMap((u) =>
    u.part.seesTests || u.part.seesAnswerKey ? [`${u.slot} ${u.name}`] : []
  );
}

/**
 * Refuses scoring on every test (`all`) when a role of some arm sees test results: it would score
 * on tests the arm was shown. `hidden` always passes.
 *
 * @param scoreTests Which tests score.
 * @param arms The arms of the run.
 * @param parts The registry. @default the built-in parts
 * @throws {TypeError} naming the first test-seeing arm and its parts.
 *
 * @example
 * ```ts
 * import { checkScoreTests } from "./parts.ts";
 * import { resolveArms } from "./arms.ts";
 * checkScoreTests("all", resolveArms(["baseline"]));
 * let refused = "";
 * try {
 *   checkScoreTests("all", resolveArms(["baseline", "tests"]));
 * } catch (e) {
 *   refused = (e as Error).message;
 * }
 * if (!refused.includes('arm "tests"')) throw new Error(refused);
 * ```
 */
export function checkScoreTests(
  scoreTests: "hidden" | "all",
  arms: readonly Arm[],
  parts: ArmParts = BUILTIN_PARTS,
): void {
  if (scoreTests !== "all") return;
  for (const arm of arms) {
    const seen = testSeeingParts(arm, parts);
    if (seen.length) {
      throw new TypeError(
        `--score-tests all: arm "${arm.name}" lets a role see test results (${
          seen.join(", ")
        }); use --score-tests hidden`,
      );
    }
  }
}

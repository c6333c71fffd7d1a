/**
 * Fitting a critique–revision loop into a model's context window: which principles of a constitution
 * the critic and judge can be shown, how many tokens each role may write, and how many rounds to run.
 * A pure function of (context size, principles); token counts are estimated from characters, on the
 * cautious side (a tiny 512-token vocabulary spends ~1.5 characters per token; common BPE
 * vocabularies 3–4).
 *
 * @module
 */

/** The parts of a principle the plan needs (structurally a constitution's `Principle`). */
export interface PlanPrinciple {
  /** Stable id. */
  id: string;
  /** Title. @default the id */
  title?: string;
  /** Body text. */
  text: string;
  /** Severity; high principles are kept first. @default "medium" */
  severity?: "high" | "medium" | "low";
}

/** Options for {@linkcode planForContext}. */
export interface ContextPlanOptions {
  /** Characters of the task prompt. @default 400 */
  promptChars?: number;
  /** Characters per token used for estimates. @default 1.5 */
  charsPerToken?: number;
  /** Characters of the largest role template (system prompt + request, critic's). @default 900 */
  overheadChars?: number;
  /** Most rounds, used when the context is 4,096 tokens or more. @default 3 */
  maxRounds?: number;
}

/** Output caps per role. */
export interface RoleTokenCaps {
  /** The Student's answers and revisions. */
  student: number;
  /** The Critic's JSON critiques. */
  critic: number;
  /** The Teacher's guidance. */
  teacher: number;
  /** The Judge's verdict. */
  judge: number;
}

/** What {@linkcode planForContext} decides. */
export interface ContextPlan {
  /** The context size planned for. */
  contextSize: number;
  /** Principles kept, in constitution order. */
  principleIds: string[];
  /** Principles left out, in constitution order. */
  droppedIds: string[];
  /** Output caps per role (tokens). */
  maxTokens: RoleTokenCaps;
  /** Rounds of critique and revision. */
  maxRounds: number;
  /** Estimated tokens of the largest call (prompt plus output). */
  estimatedTokens: number;
  /** False when even one principle with the smallest caps is estimated not to fit. */
  fits: boolean;
  /** One line saying what was chosen, for the user. */
  note: string;
}

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.floor(value)));
}

/**
 * Chooses principles, per-role output caps and rounds so that every call of the loop fits in
 * `contextSize` tokens. The largest calls are the critic's and the judge's (role template, the
 * principles, the task, the answer under review, then the output); the revision (task, answer,
 * critique, guidance, output) is checked too. Principles are kept by severity (high first, then
 * constitution order) while they fit; at least one is always kept.
 *
 * @param contextSize The model's context size in tokens.
 * @param principles The constitution's principles (all of them, or a subset already chosen).
 * @param options Prompt size, characters per token, template overhead, most rounds.
 * @returns The plan, with a one-line note.
 * @throws {RangeError} when `contextSize` is not an integer >= 256 or no principles are given.
 *
 * @example The 260K test model's 2,048-token context holds a few principles, not all ten
 * ```ts
 * import { planForContext } from "./context_plan.ts";
 * const p = (id: string, severity: "high" | "low") => ({ id, text: "x".repeat(380), severity });
 * const all = [p("a", "low"), p("b", "high"), p("c", "high"), p("d", "low"), p("e", "high"),
 *   p("f", "low"), p("g", "high"), p("h", "low"), p("i", "low"), p("j", "low")];
 * const small = planForContext(2048, all);
 * if (small.principleIds.length >= 10 || !small.principleIds.includes("b")) throw new Error();
 * if (small.estimatedTokens > 2048 || !small.note.includes("principles")) throw new Error(small.note);
 * if (planForContext(32768, all).droppedIds.length !== 0) throw new Error();
 * ```
 */
export function planForContext(
  contextSize: number,
  principles: readonly PlanPrinciple[],
  options: ContextPlanOptions = {},
): ContextPlan {
  if (!Number.isInteger(contextSize) || contextSize < 256) {
    throw new RangeError(
      `Cannot plan for a context of ${contextSize} tokens: must be an integer >= 256`,
    );
  }
  if (!Array.isArray(principles as unknown) || principles.length === 0) {
    throw new RangeError("Cannot plan without principles: current value is an empty list");
  }
  const charsPerToken = options.charsPerToken ?? 1.5;
  if (!(charsPerToken > 0)) {
    throw new RangeError(`charsPerToken must be > 0, got ${String(options.charsPerToken)}`);
  }
  const est = (chars: number) => Math.ceil(chars / charsPerToken);
  const fixed = est(options.overheadChars ?? 900) + est(options.promptChars ?? 400) + 16;
  const principleTokens = (p: PlanPrinciple) =>
    est(p.id.length + (p.title?.length ?? 0) + p.text.length + 24);
  const mostRounds = options.maxRounds ?? 3;

  // Caps shrink until the task, the answer, the output and one principle fit (or the floor is hit).
  let scale = 1;
  let caps: RoleTokenCaps;
  let budget: number;
  const smallest = Math.min(...principles.map(principleTokens));
  for (;;) {
    caps = {
      student: clamp((contextSize / 8) * scale, 32, 512),
      critic: clamp((contextSize / 8) * scale, 32, 512),
      teacher: clamp((contextSize / 16) * scale, 16, 256),
      judge: clamp((contextSize / 16) * scale, 32, 256),
    };
    budget = contextSize - fixed - caps.student - Math.max(caps.critic, caps.judge);
    const revision = fixed + caps.student * 2 + caps.critic + caps.teacher;
    if ((budget >= smallest && revision <= contextSize) || scale < 0.1) break;
    scale /= 2;
  }
  const order = principles
    .map((p, index) => ({ p, index }))
    .sort((a, b) =>
      SEVERITY_RANK[a.p.severity ?? "medium"] - SEVERITY_RANK[b.p.severity ?? "medium"] ||
      a.index - b.index
    );
  const kept = new Set<number>();
  let used = 0;
  for (const { p, index } of order) {
    const cost = principleTokens(p);
    if (used + cost <= budget || kept.size === 0) {
      kept.add(index);
      used += cost;
    }
  }
  const principleIds = principles.filter((_, i) => kept.has(i)).map((p) => p.id);
  const droppedIds = principles.filter((_, i) => !kept.has(i)).map((p) => p.id);
  const estimatedTokens = Math.max(
    fixed + used + caps.student + Math.max(caps.critic, caps.judge),
    fixed + caps.student * 2 + caps.critic + caps.teacher,
  );
  const maxRounds = contextSize >= 4096
    ? mostRounds
    : contextSize >= 2048
    ? Math.min(2, mostRounds)
    : Math.min(1, mostRounds);
  const fits = estimatedTokens <= contextSize;
  const which = droppedIds.length === 0
    ? `all ${principles.length} principles fit`
    : `the ${principles.length} principles do not all fit; using ${principleIds.length} ` +
      `(${principleIds.join(", ")})`;
  const note =
    `context ${contextSize} tokens: ${which}; outputs capped at student ${caps.student}, ` +
    `critic ${caps.critic}, teacher ${caps.teacher}, judge ${caps.judge} tokens; ` +
    `${maxRounds} round(s)` + (fits ? "" : "; even this may overflow the context");
  return {
    contextSize,
    principleIds,
    droppedIds,
    maxTokens: caps,
    maxRounds,
    estimatedTokens,
    fits,
    note,
  };
}

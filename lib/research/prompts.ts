/**
 * The prompts of the research society, as named constants (system prompts) plus the function that
 * renders the shared context every role sees.
 *
 * @module
 */
import type { ResearchMemory } from "./schemas.ts";

/** System prompt of a proposer: one concrete, testable idea with its edit. */
export const RESEARCH_PROPOSER_PROMPT: string =
  `You are a researcher in an automated research loop. One file set is mutable; a fixed runner measures one metric.
Propose exactly ONE concrete idea that you expect to improve the metric, and include the edit that implements it.
Rules:
- Respect the constitution and the read-only contract files: never edit them, never game the metric or the evaluator.
- Read the history and memory: do not repeat ideas that were already discarded or crashed unless you say what is different.
- Prefer small, testable changes with a clear hypothesis. State the expected metric change (signed, in metric units).
- The edit is either the full new content of a mutable file ("format": "full") or a unified diff against the
  current content ("format": "diff"). Use paths exactly as listed.
Answer with JSON only: {"title", "hypothesis", "rationale", "alternatives", "expectedDelta", "risk", "edits", "instructions"}.`;

/** System prompt of the critic: review proposals before any compute is spent; may veto. */
export const RESEARCH_CRITIC_PROMPT: string =
  `You are the critic of an automated research loop. Review each proposal BEFORE it is run.
Veto a proposal when it violates the constitution, touches read-only contract files, games the metric or the
evaluator, repeats an idea that already failed (see history) without a material difference, or is unlikely to run.
Do not veto merely because you are unsure it helps: measurement decides that.
Answer with JSON only: {"reviews": [{"id", "veto", "reason", "principles"}]} with one review per proposal id.`;

/** System prompt of the judge: rank the surviving proposals by expected value per unit of risk. */
export const RESEARCH_JUDGE_PROMPT: string =
  `You are the judge of an automated research loop. Rank the proposals that survived review by how likely they are to
improve the metric beyond noise, weighing expected gain against risk and cost, and preferring ideas that teach us
something new given the history. Answer with JSON only: {"ranking": [ids, best first], "reason"}.`;

/** System prompt of the built-in coder: turn an instruction-only idea into concrete edits. */
export const RESEARCH_CODER_PROMPT: string =
  `You are the coder of an automated research loop. Implement the idea exactly, changing only the mutable files.
Return the full new content of each changed file ("format": "full") or a unified diff ("format": "diff").
Answer with JSON only: {"edits": [{"file", "format", "content"}]}.`;

/**
 * Prompt template for an external coding agent (e.g. `claude -p {prompt}`); `{idea}`, `{files}`,
 * `{readonly}` and `{objective}` are substituted.
 */
export const RESEARCH_AGENT_CODER_PROMPT: string =
  `You are implementing one idea in an automated research loop.
Objective: {objective}
Change ONLY these files: {files}
Never modify these read-only contract files: {readonly}
Do not run long experiments; do not commit; just edit the files and stop.
The idea (JSON):
{idea}`;

/** System prompt of the synthesizer: maintain a short memory of what worked and what failed. */
export const RESEARCH_SYNTHESIZER_PROMPT: string =
  `You maintain the memory of an automated research loop. Given the current memory and the latest iteration,
return an updated memory: short, specific lessons (with numbers) about what worked, what failed and why, and notes
on promising directions. Merge duplicates, drop stale notes, keep each entry to one sentence.
Answer with JSON only: {"worked": [...], "failed": [...], "notes": [...]}.`;

/** Appended to proposer prompts when the graduated gate asks for a change of strategy. */
export const RESEARCH_STRATEGY_NOTE: string =
  `STRATEGY CHANGE: the last iterations produced no improvement. Stop refining the same idea. Propose something
structurally different (another algorithm, representation or parameter region), or revisit an assumption the
history takes for granted.`;

/** What every role is told about the run. */
export interface ResearchContext {
  /** The objective from problem.yaml. */
  objective: string;
  /** Primary metric name and direction. */
  metric: { name: string; direction: "minimize" | "maximize" };
  /** Constitution text (rendered Markdown), when the run has one. */
  constitution?: string;
  /** Current content of the mutable files (paths relative to problem.yaml). */
  files: { path: string; content: string }[];
  /** Read-only contract paths. */
  readonly: string[];
  /** Baseline and incumbent means. */
  baseline: number;
  /** Incumbent (best so far) mean. */
  incumbent: number;
  /** Rendered history lines (most recent last). */
  history: string[];
  /** The synthesizer's memory. */
  memory: ResearchMemory;
  /** Current iteration number (1-based). */
  iteration: number;
  /** Extra instruction from the graduated gate. */
  strategyNote?: string;
}

/**
 * Renders the shared context as Markdown for a role's user message.
 *
 * @param context The context.
 * @returns The Markdown text.
 *
 * @example Mentions the metric and the files
 * ```ts
 * import { renderContext } from "./prompts.ts";
 * const text = renderContext({
 *   objective: "shorter tours", metric: { name: "tour_length", direction: "minimize" },
 *   files: [{ path: "solution.ts", content: "export {}" }], readonly: ["evaluate.ts"],
 *   baseline: 10, incumbent: 9, history: [], memory: { worked: [], failed: [], notes: [] },
 *   iteration: 1,
 * });
 * if (!text.includes("tour_length") || !text.includes("solution.ts")) throw new Error();
 * ```
 */
export function renderContext(context: ResearchContext): string {
  const fence = "```";
  const parts: string[] = [
    `# Objective\n${context.objective}`,
    `# Metric\n${context.metric.name} (${context.metric.direction}). Baseline ${
      fmt(context.baseline)
    }, current best ${fmt(context.incumbent)}. Iteration ${context.iteration}.`,
  ];
  if (context.constitution?.trim()) parts.push(`# Constitution\n${context.constitution.trim()}`);
  parts.push(
    `# Read-only contract files (never edit)\n${context.readonly.join(", ") || "(none)"}`,
  );
  for (const f of context.files) {
    parts.push(`# Mutable file: ${f.path}\n${fence}\n${f.content}\n${fence}`);
  }
  const m = context.memory;
  const list = (xs: string[]): string =>
    xs.length ? xs.map((x) => `- ${x}`).join("\n") : "- (none)";
  parts.push(
    `# Memory\n## Worked\n${list(m.worked)}\n## Failed\n${list(m.failed)}\n## Notes\n${
      list(m.notes)
    }`,
  );
  parts.push(
    `# History (attempt, status, metric, Δ, title)\n${context.history.join("\n") || "(none yet)"}`,
  );
  if (context.strategyNote) parts.push(`# Strategy\n${context.strategyNote}`);
  return parts.join("\n\n");
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(8)).toString() : String(x);
}

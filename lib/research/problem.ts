/**
 * `problem.yaml`: what an autoresearch run optimises and under which rules. Parsed with `yaml`
 * and validated with zod; every syntax or validation error names the file, the line and the field.
 *
 * ```yaml
 * objective: Shorten the TSP tour on the fixed 200-city instance.
 * metric: { name: tour_length, regex: "tour_length:\\s*([0-9.]+)", direction: minimize }
 * runner:
 *   command: [deno, run, --allow-read, evaluate.ts]
 *   timeout_seconds: 20        # hard limit: the process tree is killed
 *   time_budget_seconds: 5     # told to the runner as AUTORESEARCH_TIME_BUDGET
 * mutable: [solution.ts]
 * readonly: [evaluate.ts]
 * acceptance: { repeats: 1, min_improvement: 0.5 }
 * guardrails:
 *   - { name: runtime_ms, regex: "runtime_ms:\\s*([0-9.]+)", direction: minimize, max: 5000 }
 * budgets: { iterations: 10 }
 * roles:
 *   proposers: [{ provider: ollama, model: qwen2.5-coder:7b, temperature: 0.7 }]
 * ```
 *
 * @module
 */
import { z } from "zod";
import { isMap, LineCounter, parseDocument } from "yaml";
import { InputError, readTextInput } from "../util/jsonl.ts";
import { type Scalarizer, ScalarizerSchema } from "./scalarize.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/**
 * A provider for one role: `"provider:model"` shorthand, or an object. Extra keys are passed to the
 * provider factory (e.g. `script` for the scripted provider, `base_url`).
 */
export type RoleProviderSpec = string | {
  /** Provider kind ("ollama", "openai", "scripted", …). */
  provider: string;
  /** Model name. */
  model?: string;
  /** Sampling temperature in [0, 2]. */
  temperature?: number;
  /** Sampling seed. */
  seed?: number;
  /** Output token limit. */
  max_tokens?: number;
  /** Provider-specific settings. */
  [key: string]: unknown;
};

/** One named number parsed from the runner output (a multi-metric component). */
export interface MetricComponent {
  /** Component name (an objective of the scalarizer). */
  name: string;
  /** Regex whose first capture group is the number. */
  regex: string;
}

/** The primary metric: parsed from the runner output, or scalarized from several components. */
export interface MetricSpec {
  /** Metric name (results.tsv column header). */
  name: string;
  /** Regex with one capture group (required unless `scalarize` is given). */
  regex?: string;
  /** Which way is better (a scalarized metric is always minimised). */
  direction: "minimize" | "maximize";
  /** Multi-metric: named numbers parsed from the output. */
  components?: MetricComponent[];
  /** Multi-metric: how components become the metric. */
  scalarize?: Scalarizer;
}

/** A guardrail: a secondary metric that must stay within limits of the frozen baseline. */
export interface Guardrail {
  /** Name. */
  name: string;
  /** Regex whose first capture group is the value. */
  regex: string;
  /** Absolute upper limit. */
  max?: number;
  /** Absolute lower limit. */
  min?: number;
  /** Relative upper limit: value ≤ baseline × (1 + max_increase). */
  max_increase?: number;
  /** Relative lower limit: value ≥ baseline × (1 − max_decrease). */
  max_decrease?: number;
}

/** How the runner is executed. */
export interface RunnerSpec {
  /** argv array (no shell) or a string run with `sh -c`. */
  command: string[] | string;
  /** Hard timeout per run in seconds; the whole process tree is killed (default 600). */
  timeout_seconds: number;
  /** Soft budget the runner is told as AUTORESEARCH_TIME_BUDGET; ≤ timeout. */
  time_budget_seconds?: number;
  /** Extra environment variables (default none). */
  env: Record<string, string>;
  /** Working directory relative to problem.yaml (default "."). */
  cwd: string;
}

/** The noise-aware acceptance rule (see `acceptance.ts`). */
export interface AcceptanceSpec {
  /** Runs per evaluation (default 1). */
  repeats: number;
  /** The mean improvement must exceed this, in metric units (default 0). */
  min_improvement: number;
  /** One-sided significance level of the noise test (default 0.05). */
  alpha: number;
  /** "welch" (fresh seeds per run) or "paired" (seed i shared across evaluations); default welch. */
  test: "welch" | "paired";
  /** Re-measure a tentative keep, candidate and incumbent, before keeping it (default true). */
  confirm: boolean;
  /** Base seed passed to runners through AUTORESEARCH_SEED (default 0). */
  seed: number;
}

/** Stop limits, counted over the whole run (all invocations). */
export interface Budgets {
  /** Iterations (default 10). */
  iterations: number;
  /** Wall seconds of recorded work. */
  wall_seconds?: number;
  /** Tokens over all roles. */
  tokens?: number;
}

/** The coder: built in (the model's edit is applied), or an external agent command. */
export type CoderSpec =
  | {
    kind: "builtin";
    /** Model that turns instruction-only ideas into edits and repairs failed diffs. */
    provider?: RoleProviderSpec;
  }
  | {
    kind: "command";
    /** argv template; `{prompt}`, `{files}` and `{idea}` are substituted. */
    command: string[];
    /** Hard timeout of the agent (default 900). */
    timeout_seconds: number;
  };

/** Which model plays which role. */
export interface Roles {
  /** One or more proposers (different models or temperatures). */
  proposers: RoleProviderSpec[];
  /** Reviews proposals before compute is spent. */
  critic?: RoleProviderSpec;
  /** Ranks surviving proposals. */
  judge?: RoleProviderSpec;
  /** Applies ideas (default builtin). */
  coder: CoderSpec;
  /** Rewrites the memory. */
  synthesizer?: RoleProviderSpec;
}

/** Society settings. */
export interface SocietySpec {
  /** Ideas the judge selects to evaluate per iteration (default 1). */
  candidates: number;
  /** Evaluate several candidates at once in git worktrees (default false). */
  parallel: boolean;
  /** Entries kept per list in the memory (default 12). */
  memory_size: number;
  /** History lines shown to proposers (default 20). */
  history_size: number;
  /** Characters of each mutable file shown to proposers (default 40000). */
  max_file_chars: number;
}

/** The graduated gate's settings. */
export interface GateSpec {
  /** Consecutive iterations without a keep per escalation step (default 5). */
  patience: number;
  /** Proposer temperature added per failed iteration while diversifying (default 0.2). */
  temperature_step: number;
  /** Cap on the boosted temperature (default 1.5). */
  max_temperature: number;
  /** Pause before each throttled iteration (default 0). */
  throttle_seconds: number;
}

/** The whole `problem.yaml`, defaults applied. */
export interface Problem {
  /** What to achieve, in words (shown to every role). */
  objective: string;
  /** The primary metric. */
  metric: MetricSpec;
  /** The runner. */
  runner: RunnerSpec;
  /** Files the society may change (relative to problem.yaml). */
  mutable: string[];
  /** Contract files, sha256-checked before any acceptance; problem.yaml is always one. */
  readonly: string[];
  /** Path of a constitution (Markdown) the society must respect, relative to problem.yaml. */
  constitution?: string;
  /** The acceptance rule. */
  acceptance: AcceptanceSpec;
  /** Guardrails against the frozen baseline. */
  guardrails: Guardrail[];
  /** Secondary number for the results.tsv resource column (default: seconds per run). */
  resource?: MetricComponent;
  /** Stop limits. */
  budgets: Budgets;
  /** Society settings. */
  society: SocietySpec;
  /** Graduated gate settings. */
  gate: GateSpec;
  /** Which model plays which role. */
  roles: Roles;
  /** Runner isolation request; recorded in the ledger, enforced by a sandbox hook. */
  sandbox: { enabled: boolean; profile?: string };
}

const direction = z.enum(["minimize", "maximize"]);

/** A regular expression given as a string; its first capture group is the number. */
const MetricRegexSchema = z.string().min(1).superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `invalid regex: ${(error as Error).message}` });
  }
});

/**
 * A provider for one role: `"provider:model"` shorthand, or an object. Extra keys are passed to the
 * provider factory (e.g. `script` for the scripted provider, `base_url`).
 */
const RoleProviderSpecSchema = z.union([
  z.string().min(1),
  z.looseObject({
    provider: z.string().min(1),
    model: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    seed: z.number().int().optional(),
    max_tokens: z.number().int().positive().optional(),
  }),
]);

/** The primary metric: parsed from the runner output, or scalarized from several objectives. */
const MetricSpecSchema = z.object({
  name: z.string().min(1),
  /** Regex with one capture group (required unless `scalarize` is given). */
  regex: MetricRegexSchema.optional(),
  direction,
  /** Multi-metric: named numbers parsed from the output, combined by `scalarize`. */
  components: z.array(z.object({ name: z.string().min(1), regex: MetricRegexSchema })).optional(),
  /** Multi-metric: how components become the metric (always minimised). */
  scalarize: zodOf(ScalarizerSchema).optional(),
}).superRefine((m, ctx) => {
  if (!m.regex && !m.scalarize) {
    ctx.addIssue({ code: "custom", path: ["regex"], message: "regex is required" });
  }
  if (m.scalarize) {
    const have = new Set((m.components ?? []).map((c) => c.name));
    for (const [i, o] of m.scalarize.objectives.entries()) {
      if (!have.has(o.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["scalarize", "objectives", i, "name"],
          message: `objective "${o.name}" has no entry in metric.components`,
        });
      }
    }
  }
  if (m.scalarize && m.direction !== "minimize") {
    ctx.addIssue({
      code: "custom",
      path: ["direction"],
      message: "a scalarized metric is minimised: direction must be minimize",
    });
  }
});

/** A guardrail: a secondary metric that must stay within limits of the frozen baseline. */
const GuardrailSchema = z.object({
  name: z.string().min(1),
  regex: MetricRegexSchema,
  /** Absolute upper limit. */
  max: z.number().optional(),
  /** Absolute lower limit. */
  min: z.number().optional(),
  /** Relative upper limit: value ≤ baseline × (1 + max_increase). */
  max_increase: z.number().nonnegative().optional(),
  /** Relative lower limit: value ≥ baseline × (1 − max_decrease). */
  max_decrease: z.number().nonnegative().optional(),
}).refine(
  (g) => [g.max, g.min, g.max_increase, g.max_decrease].some((v) => v !== undefined),
  { message: "a guardrail needs at least one of max, min, max_increase, max_decrease" },
);

/** How the runner is executed. */
const RunnerSpecSchema = z.object({
  /** argv array (no shell) or a string run with `sh -c`. */
  command: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
  /** Hard timeout per run; the whole process tree is killed. */
  timeout_seconds: z.number().positive().default(600),
  /** The soft budget the runner is told (AUTORESEARCH_TIME_BUDGET); ≤ timeout. */
  time_budget_seconds: z.number().positive().optional(),
  /** Extra environment variables. */
  env: z.record(z.string(), z.string()).default({}),
  /** Working directory relative to problem.yaml. */
  cwd: z.string().default("."),
}).refine(
  (r) => r.time_budget_seconds === undefined || r.time_budget_seconds <= r.timeout_seconds,
  {
    message: "time_budget_seconds must not exceed timeout_seconds",
    path: ["time_budget_seconds"],
  },
);

/** The noise-aware acceptance rule (see `acceptance.ts`). */
const AcceptanceSpecSchema = z.object({
  /** Runs per evaluation. */
  repeats: z.number().int().min(1).max(100).default(1),
  /** The mean improvement must exceed this (metric units). */
  min_improvement: z.number().nonnegative().default(0),
  /** One-sided significance level of the noise test (used when repeats ≥ 2). */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** "welch": fresh seeds per run, unequal-variance test; "paired": seed i shared across evaluations. */
  test: z.enum(["welch", "paired"]).default("welch"),
  /** Re-measure a tentative keep (candidate and incumbent, fresh repeats) before keeping it. */
  confirm: z.boolean().default(true),
  /** Base seed passed to runners (AUTORESEARCH_SEED derives from it). */
  seed: z.number().int().default(0),
});

/** Stop limits, counted over the whole run (all invocations). */
const BudgetsSchema = z.object({
  iterations: z.number().int().positive().default(10),
  wall_seconds: z.number().positive().optional(),
  tokens: z.number().int().positive().optional(),
});

/** The coder: built in (the model's edit is applied), or an external agent command. */
const CoderSpecSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("builtin"),
    /** Model that turns instruction-only ideas into edits (optional). */
    provider: RoleProviderSpecSchema.optional(),
  }),
  z.object({
    kind: z.literal("command"),
    /** argv template; `{prompt}`, `{files}` and `{idea}` are substituted. */
    command: z.array(z.string().min(1)).min(1),
    timeout_seconds: z.number().positive().default(900),
  }),
]);

/** Which model plays which role. */
const RolesSchema = z.object({
  proposers: z.array(RoleProviderSpecSchema).min(1),
  critic: RoleProviderSpecSchema.optional(),
  judge: RoleProviderSpecSchema.optional(),
  coder: CoderSpecSchema.default({ kind: "builtin" }),
  synthesizer: RoleProviderSpecSchema.optional(),
});

const problemObject = z.object({
  objective: z.string().min(1),
  metric: MetricSpecSchema,
  runner: RunnerSpecSchema,
  /** Files the society may change (relative to problem.yaml). */
  mutable: z.array(z.string().min(1)).min(1),
  /** Contract files: sha256-checked before any acceptance. problem.yaml is always one. */
  readonly: z.array(z.string().min(1)).default([]),
  /** Path of a constitution (Markdown) the society must respect, relative to problem.yaml. */
  constitution: z.string().optional(),
  acceptance: AcceptanceSpecSchema.default(AcceptanceSpecSchema.parse({})),
  guardrails: z.array(GuardrailSchema).default([]),
  /** Optional secondary number for the results.tsv resource column (default: seconds per run). */
  resource: z.object({ name: z.string().min(1), regex: MetricRegexSchema }).optional(),
  budgets: BudgetsSchema.default(BudgetsSchema.parse({})),
  society: z.object({
    /** Ideas the judge selects to evaluate per iteration. */
    candidates: z.number().int().min(1).max(16).default(1),
    /** Evaluate several candidates at once in git worktrees. */
    parallel: z.boolean().default(false),
    /** Entries kept per list in the synthesizer's memory. */
    memory_size: z.number().int().min(1).max(200).default(12),
    /** History lines shown to proposers. */
    history_size: z.number().int().min(1).max(500).default(20),
    /** Characters of each mutable file shown to proposers. */
    max_file_chars: z.number().int().min(100).default(40000),
  }).default({
    candidates: 1,
    parallel: false,
    memory_size: 12,
    history_size: 20,
    max_file_chars: 40000,
  }),
  gate: z.object({
    /** Consecutive iterations without a keep before each escalation step. */
    patience: z.number().int().min(1).default(5),
    /** Proposer temperature added per diversify iteration. */
    temperature_step: z.number().min(0).max(1).default(0.2),
    max_temperature: z.number().min(0).max(2).default(1.5),
    /** Pause before each throttled iteration. */
    throttle_seconds: z.number().min(0).default(0),
  }).default({ patience: 5, temperature_step: 0.2, max_temperature: 1.5, throttle_seconds: 0 }),
  roles: RolesSchema,
  /** Runner isolation request; recorded in the ledger, enforced by a sandbox hook. */
  sandbox: z.object({
    enabled: z.boolean().default(false),
    profile: z.string().optional(),
  }).default({ enabled: false }),
}).superRefine((p, ctx) => {
  for (const [i, file] of p.readonly.entries()) {
    if (p.mutable.includes(file)) {
      ctx.addIssue({
        code: "custom",
        path: ["readonly", i],
        message: `"${file}" is both mutable and readonly`,
      });
    }
  }
  const names = new Set([p.metric.name]);
  for (const [i, g] of p.guardrails.entries()) {
    if (names.has(g.name)) {
      ctx.addIssue({ code: "custom", path: ["guardrails", i, "name"], message: "duplicate name" });
    }
    names.add(g.name);
  }
});
/** Schema of {@linkcode Problem}: validates `problem.yaml` and applies the defaults. */
export const ProblemSchema: Schema<Problem> = problemObject;

/** Options for {@linkcode parseProblem}. */
export interface ParseProblemOptions {
  /** File name used in error messages. @default "problem.yaml" */
  file?: string;
}

/**
 * Parses and validates `problem.yaml` text.
 *
 * @param text YAML text.
 * @param options File name for errors.
 * @returns The validated problem with defaults applied.
 * @throws {InputError} naming the line and field of the first syntax or validation error.
 *
 * @example Parse a minimal problem, and report a bad field with its line
 * ```ts
 * import { parseProblem } from "./problem.ts";
 * const p = parseProblem([
 *   "objective: go fast",
 *   "metric: { name: ms, regex: 'ms: ([0-9.]+)', direction: minimize }",
 *   "runner: { command: ./run.sh }",
 *   "mutable: [main.ts]",
 *   "roles: { proposers: ['ollama:qwen2.5'] }",
 * ].join("\n"));
 * if (p.acceptance.repeats !== 1) throw new Error("default repeats should be 1");
 * let line: number | undefined;
 * try {
 *   parseProblem("objective: x\nmetric:\n  name: m\n  regex: 'm ([0-9]+)'\n  direction: up\n");
 * } catch (e) {
 *   line = (e as { line?: number }).line;
 * }
 * if (line !== 5) throw new Error(`expected line 5, got ${line}`);
 * ```
 */
export function parseProblem(text: string, options: ParseProblemOptions = {}): Problem {
  if (typeof text !== "string") {
    throw new TypeError(`parseProblem: text must be a string, got ${typeof text}`);
  }
  const file = options.file ?? "problem.yaml";
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new InputError(file, `YAML syntax: ${err.message.split("\n")[0]}`, {
      line: lineCounter.linePos(err.pos[0]).line,
    });
  }
  const value = doc.toJS();
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, "the document must be a mapping", { line: 1 });
  }
  const parsed = ProblemSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  return throwAt(file, issue.message, path, doc, lineCounter);
}

function throwAt(
  file: string,
  message: string,
  path: (string | number)[],
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): never {
  // Walk up the path until a node with a source range exists (a missing field → its parent).
  let line: number | undefined;
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      line = lineCounter.linePos(range[0]).line;
      if (n < path.length && isMap(node)) {
        // Point at the key of the deepest existing mapping entry when the child is missing.
        message = `${message} (missing or invalid under this mapping)`;
      }
    }
  }
  throw new InputError(file, message, {
    line: line && line > 0 ? line : 1,
    field: path.join(".") || undefined,
  });
}

/**
 * Reads and validates a `problem.yaml` file.
 *
 * @param path Path of the file.
 * @returns The validated problem.
 * @throws {InputError} when the file is missing, malformed or invalid.
 *
 * @example Load from disk
 * ```ts
 * import { loadProblem } from "./problem.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/problem.yaml`, [
 *   "objective: o",
 *   "metric: { name: m, regex: 'm=([0-9]+)', direction: maximize }",
 *   "runner: { command: [sh, run.sh], timeout_seconds: 5 }",
 *   "mutable: [a.txt]",
 *   "roles: { proposers: [scripted] }",
 * ].join("\n"));
 * const p = await loadProblem(`${dir}/problem.yaml`);
 * if (p.metric.direction !== "maximize") throw new Error("direction lost");
 * ```
 */
export async function loadProblem(path: string): Promise<Problem> {
  return parseProblem(await readTextInput(path), { file: path });
}

/**
 * The options of a research run ({@linkcode ResearchOptions}) and what a run reports
 * ({@linkcode ResearchOutcome}), shared by `initResearch`, `runResearch` and the files that hold
 * their steps.
 *
 * @module
 */
import type { EventSink } from "../schemas/events.ts";
import type { Incumbent } from "./ledger.ts";
import type { Budgets } from "./problem.ts";
import type { ProviderFactory, ResearchProviders } from "./roles.ts";
import type { RunnerSandbox } from "./runner.ts";
import type { LocateOptions } from "./workspace.ts";

/** Options for `initResearch` and `runResearch`. */
export interface ResearchOptions extends LocateOptions {
  /** The society's models (takes precedence over `providerFactory`). @default undefined */
  providers?: ResearchProviders;
  /** Builds providers from problem.yaml's role specs. @default undefined */
  providerFactory?: ProviderFactory;
  /** Constitution text (overrides problem.yaml's `constitution` file). @default undefined */
  constitution?: string;
  /** Runner isolation hook (required when problem.yaml enables the sandbox). @default undefined */
  sandbox?: RunnerSandbox;
  /** Abort signal: stops after killing the live runner; the iteration is redone on resume. @default undefined */
  signal?: AbortSignal;
  /** Event sink (log, progress, role events). @default undefined */
  onEvent?: EventSink;
  /** Iterations to run in this invocation at most. @default unlimited */
  maxIterations?: number;
  /** Overrides of problem.yaml's budgets (e.g. to extend a finished run). @default {} */
  budgets?: Partial<Budgets>;
  /** Reset a stopped graduated gate to normal before running. @default false */
  resetGate?: boolean;
}

/** What `runResearch` reports. */
export interface ResearchOutcome {
  /** Iterations finished by this invocation. */
  iterationsRun: number;
  /** Last finished iteration overall. */
  lastIteration: number;
  /** Why the invocation stopped. */
  stopReason: string;
  /** Baseline mean. */
  baseline: number;
  /** The incumbent after the run. */
  incumbent: Incumbent;
  /** The run directory. */
  runDir: string;
}

/**
 * autoconstitution: constitutional multi-agent improvement loops.
 *
 * Agents propose, critique, revise and judge; a ratchet keeps only what gets better, under rules
 * written in Markdown (`constitution.md`). The library answers one question honestly — does
 * critique/revision actually improve answers, and under which critic? — with paired deltas,
 * bootstrap confidence intervals, a same-budget control, a test-grounded critic whose hidden tests
 * never leak, and preference pairs that are provably better than what they replace.
 *
 * @example One critique–revision loop with the offline scripted provider
 * ```ts
 * import { createScriptedProvider, critiqueRevisionLoop, loadConstitution } from "./mod.ts";
 * const trace = await critiqueRevisionLoop({ id: "q1", prompt: "Explain DNS briefly." }, {
 *   provider: createScriptedProvider(),
 *   constitution: await loadConstitution(),
 *   maxRounds: 2,
 * });
 * if (trace.candidates.length < 1) throw new Error("no answer");
 * ```
 *
 * @module
 */
export * from "./lib/schemas/mod.ts";
export * from "./lib/util/mod.ts";
export * from "./lib/providers/mod.ts";
export * from "./lib/constitution/mod.ts";
export * from "./lib/roles/mod.ts";
export * from "./lib/loop/mod.ts";
export * from "./lib/sandbox/mod.ts";
export * from "./lib/critics/mod.ts";
export * from "./lib/tasks/mod.ts";
export * from "./lib/datasets/mod.ts";
export * from "./lib/stats/mod.ts";
export * from "./lib/bench/mod.ts";
export * from "./lib/plot/mod.ts";
export * from "./lib/export/mod.ts";
export * from "./lib/ui/mod.ts";
export * from "./lib/research/mod.ts";

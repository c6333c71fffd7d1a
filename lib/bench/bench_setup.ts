/**
 * From a loaded dataset to what `runBenchmark` needs: the task of the dataset's kind, the arms
 * (presets, an arm file, the defaults of the kind) and — for planning — the simulated models of
 * that kind. The CLI and notebooks call these instead of switching on the kind themselves.
 *
 * @module
 */
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import type { SandboxOptions } from "../sandbox/sandbox_options.ts";
import type { TaskDataset } from "../datasets/load_task_dataset.ts";
import { answerTask, codeTask, openTask, type ScoreTests, type Task } from "../tasks/task.ts";
import type { PanelMode } from "../tasks/judge_panel.ts";
import { type Arm, type ArmInput, CRITIQUE_MODES, DEFAULT_ARMS, resolveArms } from "./arms.ts";
import type { ArmParts } from "./parts.ts";
import { createSimulatedProvider } from "./simulate.ts";
import { createSimulatedAnswerProvider, createSimulatedOpenProvider } from "./simulate_tasks.ts";

/** Options for {@linkcode taskFor}. */
export interface TaskForOptions {
  /** Open tasks: the rubric the panel applies. Required for open datasets. */
  constitution?: Constitution;
  /** Open tasks: the panel's judges. Required for open datasets. */
  judges?: readonly Provider[];
  /** Open tasks: pointwise or pairwise. @default "pointwise" */
  panelMode?: PanelMode;
  /** Code tasks: sandbox settings. @default {} */
  sandbox?: Omit<SandboxOptions, "signal">;
  /** Code tasks: which tests score, `hidden` or `all` (visible + hidden). @default "hidden" */
  scoreTests?: ScoreTests;
}

/**
 * The task of a loaded dataset's kind.
 *
 * @param dataset A dataset from `loadTaskDataset`.
 * @param options The panel (open tasks) and sandbox settings (code tasks).
 * @returns The task.
 * @throws {TypeError} for an open dataset without judges or constitution, or an unknown kind.
 *
 * @example
 * ```ts
 * import { taskFor } from "./bench_setup.ts";
 * const task = taskFor({ kind: "answer", items: [{ id: "q", prompt: "1+1?", gold: "2", answerType: "number" }] });
 * if (task.kind !== "answer") throw new Error();
 * ```
 */
export function taskFor(dataset: TaskDataset, options: TaskForOptions = {}): Task {
  switch (dataset.kind) {
    case "code":
      return codeTask(dataset.items, { sandbox: options.sandbox, scoreTests: options.scoreTests });
    case "answer":
      return answerTask(dataset.items);
    case "open": {
      if (!options.judges?.length || !options.constitution) {
        throw new TypeError("Cannot score an open task without a judge panel and a constitution");
      }
      return openTask(dataset.items, {
        judges: options.judges,
        constitution: options.constitution,
        mode: options.panelMode ?? "pointwise",
      });
    }
  }
}

/** Options for {@linkcode armsFor}. */
export interface ArmsForOptions {
  /** Preset names. @default the kind's defaults (code: the `critiqueMode` set) */
  presets?: readonly string[];
  /** Code tasks: a `CRITIQUE_MODES` set instead of `presets`. @default "all" */
  critiqueMode?: string;
  /** Arms from an arm file: added to the presets (one with a preset's name replaces it). */
  extra?: readonly ArmInput[];
  /** Rounds for every loop arm. @default each arm's own */
  rounds?: number;
  /** The part registry. @default the built-ins */
  parts?: ArmParts;
}

/**
 * The arms of a run on a task kind: presets (or the kind's defaults) plus arm-file arms.
 *
 * @param taskKind The task kind.
 * @param options Presets, critique mode, extra arms, rounds.
 * @returns Validated arms.
 * @throws {TypeError} for an unknown preset, critique mode or part, or a part that does not fit.
 *
 * @example
 * ```ts
 * import { armsFor } from "./bench_setup.ts";
 * const arms = armsFor("answer", { presets: ["baseline"], extra: [{ name: "mine", critic: "self" }] });
 * if (arms.map((a) => a.name).join() !== "baseline,mine") throw new Error();
 * ```
 */
export function armsFor(taskKind: string, options: ArmsForOptions = {}): Arm[] {
  let presets = options.presets;
  if (!presets && options.critiqueMode !== undefined) {
    if (taskKind !== "code") {
      throw new TypeError(`Cannot use a critique mode on a ${taskKind} task: name the arms`);
    }
    presets = CRITIQUE_MODES[options.critiqueMode];
    if (!presets) {
      throw new TypeError(
        `Cannot use critique mode "${options.critiqueMode}": known modes are ${
          Object.keys(CRITIQUE_MODES).join(", ")
        }`,
      );
    }
  }
  presets ??= DEFAULT_ARMS[taskKind] ?? ["baseline"];
  const extra = options.extra ?? [];
  const replaced = new Set(extra.map((a) => a.name));
  const list: (string | ArmInput)[] = presets.map((name) =>
    replaced.has(name) ? extra.find((a) => a.name === name)! : name
  );
  for (const arm of extra) if (!presets.includes(arm.name)) list.push(arm);
  return resolveArms(list, { rounds: options.rounds, taskKind, parts: options.parts });
}

/** Simulated behaviour shared by every kind's planning models. */
export interface SimulatedModelsOptions {
  /** Code: the student's repair probability given feedback. @default 0.6 */
  repair?: number;
  /** Code: the symmetric critic/judge's false-accept rate. @default 0.3 */
  falseAccept?: number;
  /** Code: the symmetric critic/judge's false-reject rate. @default 0.2 */
  falseReject?: number;
  /** Code: the asymmetric judge's false-accept rate. @default 0.05 */
  judgeFalseAccept?: number;
  /** Code: the asymmetric judge's false-reject rate. @default 0.05 */
  judgeFalseReject?: number;
  /** Open tasks: the panel's size. @default 2 */
  panelSize?: number;
}

/** The simulated models of a planning run. */
export interface SimulatedModels {
  /** The student (and symmetric critic/judge). */
  student: Provider;
  /** The stronger asymmetric critic/judge. */
  judge: Provider;
  /** Open tasks: the panel's judges. */
  panel: Provider[];
}

/**
 * A simulated model's name: the base name, plus the settings that differ from the defaults
 * (`sim{repair=0.3}`). The name is part of a run's identity, so runs with other simulated
 * behaviour never resume into each other, and `bench compare` names the difference.
 *
 * @param base "sim" or "sim-strong-judge".
 * @param settings The model's settings.
 * @param defaults Their defaults.
 * @returns The name.
 *
 * @example
 * ```ts
 * import { simulatedModelName } from "./bench_setup.ts";
 * if (simulatedModelName("sim", { repair: 0.6 }, { repair: 0.6 }) !== "sim") throw new Error();
 * if (simulatedModelName("sim", { repair: 0.3 }, { repair: 0.6 }) !== "sim{repair=0.3}") throw new Error();
 * ```
 */
export function simulatedModelName(
  base: string,
  settings: Record<string, number>,
  defaults: Record<string, number>,
): string {
  const changed = Object.entries(settings).filter(([k, v]) => v !== defaults[k]);
  return changed.length ? `${base}{${changed.map(([k, v]) => `${k}=${v}`).join(",")}}` : base;
}

/**
 * The simulated models for a dataset of any kind (planning only: label every output SIMULATED).
 * Answer tasks use the defaults of `createSimulatedAnswerProvider` (a planning assumption that
 * reproduces the pattern of Huang et al. 2024) and a stronger judge with false alarms 0.05 and
 * misses 0.15.
 *
 * @param dataset The loaded dataset.
 * @param options Code-task rates and the open panel's size.
 * @returns Student, judge and panel.
 *
 * @example
 * ```ts
 * import { simulatedModels } from "./bench_setup.ts";
 * const m = simulatedModels({ kind: "open", items: [{ id: "o", prompt: "Explain DNS." }] });
 * if (m.panel.length !== 2 || m.student.name !== "sim") throw new Error();
 * ```
 */
export function simulatedModels(
  dataset: TaskDataset,
  options: SimulatedModelsOptions = {},
): SimulatedModels {
  const panelOf = (p: { withOptions(o: { model: string }): Provider }) =>
    Array.from(
      { length: options.panelSize ?? 2 },
      (_, j) => p.withOptions({ model: `sim-judge-${j + 1}` }),
    );
  if (dataset.kind === "code") {
    const student = {
      repair: options.repair ?? 0.6,
      falseAccept: options.falseAccept ?? 0.3,
      falseReject: options.falseReject ?? 0.2,
    };
    const strong = {
      falseAccept: options.judgeFalseAccept ?? 0.05,
      falseReject: options.judgeFalseReject ?? 0.05,
    };
    const sim = createSimulatedProvider(dataset.items, {
      ...student,
      model: simulatedModelName("sim", student, {
        repair: 0.6,
        falseAccept: 0.3,
        falseReject: 0.2,
      }),
    });
    const judge = sim.withOptions({
      repair: student.repair,
      ...strong,
      model: simulatedModelName("sim-strong-judge", strong, {
        falseAccept: 0.05,
        falseReject: 0.05,
      }),
    });
    return { student: sim, judge, panel: [judge] };
  }
  if (dataset.kind === "answer") {
    const sim = createSimulatedAnswerProvider(dataset.items);
    const judge = sim.withOptions({ falseAlarm: 0.05, miss: 0.15, model: "sim-strong-judge" });
    return { student: sim, judge, panel: [judge] };
  }
  const sim = createSimulatedOpenProvider(dataset.items);
  const judge = sim.withOptions({ criticNoise: 0.02, judgeNoise: 0.05, model: "sim-strong-judge" });
  return { student: sim, judge, panel: panelOf(sim) };
}

/**
 * Choosing the models of a `bench` or `bench pool` run from its flags (shared by both commands).
 *
 * @module
 */
import type { Provider } from "../lib/providers/types.ts";
import type { TaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { simulatedModels } from "../lib/bench/bench_setup.ts";
import { numberFlag, type parseFlags, UsageError, warn } from "./_cli.ts";
import { providerFromFlags } from "./cai_resolve.ts";

type FlagValues = ReturnType<typeof parseFlags>["values"];

/**
 * The student, the judge and the judge panel of a bench or pool run: simulated (`--provider sim`,
 * with the `--sim-*` and `--judge-false-*` rates) or real providers from their specs.
 *
 * @param values Parsed flags.
 * @param dataset The loaded dataset (the simulated models are built over its items).
 * @param providerSpec The student's provider spec.
 * @returns The models.
 * @throws {UsageError} for a simulated judge with a real student.
 */
export async function modelsFromFlags(
  values: FlagValues,
  dataset: TaskDataset,
  providerSpec: string,
): Promise<{ provider: Provider; judgeProvider?: Provider; panel: Provider[] }> {
  const judgeSpec = values["judge-provider"] as string | undefined;
  const replay = values.replay === true;
  if (providerSpec !== "sim") {
    if (judgeSpec === "sim" || String(values.judges ?? "").split(",").includes("sim")) {
      throw new UsageError(
        "a simulated judge needs --provider sim (the simulated judge reads the simulated student's answers)",
      );
    }
    const provider = await providerFromFlags(
      providerSpec,
      values.model as string | undefined,
      replay,
    );
    const judgeProvider = judgeSpec
      ? await providerFromFlags(judgeSpec, values["judge-model"] as string | undefined, replay)
      : undefined;
    const panel = values.judges === undefined ? [judgeProvider ?? provider] : await Promise.all(
      String(values.judges).split(",").map((spec) =>
        providerFromFlags(spec.trim(), undefined, replay)
      ),
    );
    return { provider, judgeProvider, panel };
  }
  if (values["provider"] === undefined) {
    warn("no --provider given: running SIMULATED (simulated student and judges, real scoring)");
  }
  const sim = simulatedModels(dataset, {
    repair: numberFlag(values, "sim-repair", 0.6, 0, 1),
    falseAccept: numberFlag(values, "sim-false-accept", 0.3, 0, 1),
    falseReject: numberFlag(values, "sim-false-reject", 0.2, 0, 1),
    judgeFalseAccept: numberFlag(values, "judge-false-accept", 0.05, 0, 1),
    judgeFalseReject: numberFlag(values, "judge-false-reject", 0.05, 0, 1),
  });
  return { provider: sim.student, judgeProvider: sim.judge, panel: sim.panel };
}

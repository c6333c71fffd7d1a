/**
 * `mergeBenchmarkRuns(dirs, outDir)`: combines the outputs of sharded runs (`--shard i/n` on several
 * machines or a scheduler's job array) into the summary one machine would have produced.
 *
 * @module
 */
import { basename } from "node:path";
import { z } from "zod";
import { ArmSchema } from "./arms.ts";
import { zodOf } from "../schemas/zod_of.ts";
import { ItemResultSchema, resultKey } from "./records.ts";
import type { ItemResult } from "./records.ts";
import { type BenchSummary, BenchSummarySchema, summarizeBenchmark } from "./summary.ts";
import { renderReport } from "./report.ts";
import { InputError, readJsonInput, readJsonl } from "../util/jsonl.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { stableStringify } from "../util/hash.ts";

const ShardManifestSchema = z.object({
  seeds: z.array(z.number().int()),
  simulated: z.boolean().optional(),
  parameters: z.object({
    arms: z.array(zodOf(ArmSchema)),
    shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
    task: z.string().optional(),
    scoring: z.object({ mode: z.string().optional() }).passthrough().optional(),
    answerKey: z.record(z.string(), z.array(z.string())).optional(),
  }).passthrough(),
}).passthrough();

/** Options for {@linkcode mergeBenchmarkRuns}. */
export interface MergeOptions {
  /** Run name of the merged output. @default the outDir's last segment */
  runName?: string;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
}

/**
 * Merges shard run directories into `outDir` (`items.jsonl`, `summary.json`, `report.md`,
 * `manifest.json` listing the shards).
 *
 * @param dirs Shard run directories (each with `manifest.json` and `items.jsonl`).
 * @param outDir Where to write the merged run.
 * @param options Run name, resamples.
 * @returns The merged summary.
 * @throws {InputError} when a shard's files are missing or disagree (arms, seeds, shard count,
 *   a shard given twice, or a missing shard).
 *
 * @example
 * ```ts ignore
 * import { mergeBenchmarkRuns } from "./merge_runs.ts";
 * const summary = await mergeBenchmarkRuns(["runs/s0", "runs/s1"], "runs/merged");
 * ```
 */
export async function mergeBenchmarkRuns(
  dirs: readonly string[],
  outDir: string,
  options: MergeOptions = {},
): Promise<BenchSummary> {
  if (!dirs.length) throw new TypeError("Cannot merge: no run directories given");
  let reference: z.infer<typeof ShardManifestSchema> | undefined;
  const shards = new Set<number>();
  const records = new Map<string, ItemResult>();
  const traces = new Map<string, string>();
  let first: Record<string, unknown> | undefined;
  let count = 1;
  for (const dir of dirs) {
    const path = `${dir}/manifest.json`;
    const parsed = ShardManifestSchema.safeParse(await readJsonInput(path));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(path, issue.message, { field: issue.path.join(".") });
    }
    const m = parsed.data;
    if (!reference) {
      reference = m;
      first = m as Record<string, unknown>;
      count = m.parameters.shard?.count ?? 1;
    } else {
      if (stableStringify(m.parameters.arms) !== stableStringify(reference.parameters.arms)) {
        throw new InputError(path, "its arms differ from the first shard's", {
          field: "parameters.arms",
        });
      }
      if (stableStringify(m.seeds) !== stableStringify(reference.seeds)) {
        throw new InputError(path, "its seeds differ from the first shard's", { field: "seeds" });
      }
      if ((m.parameters.shard?.count ?? 1) !== count) {
        throw new InputError(path, "its shard count differs", { field: "parameters.shard.count" });
      }
    }
    const index = m.parameters.shard?.index ?? 0;
    if (shards.has(index)) {
      throw new InputError(path, `shard ${index}/${count} is given twice`, {
        field: "parameters.shard",
      });
    }
    shards.add(index);
    for (const r of await readJsonl(`${dir}/items.jsonl`, ItemResultSchema)) {
      const key = resultKey(r);
      if (records.has(key)) {
        throw new InputError(
          `${dir}/items.jsonl`,
          `result ${r.arm}/${r.seed}/${r.id} appears in two shards`,
        );
      }
      records.set(key, r);
    }
    const text = await Deno.readTextFile(`${dir}/traces.jsonl`).catch(() => "");
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        traces.set(JSON.parse(line).traceId, line);
      } catch {
        // a torn last line of an interrupted shard: its unit has no record either
      }
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !shards.has(i));
  const arms = reference!.parameters.arms;
  const all = [...records.values()];
  const order = new Map(arms.map((a, i) => [a.name, i]));
  all.sort((a, b) =>
    (order.get(a.arm)! - order.get(b.arm)!) || a.seed - b.seed ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
  const perUnit = arms.length * reference!.seeds.length;
  const summary = summarizeBenchmark(all, arms, {
    run: options.runName ?? basename(outDir),
    simulated: reference!.simulated ?? false,
    seeds: reference!.seeds,
    items: new Set(all.map((r) => r.id)).size,
    complete: missing.length === 0 && all.length % perUnit === 0,
    resamples: options.resamples,
    task: reference!.parameters.task,
    answerKey: reference!.parameters.answerKey,
    panelMode: reference!.parameters.scoring?.mode === "pairwise" ? "pairwise" : "pointwise",
    notes: missing.length
      ? [`missing shard(s): ${missing.map((i) => `${i}/${count}`).join(", ")}`]
      : [],
  });
  BenchSummarySchema.parse(summary);
  await writeTextAtomic(
    `${outDir}/items.jsonl`,
    all.map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  // Traces in the records' order, as a single-machine run writes them.
  const ordered = all.flatMap((r) => {
    const line = r.traceId === undefined ? undefined : traces.get(r.traceId);
    return line === undefined ? [] : [line];
  });
  if (ordered.length) await writeTextAtomic(`${outDir}/traces.jsonl`, ordered.join("\n") + "\n");
  await writeJsonAtomic(`${outDir}/summary.json`, summary);
  await writeTextAtomic(`${outDir}/report.md`, renderReport(summary));
  // The first shard's run description (models, constitution, versions); the dataset hash of a
  // merged run is not known (each shard hashed its own items), so it is left out.
  const { datasetHash: _h, datasetItems: _n, runKey: _k, runId: _r, ...described } = first!;
  await writeJsonAtomic(`${outDir}/manifest.json`, {
    ...described,
    mergedFrom: [...dirs],
    shards: count,
    seeds: reference!.seeds,
    simulated: reference!.simulated ?? false,
    parameters: { ...reference!.parameters, shard: undefined },
  });
  return summary;
}

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
    scoreTests: z.enum(["hidden", "all"]).optional(),
    answerKey: z.record(z.string(), z.array(z.string())).optional(),
  }).passthrough(),
}).passthrough();

/** A manifest field every shard of one run must agree on. */
interface CheckedField {
  /** Dotted path, as named in the error. */
  path: string;
  /** What it is, for the message. */
  what: string;
  /** Reads it from a manifest. */
  get: (m: Record<string, unknown>) => unknown;
}

function at(m: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    m,
  );
}

function field(path: string, what: string): CheckedField {
  return { path, what, get: (m) => at(m, path) };
}

/**
 * The fields shards of one run share, in the order they are checked: what was run (dataset, task,
 * arms, constitution, models, seeds, sampling), by which code (library, Deno, git commit), split how.
 */
const CHECKED_FIELDS: readonly CheckedField[] = [
  field("parameters.wholeDatasetHash", "the dataset hash (all items)"),
  field("parameters.dataset", "the dataset name"),
  field("parameters.task", "the task kind"),
  field("parameters.scoring", "the scoring"),
  field("parameters.arms", "the arms"),
  field("constitutionHash", "the constitution hash"),
  field("roles", "the models"),
  field("seeds", "the seeds"),
  field("parameters.temperature", "the temperature"),
  field("parameters.sandbox", "the sandbox settings"),
  field("parameters.runnerVersion", "the test runner version"),
  field("simulated", "simulation"),
  field("libraryVersion", "the library version"),
  field("denoVersion", "the Deno version"),
  field("gitCommit", "the project revision (git commit)"),
  {
    path: "parameters.shard.count",
    what: "the shard count",
    get: (m) => at(m, "parameters.shard.count") ?? 1,
  },
];

function disagreement(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): CheckedField | undefined {
  return CHECKED_FIELDS.find((f) =>
    stableStringify(f.get(a) ?? null) !== stableStringify(f.get(b) ?? null)
  );
}

function show(value: unknown): string {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** With every shard present, shard i of n must hold the items at positions i, i + n, … of one dataset. */
function checkShardSizes(
  dirs: readonly string[],
  manifests: readonly Record<string, unknown>[],
  count: number,
): void {
  const sizes = manifests.map((m) => m.datasetItems);
  if (sizes.some((n) => typeof n !== "number")) return;
  const total = (sizes as number[]).reduce((a, b) => a + b, 0);
  manifests.forEach((m, k) => {
    const index = Number(at(m, "parameters.shard.index") ?? 0);
    const expected = Math.ceil((total - index) / count);
    if (m.datasetItems !== expected) {
      throw new InputError(
        `${dirs[k]}/manifest.json`,
        `shard ${dirs[k]} (${index}/${count}) ran ${m.datasetItems} item(s) but its share of the ` +
          `${total} items of the shards is ${expected}: the shards used different datasets or --limit`,
        { field: "datasetItems" },
      );
    }
  });
}

/** Options for {@linkcode mergeBenchmarkRuns}. */
export interface MergeOptions {
  /** Run name of the merged output. @default the outDir's last segment */
  runName?: string;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /**
   * The hash (`sha256Hex` of the items) of the whole dataset the shards must have run, as a
   * launcher computed it; each shard's `parameters.wholeDatasetHash` must equal it. @default undefined
   */
  datasetHash?: string;
}

/** Reads and checks one shard's manifest (against the launcher's dataset hash when given). */
async function readShardManifest(
  dir: string,
  datasetHash: string | undefined,
): Promise<z.infer<typeof ShardManifestSchema>> {
  const path = `${dir}/manifest.json`;
  const parsed = ShardManifestSchema.safeParse(await readJsonInput(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, issue.message, { field: issue.path.join(".") });
  }
  const whole = parsed.data.parameters.wholeDatasetHash;
  if (datasetHash !== undefined && whole !== datasetHash) {
    throw new InputError(
      path,
      `shard ${dir} ran another dataset than the launcher's (dataset hash ${show(whole)} vs ${
        show(datasetHash)
      })`,
      { field: "parameters.wholeDatasetHash" },
    );
  }
  return parsed.data;
}

/** Adds one shard's results and trace lines to the merged ones; a result seen twice is an error. */
async function collectShardOutputs(
  dir: string,
  records: Map<string, ItemResult>,
  traces: Map<string, string>,
): Promise<void> {
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

/**
 * Merges shard run directories into `outDir` (`items.jsonl`, `summary.json`, `report.md`,
 * `manifest.json` listing the shards).
 *
 * @param dirs Shard run directories (each with `manifest.json` and `items.jsonl`).
 * @param outDir Where to write the merged run.
 * @param options Run name, resamples.
 * @returns The merged summary.
 * @throws {InputError} naming the shard directory and the manifest field when a shard's files are
 *   missing or its manifest disagrees with the first shard's (dataset hash, dataset, task, scoring,
 *   arms, constitution hash, models, seeds, temperature, sandbox, library and Deno versions, git
 *   commit, shard count), when a shard is given twice, or when the shards' sizes do not split one
 *   dataset. A missing shard is not an error: the summary is marked incomplete and its notes name
 *   the missing indices.
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
  const manifests: Record<string, unknown>[] = [];
  for (const dir of dirs) {
    const path = `${dir}/manifest.json`;
    const m = await readShardManifest(dir, options.datasetHash);
    if (!reference) {
      reference = m;
      first = m as Record<string, unknown>;
      count = m.parameters.shard?.count ?? 1;
    } else {
      const field = disagreement(first!, m as Record<string, unknown>);
      if (field) {
        throw new InputError(
          path,
          `shard ${dir} disagrees with ${dirs[0]} on ${field.what} (${
            show(field.get(m as Record<string, unknown>))
          } vs ${show(field.get(first!))}); merge only shards of one run`,
          { field: field.path },
        );
      }
    }
    const index = m.parameters.shard?.index ?? 0;
    if (shards.has(index)) {
      throw new InputError(path, `shard ${index}/${count} is given twice`, {
        field: "parameters.shard",
      });
    }
    shards.add(index);
    manifests.push(m as Record<string, unknown>);
    await collectShardOutputs(dir, records, traces);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !shards.has(i));
  if (!missing.length && count > 1) checkShardSizes(dirs, manifests, count);
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
    ...(reference!.parameters.scoreTests ? { scoreTests: reference!.parameters.scoreTests } : {}),
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
  // The first shard's run description (models, constitution, versions). Each shard hashed its own
  // items; the whole dataset's hash is known when the shards recorded it (bench does).
  const { datasetHash: _h, datasetItems: _n, runKey: _k, runId: _r, ...described } = first!;
  const whole = reference!.parameters.wholeDatasetHash;
  await writeJsonAtomic(`${outDir}/manifest.json`, {
    ...described,
    ...(typeof whole === "string" ? { datasetHash: whole } : {}),
    datasetItems: manifests.reduce((n, m) => n + Number(m.datasetItems ?? 0), 0),
    mergedFrom: [...dirs],
    shards: count,
    seeds: reference!.seeds,
    simulated: reference!.simulated ?? false,
    parameters: { ...reference!.parameters, shard: undefined },
  });
  return summary;
}

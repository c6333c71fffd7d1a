/**
 * The run store of a benchmark: one output directory holding `manifest.json` (with the run key a
 * resumed run must match), an append-only `journal.jsonl` of finished units, `traces.jsonl`, and —
 * written atomically at the end — `items.jsonl`, `summary.json` and `report.md`. A killed run
 * re-opens its store and skips every unit already in the journal.
 *
 * @module
 */
import { z } from "zod";
import type { Trace } from "../schemas/trace.ts";
import { appendJsonLine, writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { parseJsonl, readTextIfExists } from "../util/jsonl.ts";
import { type ItemResult, ItemResultSchema, resultKey } from "./records.ts";

/** The run identity stored in `manifest.json`; a resumed run must match it. */
const RunKeySchema = z.object({ runKey: z.string() }).passthrough();

/** A different run already lives in the output directory. */
export class RunMismatchError extends Error {
  /**
   * Creates the error.
   *
   * @param message What differs.
   */
  constructor(message: string) {
    super(message);
    this.name = "RunMismatchError";
  }
}

/**
 * Where a run is written and how its calls are cached: the options `runBenchmark` and `runPool`
 * share.
 */
export interface RunDirOptions {
  /** Output directory (journal, cache, artifacts). Without it nothing is written. @default undefined */
  outDir?: string;
  /** Run name in outputs. @default the outDir's last segment, or the command's name */
  runName?: string;
  /** Dataset name recorded in the manifest. @default "dataset" */
  datasetName?: string;
  /** Authors are simulated: every output is labelled SIMULATED. @default false */
  simulated?: boolean;
  /**
   * Record/replay cache of LLM calls under `<outDir>/cache` (or `cacheDir`): `auto` re-uses recorded
   * calls (a resumed run repeats none), `replay` makes zero network calls and fails on a miss,
   * `off` disables it. @default "auto" when outDir is set (not for the `sim` provider), else "off"
   */
  cache?: "auto" | "record" | "replay" | "off";
  /** Cache directory. @default `<outDir>/cache` */
  cacheDir?: string;
  /** Run only shard `index` of `count` (items i with i % count === index). @default undefined */
  shard?: { index: number; count: number };
}

/** An open run store. */
export interface RunStore {
  /** Finished units from an earlier attempt, by `resultKey`. */
  readonly resumed: ReadonlyMap<string, ItemResult>;
  /** Appends a finished unit (and its trace) to the journal. */
  append(record: ItemResult, trace?: Trace): Promise<void>;
  /** Writes the final files: items, traces in the records' order, summary and report. */
  finish(records: readonly ItemResult[], summary: unknown, report: string): Promise<void>;
}

/**
 * Opens (or creates) a run store. A new directory gets its manifest from `manifest()` — called only
 * then, so a resumed run does not recompute it; an existing one must carry the same run key.
 *
 * @param outDir The output directory; undefined for a run that writes nothing.
 * @param runKey The run's identity (a hash of everything that changes results).
 * @param manifest Builds the manifest of a new run.
 * @returns The store.
 * @throws {RunMismatchError} when `outDir` holds a different run.
 *
 * @example A store without a directory keeps nothing
 * ```ts
 * import { openRunStore } from "./run_store.ts";
 * const store = await openRunStore(undefined, "k", () => Promise.resolve({}));
 * if (store.resumed.size !== 0) throw new Error();
 * ```
 */
export async function openRunStore(
  outDir: string | undefined,
  runKey: string,
  manifest: () => Promise<Record<string, unknown>>,
): Promise<RunStore> {
  const resumed = new Map<string, ItemResult>();
  if (!outDir) {
    return { resumed, append: () => Promise.resolve(), finish: () => Promise.resolve() };
  }
  const journalPath = `${outDir}/journal.jsonl`;
  const tracesPath = `${outDir}/traces.jsonl`;
  const existing = await readTextIfExists(`${outDir}/manifest.json`);
  if (existing !== undefined) {
    const parsed = RunKeySchema.safeParse(JSON.parse(existing));
    if (!parsed.success || parsed.data.runKey !== runKey) {
      throw new RunMismatchError(
        `${outDir} holds a different run (its manifest's runKey differs from this command's): ` +
          "use another --out or delete the directory",
      );
    }
    // A kill can leave a half-written last line: drop it before anything is appended after it.
    await dropTornTail(tracesPath);
    const journal = await dropTornTail(journalPath);
    if (journal) {
      const rows = parseJsonl(journal, ItemResultSchema, {
        file: journalPath,
        allowTornTail: true,
      });
      for (const r of rows) resumed.set(resultKey(r), r);
    }
  } else {
    await writeJsonAtomic(`${outDir}/manifest.json`, { ...(await manifest()), runKey });
  }
  return {
    resumed,
    async append(record, trace) {
      if (trace) await appendJsonLine(tracesPath, trace);
      await appendJsonLine(journalPath, record);
    },
    async finish(records, summary, report) {
      await writeTextAtomic(
        `${outDir}/items.jsonl`,
        records.map((r) => JSON.stringify(r)).join("\n") + "\n",
      );
      await rewriteTraces(
        tracesPath,
        records.flatMap((r) => (r.traceId === undefined ? [] : [r.traceId])),
      );
      await writeJsonAtomic(`${outDir}/summary.json`, summary);
      await writeTextAtomic(`${outDir}/report.md`, report);
    },
  };
}

/**
 * Cuts a half-written last line (no final newline) off a JSONL file, atomically, so that appending
 * to it cannot glue a new record onto the fragment.
 *
 * @param path A JSONL file (absent is fine).
 * @returns The text kept, or undefined when the file does not exist.
 *
 * @example
 * ```ts
 * import { dropTornTail } from "./run_store.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, '{"a":1}\n{"a":');
 * if ((await dropTornTail(path)) !== '{"a":1}\n') throw new Error();
 * ```
 */
export async function dropTornTail(path: string): Promise<string | undefined> {
  const text = await readTextIfExists(path);
  if (!text || text.endsWith("\n")) return text;
  const kept = text.slice(0, text.lastIndexOf("\n") + 1);
  await writeTextAtomic(path, kept);
  return kept;
}

/**
 * Rewrites `traces.jsonl` in the records' order, keeping the last trace of each trace id (a unit
 * interrupted after its trace was written reruns).
 */
async function rewriteTraces(path: string, order: readonly string[]): Promise<void> {
  const text = await readTextIfExists(path);
  if (!text) return;
  const byId = new Map<string, string>();
  const lines = text.split("\n").filter((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    try {
      const id = JSON.parse(line).traceId;
      byId.delete(id); // a re-run unit's trace replaces the earlier one, in the later position
      byId.set(id, line);
    } catch (error) {
      if (i !== lines.length - 1) throw error; // only a torn last line is tolerated
    }
  }
  // The records' order (arm, seed, item), so the file does not depend on which unit finished
  // first; traces without a record yet (an unfinished run) follow in the order they were written.
  const rank = new Map(order.map((id, k) => [id, k]));
  const sorted = [...byId.keys()]
    .map((id, k) => ({ id, key: rank.get(id) ?? order.length + k }))
    .sort((a, b) => a.key - b.key)
    .map((x) => byId.get(x.id)!);
  const out = sorted.join("\n") + "\n";
  if (out !== lines.join("\n") + "\n") await writeTextAtomic(path, out);
}

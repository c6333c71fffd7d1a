/**
 * Running a list of items through the critique–revision loop, concurrently through a limiter, with
 * a resumable journal: the run manifest is written first, the traces file is rewritten (atomically,
 * in item order) after every finished item, and a re-run with the same configuration keeps the
 * finished items of an interrupted run. The run's events (`run_start`, `progress`, `run_end`) go to
 * the loop's event sink; nothing is printed.
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import { type Trace, TraceSchema } from "../schemas/trace.ts";
import { createLimiter } from "../providers/limiter.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { sha256Hex } from "../util/hash.ts";
import { readJsonl, readTextIfExists } from "../util/jsonl.ts";
import { critiqueRevisionLoop, type LoopConfig } from "./critique_revision_loop.ts";
import { buildManifest, describeLoopConfig } from "./manifest.ts";

/** The files of a run's journal. */
export interface RunJournal {
  /** One trace per finished item (JSONL), rewritten after each. */
  traces: string;
  /** The run manifest (JSON), written before any item runs. */
  manifest: string;
}

/** Options for {@linkcode runItems}. */
export interface RunItemsOptions {
  /** Items in flight at once. @default 1 */
  concurrency?: number;
  /** Where the manifest and traces go. @default undefined (nothing is written) */
  journal?: RunJournal;
  /** Keep the finished items of an earlier run with the same run id (needs `journal`). @default false */
  resume?: boolean;
  /** Parameters recorded in the manifest and the run id beside the loop's own. @default {} */
  parameters?: Record<string, unknown>;
}

/** What {@linkcode runItems} returns. */
export interface RunItemsResult {
  /** Hash of roles, parameters, seed, constitution and items: equal runs share it. */
  runId: string;
  /** The finished items' traces, in item order (resumed ones included). */
  traces: Trace[];
  /** How many finished items came from the earlier run. */
  resumed: number;
  /** Ids of the items the abort signal stopped. */
  unfinished: string[];
  /** Finished traces that ended with an error. */
  failed: Trace[];
}

/** An earlier run that cannot be resumed with this configuration (the message says why). */
export class ResumeError extends Error {
  /**
   * Creates the error.
   *
   * @param message Why the run cannot be resumed.
   */
  constructor(message: string) {
    super(message);
    this.name = "ResumeError";
  }
}

/**
 * Runs items through {@linkcode critiqueRevisionLoop}, `concurrency` at a time. With a journal the
 * manifest is written first and the traces file after every finished item; with `resume`, finished
 * items of an earlier run with the same run id are kept (an aborted or failed item is run again).
 * The abort signal (`config.signal`) stops items in flight; they are reported as unfinished.
 *
 * @param items The items.
 * @param config The loop configuration (its `onEvent` also receives the run's events).
 * @param options Concurrency, journal, resume, extra parameters.
 * @returns Run id, traces in item order, resumed count, unfinished ids and failed traces.
 * @throws {ResumeError} when `resume` finds a journal of a different run, or traces without a
 *   manifest; {@linkcode InputError} for an unreadable traces file.
 *
 * @example Two prompts with the scripted provider, journal on disk
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { runItems } from "./run_items.ts";
 * const dir = await Deno.makeTempDir();
 * const journal = { traces: `${dir}/t.jsonl`, manifest: `${dir}/m.json` };
 * const config = {
 *   provider: createScriptedProvider(),
 *   constitution: parseConstitution("## Be kind\n\nBe kind.\n"),
 * };
 * const items = [{ id: "a", prompt: "Say hi." }, { id: "b", prompt: "Say bye." }];
 * const run = await runItems(items, config, { concurrency: 2, journal });
 * if (run.traces.map((t) => t.itemId).join() !== "a,b") throw new Error();
 * const again = await runItems(items, config, { journal, resume: true });
 * if (again.resumed !== 2 || again.runId !== run.runId) throw new Error("not resumed");
 * ```
 */
export async function runItems(
  items: Item[],
  config: LoopConfig,
  options: RunItemsOptions = {},
): Promise<RunItemsResult> {
  const { journal } = options;
  const seed = config.seed ?? 0;
  const described = describeLoopConfig(config);
  const parameters = { ...described.parameters, ...options.parameters };
  const runId = sha256Hex({
    roles: described.roles,
    parameters,
    seed,
    constitution: config.constitution.hash,
    items,
  }).slice(0, 12);
  const done = new Map<string, Trace>();
  if (journal && options.resume) {
    for (const t of await resumableTraces(journal, runId, items)) done.set(t.itemId, t);
  }
  if (journal) {
    const manifest = await buildManifest({
      ...described,
      parameters,
      seeds: seed,
      constitution: config.constitution,
      dataset: items,
      runId,
    });
    await writeJsonAtomic(journal.manifest, manifest);
  }
  const resumed = done.size;
  const unfinished = await runPending(items, done, config, {
    runId,
    resumed,
    concurrency: options.concurrency ?? 1,
    journal,
  });
  const traces = ordered(items, done);
  const failed = traces.filter((t) => t.error !== undefined);
  emit(config.onEvent, {
    type: "run_end",
    runId,
    ok: failed.length === 0 && unfinished.length === 0,
  });
  return { runId, traces, resumed, unfinished, failed };
}

/** The finished items' traces in item order. */
function ordered(items: Item[], done: Map<string, Trace>): Trace[] {
  return items.flatMap((i) => done.has(i.id) ? [done.get(i.id) as Trace] : []);
}

/**
 * Runs the items not yet done, recording each finished trace in `done` and rewriting the traces
 * file; returns the ids the abort signal stopped.
 */
async function runPending(
  items: Item[],
  done: Map<string, Trace>,
  config: LoopConfig,
  run: { runId: string; resumed: number; concurrency: number; journal?: RunJournal },
): Promise<string[]> {
  const onEvent = config.onEvent;
  let flushing: Promise<void> = Promise.resolve();
  const flushTraces = () => {
    if (!run.journal) return flushing;
    const path = run.journal.traces;
    flushing = flushing.then(() =>
      writeTextAtomic(path, ordered(items, done).map((t) => JSON.stringify(t) + "\n").join(""))
    );
    return flushing;
  };
  const todo = items.filter((i) => !done.has(i.id));
  emit(onEvent, { type: "run_start", runId: run.runId, items: items.length });
  if (run.resumed) {
    logInfo(onEvent, `resuming: ${run.resumed} of ${items.length} item(s) already done`);
  }
  emit(onEvent, { type: "progress", done: done.size, total: items.length, label: "items" });
  const limiter = createLimiter(run.concurrency);
  const signal = config.signal;
  const unfinished: string[] = [];
  await Promise.all(todo.map(async (item) => {
    let trace: Trace;
    try {
      trace = await limiter.run(() => critiqueRevisionLoop(item, config), signal);
    } catch (error) {
      if (signal?.aborted) return void unfinished.push(item.id);
      throw error;
    }
    if (trace.stopReason === "aborted") return void unfinished.push(item.id);
    done.set(item.id, trace);
    emit(onEvent, { type: "progress", done: done.size, total: items.length, label: "items" });
    await flushTraces();
  }));
  await flushTraces();
  return unfinished;
}

/** An info `log` event (fields in the order the CLI's own log events have). */
function logInfo(onEvent: EventSink | undefined, message: string): void {
  onEvent?.({ type: "log", t: Date.now(), level: "info", message });
}

/**
 * The traces of finished items from an earlier run, after checking that its manifest names the
 * same run id. Aborted and failed items are left out (they run again); so are traces of items no
 * longer in the list. No manifest and no traces: nothing to resume.
 *
 * @param journal The earlier run's journal.
 * @param runId The run id of this configuration.
 * @param items The items of this run.
 * @returns The traces to keep.
 * @throws {ResumeError} when the manifest is missing beside traces, is not JSON, or names another
 *   run; {@linkcode InputError} for a malformed traces file (a torn last line is allowed).
 *
 * @example A fresh journal resumes nothing
 * ```ts
 * import { resumableTraces } from "./run_items.ts";
 * const dir = await Deno.makeTempDir();
 * const kept = await resumableTraces({ traces: `${dir}/t.jsonl`, manifest: `${dir}/m.json` }, "r1", []);
 * if (kept.length !== 0) throw new Error();
 * ```
 */
export async function resumableTraces(
  journal: RunJournal,
  runId: string,
  items: Item[],
): Promise<Trace[]> {
  const manifestText = await readTextIfExists(journal.manifest);
  const tracesText = await readTextIfExists(journal.traces);
  if (manifestText === undefined) {
    if (tracesText !== undefined) {
      throw new ResumeError(
        `cannot resume: ${journal.traces} exists but ${journal.manifest} is missing`,
      );
    }
    return [];
  }
  let previous: string | undefined;
  try {
    previous = JSON.parse(manifestText).runId;
  } catch {
    throw new ResumeError(`cannot resume: ${journal.manifest} is not valid JSON`);
  }
  if (previous !== runId) {
    throw new ResumeError(
      `cannot resume: ${journal.manifest} is run ${previous}, but these flags make run ${runId} ` +
        `(different prompts, models, constitution or parameters); drop --resume to start over`,
    );
  }
  if (tracesText === undefined) return [];
  const ids = new Set(items.map((i) => i.id));
  const traces = await readJsonl(journal.traces, TraceSchema, { allowTornTail: true });
  return traces.filter((t) => ids.has(t.itemId) && !["aborted", "error"].includes(t.stopReason));
}

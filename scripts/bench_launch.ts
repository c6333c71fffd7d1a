/**
 * `deno task bench launch slurm|k8s|gha --shards N [bench options]`: writes a ready-to-use launcher
 * for a sharded benchmark into `<out>/launch/` (an sbatch array script, a Kubernetes Indexed Job,
 * a GitHub Actions matrix workflow), pinned to this Deno and git commit. For Slurm, `--submit`
 * submits it and `--wait` waits, then merges the shards into `<out>` (checked like `bench merge`).
 *
 * @module
 */
import { resolve } from "node:path";
import {
  EXIT,
  type FlagSpec,
  intFlag,
  parseFlags,
  UnavailableError,
  UsageError,
  warn,
} from "./_cli.ts";
import {
  githubWorkflowYaml,
  kubernetesJobYaml,
  type LaunchPlan,
  shellQuote,
  slurmScript,
} from "../lib/bench/launch.ts";
import { mergeBenchmarkRuns } from "../lib/bench/merge_runs.ts";
import { renderReport } from "../lib/bench/report.ts";
import { writeBenchmarkPlots } from "../lib/bench/write_plots.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { datasetStem } from "../lib/datasets/read_rows.ts";
import { gitState } from "../lib/loop/manifest.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { parseJsonl, readTextIfExists } from "../lib/util/jsonl.ts";

/** Help text of `deno task bench launch`. */
export const LAUNCH_HELP =
  `usage: deno task bench launch slurm|k8s|gha --shards N [launch options] [bench options]

Writes <out>/launch/: a launcher running N shards of the benchmark the bench options describe,
each as 'bench --shard auto' (Slurm, Kubernetes) or '--shard i/N' (GitHub Actions) into
<out>/shard-<i>/, pinned to this Deno and this git commit (a shard refuses other code), plus
launch.json (what was launched). Merge with: deno task bench merge --out <out> <out>/shard-*

Engines:
  slurm   <out>/launch/slurm.sbatch: a job array 0..N-1; re-run one shard: sbatch --array=I FILE
  k8s     <out>/launch/job.yaml: an Indexed Job (completions = parallelism = N) on a shared volume;
          the pod's JOB_COMPLETION_INDEX and AUTOCONSTITUTION_SHARD_COUNT=N give the shard
  gha     <out>/launch/workflow.yml: a matrix job per shard + a merge job (artifacts)

Launch options:
  --shards N              number of shards (required; at most the number of items)
  --submit                slurm: submit with sbatch (SLURM_CONF and the rest of the environment pass)
  --wait                  slurm: with --submit, wait for every shard (sbatch --wait), then merge
                          the shards into <out> (a finished shard re-submitted runs no unit again)
  --only I,J              slurm: with --submit, (re-)submit only these shard indices
  --cpus N                CPUs per shard (slurm --cpus-per-task; k8s request)
  --mem M                 memory per shard (slurm: 4G; k8s: 4Gi)
  --time T                slurm time limit per shard (e.g. 2:00:00)
  --partition P           slurm partition
  --job-name NAME         job name                               [autoconstitution-bench]
  --image IMAGE           k8s container image                    [denoland/deno:<this Deno>]
  --claim NAME            k8s PersistentVolumeClaim shared by the shards [autoconstitution-shared]
  --mount PATH            k8s mount path of the claim            [/shared]
  --project-dir PATH      k8s: the checkout on the claim         [<mount>/autoconstitution]
  --runs-on LABEL         gha runner                             [ubuntu-latest]

Every other option is passed to each shard (see 'deno task bench --help'); --cache-dir DIR on a
shared filesystem lets the shards share recorded calls.`;

const LAUNCH_FLAGS = {
  shards: { type: "string" },
  submit: { type: "boolean" },
  wait: { type: "boolean" },
  only: { type: "string" },
  cpus: { type: "string" },
  mem: { type: "string" },
  time: { type: "string" },
  partition: { type: "string" },
  "job-name": { type: "string" },
  image: { type: "string" },
  claim: { type: "string" },
  mount: { type: "string" },
  "project-dir": { type: "string" },
  "runs-on": { type: "string" },
} as const satisfies FlagSpec;

const ENGINES = ["slurm", "k8s", "gha"] as const;
type Engine = typeof ENGINES[number];

/** Flags whose value is a path (made absolute for Slurm, whose shards run from the checkout). */
const PATH_FLAGS = new Set(["dataset", "arm-file", "constitution", "prices", "cache-dir"]);

const PROJECT_DIR = resolve(new URL("..", import.meta.url).pathname);

/** The bench options as shard arguments, in a fixed order. */
function shardArgs(
  values: Record<string, unknown>,
  benchFlags: FlagSpec,
  absolute: boolean,
): string[] {
  const out: string[] = [];
  for (const name of Object.keys(benchFlags)) {
    if (name === "out" || name === "shard" || name === "help") continue;
    const value = values[name];
    if (value === undefined || value === false) continue;
    if (value === true) {
      out.push(`--${name}`);
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      out.push(`--${name}`, absolute && PATH_FLAGS.has(name) ? resolve(String(v)) : String(v));
    }
  }
  return out;
}

function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  return values[name] === undefined ? undefined : String(values[name]);
}

function checkSyntax(values: Record<string, unknown>): void {
  const patterns: [string, RegExp, string][] = [
    ["mem", /^\d+(\.\d+)?([KMGTP]i?)?$/, "a size such as 4G or 4Gi"],
    ["time", /^(\d+-)?\d+(:\d{1,2}){0,2}$/, "a Slurm time such as 90, 2:00:00 or 1-12:00:00"],
    ["partition", /^[A-Za-z0-9_.-]+$/, "a partition name"],
    ["job-name", /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a lowercase DNS label"],
  ];
  for (const [name, re, what] of patterns) {
    const raw = values[name];
    if (raw !== undefined && !re.test(String(raw))) {
      throw new UsageError(`--${name} must be ${what}: current value is ${JSON.stringify(raw)}`);
    }
  }
}

function onlyIndices(raw: unknown, shards: number): number[] | undefined {
  if (raw === undefined) return undefined;
  const list = String(raw).split(",").map((s) => s.trim());
  const out = list.map(Number);
  if (!list.length || out.some((i, k) => !/^\d+$/.test(list[k]) || i >= shards)) {
    throw new UsageError(
      `--only must list shard indices in 0..${shards - 1}: current value is ${JSON.stringify(raw)}`,
    );
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Parsed flag values. */
type FlagValues = ReturnType<typeof parseFlags>["values"];

/** Flags that do not fit the engine or each other, refused before anything is read. */
function checkLaunchFlags(engine: Engine, values: FlagValues): void {
  if (values.shards === undefined) throw new UsageError("bench launch needs --shards N");
  if (values.shard !== undefined) {
    throw new UsageError("bench launch sets each shard's --shard itself: drop --shard");
  }
  if (engine !== "slurm") {
    for (const name of ["submit", "wait", "only", "time", "partition"]) {
      if (values[name] !== undefined) throw new UsageError(`--${name} is for slurm only`);
    }
  }
  if (values.wait && !values.submit) throw new UsageError("--wait needs --submit");
  if (values.only !== undefined && !values.submit) throw new UsageError("--only needs --submit");
  checkSyntax(values);
}

/** The commit the shards are pinned to (Slurm may run an unpinned tree, with a warning). */
async function pinnedCheckout(engine: Engine): Promise<Awaited<ReturnType<typeof gitState>>> {
  const git = await gitState(PROJECT_DIR);
  if (!git.commit && engine !== "slurm") {
    throw new UsageError(
      `bench launch ${engine} needs a git checkout to pin: ${PROJECT_DIR} is not`,
    );
  }
  if (!git.commit) {
    warn(`warning: ${PROJECT_DIR} is not a git checkout; the shards are not pinned to a commit`);
  }
  if (git.dirty) {
    warn(
      `warning: ${PROJECT_DIR} has uncommitted changes; the launcher pins commit ${git.commit}, ` +
        (engine === "slurm"
          ? "but the shards run the working tree as it is then"
          : "which lacks them"),
    );
  }
  return git;
}

/** The launcher file each engine gets, under `<out>/launch/`. */
const LAUNCHER_FILES: Record<Engine, string> = {
  slurm: "slurm.sbatch",
  k8s: "job.yaml",
  gha: "workflow.yml",
};

/** The launcher's text: an sbatch array script, a Kubernetes Indexed Job, or a GitHub workflow. */
function launcherText(engine: Engine, plan: LaunchPlan, values: FlagValues): string {
  const cpus = values.cpus === undefined ? undefined : intFlag(values, "cpus", 1, 1);
  if (engine === "slurm") {
    return slurmScript(plan, {
      cpus,
      mem: stringFlag(values, "mem"),
      time: stringFlag(values, "time"),
      partition: stringFlag(values, "partition"),
      jobName: stringFlag(values, "job-name"),
    });
  }
  if (engine === "k8s") {
    return kubernetesJobYaml(plan, {
      image: stringFlag(values, "image"),
      claim: stringFlag(values, "claim"),
      mountPath: stringFlag(values, "mount"),
      projectDir: stringFlag(values, "project-dir"),
      cpus,
      mem: stringFlag(values, "mem"),
      jobName: stringFlag(values, "job-name"),
    });
  }
  return githubWorkflowYaml(plan, { runsOn: stringFlag(values, "runs-on") });
}

/**
 * Runs `deno task bench launch`.
 *
 * @param args Arguments after `launch`.
 * @param signal Aborted on Ctrl-C (stops waiting for sbatch).
 * @param benchFlags The flag specification of `bench` (the options passed to each shard).
 * @returns The exit code.
 */
export async function launchMain(
  args: string[],
  signal: AbortSignal,
  benchFlags: FlagSpec,
): Promise<number> {
  if (args[0] === undefined || args[0] === "--help" || args[0] === "-h") {
    console.log(LAUNCH_HELP);
    return args[0] === undefined ? EXIT.usage : EXIT.ok;
  }
  const engine = args[0] as Engine;
  if (!ENGINES.includes(engine)) {
    throw new UsageError(
      `bench launch needs an engine, one of ${ENGINES.join("|")}: current value is ${
        JSON.stringify(args[0])
      }`,
    );
  }
  const { values, positionals } = parseFlags(args.slice(1), { ...benchFlags, ...LAUNCH_FLAGS });
  if (values.help) {
    console.log(LAUNCH_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  checkLaunchFlags(engine, values);
  const shards = intFlag(values, "shards", 1, 1);
  const only = onlyIndices(values.only, shards);

  // The dataset is checked here, before anything is written or submitted.
  const datasetPath = stringFlag(values, "dataset") ?? "datasets/coding_hard.jsonl";
  const limit = values.limit === undefined ? undefined : intFlag(values, "limit", 0, 1);
  const dataset = await loadTaskDataset(datasetPath, { limit });
  if (shards > dataset.items.length) {
    throw new UsageError(
      `--shards ${shards} exceeds the ${dataset.items.length} item(s) of ${datasetPath}`,
    );
  }
  const providerSpec = stringFlag(values, "provider") ?? "sim";
  const datasetName = datasetStem(datasetPath);
  const givenOut = stringFlag(values, "out") ??
    `runs/${datasetName}-${providerSpec.replace(/[^a-z0-9._-]+/gi, "_")}`;
  const slurm = engine === "slurm";
  const out = slurm ? resolve(givenOut) : givenOut.replace(/\/+$/, "");

  const git = await pinnedCheckout(engine);
  const plan: LaunchPlan = {
    shards,
    out,
    benchArgs: shardArgs(values, benchFlags, slurm),
    deno: { version: Deno.version.deno, path: Deno.execPath() },
    project: { dir: PROJECT_DIR, ...git },
  };
  const datasetHash = sha256Hex(dataset.items);
  await checkEarlierLaunch(out, plan, datasetHash);
  const launcher = `${out}/launch/${LAUNCHER_FILES[engine]}`;
  await writeTextAtomic(launcher, launcherText(engine, plan, values));
  if (slurm) {
    await Deno.chmod(launcher, 0o755);
    await Deno.mkdir(`${out}/launch/logs`, { recursive: true });
  }
  await writeJsonAtomic(`${out}/launch/launch.json`, {
    engine,
    shards,
    out,
    launcher,
    benchArgs: plan.benchArgs,
    deno: plan.deno,
    project: plan.project,
    dataset: { path: datasetPath, items: dataset.items.length, hash: datasetHash },
    merge: `deno task bench merge --out ${shellQuote(out)} ${shellQuote(out)}/shard-*`,
  });
  console.log(
    `wrote ${launcher} (${shards} shard(s); Deno ${plan.deno.version}, commit ${
      git.commit ?? "none"
    })`,
  );
  if (!values.submit) {
    console.log(
      {
        slurm: `submit: sbatch ${shellQuote(launcher)}   (or re-run with --submit --wait)`,
        k8s: `run: kubectl apply -f ${shellQuote(launcher)}   (the claim must hold the checkout)`,
        gha: `use: copy ${shellQuote(launcher)} to .github/workflows/bench.yml`,
      }[engine],
    );
    console.log(`then: deno task bench merge --out ${shellQuote(out)} ${shellQuote(out)}/shard-*`);
    return EXIT.ok;
  }
  const code = await submitSlurm(launcher, { wait: values.wait === true, only, signal });
  if (!values.wait) return code;
  return await mergeShards(out, shards, {
    datasetHash,
    resamples: values.resamples === undefined ? undefined : intFlag(values, "resamples", 9999, 99),
    launcher,
  });
}

/**
 * A second launch into the same `out` (a resume, or `--only` re-running a shard) must launch the
 * same run: same shards, options, dataset, Deno and commit, so every shard runs the same code.
 */
async function checkEarlierLaunch(out: string, plan: LaunchPlan, datasetHash: string) {
  const path = `${out}/launch/launch.json`;
  const text = await readTextIfExists(path);
  if (text === undefined) return;
  const earlier = JSON.parse(text);
  const checks: [string, unknown, unknown][] = [
    ["shards", earlier.shards, plan.shards],
    ["benchArgs", earlier.benchArgs, plan.benchArgs],
    ["dataset.hash", earlier.dataset?.hash, datasetHash],
    ["deno.version", earlier.deno?.version, plan.deno.version],
    ["project.commit", earlier.project?.commit, plan.project.commit],
  ];
  for (const [field, was, now] of checks) {
    if (JSON.stringify(was) !== JSON.stringify(now)) {
      throw new UsageError(
        `${path}: the run in ${out} was launched with ${field} ${JSON.stringify(was)}, this ` +
          `launch has ${JSON.stringify(now)}; shards of one run must run the same code and ` +
          "options (restore them, or use another --out)",
      );
    }
  }
}

async function submitSlurm(
  launcher: string,
  options: { wait: boolean; only?: number[]; signal: AbortSignal },
): Promise<number> {
  const args = [
    "--parsable",
    ...(options.wait ? ["--wait"] : []),
    ...(options.only ? [`--array=${options.only.join(",")}`] : []),
    launcher,
  ];
  console.log(`sbatch ${args.map(shellQuote).join(" ")}`);
  let out;
  try {
    out = await new Deno.Command("sbatch", {
      args,
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UnavailableError("sbatch not found: is Slurm installed (and on PATH)?");
    }
    throw error;
  }
  const dec = new TextDecoder();
  const job = dec.decode(out.stdout).trim().split(";")[0];
  const stderr = dec.decode(out.stderr).trim();
  if (!job && !out.success) {
    throw new UnavailableError(`sbatch failed (exit ${out.code}): ${stderr || "no message"}`);
  }
  console.log(`job ${job}${options.wait ? ` finished (sbatch exit ${out.code})` : " submitted"}`);
  if (!out.success) warn(`sbatch: ${stderr || `exit ${out.code}`}`);
  return out.success ? EXIT.ok : EXIT.failed;
}

/** Merges the shards that finished into `out`, naming the ones to re-run. */
async function mergeShards(
  out: string,
  shards: number,
  options: { datasetHash: string; resamples?: number; launcher: string },
): Promise<number> {
  const done: string[] = [];
  const rerun: number[] = [];
  for (let i = 0; i < shards; i++) {
    const dir = `${out}/shard-${i}`;
    const summary = await readTextIfExists(`${dir}/summary.json`);
    if (summary === undefined) {
      rerun.push(i);
      continue;
    }
    done.push(dir);
    if (JSON.parse(summary).complete !== true) rerun.push(i);
  }
  if (!done.length) {
    warn(`no shard finished; see ${out}/launch/logs/`);
    return EXIT.failed;
  }
  const summary = await mergeBenchmarkRuns(done, out, {
    datasetHash: options.datasetHash,
    resamples: options.resamples,
  });
  const records = parseJsonl(await Deno.readTextFile(`${out}/items.jsonl`), ItemResultSchema);
  await writeBenchmarkPlots(out, { summary, records });
  console.log("\n" + renderReport(summary));
  console.log(`merged ${done.length} of ${shards} shard(s) into ${out}/`);
  if (rerun.length) {
    warn(
      `shard(s) ${
        rerun.join(", ")
      } did not finish (logs: ${out}/launch/logs/); re-run them alone: ` +
        `sbatch --array=${rerun.join(",")} ${shellQuote(options.launcher)} ` +
        `(or add --only ${rerun.join(",")} to this command); finished units are not re-run`,
    );
  }
  return summary.complete && !rerun.length ? EXIT.ok : EXIT.failed;
}

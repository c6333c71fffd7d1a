/**
 * Launchers for a sharded benchmark on a scheduler: a Slurm job-array script
 * ({@linkcode slurmScript}), a Kubernetes Indexed Job manifest ({@linkcode kubernetesJob}) and a
 * GitHub Actions matrix workflow ({@linkcode githubWorkflow}). Each shard runs `bench --shard auto`
 * (or an explicit `i/n`) into `<out>/shard-<i>/`, pinned to the Deno version and git commit the
 * launcher was generated from; `bench merge` then combines the shards.
 *
 * Pure text generators: `bench launch` gathers the plan and writes the files.
 *
 * @module
 */
import { stringify } from "yaml";
import { SHARD_COUNT_VAR } from "./shard_env.ts";

/** What every launcher pins: the shards, the command, the code. */
export interface LaunchPlan {
  /** Number of shards (items i with i % shards == shard index). */
  shards: number;
  /** The run's output directory; shard i writes `<out>/shard-<i>/`. */
  out: string;
  /** `bench` options passed to every shard (without `--shard` and `--out`). */
  benchArgs: readonly string[];
  /** The Deno the launcher was generated with: version, and its executable's path. */
  deno: { version: string; path: string };
  /** The project checkout: its directory and git commit (absent outside a repository). */
  project: { dir: string; commit?: string; dirty?: boolean };
}

/** Slurm resources (each becomes an `#SBATCH` line when given). */
export interface SlurmOptions {
  /** CPUs per shard (`--cpus-per-task`). @default undefined (the cluster's default) */
  cpus?: number;
  /** Memory per shard, Slurm syntax (`--mem`, e.g. `4G`). @default undefined */
  mem?: string;
  /** Time limit per shard, Slurm syntax (`--time`, e.g. `2:00:00`). @default undefined */
  time?: string;
  /** Partition (`--partition`). @default undefined (the default partition) */
  partition?: string;
  /** Job name. @default "autoconstitution-bench" */
  jobName?: string;
}

/**
 * Quotes a string for a POSIX shell (single quotes; bare when it is plainly safe).
 *
 * @param s Any string.
 * @returns A shell word that expands to exactly `s`.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./launch.ts";
 * if (shellQuote("it's") !== `'it'\\''s'` || shellQuote("a/b.jsonl") !== "a/b.jsonl") throw new Error();
 * ```
 */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

function checkPlan(plan: LaunchPlan): void {
  if (!Number.isInteger(plan?.shards) || plan.shards < 1) {
    throw new RangeError(`Cannot launch ${plan?.shards} shards: need an integer >= 1`);
  }
  if (typeof plan.out !== "string" || plan.out === "") {
    throw new TypeError(`Cannot launch into out ${JSON.stringify(plan.out)}: need a directory`);
  }
  for (const arg of plan.benchArgs) {
    if (/^--(shard|out)(=|$)/.test(arg)) {
      throw new TypeError(`Cannot launch with ${arg} in benchArgs: the launcher sets it per shard`);
    }
  }
}

/** The lines a shard script runs first: refuse to run other code than the launcher named. */
function pinLines(plan: LaunchPlan, deno: string): string[] {
  const lines = [
    `have=$(${deno} --version | head -n 1 | cut -d ' ' -f 2)`,
    `if [ "$have" != ${shellQuote(plan.deno.version)} ]; then`,
    `  echo "shard: Deno $have, but this launcher pins Deno ${plan.deno.version}" >&2; exit 3`,
    "fi",
  ];
  if (plan.project.commit) {
    lines.push(
      "if command -v git >/dev/null 2>&1; then",
      `  head=$(git -C "$PROJECT" rev-parse HEAD)`,
      `  if [ "$head" != ${plan.project.commit} ]; then`,
      `    echo "shard: $PROJECT is at $head, but this launcher pins commit ${plan.project.commit}" >&2; exit 3`,
      "  fi",
      "fi",
    );
  }
  return lines;
}

function revisionComment(plan: LaunchPlan): string {
  const commit = plan.project.commit
    ? `git commit ${plan.project.commit}${plan.project.dirty ? " (with uncommitted changes)" : ""}`
    : "no git commit (not a repository)";
  return `Deno ${plan.deno.version}, project ${plan.project.dir} at ${commit}`;
}

/**
 * A Slurm `sbatch` script running the shards as one job array (`--array=0-<n-1>`). Task i runs
 * `bench --shard auto --out <out>/shard-<i>` with `AUTOCONSTITUTION_SHARD_COUNT=n`, so a shard
 * re-submitted alone (`sbatch --array=i script`) keeps its index; its log is
 * `<out>/launch/logs/shard-<i>.out`. The script runs the Deno executable the launcher ran with (an
 * absolute path) and refuses another Deno version or git commit.
 *
 * @param plan Shards, output directory (absolute: tasks run on other nodes), options, code.
 * @param options Resources.
 * @returns The script text.
 * @throws {RangeError} for a bad shard count.
 *
 * @example
 * ```ts
 * import { slurmScript } from "./launch.ts";
 * const script = slurmScript({
 *   shards: 3, out: "/shared/runs/x", benchArgs: ["--seeds", "2"],
 *   deno: { version: "2.9.6", path: "/usr/local/bin/deno" }, project: { dir: "/shared/ac" },
 * }, { cpus: 2 });
 * if (!script.includes("#SBATCH --array=0-2") || !script.includes("--shard auto")) throw new Error();
 * ```
 */
export function slurmScript(plan: LaunchPlan, options: SlurmOptions = {}): string {
  checkPlan(plan);
  const sbatch = [
    `--job-name=${options.jobName ?? "autoconstitution-bench"}`,
    `--array=0-${plan.shards - 1}`,
    `--output=${plan.out}/launch/logs/shard-%a.out`,
    ...(options.cpus !== undefined ? [`--cpus-per-task=${options.cpus}`] : []),
    ...(options.mem !== undefined ? [`--mem=${options.mem}`] : []),
    ...(options.time !== undefined ? [`--time=${options.time}`] : []),
    ...(options.partition !== undefined ? [`--partition=${options.partition}`] : []),
  ];
  const self = `${plan.out}/launch/slurm.sbatch`;
  return [
    "#!/bin/bash",
    "# Generated by `deno task bench launch slurm` (autoconstitution).",
    `# Pinned: ${revisionComment(plan)}.`,
    `# Submit all shards:       sbatch ${shellQuote(self)}`,
    `# Re-run shard 2 alone:    sbatch --array=2 ${shellQuote(self)}`,
    `# Merge when done:         deno task bench merge --out ${shellQuote(plan.out)} ${
      shellQuote(plan.out)
    }/shard-*`,
    "# A re-submitted shard resumes from its journal: finished units never run twice.",
    ...sbatch.map((line) => `#SBATCH ${line}`),
    "set -euo pipefail",
    `export ${SHARD_COUNT_VAR}=${plan.shards}`,
    `DENO=${shellQuote(plan.deno.path)}`,
    `PROJECT=${shellQuote(plan.project.dir)}`,
    `OUT=${shellQuote(plan.out)}`,
    ...pinLines(plan, `"$DENO"`),
    `cd "$PROJECT"`,
    `exec "$DENO" run -A scripts/bench.ts --shard auto --out "$OUT/shard-$SLURM_ARRAY_TASK_ID" ${
      plan.benchArgs.map(shellQuote).join(" ")
    }`.trimEnd(),
    "",
  ].join("\n");
}

/** Options of {@linkcode kubernetesJob}. */
export interface KubernetesOptions {
  /** Container image with Deno (its tag pins the version). @default `denoland/deno:<plan's Deno>` */
  image?: string;
  /** PersistentVolumeClaim shared by every shard (holds the checkout and `<out>`). @default "autoconstitution-shared" */
  claim?: string;
  /** Where the claim is mounted. @default "/shared" */
  mountPath?: string;
  /** The project checkout inside the container. @default `<mountPath>/autoconstitution` */
  projectDir?: string;
  /** CPUs per shard (request). @default undefined */
  cpus?: number;
  /** Memory per shard (request and limit, Kubernetes syntax, e.g. `4Gi`). @default undefined */
  mem?: string;
  /** Retries of one failed index (`backoffLimitPerIndex`). @default 2 */
  retriesPerShard?: number;
  /** Job name. @default "autoconstitution-bench" */
  jobName?: string;
}

/** The Indexed Job object (see {@linkcode kubernetesJobYaml}). */
function kubernetesJob(plan: LaunchPlan, options: KubernetesOptions = {}) {
  checkPlan(plan);
  const mountPath = options.mountPath ?? "/shared";
  const projectDir = options.projectDir ?? `${mountPath}/autoconstitution`;
  const out = plan.out.startsWith("/") ? plan.out : `${projectDir}/${plan.out}`;
  const script = [
    "set -eu",
    ...pinLines(plan, "deno"),
    `exec deno run -A scripts/bench.ts --shard auto --out "$OUT/shard-$JOB_COMPLETION_INDEX" ${
      plan.benchArgs.map(shellQuote).join(" ")
    }`.trimEnd(),
  ].join("\n");
  const resources = {
    ...(options.cpus !== undefined || options.mem !== undefined
      ? {
        requests: {
          ...(options.cpus !== undefined ? { cpu: String(options.cpus) } : {}),
          ...(options.mem !== undefined ? { memory: options.mem } : {}),
        },
      }
      : {}),
    ...(options.mem !== undefined ? { limits: { memory: options.mem } } : {}),
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: options.jobName ?? "autoconstitution-bench",
      labels: { "app.kubernetes.io/name": "autoconstitution-bench" },
      annotations: {
        "autoconstitution/generated-by": "deno task bench launch k8s",
        "autoconstitution/deno-version": plan.deno.version,
        "autoconstitution/git-commit": plan.project.commit ?? "unknown",
        "autoconstitution/merge": `deno task bench merge --out ${out} ${out}/shard-*`,
      },
    },
    spec: {
      completionMode: "Indexed",
      completions: plan.shards,
      parallelism: plan.shards,
      backoffLimitPerIndex: options.retriesPerShard ?? 2,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "autoconstitution-bench" } },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "bench",
            image: options.image ?? `denoland/deno:${plan.deno.version}`,
            workingDir: projectDir,
            command: ["sh", "-c", script],
            env: [
              { name: SHARD_COUNT_VAR, value: String(plan.shards) },
              { name: "PROJECT", value: projectDir },
              { name: "OUT", value: out },
            ],
            ...(Object.keys(resources).length ? { resources } : {}),
            volumeMounts: [{ name: "shared", mountPath }],
          }],
          volumes: [{
            name: "shared",
            persistentVolumeClaim: { claimName: options.claim ?? "autoconstitution-shared" },
          }],
        },
      },
    },
  };
}

/**
 * A Kubernetes Indexed Job manifest (`completionMode: Indexed`, `completions = parallelism = n`):
 * pod i gets `JOB_COMPLETION_INDEX=i` from Kubernetes and `AUTOCONSTITUTION_SHARD_COUNT=n` from the
 * manifest, which `bench --shard auto` reads; it writes `<out>/shard-<i>/` on the shared volume
 * (a PersistentVolumeClaim holding the project checkout and the outputs). A failed index is
 * retried alone (`backoffLimitPerIndex`) and resumes from its journal. The annotations and the
 * container's first lines pin the git commit and Deno version (the image tag pins Deno too).
 *
 * @param plan Shards, output directory (relative to the checkout, or absolute in the container), code.
 * @param options Image, volume, resources.
 * @returns The manifest text, with a header naming the pinned code and how to run it.
 *
 * @example
 * ```ts
 * import { parse } from "yaml";
 * import { kubernetesJobYaml } from "./launch.ts";
 * const job = parse(kubernetesJobYaml({
 *   shards: 4, out: "runs/x", benchArgs: [],
 *   deno: { version: "2.9.6", path: "/usr/bin/deno" }, project: { dir: ".", commit: "a".repeat(40) },
 * }));
 * if (job.spec.completions !== 4 || job.spec.completionMode !== "Indexed") throw new Error();
 * ```
 */
export function kubernetesJobYaml(plan: LaunchPlan, options: KubernetesOptions = {}): string {
  const job = kubernetesJob(plan, options);
  return [
    "# Generated by `deno task bench launch k8s` (autoconstitution).",
    `# Pinned: ${revisionComment(plan)}.`,
    `# The claim "${
      job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName
    }" must hold that checkout at ${job.spec.template.spec.containers[0].workingDir}.`,
    "# Run: kubectl apply -f job.yaml; a failed index retries alone and resumes from its journal",
    "# (backoffLimitPerIndex: Kubernetes >= 1.29; on older clusters delete that line and re-run",
    "# failed indices by hand: every shard resumes, so re-applying the Job runs only what is missing).",
    `# Merge: ${job.metadata.annotations["autoconstitution/merge"]}`,
    stringify(job, { lineWidth: 0 }),
  ].join("\n");
}

/** Options of {@linkcode githubWorkflow}. */
export interface GithubOptions {
  /** Runner label. @default "ubuntu-latest" */
  runsOn?: string;
  /** Workflow name. @default "autoconstitution bench (sharded)" */
  name?: string;
}

/** The workflow object (see {@linkcode githubWorkflowYaml}). */
function githubWorkflow(plan: LaunchPlan, options: GithubOptions = {}) {
  checkPlan(plan);
  const runsOn = options.runsOn ?? "ubuntu-latest";
  const setup = [
    {
      uses: "actions/checkout@v4",
      with: { ref: plan.project.commit ?? "${{ github.sha }}" },
    },
    { uses: "denoland/setup-deno@v2", with: { "deno-version": plan.deno.version } },
  ];
  const shardOut = `${plan.out}/shard-\${{ matrix.shard }}`;
  return {
    name: options.name ?? "autoconstitution bench (sharded)",
    on: { workflow_dispatch: {} },
    jobs: {
      shard: {
        "runs-on": runsOn,
        strategy: {
          "fail-fast": false,
          matrix: { shard: Array.from({ length: plan.shards }, (_, i) => i) },
        },
        steps: [
          ...setup,
          {
            name: "bench shard",
            run: `deno run -A scripts/bench.ts --shard \${{ matrix.shard }}/${plan.shards} --out ${
              shellQuote(plan.out)
            }/shard-\${{ matrix.shard }} ${plan.benchArgs.map(shellQuote).join(" ")}`.trimEnd(),
          },
          {
            uses: "actions/upload-artifact@v4",
            if: "always()",
            with: { name: "shard-${{ matrix.shard }}", path: shardOut },
          },
        ],
      },
      merge: {
        needs: "shard",
        if: "always()",
        "runs-on": runsOn,
        steps: [
          ...setup,
          {
            uses: "actions/download-artifact@v4",
            with: { pattern: "shard-*", path: plan.out },
          },
          {
            name: "bench merge",
            run: `deno run -A scripts/bench.ts merge --out ${shellQuote(plan.out)} ${
              shellQuote(plan.out)
            }/shard-*`,
          },
          {
            uses: "actions/upload-artifact@v4",
            if: "always()",
            with: { name: "merged", path: plan.out },
          },
        ],
      },
    },
  };
}

/**
 * A GitHub Actions workflow: a matrix job running shard `i` as `bench --shard i/n` (explicit, from
 * `matrix.shard`) on the pinned commit and Deno, uploading `<out>/shard-<i>` as an artifact, and a
 * merge job that downloads every shard and runs `bench merge`. "Re-run failed jobs" re-runs only
 * the failed shards.
 *
 * @param plan Shards, output directory (relative to the checkout), options, code.
 * @param options Runner, name.
 * @returns The workflow text (save it as `.github/workflows/bench.yml`).
 *
 * @example
 * ```ts
 * import { parse } from "yaml";
 * import { githubWorkflowYaml } from "./launch.ts";
 * const wf = parse(githubWorkflowYaml({
 *   shards: 2, out: "runs/x", benchArgs: [],
 *   deno: { version: "2.9.6", path: "deno" }, project: { dir: ".", commit: "b".repeat(40) },
 * }));
 * if (wf.jobs.shard.strategy.matrix.shard.join() !== "0,1") throw new Error();
 * ```
 */
export function githubWorkflowYaml(plan: LaunchPlan, options: GithubOptions = {}): string {
  return [
    "# Generated by `deno task bench launch gha` (autoconstitution).",
    `# Pinned: ${revisionComment(plan)}.`,
    "# Save as .github/workflows/bench.yml; 'Re-run failed jobs' re-runs only the failed shards.",
    stringify(githubWorkflow(plan, options), { lineWidth: 0 }),
  ].join("\n");
}

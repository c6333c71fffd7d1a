/**
 * Sharding past one machine: `--shard auto` from a scheduler's variables, the launchers of
 * `bench launch k8s|gha` (validated as YAML, and the Kubernetes container command run for real),
 * the checked merge (each disagreeing manifest field named, exit 2), and the call cache shared by
 * concurrent processes (no partial entry is ever read; one process's call is a hit for another).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { ShardEnvError, shardFromEnv } from "../lib/bench/shard_env.ts";
import { mergeBenchmarkRuns } from "../lib/bench/merge_runs.ts";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { CacheEntrySchema, cacheKey, cachePath, cacheRequest } from "../lib/providers/cache.ts";
import { InputError } from "../lib/util/jsonl.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const dec = new TextDecoder();
const TINY = [
  "--provider",
  "sim",
  "--dataset",
  "datasets/coding_hard.jsonl",
  "--limit",
  "4",
  "--arms",
  "baseline,tests",
  "--rounds",
  "1",
  "--resamples",
  "99",
  "--ui",
  "plain",
];
/** Variables a scheduler could have leaked into the test's own environment. */
const CLEAN_ENV = {
  SLURM_ARRAY_TASK_ID: "",
  JOB_COMPLETION_INDEX: "",
  AUTOCONSTITUTION_SHARD: "",
  AUTOCONSTITUTION_SHARD_COUNT: "",
};

async function bench(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const clean = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !(k in CLEAN_ENV)),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/scripts/bench.ts`, ...args],
    cwd,
    clearEnv: true,
    env: { ...clean, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function headCommit(): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["rev-parse", "HEAD"],
    cwd: ROOT,
    stdout: "piped",
  })
    .output();
  return dec.decode(out.stdout).trim();
}

Deno.test("shardFromEnv() reads a Slurm array, pinning the count so one shard can be re-submitted alone", () => {
  assert.deepEqual(
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: "7",
      SLURM_ARRAY_TASK_MIN: "5",
      SLURM_ARRAY_TASK_COUNT: "4",
    }),
    { index: 2, count: 4, source: "slurm" },
  );
  // `sbatch --array=2` of the generated script: Slurm says count 1, the script pins 3.
  assert.deepEqual(
    shardFromEnv({
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_MIN: "2",
      SLURM_ARRAY_TASK_COUNT: "1",
      AUTOCONSTITUTION_SHARD_COUNT: "3",
    }),
    { index: 2, count: 3, source: "slurm" },
  );
  assert.throws(
    () => shardFromEnv({ SLURM_ARRAY_TASK_ID: "3", AUTOCONSTITUTION_SHARD_COUNT: "3" }),
    /need 0 <= index < count/,
  );
  assert.throws(
    () => shardFromEnv({ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "2" }),
    /SLURM_ARRAY_TASK_MIN must be a non-negative integer/,
  );
});

Deno.test("shardFromEnv() reads a Kubernetes Indexed Job and an explicit I/N, and fails clearly elsewhere", () => {
  assert.deepEqual(
    shardFromEnv({ JOB_COMPLETION_INDEX: "1", AUTOCONSTITUTION_SHARD_COUNT: "4" }),
    { index: 1, count: 4, source: "kubernetes" },
  );
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "1" }),
    /JOB_COMPLETION_INDEX but not the shard count: set AUTOCONSTITUTION_SHARD_COUNT/,
  );
  assert.deepEqual(
    shardFromEnv({ AUTOCONSTITUTION_SHARD: "0/2", SLURM_ARRAY_TASK_ID: "1" }),
    { index: 0, count: 2, source: "explicit" },
  );
  assert.throws(() => shardFromEnv({ AUTOCONSTITUTION_SHARD: "2/2" }), ShardEnvError);
  assert.throws(() => shardFromEnv({ AUTOCONSTITUTION_SHARD: "x" }), /must be I\/N/);
  assert.throws(() => shardFromEnv({}), /--shard auto found no scheduler in the environment/);
  assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: "-1" }), /non-negative integer/);
});

Deno.test("bench --shard auto runs the shard the environment names, and exits 2 outside a scheduler", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const viaEnv = await bench([...TINY, "--shard", "auto", "--out", `${tmp}/auto`], {
      JOB_COMPLETION_INDEX: "1",
      AUTOCONSTITUTION_SHARD_COUNT: "2",
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const explicit = await bench([...TINY, "--shard", "1/2", "--out", `${tmp}/explicit`]);
    assert.equal(explicit.code, 0, explicit.stderr);
    const [a, b] = await Promise.all(
      ["auto", "explicit"].map(async (d) =>
        JSON.parse(await Deno.readTextFile(`${tmp}/${d}/manifest.json`))
      ),
    );
    assert.deepEqual(a.parameters.shard, { index: 1, count: 2 });
    assert.equal(a.runKey, b.runKey, "auto and explicit are the same run");

    const outside = await bench([...TINY, "--shard", "auto", "--out", `${tmp}/none`]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /--shard auto found no scheduler/);
    await assert.rejects(() => Deno.stat(`${tmp}/none`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bench launch k8s writes an Indexed Job whose container command runs shard JOB_COMPLETION_INDEX", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const out = `${tmp}/run`;
    const r = await bench([
      "launch",
      "k8s",
      "--shards",
      "2",
      "--cpus",
      "1",
      "--mem",
      "2Gi",
      "--claim",
      "bench-pvc",
      ...TINY,
      "--out",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const text = await Deno.readTextFile(`${out}/launch/job.yaml`);
    const job = parse(text);
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.kind, "Job");
    assert.equal(job.spec.completionMode, "Indexed");
    assert.equal(job.spec.completions, 2);
    assert.equal(job.spec.parallelism, 2);
    assert.ok(job.spec.backoffLimitPerIndex >= 1, "a failed index retries alone");
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, "Never");
    const [container] = pod.containers;
    assert.equal(container.image, `denoland/deno:${Deno.version.deno}`);
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    assert.equal(env.AUTOCONSTITUTION_SHARD_COUNT, "2");
    assert.equal(container.resources.requests.cpu, "1");
    assert.equal(container.resources.limits.memory, "2Gi");
    assert.deepEqual(pod.volumes[0].persistentVolumeClaim, { claimName: "bench-pvc" });
    assert.equal(container.volumeMounts[0].name, pod.volumes[0].name);
    assert.equal(container.command[0], "sh");
    const script: string = container.command[2];
    assert.match(script, /--shard auto --out "\$OUT\/shard-\$JOB_COMPLETION_INDEX"/);
    assert.equal(job.metadata.annotations["autoconstitution/git-commit"], await headCommit());
    assert.equal(job.metadata.annotations["autoconstitution/deno-version"], Deno.version.deno);
    const plan = JSON.parse(await Deno.readTextFile(`${out}/launch/launch.json`));
    assert.equal(plan.shards, 2);
    assert.equal(plan.dataset.items, 4);

    // Run the container's command here, as Kubernetes would for index 1 (Deno on PATH).
    const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
    const bin = `${tmp}/bin`;
    await Deno.mkdir(bin);
    await Deno.symlink(Deno.execPath(), `${bin}/deno`);
    const pod1 = await new Deno.Command(container.command[0], {
      args: container.command.slice(1),
      cwd: ROOT,
      env: {
        ...env,
        PROJECT: ROOT,
        OUT: `${tmp}/pod-out`,
        JOB_COMPLETION_INDEX: "1",
        PATH: `${bin}:${denoDir}:${Deno.env.get("PATH")}`,
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = dec.decode(pod1.stderr);
    if (/but this launcher pins commit/.test(stderr)) {
      console.log(
        "HEAD moved during the test (another commit landed): the pin refused, as it should",
      );
    } else {
      assert.equal(pod1.code, 0, stderr);
      const m = JSON.parse(await Deno.readTextFile(`${tmp}/pod-out/shard-1/manifest.json`));
      assert.deepEqual(m.parameters.shard, { index: 1, count: 2 });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bench launch gha writes a matrix workflow pinned to the commit and Deno, with a merge job", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    // Run from tmp (the workflow's paths are the checkout's; the files land under tmp).
    const dataset = ["--dataset", `${ROOT}/datasets/coding_hard.jsonl`];
    const r = await bench(
      ["launch", "gha", "--shards", "3", ...TINY, ...dataset, "--out", "runs/sharded"],
      {},
      tmp,
    );
    assert.equal(r.code, 0, r.stderr);
    const text = await Deno.readTextFile(`${tmp}/runs/sharded/launch/workflow.yml`);
    // Launching again into the same out must launch the same run.
    const same = await bench(
      ["launch", "gha", "--shards", "3", ...TINY, ...dataset, "--out", "runs/sharded"],
      {},
      tmp,
    );
    assert.equal(same.code, 0, same.stderr);
    const changed = await bench(
      ["launch", "gha", "--shards", "2", ...TINY, ...dataset, "--out", "runs/sharded"],
      {},
      tmp,
    );
    assert.equal(changed.code, 2, changed.stderr);
    assert.match(
      changed.stderr,
      /launch\.json: the run in runs\/sharded was launched with shards 3/,
    );
    const wf = parse(text);
    assert.ok("workflow_dispatch" in wf.on);
    const shard = wf.jobs.shard;
    assert.deepEqual(shard.strategy.matrix.shard, [0, 1, 2]);
    assert.equal(shard.strategy["fail-fast"], false);
    const checkout = shard.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("actions/checkout")
    );
    assert.equal(checkout.with.ref, await headCommit());
    const setup = shard.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("denoland/setup-deno")
    );
    assert.equal(setup.with["deno-version"], Deno.version.deno);
    const run = shard.steps.find((s: { run?: string }) => s.run).run as string;
    assert.match(
      run,
      /--shard \$\{\{ matrix\.shard \}\}\/3 --out runs\/sharded\/shard-\$\{\{ matrix\.shard \}\}/,
    );
    assert.match(run, /--limit 4/);
    assert.equal(wf.jobs.merge.needs, "shard");
    assert.ok(
      wf.jobs.merge.steps.some((s: { run?: string }) =>
        /bench\.ts merge --out runs\/sharded runs\/sharded\/shard-\*/.test(s.run ?? "")
      ),
    );
    // Launch usage errors exit 2 and write nothing.
    for (
      const [args, message] of [
        [["launch", "nope", "--shards", "2"], /one of slurm\|k8s\|gha/],
        [["launch", "gha", ...TINY], /needs --shards N/],
        [["launch", "gha", "--shards", "9", ...TINY], /--shards 9 exceeds the 4 item/],
        [["launch", "k8s", "--shards", "2", "--submit", ...TINY], /--submit is for slurm only/],
        [["launch", "slurm", "--shards", "2", "--shard", "0/2", ...TINY], /drop --shard/],
        [["launch", "slurm", "--shards", "2", "--mem", "lots", ...TINY], /--mem must be a size/],
      ] as const
    ) {
      const bad = await bench([...args, "--out", `${tmp}/bad`]);
      assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
      await assert.rejects(() => Deno.stat(`${tmp}/bad`), Deno.errors.NotFound);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bench merge refuses shards whose manifests disagree, naming the shard and the field", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const [s0, s1, whole, other] = await Promise.all([
      bench([...TINY, "--shard", "0/2", "--out", `${tmp}/s0`]),
      bench([...TINY, "--shard", "1/2", "--out", `${tmp}/s1`]),
      bench([...TINY, "--out", `${tmp}/whole`]),
      bench([...TINY, "--limit", "5", "--shard", "1/2", "--out", `${tmp}/other`]),
    ]);
    for (const r of [s0, s1, whole, other]) assert.equal(r.code, 0, r.stderr);
    // Agreeing shards merge to the single-machine summary; the merged manifest knows the dataset.
    const summary = await mergeBenchmarkRuns([`${tmp}/s0`, `${tmp}/s1`], `${tmp}/merged`, {
      resamples: 99,
    });
    const single = BenchSummarySchema.parse(
      JSON.parse(await Deno.readTextFile(`${tmp}/whole/summary.json`)),
    );
    assert.deepEqual({ ...JSON.parse(JSON.stringify(summary)), run: "" }, { ...single, run: "" });
    const [mergedManifest, wholeManifest] = await Promise.all(
      ["merged", "whole"].map(async (d) =>
        JSON.parse(await Deno.readTextFile(`${tmp}/${d}/manifest.json`))
      ),
    );
    assert.equal(mergedManifest.datasetHash, wholeManifest.datasetHash);
    assert.equal(mergedManifest.datasetItems, 4);

    // Another --limit: another dataset, named as such (exit 2 from the CLI).
    const cli = await bench(["merge", "--out", `${tmp}/m1`, `${tmp}/s0`, `${tmp}/other`]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(
      cli.stderr,
      /other\/manifest\.json: shard .*other disagrees .* on the dataset hash/,
    );
    assert.match(cli.stderr, /field "parameters\.wholeDatasetHash"/);

    // Each checked field, changed in a copy of shard 1's manifest.
    const manifest = JSON.parse(await Deno.readTextFile(`${tmp}/s1/manifest.json`));
    // deno-lint-ignore no-explicit-any
    type Manifest = Record<string, any>; // a manifest as JSON, edited freely below
    const cases: [string, (m: Manifest) => void][] = [
      ["parameters.arms", (m) => m.parameters.arms.pop()],
      ["constitutionHash", (m) => (m.constitutionHash = "0".repeat(64))],
      ["roles", (m) => (m.roles.student.model = "bigger")],
      ["seeds", (m) => (m.seeds = [0, 1])],
      ["libraryVersion", (m) => (m.libraryVersion = "9.9.9")],
      ["parameters.shard.count", (m) => (m.parameters.shard = { index: 1, count: 3 })],
      ["gitCommit", (m) => (m.gitCommit = "f".repeat(40))],
      ["parameters.temperature", (m) => (m.parameters.temperature = 0.1)],
    ];
    for (const [field, change] of cases) {
      const dir = `${tmp}/bad-${field}`;
      await Deno.mkdir(dir);
      const m = structuredClone(manifest);
      change(m);
      await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(m));
      await Deno.copyFile(`${tmp}/s1/items.jsonl`, `${dir}/items.jsonl`);
      const error = await mergeBenchmarkRuns([`${tmp}/s0`, dir], `${tmp}/out`).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error instanceof InputError, `${field}: ${error}`);
      assert.equal(error.field, field);
      assert.ok(error.message.includes(dir), error.message);
    }
    // Shard sizes that cannot split one dataset are refused too.
    const sized = structuredClone(manifest);
    sized.datasetItems = 3;
    await Deno.mkdir(`${tmp}/sized`);
    await Deno.writeTextFile(`${tmp}/sized/manifest.json`, JSON.stringify(sized));
    await Deno.copyFile(`${tmp}/s1/items.jsonl`, `${tmp}/sized/items.jsonl`);
    await assert.rejects(
      () => mergeBenchmarkRuns([`${tmp}/s0`, `${tmp}/sized`], `${tmp}/out`),
      (e: InputError) => e.field === "datasetItems",
    );
    // A launcher's expected dataset hash is enforced.
    await assert.rejects(
      () => mergeBenchmarkRuns([`${tmp}/s0`, `${tmp}/s1`], `${tmp}/out`, { datasetHash: "x" }),
      /ran another dataset than the launcher's/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

const WRITER = `
import { withCache } from "${new URL("../lib/providers/cache.ts", import.meta.url).href}";
import { createScriptedProvider } from "${
  new URL("../lib/providers/scripted.ts", import.meta.url).href
}";
const [dir, label, n] = Deno.args;
const text = label.repeat(200_000 / label.length);
const provider = withCache(createScriptedProvider({ defaultText: text }), { dir, mode: "record" });
for (let i = 0; i < Number(n); i++) await provider.chat([{ role: "user", content: "shared" }]);
`;

Deno.test("a cache directory shared by concurrent processes never shows a partial entry, and one process's call is a hit for another", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const dir = `${tmp}/cache`;
    await Deno.writeTextFile(`${tmp}/writer.ts`, WRITER);
    const key = cacheKey(
      cacheRequest({ name: "scripted", model: "scripted" }, [{ role: "user", content: "shared" }]),
    );
    const path = cachePath(dir, key);
    const writers = ["a", "b", "c", "d"].map((label) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--config", `${ROOT}/deno.json`, `${tmp}/writer.ts`, dir, label, "60"],
        stdout: "null",
        stderr: "piped",
      }).spawn()
    );
    const finished = Promise.all(writers.map((w) => w.output()));
    let done = false;
    finished.then(() => (done = true));
    let reads = 0;
    const seen = new Set<string>();
    while (!done) {
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      const entry = CacheEntrySchema.parse(JSON.parse(text)); // a partial file would throw here
      assert.equal(entry.response.text.length, 200_000);
      assert.equal(new Set(entry.response.text).size, 1, "one writer's whole answer");
      seen.add(entry.response.text[0]);
      reads++;
    }
    for (const out of await finished) assert.equal(out.code, 0, dec.decode(out.stderr));
    assert.ok(reads > 10, `the reader raced the writers (${reads} reads)`);
    const leftovers = [...Deno.readDirSync(`${dir}/${key.slice(0, 2)}`)].map((e) => e.name);
    assert.deepEqual(leftovers, [`${key}.json`], "no temp file is left behind");

    // Another process, whose own model would fail, gets the recorded answer.
    const reader = `
import { withCache } from "${new URL("../lib/providers/cache.ts", import.meta.url).href}";
const failing = { name: "scripted", model: "scripted", chat: () => Promise.reject(new Error("called")) };
const r = await withCache(failing, { dir: Deno.args[0], mode: "auto" }).chat([{ role: "user", content: "shared" }]);
console.log(JSON.stringify({ cached: r.cached, first: r.text[0] }));
`;
    await Deno.writeTextFile(`${tmp}/reader.ts`, reader);
    const hit = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", `${ROOT}/deno.json`, `${tmp}/reader.ts`, dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(hit.code, 0, dec.decode(hit.stderr));
    const got = JSON.parse(dec.decode(hit.stdout));
    assert.equal(got.cached, true);
    assert.ok(seen.size >= 1 && "abcd".includes(got.first));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

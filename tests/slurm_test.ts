/**
 * `bench launch slurm` on a real scheduler: a single-node Slurm started as plain processes (no
 * systemd, no munge: auth/none), a 3-shard job array submitted and waited for, the merge compared
 * with a single-machine run; a second launch runs no unit again; a shard cut short and
 * re-submitted alone completes the set. Skips when Slurm (slurmctld) is not installed.
 */
import assert from "node:assert/strict";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { ItemResultSchema, resultKey } from "../lib/bench/records.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const dec = new TextDecoder();

function which(cmd: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
    try {
      if (Deno.statSync(`${dir}/${cmd}`).isFile) return `${dir}/${cmd}`;
    } catch { /* not here */ }
  }
  return undefined;
}

const SLURMCTLD = which("slurmctld");
const SLURMD = which("slurmd");
const SKIP = !SLURMCTLD || !SLURMD || !which("sbatch") || Deno.uid?.() !== 0;
if (SKIP) {
  console.log(
    "slurm_test: skipped: needs slurmctld, slurmd and sbatch (Debian: apt-get install slurm-wlm) " +
      "and root (the single-node cluster runs as SlurmUser=root)",
  );
}

function freePort(): number {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function hostname(): Promise<string> {
  const out = await new Deno.Command("hostname", { args: ["-s"], stdout: "piped" }).output();
  return dec.decode(out.stdout).trim();
}

interface Cluster {
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function sh(cmd: string, args: string[], env: Record<string, string>, cwd?: string) {
  const out = await new Deno.Command(cmd, { args, env, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Starts slurmctld + slurmd in `dir`; resolves once the node is idle (bounded wait). */
async function startSlurm(dir: string): Promise<Cluster> {
  const host = await hostname();
  for (const sub of ["state", "spool", "log"]) {
    await Deno.mkdir(`${dir}/${sub}`, { recursive: true });
  }
  const conf = `${dir}/slurm.conf`;
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=ci",
      `SlurmctldHost=${host}`,
      `SlurmctldPort=${freePort()}`,
      `SlurmdPort=${freePort()}`,
      "AuthType=auth/none",
      "CredType=cred/none",
      "SlurmUser=root",
      "SlurmdUser=root",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_CPU",
      "ReturnToService=2",
      `NodeName=${host} CPUs=2 RealMemory=20000 State=UNKNOWN`,
      "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const daemons: Deno.ChildProcess[] = [];
  const stop = async () => {
    for (const d of daemons) {
      try {
        d.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    for (const d of daemons) {
      const exited = await Promise.race([
        d.status.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!exited) {
        try {
          d.kill("SIGKILL");
        } catch { /* gone */ }
        await d.status;
      }
    }
  };
  try {
    for (const [bin, args] of [[SLURMCTLD!, ["-c", "-D"]], [SLURMD!, ["-D"]]] as const) {
      daemons.push(
        new Deno.Command(bin, { args: [...args], env, stdout: "null", stderr: "null" }).spawn(),
      );
    }
    const t0 = Date.now();
    let state = "";
    while (Date.now() - t0 < 30_000) {
      state = (await sh("sinfo", ["-h", "-N", "-o", "%T"], env)).stdout.trim();
      if (state === "idle") return { env, stop };
      await new Promise((r) => setTimeout(r, 250));
    }
    const log = await Deno.readTextFile(`${dir}/log/slurmctld.log`).catch(() => "");
    throw new Error(`Slurm did not come up in 30 s (node state "${state}"): ${log.slice(-800)}`);
  } catch (error) {
    await stop();
    throw error;
  }
}

const BENCH = [
  "--provider",
  "sim",
  "--dataset",
  "datasets/coding_hard.jsonl",
  "--limit",
  "6",
  "--seeds",
  "2",
  "--ui",
  "plain",
];

/**
 * A committed copy of this working tree (tracked and untracked, not ignored files): the launcher pins
 * a commit, and in a shared working tree another commit may land mid-test; the copy's never moves.
 */
async function snapshot(dir: string): Promise<string> {
  const files = await sh("git", ["ls-files", "-co", "--exclude-standard", "-z"], {}, ROOT);
  if (files.code !== 0) return ROOT; // no git: run in place (the launcher then pins no commit)
  for (const file of files.stdout.split("\0").filter(Boolean)) {
    const target = `${dir}/${file}`;
    await Deno.mkdir(target.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.copyFile(`${ROOT}/${file}`, target).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // deleted since listed
    });
  }
  const git = ["-c", "user.name=slurm_test", "-c", "user.email=slurm_test@invalid"];
  for (const args of [["init", "-q"], ["add", "-A"], [...git, "commit", "-q", "-m", "snapshot"]]) {
    const r = await sh("git", args, {}, dir);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  }
  return dir;
}

let project = ROOT;

async function bench(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/bench.ts", ...args],
    cwd: project,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * True when a launch failed only because another commit landed in this working tree during the
 * test (the pin refused, as it must); the rest of the test is then skipped.
 */
async function headMoved(r: { code: number; stderr: string }, out: string): Promise<boolean> {
  if (r.code === 0) return false;
  let logs = "";
  try {
    for await (const e of Deno.readDir(`${out}/launch/logs`)) {
      logs += await Deno.readTextFile(`${out}/launch/logs/${e.name}`);
    }
  } catch { /* no logs: the launch stopped before submitting */ }
  const moved = /launched with project\.commit/.test(r.stderr) ||
    /but this launcher pins commit/.test(logs);
  if (moved) console.log("slurm_test: HEAD moved during the test; the pin refused (rest skipped)");
  return moved;
}

/** summary.json without what legitimately differs between runs: the run name and timings. */
async function comparable(dir: string): Promise<unknown> {
  const s = BenchSummarySchema.parse(JSON.parse(await Deno.readTextFile(`${dir}/summary.json`)));
  return JSON.parse(JSON.stringify({ ...s, run: "<run>" }, (k, v) => (/^ms$|Ms$/.test(k) ? 0 : v)));
}

async function journalLines(dir: string): Promise<number> {
  return (await Deno.readTextFile(`${dir}/journal.jsonl`)).split("\n").filter(Boolean).length;
}

Deno.test({
  name:
    "bench launch slurm --submit --wait on a real Slurm merges to the single-machine summary, resumes without re-running, and re-runs a cut shard alone",
  ignore: SKIP,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "slurm-test-" });
    let cluster: Cluster | undefined;
    try {
      project = await snapshot(`${tmp}/project`);
      const t0 = performance.now();
      cluster = await startSlurm(`${tmp}/slurm`);
      const up = performance.now();
      console.log(`slurm up in ${((up - t0) / 1000).toFixed(1)} s`);

      const out = `${tmp}/run`;
      const launch = ["launch", "slurm", "--shards", "3", "--cpus", "1", "--submit", "--wait"];
      const [whole, first] = await Promise.all([
        bench([...BENCH, "--out", `${tmp}/whole`]),
        bench([...launch, ...BENCH, "--out", out], cluster.env),
      ]);
      console.log(
        `single machine + 3-shard array: ${((performance.now() - up) / 1000).toFixed(1)} s`,
      );
      assert.equal(whole.code, 0, whole.stderr);
      if (await headMoved(first, out)) return;
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
      assert.match(first.stdout, /merged 3 of 3 shard\(s\)/);
      assert.deepEqual(await comparable(out), await comparable(`${tmp}/whole`));
      const merged = parseJsonl(await Deno.readTextFile(`${out}/items.jsonl`), ItemResultSchema);
      const keys = merged.map(resultKey);
      assert.equal(new Set(keys).size, keys.length, "no unit appears twice");
      const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
      assert.equal(manifest.shards, 3);
      const lines = await Promise.all([0, 1, 2].map((i) => journalLines(`${out}/shard-${i}`)));
      assert.equal(lines.reduce((a, b) => a + b, 0), merged.length);

      // A second identical launch: every shard resumes from its journal and runs nothing.
      const t1 = performance.now();
      const again = await bench([...launch, ...BENCH, "--out", out], cluster.env);
      console.log(`second launch: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      if (await headMoved(again, out)) return;
      assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
      assert.deepEqual(
        await Promise.all([0, 1, 2].map((i) => journalLines(`${out}/shard-${i}`))),
        lines,
        "no unit ran again",
      );
      for (const i of [0, 1, 2]) {
        const log = await Deno.readTextFile(`${out}/launch/logs/shard-${i}.out`);
        assert.match(log, /resumed: \d+ finished unit\(s\) were not re-run/);
      }
      assert.deepEqual(await comparable(out), await comparable(`${tmp}/whole`));

      // Shard 1 as a kill leaves it: half its journal, no final files. Merging now reports it
      // missing; re-submitting shard 1 alone completes the set.
      const s1 = `${out}/shard-1`;
      const journal = (await Deno.readTextFile(`${s1}/journal.jsonl`)).split("\n").filter(Boolean);
      const kept = Math.floor(journal.length / 2);
      await Deno.writeTextFile(`${s1}/journal.jsonl`, journal.slice(0, kept).join("\n") + "\n");
      for (const f of ["items.jsonl", "summary.json", "report.md"]) await Deno.remove(`${s1}/${f}`);
      const partial = await bench([
        "merge",
        "--out",
        `${tmp}/partial`,
        `${out}/shard-0`,
        `${out}/shard-2`,
      ]);
      assert.equal(partial.code, 1);
      assert.match(partial.stdout, /missing shard\(s\): 1\/3/);
      const t2 = performance.now();
      const alone = await bench([...launch, "--only", "1", ...BENCH, "--out", out], cluster.env);
      console.log(`shard 1 re-submitted alone: ${((performance.now() - t2) / 1000).toFixed(1)} s`);
      if (await headMoved(alone, out)) return;
      assert.equal(alone.code, 0, `${alone.stdout}\n${alone.stderr}`);
      assert.match(alone.stdout, /--array=1 /);
      const rerun = parseJsonl(await Deno.readTextFile(`${s1}/journal.jsonl`), ItemResultSchema);
      assert.equal(rerun.length, journal.length, "only the missing units ran");
      assert.deepEqual(await comparable(out), await comparable(`${tmp}/whole`));
      console.log(`slurm test total: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      await cluster?.stop();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

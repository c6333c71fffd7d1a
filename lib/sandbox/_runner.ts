/**
 * The sandbox runner (internal): lays out job directories, builds the bwrap/Deno command line, runs the
 * harness and turns its authenticated records into a {@linkcode SandboxResult}.
 *
 * @module
 */
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { TestCase } from "../schemas/coding.ts";
import { type SandboxJob, SandboxJobSchema } from "./sandbox_job.ts";
import type { SandboxResult, SandboxStatus, TestOutcome } from "./sandbox_result.ts";
import { RUNNER_VERSION, type SandboxOptions, type TypeCheckMode } from "./sandbox_options.ts";
import { detectIsolation, type IsolationProbe, NO_ISOLATION_WARNING } from "./isolation.ts";
import { baseBwrapArgs, libraryBinds, SANDBOX_DENO } from "./_bwrap.ts";
import {
  CANDIDATE_FILE,
  candidateModule,
  checkEntryPoint,
  ENTRY_EXPORT,
  harnessFile,
  renderHarness,
  renderTypecheck,
  TYPECHECK_FILE,
} from "./_harness_template.ts";
import { type HarnessRecord, HeadTail, ResultScanner } from "./_output_capture.ts";
import { spawnCapped, type SpawnSpec } from "./_spawn.ts";
import { defaultNpmCacheDir, prepareNpmCache } from "./npm_cache.ts";
import { pythonArgs, pythonSupport, writePythonJob } from "./_python.ts";

/** Options after defaults and the isolation probe. */
export interface RunContext {
  timeoutMs: number;
  memoryMb: number;
  outputLimit: number;
  isolation: "bwrap" | "none";
  probe: IsolationProbe;
  typeCheck: TypeCheckMode;
  npmCacheDir: string;
  prepareNpm: boolean;
  tmpDir?: string;
  denoPath: string;
  pythonPath: string;
  signal?: AbortSignal;
  warnings: string[];
}

/** Where a job's files live on the host. */
export interface PreparedJob {
  job: SandboxJob;
  /** Host directory holding candidate and harness. */
  dir: string;
  /** Directory name inside the batch root (used in type-check diagnostics). */
  name: string;
}

/** Validates options and probes isolation once. */
export async function resolveContext(options: SandboxOptions = {}): Promise<RunContext> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(
      `Cannot run with timeoutMs as a positive number: current value is ${timeoutMs}`,
    );
  }
  const memoryMb = options.memoryMb ?? 512;
  if (!Number.isInteger(memoryMb) || memoryMb < 16) {
    throw new RangeError(
      `Cannot run with memoryMb as an integer >= 16: current value is ${memoryMb}`,
    );
  }
  const outputLimit = options.outputLimitBytes ?? 16_384;
  if (!Number.isInteger(outputLimit) || outputLimit < 64) {
    throw new RangeError(
      `Cannot run with outputLimitBytes as an integer >= 64: current value is ${outputLimit}`,
    );
  }
  const wanted = options.isolation ?? "auto";
  if (!["auto", "bwrap", "none"].includes(wanted)) {
    throw new TypeError(
      `Cannot run with isolation "auto" | "bwrap" | "none": current value is ${wanted}`,
    );
  }
  const typeCheck = options.typeCheck ?? "off";
  if (!["off", "report", "enforce"].includes(typeCheck)) {
    throw new TypeError(
      `Cannot run with typeCheck "off" | "report" | "enforce": current value is ${typeCheck}`,
    );
  }
  const denoPath = options.denoPath ?? Deno.execPath();
  const probe = wanted === "none"
    ? { level: "none" as const, libraries: [], reason: 'isolation: "none" was requested' }
    : await detectIsolation({ bwrapPath: options.bwrapPath, denoPath });
  if (wanted === "bwrap" && probe.level !== "bwrap") {
    throw new Error(`Cannot run candidate code isolated as required: ${probe.reason}`);
  }
  const isolation = probe.level;
  const warnings = isolation === "none" ? [NO_ISOLATION_WARNING] : [];
  return {
    timeoutMs,
    memoryMb,
    outputLimit,
    isolation,
    probe,
    typeCheck,
    npmCacheDir: options.npmCacheDir ?? defaultNpmCacheDir(),
    prepareNpm: options.prepareNpm ?? true,
    tmpDir: options.tmpDir,
    denoPath,
    pythonPath: options.pythonPath ?? "python3",
    signal: options.signal,
    warnings,
  };
}

/** Parses a job, naming the failing field. */
export function parseJob(job: unknown, label: string): SandboxJob {
  const parsed = SandboxJobSchema.safeParse(job);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot run ${label}: field "${issue.path.map(String).join(".")}" ${issue.message}`,
    );
  }
  if ((parsed.data.language ?? "typescript") === "typescript") {
    checkEntryPoint(parsed.data.entryPoint);
  }
  return parsed.data;
}

/**
 * Writes a job's run files into `root/run/name` (candidate, harness, import map) and, when type
 * checking, its check files into `root/check/name`. The check module exports the tests as functions,
 * so it must never be visible to a run: a candidate could import it and read the tests' source.
 */
export async function prepareJob(
  root: string,
  name: string,
  job: SandboxJob,
  typeCheck: boolean,
): Promise<PreparedJob> {
  const dir = join(root, "run", name);
  await Deno.mkdir(dir, { recursive: true });
  if (job.language === "python") {
    await writePythonJob(dir, job);
    return { job, dir, name };
  }
  const candidate = candidateModule(job.program, job.entryPoint);
  await Deno.writeTextFile(join(dir, CANDIDATE_FILE), candidate);
  await Deno.writeTextFile(
    join(dir, harnessFile(job.tests, job.setup)),
    renderHarness(job.tests, job.entryPoint, job.setup),
  );
  if (job.imports && Object.keys(job.imports).length > 0) {
    await Deno.writeTextFile(
      join(dir, "import_map.json"),
      JSON.stringify({ imports: job.imports }),
    );
  }
  if (typeCheck) {
    const check = join(root, "check", name);
    await Deno.mkdir(check, { recursive: true });
    await Deno.writeTextFile(join(check, CANDIDATE_FILE), candidate);
    await Deno.writeTextFile(
      join(check, TYPECHECK_FILE),
      renderTypecheck(job.tests, job.entryPoint, job.setup),
    );
  }
  return { job, dir, name };
}

/** Creates a fresh private root directory for one call. */
export async function makeRoot(ctx: RunContext): Promise<string> {
  const root = await Deno.makeTempDir({ dir: ctx.tmpDir, prefix: "ac-sandbox-" });
  return root;
}

/** Makes sure every npm package the jobs import is in the read-only cache. */
export async function ensureNpm(jobs: SandboxJob[], ctx: RunContext): Promise<void> {
  const specs = new Set<string>();
  for (const job of jobs) for (const spec of Object.values(job.imports ?? {})) specs.add(spec);
  if (specs.size === 0) return;
  if (ctx.prepareNpm) {
    await prepareNpmCache([...specs], { cacheDir: ctx.npmCacheDir, denoPath: ctx.denoPath });
  }
}

/** Deno flags for a given job's import policy. */
function importFlags(job: SandboxJob, importMapPath: string): string[] {
  return job.imports && Object.keys(job.imports).length > 0
    ? ["--cached-only", `--import-map=${importMapPath}`]
    : ["--no-npm"];
}

const SANDBOX_ROOT = "/w";
const SANDBOX_DENO_DIR = "/tmp/deno";

/**
 * Builds the spawn spec for a command that runs inside the sandbox with `mounts` visible. `argv`
 * receives a function mapping a host directory to where the command sees it.
 */
function sandboxSpawn(
  ctx: RunContext,
  mounts: { host: string; inside: string }[],
  argv: (where: (host: string) => string, deno: string, denoDir: string) => string[],
  options: {
    needsNpm: boolean;
    extraBinds?: string[];
    env?: Record<string, string>;
    memoryLimit?: string[];
  },
): {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  cleanup?: string;
} {
  const baseEnv: Record<string, string> = {
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    ...options.env,
  };
  const limit = options.memoryLimit ?? [];
  const wrap = (command: string, args: string[]) =>
    ctx.probe.prlimitPath && limit.length > 0
      ? { command: ctx.probe.prlimitPath, args: [...limit, "--core=0", "--", command, ...args] }
      : { command, args };
  if (ctx.isolation === "bwrap") {
    const where = (host: string) => {
      const m = mounts.find((x) => x.host === host);
      if (!m) throw new Error(`internal: ${host} is not mounted`);
      return m.inside;
    };
    const args = [...baseBwrapArgs(), ...libraryBinds(ctx.probe.libraries)];
    args.push("--ro-bind", ctx.denoPath, SANDBOX_DENO);
    for (const m of mounts) args.push("--ro-bind", m.host, m.inside);
    if (options.needsNpm) {
      args.push("--ro-bind", join(ctx.npmCacheDir, "npm"), `${SANDBOX_DENO_DIR}/npm`);
    }
    args.push(...(options.extraBinds ?? []));
    const env = {
      ...baseEnv,
      DENO_DIR: SANDBOX_DENO_DIR,
      HOME: "/tmp",
      TMPDIR: "/tmp",
      PATH: "/usr/bin:/bin",
    };
    for (const [k, v] of Object.entries(env)) args.push("--setenv", k, v);
    args.push("--chdir", mounts[0]?.inside ?? "/tmp", "--");
    args.push(...argv(where, SANDBOX_DENO, SANDBOX_DENO_DIR));
    return { ...wrap(ctx.probe.bwrapPath!, args), env: {} };
  }
  const denoDir = options.needsNpm ? ctx.npmCacheDir : join(mounts[0].host, ".deno-dir");
  const env = { ...baseEnv, DENO_DIR: denoDir, HOME: mounts[0].host, TMPDIR: mounts[0].host };
  const full = argv((host) => host, ctx.denoPath, denoDir);
  return { ...wrap(full[0], full.slice(1)), env, cwd: mounts[0].host };
}

function memoryLimitArgs(ctx: RunContext): string[] {
  // V8 reserves ~0.5 GiB of code range up front; cap data at heap + 1 GiB (measured: below ~0.6 GiB
  // Deno cannot start).
  const bytes = (ctx.memoryMb + 1024) * 1024 * 1024;
  return [`--data=${bytes}`];
}

/** Runs one prepared job and builds its verdict. */
export async function runPrepared(
  prepared: PreparedJob,
  ctx: RunContext,
  typeErrors: string[] | undefined,
): Promise<SandboxResult> {
  const { job } = prepared;
  const expected = job.tests.length;
  const warnings = [...ctx.warnings];
  const typeList = typeErrors ?? [];
  if (ctx.typeCheck === "enforce" && typeList.length > 0) {
    return notRunResult(job, ctx, {
      status: "compile_error",
      reason: `type check failed with ${typeList.length} error(s): ${typeList[0].split("\n")[0]}`,
      compileError: typeList.join("\n\n").slice(0, 4000),
      typeErrors: typeList,
    });
  }
  const key = randomBytes(32).toString("hex");
  const display = new HeadTail(ctx.outputLimit);
  const scanner = new ResultScanner(key, display);
  let spawn: { command: string; args: string[]; env: Record<string, string>; cwd?: string };
  if (job.language === "python") {
    const support = await pythonSupport(ctx.pythonPath);
    if (!support.ok) {
      return sandboxErrorResult(job, ctx, support.reason);
    }
    const py = pythonArgs(support, ctx);
    if (ctx.isolation === "none") {
      warnings.push(
        "Python has no permission system: without bwrap this candidate ran with the user's full rights, " +
          "limited only by the harness's audit hook.",
      );
    }
    spawn = sandboxSpawn(
      ctx,
      [{ host: prepared.dir, inside: `${SANDBOX_ROOT}/job` }],
      (where) => [py.python, ...py.flags, `${where(prepared.dir)}/harness.py`],
      { needsNpm: false, extraBinds: py.binds, env: py.env, memoryLimit: py.memoryLimit },
    );
  } else {
    const needsNpm = !!job.imports && Object.keys(job.imports).length > 0;
    spawn = sandboxSpawn(
      ctx,
      [{ host: prepared.dir, inside: `${SANDBOX_ROOT}/job` }],
      (where, deno) => {
        const dir = where(prepared.dir);
        return [
          deno,
          "run",
          "--quiet",
          "--no-prompt",
          "--no-config",
          "--no-lock",
          "--no-remote",
          "--no-check",
          "--no-code-cache",
          `--v8-flags=--max-old-space-size=${ctx.memoryMb}`,
          ...importFlags(job, `${dir}/import_map.json`),
          `${dir}/${harnessFile(job.tests, job.setup)}`,
        ];
      },
      { needsNpm, memoryLimit: memoryLimitArgs(ctx) },
    );
  }
  const spec: SpawnSpec = {
    ...spawn,
    stdin: key + "\n",
    timeoutMs: ctx.timeoutMs,
    outputLimit: ctx.outputLimit,
    onStdout: (c) => scanner.push(c),
    signal: ctx.signal,
  };
  const out = await spawnCapped(spec);
  scanner.end();
  if (ctx.signal?.aborted) throw ctx.signal.reason ?? new DOMException("aborted", "AbortError");
  if (scanner.forged > 0) {
    warnings.push(
      `${scanner.forged} result line(s) that did not carry this run's key (forged or corrupted) were ignored`,
    );
  }
  const stderrText = out.stderr.text();
  const verdict = judge(job.entryPoint, job.tests, scanner.records, {
    exitCode: out.exitCode,
    signal: out.signal,
    timedOut: out.timedOut,
    stderr: stderrText,
    spawnError: out.spawnError,
    timeoutMs: ctx.timeoutMs,
    memoryMb: ctx.memoryMb,
  });
  return finish({
    ...verdict,
    expected,
    typeErrors: typeList,
    stdout: display.text(),
    stderr: stderrText,
    outputBytes: display.total + out.stderr.total,
    outputTruncated: display.truncated || out.stderr.truncated,
    exitCode: out.exitCode,
    signal: out.signal,
    durationMs: Math.round(out.durationMs),
    isolation: ctx.isolation,
    warnings,
  });
}

interface Verdict {
  status: SandboxStatus;
  reason: string;
  tests: TestOutcome[];
  reported: number;
  compileError?: string;
}

function notRun(test: TestCase): TestOutcome {
  return { name: test.name, status: "not_run" };
}

const OOM =
  /Fatal JavaScript out of memory|Reached heap limit|Fatal process out of memory|JavaScript heap out of memory|Array buffer allocation failed|MemoryError|Cannot allocate memory/;

function firstLines(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? t.slice(0, max) + "…" : t;
}

/** How the sandboxed process ended, as {@linkcode judge} needs it. */
interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
  spawnError?: string;
  timeoutMs: number;
  memoryMb: number;
}

/** What the harness reported: per-test outcomes and the start, load, begin and end records. */
interface Reports {
  outcomes: TestOutcome[];
  /** Tests with a valid report. */
  reported: number;
  /** Index of the test that began and has not reported yet. */
  running: number | undefined;
  start: HarnessRecord | undefined;
  load: HarnessRecord | undefined;
  end: HarnessRecord | undefined;
  /** Reports that did not fit (unknown index, repeated, or wrong name). */
  anomalies: string[];
}

/** The parts every verdict shares: the per-test outcomes and how many were reported. */
type VerdictBase = Pick<Verdict, "tests" | "reported">;

/** Turns the authenticated records and the process outcome into a status and per-test outcomes. */
function judge(
  entryPoint: string,
  tests: TestCase[],
  records: HarnessRecord[],
  proc: ProcessOutcome,
): Verdict {
  const reports = collectReports(tests, records);
  const passed = reports.outcomes.filter((o) => o.status === "passed").length;
  const base = { tests: reports.outcomes, reported: reports.reported };
  return startFailure(base, reports, proc) ??
    (proc.timedOut ? timeoutVerdict(base, tests, reports, proc) : undefined) ??
    loadFailure(base, entryPoint, reports.load) ??
    exitVerdict(base, tests, reports, passed, proc);
}

/** Reads the records in order into per-test outcomes (not_run until reported) and the milestones. */
function collectReports(tests: TestCase[], records: HarnessRecord[]): Reports {
  const n = tests.length;
  const outcomes: TestOutcome[] = tests.map((t) => notRun(t));
  let reported = 0;
  let running: number | undefined;
  let load: HarnessRecord | undefined;
  let end: HarnessRecord | undefined;
  let start: HarnessRecord | undefined;
  const anomalies: string[] = [];
  for (const r of records) {
    if (r.k === "start") start = r;
    else if (r.k === "load") load = r;
    else if (r.k === "begin") running = Number(r.i);
    else if (r.k === "test") {
      const i = Number(r.i);
      if (
        !Number.isInteger(i) || i < 0 || i >= n || outcomes[i].status !== "not_run" ||
        r.name !== tests[i].name
      ) {
        anomalies.push(`unexpected report for test #${r.i}`);
        continue;
      }
      reported++;
      running = undefined;
      outcomes[i] = {
        name: tests[i].name,
        status: r.ok === true ? "passed" : "failed",
        ...(typeof r.errorName === "string" ? { errorName: r.errorName } : {}),
        ...(typeof r.message === "string" ? { message: r.message } : {}),
        ...(typeof r.expected === "string" ? { expected: r.expected } : {}),
        ...(typeof r.actual === "string" ? { actual: r.actual } : {}),
        ...(typeof r.ms === "number" && r.ms >= 0 ? { ms: r.ms } : {}),
      };
    } else if (r.k === "end") end = r;
  }
  return { outcomes, reported, running, start, load, end, anomalies };
}

/** A sandbox_error verdict when the sandbox or the harness never got going, else undefined. */
function startFailure(
  base: VerdictBase,
  reports: Reports,
  proc: ProcessOutcome,
): Verdict | undefined {
  if (proc.spawnError) {
    return {
      ...base,
      status: "sandbox_error",
      reason: `the sandbox could not be started: ${proc.spawnError}`,
    };
  }
  if (!reports.start && /^bwrap: /m.test(proc.stderr)) {
    return {
      ...base,
      status: "sandbox_error",
      reason: `bwrap failed: ${firstLines(proc.stderr, 300)}`,
    };
  }
  if (!reports.start && proc.exitCode === 3 && !proc.timedOut) {
    return { ...base, status: "sandbox_error", reason: "the harness did not receive its key" };
  }
  return undefined;
}

/** The timeout verdict: marks the test that was running as timed out and says where it was killed. */
function timeoutVerdict(
  base: VerdictBase,
  tests: TestCase[],
  reports: Reports,
  proc: ProcessOutcome,
): Verdict {
  const { outcomes, running, reported } = reports;
  const n = tests.length;
  if (
    running !== undefined && running >= 0 && running < n && outcomes[running].status === "not_run"
  ) {
    outcomes[running] = {
      name: tests[running].name,
      status: "timeout",
      message: `still running after ${proc.timeoutMs} ms`,
    };
  }
  const where = running !== undefined && running < n
    ? ` while running test "${tests[running].name}"`
    : reports.load
    ? ""
    : " while loading the candidate";
  return {
    ...base,
    status: "timeout",
    reason:
      `killed after the ${proc.timeoutMs} ms time limit${where} (${reported}/${n} tests reported)`,
  };
}

/**
 * A compile_error or crashed verdict when the candidate module failed to load or does not define
 * the entry point, else undefined.
 */
function loadFailure(
  base: VerdictBase,
  entryPoint: string,
  load: HarnessRecord | undefined,
): Verdict | undefined {
  if (load && load.ok === false) {
    const message = String(load.message ?? "");
    if (/Export '[^']+' is not defined in module|does not provide an export named/.test(message)) {
      return {
        ...base,
        status: "compile_error",
        reason: `the program does not define the entry point \`${entryPoint}\``,
        compileError: firstLines(`${load.errorName}: ${message}`, 4000),
      };
    }
    if (load.compile === true) {
      const swallowed = message.includes(ENTRY_EXPORT);
      return {
        ...base,
        status: "compile_error",
        reason: swallowed
          ? `syntax error: the program ends inside an unclosed block, string or comment, which swallowed the line that exports \`${entryPoint}\``
          : `the candidate could not be loaded: ${firstLines(message, 300)}`,
        compileError: firstLines(message, 4000),
      };
    }
    return {
      ...base,
      status: "crashed",
      reason: `the candidate module threw while loading (${load.errorName}): ${
        firstLines(message, 300)
      }`,
      compileError: firstLines(`${load.errorName}: ${message}`, 4000),
    };
  }
  if (load && load.ok === true && load.entryType === "undefined") {
    return {
      ...base,
      status: "compile_error",
      reason:
        `the program does not define the entry point \`${entryPoint}\` (or an unterminated comment or string swallowed the end of the program)`,
      compileError: `entry point \`${entryPoint}\` is not defined`,
    };
  }
  return undefined;
}

/**
 * The verdict once the candidate loaded and the process ended on its own: passed/failed when every
 * test was reported and the exit was clean, else memory, crashed, tests_not_run or sandbox_error.
 */
function exitVerdict(
  base: VerdictBase,
  tests: TestCase[],
  reports: Reports,
  passed: number,
  proc: ProcessOutcome,
): Verdict {
  const { outcomes, reported, running, start, end, anomalies } = reports;
  const n = tests.length;
  const complete = end !== undefined && Number(end.n) === n && reported === n &&
    anomalies.length === 0 &&
    Number(end.passed) === passed && start !== undefined && Number(start.n) === n;
  if (complete && proc.exitCode === 0 && proc.signal === null) {
    if (typeof end!.tampered === "string") {
      return {
        ...base,
        status: "failed",
        reason: `the candidate replaced the built-in ${
          end!.tampered
        }; every test from then on counts as failed (${passed}/${n} passed)`,
      };
    }
    return passed === n ? { ...base, status: "passed", reason: `all ${n} tests passed` } : {
      ...base,
      status: "failed",
      reason: `${passed}/${n} tests passed; first failure: ${firstFailure(outcomes)}`,
    };
  }
  // Inside bwrap a signal death shows as exit code 128 + n: 137 is SIGKILL (the kernel's OOM killer).
  if (OOM.test(proc.stderr) || proc.signal === "SIGKILL" || proc.exitCode === 137) {
    return {
      ...base,
      status: "memory",
      reason: `ran out of memory (limit ${proc.memoryMb} MiB heap): ${memoryLine(proc.stderr)}`,
    };
  }
  if (complete) {
    return {
      ...base,
      status: "crashed",
      reason: `all ${n} tests were reported but the process ended with ${
        proc.signal ? `signal ${proc.signal}` : `exit code ${proc.exitCode}`
      } instead of 0`,
    };
  }
  if (anomalies.length > 0) {
    return {
      ...base,
      status: "tests_not_run",
      reason: `the harness reports were inconsistent: ${anomalies[0]}`,
    };
  }
  if (proc.signal) {
    return {
      ...base,
      status: "crashed",
      reason: `killed by ${proc.signal} after ${reported}/${n} tests were reported`,
    };
  }
  if (proc.exitCode === 0) {
    return {
      ...base,
      status: "tests_not_run",
      reason:
        `the process exited with code 0 before the harness reported every test (${reported}/${n} reported)` +
        (running !== undefined && running < n
          ? `; it exited during test "${tests[running].name}"`
          : ""),
    };
  }
  const err = lastError(proc.stderr);
  return {
    ...base,
    status: start ? "crashed" : "sandbox_error",
    reason: start
      ? `the process exited with code ${proc.exitCode} after ${reported}/${n} tests were reported${
        err ? `: ${err}` : ""
      }`
      : `the harness never started (exit code ${proc.exitCode})${err ? `: ${err}` : ""}`,
  };
}

function firstFailure(outcomes: TestOutcome[]): string {
  const f = outcomes.find((o) => o.status !== "passed");
  if (!f) return "none";
  return `"${f.name}"${f.message ? ` — ${firstLines(f.message.split("\n")[0], 200)}` : ""}`;
}

function memoryLine(stderr: string): string {
  const line = stderr.split("\n").find((l) => OOM.test(l));
  return firstLines(line ?? "the process was killed", 200);
}

function lastError(stderr: string): string {
  const lines = stderr.trim().split("\n").map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => /^(error|Error|Uncaught|Traceback|\w+Error)/.test(l));
  return firstLines(err ?? lines.at(-1) ?? "", 300);
}

/** What {@linkcode finish} needs: the verdict, the expected test count and the run's facts. */
type FinishInput =
  & Verdict
  & { expected: number }
  & Pick<
    SandboxResult,
    | "typeErrors"
    | "stdout"
    | "stderr"
    | "outputBytes"
    | "outputTruncated"
    | "exitCode"
    | "signal"
    | "durationMs"
    | "isolation"
    | "warnings"
  >;

function finish(
  v: FinishInput,
): SandboxResult {
  const passedTests = v.tests.filter((t) => t.status === "passed").length;
  const failedTests = v.tests.filter((t) => t.status === "failed" || t.status === "timeout").length;
  return {
    status: v.status,
    reason: v.reason,
    tests: v.tests,
    expectedTests: v.expected,
    reportedTests: v.reported,
    passedTests,
    failedTests,
    ...(v.compileError ? { compileError: v.compileError } : {}),
    typeErrors: v.typeErrors,
    stdout: v.stdout,
    stderr: v.stderr,
    outputBytes: v.outputBytes,
    outputTruncated: v.outputTruncated,
    exitCode: v.exitCode,
    signal: v.signal,
    durationMs: v.durationMs,
    isolation: v.isolation,
    warnings: v.warnings,
    runnerVersion: RUNNER_VERSION,
  };
}

/** The result for a job that never ran: every test not run, no process, no output. */
function notRunResult(
  job: SandboxJob,
  ctx: RunContext,
  v: Pick<Verdict, "status" | "reason" | "compileError"> & { typeErrors: string[] },
): SandboxResult {
  return finish({
    ...v,
    tests: job.tests.map((t) => notRun(t)),
    expected: job.tests.length,
    reported: 0,
    stdout: "",
    stderr: "",
    outputBytes: 0,
    outputTruncated: false,
    exitCode: null,
    signal: null,
    durationMs: 0,
    isolation: ctx.isolation,
    warnings: [...ctx.warnings],
  });
}

/** The result for a job that could not even be prepared. */
export function sandboxErrorResult(
  job: SandboxJob,
  ctx: RunContext,
  reason: string,
): SandboxResult {
  return notRunResult(job, ctx, { status: "sandbox_error", reason, typeErrors: [] });
}

/**
 * Type-checks many prepared TypeScript jobs in one `deno check` per import-map group (inside the
 * sandbox: type checking resolves imports, so it is isolated too). A module-graph error (a syntax
 * error, an unresolvable import) aborts a whole `deno check`; the offending job is then recorded and
 * the rest are checked again.
 *
 * @returns Type errors per job directory name.
 */
export async function typeCheckPrepared(
  root: string,
  prepared: PreparedJob[],
  ctx: RunContext,
): Promise<Map<string, string[]>> {
  const errors = new Map<string, string[]>();
  const groups = new Map<string, PreparedJob[]>();
  for (const p of prepared) {
    if (p.job.language === "python") continue;
    errors.set(p.name, []);
    const key = JSON.stringify(p.job.imports ?? {});
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const checkRoot = join(root, "check");
  for (const [importsKey, group] of groups) {
    const imports = JSON.parse(importsKey) as Record<string, string>;
    const needsNpm = Object.keys(imports).length > 0;
    if (needsNpm) {
      await Deno.writeTextFile(join(checkRoot, "import_map.json"), JSON.stringify({ imports }));
    }
    let pending = group;
    for (let attempt = 0; pending.length > 0 && attempt < group.length + 1; attempt++) {
      const spawn = sandboxSpawn(
        ctx,
        [{ host: checkRoot, inside: SANDBOX_ROOT }],
        (where, deno) => [
          deno,
          "check",
          "--quiet",
          "--no-config",
          "--no-lock",
          "--no-remote",
          ...(needsNpm
            ? ["--cached-only", `--import-map=${where(checkRoot)}/import_map.json`]
            : ["--no-npm"]),
          ...pending.map((p) => `${where(checkRoot)}/${p.name}/${TYPECHECK_FILE}`),
        ],
        { needsNpm, memoryLimit: [] },
      );
      let stdout = "";
      const out = await spawnCapped({
        ...spawn,
        stdin: "",
        timeoutMs: Math.max(60_000, ctx.timeoutMs * 2),
        outputLimit: 4 << 20,
        onStdout: (c) => (stdout += new TextDecoder().decode(c)),
        signal: ctx.signal,
      });
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? new DOMException("aborted", "AbortError");
      const text = stdout + "\n" + out.stderr.text();
      const prefix = ctx.isolation === "bwrap" ? `file://${SANDBOX_ROOT}/` : `file://${checkRoot}/`;
      if (out.exitCode === 0) break;
      const diags = parseDiagnostics(text, prefix);
      if (diags.perJob.size > 0 || out.timedOut) {
        for (const [name, list] of diags.perJob) {
          const entry = pending.find((p) => p.name === name)?.job.entryPoint ?? "the entry point";
          const friendly = list.map((e) =>
            e.includes(ENTRY_EXPORT)
              ? `the program does not define the entry point \`${entry}\``
              : e
          );
          errors.set(name, [...(errors.get(name) ?? []), ...friendly]);
        }
        if (out.timedOut) {
          for (const p of pending) errors.get(p.name)!.push("type check timed out");
        }
        break;
      }
      // A graph error: find the job it names, record it, and check the others again.
      const culprit = pending.find((p) => text.includes(`${prefix}${p.name}/`));
      const graphError = text.split("\n").find((l) => /^error: /.test(l.trim())) ??
        text.trim().slice(0, 300);
      if (!culprit) {
        for (const p of pending) {
          errors.get(p.name)!.push(`type check could not run: ${firstLines(graphError, 300)}`);
        }
        break;
      }
      errors.get(culprit.name)!.push(firstLines(stripPrefix(text, prefix), 1500));
      pending = pending.filter((p) => p !== culprit);
    }
  }
  return errors;
}

function stripPrefix(text: string, prefix: string): string {
  return text.split(prefix).join("").replace(/^\s*Check .*$/gm, "").trim();
}

/** Splits `deno check` output into per-job diagnostics. */
function parseDiagnostics(text: string, prefix: string): { perJob: Map<string, string[]> } {
  const perJob = new Map<string, string[]>();
  const blocks = text.split(/\n(?=TS\d+ \[ERROR\])/);
  for (const block of blocks) {
    const head = block.match(/^(TS\d+) \[ERROR\]: ([\s\S]*?)\n/);
    if (!head) continue;
    const at = block.match(new RegExp(`at ${escapeRe(prefix)}([^/]+)/([^:\\s]+):(\\d+):(\\d+)`));
    if (!at) continue;
    const [, name, file, line, col] = at;
    const message = head[2].trim();
    const snippet = block.split("\n").slice(1).filter((l) =>
      !/^\s*at /.test(l) && l.trim() !== "" &&
      !/^\s*(Found \d+ errors?|error: Type checking failed)/.test(l)
    ).slice(0, 3).join("\n");
    const where = file === TYPECHECK_FILE ? "tests" : file;
    const entry = `${where}:${line}:${col} ${head[1]}: ${message}${snippet ? `\n${snippet}` : ""}`;
    perJob.set(name, [...(perJob.get(name) ?? []), entry.slice(0, 1500)]);
  }
  return { perJob };
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

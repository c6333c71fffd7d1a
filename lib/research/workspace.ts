/**
 * Where a research run lives: the problem file, the git repository, the dedicated branch, the run
 * directory, the contract files and their hashes, and the run lock.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, relative, resolve } from "node:path";
import { InputError } from "../util/jsonl.ts";
import { ResearchGit } from "./git.ts";
import { loadProblem, type Problem } from "./problem.ts";
import { RUN_FILES } from "./ledger.ts";

/** A research-level failure (baseline crash, lock held, missing providers, …). */
export class ResearchError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param options Cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "ResearchError";
  }
}

/** Options that locate a run. */
export interface LocateOptions {
  /** Run tag: the branch is `autoresearch/<tag>`. */
  tag: string;
  /** Run directory. @default "<problem dir>/.autoresearch/<tag>" */
  runDir?: string;
}

/** Everything that locates a run on disk and in git. */
export interface ResearchWorkspace {
  /** The validated problem. */
  problem: Problem;
  /** Absolute, real path of problem.yaml. */
  problemPath: string;
  /** Absolute, real path of problem.yaml's directory. */
  problemDir: string;
  /** problem.yaml's directory relative to the repository root ("" at the root). */
  problemRel: string;
  /** The repository. */
  repo: ResearchGit;
  /** The run tag. */
  tag: string;
  /** `autoresearch/<tag>`. */
  branch: string;
  /** Prefix of the run's refs: `refs/autoresearch/<tag>`. */
  refPrefix: string;
  /** Absolute run directory. */
  runDir: string;
  /** Contract files, repository-relative (problem.yaml included). */
  contracts: string[];
  /** Mutable files, repository-relative. */
  mutable: string[];
}

const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Locates a run: loads problem.yaml, opens its repository and derives the branch, refs, run
 * directory and repository-relative contract and mutable paths.
 *
 * @param problemPath Path of problem.yaml.
 * @param options Tag and run directory.
 * @returns The workspace.
 * @throws {InputError} for a bad tag or problem file; {@linkcode ResearchGitError} outside git.
 *
 * @example A bad tag is refused early
 * ```ts
 * import { openWorkspace } from "./workspace.ts";
 * let message = "";
 * try {
 *   await openWorkspace("problem.yaml", { tag: "bad tag!" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes("bad tag!")) throw new Error(message);
 * ```
 */
export async function openWorkspace(
  problemPath: string,
  options: LocateOptions,
): Promise<ResearchWorkspace> {
  const tag = options?.tag;
  if (typeof tag !== "string" || !TAG_RE.test(tag) || tag.includes("..") || tag.endsWith(".")) {
    throw new InputError(
      "--tag",
      `invalid tag ${JSON.stringify(tag)}: use letters, digits, ".", "_" or "-"`,
    );
  }
  let real: string;
  try {
    real = await Deno.realPath(problemPath);
  } catch {
    throw new InputError(problemPath, "file not found");
  }
  const problem = await loadProblem(real);
  const problemDir = dirname(real);
  const repo = await ResearchGit.open(problemDir);
  const rootReal = await Deno.realPath(repo.root);
  const problemRel = relative(rootReal, problemDir);
  const toRepo = (p: string, field: string): string => {
    const rel = relative(rootReal, resolve(problemDir, p));
    if (rel.startsWith("..")) {
      throw new InputError(real, `${field} path ${JSON.stringify(p)} is outside the repository`);
    }
    return rel.split("\\").join("/");
  };
  const contracts = [
    ...new Set([relative(rootReal, real), ...problem.readonly.map((p) => toRepo(p, "readonly"))]),
  ];
  const mutable = problem.mutable.map((p) => toRepo(p, "mutable"));
  const runDir = options.runDir ? resolve(options.runDir) : join(problemDir, ".autoresearch", tag);
  return {
    problem,
    problemPath: real,
    problemDir,
    problemRel,
    repo,
    tag,
    branch: `autoresearch/${tag}`,
    refPrefix: `refs/autoresearch/${tag}`,
    runDir,
    contracts,
    mutable,
  };
}

/**
 * sha256 of a file's bytes as hex, or `"missing"` when it does not exist.
 *
 * @param path The file.
 * @returns 64 hex characters, or "missing".
 *
 * @example Hash an empty file
 * ```ts
 * import { hashFile } from "./workspace.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/e`, "");
 * if (!(await hashFile(`${dir}/e`)).startsWith("e3b0c442")) throw new Error();
 * if (await hashFile(`${dir}/nope`) !== "missing") throw new Error();
 * ```
 */
export async function hashFile(path: string): Promise<string> {
  try {
    return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw error;
  }
}

/**
 * Hashes contract files under a worktree root.
 *
 * @param root Worktree root.
 * @param paths Repository-relative paths.
 * @returns sha256 by path.
 *
 * @example Hash one file
 * ```ts
 * import { hashContracts } from "./workspace.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.txt`, "x");
 * const h = await hashContracts(dir, ["c.txt"]);
 * if (h["c.txt"].length !== 64) throw new Error();
 * ```
 */
export async function hashContracts(
  root: string,
  paths: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) out[p] = await hashFile(join(root, p));
  return out;
}

/**
 * Lists contract files whose hash differs from the expected one.
 *
 * @param root Worktree root.
 * @param expected sha256 by repository-relative path.
 * @returns The changed paths.
 *
 * @example Detect a change
 * ```ts
 * import { changedContracts, hashContracts } from "./workspace.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.txt`, "x");
 * const h = await hashContracts(dir, ["c.txt"]);
 * await Deno.writeTextFile(`${dir}/c.txt`, "y");
 * if ((await changedContracts(dir, h)).join() !== "c.txt") throw new Error();
 * ```
 */
export async function changedContracts(
  root: string,
  expected: Record<string, string>,
): Promise<string[]> {
  const changed: string[] = [];
  for (const [p, h] of Object.entries(expected)) {
    if (await hashFile(join(root, p)) !== h) changed.push(p);
  }
  return changed;
}

/**
 * Creates the run directory with a `.gitignore` of `*`, so nothing in it ever dirties the tree.
 *
 * @param runDir The run directory.
 *
 * @example The directory ignores itself
 * ```ts
 * import { prepareRunDir } from "./workspace.ts";
 * const dir = `${await Deno.makeTempDir()}/run`;
 * await prepareRunDir(dir);
 * if ((await Deno.readTextFile(`${dir}/.gitignore`)).trim() !== "*") throw new Error();
 * ```
 */
export async function prepareRunDir(runDir: string): Promise<void> {
  for (const sub of ["", "logs", "patches"]) {
    await Deno.mkdir(join(runDir, sub), { recursive: true });
  }
  await Deno.writeTextFile(join(runDir, ".gitignore"), "*\n");
}

function pidAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the run lock (`run.lock` holding the pid). A lock whose process is gone (a killed run)
 * is taken over.
 *
 * @param runDir The run directory.
 * @returns A function that releases the lock.
 * @throws {ResearchError} when a live process holds the lock.
 *
 * @example Lock and release
 * ```ts
 * import { acquireRunLock } from "./workspace.ts";
 * const dir = await Deno.makeTempDir();
 * const release = await acquireRunLock(dir);
 * await release();
 * ```
 */
export async function acquireRunLock(runDir: string): Promise<() => Promise<void>> {
  const path = join(runDir, RUN_FILES.lock);
  await Deno.mkdir(runDir, { recursive: true });
  try {
    const held = JSON.parse(await Deno.readTextFile(path)) as { pid?: number };
    if (typeof held.pid === "number" && held.pid !== Deno.pid && pidAlive(held.pid)) {
      throw new ResearchError(`another run (pid ${held.pid}) holds ${path}`);
    }
  } catch (error) {
    if (error instanceof ResearchError) throw error;
    // missing or unreadable lock: take it
  }
  await Deno.writeTextFile(path, JSON.stringify({ pid: Deno.pid, t: new Date().toISOString() }));
  return async () => {
    await Deno.remove(path).catch(() => {});
  };
}

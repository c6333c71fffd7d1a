/**
 * The git side of a research run, through `simple-git`: refuse dirty trees, work on one dedicated
 * branch (`autoresearch/<tag>`), turn every attempt into a commit (built from the staged tree, so
 * runner output never leaks in), move the branch only to kept commits, and keep discarded attempts
 * reachable under `refs/autoresearch/<tag>/…` plus patch files. Other branches are never written.
 *
 * @module
 */
import { type SimpleGit, simpleGit } from "simple-git";

/** A git failure or a refused git state (dirty tree, wrong branch). */
export class ResearchGitError extends Error {
  /**
   * @param message What is wrong.
   * @param options Cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "ResearchGitError";
  }
}

// Note on speed: simple-git waits an extra 50 ms after any git command that prints nothing, so
// the write commands below are run in forms that print something (no `-q`, `add -v`).

/** Committer identity used when the repository has none configured. */
const FALLBACK_IDENTITY = ["user.name=autoresearch", "user.email=autoresearch@localhost"];

/**
 * A repository (or worktree) the research loop works in.
 *
 * @example Open a fresh repository and commit a file
 * ```ts
 * import { ResearchGit } from "./git.ts";
 * const dir = await Deno.makeTempDir();
 * await new Deno.Command("git", { args: ["init", "-q", dir] }).output();
 * const repo = await ResearchGit.open(dir);
 * await Deno.writeTextFile(`${dir}/a.txt`, "a\n");
 * await repo.stageAll();
 * const sha = await repo.commitTree(await repo.writeTree(), [], "first");
 * if (sha.length !== 40) throw new Error("expected a sha");
 * ```
 */
export class ResearchGit {
  /** Absolute path of the worktree root. */
  readonly root: string;
  /** The simple-git instance bound to `root`. */
  readonly git: SimpleGit;

  private constructor(root: string, git: SimpleGit) {
    this.root = root;
    this.git = git;
  }

  /**
   * Opens the repository containing `dir` (at its worktree root).
   *
   * @param dir Any directory inside the worktree.
   * @returns The repository handle.
   * @throws {ResearchGitError} when `dir` is not inside a git worktree.
   */
  static async open(dir: string): Promise<ResearchGit> {
    let root: string;
    try {
      root = (await simpleGit({ baseDir: dir }).raw(["rev-parse", "--show-toplevel"])).trim();
    } catch (error) {
      throw new ResearchGitError(`${dir} is not inside a git repository`, { cause: error });
    }
    const probe = simpleGit({ baseDir: root });
    const email = await probe.raw(["config", "user.email"]).catch(() => "");
    const git = email.trim() === ""
      ? simpleGit({ baseDir: root, config: FALLBACK_IDENTITY })
      : probe;
    return new ResearchGit(root, git);
  }

  /** Runs a raw git command and returns its trimmed output. */
  async run(args: string[]): Promise<string> {
    try {
      return (await this.git.raw(args)).trim();
    } catch (error) {
      throw new ResearchGitError(`git ${args.join(" ")} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Paths with uncommitted changes or untracked files (ignored files excluded). */
  async dirtyPaths(): Promise<string[]> {
    const out = await this.git.raw([
      "status",
      "--porcelain=v1",
      "-z",
      "--branch",
      "--untracked-files=all",
    ]);
    const paths: string[] = [];
    const parts = out.split("\0");
    for (let i = 0; i < parts.length; i++) {
      const entry = parts[i];
      if (entry.length < 4 || entry.startsWith("## ")) continue;
      paths.push(entry.slice(3));
      if (entry[0] === "R" || entry[0] === "C") i++; // the rename source follows
    }
    return paths;
  }

  /** The full sha of HEAD. */
  head(): Promise<string> {
    return this.run(["rev-parse", "HEAD"]);
  }

  /** The checked-out branch name, or undefined when HEAD is detached. */
  async currentBranch(): Promise<string | undefined> {
    const name = await this.git.raw(["symbolic-ref", "-q", "--short", "HEAD"]).catch(() => "");
    return name.trim() || undefined;
  }

  /** Resolves a ref or sha to a full sha, or undefined when it does not exist. */
  async resolve(ref: string): Promise<string | undefined> {
    const out = await this.git.raw(["rev-parse", "-q", "--verify", `${ref}^{commit}`]).catch(() =>
      ""
    );
    return out.trim() || undefined;
  }

  /** Creates `branch` at `sha` (refuses when it exists) and checks it out. */
  async createBranch(branch: string, sha: string): Promise<void> {
    if (await this.resolve(`refs/heads/${branch}`)) {
      throw new ResearchGitError(`branch ${branch} already exists`);
    }
    await this.run(["check-ref-format", "--branch", branch]);
    await this.run(["checkout", "-b", branch, sha]);
  }

  /** Checks out an existing branch (the tree must be clean). */
  async checkout(branch: string): Promise<void> {
    await this.run(["checkout", branch]);
  }

  /** Stages every change in the worktree (additions, modifications, deletions). */
  async stageAll(): Promise<void> {
    await this.run(["add", "-A", "-v", "--", "."]);
  }

  /** Paths whose staged content differs from `sha`. */
  async stagedChanges(sha: string): Promise<string[]> {
    const out = await this.run(["diff", "--cached", "--name-only", "-z", sha]);
    return out.split("\0").filter((p) => p !== "");
  }

  /** Writes the index as a tree object and returns its sha. */
  writeTree(): Promise<string> {
    return this.run(["write-tree"]);
  }

  /** Creates a commit object for `tree` with the given parents and message; returns its sha. */
  commitTree(tree: string, parents: string[], message: string): Promise<string> {
    return this.run([
      "commit-tree",
      tree,
      ...parents.flatMap((p) => ["-p", p]),
      "-m",
      message,
    ]);
  }

  /** Points `ref` at `sha` (creating or moving it). */
  async updateRef(ref: string, sha: string): Promise<void> {
    await this.run(["update-ref", ref, sha]);
  }

  /** Moves the checked-out branch, index and worktree to `sha`, and removes untracked files. */
  async resetHard(sha: string): Promise<void> {
    await this.run(["reset", "--hard", sha]);
    const status = await this.run([
      "status",
      "--porcelain=v2",
      "--branch",
      "--untracked-files=all",
    ]);
    if (status.split("\n").some((l) => l.startsWith("? "))) await this.run(["clean", "-f", "-d"]);
  }

  /** The binary-safe patch from `from` to `to`. */
  async diff(from: string, to: string): Promise<string> {
    return await this.git.raw(["diff", "--binary", from, to]);
  }

  /** The patch of the worktree (tracked changes) against HEAD. */
  async worktreeDiff(): Promise<string> {
    return await this.git.raw(["diff", "--binary", "HEAD"]);
  }

  /** The commit subjects from `sha` back along first parents (newest first). */
  async log(sha: string, max = 100): Promise<{ sha: string; subject: string }[]> {
    const out = await this.run(["log", "--first-parent", `-n${max}`, "--format=%H%x09%s", sha]);
    return out.split("\n").filter(Boolean).map((l) => {
      const [s, ...rest] = l.split("\t");
      return { sha: s, subject: rest.join("\t") };
    });
  }

  /** Refs under a prefix with the shas they point to. */
  async refs(prefix: string): Promise<{ ref: string; sha: string }[]> {
    const out = await this.run(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    return out.split("\n").filter(Boolean).map((l) => {
      const [ref, sha] = l.split(" ");
      return { ref, sha };
    });
  }

  /** Adds a detached worktree at `path` checked out at `sha`. */
  async addWorktree(path: string, sha: string): Promise<void> {
    await this.run(["worktree", "add", "-q", "--detach", "-f", path, sha]);
  }

  /** Removes a worktree (forcefully) and prunes stale worktree records. */
  async removeWorktree(path: string): Promise<void> {
    await this.git.raw(["worktree", "remove", "--force", path]).catch(() => "");
    await this.git.raw(["worktree", "prune"]).catch(() => "");
  }
}

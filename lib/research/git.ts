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
   * Creates the error.
   *
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
 * const sha = await repo.commitTree(await repo.writeTree(), { parents: [], message: "first" });
 * if (sha.length !== 40) throw new Error("expected a sha");
 * ```
 */
export class ResearchGit {
  /** Absolute path of the worktree root. */
  readonly root: string;
  /** The simple-git instance bound to `root`. */
  private readonly git: SimpleGit;
  /**
   * Tail of the queue of worktree changes. git's `worktree add`/`prune` are not safe to run
   * concurrently on one repository (an add can read another add's half-written
   * `.git/worktrees/<name>`), so parallel candidates take turns here.
   */
  private worktreeQueue: Promise<unknown> = Promise.resolve();

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

  /**
   * Runs a raw git command.
   *
   * @param args git arguments.
   * @returns The trimmed output.
   * @throws {ResearchGitError} when git fails.
   */
  async run(args: string[]): Promise<string> {
    try {
      return (await this.git.raw(args)).trim();
    } catch (error) {
      throw new ResearchGitError(`git ${args.join(" ")} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * Lists paths with uncommitted changes or untracked files (ignored files excluded).
   *
   * @returns Repository-relative paths.
   */
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

  /**
   * Reads HEAD.
   *
   * @returns The full sha of HEAD.
   */
  head(): Promise<string> {
    return this.run(["rev-parse", "HEAD"]);
  }

  /**
   * Reads the checked-out branch.
   *
   * @returns The branch name, or undefined when HEAD is detached.
   */
  async currentBranch(): Promise<string | undefined> {
    const name = await this.git.raw(["symbolic-ref", "-q", "--short", "HEAD"]).catch(() => "");
    return name.trim() || undefined;
  }

  /**
   * Resolves a ref or sha to a commit.
   *
   * @param ref Any ref, branch or sha.
   * @returns The full sha, or undefined when it does not exist.
   */
  async resolve(ref: string): Promise<string | undefined> {
    const out = await this.git.raw(["rev-parse", "-q", "--verify", `${ref}^{commit}`]).catch(() =>
      ""
    );
    return out.trim() || undefined;
  }

  /**
   * Creates a branch at a commit and checks it out (refuses when the branch exists).
   *
   * @param branch Branch name.
   * @param sha Start commit.
   */
  async createBranch(branch: string, sha: string): Promise<void> {
    if (await this.resolve(`refs/heads/${branch}`)) {
      throw new ResearchGitError(`branch ${branch} already exists`);
    }
    await this.run(["check-ref-format", "--branch", branch]);
    await this.run(["checkout", "-b", branch, sha]);
  }

  /**
   * Checks out an existing branch (the tree must be clean).
   *
   * @param branch Branch name.
   */
  async checkout(branch: string): Promise<void> {
    await this.run(["checkout", branch]);
  }

  /** Stages every change in the worktree (additions, modifications, deletions). */
  async stageAll(): Promise<void> {
    await this.run(["add", "-A", "-v", "--", "."]);
  }

  /**
   * Lists paths whose staged content differs from a commit.
   *
   * @param sha The commit.
   * @returns Repository-relative paths.
   */
  async stagedChanges(sha: string): Promise<string[]> {
    const out = await this.run(["diff", "--cached", "--name-only", "-z", sha]);
    return out.split("\0").filter((p) => p !== "");
  }

  /**
   * Writes the index as a tree object.
   *
   * @returns The tree sha.
   */
  writeTree(): Promise<string> {
    return this.run(["write-tree"]);
  }

  /**
   * Creates a commit object for a tree (no branch moves).
   *
   * @param tree Tree sha (from {@linkcode ResearchGit.writeTree}).
   * @param options Parent commits and the message.
   * @returns The new commit's sha.
   */
  commitTree(tree: string, options: { parents: string[]; message: string }): Promise<string> {
    return this.run([
      "commit-tree",
      tree,
      ...options.parents.flatMap((p) => ["-p", p]),
      "-m",
      options.message,
    ]);
  }

  /**
   * Points a ref at a commit (creating or moving it).
   *
   * @param ref Full ref name, e.g. `refs/autoresearch/t/discarded/3`.
   * @param sha The commit.
   */
  async updateRef(ref: string, sha: string): Promise<void> {
    await this.run(["update-ref", ref, sha]);
  }

  /**
   * Moves the checked-out branch, index and worktree to a commit and removes untracked files
   * (ignored files, such as the run directory, are kept).
   *
   * @param sha The commit.
   */
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

  /**
   * Diffs two commits.
   *
   * @param from Old commit.
   * @param to New commit.
   * @returns The binary-safe patch.
   */
  async diff(from: string, to: string): Promise<string> {
    return await this.git.raw(["diff", "--binary", from, to]);
  }

  /**
   * Diffs the worktree (tracked changes) against HEAD.
   *
   * @returns The binary-safe patch.
   */
  async worktreeDiff(): Promise<string> {
    return await this.git.raw(["diff", "--binary", "HEAD"]);
  }

  /**
   * Lists commit subjects along first parents.
   *
   * @param sha Where to start.
   * @param max How many at most.
   * @returns Shas and subjects, newest first.
   */
  async log(sha: string, max = 100): Promise<{ sha: string; subject: string }[]> {
    const out = await this.run(["log", "--first-parent", `-n${max}`, "--format=%H%x09%s", sha]);
    return out.split("\n").filter(Boolean).map((l) => {
      const [s, ...rest] = l.split("\t");
      return { sha: s, subject: rest.join("\t") };
    });
  }

  /**
   * Lists refs under a prefix.
   *
   * @param prefix e.g. `refs/autoresearch/t`.
   * @returns Ref names with the shas they point to.
   */
  async refs(prefix: string): Promise<{ ref: string; sha: string }[]> {
    const out = await this.run(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    return out.split("\n").filter(Boolean).map((l) => {
      const [ref, sha] = l.split(" ");
      return { ref, sha };
    });
  }

  /**
   * Adds a detached worktree.
   *
   * @param path Where.
   * @param sha Commit to check out.
   */
  async addWorktree(path: string, sha: string): Promise<void> {
    await this.inWorktreeQueue(() =>
      this.run(["worktree", "add", "-q", "--detach", "-f", path, sha])
    );
  }

  /**
   * Removes a worktree (forcefully) and prunes stale worktree records.
   *
   * @param path The worktree.
   */
  async removeWorktree(path: string): Promise<void> {
    await this.inWorktreeQueue(async () => {
      await this.git.raw(["worktree", "remove", "--force", path]).catch(() => "");
      await this.git.raw(["worktree", "prune"]).catch(() => "");
    });
  }

  /** Runs `change` after every earlier worktree change on this handle has settled. */
  private inWorktreeQueue<T>(change: () => Promise<T>): Promise<T> {
    const turn = this.worktreeQueue.then(change, change);
    this.worktreeQueue = turn.catch(() => undefined);
    return turn;
  }
}

/**
 * Setup shared by the research tests: running git in a scratch repository and committing a fresh
 * one on `main`.
 *
 * @module
 */

/**
 * Runs git in a directory.
 *
 * @param dir The working directory.
 * @param args git's arguments.
 * @returns Trimmed stdout.
 * @throws {Error} naming the command and quoting git's stderr when it fails.
 */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: dir, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * Makes a directory a git repository on `main` with everything in it committed as "init".
 *
 * @param dir A directory holding the files to commit.
 */
export async function commitInitialRepo(dir: string): Promise<void> {
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.email", "t@example.com");
  await git(dir, "config", "user.name", "t");
  await git(dir, "add", "-A");
  await git(dir, "commit", "-qm", "init");
}

/**
 * bubblewrap argument building (internal).
 *
 * @module
 */

/** Where the Deno binary appears inside the sandbox. */
export const SANDBOX_DENO = "/opt/deno/deno";

/** Namespace, session, environment and capability options shared by every sandbox. */
export function baseBwrapArgs(): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"];
  // As root, bwrap keeps every capability unless told otherwise: map to nobody and drop them all.
  args.push("--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL");
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  return args;
}

/** `--ro-bind` arguments for each library path. */
export function libraryBinds(libraries: string[]): string[] {
  return libraries.flatMap((lib) => ["--ro-bind", lib, lib]);
}

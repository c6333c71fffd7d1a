/**
 * The read-only npm cache that sandboxed programs may import from. Datasets such as MBXP import a few
 * npm packages (`heap-js`, `mathjs`); the host (trusted) fetches exactly the pinned packages a
 * dataset declares into a dedicated Deno cache directory, and the sandbox mounts it read-only with
 * `--cached-only`. A candidate's own `import("npm:left-pad")` finds nothing there and cannot download.
 *
 * @module
 */
import { join } from "node:path";

/**
 * The default cache directory: `$XDG_CACHE_HOME/autoconstitution/sandbox-deno-dir`, falling back
 * to `~/.cache/…`, then to the system temp directory.
 *
 * @returns An absolute path (not created).
 *
 * @example Where packages for the sandbox are kept
 * ```ts
 * import { defaultNpmCacheDir } from "./npm_cache.ts";
 * if (!defaultNpmCacheDir().endsWith("sandbox-deno-dir")) throw new Error();
 * ```
 */
export function defaultNpmCacheDir(): string {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  const home = Deno.env.get("HOME");
  const base = xdg ?? (home ? join(home, ".cache") : Deno.env.get("TMPDIR") ?? "/tmp");
  return join(base, "autoconstitution", "sandbox-deno-dir");
}

/** Options for {@linkcode prepareNpmCache}. */
export interface PrepareNpmCacheOptions {
  /** Cache directory to fill. @default defaultNpmCacheDir() */
  cacheDir?: string;
  /** Deno binary used for `deno cache`. @default Deno.execPath() */
  denoPath?: string;
}

const prepared = new Map<string, Promise<void>>();

/**
 * Makes sure pinned npm packages are in the sandbox cache, fetching the missing ones with
 * `deno cache` on the host. Each package is fetched at most once per process.
 *
 * @param specifiers Pinned specifiers such as `"npm:heap-js@2.7.1"`.
 * @param options Cache directory and Deno binary.
 * @returns Resolves when every package is cached.
 * @throws {TypeError} for a specifier that is not a pinned `npm:` specifier.
 * @throws {Error} when `deno cache` fails (e.g. offline), with its output.
 *
 * @example Nothing to fetch
 * ```ts
 * import { prepareNpmCache } from "./npm_cache.ts";
 * await prepareNpmCache([]);
 * ```
 */
export async function prepareNpmCache(
  specifiers: string[],
  options: PrepareNpmCacheOptions = {},
): Promise<void> {
  const cacheDir = options.cacheDir ?? defaultNpmCacheDir();
  const denoPath = options.denoPath ?? Deno.execPath();
  for (const spec of specifiers) {
    if (!/^npm:(@[\w.-]+\/)?[\w.-]+@\d[\w.+-]*$/.test(spec)) {
      throw new TypeError(
        `Cannot cache an npm package as a pinned npm: specifier: current value is ${
          JSON.stringify(spec)
        }`,
      );
    }
  }
  await Promise.all(specifiers.map((spec) => {
    const key = `${cacheDir}\u0000${spec}`;
    if (!prepared.has(key)) {
      const job = cacheOne(spec, cacheDir, denoPath);
      prepared.set(key, job);
      job.catch(() => prepared.delete(key));
    }
    return prepared.get(key)!;
  }));
}

async function cacheOne(spec: string, cacheDir: string, denoPath: string): Promise<void> {
  await Deno.mkdir(cacheDir, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "ac-npm-" });
  try {
    const entry = join(dir, "entry.ts");
    await Deno.writeTextFile(entry, `import ${JSON.stringify(spec)};\n`);
    // Try offline first: most of the time the package is already there.
    for (const flags of [["--cached-only"], []]) {
      const out = await new Deno.Command(denoPath, {
        args: ["cache", "--quiet", "--no-config", "--no-lock", ...flags, entry],
        env: { DENO_DIR: cacheDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.code === 0) return;
      if (flags.length === 0) {
        const err = new TextDecoder().decode(out.stderr).trim().slice(0, 500);
        throw new Error(`Cannot cache ${spec} into ${cacheDir}: ${err}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

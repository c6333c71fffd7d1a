/**
 * The explicit opt-in step for the embedded llama.cpp engine (the `llamacpp` provider).
 *
 * Installs `node-llama-cpp@3.21.1` plus only this platform's CPU binary package with npm into a
 * dedicated cache directory (default `~/.cache/autoconstitution/llamacpp/node-llama-cpp@3.21.1`),
 * about 66 MB downloaded and 83 MB on disk on linux-x64, instead of the ~736 MB that resolving
 * `npm:node-llama-cpp` through Deno downloads (every CUDA, Vulkan and ARM build). Nothing is added
 * to `deno.json` or `deno.lock`.
 *
 * Deno resolves bare specifiers only for packages in its own npm cache, so after the npm install the
 * installer rewrites the tree for loading by `file:` URL: every bare `import` becomes a relative path
 * (resolved by Node's own resolver), and every import of a CommonJS file goes through a small ESM
 * bridge (`*.deno-bridge.mjs`) that `require`s it. Then it checks that the engine loads (and, when
 * given `--model`, that it generates), and writes the marker file the provider looks for.
 *
 * Where `scripts/llamacpp/<platform>/package-lock.json` is committed (linux-x64), the install is
 * `npm ci` from it: every package of the engine pinned by version and integrity hash, recorded in
 * the marker as `lockSha256`. Elsewhere npm resolves the dependencies at install time (said on
 * the console); `--update-lock` writes the lockfile for the current platform.
 *
 * Usage:
 *   deno run -A scripts/install_llamacpp.ts [--dir DIR] [--force] [--no-verify] [--model FILE.gguf]
 *   deno run -A scripts/install_llamacpp.ts --update-lock
 *
 * Needs `npm` and `node` >= 20.6 on PATH, and the npm registry.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  LLAMACPP_ENGINE_MARKER,
  LLAMACPP_ENGINE_VERSION,
  llamaCppEngineDir,
  type LlamaCppEngineMarker,
  llamaCppPlatformPackage,
} from "../lib/providers/llamacpp_engine.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";

const ES_MODULE_LEXER = "es-module-lexer@1.7.0";

/** The Node script that rewrites the installed tree (run with `--experimental-import-meta-resolve`). */
const REWRITE_SCRIPT = String.raw`
import { init, parse } from "es-module-lexer";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { createRequire, builtinModules } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
await init;
const root = process.argv[2];
const builtins = new Set(builtinModules);
const req = createRequire(import.meta.url);
const ident = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const reserved = new Set(("default break case catch class const continue debugger delete do else enum export " +
  "extends false finally for function if import in instanceof new null return super switch this throw true try " +
  "typeof var void while with yield let static implements interface package private protected public await " +
  "arguments eval").split(" "));
const unresolved = [];
let files = 0, rewrites = 0, bridges = 0;
const typeCache = new Map();
function packageType(dir) {
  if (typeCache.has(dir)) return typeCache.get(dir);
  let type;
  const pj = join(dir, "package.json");
  if (existsSync(pj)) {
    try { const j = JSON.parse(readFileSync(pj, "utf8")); if (j.name || j.type) type = j.type ?? "commonjs"; } catch {}
  }
  if (type === undefined) type = dirname(dir) === dir ? "commonjs" : packageType(dirname(dir));
  typeCache.set(dir, type);
  return type;
}
function isCommonJs(path) {
  return path.endsWith(".cjs") || (path.endsWith(".js") && packageType(dirname(path)) !== "module");
}
function bridgeFor(path) {
  const bridge = path.replace(/\.c?js$/, "") + ".deno-bridge.mjs";
  if (!existsSync(bridge)) {
    let keys = [];
    try {
      const m = req(path);
      if (m && (typeof m === "object" || typeof m === "function")) {
        keys = Object.keys(m).filter((k) => ident.test(k) && !reserved.has(k));
      }
    } catch (e) { unresolved.push("require " + path + ": " + e.message); }
    const lines = [
      'import { createRequire } from "node:module";',
      "const require = createRequire(import.meta.url);",
      "const m = require(" + JSON.stringify("./" + basename(path)) + ");",
      "export default m;",
    ];
    if (keys.length) lines.push("export const { " + keys.join(", ") + " } = m;");
    writeFileSync(bridge, lines.join("\n") + "\n");
    bridges++;
  }
  return bridge;
}
function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.m?js$/.test(e.name) && !e.name.endsWith(".deno-bridge.mjs")) yield p;
  }
}
for (const file of walk(root)) {
  const src = readFileSync(file, "utf8");
  if (!/\bimport\b/.test(src)) continue;
  let imports;
  try { [imports] = parse(src); } catch { continue; }
  const edits = [];
  for (const imp of imports) {
    const spec = imp.n;
    if (!spec || spec.startsWith("node:") || /^[a-z]+:/.test(spec)) continue;
    const relativeSpec = spec.startsWith(".") || spec.startsWith("/");
    let target;
    if (!relativeSpec && builtins.has(spec)) target = "node:" + spec;
    else {
      let url;
      try { url = import.meta.resolve(spec, pathToFileURL(file).href); }
      catch (e) { if (!relativeSpec) unresolved.push(file + ": " + spec + " (" + e.code + ")"); continue; }
      if (url.startsWith("node:")) target = url;
      else {
        let path = fileURLToPath(url);
        const cjs = isCommonJs(path);
        if (relativeSpec && !cjs) continue;
        if (cjs) path = bridgeFor(path);
        target = relative(dirname(file), path).split("\\").join("/");
        if (!target.startsWith(".")) target = "./" + target;
      }
    }
    const dynamic = imp.d > -1;
    const start = dynamic ? imp.s + 1 : imp.s;
    const end = dynamic ? imp.e - 1 : imp.e;
    if (src.slice(start, end) !== spec) continue;
    edits.push([start, end, target]);
  }
  if (edits.length === 0) continue;
  let out = src;
  for (const [s, e, t] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + t + out.slice(e);
  writeFileSync(file, out);
  files++;
  rewrites += edits.length;
}
console.log(JSON.stringify({ files, rewrites, bridges, unresolved }));
`;

interface Args {
  dir: string;
  force: boolean;
  verify: boolean;
  updateLock: boolean;
  model?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dir: llamaCppEngineDir(), force: false, verify: true, updateLock: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dir") args.dir = llamaCppEngineDir({ engineDir: argv[++i] });
    else if (arg === "--force") args.force = true;
    else if (arg === "--no-verify") args.verify = false;
    else if (arg === "--update-lock") args.updateLock = true;
    else if (arg === "--model") args.model = argv[++i];
    else if (arg === "--help" || arg === "-h") {
      console.log(
        "usage: deno run -A scripts/install_llamacpp.ts [--dir DIR] [--force] [--no-verify] [--model FILE.gguf]\n" +
          "       deno run -A scripts/install_llamacpp.ts --update-lock   # re-pin scripts/llamacpp/<platform>/",
      );
      Deno.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  if (args.model !== undefined && !existsSync(args.model)) {
    throw new Error(`--model ${args.model} does not exist`);
  }
  return args;
}

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const exe = Deno.build.os === "windows" ? `${cmd}.cmd` : cmd;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(exe, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    throw new Error(`cannot run ${cmd} (${error}); install Node.js (with npm) >= 20.6 first`);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${output.code}):\n${stderr}${stdout}`);
  }
  return stdout;
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await directoryBytes(path);
    else if (entry.isFile) total += (await Deno.stat(path)).size;
  }
  return total;
}

async function verify(dir: string, model: string | undefined): Promise<string> {
  const entry = join(dir, "node_modules", "node-llama-cpp", "dist", "index.js");
  const specifier = pathToFileURL(entry).href;
  const started = performance.now();
  const nlc = await import(specifier);
  const llama = await nlc.getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    progressLogs: false,
    logLevel: "error",
  });
  let detail = `getLlama() ok in ${Math.round(performance.now() - started)} ms`;
  if (model) {
    const m = await llama.loadModel({ modelPath: model });
    const context = await m.createContext({ contextSize: 512, threads: 1 });
    const chat = new nlc.LlamaChat({ contextSequence: context.getSequence() });
    const result = await chat.generateResponse(
      [{ type: "user", text: "Hello" }, { type: "model", response: [] }],
      { maxTokens: 16, temperature: 0 },
    );
    detail += `; generated ${JSON.stringify(result.response.slice(0, 60))}`;
    chat.dispose();
    await context.dispose();
    await m.dispose();
  }
  await llama.dispose();
  return detail;
}

/** The committed lockfiles: `scripts/llamacpp/<platform>/{package.json,package-lock.json}`. */
const LOCK_ROOT = fileURLToPath(new URL("./llamacpp/", import.meta.url));

/** The directory holding this platform's package.json and package-lock.json, if committed. */
function lockDir(platform: string): string | undefined {
  const dir = join(LOCK_ROOT, platform);
  return existsSync(join(dir, "package-lock.json")) && existsSync(join(dir, "package.json"))
    ? dir
    : undefined;
}

async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes (or refreshes) this platform's package.json and package-lock.json; installs nothing. */
async function updateLock(platform: string): Promise<void> {
  const dir = join(LOCK_ROOT, platform);
  await Deno.mkdir(dir, { recursive: true });
  const manifest = {
    name: "autoconstitution-llamacpp-engine",
    private: true,
    description:
      "autoconstitution's opt-in llama.cpp engine (installed by scripts/install_llamacpp.ts with npm ci)",
    dependencies: Object.fromEntries(
      [
        [`@node-llama-cpp/${platform}`, LLAMACPP_ENGINE_VERSION],
        ES_MODULE_LEXER.split(/(?<=.)@/),
        ["node-llama-cpp", LLAMACPP_ENGINE_VERSION],
      ],
    ),
  };
  await Deno.writeTextFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  await run("npm", [
    "install",
    "--package-lock-only",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
  ], dir);
  console.log(
    `wrote ${dir}/package-lock.json (sha256 ${await sha256File(join(dir, "package-lock.json"))})`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const platform = llamaCppPlatformPackage(Deno.build.os, Deno.build.arch);
  if (!platform) {
    throw new Error(`no node-llama-cpp binary for ${Deno.build.os}/${Deno.build.arch}`);
  }
  if (args.updateLock) return await updateLock(platform);
  const markerPath = join(args.dir, LLAMACPP_ENGINE_MARKER);
  if (existsSync(markerPath) && !args.force) {
    console.log(`node-llama-cpp is already installed in ${args.dir} (use --force to reinstall)`);
    return;
  }
  const nodeVersion = (await run("node", ["--version"], Deno.cwd())).trim();
  const [major, minor] = nodeVersion.replace(/^v/, "").split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 6)) {
    throw new Error(`node >= 20.6 is needed to prepare the engine, found ${nodeVersion}`);
  }
  const tmp = `${args.dir}.tmp-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  try {
    const packages = [
      `node-llama-cpp@${LLAMACPP_ENGINE_VERSION}`,
      `@node-llama-cpp/${platform}@${LLAMACPP_ENGINE_VERSION}`,
      ES_MODULE_LEXER,
    ];
    const quiet = ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"];
    const lock = lockDir(platform);
    const started = performance.now();
    let lockSha256: string | undefined;
    if (lock) {
      // Every package pinned by version and integrity hash: the same tree on every machine.
      for (const name of ["package.json", "package-lock.json"]) {
        await Deno.copyFile(join(lock, name), join(tmp, name));
      }
      lockSha256 = await sha256File(join(lock, "package-lock.json"));
      console.log(
        `installing ${packages.join(" ")} from ${lock}/package-lock.json into ${args.dir} …`,
      );
      await run("npm", ["ci", "--omit=optional", "--omit=dev", ...quiet], tmp);
    } else {
      console.log(
        `no lockfile for ${platform} in scripts/llamacpp/: node-llama-cpp's own dependencies are ` +
          `resolved by npm now (run with --update-lock on this platform to pin them)`,
      );
      await Deno.writeTextFile(
        join(tmp, "package.json"),
        JSON.stringify(
          { private: true, description: "autoconstitution llama.cpp engine" },
          null,
          2,
        ),
      );
      console.log(`installing ${packages.join(" ")} into ${args.dir} …`);
      await run("npm", [
        "install",
        "--prefix",
        tmp,
        "--omit=optional",
        "--omit=dev",
        "--no-package-lock",
        ...quiet,
        ...packages,
      ], tmp);
    }
    console.log(`npm done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const script = join(tmp, "rewrite-for-deno.mjs");
    await Deno.writeTextFile(script, REWRITE_SCRIPT);
    const summary = JSON.parse(
      await run(
        "node",
        ["--experimental-import-meta-resolve", script, join(tmp, "node_modules")],
        tmp,
      ),
    ) as { files: number; rewrites: number; bridges: number; unresolved: string[] };
    console.log(
      `rewrote ${summary.rewrites} imports in ${summary.files} files, ${summary.bridges} CommonJS bridges` +
        (summary.unresolved.length
          ? `; left ${summary.unresolved.length} optional imports unresolved (other platforms, GPU builds)`
          : ""),
    );

    if (args.verify) console.log(`verify: ${await verify(tmp, args.model)}`);

    if (existsSync(args.dir)) await Deno.remove(args.dir, { recursive: true });
    await Deno.rename(tmp, args.dir);
    const marker: LlamaCppEngineMarker = {
      version: LLAMACPP_ENGINE_VERSION,
      platform,
      entry: "node_modules/node-llama-cpp/dist/index.js",
      installedAt: new Date().toISOString(),
      ...(lockSha256 ? { lockSha256 } : {}),
    };
    await writeJsonAtomic(markerPath, marker);
    const mb = (await directoryBytes(args.dir)) / 1e6;
    console.log(
      `installed node-llama-cpp ${LLAMACPP_ENGINE_VERSION} (${platform}) in ${args.dir} (${
        mb.toFixed(0)
      } MB)`,
    );
  } catch (error) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw error;
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`install_llamacpp: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}

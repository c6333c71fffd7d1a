import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL } from "node:url";

/**
 * The layers of `lib/`, lowest first. A file may import files of its own folder and of folders in
 * lower layers; folders that share a layer are peers and never import each other. This list is the
 * one place the layering is written down.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["schemas"], // records, their validators, and the Critic/Scorer contracts
  ["util"], // hashing, atomic writes, JSONL, PRNG, seeds, the Jupyter display bridge, the version
  ["providers", "constitution", "sandbox", "datasets", "stats", "plot", "export"],
  ["roles"],
  ["loop", "critics"],
  ["tasks"],
  ["bench", "research"],
  ["ui", "view"],
];

/** One import: repository-relative paths of the importing and the imported file. */
interface ImportEdge {
  from: string;
  to: string;
}

const FORBIDDEN_ROOTS = ["scripts/", "tests/", "notebooks/"];

function layerOf(folder: string, layers: readonly (readonly string[])[]): number {
  return layers.findIndex((layer) => layer.includes(folder));
}

function libFolder(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "lib" && parts.length > 2 ? parts[1] : undefined;
}

function describeLayer(folder: string, layer: number): string {
  return layer < 0 ? `lib/${folder} (no layer)` : `lib/${folder} (layer ${layer})`;
}

/** The problem with one import from a file in lib/, or undefined when the import is allowed. */
function edgeViolation(
  edge: ImportEdge,
  layers: readonly (readonly string[])[],
): string | undefined {
  const fromFolder = libFolder(edge.from);
  if (fromFolder === undefined) return `${edge.from} is not inside a folder of lib/`;
  if (!edge.to.startsWith("lib/")) {
    const root = FORBIDDEN_ROOTS.find((r) => edge.to.startsWith(r));
    return root
      ? `${edge.from} imports ${edge.to}: lib/ never imports ${root}`
      : `${edge.from} imports ${edge.to}, a file outside lib/`;
  }
  const toFolder = libFolder(edge.to);
  if (toFolder === undefined) return `${edge.from} imports ${edge.to}, outside any folder of lib/`;
  if (toFolder === fromFolder) return undefined;
  const from = layerOf(fromFolder, layers);
  const to = layerOf(toFolder, layers);
  if (from >= 0 && to >= 0 && to < from) return undefined;
  return `${edge.from} imports ${edge.to}: ${describeLayer(toFolder, to)} is not below ` +
    describeLayer(fromFolder, from);
}

/** Every wrong-way import among the edges leaving lib/ files, one message each. */
function layerViolations(
  edges: readonly ImportEdge[],
  layers: readonly (readonly string[])[],
): string[] {
  return edges
    .filter((e) => e.from.startsWith("lib/"))
    .map((e) => edgeViolation(e, layers))
    .filter((m): m is string => m !== undefined);
}

/** The local import edges of a `deno info --json` graph, as repository-relative paths. */
function localEdges(info: { modules: DenoInfoModule[] }, root: string): ImportEdge[] {
  const rel = (specifier: string) => relative(root, fromFileUrl(specifier));
  const edges: ImportEdge[] = [];
  for (const m of info.modules) {
    if (!m.specifier.startsWith("file:")) continue;
    for (const d of m.dependencies ?? []) {
      for (const target of [d.code?.specifier, d.type?.specifier]) {
        if (target?.startsWith("file:")) edges.push({ from: rel(m.specifier), to: rel(target) });
      }
    }
  }
  return edges;
}

interface DenoInfoModule {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
}

const repoRoot = fromFileUrl(new URL("..", import.meta.url));

async function libFiles(dir = `${repoRoot}/lib`): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await libFiles(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** The module graph of mod.ts and of every file under lib/ (reached from mod.ts or not). */
async function moduleGraph(files: string[]): Promise<{ modules: DenoInfoModule[] }> {
  const entry = await Deno.makeTempFile({ prefix: "architecture_", suffix: ".ts" });
  try {
    const roots = [`${repoRoot}/mod.ts`, ...files];
    await Deno.writeTextFile(
      entry,
      roots.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};\n`).join(""),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", `${repoRoot}/deno.json`, entry],
      cwd: repoRoot,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `deno info failed:\n${stderr}`);
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(entry);
  }
}

Deno.test("every import in lib/ points to its own folder or a lower layer", async () => {
  const files = await libFiles();
  const graph = await moduleGraph(files);
  const seen = new Set(graph.modules.map((m) => m.specifier));
  const missing = files.filter((f) => !seen.has(pathToFileURL(f).href));
  assert.deepEqual(missing, [], "files of lib/ missing from the module graph");
  const problems = layerViolations(localEdges(graph, repoRoot), LAYERS);
  assert.deepEqual(problems, [], `wrong-way imports:\n${problems.join("\n")}`);
});

Deno.test("every folder of lib/ has exactly one layer", async () => {
  const folders: string[] = [];
  for await (const e of Deno.readDir(`${repoRoot}/lib`)) if (e.isDirectory) folders.push(e.name);
  const listed = LAYERS.flat();
  assert.deepEqual(listed.filter((f, i) => listed.indexOf(f) !== i), [], "listed twice");
  assert.deepEqual(
    folders.filter((f) => !listed.includes(f)).sort(),
    [],
    "folders without a layer",
  );
});

Deno.test("layerViolations names the file, the import and both layers of a wrong-way edge", () => {
  const layers = [["schemas"], ["plot", "stats"], ["bench"], ["ui"]];
  const problems = layerViolations([
    { from: "lib/plot/show.ts", to: "lib/ui/jupyter_kernel.ts" }, // upward
    { from: "lib/stats/a.ts", to: "lib/plot/b.ts" }, // between peers
    { from: "lib/bench/run.ts", to: "lib/bench/util.ts" }, // same folder: allowed
    { from: "lib/ui/table.ts", to: "lib/plot/forest.ts" }, // downward: allowed
    { from: "lib/plot/c.ts", to: "lib/shiny/d.ts" }, // a folder with no layer
    { from: "lib/stats/e.ts", to: "scripts/cli.ts" },
    { from: "lib/stats/f.ts", to: "deno.json" },
    { from: "scripts/cli.ts", to: "lib/ui/table.ts" }, // not in lib/: not checked
  ], layers);
  assert.deepEqual(problems, [
    "lib/plot/show.ts imports lib/ui/jupyter_kernel.ts: lib/ui (layer 3) is not below lib/plot (layer 1)",
    "lib/stats/a.ts imports lib/plot/b.ts: lib/plot (layer 1) is not below lib/stats (layer 1)",
    "lib/plot/c.ts imports lib/shiny/d.ts: lib/shiny (no layer) is not below lib/plot (layer 1)",
    "lib/stats/e.ts imports scripts/cli.ts: lib/ never imports scripts/",
    "lib/stats/f.ts imports deno.json, a file outside lib/",
  ]);
});

Deno.test("localEdges reads code and type imports of local files from deno info output", () => {
  const edges = localEdges({
    modules: [
      {
        specifier: "file:///repo/lib/a/x.ts",
        dependencies: [
          { code: { specifier: "file:///repo/lib/b/y.ts" } },
          { type: { specifier: "file:///repo/lib/c/z.ts" } },
          { code: { specifier: "npm:/zod@4.6.7" } },
        ],
      },
      { specifier: "npm:/zod@4.6.7" },
    ],
  }, "/repo");
  assert.deepEqual(edges, [
    { from: "lib/a/x.ts", to: "lib/b/y.ts" },
    { from: "lib/a/x.ts", to: "lib/c/z.ts" },
  ]);
});

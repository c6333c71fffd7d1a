/**
 * The doors (deno.json "exports"): every name a lib/ folder exports is reachable from exactly one
 * door, no door uses `export *`, and the core door stays small enough to read in one sitting.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
  exports: Record<string, string>;
};
const DOORS = Object.values(config.exports).map((p) => p.replace(/^\.\//, ""));

/** The names a module exports, read with `deno doc --json`. */
async function exportedNames(path: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", path],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(out.code, 0, `deno doc --json ${path}`);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  return Object.values(doc.nodes).flatMap((n) => n.symbols.map((s) => s.name));
}

Deno.test("every name a lib/ folder exports is reachable from exactly one door, and the core door has at most 450 names", async () => {
  const byDoor = new Map<string, string[]>();
  for (const door of DOORS) byDoor.set(door, await exportedNames(door));
  const seen = new Map<string, string>();
  for (const [door, names] of byDoor) {
    for (const name of names) {
      assert.ok(!seen.has(name), `${name} is exported by both ${seen.get(name)} and ${door}`);
      seen.set(name, door);
    }
  }
  const folders = [...Deno.readDirSync(`${ROOT}lib`)].filter((e) => e.isDirectory).map((e) =>
    e.name
  ).sort();
  const missing: string[] = [];
  for (const folder of folders) {
    for (const name of await exportedNames(`lib/${folder}/mod.ts`)) {
      if (!seen.has(name)) missing.push(`${name} (lib/${folder}/mod.ts)`);
    }
  }
  assert.deepEqual(missing, [], `exported by lib/ but by no door: ${missing.join(", ")}`);
  assert.ok(
    byDoor.get("mod.ts")!.length <= 450,
    `core door: ${byDoor.get("mod.ts")!.length} names`,
  );
});

Deno.test("no door re-exports with export *", async () => {
  for (const door of DOORS) {
    const text = await Deno.readTextFile(`${ROOT}${door}`);
    assert.doesNotMatch(text, /export\s+\*/, door);
  }
});

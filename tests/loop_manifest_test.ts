import assert from "node:assert/strict";
import { buildManifest, describeLoopConfig, LIBRARY_VERSION } from "../lib/loop/mod.ts";
import { ManifestSchema } from "../lib/schemas/manifest.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { loadConstitution, parseConstitution } from "../lib/constitution/mod.ts";

const constitution = parseConstitution("## Be exact\n\nNo rounding.\n", { file: "c.md" });
const dataset = [{ id: "a", prompt: "p1" }, { id: "b", prompt: "p2" }];
const repoRoot = new URL("..", import.meta.url).pathname;

Deno.test("a manifest records versions, roles, seeds, hashes and validates", async () => {
  const student = createScriptedProvider({ model: "small" });
  const judge = createScriptedProvider({ name: "other", model: "big" });
  const fixed = new Date("2025-01-02T03:04:05.000Z");
  const m = await buildManifest(
    {
      roles: { student, judge, critic: { provider: "ollama", model: "qwen" } },
      parameters: { maxRounds: 3 },
      seeds: [1, 2],
      constitution,
      dataset,
      runId: "run-1",
    },
    { git: false, now: () => fixed },
  );
  assert.ok(ManifestSchema.safeParse(m).success);
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(m.libraryVersion, denoJson.version);
  assert.equal(LIBRARY_VERSION, denoJson.version);
  assert.equal(m.denoVersion, Deno.version.deno);
  assert.equal(m.createdAt, fixed.toISOString());
  assert.deepEqual(m.roles.judge, { provider: "other", model: "big" });
  assert.deepEqual(m.roles.critic, { provider: "ollama", model: "qwen" });
  assert.deepEqual(m.seeds, [1, 2]);
  assert.equal(m.constitutionHash, constitution.hash);
  assert.deepEqual(m.constitutionSources, ["c.md"]);
  assert.deepEqual(m.constitutionPrinciples, constitution.principles.map((p) => p.id));
  assert.ok(m.constitutionPrinciples!.length > 0);
  assert.equal(m.datasetItems, 2);
  assert.equal(m.runId, "run-1");
  assert.equal(m.gitCommit, undefined);
});

Deno.test("the dataset hash depends only on the items' content", async () => {
  const hash = async (items: unknown[]) =>
    (await buildManifest({ roles: {}, seeds: 0, constitution, dataset: items }, { git: false }))
      .datasetHash;
  const reordered = dataset.map((d) => ({ prompt: d.prompt, id: d.id }));
  assert.equal(await hash(dataset), await hash(reordered));
  assert.notEqual(await hash(dataset), await hash([...dataset, { id: "c", prompt: "p3" }]));
  const given = await buildManifest(
    { roles: {}, seeds: 0, constitution: constitution.hash, dataset: { hash: "a".repeat(64) } },
    { git: false },
  );
  assert.equal(given.datasetHash, "a".repeat(64));
  assert.equal(given.constitutionSources, undefined);
});

Deno.test("inside a git repository the manifest records HEAD; outside it records none", async () => {
  const head = await new Deno.Command("git", {
    args: ["rev-parse", "HEAD"],
    cwd: repoRoot,
    stdout: "piped",
    stderr: "null",
  }).output();
  const inRepo = await buildManifest({ roles: {}, seeds: 0, constitution }, { cwd: repoRoot });
  if (head.success) {
    assert.equal(inRepo.gitCommit, new TextDecoder().decode(head.stdout).trim());
    assert.equal(typeof inRepo.gitDirty, "boolean");
  }
  const dir = await Deno.makeTempDir();
  const outside = await buildManifest({ roles: {}, seeds: 0, constitution }, { cwd: dir });
  assert.equal(outside.gitCommit, undefined);
  assert.equal(outside.gitDirty, undefined);
  await Deno.remove(dir);
});

Deno.test("bad manifest inputs are rejected naming the field", async () => {
  await assert.rejects(
    () => buildManifest({ roles: {}, seeds: [], constitution }, { git: false }),
    /seeds/,
  );
  await assert.rejects(
    () => buildManifest({ roles: {}, seeds: 1, constitution: "not-a-hash" }, { git: false }),
    /constitution/,
  );
  await assert.rejects(
    () =>
      buildManifest(
        { roles: { judge: { provider: "x" } as never }, seeds: 1, constitution },
        { git: false },
      ),
    /roles\.judge/,
  );
});

Deno.test("describing a loop config tells symmetric from asymmetric judging", async () => {
  const provider = createScriptedProvider({ model: "m" });
  const def = await loadConstitution();
  const symmetric = describeLoopConfig({ provider, constitution: def, teacher: true });
  assert.equal(symmetric.parameters.judge, "symmetric");
  assert.deepEqual(Object.keys(symmetric.roles).sort(), ["critic", "judge", "student", "teacher"]);
  const asymmetric = describeLoopConfig({
    provider,
    providers: { judge: createScriptedProvider({ model: "other" }) },
    constitution: def,
  });
  assert.equal(asymmetric.parameters.judge, "asymmetric");
  const scored = describeLoopConfig({
    provider,
    constitution: def,
    scorer: { name: "hidden_tests", score: () => Promise.reject(new Error("unused")) },
  });
  assert.equal(scored.parameters.evaluation, "scorer:hidden_tests");
  const m = await buildManifest({ ...symmetric, seeds: 3, constitution: def }, { git: false });
  assert.ok(ManifestSchema.safeParse(m).success);
  assert.deepEqual(m.parameters.ratchet, { mode: "strict" });
});

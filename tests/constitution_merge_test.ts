import assert from "node:assert/strict";
import {
  ConstitutionError,
  DEFAULT_CONSTITUTION_URL,
  loadConstitution,
  mergeConstitutions,
  parseConstitution,
} from "../lib/constitution/mod.ts";

const base = parseConstitution("# Base\n\n## Clarity\n\nBe clear.\n\n## Safety\n\nBe safe.\n", {
  file: "base.md",
});

Deno.test("an overlay appends new principles after the base and keeps the base title", () => {
  const overlay = parseConstitution("## Risk\n\nState risks.\n", { file: "o.md" });
  const merged = mergeConstitutions(base, [overlay]);
  assert.deepEqual(merged.principles.map((p) => p.id), ["clarity", "safety", "risk"]);
  assert.equal(merged.title, "Base");
  assert.deepEqual(merged.sources, ["base.md", "o.md"]);
  assert.notEqual(merged.hash, base.hash);
  assert.equal(base.principles.length, 2, "the base is not mutated");
});

Deno.test("an overlay replaces a base principle in place only with the replaces marker", () => {
  const overlay = parseConstitution("## Safety rules {#safety replaces}\n\nBe very safe.\n", {
    file: "o.md",
  });
  const merged = mergeConstitutions(base, [overlay]);
  assert.deepEqual(merged.principles.map((p) => p.id), ["clarity", "safety"]);
  assert.equal(merged.principles[1].text, "Be very safe.");
  assert.deepEqual(merged.principles[1].source, { file: "o.md", line: 1 });
});

Deno.test("an unmarked id clash names the overlay line and the base location", () => {
  const overlay = parseConstitution("## Intro\n\nx\n\n## Safety\n\nOther.\n", { file: "o.md" });
  assert.throws(
    () => mergeConstitutions(base, [overlay]),
    (error: unknown) =>
      error instanceof ConstitutionError && error.file === "o.md" && error.line === 5 &&
      /already defined at base\.md:7/.test(error.message) && /\{replaces\}/.test(error.message),
  );
});

Deno.test("a replaces marker that replaces nothing is an error", () => {
  const overlay = parseConstitution("## Safty {replaces}\n\nTypo.\n", { file: "o.md" });
  assert.throws(() => mergeConstitutions(base, [overlay]), /"safty" is marked "replaces" but no/);
});

Deno.test("later overlays may replace principles added by earlier overlays", () => {
  const first = parseConstitution("## Risk\n\nv1\n", { file: "1.md" });
  const second = parseConstitution("## Risk {replaces}\n\nv2\n", { file: "2.md" });
  const merged = mergeConstitutions(base, [first, second]);
  assert.equal(merged.principles.at(-1)?.text, "v2");
  assert.deepEqual(merged.sources, ["base.md", "1.md", "2.md"]);
});

Deno.test("loading with no paths gives the shipped default constitution", async () => {
  const c = await loadConstitution();
  const direct = parseConstitution(await Deno.readTextFile(DEFAULT_CONSTITUTION_URL));
  assert.equal(c.hash, direct.hash);
  assert.ok(c.principles.some((p) => p.id === "correctness"));
});

Deno.test("an explicitly given path that does not exist is an error, not the default", async () => {
  const dir = await Deno.makeTempDir();
  const missing = `${dir}/nope.md`;
  await assert.rejects(
    () => loadConstitution(missing),
    (error: unknown) =>
      error instanceof ConstitutionError && error.file === missing &&
      /not found/.test(error.message),
  );
  await assert.rejects(() => loadConstitution([missing], { defaultBase: true }), ConstitutionError);
  await assert.rejects(() => loadConstitution([""]), /non-empty string/);
});

Deno.test("the finance overlay merges onto the default and replaces only what it marks", async () => {
  const finance = new URL("../constitutions/finance.md", import.meta.url).pathname;
  const merged = await loadConstitution([finance], { defaultBase: true });
  const def = await loadConstitution();
  const ids = merged.principles.map((p) => p.id);
  for (const p of def.principles) assert.ok(ids.includes(p.id), `keeps ${p.id}`);
  assert.ok(ids.includes("no-personal-advice") && ids.includes("risks-and-costs"));
  const honest = merged.principles.find((p) => p.id === "honest-uncertainty");
  assert.equal(honest?.source.file, finance);
  assert.ok(honest?.tags.includes("finance"));
  assert.equal(merged.sources.length, 2);
});

Deno.test("a base file plus an overlay file load in order and errors name the file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.md`, "## One\n\n1\n");
  await Deno.writeTextFile(`${dir}/b.md`, "## Two\n\n2\n\n## One\n\nclash\n");
  await assert.rejects(
    () => loadConstitution([`${dir}/a.md`, `${dir}/b.md`]),
    (error: unknown) =>
      error instanceof ConstitutionError && error.file === `${dir}/b.md` && error.line === 5,
  );
  await Deno.writeTextFile(`${dir}/b.md`, "## Two\n\n2\n");
  const c = await loadConstitution([`${dir}/a.md`, `${dir}/b.md`]);
  assert.deepEqual(c.principles.map((p) => p.id), ["one", "two"]);
});

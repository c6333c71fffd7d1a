import assert from "node:assert/strict";
import {
  ConstitutionError,
  ConstitutionSchema,
  formatConstitution,
  parseConstitution,
  renderConstitution,
  selectPrinciples,
  slugify,
} from "../lib/constitution/mod.ts";
import { InputError } from "../lib/util/jsonl.ts";

function parseError(text: string, file = "rules.md"): ConstitutionError {
  try {
    parseConstitution(text, { file });
  } catch (error) {
    assert.ok(error instanceof ConstitutionError, `expected ConstitutionError, got ${error}`);
    return error;
  }
  assert.fail("expected a ConstitutionError");
}

Deno.test("heading principles take their text up to the next level-2 heading", () => {
  const c = parseConstitution(
    [
      "# My rules",
      "",
      "Intro prose is ignored.",
      "",
      "## Be correct {#correctness severity=high tags=code,prose}",
      "",
      "Check every claim.",
      "",
      "### Details",
      "- a nested list stays in the text",
      "",
      "## Honesty about Uncertainty",
      "Say when unsure.",
    ].join("\n"),
    { file: "rules.md" },
  );
  assert.equal(c.title, "My rules");
  assert.deepEqual(c.principles.map((p) => p.id), ["correctness", "honesty-about-uncertainty"]);
  const [a, b] = c.principles;
  assert.equal(a.severity, "high");
  assert.deepEqual(a.tags, ["code", "prose"]);
  assert.match(a.text, /### Details\n- a nested list stays in the text$/);
  assert.equal(a.source.line, 5);
  assert.equal(b.severity, undefined);
  assert.equal(b.text, "Say when unsure.");
  assert.equal(b.source.line, 12);
  assert.ok(ConstitutionSchema.safeParse(c).success);
});

Deno.test("list items with a bold label outside a principle are principles with continuation lines", () => {
  const c = parseConstitution(
    [
      "# Rules",
      "- **no-fabrication**: Never invent facts. {severity=high tags=prose}",
      "- **Cite Sources:** Name where numbers",
      "  come from.",
      "- a plain list item is prose",
      "",
      "1. numbered prose too",
    ].join("\n"),
  );
  assert.deepEqual(c.principles.map((p) => p.id), ["no-fabrication", "cite-sources"]);
  assert.equal(c.principles[0].text, "Never invent facts.");
  assert.equal(c.principles[0].severity, "high");
  assert.equal(c.principles[1].title, "Cite Sources");
  assert.equal(c.principles[1].text, "Name where numbers\ncome from.");
});

Deno.test("ids come from explicit ids or title slugs, never from position", () => {
  const one = parseConstitution("## Alpha\n\na\n\n## Beta {#b}\n\nb\n");
  const reordered = parseConstitution("## New first\n\nn\n\n## Beta {#b}\n\nb\n\n## Alpha\n\na2\n");
  const ids = (c: typeof one) => new Set(c.principles.map((p) => p.id));
  assert.ok(ids(one).has("alpha") && ids(one).has("b"));
  assert.ok(ids(reordered).has("alpha") && ids(reordered).has("b"));
  assert.equal(slugify("Ça marche — très bien!"), "ca-marche-tres-bien");
});

Deno.test("a duplicate id names the file, the second line and the first line", () => {
  const error = parseError("## Clarity\n\nx\n\n## Other {#clarity}\n\ny\n", "dup.md");
  assert.equal(error.file, "dup.md");
  assert.equal(error.line, 5);
  assert.match(
    error.message,
    /^dup\.md:5: duplicate principle id "clarity" \(first defined at line 1\)/,
  );
  assert.ok(error instanceof InputError);
});

Deno.test("an empty principle, a bad attribute and an unknown attribute are errors with lines", () => {
  assert.equal(parseError("## Empty\n\n## Full\n\ntext\n").line, 1);
  assert.match(parseError("## Empty\n\n## Full\n\ntext\n").message, /"empty" has no text/);
  const badSeverity = parseError("intro\n\n## A {severity=urgent}\n\nx\n");
  assert.equal(badSeverity.line, 3);
  assert.match(badSeverity.message, /severity must be low, medium or high/);
  assert.match(parseError("## A {colour=red}\n\nx\n").message, /unknown attribute "colour=red"/);
  assert.match(parseError("## A {#Bad_Id!}\n\nx\n").message, /bad id "Bad_Id!"/);
  assert.match(parseError("## A {tags=}\n\nx\n").message, /tags must be/);
  assert.match(parseError("## A {#a #b}\n\nx\n").message, /given twice/);
  assert.match(parseError("## !!! \n\nx\n").message, /cannot derive an id/);
  assert.equal(parseError("# T {#x}\n\n## A\n\nx\n").line, 1);
  assert.match(parseError("- **empty**:\n").message, /"empty" has no text/);
});

Deno.test("an empty file or a file of prose has no principles and is an error", () => {
  for (const text of ["", "   \n\n", "# Title only\n\nSome prose.\n- plain item\n"]) {
    const error = parseError(text, "empty.md");
    assert.match(error.message, /^empty\.md:1: no principles found/);
  }
});

Deno.test("headings inside code fences and HTML comments are not principles", () => {
  const c = parseConstitution(
    [
      "<!-- ## Commented {#gone}",
      "still a comment -->",
      "## Code style",
      "",
      "Example:",
      "```md",
      "## Not a heading",
      "```",
      "Done. <!-- inline note --> End.",
    ].join("\n"),
  );
  assert.deepEqual(c.principles.map((p) => p.id), ["code-style"]);
  assert.match(c.principles[0].text, /## Not a heading/);
  assert.match(c.principles[0].text, /Done\. {2}End\.$/);
  assert.equal(c.principles[0].source.line, 3);
});

Deno.test("the hash ignores line endings, trailing spaces and blank lines but not content", () => {
  const base = parseConstitution("## A {tags=x,y}\n\nRule one.\n\n## B\n\nRule two.\n");
  const reformatted = parseConstitution(
    "\r\n## A {tags=y,x}   \r\n\r\n\r\nRule one.   \r\n\r\n\r\n\r\n## B\r\nRule two.",
  );
  assert.equal(base.hash, reformatted.hash);
  assert.match(base.hash, /^[0-9a-f]{64}$/);
  const edited = parseConstitution("## A {tags=x,y}\n\nRule one!\n\n## B\n\nRule two.\n");
  const severity = parseConstitution(
    "## A {tags=x,y severity=low}\n\nRule one.\n\n## B\n\nRule two.\n",
  );
  const swapped = parseConstitution("## B\n\nRule two.\n\n## A {tags=x,y}\n\nRule one.\n");
  assert.notEqual(base.hash, edited.hash);
  assert.notEqual(base.hash, severity.hash);
  assert.notEqual(base.hash, swapped.hash);
});

Deno.test("rendering selects by ids and tags and rejects unknown ones", () => {
  const c = parseConstitution(
    "## A {tags=code}\n\nalpha\n\n## B {tags=prose severity=high}\n\nbeta\n\n## C\n\ngamma\n",
  );
  assert.deepEqual(selectPrinciples(c).map((p) => p.id), ["a", "b", "c"]);
  assert.deepEqual(selectPrinciples(c, { ids: ["c"], tags: ["code"] }).map((p) => p.id), [
    "a",
    "c",
  ]);
  const text = renderConstitution(c, { tags: ["prose"] });
  assert.equal(text, "[b] B (severity: high)\n    beta");
  assert.throws(() => renderConstitution(c, { ids: ["zzz"] }), /unknown principle id "zzz"/);
  assert.throws(() => renderConstitution(c, { tags: ["nope"] }), /no principle has the tag "nope"/);
});

Deno.test("formatting a constitution parses back to the same principles and hash", async () => {
  const text = await Deno.readTextFile(new URL("../constitution.md", import.meta.url));
  const c = parseConstitution(text, { file: "constitution.md" });
  const again = parseConstitution(formatConstitution(c), { file: "constitution.md" });
  assert.equal(again.hash, c.hash);
  assert.deepEqual(
    again.principles.map(({ source: _s, ...rest }) => rest),
    c.principles.map(({ source: _s, ...rest }) => rest),
  );
});

Deno.test("the shipped default constitution has 8 to 12 principles covering code and prose", async () => {
  const text = await Deno.readTextFile(new URL("../constitution.md", import.meta.url));
  const c = parseConstitution(text, { file: "constitution.md" });
  assert.ok(c.principles.length >= 8 && c.principles.length <= 12, `${c.principles.length}`);
  assert.ok(selectPrinciples(c, { tags: ["code"] }).length >= 3);
  assert.ok(selectPrinciples(c, { tags: ["prose"] }).length >= 3);
  for (const p of c.principles) assert.ok(p.severity, `${p.id} has a severity`);
});

import assert from "node:assert/strict";
import { armSummaryTable, htmlTable } from "../lib/ui/jupyter.ts";
import { displayWidth } from "../lib/ui/ansi.ts";

Deno.test("htmlTable escapes every header and cell", () => {
  const view = htmlTable([{
    "<th>": "<img src=x onerror=alert(1)>",
    "a&b": "\"quoted\" 'single'",
  }]);
  const html = String(view.bundle["text/html"]);
  assert.ok(!html.includes("<img"), html);
  assert.ok(!html.includes("<th>:"), html);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(html.includes("&lt;th&gt;"));
  assert.ok(html.includes("a&amp;b"));
  assert.ok(html.includes("&quot;quoted&quot; &#39;single&#39;"));
});

Deno.test("htmlTable keeps the requested column order and labels, with one row per record", () => {
  const rows = [{ a: 1, b: 0.123456, c: "x" }, { a: 2, b: 0.5, c: "y" }, { a: 3, c: "z" }];
  const view = htmlTable(rows, { columns: ["c", { key: "b", label: "bee", digits: 2 }] });
  const html = String(view.bundle["text/html"]);
  const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(headers, ["c", "bee"]);
  assert.equal((html.match(/<tr>/g) ?? []).length, rows.length + 1);
  assert.ok(html.includes(">0.12<"));
  assert.ok(!html.includes(">1<"), "column a was not requested");
});

Deno.test("htmlTable's plain-text fallback aligns columns", () => {
  const view = htmlTable([{ arm: "a", score: 0.5 }, { arm: "longer-arm", score: 0.25 }]);
  const lines = String(view.bundle["text/plain"]).split("\n");
  assert.equal(lines.length, 4);
  const col = lines[0].indexOf("score");
  assert.ok(col > 0);
  for (const line of lines.slice(2)) assert.match(line.slice(col), /^0\.\d{3}$/);
});

Deno.test("htmlTable rejects rows that are not objects", () => {
  assert.throws(
    () => htmlTable([1 as unknown as Record<string, unknown>]),
    /rows\[0\] must be an object/,
  );
});

Deno.test("armSummaryTable calls a CI above zero better, below zero worse, and across zero n.s.", () => {
  const rows = [
    { arm: "up", delta: 0.2, lo: 0.1, hi: 0.3 },
    { arm: "down", delta: -0.2, lo: -0.3, hi: -0.1 },
    { arm: "flat", delta: 0.01, lo: -0.05, hi: 0.07 },
  ];
  const view = armSummaryTable(rows);
  const html = String(view.bundle["text/html"]);
  const verdicts = [
    ...html.matchAll(/<tr><td[^>]*>([^<]*)<\/td>.*?<td style="color:[^"]*">([^<]*)<\/td>/g),
  ]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(verdicts, [["up", "better"], ["down", "worse"], ["flat", "n.s."]]);
});

Deno.test("armSummaryTable shows Δ with sign, the CI and W/T/L, and hides empty columns", () => {
  const view = armSummaryTable([
    { arm: "tests", n: 40, delta: 0.2, lo: 0.1, hi: 0.3, wins: 20, ties: 15, losses: 5 },
  ], { level: 90 });
  const plain = String(view.bundle["text/plain"]);
  assert.ok(plain.includes("+0.200"));
  assert.ok(plain.includes("[0.100, 0.300]"));
  assert.ok(plain.includes("20/15/5"));
  assert.ok(plain.includes("90% CI"));
  assert.ok(!plain.includes("critic"), "no row has a critic");
  assert.ok(!plain.includes("method"), "no row has a method");
});

Deno.test("armSummaryTable escapes arm names and an arm called like a verdict stays uncoloured", () => {
  const view = armSummaryTable([{ arm: "better", critic: "<b>", delta: 0, lo: -1, hi: 1 }]);
  const html = String(view.bundle["text/html"]);
  assert.ok(html.includes("&lt;b&gt;"));
  assert.equal((html.match(/color:/g) ?? []).length, 1, "only the verdict cell is coloured");
});

Deno.test("armSummaryTable names the bad field of a bad row", () => {
  assert.throws(
    () => armSummaryTable([{ arm: "a", delta: 0, lo: 1, hi: 0 }]),
    /armSummaryTable: rows\[0\]\.lo: lo must be <= hi/,
  );
});

Deno.test("the text/plain table aligns columns by display width (wide characters take two)", () => {
  const view = htmlTable([{ name: "漢字", n: 1 }, { name: "ab", n: 22 }]);
  const lines = String(view.bundle["text/plain"]).split("\n");
  // Every row's second column starts at the same terminal column.
  const starts = lines.filter((l) => !l.startsWith("-")).map((l) => {
    const cut = l.search(/ {2}\S+$/);
    return displayWidth(l.slice(0, cut));
  });
  assert.equal(new Set(starts).size, 1, JSON.stringify(lines));
});

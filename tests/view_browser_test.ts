/**
 * The run viewer in a real browser (Debian Chromium through puppeteer-core): the static page from
 * `file://`, then overview → filter → item → compare, keyboard included, with no console errors;
 * hostile run text that never executes; the served page following a run in progress; an audited
 * simulated run's hidden score per candidate. Screenshots go to VIEW_SCREENSHOTS or a temp
 * directory (printed). Skipped with a reason where Chromium is absent.
 *
 * Set VIEW_TEST_RUNS=dirA[,dirB] to also click through real run directories.
 */
import assert from "node:assert/strict";
import { serveViewer, writeViewer } from "../view.ts";
import { auditBenchmarkRun, type GateCandidateRecord } from "../lib/bench/mod.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { resolveArms } from "../lib/bench/arms.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import {
  type AnyPage,
  browserMissing,
  openWatched,
  texts,
  withBrowser,
  writeFixtureRun,
} from "./view_helpers.ts";

/** The page's document, inside functions puppeteer runs in the browser. */
// deno-lint-ignore no-explicit-any
declare const document: any;
/** Ditto, for computed styles. */
declare function getComputedStyle(element: unknown): { backgroundColor: string };
/** Ditto, for the frame callback. */
declare function requestAnimationFrame(callback: (time: number) => void): number;

const ROOT = new URL("..", import.meta.url).pathname;
const missing = browserMissing();
if (missing) console.log(`view_browser_test: ${missing}`);
const SHOTS = Deno.env.get("VIEW_SCREENSHOTS") ?? await Deno.makeTempDir({ prefix: "view-shots-" });

async function shot(page: AnyPage, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function settle(page: AnyPage): Promise<void> {
  await page.evaluate(() =>
    new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())))
  );
}

async function countText(page: AnyPage): Promise<string> {
  return (await texts(page, "#count"))[0];
}

/** Clicks overview → items → filter → item, checking the DOM on the way; returns the item's detail text. */
async function clickThrough(page: AnyPage, name: string): Promise<string> {
  assert.ok((await texts(page, "#section-overview h2")).length >= 1, "overview has a run heading");
  await shot(page, `${name}-overview`);
  await page.click("#tab-items");
  await settle(page);
  const total = Number((await countText(page)).split(" ")[0]);
  assert.ok(total > 0, "records listed");
  const arms = await page.$$eval(
    "#f-arm option",
    (os: { value: string }[]) => os.map((o) => o.value),
  );
  const arm = arms.find((a: string) => a && a !== "baseline") ?? arms[1];
  await page.select("#f-arm", arm);
  await settle(page);
  const filtered = Number((await countText(page)).split(" ")[0]);
  assert.ok(filtered > 0 && filtered < total, `filtering by arm ${arm}: ${filtered} of ${total}`);
  for (const cell of await texts(page, "#section-items .spacer .row span:nth-child(2)")) {
    assert.equal(cell, arm);
  }
  await page.click("#section-items .spacer .row");
  await page.waitForSelector("#detail h3", { timeout: 10_000 });
  await page.waitForFunction(
    () => !document.querySelector("#detail")?.textContent?.includes("Loading…"),
    { timeout: 10_000 },
  );
  await shot(page, `${name}-item`);
  return (await texts(page, "#detail"))[0];
}

Deno.test({
  name:
    "the static page opens from file://, filters, shows an item's rounds and compares two runs, with no console errors",
  ignore: missing !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFixtureRun(`${dir}/A`, { items: 12, answer: true });
    await writeFixtureRun(`${dir}/B`, { items: 12, answer: true, shift: 0.2 });
    const path = await writeViewer(`${dir}/A`, { compare: `${dir}/B`, resamples: 199 });
    await withBrowser(async (browser) => {
      const { page, errors, dialogs } = await openWatched(browser, `file://${path}`);
      const overview = (await texts(page, "#section-overview"))[0];
      for (
        const word of [
          "Models per role",
          "student: sim / sim",
          "2 principles",
          "Answer key",
          "Seeds",
        ]
      ) {
        assert.ok(overview.includes(word), `overview mentions ${word}`);
      }
      assert.ok(
        !(await page.$eval("#banner", (b: { hidden: boolean }) => b.hidden)),
        "SIMULATED banner shown",
      );
      assert.ok((await texts(page, "table.arms tbody tr")).length >= 2, "arms table");
      assert.ok((await page.$$(".chart img")).length >= 2, "forest and slope charts");
      const detail = await clickThrough(page, "static");
      for (
        const word of [
          "Prompt",
          "Round 0",
          "Round 2 — chosen",
          "correctness",
          "high",
          "Judge",
          "Ratchet",
          "Hidden score",
          "Extracted answer",
          "Preference pair (DPO)",
          "Hidden score per candidate",
          "deno task bench audit --out RUN_DIR",
        ]
      ) {
        assert.ok(detail.includes(word), `item detail shows ${word}`);
      }
      assert.equal((await page.$$("#detail table.candidates")).length, 0, "not audited: a hint");
      assert.ok(
        (await page.$$("#detail .diff .d-add")).length > 0,
        "a line diff against the previous round",
      );
      // keyboard: the focused heading, then back to the list and down with the arrow key
      assert.equal(await page.evaluate(() => document.activeElement?.id), "detail-title");
      await page.click("#detail .back");
      await page.keyboard.press("ArrowDown");
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute("data-index")),
        "1",
      );
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.id === "detail-title", {
        timeout: 5_000,
      });
      // outcome and search filters
      await page.select("#f-arm", "");
      await page.select("#f-outcome", "w2c");
      await settle(page);
      const flips = await texts(page, "#section-items .spacer .row span:nth-child(6)");
      assert.ok(
        flips.length > 0 && flips.every((t: string) => t.includes("✗→✓")),
        "wrong → correct only",
      );
      await page.select("#f-outcome", "");
      await page.select("#f-error", "error");
      await settle(page);
      assert.ok(
        (await texts(page, "#section-items .spacer .row span:nth-child(7)")).every((t: string) =>
          t.includes("error")
        ),
      );
      await page.select("#f-error", "");
      await page.type("#f-search", "item-00003");
      await page.waitForFunction(
        () => document.querySelector("#count")?.textContent?.startsWith("4 of"),
        { timeout: 5_000 },
      );
      await page.evaluate(() => {
        document.querySelector("#f-search").value = "";
      });
      await page.type("#f-search", "return 4;");
      await page.click("#f-text");
      await page.waitForFunction(
        () => /^[1-9]\d* of/.test(document.querySelector("#count")?.textContent ?? ""),
        { timeout: 5_000 },
      );
      // compare
      await page.click("#tab-compare");
      await settle(page);
      const compare = (await texts(page, "#section-compare"))[0];
      assert.ok(
        compare.includes("bench compare") && compare.includes("Δ (B − A)"),
        "comparison numbers on top",
      );
      const all = Number((await texts(page, "#c-count"))[0].split(" ")[0]);
      await page.click("#c-diff");
      await settle(page);
      const differing = Number((await texts(page, "#c-count"))[0].split(" ")[0]);
      assert.ok(differing > 0 && differing < all, `only differing: ${differing} of ${all}`);
      await page.click("#section-compare .spacer .row");
      await page.waitForSelector("#c-detail .sides .side", { timeout: 10_000 });
      assert.equal((await page.$$("#c-detail .side")).length, 2, "both runs side by side");
      await shot(page, "static-compare");
      // readable in dark mode too: the page follows prefers-color-scheme
      const light = await page.$eval("body", (b: unknown) => getComputedStyle(b).backgroundColor);
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
      const dark = await page.$eval("body", (b: unknown) => getComputedStyle(b).backgroundColor);
      assert.notEqual(light, dark, "a dark palette");
      await shot(page, "static-compare-dark");
      assert.deepEqual(errors, []);
      assert.deepEqual(dialogs, []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`screenshots: ${SHOTS}`);
});

/** The text a candidate row of the viewer's hidden table should show, cell by cell. */
function expectedCells(g: GateCandidateRecord): string[] {
  return [
    String(g.round),
    String(g.index) + (g.chosen ? " (chosen)" : ""),
    g.hiddenScore.toFixed(3),
    g.hiddenPassed ? "✓ passed" : "✗ failed",
    g.rightInHindsight === null ? "–" : g.rightInHindsight ? "right" : "wrong",
  ];
}

Deno.test({
  name:
    "an audited simulated run shows each candidate's hidden score, ratchet call and hindsight in the item detail, with no console errors",
  ignore: missing !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const items = await loadDataset(`${ROOT}datasets/coding_hard.jsonl`, { limit: 8 });
  const dir = await Deno.makeTempDir({ prefix: "view_audit_" });
  try {
    const arms = resolveArms(["baseline", "tests", "judge_symmetric"], { rounds: 2 });
    await runBenchmark(items, arms, {
      provider: createSimulatedProvider(items, { falseAccept: 0.5, falseReject: 0.2 }),
      constitution: await loadConstitution(`${ROOT}constitution.md`),
      seeds: [0, 1],
      simulated: true,
      outDir: `${dir}/sim`,
      datasetName: "coding_hard",
      resamples: 99,
    });
    const audit = await auditBenchmarkRun(`${dir}/sim`, items);
    const loops = audit.candidates.filter((c) => c.arm !== "baseline");
    const keptWrong = loops.filter((c) => c.promoted && c.rightInHindsight === false);
    console.log(
      `sim audit: ${audit.candidates.length} candidates, ${loops.length} in loop arms, ` +
        `${keptWrong.length} promoted but worse on the hidden tests`,
    );
    // The item to open: a revision the ratchet kept that the hidden tests score lower.
    assert.ok(keptWrong.length >= 1, "the simulated gates keep at least one regression");
    const target = keptWrong[0];
    const rows = loops.filter((c) => c.traceId === target.traceId);
    const path = await writeViewer(`${dir}/sim`, { resamples: 99 });
    await withBrowser(async (browser) => {
      const { page, errors, dialogs } = await openWatched(browser, `file://${path}`);
      await page.click("#tab-items");
      await page.select("#f-arm", target.arm);
      await page.select("#f-seed", String(target.seed));
      await page.type("#f-search", target.itemId);
      await page.waitForFunction(
        () => document.querySelector("#count")?.textContent?.startsWith("1 of"),
        { timeout: 5_000 },
      );
      // keyboard: focus the row and open it with Enter
      await page.focus("#section-items .spacer .row");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#detail table.candidates", { timeout: 10_000 });
      const caption = (await texts(page, "#detail table.candidates caption"))[0];
      assert.match(caption, /hidden — the roles never saw this/);
      const cells = await page.$$eval(
        "#detail table.candidates tbody tr",
        (trs: { children: { textContent: string | null }[] }[]) =>
          trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")),
      );
      assert.equal(cells.length, rows.length, "one row per candidate");
      const wrong = cells[rows.indexOf(target)];
      assert.ok(
        wrong[3].startsWith("kept, new best") && wrong[6].startsWith("wrong"),
        wrong.join(),
      );
      rows.forEach((g, i) => {
        const [round, index, _gate, ratchet, score, passed, right] = cells[i];
        const want = expectedCells(g);
        assert.deepEqual([round, index, score, passed, right.split(" ")[0]], want, `row ${i}`);
        if (g.index > 0 && g.decision) {
          assert.ok(ratchet.startsWith(g.decision === "keep" ? "kept" : "reverted"), ratchet);
        }
      });
      // The region with the table is reachable with the keyboard.
      assert.equal(
        await page.$eval("#detail .hidden-audit", (n: { tabIndex: number }) => n.tabIndex),
        0,
      );
      await page.$eval(
        "#detail .hidden-audit",
        (n: { scrollIntoView(): void }) => n.scrollIntoView(),
      );
      await shot(page, "audited-item");
      // The table alone: README's docs/run-viewer-hidden-scores.png is this file.
      await (await page.$("#detail .hidden-audit")).screenshot({
        path: `${SHOTS}/audited-candidates.png`,
      });
      const wrongBg = () =>
        page.$eval(
          "#detail table.candidates tr.wrong td",
          (td: unknown) => getComputedStyle(td).backgroundColor,
        );
      const light = await wrongBg();
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
      assert.notEqual(await wrongBg(), light, "the wrong call is marked in the dark palette too");
      await shot(page, "audited-item-dark");
      assert.deepEqual(errors, []);
      assert.deepEqual(dialogs, []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`screenshots: ${SHOTS}`);
});

Deno.test({
  name:
    "hostile answers, critiques, ids and errors are shown as text: nothing executes, no dialog opens, the page still works",
  ignore: missing !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFixtureRun(`${dir}/evil`, { items: 12, hostile: true, answer: true, audited: true });
    await writeFixtureRun(`${dir}/evil2`, { items: 12, hostile: true, answer: true, shift: 0.1 });
    const path = await writeViewer(`${dir}/evil`, { compare: `${dir}/evil2`, resamples: 99 });
    const server = await serveViewer([`${dir}/evil`, `${dir}/evil2`], { resamples: 99 });
    try {
      await withBrowser(async (browser) => {
        for (const url of [`file://${path}`, server.url]) {
          const { page, errors, dialogs } = await openWatched(browser, url);
          const detail = await clickThrough(
            page,
            url.startsWith("file") ? "hostile" : "hostile-served",
          );
          assert.ok(
            detail.includes("<script>") || detail.includes("<img"),
            "hostile text shown as text",
          );
          const gates = await texts(page, "#detail table.candidates tbody td:nth-of-type(2)");
          assert.ok(gates.length > 0, "the audited hostile run has a per-candidate table");
          assert.ok(
            gates.some((g: string) => /<script>|<img|<svg|javascript:/i.test(g)),
            `hostile gate names shown as text: ${gates.join(" | ")}`,
          );
          await page.select("#f-arm", "");
          for (let i = 0; i < 8; i++) {
            const rows = await page.$$("#section-items .spacer .row");
            await rows[i % rows.length].click();
            await page.waitForFunction(
              () => !document.querySelector("#detail")?.textContent?.includes("Loading…"),
              { timeout: 10_000 },
            );
          }
          await page.type("#f-search", "<img");
          await page.click("#f-text");
          await page.waitForFunction(
            () => /^\d+ of/.test(document.querySelector("#count")?.textContent ?? ""),
            { timeout: 5_000 },
          );
          await page.click("#tab-compare");
          await page.click("#section-compare .spacer .row");
          await page.waitForSelector("#c-detail .side", { timeout: 10_000 });
          await page.click("#tab-overview");
          const state = await page.evaluate(() => ({
            pwned: String((globalThis as { __pwned?: number }).__pwned ?? "unset"),
            scripts: document.querySelectorAll("script").length,
            injected: document.querySelectorAll(
              "main img:not(.chart img), main svg, main script, main iframe, a[href^='javascript']",
            ).length,
          }));
          assert.deepEqual(state, {
            pwned: "unset",
            scripts: 3 - (url.startsWith("http") ? 1 : 0),
            injected: 0,
          });
          assert.ok(
            (await texts(page, "#section-overview"))[0].includes(
              "<script>window.__pwned = 1</script>",
            ),
            "hostile model name shown as text",
          );
          assert.deepEqual(dialogs, []);
          assert.deepEqual(errors, []);
          await page.close();
        }
      });
    } finally {
      await server.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the served page fetches traces on demand and picks up records a running benchmark appends",
  ignore: missing !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const records = await writeFixtureRun(`${dir}/live`, { items: 4, complete: false });
    const server = await serveViewer([`${dir}/live`]);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(server.url);
      assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
      await res.body?.cancel();
      await withBrowser(async (browser) => {
        const { page, errors } = await openWatched(browser, server.url);
        assert.ok((await texts(page, "#section-overview"))[0].includes("in progress"));
        await clickThrough(page, "served");
        await page.select("#f-arm", "");
        assert.equal(
          await countText(page),
          `${records.length} of ${records.length} records (live)`,
        );
        const more = records.slice(0, 3).map((r) => ({ ...r, id: `${r.id}-new` }));
        await Deno.writeTextFile(
          `${dir}/live/journal.jsonl`,
          more.map((r) => JSON.stringify(r)).join("\n") + "\n",
          { append: true },
        );
        const want = `${records.length + 3} of ${records.length + 3} records (live)`;
        await page.waitForFunction(
          (w: string) => document.querySelector("#count")?.textContent === w,
          { timeout: 10_000 },
          want,
        );
        await shot(page, "served-live");
        assert.deepEqual(errors, []);
      });
    } finally {
      await server.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const realRuns = Deno.env.get("VIEW_TEST_RUNS")?.split(",").filter(Boolean) ?? [];
Deno.test({
  name: "real run directories (VIEW_TEST_RUNS) open, filter and show items with no console errors",
  ignore: missing !== undefined || realRuns.length === 0,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const path = await writeViewer(realRuns[0], { compare: realRuns[1] });
  await withBrowser(async (browser) => {
    const { page, errors, dialogs } = await openWatched(browser, `file://${path}`);
    await clickThrough(page, "real");
    if (realRuns.length === 2) {
      await page.click("#tab-compare");
      await page.click("#c-diff");
      await settle(page);
      await shot(page, "real-compare");
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(dialogs, []);
  });
});

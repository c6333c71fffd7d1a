/**
 * A 10,000-record run: the static page opens, filters, searches and scrolls without a visible stall.
 * The figures are printed, not asserted (machines differ); the test checks that the list stays
 * virtualised (a few dozen row nodes, not ten thousand) and that the answers are right.
 */
import assert from "node:assert/strict";
import { writeViewer } from "../view.ts";
import {
  browserMissing,
  openWatched,
  texts,
  withBrowser,
  writeFixtureRun,
} from "./view_helpers.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;
declare const performance: { now(): number };

const missing = browserMissing();

Deno.test({
  name: "a 10,000-record run opens and filters with the list virtualised (timings printed)",
  ignore: missing !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const records = await writeFixtureRun(`${dir}/big`, {
      items: 2500,
      seeds: [0, 1],
      arms: ["baseline", "tests"],
    });
    assert.equal(records.length, 10_000);
    const t0 = performance.now();
    const path = await writeViewer(`${dir}/big`, { resamples: 199 });
    const writeMs = performance.now() - t0;
    const size = (await Deno.stat(path)).size;
    await withBrowser(async (browser) => {
      const t1 = performance.now();
      const { page, errors } = await openWatched(browser, `file://${path}`);
      const openMs = performance.now() - t1;
      await page.click("#tab-items");
      assert.equal((await texts(page, "#count"))[0], "10000 of 10000 records");
      const rows = (await page.$$("#section-items .spacer .row")).length;
      assert.ok(rows > 0 && rows < 100, `virtualised: ${rows} row nodes`);
      /** Runs an action, then waits until the count does (or, with `negate`, no longer does) start with `prefix`. */
      const timed = async (action: () => Promise<unknown>, prefix: string, negate = false) => {
        const start = performance.now();
        await action();
        await page.waitForFunction(
          (p: string, n: boolean) =>
            document.querySelector("#count").textContent.startsWith(p) !== n,
          { timeout: 10_000, polling: "raf" },
          prefix,
          negate,
        );
        return performance.now() - start;
      };
      const armMs = await timed(() => page.select("#f-arm", "tests"), "5000 of");
      const outcomeMs = await timed(() => page.select("#f-outcome", "loss"), "5000 of", true);
      const inPageFilterMs = Number(
        await page.$eval("body", (b: { dataset: { filterMs: string } }) => b.dataset.filterMs),
      );
      const sortMs = await timed(async () => {
        await page.select("#f-outcome", "");
        await page.select("#f-sort", "delta-desc");
      }, "5000 of");
      const searchMs = await timed(() => page.type("#f-search", "item-01234"), "2 of");
      const scrollMs = await page.evaluate(async () => {
        const vp = document.querySelector("#section-items .viewport");
        await Promise.resolve();
        const start = performance.now();
        vp.scrollTop = 1e9;
        await new Promise((r) => setTimeout(r, 0));
        return performance.now() - start;
      });
      const t2 = performance.now();
      await page.click("#section-items .spacer .row");
      await page.waitForSelector("#detail article", { timeout: 10_000 });
      const itemMs = performance.now() - t2;
      assert.deepEqual(errors, []);
      console.log(
        `10k records: page ${(size / 1e6).toFixed(1)} MB written in ${writeMs.toFixed(0)} ms; ` +
          `open ${openMs.toFixed(0)} ms; filter by arm ${armMs.toFixed(0)} ms, by outcome ${
            outcomeMs.toFixed(0)
          } ms ` +
          `(in-page ${inPageFilterMs} ms); sort ${sortMs.toFixed(0)} ms; search ${
            searchMs.toFixed(0)
          } ms; ` +
          `scroll ${scrollMs.toFixed(0)} ms; first item (parses the traces) ${
            itemMs.toFixed(0)
          } ms`,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

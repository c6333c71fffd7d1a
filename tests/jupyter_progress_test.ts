import assert from "node:assert/strict";
import { createNotebookProgress, htmlTable, type MimeBundle } from "../lib/ui/jupyter.ts";
import type { DisplayBundleOptions } from "../lib/ui/jupyter_kernel.ts";
import type { Event } from "../lib/schemas/events.ts";

interface Call {
  bundle: MimeBundle;
  options: DisplayBundleOptions;
}

function recorder(): {
  calls: Call[];
  display: (b: MimeBundle, o: DisplayBundleOptions) => Promise<boolean>;
} {
  const calls: Call[] = [];
  return {
    calls,
    display: (bundle, options) => {
      calls.push({ bundle, options });
      return Promise.resolve(true);
    },
  };
}

const t = 0;
function run(items: number): Event[] {
  const events: Event[] = [{ type: "run_start", t, runId: "r1", items }];
  for (let i = 0; i < items; i++) {
    const itemId = `item-${i}`;
    events.push(
      { type: "item_start", t, itemId, prompt: "p" },
      { type: "round_start", t, itemId, round: 0 },
      { type: "role_start", t, itemId, role: "critic", round: 0 },
      { type: "token", t, itemId, role: "critic", round: 0, text: "…" },
      {
        type: "item_end",
        t,
        itemId,
        rounds: 1,
        stopReason: i === 1 ? "error" : "passed",
        chosenScore: i === 1 ? undefined : (i + 1) / items,
        error: i === 1 ? "timeout <b>" : undefined,
      },
    );
  }
  events.push({ type: "parse_failure", t, role: "critic", round: 0, message: "bad json" });
  events.push({ type: "run_end", t, runId: "r1", ok: true });
  return events;
}

Deno.test("progress creates one display, then only updates it under the same display id", async () => {
  const rec = recorder();
  const p = createNotebookProgress({ display: rec.display, throttleMs: 0, displayId: "prog" });
  for (const e of run(3)) p.onEvent(e);
  await p.finish();
  assert.ok(rec.calls.length >= 2);
  assert.deepEqual(rec.calls[0].options, { displayId: "prog" });
  for (const c of rec.calls.slice(1)) {
    assert.deepEqual(c.options, { displayId: "prog", update: true });
  }
});

Deno.test("progress counts items, errors, parse failures and the mean chosen score from events", async () => {
  const rec = recorder();
  const p = createNotebookProgress({ display: rec.display, throttleMs: 0 });
  const events = run(4);
  for (const e of events) p.onEvent(e);
  const s = p.state();
  const ends = events.filter((e) => e.type === "item_end");
  const scores = ends.flatMap((
    e,
  ) => (e.type === "item_end" && e.chosenScore !== undefined ? [e.chosenScore] : []));
  assert.equal(s.done, ends.length);
  assert.equal(s.total, 4);
  assert.equal(s.errors, 1);
  assert.equal(s.parseFailures, 1);
  assert.deepEqual(s.scores, scores);
  assert.equal(s.finished, true);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const plain = String(p.bundle()["text/plain"]);
  assert.ok(plain.includes(`4/4 items`), plain);
  assert.ok(plain.includes(`mean chosen score ${mean.toFixed(3)} (n=${scores.length})`), plain);
  assert.ok(String(p.bundle()["text/html"]).includes("timeout &lt;b&gt;"));
  await p.finish();
});

Deno.test("finish writes the final state into the live display and shows the result with a normal display", async () => {
  const rec = recorder();
  const p = createNotebookProgress({ display: rec.display, throttleMs: 0, displayId: "live" });
  for (const e of run(2)) p.onEvent(e);
  const table = htmlTable([{ arm: "tests", delta: 0.2 }]);
  const out = await p.finish(table);
  const last = rec.calls.at(-1)!;
  const beforeLast = rec.calls.at(-2)!;
  assert.deepEqual(last.options, {});
  assert.deepEqual(last.bundle, table.bundle);
  assert.deepEqual(beforeLast.options, { displayId: "live", update: true });
  assert.ok(String(beforeLast.bundle["text/plain"]).includes("finished"));
  assert.equal(out.displayed, true);
  assert.deepEqual(out.result, table.bundle);
});

Deno.test("finish without any earlier event still shows the final state with a normal display", async () => {
  const rec = recorder();
  const p = createNotebookProgress({ display: rec.display, displayId: "quiet" });
  const out = await p.finish();
  assert.equal(rec.calls.length, 1);
  assert.deepEqual(rec.calls[0].options, { displayId: "quiet" });
  assert.equal(out.displayed, true);
});

Deno.test("throttling skips intermediate updates but never run starts, item ends or run ends", async () => {
  const events = run(5);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const count = async (throttleMs: number) => {
    const rec = recorder();
    const p = createNotebookProgress({ display: rec.display, throttleMs });
    for (const e of events) {
      p.onEvent(e);
      await tick();
    }
    await p.finish();
    return rec.calls;
  };
  const always = events.filter((e) =>
    ["run_start", "item_end", "error", "run_end"].includes(e.type)
  );
  const throttled = await count(3_600_000);
  // one display per unthrottled event, plus the final update from finish
  assert.equal(throttled.length, always.length + 1);
  const done = throttled.map((c) =>
    Number(String(c.bundle["text/plain"]).match(/(\d+)\/5 items/)?.[1])
  );
  assert.deepEqual(done.slice(1, 6), [1, 2, 3, 4, 5]);
  const unthrottled = await count(0);
  assert.equal(unthrottled.length, events.length + 1);
});

Deno.test("progress survives a display function that throws and forwards every event", async () => {
  const forwarded: Event[] = [];
  const p = createNotebookProgress({
    display: () => Promise.reject(new Error("frontend gone")),
    forward: (e) => forwarded.push(e),
    throttleMs: 0,
  });
  const events = run(2);
  for (const e of events) p.onEvent(e);
  const out = await p.finish({ "text/plain": "result" });
  assert.equal(forwarded.length, events.length);
  assert.equal(out.displayed, false);
  assert.equal(p.state().done, 2);
});

Deno.test("outside Jupyter the default display shows nothing and does not throw", async () => {
  const p = createNotebookProgress();
  for (const e of run(2)) p.onEvent(e);
  const out = await p.finish({ "text/plain": "done" });
  assert.equal(out.displayed, false);
  assert.deepEqual(out.result, { "text/plain": "done" });
  assert.ok(String(out.progress["text/plain"]).includes("2/2 items"));
});

Deno.test("createNotebookProgress rejects a negative throttle", () => {
  assert.throws(
    () => createNotebookProgress({ throttleMs: -1 }),
    /throttleMs must be >= 0, got -1/,
  );
});

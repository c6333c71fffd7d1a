/**
 * The run viewer without a browser: embedding is script-safe, the CSP hashes match the inline
 * script and style, outcomes against the baseline are worked out, and a run in progress is read
 * from its journal.
 */
import assert from "node:assert/strict";
import { encodeBase64 } from "../lib/view/_base64.ts";
import { readViewRun, scriptSafeJson, viewRun, withOutcomes, writeViewer } from "../view.ts";
import { HOSTILE, writeFixtureRun } from "./view_helpers.ts";

async function sha256(text: string): Promise<string> {
  return encodeBase64(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
  );
}

Deno.test("scriptSafeJson() escapes <, >, & and line separators and still parses back", () => {
  const value = { s: "</script><!-- & \u2028 \u2029 <script>" };
  const text = scriptSafeJson(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), value);
});

Deno.test("viewRun() of a hostile run: no string closes a script element, and the CSP hashes match the inline script and style", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFixtureRun(`${dir}/hostile`, { hostile: true, items: 8 });
    const html = await viewRun(`${dir}/hostile`, { resamples: 99 });
    assert.equal(html.match(/<script/gi)?.length, 3, "data, traces and the page script");
    assert.equal(html.match(/<\/script/gi)?.length, 3);
    for (const h of HOSTILE.filter((x) => x.includes("<"))) {
      assert.ok(!html.includes(h), `raw hostile markup in the page: ${h}`);
    }
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1];
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const script = html.match(/<script>([\s\S]*)<\/script>/)![1];
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1];
    assert.ok(csp.includes(`'sha256-${await sha256(script)}'`), "script hash");
    assert.ok(csp.includes(`'sha256-${await sha256(style)}'`), "style hash");
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withOutcomes() compares each record with the baseline of its item and seed", () => {
  const r = (arm: string, seed: number, score: number) =>
    ({ id: "a", arm, seed, score, passed: score === 1 }) as never;
  const out = withOutcomes(
    [r("baseline", 0, 1), r("tests", 0, 0.5), r("baseline", 1, 0.5), r("tests", 1, 0.5)],
    new Set(["baseline"]),
  );
  assert.deepEqual(out.map((x) => [x.outcome, x.flip]), [
    [undefined, undefined],
    ["loss", "c2w"],
    [undefined, undefined],
    ["tie", undefined],
  ]);
});

Deno.test("readViewRun() reads a run in progress from its journal and skips a torn last line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const records = await writeFixtureRun(dir, { complete: false, items: 3 });
    await Deno.writeTextFile(`${dir}/journal.jsonl`, '{"id":"torn', { append: true });
    const run = await readViewRun(dir);
    assert.equal(run.complete, false);
    assert.equal(run.summary, undefined);
    assert.equal(run.records.length, records.length);
    assert.ok(run.pairs && Object.values(run.pairs).some((p) => p.kept), "a kept DPO pair");
    assert.ok(run.records.some((x) => x.gateErrors?.length), "a gate error from the records");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readViewRun() groups gate_candidates.jsonl by trace, skips invalid lines, and says when a run was not audited", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const records = await writeFixtureRun(`${dir}/audited`, { items: 3, audited: true });
    await Deno.writeTextFile(`${dir}/audited/gate_candidates.jsonl`, '{"arm":"x"}\nnot json\n', {
      append: true,
    });
    const run = await readViewRun(`${dir}/audited`);
    assert.equal(run.candidatesAudited, true);
    const loop = records.find((r) => r.arm === "tests")!;
    const rows = run.gateCandidates![loop.traceId!];
    assert.deepEqual(rows.map((r) => r.index), [0, 1, 2], "one row per candidate of the trace");
    assert.ok(rows.every((r) => r.itemId === loop.id && r.seed === loop.seed));
    assert.equal(
      Object.values(run.gateCandidates!).flat().length,
      records.length / 2 + records.length / 2 * 3,
      "baseline traces have one candidate, loops three; the invalid lines are left out",
    );
    const lean = await readViewRun(`${dir}/audited`, { traces: false });
    assert.equal(lean.candidatesAudited, true);
    assert.equal(lean.gateCandidates, undefined);
    await writeFixtureRun(`${dir}/plain`, { items: 3 });
    const plain = await readViewRun(`${dir}/plain`);
    assert.equal(plain.candidatesAudited, false);
    assert.equal(plain.gateCandidates, undefined);
    const html = await viewRun(`${dir}/audited`, { resamples: 99, charts: false });
    assert.match(html, /"candidatesAudited":true/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeViewer() writes <run>/index.html and viewRun() refuses a directory without a manifest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFixtureRun(`${dir}/a`, { items: 3 });
    assert.equal(await writeViewer(`${dir}/a/`, { charts: false }), `${dir}/a/index.html`);
    assert.match(await Deno.readTextFile(`${dir}/a/index.html`), /^<!doctype html>/);
    await assert.rejects(viewRun(`${dir}/none`), /manifest\.json is missing/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task view prints the page's path, and explains its usage without a run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFixtureRun(`${dir}/a`, { items: 3 });
    await writeFixtureRun(`${dir}/b`, { items: 3, shift: 0.2 });
    const script = new URL("../scripts/view.ts", import.meta.url).pathname;
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        out: new TextDecoder().decode(out.stdout),
        err: new TextDecoder().decode(out.stderr),
      };
    };
    const ok = await run(`${dir}/a`, `${dir}/b`, "--resamples", "99");
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.trim(), `${dir}/a/index.html`);
    const usage = await run();
    assert.equal(usage.code, 2);
    assert.match(usage.err, /usage: deno task view/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

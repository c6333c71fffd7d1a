/**
 * Shared by the run-viewer tests: synthetic run directories (plain or hostile), and a headless
 * Debian Chromium driven through puppeteer-core (imported only when a browser test runs).
 */
import { resolveArms } from "../lib/bench/arms.ts";
import { summarizeBenchmark } from "../lib/bench/summary.ts";
import type { ItemResult } from "../lib/bench/records.ts";
import type { Trace } from "../lib/schemas/trace.ts";
import { GATE_CANDIDATES_FILE, gateCandidateRecords } from "../lib/bench/gate_candidates.ts";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  try {
    Deno.statSync(CHROMIUM);
    return undefined;
  } catch {
    return `${CHROMIUM} is missing (apt-get install chromium): browser tests skipped`;
  }
}

/** Options of {@linkcode writeFixtureRun}. */
export interface FixtureOptions {
  /** Items. @default 6 */
  items?: number;
  /** Seeds. @default [0, 1] */
  seeds?: number[];
  /** Arms. @default ["baseline", "tests"] */
  arms?: string[];
  /** Put hostile strings in ids, answers, critiques, errors. @default false */
  hostile?: boolean;
  /** Write traces. @default true */
  traces?: boolean;
  /** Write summary.json / items.jsonl (false: a run in progress, journal only). @default true */
  complete?: boolean;
  /** Shift every loop score by this (a second run to compare). @default 0 */
  shift?: number;
  /** Answer task (extracted answers). @default false */
  answer?: boolean;
  /**
   * Write `gate_candidates.jsonl` as `bench audit` would (hidden score 1 for the answers with "1"
   * in them, else 0.25; hostile runs get hostile gate names). @default false
   */
  audited?: boolean;
}

/** Strings that must never run when shown. */
export const HOSTILE = [
  "<script>window.__pwned = 1</script>",
  "</script><script>window.__pwned = 2</script>",
  '<img src=x onerror="window.__pwned = 3">',
  "javascript:window.__pwned = 4",
  '"><svg onload="window.__pwned = 5">',
  "\u2028</SCRIPT ><!--<script>window.__pwned = 6</script>",
];

function record(
  id: string,
  arm: string,
  seed: number,
  score: number,
  initial: number,
  extra: Partial<ItemResult> = {},
): ItemResult {
  return {
    id,
    arm,
    seed,
    score,
    passed: score === 1,
    initialScore: initial,
    rounds: arm === "baseline" ? 0 : 2,
    calls: arm === "baseline" ? 1 : 5,
    studentCalls: arm === "baseline" ? 1 : 3,
    tokens: 400,
    stopReason: "max_rounds",
    ms: 10,
    traceId: `${arm}-${seed}-${id}`,
    simulated: true,
    ...extra,
  };
}

function trace(r: ItemResult, prompt: string, bad: string, good: string): Trace {
  const candidate = (round: number, text: string, passed: boolean) => ({
    round,
    text,
    critiques: passed ? [] : [{
      principleId: round === 0 ? "correctness" : bad.slice(0, 200),
      quote: bad.slice(0, 300),
      issue: `The answer is wrong on an edge case ${bad.slice(0, 100)}`,
      fix: "Handle the empty input.",
      severity: "high" as const,
    }],
    verdict: {
      verdict: passed ? "compliant" as const : "needs_revision" as const,
      reasons: [bad],
      score: passed ? 0.9 : 0.3,
    },
    score: {
      score: passed ? 1 : 0.5,
      passed,
      source: "visible_tests",
      detail: passed ? "6/6" : "3/6",
    },
    decision: {
      decision: "keep" as const,
      reason: round === 0 ? "initial answer" : "improved",
      candidateScore: passed ? 1 : 0.5,
      bestScore: 0.5,
    },
    feedback: round === 0 ? `Fix it ${bad.slice(0, 50)}` : undefined,
  });
  const candidates = r.arm === "baseline"
    ? [candidate(0, bad, r.score === 1)]
    : [candidate(0, bad, false), candidate(1, `${bad}\nline two`, false), candidate(2, good, true)];
  return {
    traceId: r.traceId!,
    itemId: r.id,
    prompt,
    candidates,
    chosenIndex: candidates.length - 1,
    chosen: candidates.at(-1)!.text,
    rejected: candidates[0].text,
    rounds: candidates.length - 1,
    calls: [{
      role: "student",
      provider: "sim",
      model: "sim",
      usage: { inputTokens: 1, outputTokens: 1 },
      ms: 1,
      cached: false,
    }],
    usage: { inputTokens: 1, outputTokens: 1 },
    parseFailures: 0,
    stopReason: "max_rounds",
    startedAt: "2026-01-01T00:00:00.000Z",
    ms: 10,
  } as Trace;
}

/**
 * Writes a synthetic benchmark run directory.
 *
 * @param dir Directory (created).
 * @param options Size, arms, hostility.
 * @returns The records written.
 */
export async function writeFixtureRun(
  dir: string,
  options: FixtureOptions = {},
): Promise<ItemResult[]> {
  const n = options.items ?? 6;
  const seeds = options.seeds ?? [0, 1];
  const arms = options.arms ?? ["baseline", "tests"];
  const hostile = options.hostile ?? false;
  await Deno.mkdir(dir, { recursive: true });
  const records: ItemResult[] = [];
  const traces: Trace[] = [];
  for (let i = 0; i < n; i++) {
    const h = HOSTILE[i % HOSTILE.length];
    const id = hostile ? `item-${i}-${h}` : `item-${String(i).padStart(5, "0")}`;
    const prompt = hostile
      ? `Write f. ${h}\n${"A".repeat(i === 0 ? 200_000 : 10)}`
      : `Write the function f${i}.`;
    const bad = hostile
      ? `function f() { return "${h}"; }`
      : `function f${i}() {\n  return ${i};\n}`;
    const good = hostile
      ? `function f() { return 1; } // ${h}`
      : `function f${i}() {\n  return ${i + 1};\n}`;
    for (const seed of seeds) {
      for (const arm of arms) {
        const base = ((i * 7 + seed * 3) % 10) / 10;
        const loop = Math.min(
          1,
          Math.max(0, (i + seed) % 3 === 0 ? 1 : base + (options.shift ?? 0) + ((i % 4) - 1) / 10),
        );
        const score = arm === "baseline" ? base : loop;
        const extra: Partial<ItemResult> = {};
        if (options.answer) {
          Object.assign(extra, { extracted: hostile ? h : String(i), extractRule: "last_number" });
        }
        if (i % 11 === 5) extra.error = hostile ? `crashed: ${h}` : "provider timeout";
        const r = record(id, arm, seed, extra.error ? 0 : score, base, extra);
        records.push(r);
        traces.push(trace(r, prompt, bad, good));
      }
    }
  }
  const manifest = {
    manifestVersion: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    roles: {
      student: { provider: "sim", model: hostile ? HOSTILE[0] : "sim" },
      judge: { provider: "sim", model: "sim-judge" },
    },
    parameters: {
      task: options.answer ? "answer" : "code",
      dataset: hostile ? HOSTILE[2] : "fixture",
      arms: arms.map((name) => ({ name, kind: name === "baseline" ? "baseline" : "loop" })),
      answerKey: Object.fromEntries(arms.map((a) => [a, []])),
    },
    seeds,
    constitutionPrinciples: ["correctness", hostile ? HOSTILE[1] : "clarity"],
    constitutionHash: "0".repeat(64),
    datasetHash: "1".repeat(64),
    datasetItems: n,
    simulated: true,
  };
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2));
  const lines = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/journal.jsonl`, lines(records));
  if (options.traces ?? true) await Deno.writeTextFile(`${dir}/traces.jsonl`, lines(traces));
  if (options.audited) {
    const hidden = (text: string) => text.includes("1") ? 1 : 0.25;
    const rows = gateCandidateRecords(traces, records, {
      get: (_t, c) => ({ score: hidden(c.text), passed: hidden(c.text) === 1 }),
    }).map((row, i) => hostile ? { ...row, gateSource: HOSTILE[i % HOSTILE.length] } : row);
    await Deno.writeTextFile(`${dir}/${GATE_CANDIDATES_FILE}`, lines(rows));
  }
  if (options.complete ?? true) {
    await Deno.writeTextFile(`${dir}/items.jsonl`, lines(records));
    const summary = summarizeBenchmark(records, resolveArms(arms), {
      run: dir.split("/").at(-1),
      simulated: true,
      resamples: 199,
    });
    await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify(summary));
    await Deno.writeTextFile(
      `${dir}/gate_audit.json`,
      JSON.stringify(
        arms.filter((a) => a !== "baseline").map((arm) => ({
          arm,
          gate: "visible_tests",
          candidates: 10,
          hiddenPassed: 4,
          falseAccepts: 1,
          falseRejects: 0,
          falseAcceptRate: 1 / 6,
          falseRejectRate: 0,
          revisions: 6,
          promotedImprovements: 3,
          promotedRegressions: 0,
          missedImprovements: 1,
          blockedRegressions: 2,
          decisionAccuracy: 5 / 6,
        })),
      ),
    );
  }
  return records;
}

// deno-lint-ignore no-explicit-any
export type AnyPage = any;
// deno-lint-ignore no-explicit-any
export type AnyBrowser = any;

/** A page with its console errors, page errors and dialogs collected. */
export interface WatchedPage {
  page: AnyPage;
  errors: string[];
  dialogs: string[];
}

/**
 * Runs `fn` with a fresh headless Chromium, closed (and its profile removed) in every case.
 *
 * @param fn What to do with the browser.
 */
export async function withBrowser(fn: (browser: AnyBrowser) => Promise<void>): Promise<void> {
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await Deno.makeTempDir({ prefix: "view-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
    ],
    timeout: 20_000,
    protocolTimeout: 30_000,
  });
  try {
    await fn(browser);
  } finally {
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Opens a page, collecting console errors, uncaught errors, failed requests and dialogs (which
 * are dismissed).
 *
 * @param browser From {@linkcode withBrowser}.
 * @param url The page.
 * @returns The page and what it reported.
 */
export async function openWatched(browser: AnyBrowser, url: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m: { type(): string; text(): string }) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e: Error) => errors.push(`pageerror: ${e.message}`));
  page.on(
    "requestfailed",
    (r: { url(): string }) => errors.push(`requestfailed: ${r.url().slice(0, 200)}`),
  );
  page.on("dialog", async (d: { message(): string; dismiss(): Promise<void> }) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url, { waitUntil: "load", timeout: 20_000 });
  await page.waitForSelector("body[data-ready='1']", { timeout: 20_000 });
  return { page, errors, dialogs };
}

/** Texts of the elements matching a selector. */
export function texts(page: AnyPage, selector: string): Promise<string[]> {
  return page.$$eval(
    selector,
    (els: { textContent: string | null }[]) => els.map((e) => e.textContent ?? ""),
  );
}

/** Sets a select's value and fires its change event. */
export async function choose(page: AnyPage, selector: string, value: string): Promise<void> {
  await page.select(selector, value);
}

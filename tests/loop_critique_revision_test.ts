import assert from "node:assert/strict";
import { critiqueRevisionLoop, deriveSeed, type LoopConfig } from "../lib/loop/mod.ts";
import type { Critic, Scorer } from "../lib/loop/types.ts";
import { createScriptedProvider, type ScriptRule } from "../lib/providers/scripted.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { parseConstitution } from "../lib/constitution/mod.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import type { Item } from "../lib/schemas/item.ts";

const constitution = parseConstitution(
  "## Be exact {#exact severity=high}\n\nNo rounding.\n\n## Be clear {#clarity}\n\nShort.\n",
);
const item: Item = { id: "pi", prompt: "What is pi?" };
const critiqueJson = (quote: string, issue = "rounded") =>
  JSON.stringify({
    critiques: [{ principleId: "exact", quote, issue, fix: "give digits", severity: "high" }],
  });
const verdict = (v: "compliant" | "needs_revision", score: number) =>
  JSON.stringify({ verdict: v, reasons: [`score ${score}`], score });

function answerIn(messages: { content: string }[]): string {
  return messages[1].content.match(/<answer>\n([\s\S]*?)\n<\/answer>/)?.[1] ?? "";
}

async function run(config: Partial<LoopConfig> & Pick<LoopConfig, "provider">, it = item) {
  const events: Event[] = [];
  const trace = await critiqueRevisionLoop(it, {
    constitution,
    ...config,
    onEvent: (e) => events.push(e),
  });
  assert.ok(TraceSchema.safeParse(trace).success, JSON.stringify(TraceSchema.safeParse(trace)));
  for (const e of events) assert.ok(EventSchema.safeParse(e).success, JSON.stringify(e));
  return { trace, events };
}

Deno.test("a symmetric judge run improves the answer and stops when compliant", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["about 3", "3.14159"],
      critic: critiqueJson("about 3"),
      judge: [verdict("needs_revision", 0.2), verdict("compliant", 0.9)],
    },
  });
  const { trace, events } = await run({ provider });
  assert.equal(trace.rejected, "about 3");
  assert.equal(trace.chosen, "3.14159");
  assert.equal(trace.chosenIndex, 1);
  assert.equal(trace.stopReason, "compliant");
  assert.equal(trace.rounds, 1);
  assert.equal(trace.candidates[0].critiques[0].quote, "about 3");
  assert.match(trace.candidates[0].feedback ?? "", /\[exact\]/);
  assert.equal(trace.candidates[1].verdict?.verdict, "compliant");
  assert.equal(trace.candidates[1].decision?.decision, "keep");
  assert.deepEqual(trace.calls.map((c) => c.role), [
    "student",
    "judge",
    "critic",
    "student",
    "judge",
  ]);
  const total = trace.calls.reduce((n, c) => n + c.usage.outputTokens, 0);
  assert.equal(trace.usage.outputTokens, total);
  assert.deepEqual(
    events.filter((e) => e.type.startsWith("round")).map((e) => e.type),
    ["round_start", "round_end", "round_start", "round_end"],
  );
  const types = events.map((e) => e.type);
  for (const t of ["critique", "revision", "verdict", "score", "ratchet_decision"]) {
    assert.ok(types.includes(t as Event["type"]), t);
  }
  const end = events.at(-1);
  assert.ok(end?.type === "item_end" && end.chosenScore === 0.9 && end.stopReason === "compliant");
});

Deno.test("with a scorer the scorer decides and the judge is never asked", async () => {
  const provider = createScriptedProvider({
    byRole: { student: ["bad", "good"], critic: critiqueJson("bad") },
  });
  const scorer: Scorer = {
    name: "length",
    score: (_item, answer) =>
      Promise.resolve({ score: answer === "good" ? 1 : 0, passed: answer === "good", source: "t" }),
  };
  const { trace } = await run({ provider, scorer });
  assert.equal(trace.stopReason, "passed");
  assert.equal(trace.chosen, "good");
  assert.ok(!trace.calls.some((c) => c.role === "judge"));
  assert.ok(!provider.calls.some((c) => c.options.role === "judge"));
  assert.equal(trace.candidates[1].verdict, undefined);
  assert.equal(trace.candidates[1].score?.source, "t");
});

Deno.test("a worse revision is reverted and the next round revises the best answer again", async () => {
  const scores: Record<string, number> = { v0: 0.5, v1: 0.2, v2: 0.8 };
  const provider = createScriptedProvider({
    respond: (messages, options) =>
      options.role === "judge"
        ? verdict("needs_revision", scores[answerIn(messages)])
        : options.role === "critic"
        ? critiqueJson(answerIn(messages), `issue with ${answerIn(messages)}`)
        : undefined,
    byRole: { student: ["v0", "v1", "v2"] },
  });
  const { trace } = await run({ provider, maxRounds: 2 });
  assert.deepEqual(trace.candidates.map((c) => c.decision?.decision), ["keep", "revert", "keep"]);
  const revisions = provider.calls.filter((c) => c.options.role === "student").slice(1);
  assert.deepEqual(revisions.map((c) => answerIn(c.messages)), ["v0", "v0"]);
  assert.equal(trace.chosen, "v2");
  assert.equal(trace.stopReason, "max_rounds");
  assert.equal(trace.candidates[0].critiques.length, 1, "a repeated critique of v0 is stored once");
});

Deno.test("the loop stops when the critic has nothing to say", async () => {
  const provider = createScriptedProvider({
    byRole: { student: "fine", judge: verdict("needs_revision", 0.7) },
  });
  const { trace } = await run({ provider });
  assert.equal(trace.stopReason, "no_feedback");
  assert.equal(trace.candidates.length, 1);
  assert.equal(trace.rounds, 0);
  assert.equal(trace.chosen, trace.rejected);
});

Deno.test("zero rounds answers and evaluates only", async () => {
  const provider = createScriptedProvider({ byRole: { judge: verdict("needs_revision", 0.3) } });
  const { trace } = await run({ provider, maxRounds: 0 });
  assert.equal(trace.candidates.length, 1);
  assert.equal(trace.stopReason, "max_rounds");
  assert.equal(trace.candidates[0].score?.score, 0.3);
});

Deno.test("an unparseable critic still gives its raw text as feedback and counts a parse failure", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["v0", "v1"],
      critic: "The answer rounds pi; give more digits.",
      judge: [verdict("needs_revision", 0.1), verdict("compliant", 0.9)],
    },
  });
  const { trace, events } = await run({ provider, maxRounds: 1 });
  assert.equal(trace.parseFailures, 1);
  assert.equal(trace.candidates[0].feedback, "The answer rounds pi; give more digits.");
  assert.equal(trace.chosen, "v1");
  const failure = events.find((e) => e.type === "parse_failure");
  assert.ok(failure?.type === "parse_failure" && failure.role === "critic" && failure.round === 1);
  const revision = provider.calls.filter((c) => c.options.role === "student")[1];
  assert.match(revision.messages[1].content, /give more digits/);
});

Deno.test("an unparseable judge scores zero, counts a parse failure and the loop goes on", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["v0", "v1"],
      critic: critiqueJson("v0"),
      judge: ["garbage", "still garbage", verdict("compliant", 0.6)],
    },
  });
  const { trace } = await run({ provider, maxRounds: 1 });
  assert.equal(trace.parseFailures, 1);
  assert.equal(trace.candidates[0].score?.score, 0);
  assert.equal(trace.candidates[0].verdict, undefined);
  assert.equal(trace.chosen, "v1");
});

Deno.test("an infrastructure error ends the item with the error and keeps what was done", async () => {
  let studentCalls = 0;
  const provider = createScriptedProvider({
    respond: (_m, options) => {
      if (options.role === "student" && ++studentCalls === 3) {
        throw new ProviderError("scripted", "server", "model crashed", { status: 500 });
      }
      return undefined;
    },
    byRole: {
      student: ["v0", "v1"],
      critic: [critiqueJson("v0"), critiqueJson("v1", "other")],
      judge: [verdict("needs_revision", 0.2), verdict("needs_revision", 0.5)],
    },
  });
  const { trace, events } = await run({ provider, maxRounds: 3 });
  assert.equal(trace.stopReason, "error");
  assert.match(trace.error ?? "", /model crashed/);
  assert.deepEqual(trace.candidates.map((c) => c.text), ["v0", "v1"]);
  assert.equal(trace.chosen, "v1");
  assert.equal(trace.calls.at(-1)?.error !== undefined, true);
  const error = events.find((e) => e.type === "error");
  assert.ok(error?.type === "error" && error.role === "student");
  const end = events.at(-1);
  assert.ok(end?.type === "item_end" && end.error !== undefined);
});

Deno.test("a failure on the first answer still returns a valid trace", async () => {
  const provider = createScriptedProvider({
    respond: () => {
      throw new ProviderError("scripted", "connection", "refused");
    },
  });
  const { trace } = await run({ provider });
  assert.equal(trace.stopReason, "error");
  assert.equal(trace.candidates.length, 1);
  assert.equal(trace.chosen, "");
});

Deno.test("aborting stops the item with stop reason aborted and keeps finished candidates", async () => {
  const controller = new AbortController();
  const provider = createScriptedProvider({
    respond: (_m, options) => {
      if (options.role === "critic") controller.abort();
      return undefined;
    },
    byRole: { student: ["v0", "v1"], judge: verdict("needs_revision", 0.4) },
  });
  const { trace, events } = await run({ provider, signal: controller.signal });
  assert.equal(trace.stopReason, "aborted");
  assert.equal(trace.error, undefined);
  assert.deepEqual(trace.candidates.map((c) => c.text), ["v0"]);
  assert.ok(!events.some((e) => e.type === "error"));
});

Deno.test("an asymmetric judge uses its own model and every role call gets its derived seed", async () => {
  const student = createScriptedProvider({
    name: "small",
    byRole: { student: ["v0", "v1"], critic: critiqueJson("v0") },
  });
  const judge = createScriptedProvider({
    name: "big",
    byRole: { judge: [verdict("needs_revision", 0.1), verdict("compliant", 1)] },
  });
  const { trace } = await run({ provider: student, providers: { judge }, seed: 42 });
  assert.ok(trace.calls.filter((c) => c.role === "judge").every((c) => c.provider === "big"));
  assert.ok(trace.calls.filter((c) => c.role !== "judge").every((c) => c.provider === "small"));
  assert.ok(!student.calls.some((c) => c.options.role === "judge"));
  const expected = (round: number, role: string) => deriveSeed(42, ["pi", round, role]);
  assert.deepEqual(
    student.calls.map((c) => c.options.seed),
    [expected(0, "student"), expected(1, "critic"), expected(1, "student")],
  );
  assert.deepEqual(
    judge.calls.map((c) => c.options.seed),
    [expected(0, "judge"), expected(1, "judge")],
  );
  assert.notEqual(student.calls[0].options.seed, judge.calls[0].options.seed);
});

Deno.test("the same seed gives the same trace and a different seed a different one", async () => {
  const seeded: ScriptRule = (_m, options) =>
    options.role === "student"
      ? `answer ${options.seed! % 97}`
      : options.role === "critic"
      ? critiqueJson("", `issue ${options.seed! % 13}`)
      : options.role === "judge"
      ? verdict("needs_revision", (options.seed! % 100) / 100)
      : undefined;
  const strip = (t: Awaited<ReturnType<typeof run>>["trace"]) => ({
    ...t,
    startedAt: "",
    ms: 0,
    calls: t.calls.map((c) => ({ ...c, ms: 0 })),
  });
  const once = async (seed: number) =>
    (await run({ provider: createScriptedProvider({ respond: seeded }), seed, maxRounds: 2 }))
      .trace;
  const a = await once(5);
  const b = await once(5);
  const c = await once(6);
  assert.deepEqual(strip(a), strip(b));
  assert.equal(a.traceId, b.traceId);
  assert.notDeepEqual(strip(a).candidates, strip(c).candidates);
  assert.notEqual(a.traceId, c.traceId);
});

Deno.test("streaming emits token events that add up to each role's text", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["the first answer", "a better second answer"],
      critic: critiqueJson("first"),
      judge: [verdict("needs_revision", 0.2), verdict("compliant", 0.9)],
    },
  });
  const { events } = await run({ provider, stream: true });
  const tokens = (role: string, round: number) =>
    events
      .filter((e) => e.type === "token" && e.role === role && e.round === round)
      .map((e) => (e.type === "token" ? e.text : ""))
      .join("");
  assert.equal(tokens("student", 0), "the first answer");
  assert.equal(tokens("student", 1), "a better second answer");
  assert.equal(tokens("critic", 1), critiqueJson("first"));
  assert.equal(tokens("judge", 1), verdict("compliant", 0.9));
  const ends = events.filter((e) => e.type === "role_end" && e.role === "student");
  assert.deepEqual(ends.map((e) => (e.type === "role_end" ? e.text : "")), [
    "the first answer",
    "a better second answer",
  ]);
});

Deno.test("every recorded call is also a call event, in order, with the trace's records", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["about 3", "3.14159"],
      critic: critiqueJson("about 3"),
      judge: [verdict("needs_revision", 0.2), verdict("compliant", 0.9)],
    },
  });
  const { trace, events } = await run({ provider });
  const calls = events.flatMap((e) => (e.type === "call" ? [e] : []));
  assert.equal(calls.length, trace.calls.length);
  assert.ok(calls.length >= 4);
  calls.forEach((e, i) => {
    const { type: _type, t: _t, itemId, ...record } = e;
    assert.equal(itemId, "pi");
    assert.deepEqual(record, trace.calls[i]);
  });
});

Deno.test("a re-asked structured answer is streamed after a token restart event", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["3.14159"],
      judge: ["the answer looks fine to me", verdict("compliant", 0.9)],
    },
  });
  const { events } = await run({ provider, stream: true });
  const judge = events.filter((e) => e.type === "token" && e.role === "judge" && e.round === 0);
  const restart = judge.findIndex((e) => e.type === "token" && e.restart === true);
  assert.ok(restart > 0, JSON.stringify(judge));
  const text = (from: number, to?: number) =>
    judge.slice(from, to).map((e) => (e.type === "token" ? e.text : "")).join("");
  assert.equal(text(0, restart), "the answer looks fine to me");
  assert.equal(text(restart + 1), verdict("compliant", 0.9));
});

Deno.test("the teacher's advice reaches the student and is stored on the critiqued candidate", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["v0", "v1"],
      critic: critiqueJson("v0"),
      teacher: "Start from the definition of pi.",
      judge: [verdict("needs_revision", 0.2), verdict("compliant", 0.9)],
    },
  });
  const { trace } = await run({ provider, teacher: true, memory: "- Give units." });
  assert.equal(trace.candidates[0].teacherAdvice, "Start from the definition of pi.");
  const revision = provider.calls.filter((c) => c.options.role === "student")[1];
  assert.match(revision.messages[1].content, /definition of pi/);
  assert.match(revision.messages[1].content, /Give units/);
  assert.ok(trace.calls.some((c) => c.role === "teacher"));
});

Deno.test("a critic citing an unknown principle triggers a warning event", async () => {
  const provider = createScriptedProvider({
    byRole: {
      student: ["v0", "v1"],
      critic: JSON.stringify({
        critiques: [{ principleId: "made-up", quote: "", issue: "i", fix: "f", severity: "low" }],
      }),
      judge: [verdict("needs_revision", 0.2), verdict("compliant", 0.9)],
    },
  });
  const { events } = await run({ provider });
  const warn = events.find((e) => e.type === "log" && e.level === "warn");
  assert.ok(warn?.type === "log" && /made-up/.test(warn.message));
});

Deno.test("under tolerance a lateral move is kept only with new feedback", async () => {
  const make = (feedback: string[]) => {
    const critic: Critic = {
      name: "fixed",
      critique: (_i, _a, ctx) => Promise.resolve({ critiques: [], text: feedback[ctx.round - 1] }),
    };
    const scorer: Scorer = {
      name: "flat",
      score: () => Promise.resolve({ score: 0.5, passed: false, source: "flat" }),
    };
    return { critic, scorer };
  };
  const provider = createScriptedProvider({ byRole: { student: ["a", "b", "c"] } });
  const { trace } = await run({
    provider,
    ...make(["same", "same"]),
    maxRounds: 2,
    ratchet: { mode: "tolerance", epsilon: 0.1 },
  });
  assert.deepEqual(trace.candidates.map((c) => c.decision?.decision), ["keep", "keep", "revert"]);
  assert.equal(trace.chosenIndex, 0, "a lateral move never replaces the best");
  const strict = await run({
    provider: createScriptedProvider({ byRole: { student: ["a", "b", "c"] } }),
    ...make(["one", "two"]),
    maxRounds: 2,
  });
  assert.deepEqual(strict.trace.candidates.map((c) => c.decision?.decision), [
    "keep",
    "revert",
    "revert",
  ]);
});

Deno.test("bad configuration is rejected before any call", async () => {
  const provider = createScriptedProvider();
  await assert.rejects(
    () => critiqueRevisionLoop(item, { provider, constitution, maxRounds: -1 }),
    /maxRounds/,
  );
  await assert.rejects(
    () =>
      critiqueRevisionLoop(item, {
        provider,
        constitution,
        ratchet: { mode: "tolerance", epsilon: 2 },
      }),
    /epsilon/,
  );
  await assert.rejects(
    () => critiqueRevisionLoop({ id: "", prompt: "p" }, { provider, constitution }),
    /item must have a non-empty id/,
  );
  await assert.rejects(
    () => critiqueRevisionLoop(item, { provider, constitution, selection: { ids: ["nope"] } }),
    /unknown principle id "nope"/,
  );
  assert.equal(provider.calls.length, 0);
});

Deno.test("a scorer returning an out-of-range score ends the item with an error naming it", async () => {
  const provider = createScriptedProvider();
  const scorer: Scorer = {
    name: "broken",
    score: () => Promise.resolve({ score: 1.5, passed: true, source: "broken" }),
  };
  const { trace } = await run({ provider, scorer });
  assert.equal(trace.stopReason, "error");
  assert.match(trace.error ?? "", /scorer "broken" returned an invalid score/);
  assert.equal(trace.candidates[0].score, undefined);
});

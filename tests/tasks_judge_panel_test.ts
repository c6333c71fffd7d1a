import assert from "node:assert/strict";
import {
  createJudgePanel,
  panelAgreement,
  PanelAgreementSchema,
  PanelScoreSchema,
} from "../lib/tasks/judge_panel.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import { deriveSeed } from "../lib/util/derive_seed.ts";
import type { CallRecord } from "../lib/schemas/trace.ts";
import type { OpenItem } from "../lib/schemas/task_item.ts";

const constitution = parseConstitution("## Be exact\n\nNo rounding.\n\n## Be brief\n\nShort.\n");
const item: OpenItem = { id: "q1", prompt: "Explain DNS.", reference: "REFERENCE TEXT" };

function verdict(score: number): string {
  return JSON.stringify({
    verdict: score >= 0.5 ? "compliant" : "needs_revision",
    reasons: ["r"],
    score,
  });
}

function judge(model: string, answers: string | string[]) {
  return createScriptedProvider({ name: "scripted", model, byRole: { judge: answers } });
}

Deno.test("a pointwise panel scores the mean of its judges' verdict scores", async () => {
  const panel = createJudgePanel([judge("j1", verdict(0.8)), judge("j2", verdict(0.3))], {
    constitution,
  });
  assert.equal(panel.mode, "pointwise");
  assert.equal(panel.name, "judge_panel");
  assert.deepEqual(panel.judges, ["scripted:j1", "scripted:j2"]);
  const s = await panel.score(item, "DNS maps names to addresses.", { seed: 1 });
  assert.deepEqual(s.judgeScores, [0.8, 0.3]);
  assert.ok(Math.abs(s.score - 0.55) < 1e-12);
  assert.equal(s.passed, true);
  assert.equal(s.unscored, false);
  assert.match(s.detail, /scripted:j1: 0\.8 \(compliant\)/);
  assert.ok(PanelScoreSchema.safeParse(s).success);
});

Deno.test("passThreshold decides passed against the panel mean", async () => {
  const judges = [judge("j1", verdict(0.8)), judge("j2", verdict(0.3))];
  const strict = createJudgePanel(judges, { constitution, passThreshold: 0.6 });
  assert.equal((await strict.score(item, "x", { seed: 1 })).passed, false);
});

Deno.test("a judge whose verdict is unparseable after the re-ask is unscored (null), not 0", async () => {
  const good = judge("good", verdict(0.4));
  const broken = judge("broken", "I refuse to answer in JSON.");
  const calls: CallRecord[] = [];
  const panel = createJudgePanel([broken, good], { constitution });
  const s = await panel.score(item, "answer", { seed: 3, onCall: (c) => calls.push(c) });
  assert.deepEqual(s.judgeScores, [null, 0.4]);
  assert.equal(s.score, 0.4);
  assert.equal(s.passed, false);
  assert.equal(s.unscored, false);
  assert.match(s.detail, /scripted:broken: unscored \(after one re-ask/);
  assert.equal(broken.calls.length, 2, "the original call and one re-ask");
  assert.equal(good.calls.length, 1);
  assert.deepEqual(calls.map((c) => `${c.model}/${c.role}`), [
    "broken/judge",
    "broken/judge",
    "good/judge",
  ]);
});

Deno.test("an answer no judge could score is unscored, with score 0 and not passed", async () => {
  const panel = createJudgePanel([judge("a", "nope"), judge("b", "{not json")], {
    constitution,
    passThreshold: 0,
  });
  const s = await panel.score(item, "answer", { seed: 0 });
  assert.deepEqual(s.judgeScores, [null, null]);
  assert.equal(s.unscored, true);
  assert.equal(s.score, 0);
  assert.equal(s.passed, false);
  assert.match(s.detail, /^unscored: no judge/);
  assert.ok(PanelScoreSchema.safeParse(s).success);
});

Deno.test("a pairwise panel scores answer wins 1, reference wins 0 and a position flip 0.5", async () => {
  // Both calls compare the reference (A) with the answer (B); the second swaps them.
  const forAnswer = judge("answer", [
    '{"winner": "B", "reason": "answer better"}',
    '{"winner": "A", "reason": "answer better"}',
  ]);
  const forReference = judge("reference", [
    '{"winner": "A", "reason": "reference better"}',
    '{"winner": "B", "reason": "reference better"}',
  ]);
  const flipper = judge("flipper", '{"winner": "A", "reason": "first is best"}');
  const panel = createJudgePanel([forAnswer, forReference, flipper], {
    constitution,
    mode: "pairwise",
  });
  const s = await panel.score(item, "THE ANSWER", { seed: 5 });
  assert.deepEqual(s.judgeScores, [1, 0, 0.5]);
  assert.equal(s.score, 0.5);
  assert.match(s.detail, /scripted:flipper: 0\.5 \(tie: the verdict flipped with position/);
  const [first, second] = forAnswer.calls.map((c) => c.messages[1].content);
  assert.ok(first.indexOf("REFERENCE TEXT") < first.indexOf("THE ANSWER"), "A is the reference");
  assert.ok(second.indexOf("THE ANSWER") < second.indexOf("REFERENCE TEXT"), "then swapped");
});

Deno.test("a pairwise verdict that fails to parse in the swapped order is unscored", async () => {
  const halfBroken = judge("half", ['{"winner": "B", "reason": "ok"}', "garbage"]);
  const panel = createJudgePanel(
    [halfBroken, judge("tie", '{"winner": "tie", "reason": "same"}')],
    {
      constitution,
      mode: "pairwise",
    },
  );
  const s = await panel.score(item, "answer", { seed: 5 });
  assert.deepEqual(s.judgeScores, [null, 0.5]);
  assert.equal(halfBroken.calls.length, 3, "A/B, B/A and the re-ask of B/A");
});

Deno.test("a pairwise panel compares against context.reference when given, else item.reference", async () => {
  const j = judge("j", '{"winner": "tie", "reason": "same"}');
  const panel = createJudgePanel([j], { constitution, mode: "pairwise" });
  await panel.score(item, "answer", { seed: 1, reference: "FIRST ANSWER OF THE ARM" });
  assert.match(j.calls[0].messages[1].content, /FIRST ANSWER OF THE ARM/);
  assert.doesNotMatch(j.calls[0].messages[1].content, /REFERENCE TEXT/);
  await panel.score(item, "answer", { seed: 1 });
  assert.match(j.calls[2].messages[1].content, /REFERENCE TEXT/);
});

Deno.test("a pairwise panel without any reference throws a TypeError naming the item", async () => {
  const panel = createJudgePanel([judge("j", "{}")], { constitution, mode: "pairwise" });
  await assert.rejects(
    () => panel.score({ id: "no-ref", prompt: "p" }, "answer", { seed: 1 }),
    (e: Error) => e instanceof TypeError && /"no-ref" pairwise without a reference/.test(e.message),
  );
});

Deno.test("every judge call is seeded per judge and mode, at temperature 0, with the item id", async () => {
  const seedsOf = async (mode: "pointwise" | "pairwise") => {
    const judges = [judge("j1", '{"winner": "tie", "reason": "x"}'), judge("j2", verdict(1))];
    const panel = createJudgePanel(judges, { constitution, mode });
    await panel.score(item, "answer", { seed: 42 }).catch(() => undefined);
    return judges.map((j) => j.calls[0].options);
  };
  const pointwise = await seedsOf("pointwise");
  pointwise.forEach((options, j) => {
    assert.equal(options.seed, deriveSeed(42, ["q1", "panel", j, "pointwise"]));
    assert.equal(options.temperature, 0);
    assert.equal(options.itemId, "q1");
    assert.equal(options.role, "judge");
  });
  assert.notEqual(pointwise[0].seed, pointwise[1].seed);
  assert.deepEqual((await seedsOf("pointwise")).map((o) => o.seed), pointwise.map((o) => o.seed));
  const pairwise = await seedsOf("pairwise");
  assert.equal(pairwise[0].seed, deriveSeed(42, ["q1", "panel", 0, "pairwise"]));
  assert.notEqual(pairwise[0].seed, pointwise[0].seed);
});

Deno.test("the panel's temperature option reaches every judge call", async () => {
  const j = judge("j", verdict(1));
  await createJudgePanel([j], { constitution, temperature: 0.7 }).score(item, "a", { seed: 1 });
  assert.equal(j.calls[0].options.temperature, 0.7);
});

Deno.test("a provider error propagates after every judge finished, with all calls recorded", async () => {
  const failing = createScriptedProvider({
    name: "scripted",
    model: "down",
    respond: () => {
      throw new ProviderError("scripted", "server", "HTTP 503");
    },
  });
  const ok = judge("ok", verdict(1));
  const calls: CallRecord[] = [];
  const panel = createJudgePanel([failing, ok], { constitution });
  await assert.rejects(
    () => panel.score(item, "answer", { seed: 1, onCall: (c) => calls.push(c) }),
    ProviderError,
  );
  assert.deepEqual(calls.map((c) => [c.model, c.error !== undefined]), [
    ["down", true],
    ["ok", false],
  ]);
});

Deno.test("createJudgePanel() rejects no judges, bad options and unknown principles early", () => {
  assert.throws(() => createJudgePanel([], { constitution }), TypeError);
  assert.throws(
    () => createJudgePanel([judge("j", "x")], { constitution, passThreshold: 2 }),
    (e: Error) => e instanceof RangeError && /current value is 2/.test(e.message),
  );
  assert.throws(
    () => createJudgePanel([judge("j", "x")], { constitution, temperature: -1 }),
    RangeError,
  );
  assert.throws(
    () =>
      createJudgePanel([judge("j", "x")], {
        constitution,
        mode: "ranked" as "pointwise",
      }),
    TypeError,
  );
  assert.throws(
    () => createJudgePanel([judge("j", "x")], { constitution, selection: { ids: ["nope"] } }),
    RangeError,
  );
});

Deno.test("panelAgreement() gives interval alpha over rows two judges scored, on a hand-computed example", () => {
  // Pairable rows (1,1), (0,0), (1,0): n = 6, n_0 = n_1 = 3. Observed: only (1,0) disagrees,
  // o_01 = o_10 = 1/(2-1), so sum o*delta^2 = 2; expected sum n_c n_k delta^2 = 2*3*3 = 18.
  // alpha = 1 - (6 - 1) * 2 / 18 = 4/9.
  const rows = [[1, 1], [0, 0], [1, 0], [0.5, null], [null, null]].map((judgeScores) => ({
    judgeScores,
  }));
  const r = panelAgreement(rows, { resamples: 999, seed: 2 });
  assert.equal(r.mode, "pointwise");
  if (r.mode !== "pointwise") return;
  assert.ok(Math.abs(r.alpha.estimate! - 4 / 9) < 1e-12, String(r.alpha.estimate));
  assert.equal(r.alpha.units, 3);
  assert.deepEqual([r.rows, r.judges, r.unscoredVerdicts, r.unscoredRows], [5, 2, 3, 1]);
  assert.ok(PanelAgreementSchema.safeParse(r).success);
  assert.deepEqual(panelAgreement(rows, { resamples: 999, seed: 2 }), r);
});

Deno.test("panelAgreement() in pairwise mode gives raw agreement 5/6 and kappa 3/4 between judges 1 and 2", () => {
  // Labels: win/win, loss/loss, tie/tie, win/tie, win/win, loss/loss (+ rows a judge missed).
  // p_o = 5/6; marginals a = (win 3, loss 2, tie 1), b = (win 2, loss 2, tie 2): p_e = 12/36.
  // kappa = (5/6 - 1/3) / (1 - 1/3) = 3/4. A third judge is ignored.
  const rows = [
    [1, 1, 0],
    [0, 0, 0],
    [0.5, 0.5, 1],
    [1, 0.5, 1],
    [1, 1, null],
    [0, 0, 0.5],
    [null, 1, 1],
    [1, null, 1],
  ].map((judgeScores) => ({ judgeScores }));
  const r = panelAgreement(rows, { mode: "pairwise", resamples: 999 });
  if (r.mode !== "pairwise") throw new Error("expected a pairwise record");
  assert.ok(Math.abs(r.rawAgreement.estimate! - 5 / 6) < 1e-12);
  assert.ok(Math.abs(r.kappa.estimate! - 3 / 4) < 1e-12);
  assert.equal(r.kappa.units, 6);
  assert.deepEqual([r.rows, r.judges, r.unscoredVerdicts, r.unscoredRows], [8, 3, 3, 0]);
  assert.ok(r.kappa.ci !== null && r.kappa.ci[0] <= 0.75 && 0.75 <= r.kappa.ci[1]);
  assert.ok(PanelAgreementSchema.safeParse(r).success);
});

Deno.test("panelAgreement() reports an undefined alpha as null with a note when judges never vary", () => {
  const r = panelAgreement([{ judgeScores: [1, 1] }, { judgeScores: [1, 1] }]);
  if (r.mode !== "pointwise") throw new Error("expected a pointwise record");
  assert.equal(r.alpha.estimate, null);
  assert.match(r.alpha.note ?? "", /undefined/);
  assert.ok(PanelAgreementSchema.safeParse(r).success);
});

Deno.test("panelAgreement() rejects scores the mode does not allow, naming the row and judge", () => {
  assert.throws(
    () => panelAgreement([{ judgeScores: [1, 0.7] }], { mode: "pairwise" }),
    (e: Error) => e instanceof TypeError && /rows\[0\]\.judgeScores\[1\]/.test(e.message),
  );
  assert.throws(() => panelAgreement([{ judgeScores: [1.5, 1] }]), TypeError);
  assert.throws(
    () => panelAgreement([{ judgeScores: [1, 1] }], { mode: "both" as "pairwise" }),
    TypeError,
  );
});

import assert from "node:assert/strict";
import { critiqueRevisionLoop, ratchetDecide, type RatchetPolicy } from "../lib/loop/mod.ts";
import type { Critic, Scorer } from "../lib/loop/types.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { parseConstitution } from "../lib/constitution/mod.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { type Critique, TraceSchema } from "../lib/schemas/trace.ts";
import { createRng, type Rng } from "../lib/util/prng.ts";

const constitution = parseConstitution("## Be exact {#exact}\n\nNo rounding.\n");

function randomPolicy(rng: Rng): RatchetPolicy {
  return rng.int(2) === 0
    ? { mode: "strict" }
    : { mode: "tolerance", epsilon: [0, 0.05, 0.1, 0.3][rng.int(4)] };
}

/** Scores drawn from a coarse grid so ties and near-ties are common. */
function randomScore(rng: Rng): number {
  return rng.int(11) / 10;
}

Deno.test("ratchetDecide keeps exactly improvements, plus lateral moves with new feedback under tolerance", () => {
  const rng = createRng(1);
  for (let trial = 0; trial < 2000; trial++) {
    const policy = randomPolicy(rng);
    const s = randomScore(rng);
    const b = randomScore(rng);
    const newFeedback = rng.int(2) === 1;
    const d = ratchetDecide(policy, { candidateScore: s, bestScore: b, newFeedback });
    const eps = policy.epsilon ?? 0;
    const expected = s > b || (policy.mode === "tolerance" && s >= b - eps && newFeedback);
    assert.equal(d.decision === "keep", expected, JSON.stringify({ policy, s, b, newFeedback }));
    assert.equal(d.candidateScore, s);
    assert.equal(d.bestScore, b);
    assert.ok(d.reason.length > 0);
  }
  assert.throws(
    () =>
      ratchetDecide({ mode: "strict" }, { candidateScore: NaN, bestScore: 0, newFeedback: true }),
    /finite/,
  );
});

interface Scenario {
  policy: RatchetPolicy;
  maxRounds: number;
  scores: number[];
  feedback: string[];
  passAt: number;
  stopWhenPassed: boolean;
  useJudge: boolean;
}

function randomScenario(rng: Rng): Scenario {
  const maxRounds = rng.int(7);
  return {
    policy: randomPolicy(rng),
    maxRounds,
    scores: Array.from({ length: maxRounds + 1 }, () => randomScore(rng)),
    // A small pool so feedback repeats; "" means the critic has nothing to say.
    feedback: Array.from(
      { length: maxRounds + 1 },
      () => ["", "fb-a", "fb-b", "fb-c", "fb-d"][rng.int(10) === 0 ? 0 : 1 + rng.int(4)],
    ),
    passAt: [0.9, 1, 2][rng.int(3)],
    stopWhenPassed: rng.int(4) !== 0,
    useJudge: rng.int(3) === 0,
  };
}

async function runScenario(sc: Scenario, seed: number) {
  let studentCalls = 0;
  const revisedTexts: string[] = [];
  const candidateNumber = (text: string): number => Number(text.replace("cand-", ""));
  const provider = createScriptedProvider({
    respond: (messages, options) => {
      if (options.role === "student") {
        const m = messages[1].content.match(/<answer>\n(cand-\d+)\n<\/answer>/);
        if (m) revisedTexts.push(m[1]);
        return `cand-${studentCalls++}`;
      }
      if (options.role === "judge") {
        const m = messages[1].content.match(/<answer>\n(cand-\d+)\n<\/answer>/);
        const score = sc.scores[candidateNumber(m![1])];
        const verdict = score >= sc.passAt ? "compliant" : "needs_revision";
        return JSON.stringify({ verdict, reasons: [`score ${score}`], score });
      }
      return undefined;
    },
  });
  const criticLog: { round: number; answer: string; text: string }[] = [];
  const critic: Critic = {
    name: "random",
    critique: (_item, answer, context) => {
      const text = sc.feedback[context.round];
      criticLog.push({ round: context.round, answer, text });
      const critiques: Critique[] = text === "" ? [] : [{
        principleId: "exact",
        quote: "",
        issue: text,
        fix: "fix it",
        severity: "medium",
      }];
      return Promise.resolve({ critiques, text });
    },
  };
  const scorer: Scorer = {
    name: "table",
    score: (_item, answer) => {
      const score = sc.scores[candidateNumber(answer)];
      return Promise.resolve({ score, passed: score >= sc.passAt, source: "table" });
    },
  };
  const events: Event[] = [];
  const trace = await critiqueRevisionLoop({ id: `item-${seed}`, prompt: "Solve it." }, {
    provider,
    constitution,
    critic,
    scorer: sc.useJudge ? undefined : scorer,
    maxRounds: sc.maxRounds,
    ratchet: sc.policy,
    stopWhenPassed: sc.stopWhenPassed,
    seed,
    onEvent: (e) => events.push(e),
  });
  return { trace, events, criticLog, revisedTexts };
}

Deno.test("over hundreds of random score sequences and policies the ratchet invariants hold", async () => {
  const rng = createRng(20250101);
  const stopReasons = new Map<string, number>();
  let lateralKeeps = 0;
  for (let trial = 0; trial < 400; trial++) {
    const sc = randomScenario(rng);
    const { trace, events, criticLog, revisedTexts } = await runScenario(sc, trial);
    const where = `trial ${trial}: ${JSON.stringify(sc)}`;
    stopReasons.set(trace.stopReason, (stopReasons.get(trace.stopReason) ?? 0) + 1);

    assert.ok(TraceSchema.safeParse(trace).success, where);
    for (const e of events) assert.ok(EventSchema.safeParse(e).success, `${where}: ${e.type}`);
    assert.equal(events[0].type, "item_start");
    assert.equal(events.at(-1)?.type, "item_end");
    assert.equal(trace.error, undefined, where);

    const scores = trace.candidates.map((c) => c.score?.score);
    // The last revision (every candidate) is evaluated and decided.
    for (const c of trace.candidates) {
      assert.ok(c.score !== undefined && c.decision !== undefined, `${where}: round ${c.round}`);
      assert.equal(c.score.score, sc.scores[Number(c.text.replace("cand-", ""))], where);
    }
    assert.equal(
      events.filter((e) => e.type === "ratchet_decision").length,
      trace.candidates.length,
      where,
    );

    // Reference model of the ratchet.
    let best = 0;
    let current = 0;
    const seen = new Set<string>();
    for (let i = 1; i < trace.candidates.length; i++) {
      const c = trace.candidates[i];
      const bestBefore = scores[best]!;
      // The best never regresses: the recorded best is the running maximum so far.
      assert.equal(c.decision!.bestScore, Math.max(...(scores.slice(0, i) as number[])), where);
      // The revision was made from the reference model's current candidate.
      assert.equal(revisedTexts[i - 1], trace.candidates[current].text, `${where}: parent of ${i}`);
      const fb = criticLog[i - 1];
      assert.equal(fb.answer, trace.candidates[current].text, where);
      const isNew = !seen.has(fb.text);
      seen.add(fb.text);
      const s = scores[i]!;
      const eps = sc.policy.epsilon ?? 0;
      const keep = s > bestBefore ||
        (sc.policy.mode === "tolerance" && s >= bestBefore - eps && isNew);
      assert.equal(c.decision!.decision, keep ? "keep" : "revert", `${where}: candidate ${i}`);
      if (keep && s <= bestBefore) lateralKeeps++;
      if (keep) {
        current = i;
        if (s > bestBefore) best = i;
      } else current = best;
    }

    // chosen is the first candidate with the maximum score, and never below rejected.
    const max = Math.max(...(scores as number[]));
    assert.equal(trace.chosenIndex, scores.indexOf(max), where);
    assert.equal(trace.chosenIndex, best, where);
    assert.equal(trace.chosen, trace.candidates[trace.chosenIndex].text);
    assert.equal(trace.rejected, trace.candidates[0].text);
    assert.ok(scores[trace.chosenIndex]! >= scores[0]!, where);

    // Stop reasons agree with what happened.
    const chosenPassed = scores[trace.chosenIndex]! >= sc.passAt;
    switch (trace.stopReason) {
      case "passed":
      case "compliant":
        assert.ok(sc.stopWhenPassed && chosenPassed, where);
        assert.equal(trace.stopReason, sc.useJudge ? "compliant" : "passed", where);
        break;
      case "no_feedback":
        assert.equal(criticLog.at(-1)?.text, "", where);
        assert.equal(trace.candidates.length, criticLog.length, where);
        break;
      case "max_rounds":
        assert.equal(trace.rounds, sc.maxRounds, where);
        assert.equal(trace.candidates.length, sc.maxRounds + 1, where);
        break;
      default:
        assert.fail(`${where}: unexpected stop reason ${trace.stopReason}`);
    }
    if (sc.stopWhenPassed && trace.stopReason !== "passed" && trace.stopReason !== "compliant") {
      assert.ok(!chosenPassed, `${where}: should have stopped when the best passed`);
    }
  }
  // The random scenarios exercise every stop reason and some lateral moves.
  for (const reason of ["passed", "compliant", "no_feedback", "max_rounds"]) {
    assert.ok((stopReasons.get(reason) ?? 0) > 0, `no trial stopped with ${reason}`);
  }
  assert.ok(lateralKeeps > 0, "no lateral move was exercised");
});

Deno.test("the same scenario and seed give the same trace, ignoring timestamps and durations", async () => {
  const rng = createRng(7);
  const strip = (t: Awaited<ReturnType<typeof runScenario>>["trace"]) => ({
    ...t,
    startedAt: "",
    ms: 0,
    calls: t.calls.map((c) => ({ ...c, ms: 0 })),
  });
  for (let trial = 0; trial < 20; trial++) {
    const sc = randomScenario(rng);
    const a = await runScenario(sc, trial);
    const b = await runScenario(sc, trial);
    assert.deepEqual(strip(a.trace), strip(b.trace));
    const types = (events: Event[]) => events.map((e) => e.type);
    assert.deepEqual(types(a.events), types(b.events));
  }
});

import assert from "node:assert/strict";
import {
  createSimulatedAnswerProvider,
  createSimulatedOpenProvider,
  type SimulatedTaskProvider,
} from "../lib/bench/simulate_tasks.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import { criticReview, formatCritiques } from "../lib/roles/critic.ts";
import { judgePairwise, judgeVerdict } from "../lib/roles/judge.ts";
import { studentAnswer, studentRevise } from "../lib/roles/student.ts";
import {
  CRITIC_TEMPLATE,
  fillTemplate,
  STUDENT_ANSWER_TEMPLATE,
  STUDENT_REVISE_TEMPLATE,
} from "../lib/roles/prompts.ts";
import type { Message } from "../lib/schemas/chat.ts";
import type { Critique } from "../lib/schemas/trace.ts";
import type { AnswerItem, OpenItem } from "../lib/schemas/task_item.ts";

const constitution = parseConstitution(
  "## Be correct {#correctness}\n\nThe final answer must be right.\n\n" +
    "## Be useful {#quality}\n\nAnswer concretely and clearly.\n",
);
const ask = (content: string): Message[] => [{ role: "user", content }];

const numberItem: AnswerItem = {
  id: "n",
  prompt: "What is 6 * 7?",
  gold: "42",
  answerType: "number",
};
const choiceItem: AnswerItem = {
  id: "c",
  prompt: "Which planet is largest?",
  gold: "C",
  answerType: "choice",
  choices: ["Mars", "Venus", "Jupiter", "Mercury"],
};
const exactItem: AnswerItem = {
  id: "e",
  prompt: "Who discovered radium?",
  gold: "Marie Curie",
  answerType: "exact",
};
const setItem: AnswerItem = {
  id: "s",
  prompt: "List the primes below 6.",
  gold: ["2", "3", "5"],
  answerType: "set",
};
const answerItems = [numberItem, choiceItem, exactItem, setItem];

/** A plain extractor of the four final-line forms the simulator writes. */
function extract(text: string): { form: string; value: string } | undefined {
  const line = text.trim().split("\n").at(-1)!.trim();
  const forms: [string, RegExp][] = [
    ["Answer:", /^Answer:\s*(.+)$/],
    ["The answer is", /^The answer is (.+)\.$/],
    ["####", /^####\s*(.+)$/],
    ["boxed", /^\\boxed\{(.+)\}$/],
  ];
  for (const [form, re] of forms) {
    const m = re.exec(line);
    if (m) return { form, value: m[1].trim() };
  }
  return undefined;
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/** Whether an extracted value matches the item's gold (the scorer a benchmark would use). */
function matchesGold(item: AnswerItem, value: string): boolean {
  const golds = Array.isArray(item.gold) ? item.gold : [item.gold];
  switch (item.answerType) {
    case "number":
      return golds.some((g) => Number(g) === Number(value.replace(/,/g, "")));
    case "choice":
      return golds.some((g) => g.toUpperCase() === value.toUpperCase());
    case "exact":
      return golds.some((g) => norm(g) === norm(value));
    case "set": {
      const key = (xs: string[]) => [...new Set(xs.map(norm))].sort().join("|");
      return key(golds) === key(value.split(","));
    }
  }
}

Deno.test("a first answer is deterministic per seed and ends in an extractable final line", async () => {
  const sim = createSimulatedAnswerProvider(answerItems);
  const forms = new Set<string>();
  for (const item of answerItems) {
    for (let seed = 0; seed < 40; seed++) {
      const o = { role: "student", itemId: item.id, seed };
      const a = await sim.chat(ask(item.prompt), o);
      assert.equal((await sim.chat(ask(item.prompt), o)).text, a.text, "same seed, same text");
      const got = extract(a.text);
      assert.ok(got, `extractable: ${a.text}`);
      forms.add(got.form);
      const truth = sim.truthOf(a.text)!;
      assert.equal(truth.answer, got.value);
      assert.equal(truth.correct, matchesGold(item, got.value), `${item.id}: ${a.text}`);
      assert.equal(truth.quality, truth.correct ? 1 : 0);
    }
  }
  assert.deepEqual([...forms].sort(), ["####", "Answer:", "The answer is", "boxed"]);
});

Deno.test("correctFirst 1 writes the gold and correctFirst 0 a plausible wrong answer of each type", async () => {
  const right = createSimulatedAnswerProvider(answerItems, { correctFirst: 1 });
  const wrong = createSimulatedAnswerProvider(answerItems, { correctFirst: 0 });
  const wrongValues = new Map<string, Set<string>>();
  for (const item of answerItems) {
    wrongValues.set(item.id, new Set());
    for (let seed = 0; seed < 40; seed++) {
      const o = { role: "student", itemId: item.id, seed };
      const r = extract((await right.chat(ask(item.prompt), o)).text)!;
      assert.ok(matchesGold(item, r.value), `${item.id} right: ${r.value}`);
      const w = extract((await wrong.chat(ask(item.prompt), o)).text)!;
      assert.ok(!matchesGold(item, w.value), `${item.id} wrong: ${w.value}`);
      wrongValues.get(item.id)!.add(w.value);
    }
  }
  for (const v of wrongValues.get("c")!) assert.match(v, /^[ABD]$/);
  for (const v of wrongValues.get("n")!) assert.ok(Number.isFinite(Number(v)), v);
  assert.ok(wrongValues.get("n")!.size >= 4, "several kinds of numeric slips");
  assert.ok(wrongValues.get("e")!.size >= 2);
  assert.ok(wrongValues.get("s")!.size >= 3, "drops, substitutions and additions");
});

Deno.test("a revision follows breakIfRight, fixIfWrong and wanderIfWrong", async () => {
  const item = numberItem;
  const revise = async (sim: SimulatedTaskProvider, answer: string, seed = 5) =>
    (await studentRevise(sim, {
      prompt: item.prompt,
      answer,
      feedback: "1. The arithmetic looks wrong.",
    }, { itemId: item.id, seed })).text;
  const first = async (sim: SimulatedTaskProvider) =>
    (await studentAnswer(sim, { prompt: item.prompt }, { itemId: item.id, seed: 1 })).text;

  const right = createSimulatedAnswerProvider([item], { correctFirst: 1, breakIfRight: 1 });
  const a = await first(right);
  assert.equal(right.truthOf(a)?.correct, true);
  assert.equal(right.truthOf(await revise(right, a))?.correct, false, "broken");
  const keeper = right.withOptions({ correctFirst: 1, breakIfRight: 0 });
  assert.equal(await revise(keeper, a), a, "kept verbatim");

  const wrong = createSimulatedAnswerProvider([item], { correctFirst: 0, fixIfWrong: 1 });
  const w = await first(wrong);
  assert.equal(wrong.truthOf(await revise(wrong, w))?.correct, true, "fixed");
  const stuck = wrong.withOptions({ fixIfWrong: 0, wanderIfWrong: 0 });
  assert.equal(await revise(stuck, w), w, "kept verbatim");
  const wander = wrong.withOptions({ fixIfWrong: 0, wanderIfWrong: 1 });
  for (let seed = 0; seed < 10; seed++) {
    const moved = wander.truthOf(await revise(wander, w, seed))!;
    assert.equal(moved.correct, false);
    assert.notEqual(moved.answer, wrong.truthOf(w)!.answer, "another wrong value");
  }
});

Deno.test("a perfect critic flags exactly the wrong answers without revealing the gold", async () => {
  for (const item of answerItems) {
    const sim = createSimulatedAnswerProvider([item], { correctFirst: 0.5 });
    const critic = sim.withOptions({ falseAlarm: 0, miss: 0 });
    for (let seed = 0; seed < 12; seed++) {
      const answer = (await studentAnswer(sim, { prompt: item.prompt }, { itemId: item.id, seed }))
        .text;
      const r = await criticReview(critic, { prompt: item.prompt, answer, constitution }, {
        itemId: item.id,
        seed,
      });
      assert.ok(r.ok);
      const correct = sim.truthOf(answer)!.correct;
      assert.equal(r.value.critiques.length, correct ? 0 : 1, answer);
      assert.deepEqual(r.value.unknownPrincipleIds, []);
      for (const c of r.value.critiques) {
        assert.equal(c.principleId, "correctness");
        assert.equal(c.severity, "high");
        const said = `${c.quote} ${c.issue} ${c.fix}`;
        for (const g of [item.gold].flat()) {
          if (g.length > 1) assert.ok(!said.includes(g), `gold leaked: ${said}`);
        }
      }
    }
  }
});

Deno.test("a perfect judge scores right answers high and prefers them in both orders", async () => {
  const item = numberItem;
  const right = createSimulatedAnswerProvider([item], { correctFirst: 1 });
  const sim = right.withOptions({ correctFirst: 0 });
  const judge = sim.withOptions({ falseAlarm: 0, miss: 0, positionBias: 0 });
  const o = { itemId: item.id, seed: 2 };
  const good = (await studentAnswer(right, { prompt: item.prompt }, o)).text;
  const bad = (await studentAnswer(sim, { prompt: item.prompt }, o)).text;
  const vGood = await judgeVerdict(judge, { prompt: item.prompt, answer: good, constitution }, o);
  const vBad = await judgeVerdict(judge, { prompt: item.prompt, answer: bad, constitution }, o);
  assert.ok(vGood.ok && vBad.ok);
  assert.equal(vGood.value.verdict, "compliant");
  assert.ok(vGood.value.score >= 0.85);
  assert.equal(vBad.value.verdict, "needs_revision");
  assert.ok(vBad.value.score < 0.5);
  const unknown = await judgeVerdict(judge, {
    prompt: item.prompt,
    answer: "Answer: 42",
    constitution,
  }, o);
  assert.ok(
    unknown.ok && unknown.value.verdict === "needs_revision",
    "unknown texts count as wrong",
  );

  const p = await judgePairwise(judge, { prompt: item.prompt, a: bad, b: good, constitution }, o);
  assert.ok(p.ok);
  assert.equal(p.value.winner, "B");
  assert.equal(p.value.consistent, true);
  const biased = judge.withOptions({ positionBias: 1 });
  const q = await judgePairwise(biased, { prompt: item.prompt, a: bad, b: good, constitution }, o);
  assert.ok(q.ok && q.value.winner === "tie" && !q.value.consistent, "always-A is inconsistent");
});

/** The tiny loop of the pattern test: first answer, then at most two critique → revise rounds. */
async function selfCorrect(
  student: SimulatedTaskProvider,
  critic: SimulatedTaskProvider,
  items: AnswerItem[],
  stop: "critic" | "oracle",
): Promise<{ first: number; final: number }> {
  let first = 0, final = 0;
  for (const [i, item] of items.entries()) {
    const o = { itemId: item.id, seed: i };
    const prompt = fillTemplate(STUDENT_ANSWER_TEMPLATE, { memory: "", prompt: item.prompt });
    let answer = (await student.chat(ask(prompt), { ...o, role: "student" })).text;
    if (student.truthOf(answer)!.correct) first++;
    for (let round = 1; round <= 2; round++) {
      if (stop === "oracle" && student.truthOf(answer)!.correct) break;
      const review = fillTemplate(CRITIC_TEMPLATE, {
        constitution: "[correctness] Be correct: the final answer must be right.",
        prompt: item.prompt,
        answer,
      });
      const critiques: Critique[] = JSON.parse(
        (await critic.chat(ask(review), {
          ...o,
          seed: i * 10 + round,
          role: "critic",
          jsonSchema: { properties: { critiques: {} } },
        })).text,
      ).critiques;
      if (stop === "critic" && critiques.length === 0) break;
      const revise = fillTemplate(STUDENT_REVISE_TEMPLATE, {
        memory: "",
        prompt: item.prompt,
        answer,
        feedback: critiques.length > 0 ? formatCritiques(critiques) : "(none)",
        advice: "",
      });
      answer = (await student.chat(ask(revise), { ...o, seed: i * 10 + round, role: "student" }))
        .text;
    }
    if (student.truthOf(answer)!.correct) final++;
  }
  return { first: first / items.length, final: final / items.length };
}

Deno.test("the default rates reproduce Huang et al.: intrinsic self-correction does not help, oracle stopping and a stronger critic do", async () => {
  const exact = ["Paris", "Marie Curie", "photosynthesis", "yes", "Pacific Ocean"];
  const items: AnswerItem[] = Array.from({ length: 300 }, (_, i): AnswerItem => {
    const base = { id: `q${i}`, prompt: `Question ${i}?` };
    switch (i % 4) {
      case 0:
        return { ...base, gold: String(10 + i), answerType: "number" };
      case 1:
        return {
          ...base,
          gold: "ABCD"[i % 4],
          answerType: "choice",
          choices: ["w", "x", "y", "z"],
        };
      case 2:
        return { ...base, gold: exact[i % exact.length], answerType: "exact" };
      default:
        return { ...base, gold: [String(i), String(i + 2), "7"], answerType: "set" };
    }
  });
  const student = createSimulatedAnswerProvider(items);
  const strong = student.withOptions({ falseAlarm: 0.05, miss: 0.15 });
  const intrinsic = await selfCorrect(student, student, items, "critic");
  const oracle = await selfCorrect(student, student, items, "oracle");
  const stronger = await selfCorrect(student, strong, items, "critic");
  const pct = (x: number) => (100 * x).toFixed(1);
  for (const [name, r] of Object.entries({ intrinsic, oracle, stronger })) {
    console.log(
      `${name}: first ${pct(r.first)}% -> final ${pct(r.final)}% (Δ ${pct(r.final - r.first)})`,
    );
  }
  assert.equal(intrinsic.first, oracle.first, "the arms share their first answers");
  assert.equal(intrinsic.first, stronger.first);
  assert.ok(Math.abs(intrinsic.first - 0.7) < 0.08, `first accuracy ${intrinsic.first}`);
  assert.ok(intrinsic.final - intrinsic.first <= 0, "intrinsic self-correction does not help");
  assert.ok(oracle.final - oracle.first > 0, "oracle stopping inflates the gain");
  assert.ok(stronger.final - stronger.first > 0, "a stronger asymmetric critic helps");
  // Close to the documented arithmetic (−6.6, +15.3, +11.0 points), within sampling noise.
  assert.ok(Math.abs(intrinsic.final - intrinsic.first + 0.066) < 0.06);
  assert.ok(Math.abs(oracle.final - oracle.first - 0.153) < 0.06);
  assert.ok(Math.abs(stronger.final - stronger.first - 0.11) < 0.06);
});

const openItem: OpenItem = {
  id: "plan",
  prompt: "How should I plan a week of study?",
  reference: "Block out fixed hours, review each evening, and rest one day.",
};

Deno.test("open first answers have a hidden quality in [qLow, qHigh] and distinct qualities give distinct texts", async () => {
  const sim = createSimulatedOpenProvider([openItem], { qLow: 0.4, qHigh: 0.5 });
  const byText = new Map<string, number>();
  for (let seed = 0; seed < 60; seed++) {
    const o = { role: "student", itemId: openItem.id, seed };
    const r = await sim.chat(ask(openItem.prompt), o);
    assert.equal((await sim.chat(ask(openItem.prompt), o)).text, r.text);
    const q = sim.qualityOf(r.text)!;
    assert.ok(q >= 0.4 && q <= 0.5, `quality ${q}`);
    assert.equal(sim.truthOf(r.text)?.correct, false, "below passAt 0.6");
    assert.ok(r.text.split(/[.:] /).length >= 3, "a few sentences");
    if (byText.has(r.text)) assert.equal(byText.get(r.text), q, "same text, same quality");
    byText.set(r.text, q);
  }
  assert.ok(new Set(byText.values()).size > 30);
  assert.equal(sim.qualityOf("a text the simulator never wrote"), undefined);
});

Deno.test("an open revision improves by improveBy with probability improve, else degrades by degradeBy", async () => {
  const sim = createSimulatedOpenProvider([openItem], { improve: 1, improveBy: 0.2 });
  const worse = sim.withOptions({ improve: 0, degradeBy: 0.05 });
  const o = { itemId: openItem.id, seed: 9 };
  const answer = (await studentAnswer(sim, { prompt: openItem.prompt }, o)).text;
  const q = sim.qualityOf(answer)!;
  const input = { prompt: openItem.prompt, answer, feedback: "Be more concrete." };
  const up = (await studentRevise(sim, input, o)).text;
  const down = (await studentRevise(worse, input, o)).text;
  assert.equal(sim.qualityOf(up), Math.round((q + 0.2) * 1000) / 1000);
  assert.equal(sim.qualityOf(down), Math.round((q - 0.05) * 1000) / 1000);
});

Deno.test("the open critic and judge read the quality, with noise only when asked", async () => {
  const sim = createSimulatedOpenProvider([openItem], { qLow: 0, qHigh: 1 });
  const exact = sim.withOptions({ criticNoise: 0, judgeNoise: 0, positionBias: 0 });
  const texts: string[] = [];
  for (let seed = 0; seed < 16; seed++) {
    const o = { itemId: openItem.id, seed };
    const answer = (await studentAnswer(sim, { prompt: openItem.prompt }, o)).text;
    texts.push(answer);
    const q = sim.qualityOf(answer)!;
    const c = await criticReview(exact, { prompt: openItem.prompt, answer, constitution }, o);
    assert.ok(c.ok);
    assert.equal(c.value.critiques.length, q < 0.6 ? 1 : 0, `quality ${q}`);
    const v = await judgeVerdict(exact, { prompt: openItem.prompt, answer, constitution }, o);
    assert.ok(v.ok);
    assert.equal(v.value.score, q);
    assert.equal(v.value.verdict, q >= 0.6 ? "compliant" : "needs_revision");
  }
  const sorted = [...texts].sort((x, y) => sim.qualityOf(x)! - sim.qualityOf(y)!);
  const [lo, hi] = [sorted[0], sorted.at(-1)!];
  assert.ok(sim.qualityOf(lo)! < sim.qualityOf(hi)!);
  const o = { itemId: openItem.id, seed: 1 };
  const p = await judgePairwise(exact, { prompt: openItem.prompt, a: lo, b: hi, constitution }, o);
  assert.ok(p.ok && p.value.winner === "B" && p.value.consistent);

  // A text the simulator did not write (the dataset reference) has quality referenceQuality.
  const ref = openItem.reference!;
  const v = await judgeVerdict(exact.withOptions({ judgeNoise: 0, referenceQuality: 0.75 }), {
    prompt: openItem.prompt,
    answer: ref,
    constitution,
  }, o);
  assert.ok(v.ok && v.value.score === 0.75);
  const best = exact.withOptions({ judgeNoise: 0, positionBias: 0, referenceQuality: 1 });
  const vsRef = await judgePairwise(
    best,
    { prompt: openItem.prompt, a: hi, b: ref, constitution },
    o,
  );
  assert.ok(vsRef.ok && vsRef.value.winner === "B");

  const noisy = sim.withOptions({ judgeNoise: 0.3 });
  const scores = new Set<number>();
  for (let seed = 0; seed < 10; seed++) {
    const answer = sorted[sorted.length >> 1];
    const r = await judgeVerdict(noisy, { prompt: openItem.prompt, answer, constitution }, {
      itemId: openItem.id,
      seed,
    });
    assert.ok(r.ok && r.value.score >= 0 && r.value.score <= 1);
    scores.add(r.value.score);
  }
  assert.ok(scores.size > 5, "noise varies the score across seeds");
});

Deno.test("unparseableRate 1 makes every judge reply unusable (an unscored verdict)", async () => {
  const sim = createSimulatedOpenProvider([openItem], { unparseableRate: 1 });
  const o = { itemId: openItem.id, seed: 3 };
  const answer = (await studentAnswer(sim, { prompt: openItem.prompt }, o)).text;
  let failures = 0;
  const v = await judgeVerdict(sim, { prompt: openItem.prompt, answer, constitution }, {
    ...o,
    onParseFailure: () => failures++,
  });
  assert.equal(v.ok, false);
  assert.equal(failures, 1);
  const p = await judgePairwise(sim, {
    prompt: openItem.prompt,
    a: answer,
    b: openItem.reference!,
    constitution,
  }, o);
  assert.equal(p.ok, false);
  const c = await criticReview(sim, { prompt: openItem.prompt, answer, constitution }, o);
  assert.ok(c.ok, "only the judge is affected");
});

Deno.test("both simulators stream tokens, count words, honour abort and reject unknown items", async () => {
  const providers: [SimulatedTaskProvider, string][] = [
    [createSimulatedAnswerProvider(answerItems, { model: "sim-answers" }), "n"],
    [createSimulatedOpenProvider([openItem]), openItem.id],
  ];
  for (const [sim, itemId] of providers) {
    assert.equal(sim.name, "sim");
    let streamed = "";
    const r = await sim.chat(ask("one two three"), {
      role: "student",
      itemId,
      seed: 1,
      onToken: (t) => streamed += t,
    });
    assert.equal(streamed, r.text);
    assert.equal(r.usage.inputTokens, 3);
    assert.equal(r.usage.outputTokens, r.text.trim().split(/\s+/).length);
    assert.equal(r.model, sim.model);
    const teacher = await sim.chat(ask("advice?"), { role: "teacher", itemId, seed: 1 });
    assert.ok(teacher.text.length > 20 && !teacher.text.startsWith("{"));

    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      sim.chat(ask("x"), { role: "student", itemId, signal: controller.signal }),
      (e) => e instanceof ProviderError && e.kind === "aborted",
    );
    await assert.rejects(
      sim.chat(ask("x"), { role: "student", itemId: "nope" }),
      (e) => e instanceof ProviderError && e.kind === "bad_request" && /nope/.test(e.message),
    );
  }
  assert.equal(providers[0][0].model, "sim-answers");
  assert.equal(providers[1][0].model, "sim");
});

Deno.test("out-of-range options throw a RangeError naming the option", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => createSimulatedAnswerProvider(answerItems, { falseAlarm: 1.5 }), /falseAlarm.*1\.5/],
    [() => createSimulatedAnswerProvider(answerItems, { miss: NaN }), /miss/],
    [
      () => createSimulatedAnswerProvider(answerItems).withOptions({ correctFirst: -1 }),
      /correctFirst/,
    ],
    [() => createSimulatedOpenProvider([openItem], { unparseableRate: 2 }), /unparseableRate/],
    [() => createSimulatedOpenProvider([openItem], { qLow: 0.9, qHigh: 0.2 }), /qLow/],
    [() => createSimulatedOpenProvider([openItem], { judgeNoise: -1 }), /judgeNoise/],
    [() => createSimulatedOpenProvider([openItem], { model: "" }), /model/],
    [
      () => createSimulatedAnswerProvider([{ ...numberItem, answerType: "float" as "number" }]),
      /answerType/,
    ],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e) => e instanceof RangeError && message.test(e.message));
  }
});

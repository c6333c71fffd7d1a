import assert from "node:assert/strict";
import {
  applyAmendments,
  auditCritiques,
  boundMemory,
  criticReview,
  fillTemplate,
  formatCritiques,
  judgePairwise,
  judgeVerdict,
  metaJudge,
  PairwiseOutcomeSchema,
  studentAnswer,
  studentRevise,
  synthesizeMemory,
  teacherAdvise,
  unifiedDiff,
} from "../lib/roles/mod.ts";
import { parseConstitution } from "../lib/constitution/mod.ts";
import { reviewInput } from "../lib/roles/judge.ts";
import { judgeCritic } from "../lib/critics/judge_critic.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import type { Critique } from "../lib/schemas/trace.ts";
import { createRng } from "../lib/util/prng.ts";

const constitution = parseConstitution(
  "## Be exact {#exact severity=high}\n\nNo rounding.\n\n## Be clear {#clarity}\n\nShort sentences.\n",
  { file: "c.md" },
);
const critique = (over: Partial<Critique> = {}): Critique => ({
  principleId: "exact",
  quote: "about 3",
  issue: "Rounded.",
  fix: "Give 3.14159.",
  severity: "high",
  ...over,
});

Deno.test("the student answers and revises with feedback, advice and memory in the prompt", async () => {
  const p = createScriptedProvider({ byRole: { student: ["about 3", "3.14159"] } });
  const first = await studentAnswer(p, { prompt: "What is pi?", memory: "- Be precise." }, {
    seed: 7,
  });
  assert.equal(first.text, "about 3");
  const second = await studentRevise(p, {
    prompt: "What is pi?",
    answer: first.text,
    feedback: formatCritiques([critique()]),
    advice: "Give more digits.",
  });
  assert.equal(second.text, "3.14159");
  assert.equal(p.calls[0].options.role, "student");
  assert.equal(p.calls[0].options.seed, 7);
  assert.match(p.calls[0].messages[1].content, /Be precise/);
  const revision = p.calls[1].messages[1].content;
  assert.match(revision, /about 3/);
  assert.match(revision, /\[exact\] \(high\)/);
  assert.match(revision, /Give more digits/);
  await assert.rejects(
    () => studentAnswer(p, { prompt: "  " }),
    /prompt must be a non-empty string/,
  );
});

Deno.test("the critic flags unknown principle ids and strips brackets from known ones", async () => {
  const reply = JSON.stringify({
    critiques: [critique({ principleId: "[exact]" }), critique({ principleId: "invented" })],
  });
  const p = createScriptedProvider({ byRole: { critic: reply } });
  const r = await criticReview(p, { prompt: "pi?", answer: "about 3", constitution });
  assert.ok(r.ok);
  assert.deepEqual(r.value.critiques.map((c) => c.principleId), ["exact", "invented"]);
  assert.deepEqual(r.value.unknownPrincipleIds, ["invented"]);
  const subset = await criticReview(p, {
    prompt: "pi?",
    answer: "about 3",
    constitution,
    selection: { ids: ["clarity"] },
  });
  assert.ok(subset.ok);
  assert.deepEqual(subset.value.unknownPrincipleIds, ["exact", "invented"]);
  assert.doesNotMatch(p.calls[1].messages[1].content, /\[exact\]/);
});

Deno.test("the critic recovers from prose-wrapped output and counts a double failure", async () => {
  const wrapped = createScriptedProvider({
    byRole: { critic: `Here are my notes:\n${JSON.stringify({ critiques: [critique()] })}\nDone.` },
  });
  const ok = await criticReview(wrapped, { prompt: "pi?", answer: "about 3", constitution });
  assert.ok(ok.ok && ok.value.critiques.length === 1);
  let failures = 0;
  const broken = createScriptedProvider({ byRole: { critic: "Looks fine to me!" } });
  const bad = await criticReview(broken, { prompt: "pi?", answer: "x", constitution }, {
    onParseFailure: () => failures++,
  });
  assert.equal(bad.ok, false);
  assert.equal(failures, 1);
});

Deno.test("the teacher gives advice and is told not to rewrite", async () => {
  const p = createScriptedProvider({ byRole: { teacher: "  Start from the definition.  " } });
  const r = await teacherAdvise(p, { prompt: "pi?", answer: "3", feedback: "too rough" });
  assert.equal(r.text, "Start from the definition.");
  assert.match(p.calls[0].messages[1].content, /Do not write the answer/);
});

Deno.test("the judge's verdict parses and an out-of-range score is re-asked", async () => {
  const p = createScriptedProvider({
    byRole: {
      judge: [
        '{"verdict": "compliant", "reasons": [], "score": 7}',
        '{"verdict": "needs_revision", "reasons": ["[exact] rounded"], "score": 0.3}',
      ],
    },
  });
  const r = await judgeVerdict(p, { prompt: "pi?", answer: "3", constitution });
  assert.ok(r.ok);
  assert.equal(r.value.score, 0.3);
  assert.equal(p.calls.length, 2);
});

Deno.test("pairwise judging swaps positions and agrees only when both orders agree", async () => {
  const contentJudge = createScriptedProvider({
    respond: (messages) => {
      const text = messages[1].content;
      const aIsGood = /<answer_a>\n3\.14159/.test(text);
      return JSON.stringify({ winner: aIsGood ? "A" : "B", reason: "more exact" });
    },
  });
  const input = { prompt: "pi?", a: "about 3", b: "3.14159", constitution };
  const r = await judgePairwise(contentJudge, input);
  assert.ok(r.ok);
  assert.equal(r.value.winner, "B");
  assert.equal(r.value.consistent, true);
  assert.equal(r.value.swapped?.winner, "B", "the swapped answer is mapped back");
  assert.ok(PairwiseOutcomeSchema.safeParse(r.value).success);
  assert.equal(contentJudge.calls.length, 2);

  const biased = createScriptedProvider({ respond: () => '{"winner": "B", "reason": "second"}' });
  const b = await judgePairwise(biased, input);
  assert.ok(b.ok && b.value.winner === "tie" && !b.value.consistent);
  const once = await judgePairwise(biased, input, { swap: false });
  assert.ok(once.ok && once.value.winner === "B" && once.value.consistent);
  assert.equal(biased.calls.length, 3);
});

Deno.test("pairwise judging fails as a whole when the swapped order cannot be parsed", async () => {
  const p = createScriptedProvider({
    byRole: { judge: ['{"winner": "A", "reason": "r"}', "nope", "still nope"] },
  });
  const r = await judgePairwise(p, { prompt: "pi?", a: "x", b: "y", constitution });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /^swapped order/);
});

Deno.test("the deterministic audit flags quotes not in the answer and unknown principles", () => {
  const answer = "Pi is about 3.\nIt is   irrational.";
  const audits = auditCritiques(answer, [
    critique(),
    critique({ quote: '"It is irrational."' }),
    critique({ quote: "Pi is ... irrational" }),
    critique({ quote: "irrational ... Pi is" }),
    critique({ quote: "" }),
    critique({ principleId: "nope" }),
  ], { knownIds: ["exact", "clarity"] });
  assert.deepEqual(audits.map((a) => a.quoteFound), [true, true, true, false, true, true]);
  assert.deepEqual(audits.map((a) => a.supported), [true, true, true, false, true, false]);
});

Deno.test("the meta-judge merges deterministic and model findings and proposes a diff", async () => {
  const reply = JSON.stringify({
    unsupported: [{ index: 1, reason: "not a real problem" }, { index: 9, reason: "out of range" }],
    amendments: [
      { action: "edit", principleId: "exact", text: "No rounding unless asked.", rationale: "r" },
      { action: "add", principleId: "Bad Id", text: "x", rationale: "r" },
      { action: "remove", principleId: "ghost", rationale: "r" },
    ],
  });
  const p = createScriptedProvider({ byRole: { meta_judge: reply } });
  const r = await metaJudge(p, {
    prompt: "pi?",
    answer: "Pi is 3.14.",
    critiques: [critique({ quote: "about 3" }), critique({ quote: "3.14" })],
    constitution,
  });
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.unsupported.map((u) => [u.index, u.source]),
    [[0, "quote_check"], [1, "model"]],
  );
  assert.equal(r.value.amendments.length, 1);
  assert.equal(r.value.rejectedAmendments.length, 2);
  assert.match(r.value.diff, /^--- a\/constitution\.md\n\+\+\+ b\/constitution\.md\n@@ /);
  assert.match(r.value.diff, /\n-No rounding\.\n\+No rounding unless asked\.\n/);
});

Deno.test("applying amendments never changes the input constitution", () => {
  const before = JSON.stringify(constitution);
  const r = applyAmendments(constitution, [
    { action: "remove", principleId: "clarity", rationale: "r" },
  ]);
  assert.equal(JSON.stringify(constitution), before);
  assert.deepEqual(r.constitution.principles.map((p) => p.id), ["exact"]);
  assert.notEqual(r.constitution.hash, constitution.hash);
  const last = applyAmendments(r.constitution, [
    { action: "remove", principleId: "exact", rationale: "r" },
  ]);
  assert.equal(last.rejected.length, 1);
  assert.equal(last.diff, "");
});

/** Applies a unified diff produced by unifiedDiff (test helper). */
function applyPatch(before: string, diff: string): string {
  if (diff === "") return before;
  const old = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let cursor = 0;
  const lines = diff.replace(/\n$/, "").split("\n").slice(2);
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/);
    assert.ok(m, `hunk header expected: ${lines[i]}`);
    const oldStart = Number(m[1]);
    const oldLen = Number(m[2]);
    const start = oldLen === 0 ? oldStart : oldStart - 1;
    while (cursor < start) out.push(old[cursor++]);
    while (i + 1 < lines.length && !lines[i + 1].startsWith("@@")) {
      const line = lines[++i];
      if (line[0] === " ") {
        assert.equal(old[cursor], line.slice(1));
        out.push(old[cursor++]);
      } else if (line[0] === "-") {
        assert.equal(old[cursor], line.slice(1));
        cursor++;
      } else out.push(line.slice(1));
    }
  }
  while (cursor < old.length) out.push(old[cursor++]);
  return out.length ? out.join("\n") + "\n" : "";
}

Deno.test("random unified diffs apply back to the new text", () => {
  const rng = createRng(11);
  const words = ["a", "b", "c", "d", "e"];
  const randomText = () =>
    Array.from({ length: rng.int(15) }, () => words[rng.int(words.length)]).join("\n") +
    (rng.int(2) ? "\n" : "");
  for (let trial = 0; trial < 300; trial++) {
    const before = randomText();
    const after = randomText();
    const norm = (t: string) => (t === "" || t.endsWith("\n") ? t : t + "\n");
    const diff = unifiedDiff(before, after, { context: rng.int(4) });
    assert.equal(applyPatch(norm(before), diff), norm(after), `trial ${trial}`);
  }
});

Deno.test("memory stays within its bound and synthesis keeps lessons in order", async () => {
  const rng = createRng(3);
  for (let trial = 0; trial < 200; trial++) {
    const lessons = Array.from({ length: rng.int(20) }, () => "w".repeat(rng.int(300)));
    const maxChars = 8 + rng.int(600);
    const m = boundMemory(lessons, { maxChars, maxLessons: 1 + rng.int(12) });
    assert.ok(m.memory.length <= maxChars, `${m.memory.length} > ${maxChars}`);
  }
  const p = createScriptedProvider({
    byRole: { synthesizer: '{"lessons": ["Check empty input.", "  ", "Name the unit."]}' },
  });
  const r = await synthesizeMemory(p, { memory: "- old", observations: ["crash on []"] });
  assert.ok(r.ok);
  assert.equal(r.value.memory, "- Check empty input.\n- Name the unit.");
  assert.match(p.calls[0].messages[1].content, /- old/);
  assert.throws(() => boundMemory([], { maxChars: 2 }), /maxChars/);
});

Deno.test("templates fail loudly on a missing placeholder", () => {
  assert.throws(() => fillTemplate("{{a}} {{b}}", { a: "x" }), /"\{\{b\}\}"/);
  assert.equal(fillTemplate("{{a}}", { a: "{{b}}" }), "{{b}}");
});

Deno.test("judge and critic are shown only the prompt, the answer and the selected principles", async () => {
  const item = { id: "q", prompt: "pi?", reference: "3.14159", metadata: { gold: "3.14159" } };
  const input = reviewInput(item, "about 3", constitution, { ids: ["clarity"] });
  assert.deepEqual(Object.keys(input), ["prompt", "answer", "constitution", "selection"]);
  const reply = JSON.stringify({
    verdict: "needs_revision",
    reasons: ["clarity: too terse"],
    score: 0.2,
  });
  const p = createScriptedProvider({ byRole: { judge: reply } });
  const critic = judgeCritic(p, constitution, { selection: { ids: ["clarity"] } });
  const feedback = await critic.critique(item, "about 3", { round: 1, seed: 0 });
  assert.equal(feedback.critiques[0].principleId, "clarity");
  const shown = p.calls[0].messages.map((m) => m.content).join("\n");
  assert.match(shown, /Short sentences/);
  assert.doesNotMatch(shown, /No rounding|3\.14159/);
});

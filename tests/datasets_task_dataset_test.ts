// loadTaskDataset on the real GSM8K sample (../shared, absent in a user's clone), on committed
// fixtures of every answer and open row shape, on bad files, and on coding files (unchanged).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTaskDataset, type TaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import {
  CHOICE_ANSWER_INSTRUCTION,
  NUMBER_ANSWER_INSTRUCTION,
  SET_ANSWER_INSTRUCTION,
} from "../lib/datasets/answer_instructions.ts";
import { normalizeAnswer, scoreAnswer } from "../lib/tasks/match_answer.ts";
import { AnswerItemSchema, OpenItemSchema } from "../lib/schemas/task_item.ts";
import type { AnswerItem, OpenItem } from "../lib/schemas/task_item.ts";
import { InputError } from "../lib/util/jsonl.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const data = (name: string) => here(`./testdata/datasets/${name}`);
const GSM8K = here("../../shared/datasets/gsm8k-test-660.jsonl");
const hasGsm8k = await Deno.stat(GSM8K).then(() => true, () => false);
if (!hasGsm8k) {
  console.warn(`skipping the GSM8K checks: ${GSM8K} is absent (../shared is not part of a clone)`);
}

function answers(dataset: TaskDataset): AnswerItem[] {
  assert.equal(dataset.kind, "answer");
  return dataset.items as AnswerItem[];
}

Deno.test({
  name: "the 660-row GSM8K sample loads as number items whose ids, golds and prompts are right",
  ignore: !hasGsm8k,
  fn: async () => {
    const items = answers(await loadTaskDataset(GSM8K));
    const raw = (await Deno.readTextFile(GSM8K)).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(items.length, 660);
    items.forEach((item, i) => {
      AnswerItemSchema.parse(item);
      assert.equal(item.id, `gsm8k-test-660-${i}`);
      assert.equal(item.answerType, "number");
      assert.equal(typeof item.gold, "string");
      assert.notEqual(normalizeAnswer(item.gold as string, { type: "number" }), undefined);
      assert.equal(item.prompt, `${raw[i].question}\n\n${NUMBER_ANSWER_INSTRUCTION}`);
      // The worked solution reaches no prompt and no metadata.
      const visible = `${item.prompt}\n${JSON.stringify(item.metadata)}`;
      assert.ok(!visible.includes("####") && !visible.includes("<<"), item.id);
      for (const step of raw[i].answer.split("\n")) {
        if (!raw[i].question.includes(step)) assert.ok(!visible.includes(step), item.id);
      }
    });
    assert.equal(items[5].gold, raw[5].answer.split("#### ")[1].replaceAll(",", ""));
  },
});

Deno.test({
  name: "every GSM8K worked solution scores as correct against its own gold (660 of 660)",
  ignore: !hasGsm8k,
  fn: async () => {
    const items = answers(await loadTaskDataset(GSM8K));
    const raw = (await Deno.readTextFile(GSM8K)).trim().split("\n").map((l) => JSON.parse(l));
    const scores = items.map((item, i) => scoreAnswer(item, raw[i].answer));
    const passed = scores.filter((s) => s.passed).length;
    console.log(`GSM8K worked solutions scored correct: ${passed}/${items.length}`);
    assert.deepEqual(scores.filter((s) => !s.passed), []);
    assert.ok(scores.every((s) => s.rule === "hash"));
    // The instructed reply format reads too.
    assert.ok(items.every((item) => scoreAnswer(item, `Work.\nAnswer: ${item.gold}`).passed));
  },
});

Deno.test({
  name:
    "without their #### line, GSM8K solutions fall back to last_number, which is only a heuristic",
  ignore: !hasGsm8k,
  fn: async () => {
    const items = answers(await loadTaskDataset(GSM8K));
    const raw = (await Deno.readTextFile(GSM8K)).trim().split("\n").map((l) => JSON.parse(l));
    const scores = items.map((item, i) =>
      scoreAnswer(item, raw[i].answer.replace(/\n####[^\n]*$/, ""))
    );
    const passed = scores.filter((s) => s.passed).length;
    console.log(`GSM8K solutions without "####", scored by last_number: ${passed}/${items.length}`);
    assert.ok(scores.every((s) => s.rule === "last_number"));
    assert.ok(passed > 600 && passed < 660, `${passed}`);
  },
});

Deno.test({
  name: "limit and instruction: false load the first rows with the bare question as the prompt",
  ignore: !hasGsm8k,
  fn: async () => {
    const items = answers(await loadTaskDataset(GSM8K, { limit: 5, instruction: false }));
    const first = JSON.parse((await Deno.readTextFile(GSM8K)).split("\n")[0]);
    assert.equal(items.length, 5);
    assert.equal(items[0].prompt, first.question);
    assert.deepEqual(await loadTaskDataset(GSM8K, { limit: 0 }), { kind: "answer", items: [] });
  },
});

Deno.test("GSM8K-shaped rows get <file stem>-<0-based line index> ids and comma-free golds", async () => {
  const items = answers(await loadTaskDataset(data("task_gsm8k.jsonl")));
  assert.deepEqual(items.map((i) => [i.id, i.gold]), [
    ["task_gsm8k-0", "7"],
    ["task_gsm8k-1", "1250"],
    ["task_gsm8k-3", "-5"],
  ]);
  assert.deepEqual(items[0].metadata, { format: "gsm8k" });
});

Deno.test("multiple-choice rows in every published shape become letter-keyed choice items", async () => {
  const items = answers(await loadTaskDataset(data("task_choice.jsonl")));
  assert.deepEqual(
    items.map((i) => [i.id, i.gold, i.choices]),
    [
      ["mc-list", "B", ["Venus", "Mars", "Jupiter", "Saturn"]],
      ["mc-objects", "C", ["Oxygen", "Nitrogen", "Carbon dioxide"]],
      ["mc-arc", "C", ["50", "90", "100", "120"]],
      ["mc-csqa", "A", ["read books", "swim laps", "bake bread", "fix cars", "plant trees"]],
      ["mc-csqa-hf", "B", ["oven", "refrigerator", "cupboard"]],
    ],
  );
  for (const item of items) {
    AnswerItemSchema.parse(item);
    assert.equal(item.answerType, "choice");
    assert.ok(item.prompt.endsWith(`\n\n${CHOICE_ANSWER_INSTRUCTION}`));
  }
  assert.equal(
    items[3].prompt,
    "What do people usually go to a library to do?\n\n" +
      "A) read books\nB) swim laps\nC) bake bread\nD) fix cars\nE) plant trees\n\n" +
      CHOICE_ANSWER_INSTRUCTION,
  );
  assert.deepEqual(items[2].metadata, { format: "choice", labels: ["1", "2", "3", "4"] });
  assert.ok(scoreAnswer(items[2], "Water boils at 100 degrees.\nAnswer: C").passed);
  assert.ok(scoreAnswer(items[2], "Answer: 100").passed);
});

Deno.test("generic answer rows keep their type, normalise number and choice golds, and add the instruction", async () => {
  const items = answers(await loadTaskDataset(data("task_answer.jsonl")));
  assert.deepEqual(
    items.map((i) => [i.id, i.answerType, i.gold]),
    [
      ["num-1", "number", "144"],
      ["num-2", "number", "1250"],
      ["num-3", "number", "0.75"],
      ["choice-1", "choice", "B"],
      ["exact-1", "exact", "Paris"],
      ["set-1", "set", ["red", "yellow", "blue"]],
    ],
  );
  assert.equal(items[4].source, "autoconstitution (original, MIT)");
  assert.deepEqual(items[5].metadata, { topic: "art", format: "answer" });
  assert.equal(
    items[5].prompt,
    `Name the three primary colours of paint.\n\n${SET_ANSWER_INSTRUCTION}`,
  );
  assert.ok(scoreAnswer(items[5], "Answer: blue, red and yellow").passed);
  assert.ok(scoreAnswer(items[3], "Seven is prime.\nAnswer: B").passed);
});

Deno.test("open rows load as open items with their references, prompts as written", async () => {
  const dataset = await loadTaskDataset(data("task_open.jsonl"));
  assert.equal(dataset.kind, "open");
  const items = dataset.items as OpenItem[];
  items.forEach((i) => OpenItemSchema.parse(i));
  assert.deepEqual(items.map((i) => i.id), ["open-1", "open-2"]);
  assert.ok(items[0].reference?.startsWith("Air molecules"));
  assert.equal(items[1].reference, undefined);
  assert.equal(items[1].prompt, "Write a haiku about autumn leaves.");
  assert.equal(items[1].source, "autoconstitution (original, MIT)");
});

Deno.test("coding files still load as code, exactly as loadDataset loads them", async () => {
  for (const path of [here("../datasets/coding_hard.jsonl"), data("mxeval.jsonl")]) {
    const dataset = await loadTaskDataset(path);
    assert.equal(dataset.kind, "code", path);
    assert.deepEqual(dataset.items, await loadDataset(path));
    assert.ok(dataset.items.length > 0);
  }
  const error = await loadTaskDataset(data("bad_dup.jsonl")).catch((e) => e);
  const before = await loadDataset(data("bad_dup.jsonl")).catch((e) => e);
  assert.ok(error instanceof InputError);
  assert.equal(error.message, before.message);
});

/** [file name, rows, expected message after the path] */
const BAD: [string, string[], string][] = [
  [
    "gsm8k.jsonl",
    [
      '{"question": "1 + 1?", "answer": "#### 2"}',
      '{"question": "2 + 2?", "answer": "#### 4"}',
      '{"question": "3 + 3?", "answer": "3 + 3 = 6"}',
    ],
    ':3: answer has no "#### <number>" line (field "answer")',
  ],
  [
    "gsm8k.jsonl",
    ['{"question": "1 + 1?", "answer": "#### two"}'],
    ':1: answer\'s "####" line is not a number: "two" (field "answer")',
  ],
  ["json.jsonl", ['{"question": "1 + 1?", "answer": "#### 2"}', "{nope"], ":2: invalid JSON"],
  ["missing.jsonl", ['{"question": "1 + 1?"}'], ':1: answer is missing (field "answer")'],
  [
    "empty.jsonl",
    ['{"question": "  ", "answer": "#### 2"}'],
    ':1: question is empty (field "question")',
  ],
  [
    "dup.jsonl",
    [
      '{"id": "a", "prompt": "p", "answer": "1", "type": "number"}',
      '{"id": "a", "prompt": "q", "answer": "2", "type": "number"}',
    ],
    ':2: duplicate id "a" (first on line 1) (field "id")',
  ],
  [
    "key.jsonl",
    ['{"id": "k", "question": "q", "choices": ["x", "y"], "answerKey": "C"}'],
    ':1: answerKey "C" is not among the labels A, B (field "answerKey")',
  ],
  [
    "labels.jsonl",
    ['{"id": "k", "question": {"stem": "q", "choices": [{"label": "A", "text": "x"}, {"label": "B", "text": ""}]}, "answerKey": "A"}'],
    ':1: question.choices.1.text is empty (field "question.choices.1.text")',
  ],
  [
    "type.jsonl",
    ['{"id": "t", "prompt": "p", "answer": "1", "type": "integer"}'],
    ':1: unknown type "integer" (expected number | choice | exact | set) (field "type")',
  ],
  [
    "number.jsonl",
    ['{"id": "t", "prompt": "p", "answer": "about 3", "type": "number"}'],
    ':1: answer is not a number: "about 3" (field "answer")',
  ],
  [
    "mixed.jsonl",
    ['{"question": "1 + 1?", "answer": "#### 2"}', '{"id": "o", "prompt": "Explain."}'],
    ":2: an open row after an answer row on line 1; a dataset holds one kind of task",
  ],
  [
    "unknown.jsonl",
    ['{"id": "o", "prompt": "Explain."}', '{"id": "p", "prompt": "Explain.", "colour": "red"}'],
    ":2: cannot detect the row format",
  ],
];

for (const [name, rows, expected] of BAD) {
  Deno.test(`a bad ${name} is an InputError naming file, line and field: ${expected}`, async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/${name}`;
    await Deno.writeTextFile(path, rows.join("\n") + "\n");
    const error = await loadTaskDataset(path).then(() => undefined, (e) => e);
    assert.ok(error instanceof InputError, String(error));
    assert.ok(error.message.startsWith(`${path}${expected}`), error.message);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("a task row after coding rows stops the file at that line", async () => {
  const dir = await Deno.makeTempDir();
  const coding = (await Deno.readTextFile(data("coding.jsonl"))).split("\n")[0];
  await Deno.writeTextFile(
    `${dir}/mixed.jsonl`,
    `${coding}\n{"question": "1 + 1?", "answer": "#### 2"}\n`,
  );
  await assert.rejects(
    () => loadTaskDataset(`${dir}/mixed.jsonl`),
    (e: Error) =>
      e instanceof InputError &&
      /mixed\.jsonl:2: an answer row after a code row on line 1/.test(e.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad arguments and missing files are reported before any row is read", async () => {
  await assert.rejects(() => loadTaskDataset(""), TypeError);
  await assert.rejects(() => loadTaskDataset(data("task_open.jsonl"), { limit: -1 }), RangeError);
  await assert.rejects(
    () => loadTaskDataset("/nonexistent/x.jsonl"),
    (e: Error) => e instanceof InputError && e.message === "/nonexistent/x.jsonl: file not found",
  );
});

import assert from "node:assert/strict";
import { applyFaults, findFaultSites } from "../lib/bench/faults.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { resolveArms } from "../lib/bench/arms.ts";
import { summarizeBenchmark } from "../lib/bench/summary.ts";
import { writeBenchmarkPlots } from "../lib/bench/write_plots.ts";
import { loadDataset } from "../lib/datasets/mod.ts";
import type { Message } from "../lib/schemas/chat.ts";
import { itemResult } from "./testdata/bench_fixtures.ts";

const items = await loadDataset(new URL("../datasets/coding_hard.jsonl", import.meta.url).pathname);
const ask = (content: string): Message[] => [{ role: "user", content }];

Deno.test("every bundled reference has fault sites, and each single fault changes the program", () => {
  for (const item of items) {
    const sites = findFaultSites(item.reference);
    assert.ok(sites.length > 0, `${item.id} has no fault site`);
    for (let i = 0; i < sites.length; i++) {
      assert.notEqual(
        applyFaults(item.reference, sites, [i]),
        item.reference,
        `${item.id} site ${i}`,
      );
    }
    assert.equal(applyFaults(item.reference, sites, []), item.reference);
  }
  assert.throws(() => applyFaults("a + b", findFaultSites("a + b"), [5]), RangeError);
});

Deno.test("the simulated student is deterministic per seed and repairs a fault when told to (repair = 1)", async () => {
  const item = items[0];
  const sim = createSimulatedProvider([item], { correctFirst: 0, twoFaults: 1, repair: 1 });
  const o = { role: "student", itemId: item.id, seed: 3 };
  const first = await sim.chat(ask(item.prompt), o);
  assert.equal((await sim.chat(ask(item.prompt), o)).text, first.text, "same seed, same answer");
  assert.equal(sim.faultsOf(first.text), Math.min(2, findFaultSites(item.reference).length));
  const revised = await sim.chat(ask(`Your answer:\n${first.text}\nFeedback: a test fails.`), o);
  assert.equal(sim.faultsOf(revised.text), sim.faultsOf(first.text)! - 1, "one fault repaired");
});

Deno.test("a perfect simulated judge (no false accepts or rejects) tells faulty from correct code", async () => {
  const item = items[1];
  const student = createSimulatedProvider([item], { correctFirst: 0 });
  const judge = student.withOptions({ falseAccept: 0, falseReject: 0 });
  const schema = { type: "object", properties: { verdict: {} } };
  for (let seed = 0; seed < 20; seed++) {
    const answer = await student.chat(ask(item.prompt), { role: "student", itemId: item.id, seed });
    const v = JSON.parse(
      (await judge.chat(ask(`Judge:\n${answer.text}`), {
        role: "judge",
        itemId: item.id,
        seed,
        jsonSchema: schema,
      })).text,
    );
    assert.equal(v.verdict, "needs_revision", "every first answer is faulty (correctFirst 0)");
  }
  const fenced = "```ts\n" + item.reference.trimEnd() + "\n```";
  // The reference is "known" once the student has produced it; a correct program is accepted.
  const correct = createSimulatedProvider([item], { correctFirst: 1 });
  const sample = await correct.chat(ask(item.prompt), {
    role: "student",
    itemId: item.id,
    seed: 1,
  });
  assert.equal(sample.text, fenced);
  const verdict = JSON.parse(
    (await correct.withOptions({ falseAccept: 0, falseReject: 0 }).chat(
      ask(`Judge:\n${sample.text}`),
      {
        role: "judge",
        itemId: item.id,
        seed: 1,
        jsonSchema: schema,
      },
    )).text,
  );
  assert.equal(verdict.verdict, "compliant");
});

Deno.test("the simulator rejects out-of-range probabilities and unknown items", async () => {
  assert.throws(() => createSimulatedProvider(items, { repair: 1.5 }), /repair = 1.5/);
  await assert.rejects(
    () => createSimulatedProvider(items).chat(ask("x"), { role: "student", itemId: "nope" }),
    /known coding item/,
  );
});

Deno.test("writeBenchmarkPlots renders the forest, control forest and slope charts with one mark per arm or item", async () => {
  const arms = resolveArms(["baseline", "tests", "best_of_n"]);
  const rec = (id: string, arm: string, initialScore: number, score: number) =>
    itemResult({ id, arm, initialScore, score });
  const records = ["a", "b", "c", "d"].flatMap((id, i) => [
    rec(id, "baseline", 0.2, 0.2),
    rec(id, "tests", 0.2, i % 2 ? 1 : 0.5),
    rec(id, "best_of_n", 0.2, 0.5),
  ]);
  const summary = summarizeBenchmark(records, arms, { resamples: 199, simulated: true });
  const dir = await Deno.makeTempDir();
  try {
    const written = await writeBenchmarkPlots(dir, { summary, records });
    assert.deepEqual(written.map((p) => p.split("/").pop()), [
      "forest.svg",
      "forest_control.svg",
      "slope.svg",
    ]);
    const forest = await Deno.readTextFile(`${dir}/forest.svg`);
    assert.match(forest, /SIMULATED/);
    assert.equal(
      (forest.match(/aria-roledescription="point"/g) ?? []).length,
      2,
      "tests and best_of_n",
    );
    const control = await Deno.readTextFile(`${dir}/forest_control.svg`);
    assert.equal(
      (control.match(/aria-roledescription="point"/g) ?? []).length,
      1,
      "tests vs control",
    );
    const spec = JSON.parse(await Deno.readTextFile(`${dir}/slope.vl.json`));
    assert.equal(JSON.stringify(spec).match(/"id":"[abcd]"/g)?.length, 8, "4 items × before/after");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { evalRoleOptions } from "../lib/roles/eval_role_options.ts";
import { deriveSeed } from "../lib/util/derive_seed.ts";
import type { Event } from "../lib/schemas/events.ts";

const item = { id: "pi", prompt: "What is pi?" };

Deno.test("evalRoleOptions derives the seed from the run seed, item id, round and role", () => {
  const critic = evalRoleOptions(item, { round: 3, seed: 11 }, { role: "critic" });
  const judge = evalRoleOptions(item, { round: 3, seed: 11 }, { role: "judge" });
  assert.equal(critic.options.seed, deriveSeed(11, ["pi", 3, "critic"]));
  assert.equal(judge.options.seed, deriveSeed(11, ["pi", 3, "judge"]));
  assert.notEqual(critic.options.seed, judge.options.seed);
  assert.equal(critic.options.itemId, "pi");
});

Deno.test("evalRoleOptions streams token events under the role only when asked and a sink exists", () => {
  const events: Event[] = [];
  const onEvent = (e: Event) => events.push(e);
  assert.equal(
    evalRoleOptions(item, { round: 1, seed: 0, onEvent }, { role: "judge" }).options.onToken,
    undefined,
  );
  assert.equal(
    evalRoleOptions(item, { round: 1, seed: 0 }, { role: "judge", stream: true }).options.onToken,
    undefined,
  );
  const streaming = evalRoleOptions(item, { round: 1, seed: 0, onEvent }, {
    role: "judge",
    stream: true,
  });
  streaming.options.onToken?.("3.1");
  assert.deepEqual(events.map((e) => e.type === "token" && [e.role, e.round, e.text]), [
    ["judge", 1, "3.1"],
  ]);
});

Deno.test("evalRoleOptions counts and emits each parse failure, with or without a sink", () => {
  const events: Event[] = [];
  const call = evalRoleOptions(item, { round: 2, seed: 5, onEvent: (e) => events.push(e) }, {
    role: "critic",
    temperature: 0.3,
    maxTokens: 64,
  });
  assert.equal(call.options.temperature, 0.3);
  assert.equal(call.options.maxTokens, 64);
  assert.equal(call.parseFailures(), 0);
  call.options.onParseFailure?.("no JSON");
  call.options.onParseFailure?.("still no JSON");
  assert.equal(call.parseFailures(), 2);
  assert.deepEqual(
    events.map((e) => e.type === "parse_failure" && [e.itemId, e.role, e.round, e.message]),
    [["pi", "critic", 2, "no JSON"], ["pi", "critic", 2, "still no JSON"]],
  );
  const silent = evalRoleOptions(item, { round: 0, seed: 0 }, { role: "critic" });
  silent.options.onParseFailure?.("x");
  assert.equal(silent.parseFailures(), 1);
});

Deno.test("evalRoleOptions rejects an empty role and an item without an id, naming them", () => {
  assert.throws(
    () => evalRoleOptions(item, { round: 0, seed: 0 }, { role: "" }),
    /options\.role must be a non-empty string/,
  );
  assert.throws(
    () => evalRoleOptions({ prompt: "x" } as never, { round: 0, seed: 0 }, { role: "critic" }),
    /item must have a string id/,
  );
});

import assert from "node:assert/strict";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { createTerminalSink } from "../lib/ui/terminal.ts";
import { stripAnsi } from "../lib/ui/ansi.ts";
import { createCliOutput, uiFlag } from "../scripts/cai_output.ts";
import { UsageError } from "../scripts/_cli.ts";

const roleEnd = (role: string, text: string, t: number): Event => ({
  type: "role_end",
  t,
  itemId: "a",
  role,
  round: 1,
  text,
});

Deno.test("json output carries messages and reports as log events, one valid event per line", () => {
  let out = "";
  const o = createCliOutput("json", { write: (t) => (out += t), isTTY: true });
  assert.equal(o.mode, "json");
  o.info("probing");
  o.onEvent({ type: "progress", t: 1, done: 1, total: 2 });
  o.warn("slow");
  o.report("table\nline 2");
  o.close();
  const lines = out.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 4);
  for (const line of lines) assert.ok(EventSchema.safeParse(JSON.parse(line)).success, line);
  assert.equal(JSON.parse(lines[3]).message, "table\nline 2");
});

Deno.test("auto output is plain when piped: tagged lines, then the report as-is", () => {
  let out = "";
  const o = createCliOutput("auto", { write: (t) => (out += t), isTTY: false });
  assert.equal(o.mode, "plain");
  o.onEvent(roleEnd("student", "An answer.", 1));
  o.report("done");
  assert.equal(out, "[student round=1 item=a] An answer.\ndone\n");
});

Deno.test("live output prints a report given before any event above the dashboard, and one given later after its last frame", () => {
  let out = "";
  const o = createCliOutput("live", { write: (t) => (out += t), isTTY: false, title: "T" });
  o.report("No provider is ready.");
  assert.equal(out, "No provider is ready.\n");
  o.onEvent({ type: "run_start", t: 1, runId: "r", items: 1 });
  o.onEvent({ type: "item_start", t: 1, itemId: "a", prompt: "p" });
  o.onEvent(roleEnd("critic", "Too vague.", 2));
  o.report("summary");
  o.onEvent(roleEnd("critic", "ignored after close", 3));
  o.close();
  const visible = stripAnsi(out);
  assert.ok(visible.endsWith("\nsummary\n"), visible);
  assert.ok(visible.indexOf("┌ critic") > visible.indexOf("No provider is ready."));
  assert.ok(!visible.includes("ignored after close"));
});

Deno.test("a live frame always fits the terminal height, so redrawing in place never scrolls", () => {
  for (const rows of [8, 12, 20, 60]) {
    const writes: string[] = [];
    const sink = createTerminalSink("live", {
      write: (t) => writes.push(t),
      isTTY: false,
      columns: 50,
      rows,
      frameMs: 0,
    });
    sink.onEvent({ type: "run_start", t: 0, runId: "r", items: 3 });
    sink.onEvent({ type: "item_start", t: 0, itemId: "a", prompt: "p" });
    for (const role of ["student", "critic", "teacher", "judge"]) {
      sink.onEvent(roleEnd(role, `${role} says `.repeat(40), 1));
    }
    for (let r = 0; r < 8; r++) {
      sink.onEvent({
        type: "ratchet_decision",
        t: 2,
        itemId: "a",
        round: r,
        decision: { decision: "keep", reason: "x", candidateScore: 0.5, bestScore: 0.4 },
      });
    }
    sink.onEvent({ type: "error", t: 3, message: "boom" });
    sink.close();
    const frame = stripAnsi(writes.at(-1) ?? "").replace(/^\n/, "");
    const lines = frame.trimEnd().split("\n");
    assert.ok(lines.length <= rows - 1, `rows=${rows}: ${lines.length} lines`);
    assert.equal(lines[0], "autoconstitution", "the title stays");
    assert.ok(lines.some((l) => l.startsWith("tokens in")), `rows=${rows} keeps the counters`);
    if (rows >= 60) assert.ok(lines.filter((l) => l.startsWith("│ ")).length > 4, "3-line panels");
    for (const l of lines) assert.ok(l.length <= 50, l);
  }
});

Deno.test("uiFlag accepts the four modes and names the flag otherwise", () => {
  assert.equal(uiFlag({ ui: "live" }), "live");
  assert.throws(
    () => uiFlag({ ui: "tui" }),
    (e) => e instanceof UsageError && /--ui/.test(e.message),
  );
});

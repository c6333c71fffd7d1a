/**
 * Runs a small notebook through the real Deno Jupyter kernel (via Python's nbclient) and checks
 * what the cells displayed. Skipped when Jupyter's Python packages are not installed.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { displayBundle, inJupyter, printLine } from "../lib/ui/jupyter.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

async function findPython(): Promise<string | undefined> {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", "import nbclient, nbformat"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return python;
    } catch {
      // not installed
    }
  }
  return undefined;
}

const python = await findPython();

const DRIVER = `
import json, sys
import nbformat
from nbclient import NotebookClient
cells = json.load(open(sys.argv[1]))
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
NotebookClient(nb, timeout=120, iopub_timeout=120, raise_on_iopub_timeout=True, kernel_name=sys.argv[2], resources={"metadata": {"path": sys.argv[3]}}).execute()
print(json.dumps([c.outputs for c in nb.cells]))
`;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string;
}

async function runNotebook(cells: string[]): Promise<Output[][]> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/kernels/deno-autoconstitution-test`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/kernels/deno-autoconstitution-test/kernel.json`,
      JSON.stringify({
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno (test)",
        language: "typescript",
      }),
    );
    await Deno.writeTextFile(`${dir}/drive.py`, DRIVER);
    await Deno.writeTextFile(`${dir}/cells.json`, JSON.stringify(cells));
    const out = await new Deno.Command(python!, {
      args: [`${dir}/drive.py`, `${dir}/cells.json`, "deno-autoconstitution-test", repo],
      env: { JUPYTER_PATH: dir, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("outside the kernel displayBundle is a no-op that reports false", async () => {
  assert.equal(inJupyter(), false);
  assert.equal(await displayBundle({ "text/plain": "x" }), false);
});

Deno.test("outside the kernel printLine writes the line to stdout", async () => {
  const lines: unknown[][] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args);
  try {
    await printLine("3 of 10 traces became pairs");
  } finally {
    console.log = original;
  }
  assert.deepEqual(lines, [["3 of 10 traces became pairs"]]);
});

Deno.test({
  name:
    "in the Deno kernel, printLine output stays in order with displays, even as the last output",
  ignore: python === undefined,
  sanitizeResources: false,
  async fn() {
    const outputs = await runNotebook([
      `import { displayBundle, printLine } from "./lib/ui/jupyter.ts";`,
      [
        `await printLine("first line");`,
        `await displayBundle({ "text/plain": "between" });`,
        "for (const i of [1, 2]) await printLine(`loop ${i}`);",
      ].join("\n"),
      `await printLine("the notebook's last output");`,
    ]);
    const summary = (cell: Output[]) =>
      cell.filter((o) => o.output_type !== "execute_result").map((o) =>
        o.output_type === "stream" ? `${o.name}:${o.text}` : String(o.data?.["text/plain"])
      );
    assert.deepEqual(summary(outputs[1]), [
      "stdout:first line\n",
      "between",
      "stdout:loop 1\n",
      "stdout:loop 2\n",
    ]);
    assert.deepEqual(summary(outputs[2]), ["stdout:the notebook's last output\n"]);
  },
});

Deno.test({
  name: "in the Deno kernel, show() displays a chart once and progress ends with a normal display",
  ignore: python === undefined,
  sanitizeResources: false,
  async fn() {
    const outputs = await runNotebook([
      `import { forestPlot, show } from "./lib/plot/mod.ts";
import { armSummaryTable, createNotebookProgress } from "./lib/ui/jupyter.ts";
const spec = forestPlot([{ arm: "kernel-arm", delta: 0.1, lo: 0, hi: 0.2 }]);`,
      "await show(spec);\nconst x = 1;",
      "await show(spec)",
      `const p = createNotebookProgress({ displayId: "p1", throttleMs: 0, title: "bench" });
p.onEvent({ type: "run_start", t: 0, runId: "r", items: 2 });
p.onEvent({ type: "item_end", t: 0, itemId: "x", rounds: 1, stopReason: "passed", chosenScore: 1 });
p.onEvent({ type: "item_end", t: 0, itemId: "y", rounds: 1, stopReason: "passed", chosenScore: 0 });
await p.finish(armSummaryTable([{ arm: "table-arm", delta: 0.1, lo: 0, hi: 0.2 }]))`,
    ]);
    const shown = (cell: Output[]) => cell.filter((o) => o.output_type === "display_data");
    const visible = (cell: Output[]) =>
      cell.filter((o) =>
        o.output_type !== "execute_result" || Object.keys(o.data ?? {}).length > 0
      );

    // mid-cell show: one chart with both Vega-Lite media types and the SVG
    for (const cell of [outputs[1], outputs[2]]) {
      assert.equal(visible(cell).length, 1, JSON.stringify(cell).slice(0, 300));
      const data = shown(cell)[0].data!;
      assert.ok("application/vnd.vegalite.v5+json" in data);
      assert.ok("application/vnd.vegalite.v6+json" in data);
      assert.ok(String(data["image/svg+xml"]).includes("kernel-arm"));
    }

    // progress: the live display holds the final state, the table is a separate normal display
    const progress = visible(outputs[3]);
    assert.equal(progress.length, 2, JSON.stringify(outputs[3]).slice(0, 500));
    assert.ok(String(progress[0].data!["text/plain"]).includes("2/2 items"));
    assert.ok(String(progress[1].data!["text/html"]).includes("table-arm"));
  },
});

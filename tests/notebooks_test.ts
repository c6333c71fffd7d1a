/**
 * The Jupyter notebooks in `notebooks/`: (a) their code cells type-check (the Deno kernel does
 * not), (b) they execute in the Deno kernel without a cell error — skipped with a message when
 * Jupyter's `nbconvert` is not installed — and (c) they re-run to their committed outputs; 02's
 * report, tables and plot data also equal a re-computation in this process from its recorded
 * calls. 01, 06 and 07 also replay their recorded calls to the same outputs. 06 reads the shared
 * GSM8K sample beside the repository and is not executed (with a message) when it is absent.
 */
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  loadConstitution,
  loadDataset,
  type Provider,
  ProviderError,
  readJsonl,
  TraceSchema,
} from "../mod.ts";
import {
  armSummaryRows,
  type BenchmarkResult,
  forestRows,
  gateAudit,
  type GateAuditRow,
  hiddenCandidateScores,
  renderReport,
  resolveArms,
  runBenchmark,
  slopeRows,
} from "../bench.ts";
import { forestPlot, slopeChart } from "../plot.ts";
import { armSummaryTable, gateAuditTable } from "../jupyter.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NB_DIR = `${ROOT}notebooks`;
const NOTEBOOKS = [
  "01-quickstart",
  "02-critic-ablation",
  "03-dpo-export",
  "04-power-analysis",
  "05-autoresearch",
  "06-reasoning-self-correction",
  "07-budget-frontier",
];

/**
 * 06 reads the project's GSM8K sample from the shared datasets beside the repository
 * (`../shared/datasets/`); without it, 06 is type-checked but not executed.
 */
const GSM8K = `${ROOT}../shared/datasets/gsm8k-test-660.jsonl`;
const NEEDS_GSM8K = "06-reasoning-self-correction";
const hasGsm8k = (() => {
  try {
    return Deno.statSync(GSM8K).isFile;
  } catch {
    return false;
  }
})();
const gsm8kSkip =
  `[SKIPPED ${NEEDS_GSM8K}: ../shared/datasets/gsm8k-test-660.jsonl is absent (the shared datasets beside the repository)]`;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Output[];
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: Record<string, string> };
}

const join = (
  x: string | string[] | undefined,
): string => (Array.isArray(x) ? x.join("") : x ?? "");

async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path));
}

function codeCells(nb: Notebook): Cell[] {
  return nb.cells.filter((c) => c.cell_type === "code");
}

/** A cell's outputs, comparable across runs: streams merged per name, SVG and metadata dropped. */
function normalize(outputs: Output[] = []): unknown[] {
  const out: unknown[] = [];
  for (const o of outputs) {
    if (o.output_type === "stream") {
      const last = out.at(-1) as { stream?: string; text?: string } | undefined;
      if (last && last.stream === o.name) last.text += join(o.text);
      else out.push({ stream: o.name, text: join(o.text) });
    } else if (o.data) {
      const data = Object.fromEntries(
        Object.entries(o.data)
          .filter(([k]) => k !== "image/svg+xml")
          .map(([k, v]) => [k, typeof v === "string" || Array.isArray(v) ? join(v) : v]),
      );
      out.push({ type: o.output_type, data });
    } else {
      out.push({ type: o.output_type, ename: o.ename, evalue: o.evalue });
    }
  }
  return out;
}

/** Every display of a notebook, with its data joined into strings. */
function displays(nb: Notebook): Record<string, unknown>[] {
  return codeCells(nb).flatMap((c) =>
    (c.outputs ?? []).filter((o) => o.data).map((o) =>
      Object.fromEntries(
        Object.entries(o.data!).map((
          [k, v],
        ) => [k, typeof v === "string" || Array.isArray(v) ? join(v) : v]),
      )
    )
  );
}

function allText(nb: Notebook): string {
  return codeCells(nb).flatMap((c) => c.outputs ?? []).map((o) =>
    join(o.text) +
    Object.values(o.data ?? {}).map((v) =>
      typeof v === "string" || Array.isArray(v) ? join(v) : JSON.stringify(v)
    ).join("")
  ).join("\n");
}

// ---------------------------------------------------------------------------------------------
// (a) structure and type-checking

/** The public doors a notebook may import (deno.json "exports"), as notebook-relative paths. */
const DOORS = new Set(
  Object.values(
    (JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as { exports: Record<string, string> })
      .exports,
  ).map((p) => `../${p.replace(/^\.\//, "")}`),
);

Deno.test("every notebook runs on the Deno kernel, starts with a parameters cell, imports only the public doors, and its code type-checks", async () => {
  const found = [...Deno.readDirSync(NB_DIR)].filter((e) => e.name.endsWith(".ipynb"))
    .map((e) => e.name.replace(/\.ipynb$/, "")).sort();
  assert.deepEqual(found, NOTEBOOKS);
  const dir = await Deno.makeTempDir({ prefix: "notebook_check_" });
  try {
    const rootUrl = pathToFileURL(ROOT).href;
    const files: string[] = [];
    for (const name of NOTEBOOKS) {
      const nb = await readNotebook(`${NB_DIR}/${name}.ipynb`);
      assert.deepEqual(nb.metadata.kernelspec, {
        name: "deno",
        display_name: "Deno",
        language: "typescript",
      }, `${name}: kernelspec`);
      const cells = codeCells(nb);
      assert.ok(
        cells[0].metadata.tags?.includes("parameters"),
        `${name}: first cell is parameters`,
      );
      assert.equal(
        cells.some((c) => (c.outputs ?? []).some((o) => o.output_type === "error")),
        false,
        `${name}: committed outputs contain an error`,
      );
      const code = cells.map((c) => join(c.source)).join("\n\n");
      const specifiers = [...code.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s*\(\s*"([^"]+)"/g)]
        .map((m) => m[1] ?? m[2]);
      assert.ok(specifiers.includes("../mod.ts"), `${name}: imports ../mod.ts`);
      for (const s of specifiers) {
        assert.ok(DOORS.has(s) || s.startsWith("node:"), `${name}: imports "${s}"`);
      }
      const file = `${dir}/${name.replace(/-/g, "_")}.ts`;
      const resolved = code.replace(
        /"\.\.\/(\w+\.ts)"/g,
        (whole, door) =>
          DOORS.has(`../${door}`) ? JSON.stringify(new URL(door, rootUrl).href) : whole,
      );
      await Deno.writeTextFile(file, resolved + "\n");
      files.push(file);
    }
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", `${ROOT}deno.json`, ...files],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// 02 re-computed in this process from its recorded calls

interface Recording {
  student: { name: string; model: string };
  judge: { name: string; model: string };
  simulated: boolean;
  items: number;
  seeds: number[];
  rounds: number;
  arms: string[];
  temperature: number;
}

/** A provider that only names a recorded model: the replay cache answers every call. */
function replayOnly(p: { name: string; model: string }): Provider {
  return {
    name: p.name,
    model: p.model,
    chat: () => Promise.reject(new ProviderError(p.name, "replay_miss", "replay only")),
  };
}

interface Replayed02 {
  result: BenchmarkResult;
  recording: Recording;
  audit: GateAuditRow[];
}

let replayed: Promise<Replayed02> | undefined;

/** Replays `notebooks/data/02-critic-ablation` through `runBenchmark` (once per test run). */
function replay02(): Promise<Replayed02> {
  replayed ??= (async () => {
    const nb = await readNotebook(`${NB_DIR}/02-critic-ablation.ipynb`);
    const params = join(codeCells(nb)[0].source);
    const constant = (name: string) => {
      const m = params.match(new RegExp(`const ${name} = ([^;\\n]+);`));
      assert.ok(m, `02's parameter cell defines ${name}`);
      return JSON.parse(m[1]);
    };
    const dir = `${NB_DIR}/${constant("REPLAY_DIR")}`;
    const recording: Recording = JSON.parse(await Deno.readTextFile(`${dir}/recording.json`));
    const dataset = `${NB_DIR}/${constant("DATASET")}`;
    const items = await loadDataset(dataset, { limit: recording.items });
    const outDir = await Deno.makeTempDir({ prefix: "replay02_" });
    const result = await runBenchmark(
      items,
      resolveArms(recording.arms, { rounds: recording.rounds }),
      {
        provider: replayOnly(recording.student),
        judgeProvider: replayOnly(recording.judge),
        constitution: await loadConstitution(),
        seeds: recording.seeds,
        temperature: recording.temperature,
        simulated: recording.simulated,
        runName: "critic-ablation",
        resamples: constant("RESAMPLES"),
        cache: "replay",
        cacheDir: `${dir}/cache`,
        outDir,
      },
    );
    const traces = await readJsonl(`${outDir}/traces.jsonl`, TraceSchema);
    await Deno.remove(outDir, { recursive: true });
    const hidden = await hiddenCandidateScores(items, traces, result.records);
    return { result, recording, audit: gateAudit(traces, result.records, hidden) };
  })();
  return replayed;
}

/** Drops a table's caption (it names the run mode), keeping header and body. */
function tableBody(bundle: Record<string, unknown>): { html: string; text: string } {
  return {
    html: String(bundle["text/html"]).replace(/<caption>.*?<\/caption>/, ""),
    text: String(bundle["text/plain"]).split("\n").slice(1).join("\n"),
  };
}

function vegaData(bundle: Record<string, unknown>): unknown {
  const spec = bundle["application/vnd.vegalite.v6+json"] as { data?: { values?: unknown } };
  return spec?.data?.values;
}

/** Asserts that 02's outputs show exactly the numbers of a library re-computation. */
async function assertMatches02(nb: Notebook, where: string): Promise<void> {
  const { result: { summary, records }, recording, audit } = await replay02();
  const shown = displays(nb);
  const report = shown.find((d) => String(d["text/markdown"] ?? "").includes("# Benchmark"));
  assert.ok(report, `${where}: the report is displayed`);
  assert.equal(report["text/markdown"], renderReport(summary), `${where}: report.md`);
  assert.ok(String(report["text/markdown"]).includes("SIMULATED"), `${where}: SIMULATED label`);

  const table = (prefix: string) => {
    const t = shown.find((d) => String(d["text/plain"] ?? "").startsWith(prefix));
    assert.ok(t, `${where}: a table captioned "${prefix}…"`);
    return tableBody(t);
  };
  assert.deepEqual(
    table("Δ vs baseline"),
    tableBody(armSummaryTable(armSummaryRows(summary)).bundle),
    `${where}: Δ vs baseline table`,
  );
  assert.deepEqual(
    table("Δ vs the same-budget"),
    tableBody(armSummaryTable(armSummaryRows(summary, { against: "control" })).bundle),
    `${where}: Δ vs control table`,
  );

  const chart = (title: string) => {
    const c = shown.find((d) => String(d["text/plain"] ?? "").includes(title));
    assert.ok(c, `${where}: a chart titled "…${title}…"`);
    return c;
  };
  const forest = chart("Δ hidden-test score vs baseline");
  assert.deepEqual(vegaData(forest), specData(forestPlot(forestRows(summary))));
  const svg = String(forest["image/svg+xml"]);
  assert.ok(svg.startsWith("<svg") && svg.includes("SIMULATED"), `${where}: forest plot SVG`);
  for (const row of forestRows(summary)) {
    assert.ok(svg.includes(`W/T/L ${row.wins}/${row.ties}/${row.losses}`), `${row.arm} label`);
  }
  assert.deepEqual(
    vegaData(chart("vs same-budget best-of-n")),
    specData(forestPlot(forestRows(summary, { against: "control" }))),
  );
  assert.deepEqual(
    table("Gate audit against the hidden tests"),
    tableBody(gateAuditTable(audit).bundle),
    `${where}: gate audit table`,
  );
  const loopArms = recording.arms.filter((a) => a !== "baseline");
  assert.deepEqual(
    vegaData(chart("first answer → final answer")),
    specData(
      slopeChart(slopeRows(records, loopArms), { beforeLabel: "first", afterLabel: "final" }),
    ),
  );
}

/** The data of a spec as `show()` puts it into the bundle (a JSON copy). */
function specData(spec: unknown): unknown {
  return (JSON.parse(JSON.stringify(spec)) as { data?: { values?: unknown } }).data?.values;
}

Deno.test("replaying 02's recorded calls through the library reproduces its committed report, tables and plot data", async () => {
  await assertMatches02(
    await readNotebook(`${NB_DIR}/02-critic-ablation.ipynb`),
    "committed 02 (re-record notebooks/data/02-critic-ablation if the simulation changed)",
  );
});

// ---------------------------------------------------------------------------------------------
// (b), (c) execution in the Deno kernel

async function nbconvertVersion(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

const nbconvert = await nbconvertVersion();
const skip = nbconvert === undefined
  ? " [SKIPPED: `jupyter nbconvert` is not installed; install Jupyter to run the notebooks]"
  : hasGsm8k
  ? ""
  : ` ${gsm8kSkip}`;

Deno.test({
  name:
    `every notebook executes in the Deno kernel without a cell error and re-runs to its committed outputs${skip}`,
  ignore: nbconvert === undefined,
  async fn() {
    // A private kernelspec named "deno" (the notebooks' kernel) running this very deno binary:
    // nothing is installed into the user's Jupyter directories.
    const jupyterPath = await Deno.makeTempDir({ prefix: "notebook_kernel_" });
    const outDir = await Deno.makeTempDir({ prefix: "notebook_run_" });
    try {
      await Deno.mkdir(`${jupyterPath}/kernels/deno`, { recursive: true });
      await Deno.writeTextFile(
        `${jupyterPath}/kernels/deno/kernel.json`,
        JSON.stringify({
          argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
          display_name: "Deno",
          language: "typescript",
        }),
      );
      const env = Object.fromEntries(
        Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("AUTOCONSTITUTION_")),
      );
      env.JUPYTER_PATH = jupyterPath;
      // No `deno` on PATH (Deno installed through npx): the kernel runs this binary by its path,
      // and 05's runner command `deno …` must resolve to it (Deno.execPath()), not to PATH.
      env.PATH = pathWithoutDeno(env.PATH ?? "");
      replay02(); // starts the re-computation now; it runs while the kernel works
      const timings: string[] = [];
      // Every notebook in its default mode, then 01, 06 and 07 again replaying their recorded calls.
      const runs = [
        ...NOTEBOOKS.map((name) => ({ name, mode: "" })),
        { name: "01-quickstart", mode: "replay" },
        { name: "06-reasoning-self-correction", mode: "replay" },
        { name: "07-budget-frontier", mode: "replay" },
      ];
      for (const { name, mode } of runs) {
        const label = mode ? `${name} (${mode})` : name;
        if (name === NEEDS_GSM8K && !hasGsm8k) {
          console.log(`notebook ${label}: ${gsm8kSkip}`);
          timings.push(`${label} skipped`);
          continue;
        }
        const t0 = performance.now();
        const run = await new Deno.Command("jupyter", {
          args: [
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            // nbclient waits only 4 s (by default) for a cell's outputs after its reply, then drops
            // what comes later without an error: on a loaded 2-core CI machine that lost outputs.
            "--ExecutePreprocessor.iopub_timeout=120",
            "--ExecutePreprocessor.raise_on_iopub_timeout=True",
            "--output-dir",
            outDir,
            "--output",
            name,
            `${NB_DIR}/${name}.ipynb`,
          ],
          env: mode ? { ...env, AUTOCONSTITUTION_MODE: mode } : env,
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const seconds = (performance.now() - t0) / 1000;
        timings.push(`${label} ${seconds.toFixed(1)} s`);
        console.log(`notebook ${label}: ${seconds.toFixed(1)} s`);
        assert.equal(
          run.code,
          0,
          `${label} failed:\n${new TextDecoder().decode(run.stderr).slice(-3000)}`,
        );
        const fresh = await readNotebook(`${outDir}/${name}.ipynb`);
        const committed = await readNotebook(`${NB_DIR}/${name}.ipynb`);
        const freshCells = codeCells(fresh), committedCells = codeCells(committed);
        assert.equal(freshCells.length, committedCells.length);
        freshCells.forEach((cell, i) => {
          assert.ok(
            !(cell.outputs ?? []).some((o) => o.output_type === "error"),
            `${label} cell ${i} raised an error`,
          );
          if (join(cell.source).includes("probeProviders(")) {
            // What is reachable depends on the machine; the probe table must be there.
            assert.ok(allText({ cells: [cell], metadata: {} }).includes("Provider probe"));
            return;
          }
          assert.deepEqual(
            normalize(cell.outputs),
            normalize(committedCells[i].outputs),
            `${label} code cell ${i} differs from the committed output (re-execute the notebook?)`,
          );
        });
        if (name !== "04-power-analysis" && name !== "05-autoresearch") {
          assert.ok(allText(fresh).includes("SIMULATED"), `${label} is labelled SIMULATED`);
        }
        if (name === "02-critic-ablation") await assertMatches02(fresh, "executed 02");
      }
      console.log(`notebook timings (${nbconvert}): ${timings.join(", ")}`);
    } finally {
      await Deno.remove(jupyterPath, { recursive: true });
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

/** `path` without the directories that hold a `deno` executable. */
function pathWithoutDeno(path: string): string {
  return path.split(":").filter((dir) => {
    try {
      return !Deno.statSync(`${dir}/deno`).isFile;
    } catch {
      return true;
    }
  }).join(":");
}

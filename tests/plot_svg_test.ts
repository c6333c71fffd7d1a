import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { compileSpec, forestPlot, toSVG } from "../lib/plot/mod.ts";

const configPath = fileURLToPath(new URL("../deno.json", import.meta.url));
const plotMod = new URL("../lib/plot/mod.ts", import.meta.url).href;

Deno.test("toSVG renders in a subprocess that has no permissions at all", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/render.ts`;
    await Deno.writeTextFile(
      script,
      `import { forestPlot, toSVG } from ${JSON.stringify(plotMod)};
const svg = await toSVG(forestPlot([{ arm: "no-permissions", delta: 0.1, lo: 0, hi: 0.2 }]));
console.log(svg);
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-lock", "--config", configPath, script],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.ok(stdout.startsWith("<svg"), stdout.slice(0, 200));
    assert.ok(stdout.includes("no-permissions"));
    assert.ok(!/PermissionDenied|NotCapable|Requires .* access/.test(stderr), stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("toSVG refuses a spec that points at external data", async () => {
  await assert.rejects(
    toSVG({
      data: { url: "https://example.invalid/data.json" },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" } },
    }),
    /external resource "https:\/\/example\.invalid\/data\.json" refused/,
  );
});

Deno.test("compileSpec throws on an invalid spec instead of rendering nothing", () => {
  assert.throws(() =>
    compileSpec({
      data: { values: [] },
      mark: "no-such-mark" as "point",
      encoding: {},
    })
  );
});

Deno.test("toSVG hands warnings to onWarning and prints nothing", async () => {
  const printed: unknown[] = [];
  const original = {
    warn: console.warn,
    log: console.log,
    error: console.error,
    info: console.info,
  };
  console.warn =
    console.log =
    console.error =
    console.info =
      (...args: unknown[]) => {
        printed.push(args);
      };
  const warnings: string[] = [];
  try {
    await toSVG(
      {
        data: { values: [{ a: 1 }] },
        mark: "point",
        encoding: { x: { field: "a", type: "quantitative", aggregate: "no-such-op" as "mean" } },
      },
      { onWarning: (w) => warnings.push(w) },
    );
  } finally {
    Object.assign(console, original);
  }
  assert.deepEqual(printed, []);
  assert.ok(warnings.some((w) => w.includes("no-such-op")), JSON.stringify(warnings));
});

Deno.test("toSVG output is a standalone SVG document with a white background", async () => {
  const svg = await toSVG(forestPlot([{ arm: "a", delta: 0.1, lo: 0, hi: 0.2 }]));
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  const width = Number(svg.match(/width="(\d+)"/)?.[1]);
  assert.ok(width > 0);
  assert.match(svg, /<rect width="\d+" height="\d+" fill="white"\/>/);
});

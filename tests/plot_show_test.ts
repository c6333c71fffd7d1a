import assert from "node:assert/strict";
import {
  convergenceChart,
  forestPlot,
  plotBundle,
  show,
  VEGA_LITE_SCHEMA,
  VEGA_LITE_V5_MIME,
  VEGA_LITE_V5_SCHEMA,
  VEGA_LITE_V6_MIME,
} from "../lib/plot/mod.ts";
import { JUPYTER_DISPLAY } from "../lib/ui/jupyter_kernel.ts";

const spec = forestPlot([
  { arm: "self", delta: 0.05, lo: -0.01, hi: 0.11, wins: 6, ties: 10, losses: 4 },
  { arm: "tests", delta: 0.2, lo: 0.1, hi: 0.3 },
], { title: "Δ per arm" });

Deno.test("show returns a bundle with the Vega-Lite spec and an SVG, and displays nothing outside Jupyter", async () => {
  const view = await show(spec);
  assert.equal(view.displayed, false);
  assert.ok(typeof view.bundle["image/svg+xml"] === "string");
  assert.ok(String(view.bundle["image/svg+xml"]).startsWith("<svg"));
  assert.ok(view.bundle[VEGA_LITE_V5_MIME] && typeof view.bundle[VEGA_LITE_V5_MIME] === "object");
  assert.ok(view.bundle[VEGA_LITE_V6_MIME] && typeof view.bundle[VEGA_LITE_V6_MIME] === "object");
  assert.equal(view.bundle["text/plain"], "<Vega-Lite chart: Δ per arm>");
});

Deno.test("show's view displays as its bundle when it was not already displayed", async () => {
  const view = await show(spec, { display: false });
  assert.deepEqual(view[JUPYTER_DISPLAY](), view.bundle);
});

Deno.test("the v5 copy declares the v5 schema and the v6 copy keeps the builder's spec", async () => {
  const bundle = await plotBundle(spec);
  const v5 = bundle[VEGA_LITE_V5_MIME] as Record<string, unknown>;
  const v6 = bundle[VEGA_LITE_V6_MIME] as Record<string, unknown>;
  assert.equal(v5.$schema, VEGA_LITE_V5_SCHEMA);
  assert.equal(v6.$schema, VEGA_LITE_SCHEMA);
  assert.deepEqual(v6, JSON.parse(JSON.stringify(spec)));
  assert.deepEqual({ ...v5, $schema: undefined }, { ...v6, $schema: undefined });
});

Deno.test("the bundle carries no HTML, so JupyterLab picks the Vega renderer over it", async () => {
  const bundle = await plotBundle(spec);
  assert.ok(!("text/html" in bundle));
});

Deno.test("plotBundle includes only the requested media types and survives JSON round trips", async () => {
  const bundle = await plotBundle(
    convergenceChart([{ iteration: 0, metric: 0.5, status: "keep", bestSoFar: 0.5 }]),
    { vegaLiteVersions: ["v6"], svg: false },
  );
  assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_V6_MIME, "text/plain"].sort());
  assert.deepEqual(JSON.parse(JSON.stringify(bundle)), bundle);
});

Deno.test("plotBundle rejects an unknown Vega-Lite version and a spec that does not compile", async () => {
  await assert.rejects(plotBundle(spec, { vegaLiteVersions: ["v4" as "v5"] }), /"v4"/);
  await assert.rejects(plotBundle({ data: { values: [] }, mark: "nope" as "point" }));
});

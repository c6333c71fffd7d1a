// Validation of the real external dataset (../shared, absent in a user's clone) and of the bundled
// datasets, through the loader and the sandbox.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { validateDataset } from "../lib/sandbox/validate_dataset.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MBTSP = here("../../shared/datasets/mbtsp-validated-186.jsonl");
const exists = async (p: string) => await Deno.stat(p).then(() => true, () => false);
const hasMbtsp = await exists(MBTSP);
if (!hasMbtsp) {
  console.warn(
    `skipping the MBTSP validation: ${MBTSP} is absent (../shared is not part of a clone)`,
  );
}

Deno.test({
  name: "all 186 MBTSP references pass and all 186 stubs fail through the mxeval loader",
  ignore: !hasMbtsp,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const items = await loadDataset(MBTSP);
    assert.equal(items.length, 186);
    const report = await validateDataset(items, { concurrency: 2 });
    const broken = report.rows.filter((r) => r.verdict !== "ok");
    assert.deepEqual(broken, []);
    assert.equal(report.referencesPassed, 186);
    assert.equal(report.stubsFailed, 186);
  },
});

for (const name of ["coding_hard.jsonl", "coding_bugs.jsonl"]) {
  const path = here(`../datasets/${name}`);
  const present = await exists(path);
  Deno.test({
    name: `the bundled ${name}: every reference passes, every stub and buggy program fails`,
    ignore: !present,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const items = await loadDataset(path, { format: "coding" });
      assert.ok(items.length > 0);
      const report = await validateDataset(items);
      assert.deepEqual(report.rows.filter((r) => r.verdict !== "ok"), []);
      assert.equal(report.referencesPassed, items.length);
      assert.equal(report.stubsFailed, items.length);
    },
  });
}

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FILE = "tests/testdata/datasets/mxeval_null_reference.jsonl";

Deno.test(
  "deno task validate on mxeval rows with a null or absent canonical_solution: stubs fail, references reported UNVALIDATED, exit 0",
  async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/validate_dataset.ts", FILE],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
    // Row 1 has `"canonical_solution": null`, row 2 has no such field, row 3 a real reference.
    assert.match(stdout, /^UNVALIDATED NULLREF\/1: no reference solution/m);
    assert.match(stdout, /^UNVALIDATED NULLREF\/2: no reference solution/m);
    assert.doesNotMatch(stdout, /NULLREF\/3/);
    assert.match(stdout, /^unvalidated: 2$/m);
    assert.match(stdout, /^broken: 0$/m);
    assert.match(stdout, /^references_passed: 1\/1$/m);
    assert.match(stdout, /^stubs_failed: 3\/3$/m);
  },
);

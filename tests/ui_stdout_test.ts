import assert from "node:assert/strict";
import { stdoutIsTerminal, terminalColumns, terminalRows, writeAllSync } from "../lib/ui/stdout.ts";

Deno.test("writeAllSync keeps writing until a writer that takes few bytes at a time has them all", () => {
  for (const step of [1, 3, 1000]) {
    const chunks: Uint8Array[] = [];
    writeAllSync({
      writeSync(bytes) {
        const n = Math.min(step, bytes.length);
        chunks.push(bytes.slice(0, n));
        return n;
      },
    }, "ratchet ✓ kept\n");
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let off = 0;
    for (const c of chunks) joined.set(c, (off += c.length) - c.length);
    assert.equal(new TextDecoder().decode(joined), "ratchet ✓ kept\n");
    assert.ok(chunks.every((c) => c.length <= step));
  }
});

Deno.test("writeAllSync rejects a writer without writeSync, naming it", () => {
  assert.throws(() => writeAllSync({} as never, "x"), /writer must have writeSync/);
});

Deno.test("stdout probes answer with usable values even when stdout is not a terminal", () => {
  assert.equal(typeof stdoutIsTerminal(), "boolean");
  assert.ok(Number.isInteger(terminalColumns()) && terminalColumns() >= 1);
  assert.ok(Number.isInteger(terminalRows()) && terminalRows() >= 1);
});

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { HeadTail, ResultScanner } from "../lib/sandbox/_output_capture.ts";
import { RESULT_MARKER } from "../lib/sandbox/_harness_template.ts";

const enc = new TextEncoder();
const KEY = "ab".repeat(32);
const line = (payload: object, key = KEY) => {
  const json = JSON.stringify(payload);
  const mac = createHmac("sha256", Buffer.from(key, "hex")).update(json).digest("hex");
  return `${RESULT_MARKER}${mac} ${json}\n`;
};
import { Buffer } from "node:buffer";

Deno.test("HeadTail keeps the head and the tail of a flood and says how much was dropped", () => {
  const h = new HeadTail(100);
  h.push(enc.encode("HEAD" + "x".repeat(10_000)));
  h.push(enc.encode("y".repeat(10_000) + "THE END OF THE ERROR"));
  const text = h.text();
  assert.ok(text.startsWith("HEAD"));
  assert.ok(text.endsWith("THE END OF THE ERROR"));
  assert.match(text, /\[\d+ bytes omitted\]/);
  assert.equal(h.total, 20_024);
  assert.ok(h.truncated);
  assert.ok(text.length < 200);
});

Deno.test("HeadTail keeps short output whole", () => {
  const h = new HeadTail(100);
  h.push(enc.encode("hello "));
  h.push(enc.encode("world"));
  assert.equal(h.text(), "hello world");
  assert.equal(h.truncated, false);
});

Deno.test("ResultScanner accepts authenticated records in sequence, across chunk boundaries", () => {
  const display = new HeadTail(1000);
  const s = new ResultScanner(KEY, display);
  const stream = "candidate says hi\n" + line({ k: "start", n: 1, seq: 0 }) + "more\n" +
    line({ k: "end", n: 1, seq: 1 });
  const bytes = enc.encode(stream);
  for (let i = 0; i < bytes.length; i += 7) s.push(bytes.subarray(i, i + 7));
  s.end();
  assert.deepEqual(s.records.map((r) => r.k), ["start", "end"]);
  assert.equal(s.forged, 0);
  assert.equal(display.text(), "candidate says hi\nmore\n");
});

Deno.test("ResultScanner drops records with a wrong key, a bad MAC or a replayed sequence number", () => {
  const s = new ResultScanner(KEY, new HeadTail(1000));
  const good = line({ k: "test", ok: false, seq: 0 });
  s.push(enc.encode(line({ k: "test", ok: true, seq: 0 }, "cd".repeat(32))));
  s.push(enc.encode(good.replace('"ok":false', '"ok":true ')));
  s.push(enc.encode(good));
  s.push(enc.encode(good));
  s.end();
  assert.equal(s.records.length, 1);
  assert.equal(s.records[0].ok, false);
  assert.equal(s.forged, 3);
});

Deno.test("ResultScanner passes stray record-separator bytes through as output", () => {
  const display = new HeadTail(1000);
  const s = new ResultScanner(KEY, display);
  s.push(enc.encode("a\x1eb\n"));
  s.end();
  assert.equal(s.records.length, 0);
  assert.equal(display.text(), "a\x1eb\n");
});

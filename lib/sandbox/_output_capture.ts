/**
 * Output handling for sandboxed processes (internal): a byte collector that keeps the head and the
 * tail of a stream (so the end of an error is never lost behind a flood), and a scanner that pulls the
 * harness's authenticated result lines out of stdout however much else the candidate prints.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { RESULT_MARKER } from "./_harness_template.ts";

/** Keeps the first and last `limit / 2` bytes of a stream and counts the rest. */
export class HeadTail {
  readonly #half: number;
  readonly #head: Uint8Array;
  #headLen = 0;
  #tail: Uint8Array[] = [];
  #tailLen = 0;
  /** Bytes pushed in total. */
  total = 0;

  /** @param limit Bytes kept in all (half head, half tail). */
  constructor(limit: number) {
    this.#half = Math.max(1, Math.floor(limit / 2));
    this.#head = new Uint8Array(this.#half);
  }

  /** Adds bytes. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.total += bytes.length;
    let rest = bytes;
    if (this.#headLen < this.#half) {
      const n = Math.min(this.#half - this.#headLen, rest.length);
      this.#head.set(rest.subarray(0, n), this.#headLen);
      this.#headLen += n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return;
    if (rest.length >= this.#half) {
      this.#tail = [rest.slice(rest.length - this.#half)];
      this.#tailLen = this.#half;
      return;
    }
    this.#tail.push(rest.slice());
    this.#tailLen += rest.length;
    while (this.#tailLen - this.#tail[0].length >= this.#half) {
      this.#tailLen -= this.#tail.shift()!.length;
    }
  }

  /** True when bytes were dropped. */
  get truncated(): boolean {
    return this.total > this.#headLen + this.#tailLen;
  }

  /** The kept text, with a marker where bytes were dropped. */
  text(): string {
    const dec = new TextDecoder();
    const head = dec.decode(this.#head.subarray(0, this.#headLen));
    if (this.#tailLen === 0) return head;
    const tailBytes = new Uint8Array(this.#tailLen);
    let off = 0;
    for (const c of this.#tail) {
      tailBytes.set(c, off);
      off += c.length;
    }
    const keep = Math.min(this.#tailLen, this.#half);
    const tail = dec.decode(tailBytes.subarray(this.#tailLen - keep));
    const dropped = this.total - this.#headLen - keep;
    return dropped > 0 ? `${head}\n…[${dropped} bytes omitted]…\n${tail}` : head + tail;
  }
}

/** A harness record that passed authentication. */
export type HarnessRecord = Record<string, unknown> & { k: string; seq: number };

const MARK = new TextEncoder().encode(RESULT_MARKER);
const MAX_LINE = 1 << 20;

/**
 * Splits a stdout stream into display bytes and authenticated harness records. A record is a line
 * `RESULT_MARKER <hmac-hex> <json>`; it is accepted only when the HMAC under the run's key matches
 * and its sequence number is the next one expected. Anything else starting with the marker is counted
 * as forged and dropped.
 */
export class ResultScanner {
  readonly #key: Buffer;
  readonly #display: HeadTail;
  #capturing = false;
  #line: Uint8Array[] = [];
  #lineLen = 0;
  #nextSeq = 0;
  /** Accepted records, in order. */
  readonly records: HarnessRecord[] = [];
  /** Marker lines that failed authentication or arrived out of sequence. */
  forged = 0;

  /**
   * @param keyHex The run's 32-byte key as hex.
   * @param display Where non-record bytes go.
   */
  constructor(keyHex: string, display: HeadTail) {
    this.#key = Buffer.from(keyHex, "hex");
    this.#display = display;
  }

  /** Feeds a chunk of stdout. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#capturing) {
        const nl = chunk.indexOf(10, i);
        const end = nl < 0 ? chunk.length : nl;
        if (this.#lineLen + (end - i) <= MAX_LINE) this.#line.push(chunk.slice(i, end));
        this.#lineLen += end - i;
        if (nl < 0) return;
        this.#finishLine();
        i = nl + 1;
        continue;
      }
      const rs = chunk.indexOf(MARK[0], i);
      if (rs < 0) {
        this.#display.push(chunk.subarray(i));
        return;
      }
      this.#display.push(chunk.subarray(i, rs));
      this.#capturing = true;
      this.#line = [];
      this.#lineLen = 0;
      i = rs + 1;
    }
  }

  /** Flushes a final unterminated line. */
  end(): void {
    if (this.#capturing) this.#finishLine();
  }

  #finishLine(): void {
    this.#capturing = false;
    if (this.#lineLen > MAX_LINE) {
      this.forged++;
      return;
    }
    const bytes = Buffer.concat(this.#line);
    const text = bytes.toString("utf8");
    const prefix = RESULT_MARKER.slice(1);
    if (!text.startsWith(prefix)) {
      // Not ours: a stray record-separator byte in the candidate's output.
      this.#display.push(new Uint8Array([MARK[0], ...bytes, 10]));
      return;
    }
    const rest = text.slice(prefix.length);
    const space = rest.indexOf(" ");
    const mac = rest.slice(0, space);
    const payload = rest.slice(space + 1).replace(/\r$/, "");
    const want = createHmac("sha256", this.#key).update(payload, "utf8").digest();
    const got = /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, "hex") : Buffer.alloc(0);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      this.forged++;
      return;
    }
    let record: HarnessRecord;
    try {
      record = JSON.parse(payload);
    } catch {
      this.forged++;
      return;
    }
    if (record.seq !== this.#nextSeq) {
      this.forged++;
      return;
    }
    this.#nextSeq++;
    this.records.push(record);
  }
}

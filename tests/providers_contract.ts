/**
 * The shared provider contract: one suite of behaviours every provider must show, run against each
 * provider pointed at the local protocol server (or, for offline providers, without it).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Message } from "../lib/schemas/chat.ts";
import { withRetry } from "../lib/providers/retry.ts";
import { type Provider, ProviderError } from "../lib/providers/types.ts";
import {
  chunkText,
  type Protocol,
  type ProtocolServer,
  startProtocolServer,
} from "./protocol_server.ts";

/** The answer the contract's server handler gives (and offline providers must be set up to give). */
export const CONTRACT_ANSWER = "Two plus two is four, because adding two to two gives four.";
/** The item id contract calls use. */
export const CONTRACT_ITEM = "q-contract";
/** The prompt contract calls send. */
export const CONTRACT_MESSAGES: Message[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "What is two plus two?" },
];

/** Options for {@linkcode providerContract}. */
export interface ContractOptions {
  /** The protocol the provider speaks to the server; undefined for offline providers. */
  wire?: Protocol;
  /** Headers (lower-cased) every chat request must carry, e.g. the bearer key. */
  expectHeaders?: Record<string, string>;
}

const SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" } },
  required: ["answer"],
  additionalProperties: false,
};

async function expectProviderError(
  promise: Promise<unknown>,
  check: (e: ProviderError) => void,
): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected ProviderError, got ${String(error)}`);
    check(error);
    return error;
  }
  assert.fail("expected the call to fail");
}

/**
 * Registers the contract tests for one provider.
 *
 * @param name Label used in test names.
 * @param makeProvider Builds a bare provider (no retry wrapper) pointed at the server.
 * @param options Wire protocol and expected headers.
 */
export function providerContract(
  name: string,
  makeProvider: (server: ProtocolServer) => Provider | Promise<Provider>,
  options: ContractOptions = {},
): void {
  const wire = options.wire;
  const test = (title: string, fn: (server: ProtocolServer, p: Provider) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const server = startProtocolServer({ handler: () => CONTRACT_ANSWER });
      try {
        await fn(server, await makeProvider(server));
      } finally {
        await server.close();
      }
    });
  const call = { itemId: CONTRACT_ITEM, role: "student" };

  test("a plain chat returns the answer", async (server, p) => {
    const res = await p.chat(CONTRACT_MESSAGES, call);
    assert.equal(res.text, CONTRACT_ANSWER);
    assert.equal(typeof res.model, "string");
    if (!wire) return;
    const reqs = server.chatRequests(wire);
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].stream, false);
    const sent = JSON.stringify(reqs[0].body);
    assert.ok(sent.includes("What is two plus two?"), "the user message reached the wire");
    assert.ok(sent.includes("You are terse."), "the system message reached the wire");
    for (const [k, v] of Object.entries(options.expectHeaders ?? {})) {
      assert.equal(reqs[0].headers[k], v);
    }
  });

  test("streaming tokens concatenate to the final text", async (server, p) => {
    const tokens: string[] = [];
    const res = await p.chat(CONTRACT_MESSAGES, { ...call, onToken: (t) => tokens.push(t) });
    assert.equal(res.text, CONTRACT_ANSWER);
    assert.equal(tokens.join(""), res.text);
    assert.ok(tokens.length > 1, `expected several tokens, got ${tokens.length}`);
    if (wire) {
      assert.equal(server.chatRequests(wire).at(-1)?.stream, true);
      assert.equal(tokens.length, chunkText(CONTRACT_ANSWER).length);
    }
  });

  test("an already aborted signal fails as aborted without a request", async (server, p) => {
    const ac = new AbortController();
    ac.abort();
    await expectProviderError(p.chat(CONTRACT_MESSAGES, { ...call, signal: ac.signal }), (e) => {
      assert.equal(e.kind, "aborted");
    });
    assert.equal(server.chatRequests().length, 0);
  });

  if (!wire) return;

  for (const stream of [false, true]) {
    const mode = stream ? "streamed" : "plain";
    const onToken = stream ? () => {} : undefined;

    test(`usage of a ${mode} call is what the server reported`, async (server, p) => {
      const res = await p.chat(CONTRACT_MESSAGES, { ...call, onToken });
      const reported = server.chatRequests(wire).at(-1)?.usage;
      assert.ok(reported && reported.inputTokens > 0 && reported.outputTokens > 0);
      assert.deepEqual(res.usage, reported);
    });

    test(`a ${mode} call is aborted mid-flight as aborted`, async (server, p) => {
      server.fault("hang");
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 50);
      try {
        await expectProviderError(
          p.chat(CONTRACT_MESSAGES, { ...call, onToken, signal: ac.signal }),
          (e) => {
            assert.equal(e.kind, "aborted");
          },
        );
      } finally {
        clearTimeout(timer);
      }
    });

    test(`a hung ${mode} call fails as timeout`, async (server, p) => {
      server.fault("hang");
      const started = performance.now();
      await expectProviderError(
        p.chat(CONTRACT_MESSAGES, { ...call, onToken, timeoutMs: 150 }),
        (e) => {
          assert.equal(e.kind, "timeout");
        },
      );
      assert.ok(performance.now() - started < 10_000, "the timeout ended the call");
    });

    test(`a malformed ${mode} body fails as bad_response`, async (server, p) => {
      server.fault("malformed");
      await expectProviderError(p.chat(CONTRACT_MESSAGES, { ...call, onToken }), (e) => {
        assert.equal(e.kind, "bad_response");
        assert.ok(e.retryable);
      });
    });

    test(`a truncated ${mode} response fails as a retryable ProviderError`, async (server, p) => {
      server.fault("truncate");
      await expectProviderError(p.chat(CONTRACT_MESSAGES, { ...call, onToken }), (e) => {
        assert.ok(e.retryable, `kind ${e.kind} should be retryable`);
      });
    });

    test(`a ${mode} 429 is retried after the Retry-After wait`, async (server, p) => {
      server.fault("rate_limit", { retryAfter: "2" });
      const waits: number[] = [];
      const r = withRetry(p, {
        sleep: (ms) => (waits.push(ms), Promise.resolve()),
        baseDelayMs: 1,
      });
      const res = await r.chat(CONTRACT_MESSAGES, { ...call, onToken });
      assert.equal(res.text, CONTRACT_ANSWER);
      assert.deepEqual(waits, [2000]);
      assert.equal(server.chatRequests(wire).length, 2);
      assert.equal(server.chatRequests(wire)[0].fault, "rate_limit");
    });

    test(`a ${mode} 500 is retried with backoff`, async (server, p) => {
      server.fault("server_error");
      const waits: number[] = [];
      const r = withRetry(p, {
        sleep: (ms) => (waits.push(ms), Promise.resolve()),
        baseDelayMs: 100,
        random: () => 0.5,
      });
      const res = await r.chat(CONTRACT_MESSAGES, { ...call, onToken });
      assert.equal(res.text, CONTRACT_ANSWER);
      assert.deepEqual(waits, [50]);
      assert.equal(server.chatRequests(wire).length, 2);
    });

    test(
      `${mode} hang, malformed and truncated faults are retried until an answer`,
      async (server, p) => {
        server.fault("hang");
        server.fault("malformed");
        server.fault("truncate");
        const errors: string[] = [];
        const r = withRetry(p, {
          sleep: () => Promise.resolve(),
          timeoutMs: 150,
          onRetry: (info) => errors.push(info.error.kind),
        });
        const res = await r.chat(CONTRACT_MESSAGES, { ...call, onToken });
        assert.equal(res.text, CONTRACT_ANSWER);
        assert.equal(server.chatRequests(wire).length, 4);
        assert.deepEqual(errors.slice(0, 2), ["timeout", "bad_response"]);
        assert.equal(errors.length, 3);
      },
    );
  }

  test(
    "a stream cut midway is retried: the restart drops its tokens, the answer streams whole",
    async (server, p) => {
      server.fault("truncate");
      const seen: string[] = [];
      const r = withRetry(p, { sleep: () => Promise.resolve() });
      const res = await r.chat(CONTRACT_MESSAGES, {
        ...call,
        onToken: (t) => seen.push(t),
        onStreamRestart: () => seen.push("<restart>"),
      });
      assert.equal(res.text, CONTRACT_ANSWER);
      const restart = seen.indexOf("<restart>");
      assert.ok(restart > 0, `the cut attempt streamed first: ${JSON.stringify(seen)}`);
      assert.equal(seen.lastIndexOf("<restart>"), restart, "one restart");
      assert.ok(CONTRACT_ANSWER.startsWith(seen.slice(0, restart).join("")));
      assert.equal(seen.slice(restart + 1).join(""), CONTRACT_ANSWER);
      assert.equal(server.chatRequests(wire).length, 2);
    },
  );

  test("a 500 that persists ends as a server error after maxAttempts", async (server, p) => {
    server.fault("server_error", { times: 10 });
    const r = withRetry(p, { sleep: () => Promise.resolve(), maxAttempts: 3 });
    const e = await expectProviderError(r.chat(CONTRACT_MESSAGES, call), (e) => {
      assert.equal(e.kind, "server");
      assert.equal(e.status, 500);
    });
    assert.ok(
      e.message.includes("internal server error (injected)"),
      "the provider's own message is kept",
    );
    assert.equal(server.chatRequests(wire).length, 3);
  });

  test("seed, temperature, max tokens and the JSON schema reach the wire", async (server, p) => {
    await p.chat(CONTRACT_MESSAGES, {
      ...call,
      temperature: 0.3,
      seed: 7,
      maxTokens: 64,
      jsonSchema: SCHEMA,
    });
    const body = server.chatRequests(wire).at(-1)?.body as Record<string, unknown>;
    assert.ok(body);
    if (wire === "ollama") {
      assert.deepEqual(body.options, { temperature: 0.3, seed: 7, num_predict: 64 });
      assert.deepEqual(body.format, SCHEMA);
    } else if (wire === "openai") {
      assert.equal(body.temperature, 0.3);
      assert.equal(body.seed, 7);
      assert.equal(body.max_tokens, 64);
      const format = body.response_format as {
        type: string;
        json_schema: { name: string; schema: unknown; strict: boolean };
      };
      assert.equal(format.type, "json_schema");
      assert.deepEqual(format.json_schema.schema, SCHEMA);
      assert.equal(typeof format.json_schema.name, "string");
      assert.equal(format.json_schema.strict, true);
    } else {
      assert.equal(body.temperature, 0.3);
      assert.equal(body.max_tokens, 64);
      assert.equal(body.seed, undefined, "the Messages API has no seed");
      assert.ok(
        String(body.system).includes(JSON.stringify(SCHEMA)),
        "the schema is in the system prompt",
      );
      assert.ok(String(body.system).startsWith("You are terse."), "the system message comes first");
    }
  });
}

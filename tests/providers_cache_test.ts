import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CacheEntrySchema,
  cacheKey,
  cachePath,
  cacheRequest,
  withCache,
} from "../lib/providers/cache.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import type { ChatResponse, Message } from "../lib/schemas/chat.ts";
import { startProtocolServer } from "./protocol_server.ts";

const SECRET = "sk-SECRET-do-not-store-4242";

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await allFiles(path));
    else out.push(path);
  }
  return out;
}

const calls: { messages: Message[]; seed?: number; stream?: boolean; schema?: boolean }[] = [
  { messages: [{ role: "user", content: "first question" }] },
  { messages: [{ role: "user", content: "first question" }], seed: 1 },
  {
    messages: [{ role: "system", content: "s" }, { role: "user", content: "second" }],
    stream: true,
  },
  { messages: [{ role: "user", content: "json please" }], schema: true, seed: 3 },
];

for (const spec of ["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest", "ollama:llama3.2"]) {
  Deno.test(`cache: ${spec.split(":")[0]} responses recorded against the server replay identically after it stops`, async () => {
    const dir = await Deno.makeTempDir();
    const server = startProtocolServer({
      apiKey: spec.startsWith("ollama") ? undefined : SECRET,
      handler: (input) => `answer ${input.messages.at(-1)?.content} #${server.requests.length}`,
    });
    const url = server.url;
    const base = spec.startsWith("openai") ? `${url}/v1` : url;
    const env = { OPENAI_API_KEY: SECRET, ANTHROPIC_API_KEY: SECRET };
    const recorded: ChatResponse[] = [];
    try {
      const rec = await createProvider(spec, {
        env,
        baseURL: base,
        cache: { dir, mode: "record" },
      });
      for (const c of calls) {
        recorded.push(
          await rec.chat(c.messages, {
            seed: c.seed,
            onToken: c.stream ? () => {} : undefined,
            jsonSchema: c.schema ? { type: "object" } : undefined,
          }),
        );
      }
      assert.equal(server.chatRequests().length, calls.length, "the seed makes a separate call");
    } finally {
      await server.close();
    }
    try {
      const replay = await createProvider(spec, {
        env,
        baseURL: base,
        cache: { dir, mode: "replay" },
      });
      for (const [i, c] of calls.entries()) {
        const tokens: string[] = [];
        const res = await replay.chat(c.messages, {
          seed: c.seed,
          onToken: c.stream ? (t) => tokens.push(t) : undefined,
          jsonSchema: c.schema ? { type: "object" } : undefined,
        });
        assert.deepEqual(res, { ...recorded[i], cached: true });
        if (c.stream) {
          assert.deepEqual(tokens, [recorded[i].text], "the cached text is streamed once");
        }
      }
      await assert.rejects(
        replay.chat([{ role: "user", content: "never asked" }], {
          role: "critic",
          itemId: "item-9",
        }),
        (e: unknown) => {
          assert.ok(e instanceof ProviderError);
          assert.equal(e.kind, "replay_miss");
          assert.match(e.message, /key [0-9a-f]{64}/);
          assert.ok(e.message.includes('role "critic"') && e.message.includes('item "item-9"'));
          return true;
        },
      );
      const files = await allFiles(dir);
      assert.equal(files.length, calls.length);
      for (const file of files) {
        const text = await Deno.readTextFile(file);
        assert.ok(!text.includes(SECRET), `${file} must not contain the API key`);
        const entry = CacheEntrySchema.parse(JSON.parse(text));
        assert.equal(file, cachePath(dir, entry.key));
        assert.equal(entry.key, cacheKey(entry.request));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("cache: auto mode calls once and then serves from the cache; errors are never cached", async () => {
  const dir = await Deno.makeTempDir();
  const server = startProtocolServer();
  try {
    const p = await createProvider("ollama:llama3.2", {
      baseURL: server.url,
      cache: { dir, mode: "auto" },
      retry: { maxAttempts: 1 },
    });
    const msgs = [{ role: "user" as const, content: "hello" }];
    server.fault("server_error");
    await assert.rejects(
      p.chat(msgs),
      (e: unknown) => e instanceof ProviderError && e.kind === "server",
    );
    assert.equal((await allFiles(dir)).length, 0, "the failure was not cached");
    const first = await p.chat(msgs);
    const second = await p.chat(msgs);
    assert.equal(first.cached, undefined);
    assert.equal(second.cached, true);
    assert.equal(second.text, first.text);
    assert.equal(server.chatRequests().length, 2);
    await p.chat(msgs, { temperature: 0.5 });
    assert.equal(server.chatRequests().length, 3, "a different temperature is a different key");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache: record mode always calls and overwrites; keys ignore transport fields", async () => {
  const dir = await Deno.makeTempDir();
  let n = 0;
  const inner = {
    name: "count",
    model: "m",
    chat: () =>
      Promise.resolve({ text: `v${++n}`, model: "m", usage: { inputTokens: 0, outputTokens: 0 } }),
  };
  try {
    const msgs = [{ role: "user" as const, content: "x" }];
    const rec = withCache(inner, { dir, mode: "record" });
    await rec.chat(msgs, { itemId: "a", timeoutMs: 5 });
    await rec.chat(msgs, { itemId: "b", role: "judge" });
    const replayed = await withCache(inner, { dir, mode: "replay" }).chat(msgs);
    assert.equal(replayed.text, "v2");
    assert.equal(n, 2);
    const a = cacheKey(cacheRequest({ name: "p", model: "m" }, msgs, { seed: 1 }));
    assert.equal(
      a,
      cacheKey(
        cacheRequest({ name: "p", model: "m" }, msgs, {
          seed: 1,
          itemId: "z",
          role: "r",
          timeoutMs: 9,
        }),
      ),
    );
    assert.notEqual(a, cacheKey(cacheRequest({ name: "p", model: "other" }, msgs, { seed: 1 })));
    assert.notEqual(a, cacheKey(cacheRequest({ name: "q", model: "m" }, msgs, { seed: 1 })));
    assert.notEqual(
      a,
      cacheKey(
        cacheRequest({ name: "p", model: "m" }, msgs, { seed: 1, jsonSchema: { type: "object" } }),
      ),
    );
    assert.throws(
      () => withCache(inner, { dir, mode: "bogus" as "auto" }),
      /mode must be .* got "bogus"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache: an unreadable cache file is a miss, not a crash", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const msgs = [{ role: "user" as const, content: "x" }];
    const inner = {
      name: "p",
      model: "m",
      chat: () =>
        Promise.resolve({ text: "fresh", model: "m", usage: { inputTokens: 0, outputTokens: 0 } }),
    };
    const path = cachePath(dir, cacheKey(cacheRequest({ name: "p", model: "m" }, msgs)));
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, "{torn");
    await assert.rejects(withCache(inner, { dir, mode: "replay" }).chat(msgs), /replay_miss/);
    assert.equal((await withCache(inner, { dir, mode: "auto" }).chat(msgs)).text, "fresh");
    assert.equal((await withCache(inner, { dir, mode: "replay" }).chat(msgs)).text, "fresh");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The embedded llama.cpp provider. Model-resolution, download, schema and status tests always run;
 * the engine tests need the opt-in engine (`deno run -A scripts/install_llamacpp.ts`) and the tiny
 * test model `../shared/models/stories260K.gguf`, and are ignored with a printed reason otherwise.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { ProviderError } from "../lib/providers/types.ts";
import { TraceSchema, VerdictSchema } from "../lib/schemas/trace.ts";
import type { Event } from "../lib/schemas/events.ts";
import { checkLlamaCpp, createLlamaCppProvider } from "../lib/providers/llamacpp.ts";
import {
  findLlamaCppEngine,
  LLAMACPP_ENGINE_MARKER,
  LLAMACPP_ENGINE_VERSION,
  loadLlamaCppEngine,
} from "../lib/providers/llamacpp_engine.ts";
import {
  locateGgufModel,
  parseHfModelSpec,
  resolveGgufModel,
} from "../lib/providers/llamacpp_model.ts";
import { toGbnfJsonSchema } from "../lib/providers/llamacpp_schema.ts";
import { defaultLlamaCppThreads } from "../lib/providers/llamacpp_threads.ts";
import { jsonSchemaFor } from "../lib/roles/structured.ts";
import { judgeVerdict } from "../lib/roles/judge.ts";
import { critiqueRevisionLoop } from "../lib/loop/critique_revision_loop.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";

const MODEL = fileURLToPath(new URL("../../shared/models/stories260K.gguf", import.meta.url));
const modelBytes = await Deno.readFile(MODEL).catch(() => undefined);
const engine = await findLlamaCppEngine();
const skipReason = !modelBytes
  ? `test model ${MODEL} is missing`
  : !engine.ok
  ? engine.reason
  : undefined;
if (skipReason) console.warn(`llamacpp_test: engine tests ignored: ${skipReason}`);
const engineTest = { ignore: skipReason !== undefined, sanitizeResources: true, sanitizeOps: true };

// The engine is loaded once per process, here rather than inside a test: importing node-llama-cpp
// registers process-wide exit-signal handlers (proper-lockfile → signal-exit) that live as long as
// the process, which the per-test op sanitizer would otherwise blame on whichever test came first.
let engineLoadError: unknown;
if (!skipReason) await loadLlamaCppEngine().catch((error) => (engineLoadError = error));

const NO_ENV = {} as Record<string, string>;

/** A local stand-in for huggingface.co: a redirect hop announcing a checksum, then the bytes. */
function startHub(announce: string | undefined) {
  let fileRequests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/tiny/stories/resolve/main/stories260K.gguf") {
      const headers = new Headers({ location: "/cdn/blob" });
      if (announce) headers.set("x-linked-etag", `"${announce}"`);
      return new Response(null, { status: 302, headers });
    }
    if (url.pathname === "/cdn/blob" && modelBytes) {
      fileRequests++;
      return new Response(modelBytes, {
        headers: { "content-length": String(modelBytes.length) },
      });
    }
    return new Response("not found", { status: 404 });
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    requests: () => fileRequests,
    close: () => server.shutdown(),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) out.push(...await listFiles(path));
      else out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

const modelSha = modelBytes ? createHash("sha256").update(modelBytes).digest("hex") : "";

Deno.test("creating the provider without any model fails early and lists the three ways to give one", () => {
  const error = assert.throws(
    () => createLlamaCppProvider({ env: NO_ENV, cacheDir: "/c" }),
    (e) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "not_found");
      assert.match(e.message, /path\/to\/model\.gguf/);
      assert.match(e.message, /hf:<user>\/<repo>\/<file>\.gguf/);
      assert.match(e.message, /AUTOCONSTITUTION_GGUF/);
      return true;
    },
  );
  void error;
});

Deno.test("a model path that does not exist fails early, naming the path", () => {
  assert.throws(
    () => createLlamaCppProvider({ model: "/nonexistent/dir/model.gguf", env: NO_ENV }),
    /\/nonexistent\/dir\/model\.gguf does not exist/,
  );
});

Deno.test("the default model comes from AUTOCONSTITUTION_GGUF", { ignore: !modelBytes }, () => {
  const provider = createLlamaCppProvider({ env: { AUTOCONSTITUTION_GGUF: MODEL } });
  assert.equal(provider.model, "stories260K.gguf");
  assert.equal(provider.threads, 1, "a 1.2 MB model gets one thread by default");
  const location = locateGgufModel(undefined, { env: { AUTOCONSTITUTION_GGUF: MODEL } });
  assert.equal(location?.from, "env");
  assert.equal(location?.path, MODEL);
});

Deno.test("bad numeric options are rejected early with the value in the message", () => {
  assert.throws(() => createLlamaCppProvider({ model: MODEL, threads: 0 }), /threads .* got 0/);
  assert.throws(() => createLlamaCppProvider({ model: MODEL, contextSize: 2.5 }), /got 2\.5/);
  assert.throws(() => createLlamaCppProvider({ model: MODEL, maxTokens: -1 }), /got -1/);
  assert.throws(() => createLlamaCppProvider({ model: MODEL, sha256: "abc" }), /got abc/);
});

Deno.test("hf: specs parse into user, repo, revision and file; malformed ones are rejected", () => {
  assert.deepEqual(parseHfModelSpec("hf:tiny/stories@v2/sub/dir/m.gguf"), {
    user: "tiny",
    repo: "stories",
    revision: "v2",
    file: "sub/dir/m.gguf",
  });
  for (const bad of ["hf:tiny", "hf:tiny/stories", "hf:tiny/stories/../x.gguf", "tiny/stories/x"]) {
    assert.throws(() => parseHfModelSpec(bad), TypeError, bad);
  }
  const location = locateGgufModel("hf:tiny/stories/stories260K.gguf", {
    cacheDir: "/cache",
    env: { HF_ENDPOINT: "http://127.0.0.1:9/" },
  });
  assert.equal(location?.url, "http://127.0.0.1:9/tiny/stories/resolve/main/stories260K.gguf");
  assert.equal(location?.path, "/cache/models/hf/tiny/stories/main/stories260K.gguf");
});

Deno.test("the grammar schema restricts the verdict score to values that all validate", () => {
  const converted = toGbnfJsonSchema(jsonSchemaFor(VerdictSchema)) as {
    $schema?: unknown;
    properties: { score: { enum: number[] }; verdict: { enum: string[] } };
  };
  assert.equal(converted.$schema, undefined);
  const scores = converted.properties.score.enum;
  assert.ok(scores.length > 2);
  for (const score of scores) {
    const parsed = VerdictSchema.safeParse({ verdict: "compliant", reasons: [], score });
    assert.ok(parsed.success, `score ${score} must validate`);
  }
  assert.deepEqual(converted.properties.verdict.enum, ["compliant", "needs_revision"]);
  assert.deepEqual(
    toGbnfJsonSchema({ anyOf: [{ type: "integer", minimum: 1, maximum: 3 }, { type: "null" }] }),
    { oneOf: [{ enum: [1, 2, 3] }, { type: "null" }] },
  );
  assert.throws(() => toGbnfJsonSchema({ allOf: [{}, {}] }), /allOf/);
});

Deno.test("default threads: one for tiny models, up to four physical cores otherwise", () => {
  assert.equal(defaultLlamaCppThreads(1_200_000, 8), 1);
  assert.equal(defaultLlamaCppThreads(500e6, 2), 2);
  assert.equal(defaultLlamaCppThreads(500e6, 64), 4);
  assert.throws(() => defaultLlamaCppThreads(-1), /got -1/);
});

Deno.test("checkLlamaCpp: unreachable without an engine, error when broken, no_model, then ready", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const engineDir = join(dir, "engine");
    const missing = await checkLlamaCpp({ engineDir, model: MODEL, env: NO_ENV });
    assert.equal(missing.status, "unreachable");
    assert.match(missing.reason, /scripts\/install_llamacpp\.ts/);

    await Deno.mkdir(engineDir, { recursive: true });
    await Deno.writeTextFile(join(engineDir, LLAMACPP_ENGINE_MARKER), "{not json");
    assert.equal((await checkLlamaCpp({ engineDir, model: MODEL, env: NO_ENV })).status, "error");

    // A fake but complete install: the check must not import anything, only look at files.
    const entry = "node_modules/node-llama-cpp/dist/index.js";
    await Deno.mkdir(join(engineDir, "node_modules/node-llama-cpp/dist"), { recursive: true });
    await Deno.mkdir(join(engineDir, "node_modules/@node-llama-cpp/linux-x64"), {
      recursive: true,
    });
    await Deno.writeTextFile(join(engineDir, entry), "throw new Error('must not be imported');\n");
    await Deno.writeTextFile(
      join(engineDir, LLAMACPP_ENGINE_MARKER),
      JSON.stringify({
        version: LLAMACPP_ENGINE_VERSION,
        platform: "linux-x64",
        entry,
        installedAt: new Date().toISOString(),
      }),
    );
    const noModel = await checkLlamaCpp({ engineDir, env: NO_ENV });
    assert.equal(noModel.status, "no_model");
    assert.match(noModel.reason, /AUTOCONSTITUTION_GGUF/);

    const notDownloaded = await checkLlamaCpp({
      engineDir,
      model: "hf:tiny/stories/stories260K.gguf",
      cacheDir: dir,
      env: NO_ENV,
    });
    assert.equal(notDownloaded.status, "no_model");
    assert.match(notDownloaded.reason, /not downloaded yet/);

    if (modelBytes) {
      const ready = await checkLlamaCpp({ engineDir, env: { AUTOCONSTITUTION_GGUF: MODEL } });
      assert.equal(ready.status, "ready", ready.reason);
      assert.equal(ready.model, "stories260K.gguf");
      assert.equal(ready.spec, `llamacpp:${MODEL}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an hf: model downloads once through a redirect, checked against the announced sha256", {
  ignore: !modelBytes,
}, async () => {
  const hub = startHub(modelSha);
  const cacheDir = await Deno.makeTempDir();
  try {
    const progress: number[] = [];
    const options = {
      cacheDir,
      env: { HF_ENDPOINT: hub.endpoint },
      onProgress: (p: { receivedBytes: number; totalBytes?: number }) => {
        assert.equal(p.totalBytes, modelBytes!.length);
        progress.push(p.receivedBytes);
      },
    };
    const first = await resolveGgufModel("hf:tiny/stories/stories260K.gguf", options);
    assert.equal(first.downloaded, true);
    assert.equal(first.sha256, modelSha);
    assert.deepEqual(await Deno.readFile(first.path), modelBytes);
    assert.ok(progress.length >= 2, "progress is reported during and at the end of the download");
    assert.equal(progress[progress.length - 1], modelBytes!.length);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b));

    const second = await resolveGgufModel("hf:tiny/stories/stories260K.gguf", options);
    assert.equal(second.downloaded, false);
    assert.equal(hub.requests(), 1, "a cached model is not downloaded again");
    const files = (await listFiles(cacheDir)).map((f) => f.slice(cacheDir.length));
    assert.deepEqual(files.sort(), [
      "/models/hf/tiny/stories/main/stories260K.gguf",
      "/models/hf/tiny/stories/main/stories260K.gguf.sha256",
    ]);
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("a checksum mismatch discards the download and leaves no model file", {
  ignore: !modelBytes,
}, async () => {
  const hub = startHub("0".repeat(64));
  const cacheDir = await Deno.makeTempDir();
  try {
    const spec = "hf:tiny/stories/stories260K.gguf";
    const options = { cacheDir, env: { HF_ENDPOINT: hub.endpoint } };
    await assert.rejects(resolveGgufModel(spec, options), (e) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "bad_response");
      assert.match(e.message, /sha256 mismatch/);
      assert.ok(e.message.includes(modelSha), "the message shows the actual checksum");
      return true;
    });
    assert.deepEqual(await listFiles(cacheDir), [], "no partial or corrupt file is left behind");

    // An explicit expected checksum wins over the server's (wrong) announcement.
    const ok = await resolveGgufModel(spec, { ...options, sha256: modelSha });
    assert.equal(ok.sha256, modelSha);
    // ...and a wrong explicit one is rejected even when the server announces nothing.
    const quiet = startHub(undefined);
    try {
      const other = await Deno.makeTempDir();
      await assert.rejects(
        resolveGgufModel(spec, {
          cacheDir: other,
          env: { HF_ENDPOINT: quiet.endpoint },
          sha256: "f".repeat(64),
        }),
        /expected f{64}/,
      );
      assert.deepEqual(await listFiles(other), []);
      await Deno.remove(other, { recursive: true });
    } finally {
      await quiet.close();
    }
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("without network an hf: model fails with a connection error listing the three options", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const cacheDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      resolveGgufModel("hf:tiny/stories/stories260K.gguf", {
        cacheDir,
        env: { HF_ENDPOINT: `http://127.0.0.1:${port}` },
      }),
      (e) => {
        assert.ok(e instanceof ProviderError);
        assert.equal(e.kind, "connection");
        assert.match(e.message, /without network/);
        assert.match(e.message, /AUTOCONSTITUTION_GGUF/);
        return true;
      },
    );
    assert.deepEqual(await listFiles(cacheDir), []);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

// ---------------------------------------------------------------- engine tests (opt-in engine)

const story = [{ role: "user" as const, content: "Tell me a story about a cat." }];

Deno.test(
  "the installed engine imports from its file: URL and getLlama() succeeds",
  engineTest,
  () => {
    assert.equal(engineLoadError, undefined, String(engineLoadError));
  },
);

Deno.test(
  "loads the model in-process and generates text with token usage",
  engineTest,
  async () => {
    const events: Event[] = [];
    await using provider = createLlamaCppProvider({ model: MODEL, onEvent: (e) => events.push(e) });
    const info = await provider.load();
    assert.equal(info.model, "stories260K.gguf");
    assert.equal(info.threads, 1);
    assert.equal(info.engineVersion, LLAMACPP_ENGINE_VERSION);
    assert.ok(info.contextSize > 0 && info.contextSize <= info.trainContextSize);
    assert.ok(info.chatWrapper.length > 0);
    assert.ok(
      events.some((e) => e.type === "log" && /loaded stories260K\.gguf \(1 thread/.test(e.message)),
    );

    const response = await provider.chat(story, { maxTokens: 40, temperature: 0.8, seed: 7 });
    assert.ok(response.text.trim().length > 0);
    assert.equal(response.model, "stories260K.gguf");
    assert.ok(response.usage.inputTokens > 5, `input tokens ${response.usage.inputTokens}`);
    assert.ok(response.usage.outputTokens > 0 && response.usage.outputTokens <= 40);
    assert.ok(["stop", "length"].includes(response.finishReason ?? ""));
  },
);

Deno.test("streamed tokens concatenate to the returned text", engineTest, async () => {
  await using provider = createLlamaCppProvider({ model: MODEL });
  const deltas: string[] = [];
  const response = await provider.chat(story, {
    maxTokens: 60,
    temperature: 0.9,
    seed: 3,
    onToken: (delta) => deltas.push(delta),
  });
  assert.ok(deltas.length > 3, `only ${deltas.length} deltas`);
  assert.equal(deltas.join(""), response.text);
});

Deno.test("the same seed gives the same text; maxTokens caps the output", engineTest, async () => {
  await using provider = createLlamaCppProvider({ model: MODEL });
  const a = await provider.chat(story, { maxTokens: 30, temperature: 1, seed: 11 });
  const b = await provider.chat(story, { maxTokens: 30, temperature: 1, seed: 11 });
  assert.equal(a.text, b.text);
  const capped = await provider.chat(story, { maxTokens: 5, temperature: 1, seed: 11 });
  assert.ok(capped.usage.outputTokens <= 5);
  if (capped.usage.outputTokens === 5) assert.equal(capped.finishReason, "length");
});

Deno.test(
  "a JSON-schema request gives a judge verdict that parses with VerdictSchema",
  engineTest,
  async () => {
    await using provider = createLlamaCppProvider({ model: MODEL });
    const constitution = parseConstitution("## Be kind {#kind}\n\nStories must be kind.\n");
    for (const seed of [1, 2, 3]) {
      const raw = await provider.chat([
        { role: "system", content: "You are a judge. Answer in JSON." },
        { role: "user", content: "Is this story kind? Once upon a time a cat shared its toy." },
      ], { jsonSchema: jsonSchemaFor(VerdictSchema), temperature: 0.8, seed, maxTokens: 400 });
      const parsed = VerdictSchema.safeParse(JSON.parse(raw.text));
      assert.ok(parsed.success, `seed ${seed}: ${raw.text}`);

      const verdict = await judgeVerdict(provider, {
        prompt: "Tell a kind story.",
        answer: "A cat shared its toy.",
        constitution,
      }, { seed, temperature: 0.8, maxTokens: 400 });
      assert.ok(verdict.ok, verdict.ok ? "" : verdict.error);
    }
  },
);

Deno.test("one critique–revision loop round runs through the local model", engineTest, async () => {
  await using provider = createLlamaCppProvider({ model: MODEL });
  const constitution = parseConstitution("## Be kind {#kind}\n\nStories must be kind.\n");
  const events: Event[] = [];
  const trace = await critiqueRevisionLoop(
    { id: "dog-story", prompt: "Tell a short story about a dog." },
    {
      provider,
      constitution,
      maxRounds: 1,
      stopWhenPassed: false,
      seed: 5,
      stream: true,
      roleParams: {
        student: { temperature: 0.7, maxTokens: 80 },
        critic: { temperature: 0.7, maxTokens: 400 },
        judge: { temperature: 0.7, maxTokens: 300 },
      },
      onEvent: (e) => events.push(e),
    },
  );
  assert.ok(TraceSchema.safeParse(trace).success);
  assert.equal(trace.error, undefined, trace.error);
  assert.ok(trace.calls.length >= 3, `only ${trace.calls.length} calls`);
  assert.ok(trace.calls.every((c) => c.provider === "llamacpp" && c.error === undefined));
  assert.ok(
    trace.calls.some((c) => c.role === "critic") && trace.calls.some((c) => c.role === "judge"),
  );
  assert.equal(trace.parseFailures, 0, "grammar-constrained critic and judge output always parses");
  assert.ok(trace.usage.inputTokens > 0 && trace.usage.outputTokens > 0);
  assert.ok(trace.candidates[0].verdict, "the initial answer was judged");
  assert.ok(events.some((e) => e.type === "token"), "tokens were streamed as events");
});

Deno.test(
  "an abort mid-generation rejects as aborted and the provider keeps working",
  engineTest,
  async () => {
    await using provider = createLlamaCppProvider({ model: MODEL });
    const controller = new AbortController();
    let tokens = 0;
    await assert.rejects(
      provider.chat(story, {
        maxTokens: 400,
        temperature: 1,
        seed: 1,
        signal: controller.signal,
        onToken: () => {
          if (++tokens === 3) controller.abort();
        },
      }),
      (e) => e instanceof ProviderError && e.kind === "aborted",
    );
    assert.ok(tokens >= 3 && tokens < 400);
    const after = await provider.chat(story, { maxTokens: 10, seed: 2, temperature: 0.5 });
    assert.ok(after.text.length > 0);
  },
);

Deno.test("the per-call timeout bounds generation, not loading", engineTest, async () => {
  await using provider = createLlamaCppProvider({ model: MODEL });
  // A 1 ms timeout cannot cover loading the model; it is only applied once generation starts.
  await assert.rejects(
    provider.chat(story, { maxTokens: 400, temperature: 1, seed: 4, timeoutMs: 1 }),
    (e) => e instanceof ProviderError && e.kind === "timeout",
  );
  assert.ok(provider.info(), "the model was loaded despite the 1 ms timeout");
  await assert.rejects(provider.chat(story, { timeoutMs: 0 }), /timeoutMs must be a positive/);
});

Deno.test(
  "a prompt that does not fit in the context is rejected as bad_request",
  engineTest,
  async () => {
    await using provider = createLlamaCppProvider({ model: MODEL, contextSize: 64 });
    await assert.rejects(
      provider.chat([{ role: "user", content: "once upon a time ".repeat(100) }]),
      (e) =>
        e instanceof ProviderError && e.kind === "bad_request" && /context holds/.test(e.message),
    );
  },
);

Deno.test(
  "dispose aborts a generation in flight, frees the model, and later calls reject",
  engineTest,
  async () => {
    const provider = createLlamaCppProvider({ model: MODEL });
    assert.equal((await provider.load()).model, "stories260K.gguf");
    let firstToken!: () => void;
    const generating = new Promise<void>((resolve) => (firstToken = resolve));
    const pending = provider.chat(story, {
      maxTokens: 400,
      temperature: 1,
      seed: 9,
      onToken: () => firstToken(),
    });
    await generating;
    await provider.dispose();
    const outcome = await pending.then(() => "resolved", (e) => e);
    assert.ok(outcome instanceof ProviderError && outcome.kind === "aborted", String(outcome));
    assert.equal(provider.info(), undefined);
    await assert.rejects(provider.chat(story), /disposed/);
    await provider.dispose(); // idempotent

    // A call queued behind nothing but disposed before it starts is aborted, not left hanging.
    const other = createLlamaCppProvider({ model: MODEL });
    const queued = other.chat(story, { maxTokens: 10 });
    await other.dispose();
    await assert.rejects(queued, (e) => e instanceof ProviderError && e.kind === "aborted");
  },
);

Deno.test("an hf: model is downloaded from a local hub, then served by the provider", {
  ...engineTest,
}, async () => {
  const hub = startHub(modelSha);
  const cacheDir = await Deno.makeTempDir();
  try {
    const progress: number[] = [];
    await using provider = createLlamaCppProvider({
      model: "hf:tiny/stories/stories260K.gguf",
      cacheDir,
      env: { HF_ENDPOINT: hub.endpoint },
      onProgress: (p) => progress.push(p.receivedBytes),
    });
    assert.equal(provider.threads, undefined, "unknown until the file is there");
    const response = await provider.chat(story, { maxTokens: 10, seed: 1, temperature: 0.5 });
    assert.equal(response.model, "hf:tiny/stories/stories260K.gguf");
    assert.equal(provider.threads, 1);
    assert.equal(progress[progress.length - 1], modelBytes!.length);
    assert.equal(hub.requests(), 1);
  } finally {
    await hub.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

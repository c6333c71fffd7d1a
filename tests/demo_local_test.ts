/**
 * `deno task demo --local` and what it stands on: the hub client (metadata, lock file, resumable
 * verified downloads) against a local hub double serving the 260K test model, the context plan, and
 * the demo itself as a subprocess. Tests that need ../shared skip with a reason when it is absent; the
 * live demo also needs the opt-in engine (`deno task install:llamacpp`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ProviderError } from "../lib/providers/types.ts";
import {
  ensureHfModel,
  fetchHfFileMetadata,
  modelLockKey,
  readModelLock,
} from "../lib/providers/hf_hub.ts";
import { downloadWithChecksum } from "../lib/providers/llamacpp_download.ts";
import { planForContext } from "../lib/providers/context_plan.ts";
import { DEFAULT_GGUF_MODEL, defaultGgufSpec } from "../lib/providers/default_model.ts";
import { findLlamaCppEngine, llamaCppEngineDir } from "../lib/providers/llamacpp_engine.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { sha256Hex, startHubDouble } from "./hf_hub_double.ts";
import { CAI, cai, cleanEnv, ROOT } from "./testdata/cli/cli_helpers.ts";

const MODEL = fileURLToPath(new URL("../../shared/models/stories260K.gguf", import.meta.url));
const modelBytes = await Deno.readFile(MODEL).catch(() => undefined);
const noShared = modelBytes
  ? ""
  : ` [SKIPPED: ${MODEL} is absent (../shared is not part of a user's clone)]`;
const engine = await findLlamaCppEngine();
const liveSkip = !modelBytes
  ? noShared
  : !engine.ok
  ? ` [SKIPPED: the llama.cpp engine is not installed (deno task install:llamacpp): ${engine.reason}]`
  : "";
const SHA = modelBytes ? sha256Hex(modelBytes) : "";
const REPO = "tiny/stories";
const FILE = "stories260K.gguf";
const SPEC = `hf:${REPO}@main/${FILE}`;
/** A hub address nothing answers on. */
const hubless = "http://127.0.0.1:9";
const files = () => [{ repo: REPO, file: FILE, bytes: modelBytes! }];

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "demo_local_test_" });
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await listFiles(path, root));
    else out.push(path.slice(root.length));
  }
  return out.sort();
}

Deno.test("planForContext: the 260K model's 2,048 tokens hold a high-severity subset, 4,096 and up hold all ten", async () => {
  const constitution = await loadConstitution([]);
  const small = planForContext(2048, constitution.principles);
  assert.ok(small.principleIds.length >= 1 && small.principleIds.length < 10, small.note);
  assert.ok(small.principleIds.includes("correctness"));
  assert.deepEqual(
    [...small.principleIds, ...small.droppedIds].sort(),
    constitution.principles.map((p) => p.id).sort(),
  );
  assert.ok(small.fits && small.estimatedTokens <= 2048);
  assert.ok(small.maxRounds <= 2 && small.maxTokens.student <= 256);
  assert.match(small.note, /do not all fit; using \d/);
  for (const size of [4096, 8192, 32768]) {
    const big = planForContext(size, constitution.principles);
    assert.deepEqual(big.droppedIds, [], `context ${size}`);
    assert.equal(big.maxRounds, 3);
  }
  // Every size from tiny to large: never more than the context (or says it may overflow), never empty.
  for (let size = 256; size <= 16384; size += 128) {
    const plan = planForContext(size, constitution.principles);
    assert.ok(plan.principleIds.length >= 1);
    assert.ok(
      plan.estimatedTokens <= size || (!plan.fits && /may overflow/.test(plan.note)),
      `${size}`,
    );
  }
  assert.throws(() => planForContext(100, constitution.principles), RangeError);
  assert.throws(() => planForContext(2048, []), RangeError);
});

Deno.test("the default model is named by repo, file and revision in one place, with a permissive licence", () => {
  assert.match(DEFAULT_GGUF_MODEL.file, /\.gguf$/);
  assert.equal(DEFAULT_GGUF_MODEL.licence, "Apache-2.0");
  assert.equal(
    defaultGgufSpec(),
    `hf:${DEFAULT_GGUF_MODEL.repo}@${DEFAULT_GGUF_MODEL.revision}/${DEFAULT_GGUF_MODEL.file}`,
  );
  assert.equal(modelLockKey(defaultGgufSpec()), defaultGgufSpec());
});

Deno.test(
  "hub metadata: size, sha256 and commit from the API, or from the resolve headers when the API is absent" +
    noShared,
  {
    ignore: !modelBytes,
  },
  async () => {
    for (const noApi of [false, true]) {
      const hub = startHubDouble({ files: files(), noApi, token: "secret" });
      try {
        const meta = await fetchHfFileMetadata(SPEC, {
          env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN: "secret" },
        });
        assert.equal(meta.size, modelBytes!.length);
        assert.equal(meta.sha256, SHA);
        assert.match(meta.commit ?? "", /^c0ffee/);
        assert.equal(meta.source, noApi ? "resolve" : "api");
        assert.ok(
          hub.requests.every((r) => r.authorization === "Bearer secret"),
          "HF_TOKEN is sent",
        );
        const refused = await fetchHfFileMetadata(SPEC, { env: { HF_ENDPOINT: hub.endpoint } })
          .catch((e) => e);
        assert.equal(refused.kind, "auth");
      } finally {
        await hub.close();
      }
    }
  },
);

Deno.test(
  "ensureHfModel downloads once with progress, verifies, pins size, sha256 and commit in the lock, and a second call touches no network" +
    noShared,
  {
    ignore: !modelBytes,
  },
  async () => {
    const dir = await tempDir();
    const hub = startHubDouble({ files: files(), chunkBytes: 128 * 1024 });
    const lockPath = join(dir, "models.lock.json");
    try {
      const progress: number[] = [];
      const first = await ensureHfModel(`hf:${REPO}/${FILE}`, {
        cacheDir: join(dir, "cache"),
        lockPath,
        env: { HF_ENDPOINT: hub.endpoint },
        onProgress: (p) => progress.push(p.receivedBytes),
      });
      assert.equal(first.downloaded, true);
      assert.equal(first.sha256, SHA);
      assert.equal(first.pinned, true);
      assert.deepEqual(await Deno.readFile(first.path), modelBytes);
      assert.ok(progress.length >= 2 && progress.at(-1) === modelBytes!.length, String(progress));
      const lock = await readModelLock(lockPath);
      assert.deepEqual(Object.keys(lock.models), [SPEC]);
      assert.equal(lock.models[SPEC].size, modelBytes!.length);
      assert.equal(lock.models[SPEC].sha256, SHA);
      assert.match(lock.models[SPEC].commit ?? "", /^c0ffee/);
      // The download asked for the commit the revision resolved to.
      assert.ok(
        hub.requests.some((r) => r.path.includes(`/resolve/c0ffee`)),
        JSON.stringify(hub.requests),
      );
      assert.deepEqual(await listFiles(join(dir, "cache")), [
        `/models/hf/${REPO}/main/${FILE}`,
        `/models/hf/${REPO}/main/${FILE}.lock`,
        `/models/hf/${REPO}/main/${FILE}.sha256`,
      ]);
      await hub.close();
      const second = await ensureHfModel(SPEC, {
        cacheDir: join(dir, "cache"),
        lockPath,
        env: { HF_ENDPOINT: "http://127.0.0.1:9" },
      });
      assert.equal(second.downloaded, false);
      assert.equal(second.sha256, SHA);
    } finally {
      await hub.close().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "a cut transfer resumes with a Range request: automatically, and across runs from the .part file" +
    noShared,
  {
    ignore: !modelBytes,
  },
  async () => {
    const dir = await tempDir();
    const hub = startHubDouble({ files: files(), cuts: 2, cutAfter: 400_000 });
    try {
      const env = { HF_ENDPOINT: hub.endpoint };
      const cacheDir = join(dir, "cache");
      // No automatic retries: the first run fails, keeping what it got.
      const cut = await ensureHfModel(SPEC, { cacheDir, env, retries: 0 }).catch((e) => e);
      assert.ok(cut instanceof ProviderError && cut.kind === "connection", String(cut));
      assert.match(cut.message, /run again to resume/);
      const part = join(cacheDir, "models/hf", REPO, "main", `${FILE}.part`);
      const kept = (await Deno.stat(part)).size;
      assert.ok(kept > 0 && kept <= 400_000, `kept ${kept}`);
      // The next run asks for the rest; that transfer is cut too and resumed automatically.
      const got = await ensureHfModel(SPEC, { cacheDir, env, retries: 3, retryDelayMs: 10 });
      assert.equal(got.sha256, SHA);
      assert.equal(got.resumedBytes, kept);
      assert.deepEqual(await Deno.readFile(got.path), modelBytes);
      const ranges = hub.requests.filter((r) => r.path.startsWith("/cdn/")).map((r) => r.range);
      assert.equal(ranges[0], undefined);
      assert.equal(ranges[1], `bytes=${kept}-`);
      assert.equal(ranges.length, 3, JSON.stringify(ranges));
      assert.ok(ranges[2]?.startsWith("bytes="));
      await assert.rejects(Deno.stat(part), Deno.errors.NotFound);
    } finally {
      await hub.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "a wrong checksum discards the download, leaves no file and pins nothing; a lock that disagrees with the hub stops the download" +
    noShared,
  {
    ignore: !modelBytes,
  },
  async () => {
    const dir = await tempDir();
    const bad = startHubDouble({ files: files(), announceSha256: "0".repeat(64) });
    const good = startHubDouble({ files: files() });
    try {
      const cacheDir = join(dir, "cache");
      const lockPath = join(dir, "models.lock.json");
      const e = await ensureHfModel(SPEC, {
        cacheDir,
        lockPath,
        env: { HF_ENDPOINT: bad.endpoint },
      })
        .catch((e) => e);
      assert.ok(e instanceof ProviderError && e.kind === "bad_response", String(e));
      assert.match(e.message, /sha256 mismatch.*discarded/);
      assert.deepEqual(
        (await listFiles(dir)).filter((f) => !f.endsWith(".lock")),
        [],
        "no model, no .part, no lock entry",
      );

      // A lock pinning another checksum: the hub's file no longer matches; nothing is fetched.
      await Deno.writeTextFile(
        lockPath,
        JSON.stringify({
          version: 1,
          models: {
            [SPEC]: { size: modelBytes!.length, sha256: "f".repeat(64), lockedAt: "then" },
          },
        }),
      );
      const stale = await ensureHfModel(SPEC, {
        cacheDir,
        lockPath,
        env: { HF_ENDPOINT: good.endpoint },
      })
        .catch((e) => e);
      assert.ok(stale instanceof ProviderError && stale.kind === "bad_response");
      assert.match(stale.message, /pins .* nothing was downloaded/);
      assert.equal(good.transfers(), 0);

      // A cached file that does not match its lock entry is discarded and fetched again.
      await Deno.remove(lockPath);
      const ok = await ensureHfModel(SPEC, {
        cacheDir,
        lockPath,
        env: { HF_ENDPOINT: good.endpoint },
      });
      await Deno.writeFile(ok.path, new Uint8Array([1, 2, 3]));
      await Deno.writeTextFile(`${ok.path}.sha256`, "e".repeat(64) + "\n");
      const again = await ensureHfModel(SPEC, {
        cacheDir,
        lockPath,
        env: { HF_ENDPOINT: good.endpoint },
      });
      assert.equal(again.downloaded, true);
      assert.deepEqual(await Deno.readFile(again.path), modelBytes);
    } finally {
      await bad.close();
      await good.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("downloadWithChecksum sends Authorization to the first origin only", async () => {
  const seen: (string | null)[] = [];
  const cdn = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers.get("authorization"));
    return new Response("data");
  });
  const hub = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers.get("authorization"));
    return new Response(null, {
      status: 302,
      headers: { location: `http://localhost:${cdn.addr.port}/blob` },
    });
  });
  const dir = await tempDir();
  try {
    const r = await downloadWithChecksum(`http://127.0.0.1:${hub.addr.port}/f`, join(dir, "f"), {
      headers: { authorization: "Bearer t" },
    });
    assert.equal(r.bytes, 4);
    assert.deepEqual(seen, ["Bearer t", null]);
  } finally {
    await hub.shutdown();
    await cdn.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

function events(stdout: string): Event[] {
  return stdout.split("\n").filter((l) => l !== "").map((line) => {
    const parsed = EventSchema.safeParse(JSON.parse(line));
    assert.ok(parsed.success, `not an event: ${line}`);
    return parsed.data;
  });
}

Deno.test(
  "deno task demo --local downloads the model from the hub (progress, verified, resumed after a cut), runs the live loop fitted to its context, and a second run downloads nothing" +
    liveSkip,
  {
    ignore: liveSkip !== "",
  },
  async () => {
    const dir = await tempDir();
    const hub = startHubDouble({ files: files(), cuts: 1, chunkBytes: 128 * 1024 });
    const env = {
      HF_ENDPOINT: hub.endpoint,
      AUTOCONSTITUTION_GGUF: SPEC,
      AUTOCONSTITUTION_CACHE: join(dir, "cache"),
      AUTOCONSTITUTION_LLAMACPP_DIR: llamaCppEngineDir(),
      AUTOCONSTITUTION_MODELS_LOCK: join(dir, "models.lock.json"),
    };
    try {
      const r = await cai(["demo", "--local", "--threads", "1", "--ui", "json"], { env });
      assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
      const stream = events(r.stdout);
      const downloads = stream.filter((e) =>
        e.type === "progress" && e.label?.startsWith("download")
      );
      assert.ok(downloads.length >= 2, "download progress is streamed as events");
      const last = downloads.at(-1)!;
      assert.ok(
        last.type === "progress" && last.done === modelBytes!.length && last.total === last.done,
      );
      const logs = stream.flatMap((e) => (e.type === "log" ? [e.message] : []));
      assert.ok(
        logs.some((m) => /downloaded .*sha256 [0-9a-f]{64} verified.*pinned/.test(m)),
        logs.join("\n"),
      );
      assert.ok(
        logs.some((m) =>
          /fitting the demo to the model: context 2048 tokens: the 10 principles do not all fit/
            .test(
              m,
            )
        ),
      );
      const ranges = hub.requests.filter((q) => q.path.startsWith("/cdn/")).map((q) => q.range);
      assert.equal(ranges.length, 2, "the cut transfer was resumed");
      assert.match(ranges[1] ?? "", /^bytes=\d+-$/);
      const roles = new Set(stream.flatMap((e) => (e.type === "role_end" ? [e.role] : [])));
      assert.ok(
        roles.has("student") && roles.has("critic") && roles.has("judge"),
        [...roles].join(),
      );
      const report = stream.at(-1);
      assert.ok(report?.type === "log", JSON.stringify(report));
      assert.match(
        report.message,
        /^demo with llamacpp:hf:tiny\/stories@main\/stories260K\.gguf: \d round\(s\)/,
      );
      assert.match(report.message, /tokens\/s/);
      assert.ok(!r.stdout.includes("SIMULATED"), "a live run is not labelled SIMULATED");
      const lock = JSON.parse(await Deno.readTextFile(env.AUTOCONSTITUTION_MODELS_LOCK));
      assert.equal(lock.models[SPEC].sha256, SHA);

      const transfers = hub.transfers();
      const again = await cai(["demo", "--local", "--threads", "1", "--ui", "plain"], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(hub.transfers(), transfers, "the second run downloads nothing");
      assert.match(again.stdout, /is already downloaded/);
      assert.match(again.stdout, /^demo with llamacpp:/m);
    } finally {
      await hub.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("deno task demo --local with no network and no model says why and runs today's offline demo, exit 0", async () => {
  const dir = await tempDir();
  try {
    const r = await cai(["demo", "--local", "--ui", "plain"], {
      env: {
        HF_ENDPOINT: "http://127.0.0.1:9",
        AUTOCONSTITUTION_CACHE: join(dir, "cache"),
        AUTOCONSTITUTION_LLAMACPP_DIR: engine.ok ? llamaCppEngineDir() : join(dir, "no-engine"),
        AUTOCONSTITUTION_MODELS_LOCK: join(dir, "models.lock.json"),
        // No engine here means the installer would run: keep it from reaching npm.
        npm_config_registry: "http://127.0.0.1:9/",
        npm_config_fetch_retries: "0",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /The local model cannot run: /);
    if (engine.ok) assert.match(r.stdout, /without network/);
    assert.match(r.stdout, /Running the offline demo instead \(SIMULATED\)/);
    assert.match(r.stdout, /^# Benchmark offline-demo — SIMULATED/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a provider, a non-interactive demo does not download anything and prints the one command", async () => {
  const r = await cai(["demo", "--ui", "plain"], { env: { HF_ENDPOINT: "http://127.0.0.1:9" } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deno task demo --local/);
  assert.ok(!r.stdout.includes("downloading"));
  assert.match(r.stdout, /SIMULATED/);
});

Deno.test(
  "two downloads of the same file at once make one transfer; a file put in the cache by hand is kept once it matches the hub" +
    noShared,
  {
    ignore: !modelBytes,
  },
  async () => {
    const dir = await tempDir();
    const hub = startHubDouble({ files: files(), chunkBytes: 64 * 1024 });
    try {
      const options = { cacheDir: join(dir, "cache"), env: { HF_ENDPOINT: hub.endpoint } };
      const [a, b] = await Promise.all([
        ensureHfModel(SPEC, options),
        ensureHfModel(SPEC, options),
      ]);
      assert.equal(a.sha256, SHA);
      assert.equal(b.sha256, SHA);
      assert.equal([a, b].filter((r) => r.downloaded).length, 1);
      assert.equal(hub.transfers(), 1);

      // By hand: the file without its checksum record is checked against the hub, not re-downloaded.
      const other = join(dir, "other");
      const target = join(other, "models/hf", REPO, "main", FILE);
      await Deno.mkdir(join(target, ".."), { recursive: true });
      await Deno.copyFile(MODEL, target);
      const lockPath = join(dir, "models.lock.json");
      const kept = await ensureHfModel(SPEC, { cacheDir: other, lockPath, env: options.env });
      assert.equal(kept.downloaded, false);
      assert.equal(kept.pinned, true);
      assert.equal(hub.transfers(), 1);
    } finally {
      await hub.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

const scriptBin = await new Deno.Command("script", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

Deno.test(
  "on a terminal with no provider, the demo asks before any download; no means today's offline demo" +
    (scriptBin ? "" : " [SKIPPED: util-linux `script` (a pseudo-terminal) is not installed]"),
  {
    ignore: !scriptBin,
  },
  async () => {
    const dir = await tempDir();
    try {
      const command = [Deno.execPath(), "run", "-A", CAI, "demo", "--ui", "plain"]
        .map((a) => `'${a}'`).join(" ");
      const child = new Deno.Command("script", {
        args: ["-qec", command, "/dev/null"],
        cwd: ROOT,
        env: cleanEnv({
          HF_ENDPOINT: hubless,
          AUTOCONSTITUTION_CACHE: join(dir, "cache"),
          AUTOCONSTITUTION_MODELS_LOCK: join(dir, "models.lock.json"),
          TERM: "dumb",
        }),
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("n\n"));
      await writer.close();
      const out = await child.output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, text.slice(-2000));
      assert.match(text, /Run the demo on a real local model instead\?.*\[y\/N\]/s);
      assert.match(text, /Qwen\/Qwen2\.5-Coder-1\.5B-Instruct-GGUF/);
      assert.ok(!text.includes("downloading once"), "nothing is downloaded without a yes");
      assert.match(text, /SIMULATED/);
      await assert.rejects(Deno.stat(join(dir, "cache")), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

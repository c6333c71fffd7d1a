/**
 * The committed lockfile of the opt-in llama.cpp engine pins what `install_llamacpp.ts` installs.
 */
import assert from "node:assert/strict";
import { LLAMACPP_ENGINE_VERSION } from "../lib/providers/llamacpp_engine.ts";

const dir = new URL("../scripts/llamacpp/linux-x64/", import.meta.url);

interface LockPackage {
  version?: string;
  integrity?: string;
  optional?: boolean;
  dev?: boolean;
  dependencies?: Record<string, string>;
}

Deno.test("the linux-x64 engine lockfile pins the engine version and every package's integrity", async () => {
  const manifest = JSON.parse(await Deno.readTextFile(new URL("package.json", dir)));
  const lock = JSON.parse(await Deno.readTextFile(new URL("package-lock.json", dir))) as {
    lockfileVersion: number;
    packages: Record<string, LockPackage>;
  };
  assert.equal(lock.lockfileVersion, 3);
  assert.deepEqual(
    lock.packages[""].dependencies,
    manifest.dependencies,
    "lock matches package.json",
  );
  assert.equal(manifest.dependencies["node-llama-cpp"], LLAMACPP_ENGINE_VERSION);
  assert.equal(manifest.dependencies["@node-llama-cpp/linux-x64"], LLAMACPP_ENGINE_VERSION);
  assert.equal(lock.packages["node_modules/node-llama-cpp"].version, LLAMACPP_ENGINE_VERSION);
  const installed = Object.entries(lock.packages).filter(([path, p]) =>
    path !== "" && !p.optional && !p.dev
  );
  assert.ok(installed.length > 50, `only ${installed.length} packages`);
  for (const [path, p] of installed) {
    assert.match(p.version ?? "", /^\d+\.\d+\.\d+/, `${path} has an exact version`);
    assert.match(p.integrity ?? "", /^sha512-/, `${path} has an integrity hash`);
  }
  // The other platforms' and GPU builds stay optional: `npm ci --omit=optional` skips them.
  const gpu = Object.entries(lock.packages).filter(([path]) => /cuda|vulkan/.test(path));
  assert.ok(gpu.length > 0 && gpu.every(([, p]) => p.optional), "GPU builds are optional");
});

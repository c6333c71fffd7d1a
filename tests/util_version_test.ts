import assert from "node:assert/strict";
import { LIBRARY_VERSION } from "../lib/util/version.ts";

Deno.test("LIBRARY_VERSION equals the version in deno.json", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(LIBRARY_VERSION, denoJson.version);
});

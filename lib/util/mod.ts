/**
 * Small shared utilities: canonical hashing, crash-safe writes, strict JSONL reading with
 * file/line/field errors, and a seeded random generator.
 *
 * @module
 */
export { sha256Hex, stableStringify } from "./hash.ts";
export { appendJsonLine, writeJsonAtomic, writeTextAtomic } from "./atomic.ts";
export {
  InputError,
  parseJsonl,
  type ParseJsonlOptions,
  readJsonInput,
  readJsonl,
  readTextIfExists,
  readTextInput,
} from "./jsonl.ts";
export { createRng, type Rng } from "./prng.ts";

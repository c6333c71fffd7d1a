/**
 * Deterministic per-call seeds, re-exported from `lib/util/derive_seed.ts` (where
 * {@linkcode deriveSeed} is defined) so that existing imports of this path keep working.
 *
 * @module
 */
export { deriveSeed } from "../util/derive_seed.ts";

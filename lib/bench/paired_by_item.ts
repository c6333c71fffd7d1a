/**
 * Pairing two sets of benchmark records by item and seed, averaged per item: the unit the cluster
 * bootstrap resamples.
 *
 * @module
 */
import type { ItemResult } from "./records.ts";

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/**
 * Item-level paired scores of two sets of records: each item's mean over the seeds both completed
 * (the cluster bootstrap's unit is the item). Records are matched by (seed, item id).
 *
 * @param a The reference records.
 * @param b The compared records.
 * @returns Paired item means (items sorted by id) and the count of `a` records with no partner.
 *
 * @example
 * ```ts
 * import { pairedByItem } from "./paired_by_item.ts";
 * const r = (id: string, seed: number, score: number) => ({ id, seed, score }) as never;
 * const p = pairedByItem([r("x", 0, 0), r("x", 1, 1)], [r("x", 0, 1), r("x", 1, 1)]);
 * if (p.a[0] !== 0.5 || p.b[0] !== 1 || p.missing !== 0) throw new Error();
 * ```
 */
export function pairedByItem(
  a: readonly ItemResult[],
  b: readonly ItemResult[],
): { a: number[]; b: number[]; missing: number } {
  const key = (r: ItemResult) => `${r.seed}\u0000${r.id}`;
  const bByKey = new Map(b.map((r) => [key(r), r]));
  const perItem = new Map<string, { a: number[]; b: number[] }>();
  let missing = 0;
  for (const ra of a) {
    const rb = bByKey.get(key(ra));
    if (ra.unscored || rb?.unscored) continue; // no verdict on one side: excluded (noted per arm)
    if (!rb) {
      missing++;
      continue;
    }
    const entry = perItem.get(ra.id) ?? { a: [], b: [] };
    entry.a.push(ra.score);
    entry.b.push(rb.score);
    perItem.set(ra.id, entry);
  }
  const ids = [...perItem.keys()].sort();
  return {
    a: ids.map((id) => mean(perItem.get(id)!.a)),
    b: ids.map((id) => mean(perItem.get(id)!.b)),
    missing,
  };
}

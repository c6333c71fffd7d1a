/**
 * Read-only evaluator of the TSP example (a contract file: the research loop rejects any attempt
 * that changes it). Builds a fixed, seeded instance of 200 cities, asks `solution.ts` for a tour,
 * checks that it is a permutation and prints:
 *
 *     tour_length: <closed tour length>
 *     runtime_ms: <solver wall time>
 *
 * Run: `deno run evaluate.ts` (no permissions needed).
 *
 * @module
 */
import { solve } from "./solution.ts";

/** A city in the unit square scaled to 1000. */
export interface City {
  /** x coordinate. */
  x: number;
  /** y coordinate. */
  y: number;
}

/** mulberry32: a tiny seeded generator, so the instance never changes. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fixed instance: `n` cities from seed `seed`.
 *
 * @param n Number of cities.
 * @param seed Instance seed.
 * @returns The cities.
 */
export function instance(n = 200, seed = 20240601): City[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => ({ x: next() * 1000, y: next() * 1000 }));
}

/**
 * Length of the closed tour.
 *
 * @param cities The cities.
 * @param tour A permutation of city indices.
 * @returns The length.
 */
export function tourLength(cities: readonly City[], tour: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < tour.length; i++) {
    const a = cities[tour[i]], b = cities[tour[(i + 1) % tour.length]];
    total += Math.hypot(a.x - b.x, a.y - b.y);
  }
  return total;
}

if (import.meta.main) {
  const cities = instance();
  const started = performance.now();
  const tour = solve(cities.map((c) => ({ ...c })));
  const ms = performance.now() - started;
  const seen = new Set(tour);
  if (
    !Array.isArray(tour) || tour.length !== cities.length || seen.size !== cities.length ||
    tour.some((i) => !Number.isInteger(i) || i < 0 || i >= cities.length)
  ) {
    console.error(`invalid tour: expected a permutation of 0..${cities.length - 1}`);
    Deno.exit(1);
  }
  console.log(`tour_length: ${tourLength(cities, tour).toFixed(4)}`);
  console.log(`runtime_ms: ${ms.toFixed(1)}`);
}

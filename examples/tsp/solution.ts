/**
 * The mutable file of the TSP example: a tour heuristic. It starts as plain nearest neighbour;
 * the research society edits it.
 *
 * @module
 */

/** A city. */
export interface City {
  /** x coordinate. */
  x: number;
  /** y coordinate. */
  y: number;
}

/**
 * Builds a closed tour visiting every city once.
 *
 * @param cities The cities.
 * @returns A permutation of city indices.
 */
export function solve(cities: City[]): number[] {
  const n = cities.length;
  const visited = new Array<boolean>(n).fill(false);
  const tour = [0];
  visited[0] = true;
  for (let step = 1; step < n; step++) {
    const last = cities[tour[tour.length - 1]];
    let best = -1, bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (visited[j]) continue;
      const d = Math.hypot(cities[j].x - last.x, cities[j].y - last.y);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    visited[best] = true;
    tour.push(best);
  }
  return tour;
}

/**
 * Working through a queue with a fixed number of workers.
 *
 * @module
 */

/**
 * Runs `work` on every item, at most `concurrency` at a time, in queue order. When `stop()` turns
 * true no new item is started; when `work` throws, no new item is started either and, once the
 * items in flight settle, the first error is thrown.
 *
 * @param items The queue.
 * @param concurrency Workers (at least 1 is used when there are items).
 * @param work What to do with one item.
 * @param stop Checked before each item. @default never
 * @returns When every started item has settled.
 *
 * @example
 * ```ts
 * import { forEachConcurrently } from "./for_each_concurrently.ts";
 * let inFlight = 0, most = 0;
 * const seen: number[] = [];
 * await forEachConcurrently([1, 2, 3, 4, 5], 2, async (n) => {
 *   most = Math.max(most, ++inFlight);
 *   await new Promise((r) => setTimeout(r, 1));
 *   seen.push(n);
 *   inFlight--;
 * });
 * if (most !== 2 || seen.length !== 5) throw new Error();
 * ```
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && !failed && !stop()) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed) throw failure;
}

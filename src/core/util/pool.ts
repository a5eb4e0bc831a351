/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight, keeping result order.
 * Stops starting new items once `signal` aborts or `shouldStop()` returns true; items never
 * started are reported as `undefined` in the results.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  opts: { signal?: AbortSignal; shouldStop?: () => boolean } = {},
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (opts.signal?.aborted || opts.shouldStop?.()) return;
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

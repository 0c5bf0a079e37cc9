/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(maxMs, baseMs·2^(attempt−1))),
 * never below `floorMs` (a `Retry-After` the far side asked for).
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function computeBackoff(
  attempt: number,
  options: { readonly baseMs: number; readonly maxMs: number; readonly floorMs?: number },
  random: () => number,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.max(Math.floor(random() * ceiling), options.floorMs ?? 0);
}

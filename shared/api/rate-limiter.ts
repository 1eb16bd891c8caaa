/**
 * Token buckets per key (a source address) in one process: each key may make `ratePerSecond`
 * requests per second on average and bursts of twice that. At most `maxKeys` buckets are kept;
 * the least recently used one is dropped first, which only ever lets a request through.
 * On AWS each Lambda container counts for itself, so the limit applies per container.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly burst: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly maxKeys = 10_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.burst = ratePerSecond * 2;
  }

  /** Takes one request from the key's bucket; returns false when the key is over its rate. A rate of 0 allows all. */
  take(key: string): boolean {
    if (this.ratePerSecond === 0) return true;
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.burst, updatedAt: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

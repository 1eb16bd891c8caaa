import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../shared/api/rate-limiter.js";

describe("RateLimiter", () => {
  it("passes a burst of twice the rate", () => {
    const limiter = new RateLimiter(5, 100, () => 0);
    const results = Array.from({ length: 12 }, () => limiter.take("192.0.2.1"));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(results.slice(10)).toEqual([false, false]);
  });

  it("refills at the stated rate", () => {
    let now = 0;
    const limiter = new RateLimiter(5, 100, () => now);
    for (let index = 0; index < 10; index++) limiter.take("192.0.2.1");
    expect(limiter.take("192.0.2.1")).toBe(false);
    now = 200; // one request's worth at 5 per second
    expect(limiter.take("192.0.2.1")).toBe(true);
    expect(limiter.take("192.0.2.1")).toBe(false);
    now = 60_000;
    expect(Array.from({ length: 11 }, () => limiter.take("192.0.2.1")).filter(Boolean)).toHaveLength(10);
  });

  it("keeps one bucket per key", () => {
    const limiter = new RateLimiter(1, 100, () => 0);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, false]);
    expect(limiter.take("b")).toBe(true);
  });

  it("allows everything at rate 0", () => {
    const limiter = new RateLimiter(0, 100, () => 0);
    expect(Array.from({ length: 1000 }, () => limiter.take("a")).every(Boolean)).toBe(true);
  });

  it("forgets the least recently used key", () => {
    const limiter = new RateLimiter(1, 2, () => 0);
    limiter.take("a");
    limiter.take("a");
    expect(limiter.take("a")).toBe(false);
    limiter.take("b");
    limiter.take("c");
    // "a" was dropped to make room, so it starts with a full bucket again.
    expect(limiter.take("a")).toBe(true);
  });
});

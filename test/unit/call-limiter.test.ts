import { CallLimiter } from '../../activities/shopify/call-limiter';

/** A fake clock: sleeping advances time, so pacing is checked exactly and instantly. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => void (now += ms) };
}

/** Simulates Shopify's bucket (size 40, leak 2/s) and counts requests that would have been refused. */
function simulatedShop(clock: ReturnType<typeof fakeClock>, size = 40, leak = 2) {
  let level = 0;
  let at = 0;
  let refused = 0;
  return {
    request(): string {
      level = Math.max(0, level - ((clock.now() - at) / 1000) * leak);
      at = clock.now();
      if (level + 1 > size) refused += 1;
      else level += 1;
      return `${Math.ceil(level)}/${size}`;
    },
    get refused() {
      return refused;
    },
  };
}

describe('CallLimiter', () => {
  it('bursts through the bucket, then paces at the leak rate without a single refused request', async () => {
    const clock = fakeClock();
    const shop = simulatedShop(clock);
    const limiter = new CallLimiter({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 240; i += 1) {
      await limiter.acquire();
      clock.advance(50); // response time
      limiter.release(shop.request());
    }
    expect(shop.refused).toBe(0);
    // The API bound for 240 requests is (240 - 40) / 2 = 100 s; pacing must stay within 5% of it.
    expect(clock.now() / 1000).toBeLessThan(105);
    expect(clock.now() / 1000).toBeGreaterThan(95);
  });

  it('never sends before Retry-After has passed', async () => {
    const clock = fakeClock();
    const limiter = new CallLimiter({ now: clock.now, sleep: clock.sleep });
    limiter.backOff(2);
    await limiter.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it('learns the bucket size of larger plans from the header', async () => {
    const clock = fakeClock();
    const shop = simulatedShop(clock, 80, 4);
    const limiter = new CallLimiter({ now: clock.now, sleep: clock.sleep });
    limiter.release('1/80');
    for (let i = 0; i < 200; i += 1) {
      await limiter.acquire();
      limiter.release(shop.request());
    }
    expect(shop.refused).toBe(0);
    expect(clock.now() / 1000).toBeLessThan(((200 - 80) / 4) * 1.05);
  });
});

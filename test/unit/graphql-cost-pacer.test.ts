import { ApplicationFailure } from '@temporalio/common';
import { CostPacer, costPacerFor, type QueryCost } from '../../activities/shopify/graphql/cost-pacer';

/**
 * Virtual time for concurrent callers: `sleep` registers a timer; `run` lets every task go as far as it can, then
 * jumps to the earliest timer. Pacing is checked exactly and instantly, however many callers overlap.
 */
function virtualClock() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const result = work.finally(() => (done = true));
      for (;;) {
        await settle();
        if (done) return result;
        if (timers.length === 0) throw new Error('deadlock: every task waits and no timer is set');
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift()!;
        now = Math.max(now, next.at);
        next.resolve();
      }
    },
  };
}

type Clock = ReturnType<typeof virtualClock>;

/**
 * Shopify's bucket as documented: the requested cost is taken when a query starts (THROTTLED, nothing taken, when it
 * does not fit), the unused part is refunded when it ends, and the bucket restores `restoreRate` points per second.
 */
function simulatedShop(clock: Clock, maximumAvailable: number, restoreRate: number) {
  let level = maximumAvailable;
  let at = 0;
  let lowest = maximumAvailable;
  const stats = { throttled: 0, executed: 0, lowest: () => lowest };
  const current = () => {
    level = Math.min(maximumAvailable, level + ((clock.now() - at) / 1000) * restoreRate);
    at = clock.now();
    return level;
  };
  const status = () => ({ maximumAvailable, currentlyAvailable: Math.floor(current()), restoreRate });
  return {
    stats,
    /** Another client of the same app spends points. */
    spend(points: number) {
      level = current() - points;
    },
    async execute(requested: number, actual: number, durationMs: number): Promise<QueryCost> {
      if (current() < requested) {
        stats.throttled += 1;
        return { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() };
      }
      level = current() - requested;
      lowest = Math.min(lowest, level);
      await clock.sleep(durationMs);
      level = current() + requested - actual;
      stats.executed += 1;
      return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status() };
    },
  };
}

/** One caller: acquire, a network hop, the query, a hop back, settle; THROTTLED answers are sent again. */
async function runQuery(
  pacer: CostPacer,
  shop: ReturnType<typeof simulatedShop>,
  clock: Clock,
  requested: number,
  actual: number,
) {
  for (;;) {
    const ticket = await pacer.acquire(requested);
    await clock.sleep(20);
    const cost = await shop.execute(requested, actual, 150);
    await clock.sleep(20);
    pacer.settle(ticket, cost);
    if (cost.actualQueryCost !== null) return;
  }
}

describe('CostPacer', () => {
  it('paces one caller at the restore rate without a THROTTLED answer, within 5% of the cost bound', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 2000, 100);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(
      (async () => {
        for (let i = 0; i < 120; i += 1) await runQuery(pacer, shop, clock, 502, 402);
      })(),
    );
    expect(shop.stats.throttled).toBe(0);
    expect(shop.stats.executed).toBe(120);
    // The bound: what the queries spend beyond the full bucket, at 100 points/s.
    const bound = (120 * 402 - 2000) / 100;
    expect(clock.now() / 1000).toBeGreaterThan(bound * 0.95);
    expect(clock.now() / 1000).toBeLessThan(bound * 1.05);
  });

  it('shared by 8 concurrent callers, never lets the bucket be overdrawn and keeps within 10% of the bound', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 1000, 50);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    let spent = 0;
    const caller = async (seed: number) => {
      for (let i = 0; i < 25; i += 1) {
        const requested = 100 + ((seed * 37 + i * 53) % 300);
        const actual = Math.round(requested * (0.3 + ((seed + i) % 7) / 10));
        spent += actual;
        await runQuery(pacer, shop, clock, requested, actual);
      }
    };
    await clock.run(Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(caller)));
    expect(shop.stats.throttled).toBe(0);
    expect(shop.stats.lowest()).toBeGreaterThanOrEqual(0);
    expect(shop.stats.executed).toBe(200);
    const bound = (spent - 1000) / 50;
    expect(clock.now() / 1000).toBeLessThan(bound * 1.1);
  });

  it('lets a waiting query go as soon as another ends and gives back what it did not spend', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 2000, 100);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(runQuery(pacer, shop, clock, 10, 10)); // the pacer learns the bucket
    // Three pages asking for 990 points each that find nothing changed (5 points spent): two fit at once, the third
    // fits when the first answer refunds 985 points, not 9.8 s later when the bucket would have refilled.
    const started = clock.now();
    const finished: number[] = [];
    await clock.run(
      Promise.all(
        [0, 1, 2].map(async () => {
          await runQuery(pacer, shop, clock, 990, 5);
          finished.push(clock.now() - started);
        }),
      ),
    );
    expect(shop.stats.throttled).toBe(0);
    expect(Math.max(...finished)).toBeLessThan(1_000);
  });

  it('waits out a THROTTLED answer exactly (requested − currentlyAvailable) / restoreRate, then succeeds', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 2000, 100);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(runQuery(pacer, shop, clock, 100, 100)); // the pacer learns the bucket
    shop.spend(1850); // another worker of the same app drains the bucket; the pacer cannot know
    const started = clock.now();
    const ticket = await clock.run(pacer.acquire(500));
    expect(clock.now()).toBe(started); // its model still says 1,900 points are there
    const answer = await clock.run(shop.execute(500, 500, 0));
    expect(answer.actualQueryCost).toBeNull();
    pacer.settle(ticket, answer);
    const available = answer.throttleStatus.currentlyAvailable;
    const expectedWaitMs = Math.ceil(((500 - available) / 100) * 1000);

    const retry = await clock.run(pacer.acquire(500));
    expect(retry.waitedMs).toBe(expectedWaitMs);
    const second = await clock.run(shop.execute(500, 500, 0));
    expect(second.actualQueryCost).toBe(500);
    expect(shop.stats.throttled).toBe(1);
  });

  it('keeps the points of a query still on its way to Shopify when another answer reports a fuller bucket', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 1000, 50);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(runQuery(pacer, shop, clock, 10, 10));
    const query = async (uplinkMs: number) => {
      const ticket = await pacer.acquire(400);
      await clock.sleep(uplinkMs);
      const cost = await shop.execute(400, 400, 150);
      await clock.sleep(20);
      pacer.settle(ticket, cost);
    };
    const a = query(20); // answered at ~190 ms, reporting a bucket that B has not been charged to yet
    const b = query(300); // a slow uplink: reaches Shopify at ~300 ms
    const c = (async () => {
      await clock.sleep(200); // sent after A's answer
      await query(20);
    })();
    await clock.run(Promise.all([a, b, c]));
    expect(shop.stats.throttled).toBe(0);
    expect(shop.stats.lowest()).toBeGreaterThanOrEqual(0);
  });

  it('learns a cheaper bucket from the first answer and lets only one query through until then', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 1000, 50);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    const order: string[] = [];
    const first = (async () => {
      const ticket = await pacer.acquire(); // cost unknown
      order.push('first sent');
      await clock.sleep(100);
      order.push('first answered');
      pacer.settle(ticket, await shop.execute(800, 800, 0));
    })();
    const second = (async () => {
      await pacer.acquire(400);
      order.push('second sent');
    })();
    await clock.run(Promise.all([first, second]));
    expect(order).toEqual(['first sent', 'first answered', 'second sent']);
    // 200 points left, 400 needed at 50/s: 4 s after the first answer.
    expect(clock.now()).toBe(100 + 4000);
  });

  it('admits callers in arrival order, so a large query is not starved by a stream of small ones', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 1000, 50);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(runQuery(pacer, shop, clock, 900, 900)); // 100 points left
    const order: number[] = [];
    const ask = async (cost: number, tag: number) => {
      await pacer.acquire(cost);
      order.push(tag);
    };
    await clock.run(Promise.all([ask(50, 1), ask(800, 2), ask(50, 3), ask(50, 4)]));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('fails a query that could never fit in the bucket with a message saying what to change', async () => {
    const clock = virtualClock();
    const shop = simulatedShop(clock, 500, 25);
    const pacer = new CostPacer({ now: clock.now, sleep: clock.sleep });
    await clock.run(runQuery(pacer, shop, clock, 10, 10));
    const error = await pacer.acquire(800).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as ApplicationFailure).message).toMatch(/800 cost points.*500 points.*fewer records per page/);
  });

  it('gives every client of a store the same pacer, and another store its own', () => {
    expect(costPacerFor('acme')).toBe(costPacerFor('acme'));
    expect(costPacerFor('acme')).not.toBe(costPacerFor('globex'));
  });
});

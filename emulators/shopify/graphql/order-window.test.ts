import { createShopifyStore } from '../index';
import { gql } from './test-gql';

const DAY_MS = 86_400_000;

describe('Shopify store emulator: orders without read_all_orders', () => {
  it("lists and counts only the last 60 days of orders, as Shopify's Order docs say, and all of them with the scope", async () => {
    let nowMs = Date.now();
    const store = createShopifyStore({ seed: 5, orders: 300, now: () => new Date(nowMs) });
    const base = await store.listen(0);
    try {
      const all = [...store.records('orders')] as { id: number; created_at: string }[];
      // The shop's clock 30 days after its newest order: the window holds the last month of its orders.
      nowMs = Math.max(...all.map((o) => Date.parse(o.created_at))) + 30 * DAY_MS;
      const since = nowMs - 60 * DAY_MS;
      const recent = all.filter((o) => Date.parse(o.created_at) >= since).map((o) => `gid://shopify/Order/${o.id}`);
      // The generated store spans both sides of the window: the check below means something.
      expect(recent.length).toBeGreaterThan(0);
      expect(recent.length).toBeLessThan(all.length);
      const list = '{ ordersCount { count } orders(first: 250, sortKey: ID) { nodes { id } } }';

      store.graphql.setAccessScopes(['read_orders']);
      const windowed = await gql(base, list);
      expect(windowed.body.data.ordersCount.count).toBe(recent.length);
      expect(windowed.body.data.orders.nodes.map((n: { id: string }) => n.id)).toEqual(recent.slice(0, 250));

      store.graphql.setAccessScopes(['read_orders', 'read_all_orders']);
      expect((await gql(base, list)).body.data.ordersCount.count).toBe(all.length);
    } finally {
      await store.close();
    }
  });
});

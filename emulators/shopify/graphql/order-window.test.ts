import { createShopifyStore } from '../index';
import { gql } from './test-gql';

const DAY_MS = 86_400_000;

describe('Shopify store emulator: orders without read_all_orders', () => {
  it("lists, counts and reads by id only the last 60 days of orders, as Shopify's Order docs say; all with the scope", async () => {
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

      // By id too: an older order reads as null (REST answered 404 Not Found), a recent one as itself.
      const older = `gid://shopify/Order/${all.find((o) => Date.parse(o.created_at) < since)!.id}`;
      const byId = `query($old: ID!, $recent: ID!) { old: order(id: $old) { id } oldNode: node(id: $old) { id }
        recent: order(id: $recent) { id } }`;
      const read = await gql(base, byId, { old: older, recent: recent[0] });
      expect(read.body.data).toEqual({ old: null, oldNode: null, recent: { id: recent[0] } });

      store.graphql.setAccessScopes(['read_orders', 'read_all_orders']);
      expect((await gql(base, list)).body.data.ordersCount.count).toBe(all.length);
      expect((await gql(base, byId, { old: older, recent: recent[0] })).body.data.old).toEqual({ id: older });
    } finally {
      await store.close();
    }
  });
});

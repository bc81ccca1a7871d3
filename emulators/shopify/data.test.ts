import { createShopifyStore, type ResourceName } from './index';

// Test-only: records are arbitrary JSON and these assertions walk into nested fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = Record<string, any>;

const RESOURCES: ResourceName[] = ['products', 'customers', 'orders'];
const all = (resource: ResourceName, store = defaultStore): Rec[] => [...store.records(resource)];
const defaultStore = createShopifyStore();

const cents = (s: string) => Math.round(Number(s) * 100);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-04:00$/;
const MONEY = /^-?\d+\.\d{2}$/;

describe('Shopify store emulator: generated data', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = createShopifyStore();
    const other = createShopifyStore({ seed: 2 });
    for (const resource of RESOURCES) {
      expect(JSON.stringify(all(resource, again))).toBe(JSON.stringify(all(resource)));
      expect(JSON.stringify(all(resource, other))).not.toBe(JSON.stringify(all(resource)));
    }
  });

  it('has the default sizes', () => {
    expect(RESOURCES.map((r) => defaultStore.count(r))).toEqual([20, 50, 200]);
    expect(RESOURCES.map((r) => all(r).length)).toEqual([20, 50, 200]);
  });

  it('uses unique ascending ids between 2^32 and 2^53', () => {
    for (const resource of RESOURCES) {
      const ids = all(resource).map((r) => r.id as number);
      ids.forEach((id, i) => {
        expect(Number.isSafeInteger(id)).toBe(true);
        expect(id).toBeGreaterThan(2 ** 32);
        if (i) expect(id).toBeGreaterThan(ids[i - 1]);
      });
    }
    const childIds = all('orders').flatMap((o) => o.line_items.map((l: Rec) => l.id));
    expect(new Set(childIds).size).toBe(childIds.length);
  });

  it('formats timestamps with the shop offset and seconds precision, before the anchor date', () => {
    for (const resource of RESOURCES) {
      for (const r of all(resource)) {
        expect(r.created_at).toMatch(TIMESTAMP);
        expect(r.updated_at).toMatch(TIMESTAMP);
        expect(Date.parse(r.updated_at)).toBeGreaterThanOrEqual(Date.parse(r.created_at));
        expect(Date.parse(r.updated_at) - Date.parse(r.created_at)).toBeLessThanOrEqual(30 * 86_400_000);
        expect(Date.parse(r.updated_at)).toBeLessThanOrEqual(Date.UTC(2026, 5, 30));
      }
    }
    const tokyo = createShopifyStore({ utcOffset: '+09:00' });
    const [a, b] = [all('orders')[0], all('orders', tokyo)[0]];
    expect(b.created_at).toMatch(/\+09:00$/);
    expect(Date.parse(b.created_at)).toBe(Date.parse(a.created_at));
  });

  it('keeps order money exact and consistent', () => {
    for (const o of all('orders')) {
      for (const key of ['total_price', 'subtotal_price', 'total_tax', 'total_discounts', 'total_line_items_price']) {
        expect(o[key]).toMatch(MONEY);
      }
      const lines = o.line_items.reduce((sum: number, l: Rec) => sum + cents(l.price) * l.quantity, 0);
      const shipping = cents(o.total_shipping_price_set.shop_money.amount);
      expect(cents(o.total_line_items_price)).toBe(lines);
      expect(cents(o.subtotal_price)).toBe(lines - cents(o.total_discounts));
      expect(cents(o.total_price)).toBe(cents(o.subtotal_price) + cents(o.total_tax) + shipping);
      const discounts = o.discount_codes.reduce((sum: number, d: Rec) => sum + cents(d.amount), 0);
      expect(discounts).toBe(cents(o.total_discounts));
      expect(o.line_items.length).toBeGreaterThanOrEqual(1);
      expect(o.line_items.length).toBeLessThanOrEqual(5);
    }
  });

  it('references existing customers and product variants', () => {
    const customers = new Set(all('customers').map((c) => c.id));
    const variants = new Map(all('products').flatMap((p) => p.variants.map((v: Rec) => [v.id, p.id])));
    for (const o of all('orders')) {
      if (o.customer) expect(customers.has(o.customer.id)).toBe(true);
      for (const l of o.line_items) {
        if (l.product_exists) expect(variants.get(l.variant_id)).toBe(l.product_id);
      }
    }
  });

  describe('quirks present in the default store', () => {
    const orders = all('orders');
    const customers = all('customers');
    const products = all('products');
    const productIds = new Set(products.map((p) => p.id));
    const some = (list: Rec[], test: (r: Rec) => boolean) => list.filter(test).length;

    it.each<[string, () => number]>([
      ['guest orders', () => some(orders, (o) => o.customer === null)],
      [
        'deleted-product line items',
        () =>
          some(orders, (o) => o.line_items.some((l: Rec) => l.product_id !== null && !productIds.has(l.product_id))),
      ],
      [
        'custom line items',
        () => some(orders, (o) => o.line_items.some((l: Rec) => l.product_id === null && l.variant_id === null)),
      ],
      ['closed orders', () => some(orders, (o) => o.closed_at !== null)],
      ['cancelled orders', () => some(orders, (o) => o.cancelled_at !== null && o.cancel_reason !== null)],
      ['refunds', () => some(orders, (o) => o.refunds.length > 0 && o.refunds[0].transactions[0].kind === 'refund')],
      ['discount codes', () => some(orders, (o) => o.discount_codes.length > 0)],
      ['fulfillments', () => some(orders, (o) => o.fulfillments.length > 0)],
      ['partial fulfilment', () => some(orders, (o) => o.fulfillment_status === 'partial')],
      ['orders without shipping address', () => some(orders, (o) => o.shipping_address === null)],
      ['a note starting with =', () => some(orders, (o) => /^=/.test(o.note ?? ''))],
      ['notes starting with + - @', () => some(orders, (o) => /^[+\-@]/.test(o.note ?? ''))],
      [
        'notes with quotes, commas and newlines',
        () => some(orders, (o) => /"/.test(o.note) && /,/.test(o.note) && /\n/.test(o.note)),
      ],
      ['CJK in addresses', () => some(orders, (o) => /[\u3040-\u9fff]/.test(JSON.stringify(o.shipping_address)))],
      ['emoji in orders', () => some(orders, (o) => /\p{Extended_Pictographic}/u.test(JSON.stringify(o)))],
      ['customers with null email', () => some(customers, (c) => c.email === null)],
      [
        'customers without default address',
        () => some(customers, (c) => !('default_address' in c) && c.addresses.length === 0),
      ],
      [
        'customers with CJK names',
        () => some(customers, (c) => /[\u3040-\u9fff]/.test(`${c.first_name}${c.last_name}`)),
      ],
      ['customers with emoji names', () => some(customers, (c) => /\p{Extended_Pictographic}/u.test(c.first_name))],
      [
        'names with quotes, commas and newlines',
        () => some(customers, (c) => /["\n,]/.test(`${c.first_name}${c.last_name}`)),
      ],
      ['customer notes starting with =', () => some(customers, (c) => /^=/.test(c.note ?? ''))],
      ['customer notes with newlines', () => some(customers, (c) => /\n/.test(c.note ?? ''))],
      ['products with unicode titles', () => some(products, (p) => /[^ -~]/.test(p.title))],
      [
        'products with quotes and commas in titles',
        () => some(products, (p) => /"/.test(p.title) && /,/.test(p.title)),
      ],
      ['draft or archived products', () => some(products, (p) => p.status !== 'active' && p.published_at === null)],
    ])('%s', (_name, count) => {
      expect(count()).toBeGreaterThan(0);
    });

    it('several countries with provinces', () => {
      const countries = new Set(orders.map((o) => o.shipping_address?.country_code).filter(Boolean));
      expect(countries.size).toBeGreaterThanOrEqual(6);
      const us = orders.find((o) => o.shipping_address?.country_code === 'US')!;
      expect(us.shipping_address.province_code).toMatch(/^[A-Z]{2}$/);
    });

    it('some customers have many orders, many have one', () => {
      const perCustomer = new Map<number, number>();
      for (const o of orders) if (o.customer) perCustomer.set(o.customer.id, (perCustomer.get(o.customer.id) ?? 0) + 1);
      const counts = [...perCustomer.values()];
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(5);
      expect(counts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(3);
    });

    it('products have 1-5 variants with decimal-string prices', () => {
      for (const p of products) {
        expect(p.variants.length).toBeGreaterThanOrEqual(1);
        expect(p.variants.length).toBeLessThanOrEqual(5);
        for (const v of p.variants) {
          expect(v.price).toMatch(MONEY);
          expect(v.product_id).toBe(p.id);
        }
        expect(p.admin_graphql_api_id).toBe(`gid://shopify/Product/${p.id}`);
      }
    });
  });

  it('records() is lazy and returns fresh objects', () => {
    const huge = createShopifyStore({ orders: 5_000_000 });
    const first = huge.records('orders')[Symbol.iterator]().next().value as Rec;
    expect(first.name).toBe('#1001');
    first.name = 'changed';
    const again = huge.records('orders')[Symbol.iterator]().next().value as Rec;
    expect(again.name).toBe('#1001');
  });
});

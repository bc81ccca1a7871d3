import { createShopifyStore } from '../index';

// Test-only: the store's records are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('Shopify store emulator: opt-in large records', () => {
  it('builds products with 130 and 2,048 variants whose ids, SKUs and option combinations are unique', () => {
    const store = createShopifyStore({ products: 20, large: { productVariants: [130, 2048] } });
    const products = [...store.records('products')] as Any[];
    const sizes = products.map((p) => p.variants.length);
    expect(sizes[5]).toBe(130);
    expect(sizes[11]).toBe(2048);
    const allIds = products.flatMap((p) => p.variants.map((v: Any) => v.id));
    expect(new Set(allIds).size).toBe(allIds.length);
    for (const p of [products[5], products[11]]) {
      expect(p.options.length).toBeLessThanOrEqual(3);
      expect(new Set(p.variants.map((v: Any) => v.title)).size).toBe(p.variants.length);
      expect(new Set(p.variants.map((v: Any) => v.sku)).size).toBe(p.variants.length);
      expect(new Set(p.variants.map((v: Any) => v.inventory_item_id)).size).toBe(p.variants.length);
      p.options.forEach((o: Any, k: number) => {
        const values = new Set(p.variants.map((v: Any) => v[`option${k + 1}`]));
        expect(o.values).toEqual([...values]);
      });
    }
  });

  it('builds an order with 300 line items whose totals add up and whose ids are unique', () => {
    const store = createShopifyStore({ orders: 50, large: { orderLineItems: [300] } });
    const orders = [...store.records('orders')] as Any[];
    const big = orders[7];
    expect(big.line_items).toHaveLength(300);
    const ids = orders.flatMap((o) => o.line_items.map((li: Any) => li.id));
    expect(new Set(ids).size).toBe(ids.length);
    const lineTotal = big.line_items.reduce((sum: number, li: Any) => sum + cents(li.price) * li.quantity, 0);
    expect(cents(big.total_line_items_price)).toBe(lineTotal);
  });

  it('is off by default and refuses impossible sizes', () => {
    const plain = [...createShopifyStore({ products: 20 }).records('products')] as Any[];
    expect(Math.max(...plain.map((p) => p.variants.length))).toBeLessThanOrEqual(5);
    expect(() => createShopifyStore({ large: { productVariants: [2049] } })).toThrow(/1 to 2048 variants/);
    expect(() => createShopifyStore({ products: 3, large: { productVariants: [130] } })).toThrow(/at least 6 products/);
  });
});

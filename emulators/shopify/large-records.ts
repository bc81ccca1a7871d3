/**
 * Opt-in large records: products with more than 100 variants (Shopify allows 2,048 since 2025-10; Shopify's legacy
 * REST API returns only 100) and orders with more than 250 line items (more than one GraphQL page). Off by default:
 * a store has them only when a test asks for them.
 *
 * They wrap the generators: the records at fixed indexes (below) are rebuilt bigger, keeping their first
 * variants' and line items' ids so that orders referring to them still match.
 */
import type { Meta, ResourceGenerator } from './generator';
import type { LineItem } from './line-items';
import { money, moneySet } from './money';
import type { OrderMeta } from './order-meta';
import type { Order, OrderGenerator } from './orders';
import type { Product, ProductGenerator } from './products';
import type { Rng } from './prng';
import type { LargeRecordsOptions } from './types';

export const MAX_VARIANTS = 2048;
/** Product k of `productVariants` is at this index plus 6k; order k of `orderLineItems` likewise. */
export const FIRST_LARGE_PRODUCT = 5;
export const FIRST_LARGE_ORDER = 7;

const VARIANT_IDS = 47_000_000_000_000;
const INVENTORY_ITEM_IDS = 48_000_000_000_000;
const LINE_ITEM_IDS = 16_000_000_000_000;

const SIZES = ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL', '4XL', '5XL', '6', '8', '10', '12', '14', '16'];
const COLORS = [
  'Black', 'White', 'Navy', 'Red', 'Forest', 'Sand', 'Rust', 'Sky',
  'Plum', 'Olive', 'Coral', 'Slate', 'Mustard', 'Teal', 'Blush', 'Charcoal',
]; // prettier-ignore
const MATERIALS = ['Cotton', 'Linen', 'Wool', 'Silk', 'Hemp', 'Bamboo', 'Modal', 'Recycled'];

export function largeProductIndexes(options: LargeRecordsOptions | undefined): Map<number, number> {
  const out = new Map<number, number>();
  (options?.productVariants ?? []).forEach((n, k) => {
    if (!Number.isInteger(n) || n < 1 || n > MAX_VARIANTS) {
      throw new Error(`large.productVariants: a product has 1 to ${MAX_VARIANTS} variants, got ${n}`);
    }
    out.set(FIRST_LARGE_PRODUCT + 6 * k, n);
  });
  return out;
}

export function largeOrderIndexes(options: LargeRecordsOptions | undefined): Map<number, number> {
  const out = new Map<number, number>();
  (options?.orderLineItems ?? []).forEach((n, k) => {
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      throw new Error(`large.orderLineItems: 1 to 1000 line items, got ${n}`);
    out.set(FIRST_LARGE_ORDER + 6 * k, n);
  });
  return out;
}

/** Passes everything to the wrapped generator and rebuilds the chosen records bigger. */
class Enlarged<R extends object, M extends Meta> implements ResourceGenerator<R, M> {
  constructor(
    private readonly inner: ResourceGenerator<R, M>,
    private readonly sizes: Map<number, number>,
    private readonly enlarge: (record: R, index: number, size: number) => R,
  ) {}

  get baseCount() {
    return this.inner.baseCount;
  }
  get timeline() {
    return this.inner.timeline;
  }
  get ids() {
    return this.inner.ids;
  }
  meta(i: number): M {
    return this.inner.meta(i);
  }
  freshMeta(i: number, nowMs: number): M {
    return this.inner.freshMeta(i, nowMs);
  }
  build(i: number, meta: M): R {
    const record = this.inner.build(i, meta);
    const size = this.sizes.get(i);
    return size === undefined ? record : this.enlarge(record, i, size);
  }
  mutate(record: R, meta: M, nowMs: number, rng: Rng): { record: R; meta: M } {
    return this.inner.mutate(record, meta, nowMs, rng);
  }
}

export function withLargeProducts(gen: ProductGenerator, options: LargeRecordsOptions | undefined) {
  const sizes = largeProductIndexes(options);
  for (const i of sizes.keys()) {
    if (i >= gen.baseCount) throw new Error(`large.productVariants needs at least ${i + 1} products`);
  }
  return sizes.size ? new Enlarged<Product, Meta>(gen, sizes, enlargeProduct) : gen;
}

export function withLargeOrders(gen: OrderGenerator, options: LargeRecordsOptions | undefined) {
  const sizes = largeOrderIndexes(options);
  for (const i of sizes.keys()) {
    if (i >= gen.baseCount) throw new Error(`large.orderLineItems needs at least ${i + 1} orders`);
  }
  return sizes.size ? new Enlarged<Order, OrderMeta>(gen, sizes, enlargeOrder) : gen;
}

function enlargeProduct(p: Product, i: number, n: number): Product {
  const template = p.variants[0];
  const dims: [string, string[]][] = [
    ['Size', SIZES],
    ['Color', COLORS],
    ['Material', MATERIALS],
  ];
  // As few options as the count needs, values varying fastest in the last option.
  const used = n <= SIZES.length ? 1 : n <= SIZES.length * COLORS.length ? 2 : 3;
  const options = dims.slice(0, used);
  const combo = (k: number): string[] => {
    const values: string[] = [];
    let rest = k;
    for (let d = options.length - 1; d >= 0; d--) {
      const list = options[d][1];
      values.unshift(list[rest % list.length]);
      rest = Math.floor(rest / list.length);
    }
    return values;
  };
  const variants = Array.from({ length: n }, (_, k) => {
    const values = combo(k);
    const original = p.variants[k];
    const quantity = (k * 7 + i) % 53;
    return {
      ...template,
      id: original?.id ?? VARIANT_IDS + i * 4096 + k,
      inventory_item_id: original?.inventory_item_id ?? INVENTORY_ITEM_IDS + i * 4096 + k,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${original?.id ?? VARIANT_IDS + i * 4096 + k}`,
      title: values.join(' / '),
      position: k + 1,
      option1: values[0] ?? null,
      option2: values[1] ?? null,
      option3: values[2] ?? null,
      sku: `LRG-${String(i + 1).padStart(4, '0')}-${k + 1}`,
      inventory_quantity: quantity,
      old_inventory_quantity: quantity,
    };
  });
  return {
    ...p,
    variants,
    options: options.map(([name], position) => ({
      id: p.options[position]?.id ?? p.options[0].id + position,
      product_id: p.id,
      name,
      position: position + 1,
      values: [...new Set(variants.map((v) => [v.option1, v.option2, v.option3][position] as string))],
    })),
  };
}

function enlargeOrder(o: Order, i: number, n: number): Order {
  const template = o.line_items[0];
  const extra: LineItem[] = [];
  let extraCents = 0;
  for (let k = o.line_items.length; k < n; k++) {
    const quantity = 1 + (k % 3);
    const id = LINE_ITEM_IDS + i * 1000 + k;
    extraCents += Math.round(Number(template.price) * 100) * quantity;
    extra.push({
      ...template,
      id,
      admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
      quantity,
      fulfillable_quantity: template.fulfillment_status === 'fulfilled' ? 0 : quantity,
      total_discount: '0.00',
      discount_allocations: [],
      properties: [{ name: 'Line', value: String(k + 1) }],
    });
  }
  const shop = o.currency;
  const presentment = o.presentment_currency;
  const rate = Number(o.total_price_set.presentment_money.amount) / Math.max(0.01, Number(o.total_price));
  const add = (amount: string) => Math.round(Number(amount) * 100) + extraCents;
  const set = (cents: number) => moneySet(cents, shop, presentment, presentment === shop ? 1 : rate);
  const lineTotal = add(o.total_line_items_price);
  const subtotal = add(o.subtotal_price);
  const total = add(o.total_price);
  return {
    ...o,
    line_items: [...o.line_items, ...extra],
    total_line_items_price: money(lineTotal),
    total_line_items_price_set: set(lineTotal),
    subtotal_price: money(subtotal),
    subtotal_price_set: set(subtotal),
    total_price: money(total),
    total_price_set: set(total),
    total_outstanding: o.total_outstanding === '0.00' ? '0.00' : money(total),
  };
}

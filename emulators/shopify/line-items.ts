import { CUSTOM_ITEMS, DISCONTINUED_ITEMS } from './catalog-products';
import type { GenContext } from './context';
import { money } from './money';
import type { FulfillmentStatus } from './order-meta';
import type { ProductGenerator } from './products';
import type { Rng } from './prng';
import { breakLine, type LineBreak } from './text';

export type LineItem = {
  id: number;
  admin_graphql_api_id: string;
  fulfillable_quantity: number;
  fulfillment_service: string;
  fulfillment_status: 'fulfilled' | 'partial' | null;
  gift_card: boolean;
  grams: number;
  name: string;
  price: string;
  product_exists: boolean;
  product_id: number | null;
  properties: { name: string; value: string }[];
  quantity: number;
  requires_shipping: boolean;
  sku: string | null;
  taxable: boolean;
  title: string;
  total_discount: string;
  variant_id: number | null;
  variant_inventory_management: string | null;
  variant_title: string | null;
  vendor: string | null;
  tax_lines: never[];
  discount_allocations: { amount: string; discount_application_index: number }[];
};

interface Spec {
  ctx: GenContext;
  rng: Rng;
  orderIndex: number;
  createdMs: number;
  products: ProductGenerator;
  fulfillment: FulfillmentStatus;
  /** Forces the last item to reference a deleted product. */
  deletedProductItem: boolean;
  /** Forces the first item to be a custom (product-less) item. */
  customItem: boolean;
  /** Forces the first item to be a custom item whose title holds this line break. */
  lineBreak?: LineBreak;
}

type Kind = 'product' | 'deleted' | 'custom';

/** 1-5 items (mean about 2.5); ~3% reference deleted products and ~2% are custom items. */
export function buildLineItems(spec: Spec) {
  const { ctx, rng, orderIndex, products } = spec;
  const count = rng.weighted([
    [1, 25],
    [2, 30],
    [3, 20],
    [4, 15],
    [5, 10],
  ]);
  const available = products.timeline.firstAfter(spec.createdMs);
  const fulfilledCount =
    spec.fulfillment === 'fulfilled' ? count : spec.fulfillment === 'partial' ? Math.max(1, count >> 1) : 0;
  const items: LineItem[] = [];
  const lineCents: number[] = [];
  let grams = 0;
  for (let k = 0; k < count; k++) {
    const r = rng.next();
    let kind: Kind = r < 0.03 ? 'deleted' : r < 0.05 ? 'custom' : 'product';
    if (spec.deletedProductItem && k === count - 1) kind = 'deleted';
    if ((spec.customItem || spec.lineBreak) && k === 0) kind = 'custom';
    if (kind === 'product' && available === 0) kind = 'custom';
    const quantity = rng.weighted([
      [1, 72],
      [2, 18],
      [rng.int(3, 6), 10],
    ]);
    const id = ctx.ids.lineItems.at(orderIndex, k);
    // Partial fulfilment of a single-item order ships part of its quantity.
    const fulfilled = k < fulfilledCount;
    const status: LineItem['fulfillment_status'] = fulfilled
      ? spec.fulfillment === 'partial' && count === 1
        ? 'partial'
        : 'fulfilled'
      : null;
    let item: Omit<LineItem, 'id' | 'admin_graphql_api_id' | 'fulfillable_quantity' | 'fulfillment_service'>;
    let cents: number;
    if (kind === 'product') {
      const product = products.base(Math.floor(available * rng.next() * rng.next()));
      const variant = rng.pick(product.variants);
      const variantTitle = variant.title === 'Default Title' ? null : variant.title;
      cents = Math.round(Number(variant.price) * 100);
      item = {
        fulfillment_status: status,
        gift_card: product.product_type === 'Gift Cards',
        grams: variant.grams,
        name: variantTitle ? `${product.title} - ${variantTitle}` : product.title,
        price: variant.price,
        product_exists: true,
        product_id: product.id,
        properties: [],
        quantity,
        requires_shipping: variant.requires_shipping,
        sku: variant.sku,
        taxable: variant.taxable,
        title: product.title,
        total_discount: '0.00',
        variant_id: variant.id,
        variant_inventory_management: variant.inventory_management,
        variant_title: variantTitle,
        vendor: product.vendor,
        tax_lines: [],
        discount_allocations: [],
      };
      grams += variant.grams * quantity;
    } else if (kind === 'deleted') {
      const p = Math.floor(rng.next() * Math.max(1, available));
      const title = rng.pick(DISCONTINUED_ITEMS);
      const size = rng.pick(['S', 'M', 'L']);
      cents = rng.int(20, 90) * 100 + 99;
      item = {
        fulfillment_status: status,
        gift_card: false,
        grams: 400,
        name: `${title} - ${size}`,
        price: money(cents),
        product_exists: false,
        product_id: ctx.ids.products.gapAfter(p),
        properties: [],
        quantity,
        requires_shipping: true,
        sku: `OLD-${p + 1}-${size}`,
        taxable: true,
        title,
        total_discount: '0.00',
        variant_id: ctx.ids.variants.gapAfter(p),
        variant_inventory_management: 'shopify',
        variant_title: size,
        vendor: 'Northwind Apparel',
        tax_lines: [],
        discount_allocations: [],
      };
      grams += 400 * quantity;
    } else {
      const drawn = rng.pick(CUSTOM_ITEMS);
      const title = spec.lineBreak && k === 0 ? breakLine(drawn, spec.lineBreak, 'Service') : drawn;
      cents = rng.int(2, 25) * 100;
      item = {
        fulfillment_status: status,
        gift_card: false,
        grams: 0,
        name: title,
        price: money(cents),
        product_exists: false,
        product_id: null,
        properties: [],
        quantity,
        requires_shipping: false,
        sku: rng.chance(0.5) ? null : '',
        taxable: rng.chance(0.5),
        title,
        total_discount: '0.00',
        variant_id: null,
        variant_inventory_management: null,
        variant_title: null,
        vendor: null,
        tax_lines: [],
        discount_allocations: [],
      };
    }
    if (rng.chance(0.06)) {
      item.properties = [{ name: 'Engraving', value: rng.pick(['Love, "Mom"', 'J & K, 2024', '永遠に ❤️']) }];
    }
    items.push({
      id,
      admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
      fulfillable_quantity: status === 'fulfilled' ? 0 : status === 'partial' ? Math.max(0, quantity - 1) : quantity,
      fulfillment_service: 'manual',
      ...item,
    });
    lineCents.push(cents * quantity);
  }
  return { items, lineCents, totalCents: lineCents.reduce((a, b) => a + b, 0), grams };
}

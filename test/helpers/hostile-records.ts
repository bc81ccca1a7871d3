import { createShopifyStore } from '../../emulators/shopify';

type Rec = Record<string, unknown>;

/** Realistic records to start from: the emulator's, with the quirks of real stores. */
export function baseRecords(): { products: Rec[]; customers: Rec[]; orders: Rec[] } {
  const store = createShopifyStore({ seed: 5, products: 4, customers: 6, orders: 12 });
  return {
    products: [...store.records('products')] as Rec[],
    customers: [...store.records('customers')] as Rec[],
    orders: [...store.records('orders')] as Rec[],
  };
}

/** More than 1 MiB of UTF-16, ~1.6 MB of UTF-8. */
export const HUGE = 'é😀 ab\u00a0'.repeat(Math.ceil((1 << 20) / 7));

/** Every C0 control character, DEL, the Unicode line and paragraph separators and a byte order mark. */
export const CONTROLS =
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f\u2028\u2029\ufeff';

/**
 * The base records with text no generator writes: 1 MB strings, control characters, formulas, RTL overrides,
 * emoji, fields Shopify may add later. test/e2e/hostile-data.test.ts syncs them; the CSV reader test exports them.
 */
export function hostileRecords(): { products: Rec[]; customers: Rec[]; orders: Rec[] } {
  const { products, customers, orders } = baseRecords();
  orders[0].note = HUGE;
  orders[1].note = `before${CONTROLS}after`;
  orders[2].tags = 'a,"b",\r\nc';
  (orders[3].line_items as Rec[])[0].title = `=HYPERLINK("http://evil.example","x")\n\ttab`;
  orders[4].x_future_field = { nested: [1, { a: null, b: '\u0000' }], flag: true };
  (orders[4].line_items as Rec[])[0].x_future_item_field = 'kept';
  products[0].title = `Robert'); DROP TABLE products;--`;
  products[1].new_top_level = 'hello';
  customers[0].first_name = '\u202eevil\u202c 👩‍👩‍👧‍👦';
  customers[1].note = HUGE;
  return { products, customers, orders };
}

import type { LineBreak } from './text';

/**
 * Awkward cases planted at fixed indexes so that even the default small store (20 products,
 * 50 customers, 200 orders) contains every one of them, whatever the seed. Random generation
 * produces more of them at realistic rates on top.
 */

export const PRODUCT_QUIRKS: Readonly<Record<number, ProductQuirk>> = {
  1: { title: '抹茶 Matcha Tea Set 🍵', family: 'Tea' },
  2: { lineBreak: '\n' },
  3: { title: 'The "Everyday" Tote, Large', family: 'Bags' },
  4: { lineBreak: '\r' },
  5: { vendor: 'Café Münster', family: 'T-Shirts' },
  6: { lineBreak: '\r\n' },
  7: { title: '=Equals Sign Tee', family: 'T-Shirts' },
  9: { status: 'draft' },
  11: { status: 'archived' },
  13: { negativeInventory: true },
  15: { family: 'Gift Cards', title: 'Gift Card' },
  17: { family: 'Digital', bodyHtml: null },
};

export interface ProductQuirk {
  title?: string;
  family?: string;
  vendor?: string;
  status?: 'active' | 'draft' | 'archived';
  negativeInventory?: boolean;
  bodyHtml?: null;
  /** This break (and no comma or quote) in the title, the vendor, the tags, body_html and the first variant's title. */
  lineBreak?: LineBreak;
}

export const CUSTOMER_QUIRKS: Readonly<Record<number, CustomerQuirk>> = {
  1: { lineBreak: '\n' },
  2: { lineBreak: '\r' },
  3: { email: null },
  4: { lineBreak: '\r\n' },
  5: { noAddress: true },
  7: { firstName: '太郎', lastName: '山田', country: 'JP' },
  9: { firstName: 'Zoë 🌸', lastName: 'Ångström' },
  11: { firstName: 'Mary-Jane "MJ"', lastName: "O'Connor, Jr." },
  13: { note: 'Likes "vintage" items, prefers DHL,\nsecond line of the note\r\nand a third' },
  15: { note: '=HYPERLINK("http://example.com","click me")' },
  17: { note: '+1 555 0100 call before shipping' },
  19: { note: '-5% promised by phone' },
  21: { note: '@sales please follow up' },
  23: { lastName: null },
  25: { phone: null, email: null, noAddress: true },
  27: { firstName: 'Anna\nMaria', lastName: 'Lind, "Annie"' },
};

export interface CustomerQuirk {
  email?: null;
  phone?: null;
  noAddress?: boolean;
  firstName?: string;
  lastName?: string | null;
  country?: string;
  note?: string;
  /** This break (no comma or quote) in both names, the note, the tags and the default address (street, city, province). */
  lineBreak?: LineBreak;
}

export const ORDER_QUIRKS: Readonly<Record<number, OrderQuirk>> = {
  1: { lineBreak: '\n' },
  2: { guest: true },
  3: { lineBreak: '\r' },
  4: { deletedProductItem: true },
  5: { lineBreak: '\r\n' },
  6: { customItem: true },
  8: { note: '=HYPERLINK("http://x","y")' },
  10: { note: '+1 (555) 010-2030 call on arrival' },
  12: { note: '-- leave at back door --' },
  14: { note: '@dispatch: fragile, "handle with care"' },
  16: { note: 'Please gift wrap, "Happy Birthday!"\nThanks, Anna' },
  18: { cjkShipping: true },
  20: { note: '🎁 Surprise! Don’t show the price 🙈', discount: true },
  22: { status: 'cancelled' },
  24: { status: 'closed' },
  26: { financial: 'refunded' },
  28: { financial: 'partially_refunded' },
  30: { discount: true, guest: true },
  32: { fulfillment: 'fulfilled' },
  34: { fulfillment: 'partial' },
  36: { noShipping: true },
};

export interface OrderQuirk {
  guest?: boolean;
  deletedProductItem?: boolean;
  customItem?: boolean;
  note?: string;
  cjkShipping?: boolean;
  discount?: boolean;
  noShipping?: boolean;
  status?: 'cancelled' | 'closed';
  financial?: 'refunded' | 'partially_refunded';
  fulfillment?: 'fulfilled' | 'partial';
  /** This break (no comma or quote) in the note, the tags, the shipping address and the first line item's title. */
  lineBreak?: LineBreak;
}

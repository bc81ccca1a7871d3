import type { ResourceName } from '../../common/contract';
import { sumMoney } from '../../activities/store/resources';

/**
 * Test records written the short way (REST's snake_case fields: `total_price`, `line_items`, `customer: { id }`)
 * turned into the GraphQL nodes the sync stores, field by field for what resources.ts selects. For tests whose
 * subject is what is done with stored rows (analytics, CSVs, erasure, deletions…), not how Shopify's answer becomes
 * rows: that is graphql-equivalence.test.ts's subject, against real GraphQL answers. Fields a record lacks stay
 * absent. Timestamps are kept as written (with their offset): the columns keep a timestamp as it is when no shop
 * time zone is known, as in these tests.
 */

type Rec = Record<string, unknown>;

const gid = (type: string, id: unknown) => `gid://shopify/${type}/${String(id)}`;
const ids = (type: string, id: unknown) => ({ id: gid(type, id), legacyResourceId: String(id) });
const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value);
const tags = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : value;
const list = (value: unknown): Rec[] => (Array.isArray(value) ? (value as Rec[]) : []);
const money = (amount: unknown, currencyCode: unknown = 'USD') =>
  amount === undefined ? undefined : amount === null ? null : { shopMoney: { amount: String(amount), currencyCode } };
const linked = (type: string, id: unknown) => (id === undefined ? undefined : id === null ? null : ids(type, id));

/** Only the fields the record has: an absent field stays absent, so its column reads null as before. */
function defined(record: Rec): Rec {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const FULFILLMENT_STATUS: Record<string, string> = {
  fulfilled: 'FULFILLED',
  partial: 'PARTIALLY_FULFILLED',
  restocked: 'RESTOCKED',
};

function product(p: Rec): Rec {
  return defined({
    ...ids('Product', p.id),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.product_type,
    status: upper(p.status),
    tags: tags(p.tags),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    publishedAt: p.published_at,
    variants: {
      nodes: list(p.variants).map((v) =>
        defined({
          ...ids('ProductVariant', v.id),
          title: v.title,
          sku: v.sku,
          position: v.position,
          price: v.price,
          compareAtPrice: v.compare_at_price,
          inventoryQuantity: v.inventory_quantity,
          selectedOptions: [v.option1, v.option2, v.option3]
            .filter((value) => value !== undefined && value !== null)
            .map((value, i) => ({ name: `Option ${i + 1}`, value })),
          barcode: v.barcode,
          taxable: v.taxable,
          inventoryItem: v.requires_shipping === undefined ? undefined : { requiresShipping: v.requires_shipping },
          createdAt: v.created_at,
          updatedAt: v.updated_at,
        }),
      ),
    },
  });
}

function address(a: unknown): Rec | null | undefined {
  if (a === undefined || a === null) return a as null | undefined;
  const r = a as Rec;
  return defined({
    country: r.country,
    countryCodeV2: r.country_code,
    province: r.province,
    provinceCode: r.province_code,
    city: r.city,
    zip: r.zip,
  });
}

function customer(c: Rec): Rec {
  return defined({
    ...ids('Customer', c.id),
    defaultEmailAddress: c.email === undefined ? undefined : c.email === null ? null : { emailAddress: c.email },
    firstName: c.first_name,
    lastName: c.last_name,
    defaultPhoneNumber: c.phone === undefined ? undefined : c.phone === null ? null : { phoneNumber: c.phone },
    state: upper(c.state),
    verifiedEmail: c.verified_email,
    numberOfOrders: c.orders_count === undefined || c.orders_count === null ? c.orders_count : String(c.orders_count),
    amountSpent: c.total_spent === undefined ? undefined : { amount: c.total_spent, currencyCode: c.currency ?? 'USD' },
    tags: tags(c.tags),
    note: c.note,
    defaultAddress: address(c.default_address),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  });
}

/** A refund's amount as REST's transactions add up to (successful `refund` transactions), exact. */
function refunded(refund: Rec): string {
  const amounts = list(refund.transactions)
    .filter((t) => t.kind === 'refund' && t.status !== 'failure')
    .map((t) => t.amount);
  return sumMoney(amounts) ?? '0.00';
}

function order(o: Rec): Rec {
  const currency = o.currency ?? 'USD';
  const customerRef = o.customer as Rec | null | undefined;
  return defined({
    ...ids('Order', o.id),
    name: o.name,
    number: o.order_number,
    customer: customerRef === undefined ? undefined : customerRef === null ? null : ids('Customer', customerRef.id),
    email: o.email,
    displayFinancialStatus: upper(o.financial_status),
    displayFulfillmentStatus:
      o.fulfillment_status === undefined
        ? undefined
        : (FULFILLMENT_STATUS[String(o.fulfillment_status)] ?? 'UNFULFILLED'),
    currencyCode: o.currency,
    totalPriceSet: money(o.total_price, currency),
    subtotalPriceSet: money(o.subtotal_price, currency),
    totalTaxSet: money(o.total_tax, currency),
    totalDiscountsSet: money(o.total_discounts, currency),
    totalShippingPriceSet: money(
      ((o.total_shipping_price_set as Rec | undefined)?.shop_money as Rec | undefined)?.amount,
      currency,
    ),
    discountCodes: o.discount_codes === undefined ? undefined : list(o.discount_codes).map((d) => d.code),
    shippingAddress: address(o.shipping_address),
    sourceName: o.source_name,
    tags: tags(o.tags),
    note: o.note,
    cancelReason: upper(o.cancel_reason),
    cancelledAt: o.cancelled_at,
    closedAt: o.closed_at,
    processedAt: o.processed_at,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    fulfillments:
      o.fulfillments === undefined
        ? undefined
        : list(o.fulfillments).map((f) =>
            defined({
              ...ids('Fulfillment', f.id),
              status: upper(f.status),
              trackingInfo:
                f.tracking_company || f.tracking_number
                  ? [{ company: f.tracking_company ?? null, number: f.tracking_number ?? null }]
                  : [],
              createdAt: f.created_at,
              updatedAt: f.updated_at,
            }),
          ),
    refunds:
      o.refunds === undefined
        ? undefined
        : list(o.refunds).map((r) =>
            defined({
              ...ids('Refund', r.id),
              note: r.note,
              createdAt: r.created_at,
              totalRefundedSet: money(refunded(r), currency),
            }),
          ),
    discountApplications: {
      nodes: list(o.discount_codes).map((d) => ({
        targetType: d.type === 'shipping' ? 'SHIPPING_LINE' : 'LINE_ITEM',
        code: d.code,
        value:
          d.type === 'percentage' ? { percentage: Number(d.amount) } : { amount: d.amount, currencyCode: currency },
      })),
    },
    lineItems: {
      nodes: list(o.line_items).map((li) =>
        defined({
          id: gid('LineItem', li.id),
          product: linked('Product', li.product_id),
          variant: linked('ProductVariant', li.variant_id),
          title: li.title,
          variantTitle: li.variant_title,
          sku: li.sku,
          vendor: li.vendor,
          quantity: li.quantity,
          originalUnitPriceSet: money(li.price, currency),
          totalDiscountSet: money(li.total_discount, currency),
          fulfillmentStatus: li.fulfillment_status,
          isGiftCard: li.gift_card,
          taxable: li.taxable,
        }),
      ),
    },
  });
}

const CONVERT: Record<ResourceName, (record: Rec) => Rec> = { products: product, customers: customer, orders: order };

/** `records.map(asNode('orders'))`: each record as the GraphQL node the sync would have stored. */
export function asNode(resource: ResourceName): (record: Rec) => Rec {
  return (record) => CONVERT[resource](record);
}

/** The same for a list of records of one resource. */
export function asNodes(resource: ResourceName, records: Iterable<Rec>): Rec[] {
  return [...records].map(asNode(resource));
}

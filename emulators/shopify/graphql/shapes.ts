/**
 * The one place where the generator's REST-shaped records become GraphQL Admin API objects: GIDs, camelCase,
 * enums in capitals, money as MoneyBag, timestamps in UTC, tags as lists. Child collections stay arrays; the
 * field resolver turns them into connections. Fields that point at other records are functions, resolved only
 * when a query selects them.
 */
import type { Customer } from '../customers';
import type { LineItem } from '../line-items';
import type { Order } from '../orders';
import type { Product, Variant } from '../products';

type Rec = Record<string, unknown>;

/** Other records' GraphQL shapes by numeric id; null when the shop has no such record (e.g. a deleted product). */
export interface Lookup {
  product(id: number): Rec | null;
  customer(id: number): Rec | null;
  shopCurrency: string;
}

export const gid = (type: string, id: number | string): string => `gid://shopify/${type}/${id}`;

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

export function parseGid(value: string): { type: string; id: number } | undefined {
  const m = GID.exec(value);
  return m ? { type: m[1], id: Number(m[2]) } : undefined;
}

/** Shopify's GraphQL DateTime: UTC, seconds precision, `Z`. */
export function utc(timestamp: string | null | undefined): string | null {
  if (!timestamp) return null;
  return new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function tagList(tags: string): string[] {
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

const moneyV2 = (amount: string, currencyCode: string) => ({ amount, currencyCode });

function moneyBag(set: {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
}) {
  return {
    shopMoney: moneyV2(set.shop_money.amount, set.shop_money.currency_code),
    presentmentMoney: moneyV2(set.presentment_money.amount, set.presentment_money.currency_code),
  };
}

/** A MoneyBag for an amount that exists only in the shop's currency (REST gave no `_set`). */
function shopBag(amount: string, currency: string) {
  return { shopMoney: moneyV2(amount, currency), presentmentMoney: moneyV2(amount, currency) };
}

function mailingAddress(address: Rec | null | undefined, fallbackId: string) {
  if (!address) return null;
  const first = (address.first_name as string | null) ?? null;
  const last = (address.last_name as string | null) ?? null;
  return {
    id: address.id ? gid('MailingAddress', address.id as number) : fallbackId,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    company: address.company ?? null,
    country: address.country ?? null,
    countryCodeV2: address.country_code ?? null,
    firstName: first,
    lastName: last,
    name: (address.name as string | undefined) ?? ([first, last].filter(Boolean).join(' ') || null),
    phone: address.phone ?? null,
    province: address.province ?? null,
    provinceCode: address.province_code ?? null,
    zip: address.zip ?? null,
    latitude: address.latitude ?? null,
    longitude: address.longitude ?? null,
  };
}

// ---- products ----

/** What an inventory item costs the merchant: about 40% of the price, a deterministic stand-in for real costs. */
function unitCost(variant: Variant): string | null {
  if (variant.sku.startsWith('GFT')) return null;
  const cents = Math.round(Number(variant.price) * 40);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function variantNode(v: Variant, product: Product, currency: string, productNodeFn: () => unknown) {
  const options = product.options.map((o) => o.name);
  const values = [v.option1, v.option2, v.option3];
  const cost = unitCost(v);
  return {
    id: gid('ProductVariant', v.id),
    legacyResourceId: String(v.id),
    title: v.title,
    displayName: `${product.title} - ${v.title}`,
    price: v.price,
    compareAtPrice: v.compare_at_price,
    sku: v.sku,
    barcode: v.barcode,
    position: v.position,
    inventoryQuantity: v.inventory_quantity,
    inventoryPolicy: v.inventory_policy.toUpperCase(),
    taxable: v.taxable,
    selectedOptions: options.map((name, k) => ({ name, value: values[k] ?? '' })),
    createdAt: utc(v.created_at),
    updatedAt: utc(v.updated_at),
    inventoryItem: {
      id: gid('InventoryItem', v.inventory_item_id),
      legacyResourceId: String(v.inventory_item_id),
      sku: v.sku,
      tracked: v.inventory_management === 'shopify',
      requiresShipping: v.requires_shipping,
      unitCost: cost === null ? null : moneyV2(cost, currency),
      measurement: {
        weight: { unit: v.weight_unit === 'kg' ? 'KILOGRAMS' : 'POUNDS', value: v.weight },
      },
    },
    product: productNodeFn,
  };
}

export function productNode(p: Product, lookup: Lookup): Rec {
  const node: Rec = {
    id: gid('Product', p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    descriptionHtml: p.body_html ?? '',
    vendor: p.vendor,
    productType: p.product_type,
    status: p.status.toUpperCase(),
    tags: tagList(p.tags),
    handle: p.handle,
    templateSuffix: p.template_suffix,
    createdAt: utc(p.created_at),
    updatedAt: utc(p.updated_at),
    publishedAt: utc(p.published_at),
    totalInventory: p.variants.reduce((sum, v) => sum + Math.max(0, v.inventory_quantity), 0),
    variantsCount: { count: p.variants.length, precision: 'EXACT' },
    options: p.options.map((o) => ({
      id: gid('ProductOption', o.id),
      name: o.name,
      position: o.position,
      values: o.values,
    })),
  };
  const self = () => node;
  node.variants = p.variants.map((v) => variantNode(v, p, lookup.shopCurrency, self));
  return node;
}

// ---- customers ----

const CONSENT: Record<string, string> = {
  subscribed: 'SUBSCRIBED',
  not_subscribed: 'NOT_SUBSCRIBED',
  unsubscribed: 'UNSUBSCRIBED',
  pending: 'PENDING',
};

export function customerNode(c: Customer): Rec {
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return {
    id: gid('Customer', c.id),
    legacyResourceId: String(c.id),
    firstName: c.first_name,
    lastName: c.last_name,
    displayName: name || c.email || c.phone || '',
    email: c.email,
    phone: c.phone,
    defaultEmailAddress: c.email
      ? { emailAddress: c.email, marketingState: CONSENT[c.email_marketing_consent?.state ?? ''] ?? 'NOT_SUBSCRIBED' }
      : null,
    defaultPhoneNumber: c.phone
      ? { phoneNumber: c.phone, marketingState: CONSENT[c.sms_marketing_consent?.state ?? ''] ?? 'NOT_SUBSCRIBED' }
      : null,
    state: c.state.toUpperCase(),
    verifiedEmail: c.verified_email,
    taxExempt: c.tax_exempt,
    numberOfOrders: String(c.orders_count),
    amountSpent: moneyV2(c.total_spent, c.currency),
    tags: tagList(c.tags),
    note: c.note,
    locale: 'en',
    defaultAddress: mailingAddress(c.default_address as Rec | undefined, gid('MailingAddress', 0)),
    addresses: c.addresses.map((a) => mailingAddress(a as unknown as Rec, gid('MailingAddress', 0))),
    createdAt: utc(c.created_at),
    updatedAt: utc(c.updated_at),
  };
}

// ---- orders ----

const FULFILLMENT: Record<string, string> = { fulfilled: 'FULFILLED', partial: 'PARTIALLY_FULFILLED' };

function lineItemNode(li: LineItem, order: Order, lookup: Lookup): Rec {
  const currency = order.currency;
  const presentment = order.presentment_currency;
  const rate = Number(order.total_price)
    ? Number(order.total_price_set.presentment_money.amount) / Number(order.total_price)
    : 1;
  const bag = (amount: string) => ({
    shopMoney: moneyV2(amount, currency),
    presentmentMoney: moneyV2((Math.round(Number(amount) * rate * 100) / 100).toFixed(2), presentment),
  });
  const totalCents = Math.round(Number(li.price) * 100) * li.quantity;
  const total = `${Math.floor(totalCents / 100)}.${String(totalCents % 100).padStart(2, '0')}`;
  const fulfilled = li.quantity - li.fulfillable_quantity;
  return {
    id: gid('LineItem', li.id),
    name: li.name,
    title: li.title,
    variantTitle: li.variant_title,
    sku: li.sku,
    vendor: li.vendor,
    quantity: li.quantity,
    currentQuantity: li.quantity,
    unfulfilledQuantity: li.fulfillable_quantity,
    // Shopify's (deprecated) string; REST's null is "unfulfilled" here.
    fulfillmentStatus: li.fulfillment_status ?? (fulfilled > 0 ? 'partial' : 'unfulfilled'),
    requiresShipping: li.requires_shipping,
    taxable: li.taxable,
    isGiftCard: li.gift_card,
    originalUnitPriceSet: bag(li.price),
    originalTotalSet: bag(total),
    totalDiscountSet: bag(li.total_discount),
    discountAllocations: li.discount_allocations.map((d) => ({ allocatedAmountSet: bag(d.amount) })),
    customAttributes: li.properties.map((p) => ({ key: p.name, value: p.value })),
    // A deleted product leaves the line item without a product or variant, as on Shopify.
    product: () => (li.product_id === null ? null : lookup.product(li.product_id)),
    variant: () => {
      const product = li.product_id === null ? null : lookup.product(li.product_id);
      const variantId = gid('ProductVariant', li.variant_id ?? 0);
      return (product?.variants as Rec[] | undefined)?.find((v) => v.id === variantId) ?? null;
    },
  };
}

export function orderNode(o: Order, lookup: Lookup): Rec {
  const currency = o.currency;
  const refunded = o.refunds.reduce(
    (sum, r) => sum + r.transactions.reduce((s, t) => s + Math.round(Number(t.amount) * 100), 0),
    0,
  );
  const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const discount = o.discount_applications[0];
  const shipping = o.shipping_lines[0];
  return {
    id: gid('Order', o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    // REST's order_number (1001 for #1001); check against Shopify's docs before relying on it.
    number: o.order_number,
    confirmationNumber: o.confirmation_number,
    email: o.email || null,
    phone: o.phone,
    displayFinancialStatus: o.financial_status.toUpperCase(),
    displayFulfillmentStatus: (o.fulfillment_status && FULFILLMENT[o.fulfillment_status]) ?? 'UNFULFILLED',
    currencyCode: currency,
    presentmentCurrencyCode: o.presentment_currency,
    totalPriceSet: moneyBag(o.total_price_set),
    subtotalPriceSet: moneyBag(o.subtotal_price_set),
    totalTaxSet: moneyBag(o.total_tax_set),
    totalDiscountsSet: moneyBag(o.total_discounts_set),
    totalShippingPriceSet: moneyBag(o.total_shipping_price_set),
    totalRefundedSet: shopBag(money(refunded), currency),
    totalOutstandingSet: shopBag(o.total_outstanding, currency),
    totalWeight: String(o.total_weight),
    taxesIncluded: o.taxes_included,
    taxLines: o.tax_lines.map((t) => ({
      title: t.title,
      rate: t.rate,
      ratePercentage: Math.round(t.rate * 10000) / 100,
      priceSet: moneyBag(t.price_set),
    })),
    shippingLine: shipping
      ? {
          id: gid('ShippingLine', shipping.id),
          title: shipping.title,
          code: shipping.code,
          source: shipping.source,
          originalPriceSet: moneyBag(shipping.price_set),
          discountedPriceSet: moneyBag(shipping.price_set),
        }
      : null,
    discountCode: o.discount_codes[0]?.code ?? null,
    discountCodes: o.discount_codes.map((d) => d.code),
    discountApplications: discount
      ? [
          {
            __typename: 'DiscountCodeApplication',
            allocationMethod: discount.allocation_method.toUpperCase(),
            index: 0,
            targetSelection: discount.target_selection.toUpperCase(),
            targetType: discount.target_type.toUpperCase(),
            code: discount.code,
            value:
              discount.value_type === 'percentage'
                ? { __typename: 'PricingPercentageValue', percentage: Number(discount.value) }
                : { __typename: 'MoneyV2', ...moneyV2(discount.value, currency) },
          },
        ]
      : [],
    paymentGatewayNames: o.payment_gateway_names,
    sourceName: o.source_name,
    tags: tagList(o.tags),
    note: o.note,
    customAttributes: o.note_attributes.map((a) => ({ key: a.name, value: a.value })),
    customerLocale: o.customer_locale,
    test: o.test,
    closed: o.closed_at !== null,
    cancelReason: o.cancel_reason ? o.cancel_reason.toUpperCase() : null,
    cancelledAt: utc(o.cancelled_at),
    closedAt: utc(o.closed_at),
    processedAt: utc(o.processed_at),
    createdAt: utc(o.created_at),
    updatedAt: utc(o.updated_at),
    customer: () => (o.customer?.id === undefined ? null : lookup.customer(o.customer.id)),
    billingAddress: mailingAddress(o.billing_address as unknown as Rec, gid('MailingAddress', o.id * 10 + 1)),
    shippingAddress: mailingAddress(o.shipping_address as unknown as Rec | null, gid('MailingAddress', o.id * 10 + 2)),
    lineItems: o.line_items.map((li) => lineItemNode(li, o, lookup)),
    fulfillments: o.fulfillments.map((f) => ({
      id: gid('Fulfillment', f.id),
      legacyResourceId: String(f.id),
      name: f.name,
      status: f.status.toUpperCase(),
      displayStatus:
        f.shipment_status === 'delivered'
          ? 'DELIVERED'
          : f.shipment_status === 'in_transit'
            ? 'IN_TRANSIT'
            : 'FULFILLED',
      createdAt: utc(f.created_at),
      updatedAt: utc(f.updated_at),
      trackingInfo: f.tracking_numbers.map((number, k) => ({
        company: f.tracking_company,
        number,
        url: f.tracking_urls[k] ?? null,
      })),
    })),
    refunds: o.refunds.map((r) => {
      const cents = r.transactions
        .filter((t) => t.kind === 'refund' && t.status !== 'failure')
        .reduce((s, t) => s + Math.round(Number(t.amount) * 100), 0);
      return {
        id: gid('Refund', r.id),
        legacyResourceId: String(r.id),
        note: r.note,
        createdAt: utc(r.created_at),
        updatedAt: utc(r.processed_at ?? r.created_at),
        totalRefundedSet: shopBag(money(cents), currency),
        transactions: r.transactions.map((t) => ({
          id: gid('OrderTransaction', t.id),
          kind: t.kind.toUpperCase(),
          status: t.status.toUpperCase(),
          gateway: t.gateway,
          amountSet: shopBag(t.amount, t.currency),
          createdAt: utc(t.created_at),
          processedAt: utc(t.processed_at),
        })),
      };
    }),
  };
}

import { brokenPlace, orderAddress, placeOf, randomPlace, type OrderAddress } from './addresses';
import { COUNTRIES, COUNTRY_WEIGHTS, type Country } from './catalog-geo';
import {
  DISCOUNTS,
  GATEWAYS,
  ORDER_NOTES,
  ORDER_TAGS,
  REFUND_NOTES,
  SOURCE_NAMES,
  TRACKING_COMPANIES,
} from './catalog-people';
import type { GenContext } from './context';
import type { Customer, CustomerGenerator } from './customers';
import type { ResourceGenerator } from './generator';
import { buildLineItems, type LineItem } from './line-items';
import { money, moneySet } from './money';
import { orderLife, type OrderMeta } from './order-meta';
import type { ProductGenerator } from './products';
import { ORDER_QUIRKS } from './quirks';
import { Rng, rngFor, Tag } from './prng';
import { addTag, joinTags, type LineBreak } from './text';
import { DAY_MS } from './time';

const SHOP_ID = 54_838_000_921;
const LOCATION_ID = 61_200_000_001;

export type Order = ReturnType<OrderGenerator['build']>;

export class OrderGenerator implements ResourceGenerator<Order, OrderMeta> {
  readonly timeline;
  readonly ids;

  constructor(
    private readonly ctx: GenContext,
    readonly baseCount: number,
    private readonly products: ProductGenerator,
    private readonly customers: CustomerGenerator,
  ) {
    this.timeline = ctx.timelines.orders;
    this.ids = ctx.ids.orders;
  }

  meta(i: number): OrderMeta {
    return orderLife(this.timeline.createdMs(i), rngFor(this.ctx.seed, Tag.orders, Tag.meta, i), ORDER_QUIRKS[i] ?? {});
  }

  freshMeta(i: number, nowMs: number): OrderMeta {
    const rng = rngFor(this.ctx.seed, Tag.orders, Tag.meta, i);
    return {
      createdMs: nowMs,
      updatedMs: nowMs,
      closedMs: null,
      cancelledMs: null,
      financial: rng.chance(0.85) ? 'paid' : 'pending',
      fulfillment: null,
      fulfilledMs: null,
      refundMs: null,
      cancelReason: null,
    };
  }

  build(i: number, meta: OrderMeta) {
    const { ctx } = this;
    const q = ORDER_QUIRKS[i] ?? {};
    const rng = rngFor(ctx.seed, Tag.orders, Tag.body, i);
    const id = this.ids.at(i);
    const name = `#${1001 + i}`;
    const customerIndex = q.guest || rng.chance(0.08) ? -1 : this.pickCustomer(rng, meta.createdMs);
    const customer = customerIndex >= 0 ? this.customers.base(customerIndex) : null;

    const { billing, shipping, country } = this.addresses(rng, customer, q);
    const lines = buildLineItems({
      ctx,
      rng,
      orderIndex: i,
      createdMs: meta.createdMs,
      products: this.products,
      fulfillment: meta.fulfillment,
      deletedProductItem: q.deletedProductItem ?? false,
      customItem: q.customItem ?? false,
      lineBreak: q.lineBreak,
    });
    const shippable = shipping !== null && lines.items.some((li) => li.requires_shipping);

    const discount = q.discount || rng.chance(0.15) ? rng.pick(DISCOUNTS) : null;
    const lineTotal = lines.totalCents;
    const discountCents = !discount
      ? 0
      : discount.type === 'percentage'
        ? Math.round((lineTotal * discount.value) / 100)
        : Math.min(discount.value, lineTotal);
    const items = allocateDiscount(lines.items, lines.lineCents, discountCents);
    const subtotal = lineTotal - discountCents;
    const taxCents = Math.round(subtotal * country.taxRate);
    const shippingLine = shippable ? pickShipping(rng, subtotal, country) : null;
    const shippingCents = shippingLine?.cents ?? 0;
    const total = subtotal + taxCents + shippingCents;

    const foreign = country.currency !== ctx.shopCurrency && rng.chance(0.35);
    const presentment = foreign ? country.currency : ctx.shopCurrency;
    const rate = foreign ? country.rate : 1;
    const set = (cents: number) => moneySet(cents, ctx.shopCurrency, presentment, rate);
    const gateway = rng.weighted(GATEWAYS);
    const sourceName = rng.weighted(SOURCE_NAMES);
    const token = rng.hex(32);
    const email = customer ? (customer.email ?? '') : rng.chance(0.9) ? `guest.${i + 1}@example.net` : '';
    const unpaid = meta.financial === 'pending' || meta.financial === 'authorized';
    const createdAt = ctx.ts(meta.createdMs);

    return {
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      browser_ip: sourceName === 'web' ? `203.0.113.${rng.int(1, 254)}` : null,
      buyer_accepts_marketing: rng.chance(0.3),
      cancel_reason: meta.cancelReason,
      cancelled_at: meta.cancelledMs === null ? null : ctx.ts(meta.cancelledMs),
      closed_at: meta.closedMs === null ? null : ctx.ts(meta.closedMs),
      confirmation_number: rng.hex(9).toUpperCase(),
      confirmed: true,
      contact_email: email || null,
      created_at: createdAt,
      currency: ctx.shopCurrency,
      customer_locale: rng.weighted([
        ['en', 80],
        ['fr', 6],
        ['de', 6],
        ['ja', 4],
        ['es', 4],
      ]),
      discount_codes: discount
        ? [{ code: discount.code, amount: money(discountCents), type: discount.type }]
        : ([] as { code: string; amount: string; type: string }[]),
      email,
      estimated_taxes: false,
      financial_status: meta.financial,
      fulfillment_status: meta.fulfillment,
      landing_site: sourceName === 'web' ? rng.pick(['/', '/collections/all', '/products/gift-card?ref=ig']) : null,
      name,
      note: q.lineBreak
        ? `Leave at the back door${q.lineBreak}Ring twice`
        : (q.note ?? (rng.chance(0.12) ? rng.pick(ORDER_NOTES) : null)),
      note_attributes: rng.chance(0.05) ? [{ name: 'gift_message', value: 'Happy birthday, "Sam"!\nLove, Jo' }] : [],
      number: i + 1,
      order_number: 1001 + i,
      order_status_url: `https://${ctx.shopName}.myshopify.com/${SHOP_ID}/orders/${token}/authenticate?key=${rng.hex(32)}`,
      payment_gateway_names: [gateway],
      phone: customer?.phone ?? null,
      presentment_currency: presentment,
      processed_at: createdAt,
      referring_site: rng.weighted([
        [null, 50],
        ['', 10],
        ['https://www.google.com/', 25],
        ['https://l.instagram.com/', 15],
      ]),
      source_name: sourceName,
      subtotal_price: money(subtotal),
      subtotal_price_set: set(subtotal),
      tags: q.lineBreak
        ? `gift${q.lineBreak}wrap`
        : rng.chance(0.25)
          ? joinTags(ORDER_TAGS.filter(() => rng.chance(0.25)))
          : '',
      tax_lines: taxCents
        ? [{ price: money(taxCents), rate: country.taxRate, title: country.taxTitle, price_set: set(taxCents) }]
        : [],
      taxes_included: false,
      test: false,
      token,
      total_discounts: money(discountCents),
      total_discounts_set: set(discountCents),
      total_line_items_price: money(lineTotal),
      total_line_items_price_set: set(lineTotal),
      total_outstanding: money(unpaid ? total : 0),
      total_price: money(total),
      total_price_set: set(total),
      total_shipping_price_set: set(shippingCents),
      total_tax: money(taxCents),
      total_tax_set: set(taxCents),
      total_tip_received: '0.00',
      total_weight: lines.grams,
      updated_at: ctx.ts(meta.updatedMs),
      user_id: sourceName === 'pos' ? 8_600_000_000 + rng.int(1, 9) : null,
      billing_address: billing,
      customer: customer ? embedCustomer(customer) : null,
      discount_applications: discount
        ? [
            {
              target_type: 'line_item',
              type: 'discount_code',
              value: discount.type === 'percentage' ? `${discount.value}.0` : money(discount.value),
              value_type: discount.type,
              allocation_method: 'across',
              target_selection: 'all',
              code: discount.code,
            },
          ]
        : [],
      fulfillments: this.fulfillments(rng, i, id, name, meta, shippable),
      line_items: items,
      payment_terms: null,
      refunds: this.refunds(rng, i, id, meta, total, gateway),
      shipping_address: shipping,
      shipping_lines: shippingLine
        ? [
            {
              id: ctx.ids.shippingLines.at(i, 0),
              carrier_identifier: null,
              code: shippingLine.title,
              discounted_price: money(shippingCents),
              price: money(shippingCents),
              price_set: set(shippingCents),
              source: 'shopify',
              title: shippingLine.title,
            },
          ]
        : [],
    };
  }

  /** Recent sign-ups place first orders; a few loyal early customers place many. */
  private pickCustomer(rng: Rng, createdMs: number): number {
    const known = this.ctx.timelines.customers.firstAfter(createdMs);
    if (known === 0) return -1;
    const r = rng.next();
    const u = rng.next();
    if (r < 0.45) return known - 1 - Math.floor(u * Math.min(known, 3));
    if (r < 0.75) return Math.floor(known * u * u * u);
    return Math.floor(known * u);
  }

  private addresses(
    rng: Rng,
    customer: Customer | null,
    q: { cjkShipping?: boolean; noShipping?: boolean; lineBreak?: LineBreak },
  ) {
    const home = customer?.default_address;
    const first = customer?.first_name ?? rng.pick(['Alex', 'Sam', 'Jordan', 'Chris', 'Taylor']);
    const last = customer ? customer.last_name : rng.pick(['Lee', 'Morgan', 'Rivera', 'Schultz']);
    const homeCountry: Country =
      (home && COUNTRIES.find((c) => c.code === home.country_code)) || rng.weighted(COUNTRY_WEIGHTS);
    const billingPlace = home ? placeOf(home) : randomPlace(rng, homeCountry);
    const billing = orderAddress(billingPlace, first, last);
    let shipping: OrderAddress | null = billing;
    let country = homeCountry;
    if (q.cjkShipping) {
      country = COUNTRIES.find((c) => c.code === 'JP') ?? homeCountry;
      shipping = {
        ...orderAddress(randomPlace(rng, country), '花子', '佐藤'),
        address1: '神宮前 4-5-6',
        city: '渋谷区',
      };
    } else if (q.noShipping || (rng.chance(0.05) && !q.lineBreak)) {
      shipping = null;
    } else if (rng.chance(0.15)) {
      country = rng.weighted(COUNTRY_WEIGHTS);
      const giftName = rng.pick([
        ['Kim', 'Nguyễn'],
        ['Renée', 'Dubois'],
        ['Ana 🌻', 'Silva'],
        ['Jo', null],
      ] as const);
      shipping = orderAddress(randomPlace(rng, country), giftName[0], giftName[1]);
    }
    if (shipping) shipping = brokenPlace(shipping, q.lineBreak);
    return { billing, shipping, country };
  }

  private fulfillments(rng: Rng, i: number, orderId: number, name: string, meta: OrderMeta, shippable: boolean) {
    if (meta.fulfilledMs === null) return [];
    const id = this.ctx.ids.fulfillments.at(i, 0);
    const [company, url] = rng.pick(TRACKING_COMPANIES);
    const number = shippable ? `1Z${rng.hex(16).toUpperCase()}` : null;
    const updatedMs = Math.min(meta.updatedMs, meta.fulfilledMs + rng.int(0, 5) * DAY_MS);
    return [
      {
        id,
        admin_graphql_api_id: `gid://shopify/Fulfillment/${id}`,
        created_at: this.ctx.ts(meta.fulfilledMs),
        location_id: LOCATION_ID,
        name: `${name}.1`,
        order_id: orderId,
        service: 'manual',
        shipment_status: shippable ? rng.pick([null, 'in_transit', 'delivered', 'delivered']) : null,
        status: 'success',
        tracking_company: shippable ? company : null,
        tracking_number: number,
        tracking_numbers: number ? [number] : [],
        tracking_url: number ? `${url}${number}` : null,
        tracking_urls: number ? [`${url}${number}`] : [],
        updated_at: this.ctx.ts(updatedMs),
        line_items: [],
      },
    ];
  }

  private refunds(rng: Rng, i: number, orderId: number, meta: OrderMeta, totalCents: number, gateway: string) {
    if (meta.refundMs === null) return [];
    const id = this.ctx.ids.refunds.at(i, 0);
    const transactionId = this.ctx.ids.transactions.at(i, 0);
    const amount =
      meta.financial === 'refunded'
        ? totalCents
        : Math.max(1, Math.min(totalCents - 1, Math.round(totalCents * (0.1 + rng.next() * 0.5))));
    const at = this.ctx.ts(meta.refundMs);
    return [
      {
        id,
        admin_graphql_api_id: `gid://shopify/Refund/${id}`,
        created_at: at,
        note: rng.pick(REFUND_NOTES),
        order_id: orderId,
        processed_at: at,
        restock: rng.chance(0.4),
        user_id: null,
        order_adjustments: [],
        transactions: [
          {
            id: transactionId,
            admin_graphql_api_id: `gid://shopify/OrderTransaction/${transactionId}`,
            amount: money(amount),
            authorization: null,
            created_at: at,
            currency: this.ctx.shopCurrency,
            gateway,
            kind: 'refund',
            message: 'Refunded',
            order_id: orderId,
            parent_id: null,
            processed_at: at,
            status: 'success',
            test: false,
          },
        ],
        refund_line_items: [],
      },
    ];
  }

  mutate(record: Order, meta: OrderMeta, nowMs: number, rng: Rng): { record: Order; meta: OrderMeta } {
    const paidNow = meta.financial === 'pending' || meta.financial === 'authorized';
    const financial = paidNow ? 'paid' : meta.financial;
    return {
      record: {
        ...record,
        financial_status: financial,
        total_outstanding: paidNow ? '0.00' : record.total_outstanding,
        tags: addTag(record.tags, rng.pick(['reviewed', 'vip', 'priority'])),
        note: record.note ?? 'Customer asked to change the address, "Apt 5B", ring twice',
        updated_at: this.ctx.ts(nowMs),
      },
      meta: { ...meta, financial, updatedMs: nowMs },
    };
  }
}

function embedCustomer(c: Customer) {
  const embedded: Partial<Customer> = {
    id: c.id,
    email: c.email,
    created_at: c.created_at,
    updated_at: c.updated_at,
    first_name: c.first_name,
    last_name: c.last_name,
    state: c.state,
    note: c.note,
    verified_email: c.verified_email,
    multipass_identifier: c.multipass_identifier,
    tax_exempt: c.tax_exempt,
    phone: c.phone,
    email_marketing_consent: c.email_marketing_consent,
    sms_marketing_consent: c.sms_marketing_consent,
    tags: c.tags,
    currency: c.currency,
    tax_exemptions: c.tax_exemptions,
    admin_graphql_api_id: c.admin_graphql_api_id,
  };
  if (c.default_address) embedded.default_address = c.default_address;
  return embedded;
}

/** Spreads the order discount over the (freshly built) items in proportion to their totals. */
function allocateDiscount(items: LineItem[], lineCents: number[], discountCents: number): LineItem[] {
  const total = lineCents.reduce((a, b) => a + b, 0);
  let left = discountCents;
  items.forEach((item, k) => {
    const share = k === items.length - 1 ? left : Math.round((discountCents * lineCents[k]) / Math.max(1, total));
    left -= share;
    if (!share) return;
    item.total_discount = money(share);
    item.discount_allocations = [{ amount: money(share), discount_application_index: 0 }];
  });
  return items;
}

function pickShipping(rng: Rng, subtotalCents: number, country: Country): { title: string; cents: number } {
  if (country.code !== 'US') return { title: 'International Shipping', cents: 1999 };
  if (subtotalCents >= 7500) return { title: 'Free Shipping', cents: 0 };
  return rng.weighted([
    [{ title: 'Standard', cents: 499 }, 70],
    [{ title: 'Express', cents: 999 }, 22],
    [{ title: 'Overnight', cents: 1499 }, 8],
  ]);
}

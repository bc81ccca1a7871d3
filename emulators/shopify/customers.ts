import { brokenPlace, customerAddress, randomPlace, type CustomerAddress } from './addresses';
import { COUNTRIES, COUNTRY_WEIGHTS, type Country } from './catalog-geo';
import { CUSTOMER_NOTES, CUSTOMER_TAGS, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES } from './catalog-people';
import type { GenContext } from './context';
import type { Meta, ResourceGenerator } from './generator';
import { money } from './money';
import { CUSTOMER_QUIRKS } from './quirks';
import { Rng, rngFor, Tag } from './prng';
import { BoundedCache, addTag, asciiSlug, joinTags } from './text';
import { ANCHOR_MS, MAX_UPDATE_DELAY_MS, floorToSecond } from './time';

type Consent = {
  state: string;
  opt_in_level: string;
  consent_updated_at: string | null;
};

export type Customer = {
  id: number;
  email: string | null;
  created_at: string;
  updated_at: string;
  first_name: string | null;
  last_name: string | null;
  orders_count: number;
  state: 'enabled' | 'disabled' | 'invited';
  total_spent: string;
  last_order_id: number | null;
  note: string | null;
  verified_email: boolean;
  multipass_identifier: null;
  tax_exempt: boolean;
  tags: string;
  last_order_name: string | null;
  currency: string;
  phone: string | null;
  addresses: CustomerAddress[];
  tax_exemptions: never[];
  email_marketing_consent: Consent | null;
  sms_marketing_consent: (Consent & { consent_collected_from: string }) | null;
  admin_graphql_api_id: string;
  default_address?: CustomerAddress;
};

export class CustomerGenerator implements ResourceGenerator<Customer> {
  readonly timeline;
  readonly ids;
  private readonly cache = new BoundedCache<number, Customer>(4096);

  constructor(
    private readonly ctx: GenContext,
    readonly baseCount: number,
  ) {
    this.timeline = ctx.timelines.customers;
    this.ids = ctx.ids.customers;
  }

  meta(i: number): Meta {
    const createdMs = this.timeline.createdMs(i);
    const budget = Math.min(MAX_UPDATE_DELAY_MS, Math.max(0, ANCHOR_MS - createdMs));
    const u = rngFor(this.ctx.seed, Tag.customers, Tag.meta, i).next();
    // Most customers are touched again soon after signing up (first order, consent changes).
    return { createdMs, updatedMs: floorToSecond(createdMs + budget * u * u), closedMs: null, cancelledMs: null };
  }

  freshMeta(_i: number, nowMs: number): Meta {
    return { createdMs: nowMs, updatedMs: nowMs, closedMs: null, cancelledMs: null };
  }

  /** The unchanged generated customer, memoised because orders embed it. */
  base(i: number): Customer {
    return this.cache.get(i, () => this.build(i, this.meta(i)));
  }

  build(i: number, meta: Meta): Customer {
    const { ctx } = this;
    const q = CUSTOMER_QUIRKS[i] ?? {};
    const rng = rngFor(ctx.seed, Tag.customers, Tag.body, i);
    const id = this.ids.at(i);
    const country: Country =
      (q.country && COUNTRIES.find((c) => c.code === q.country)) || rng.weighted(COUNTRY_WEIGHTS);
    const br = q.lineBreak;
    const drawnFirst = q.firstName ?? rng.pick(FIRST_NAMES);
    const first = br ? `${drawnFirst}${br}Lou` : drawnFirst;
    const drawnLast = rng.chance(0.04) ? null : rng.pick(LAST_NAMES);
    const last = br ? `${drawnLast ?? 'Berg'}${br}Lund` : q.lastName !== undefined ? q.lastName : drawnLast;
    const drawnEmail = rng.chance(0.05) ? null : this.email(rng, first, last, i);
    const email = q.email === null ? null : drawnEmail;
    const drawnPhone = rng.chance(0.45) ? null : `${country.phonePrefix}${rng.digits(10)}`;
    const phone = q.phone === null ? null : drawnPhone;
    const ordersCount = rng.weighted([
      [0, 15],
      [1, 45],
      [rng.int(2, 3), 25],
      [rng.int(4, 14), 15],
    ]);
    const lastOrderIndex = this.lastOrderIndex(rng, meta.updatedMs);
    const hasLastOrder = ordersCount > 0 && lastOrderIndex >= 0;
    const addressCount =
      q.noAddress || (rng.chance(0.06) && !br)
        ? 0
        : rng.weighted([
            [1, 75],
            [2, 18],
            [3, 7],
          ]);
    const addresses = Array.from({ length: addressCount }, (_, k) =>
      customerAddress(
        brokenPlace(randomPlace(rng, k === 0 ? country : rng.weighted(COUNTRY_WEIGHTS)), k === 0 ? br : undefined),
        { id: ctx.ids.addresses.at(i, k), customer_id: id },
        first,
        last,
        k === 0,
      ),
    );
    const consentAt = ctx.ts(meta.createdMs);
    const customer: Customer = {
      id,
      email,
      created_at: ctx.ts(meta.createdMs),
      updated_at: ctx.ts(meta.updatedMs),
      first_name: first,
      last_name: last,
      orders_count: ordersCount,
      state: rng.weighted<Customer['state']>([
        ['enabled', 62],
        ['disabled', 31],
        ['invited', 7],
      ]),
      total_spent: money(ordersCount * rng.int(1500, 14000)),
      last_order_id: hasLastOrder ? ctx.ids.orders.at(lastOrderIndex) : null,
      note: br
        ? `Call before delivery${br}Leave with the neighbour`
        : (q.note ?? (rng.chance(0.2) ? rng.pick(CUSTOMER_NOTES) : null)),
      verified_email: email !== null && rng.chance(0.93),
      multipass_identifier: null,
      tax_exempt: rng.chance(0.03),
      tags: br ? `spring${br}drop` : joinTags(CUSTOMER_TAGS.filter(() => rng.chance(0.12))),
      last_order_name: hasLastOrder ? `#${1001 + lastOrderIndex}` : null,
      currency: ctx.shopCurrency,
      phone,
      addresses,
      tax_exemptions: [],
      email_marketing_consent:
        email === null
          ? null
          : rng.weighted<Consent>([
              [{ state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: consentAt }, 35],
              [{ state: 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null }, 50],
              [{ state: 'unsubscribed', opt_in_level: 'single_opt_in', consent_updated_at: consentAt }, 10],
              [{ state: 'pending', opt_in_level: 'confirmed_opt_in', consent_updated_at: null }, 5],
            ]),
      sms_marketing_consent:
        phone === null
          ? null
          : {
              state: rng.chance(0.3) ? 'subscribed' : 'not_subscribed',
              opt_in_level: 'single_opt_in',
              consent_updated_at: null,
              consent_collected_from: 'OTHER',
            },
      admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    };
    // Shopify omits default_address entirely for customers without addresses.
    if (addresses.length) customer.default_address = addresses[0];
    return customer;
  }

  private email(rng: Rng, first: string, last: string | null, i: number): string {
    const name = [asciiSlug(first, '.'), last ? asciiSlug(last, '.') : ''].filter(Boolean).join('.') || 'customer';
    return `${name}${i + 1}@${rng.pick(EMAIL_DOMAINS)}`;
  }

  /** An order placed before this customer was last updated, or -1 when none exists. */
  private lastOrderIndex(rng: Rng, updatedMs: number): number {
    const before = this.ctx.timelines.orders.firstAfter(updatedMs);
    return before === 0 ? -1 : before - 1 - Math.floor(rng.next() * Math.min(before, 20));
  }

  mutate(record: Customer, meta: Meta, nowMs: number, rng: Rng): { record: Customer; meta: Meta } {
    const spent = Math.round(Number(record.total_spent) * 100) + rng.int(1500, 9000);
    return {
      record: {
        ...record,
        note: 'Updated: prefers SMS, "no calls" please',
        tags: addTag(record.tags, 'returning'),
        orders_count: record.orders_count + 1,
        total_spent: money(spent),
        state: 'enabled',
        updated_at: this.ctx.ts(nowMs),
      },
      meta: { ...meta, updatedMs: nowMs },
    };
  }
}

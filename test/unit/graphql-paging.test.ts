import { parse, validate } from 'graphql';
import { countsQuery, drainQuery, pageQuery, updatedSince } from '../../activities/shopify/graphql/query-builder';
import {
  connection,
  list,
  MAX_QUERY_COST,
  nestedConnections,
  nodeCost,
  object,
  pageSizeFor,
} from '../../activities/shopify/graphql/selection';
import { openDatabase } from '../../activities/store/database';
import { setMetadata } from '../../activities/store/metadata';
import { redactCustomer } from '../../activities/store/redaction';
import {
  type ApiRecord,
  RESOURCES,
  resourceSpec,
  SHOP_TIME_ZONE_KEY,
  shopTime,
  type TableSpec,
} from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { findOperation, queryCost } from '../../emulators/shopify/graphql/cost';
import { adminSchema } from '../../emulators/shopify/graphql/schema';
import { tempDir } from '../helpers/tmp';

/** The paged GraphQL source's pure parts: documents and their cost, and how a GraphQL node becomes rows. */

/** The emulator's independent cost calculation (graphql-js over Shopify's schema), after validating the document. */
function emulatorCost(document: string, variables: Record<string, unknown> = {}): number {
  const doc = parse(document);
  const errors = validate(adminSchema(), doc);
  if (errors.length > 0) throw new Error(`Shopify would reject the query: ${errors.map((e) => e.message).join('; ')}`);
  return queryCost(adminSchema(), doc, findOperation(doc)!, variables);
}

describe('cost-based page sizes', () => {
  it('follow Shopify’s method: objects 1, lists first×object, connections 2 + first×node', () => {
    const variant = ['id', 'title', list('selectedOptions', 'name', 'value'), object('inventoryItem', 'tracked')];
    expect(nodeCost(variant)).toBe(3);
    const product = ['id', connection('variants', 20, ...variant)];
    expect(nodeCost(product)).toBe(1 + 2 + 20 * 3);
    // (1000 − 2) / 63 = 15.8: 15 products a page; a drain inside `product(id:)` costs 1 more.
    expect(pageSizeFor(product)).toBe(15);
    expect(pageSizeFor(variant, 1)).toBe(250);
    expect(() => pageSizeFor(['id', connection('variants', 400, ...variant)])).toThrow(/no page fits/);
  });

  it.each(RESOURCES.map((r) => r.name))(
    '%s: every document validates against the schema and costs what Shopify would compute, at most 1,000',
    (name) => {
      const source = resourceSpec(name).graphql;
      const page = pageQuery(source);
      expect(emulatorCost(page.document, { query: "updated_at:>='2026-01-01T00:00:00Z'" })).toBe(page.cost);
      expect(page.cost).toBeLessThanOrEqual(MAX_QUERY_COST);
      // The largest page that fits: one more node would not.
      expect(page.first === 250 || page.cost + nodeCost(source.select) > MAX_QUERY_COST).toBe(true);
      for (const nested of nestedConnections(source.select)) {
        const drain = drainQuery(source, nested);
        expect(emulatorCost(drain.document, { id: 'gid://shopify/Order/1', after: 'x' })).toBe(drain.cost);
        expect(drain.cost).toBeLessThanOrEqual(MAX_QUERY_COST);
      }
    },
  );

  it('asks every resource’s counts in one document, 1 point each, two per resource as the plan does', () => {
    const fields = RESOURCES.flatMap((r) => [
      { alias: r.name, source: r.graphql },
      { alias: `${r.name}Newer`, source: r.graphql },
    ]);
    const counts = countsQuery(fields);
    const variables = Object.fromEntries(
      fields.map((_, k) => [counts.variable(k), "updated_at:>'2026-01-01T00:00:00Z'"]),
    );
    expect(emulatorCost(counts.document, variables)).toBe(counts.cost);
    expect(counts.cost).toBe(2 * RESOURCES.length);
    expect(counts.document).toContain('ordersNewer: ordersCount(query: $q5, limit: null)');
  });

  it('pages the orders by ten, with ten line items each, and drains a 300-item order in three more queries', () => {
    const orders = resourceSpec('orders').graphql;
    expect(pageQuery(orders).first).toBe(10);
    const lineItems = nestedConnections(orders.select).find((c) => c.field === 'lineItems')!;
    expect(lineItems.pageSize).toBe(10);
    expect(drainQuery(orders, lineItems).first).toBe(142); // (1000 − 3) / 7
  });

  it('filters by updated_at in Shopify’s search syntax, quoted, in UTC', () => {
    expect(updatedSince(null)).toBeNull();
    expect(updatedSince('2026-06-29T08:58:57-04:00')).toBe("updated_at:>='2026-06-29T12:58:57Z'");
  });
});

const tz = 'America/New_York';
const money = (amount: string) => ({ shopMoney: { amount } });

function order(overrides: ApiRecord = {}): ApiRecord {
  return {
    id: 'gid://shopify/Order/5100000000066',
    legacyResourceId: '5100000000066',
    name: '#1001',
    number: 1001,
    customer: { id: 'gid://shopify/Customer/62', legacyResourceId: '62' },
    email: 'ann@example.com',
    displayFinancialStatus: 'PARTIALLY_REFUNDED',
    displayFulfillmentStatus: 'PARTIALLY_FULFILLED',
    currencyCode: 'USD',
    totalPriceSet: money('165.70'),
    subtotalPriceSet: money('154.50'),
    totalTaxSet: money('11.20'),
    totalDiscountsSet: money('15.45'),
    totalShippingPriceSet: money('0.00'),
    discountCodes: ['WELCOME10'],
    shippingAddress: {
      country: 'Canada',
      countryCodeV2: 'CA',
      province: 'Ontario',
      provinceCode: 'ON',
      city: 'Ottawa',
      zip: 'K1A',
    },
    sourceName: 'web',
    tags: ['gift', 'vip'],
    note: 'ring twice',
    customAttributes: [{ key: 'gift_message', value: 'Love, Jo' }],
    cancelReason: null,
    cancelledAt: null,
    closedAt: null,
    processedAt: '2026-01-15T15:00:00Z',
    createdAt: '2026-01-15T15:00:00Z',
    updatedAt: '2026-07-01T15:00:00Z',
    fulfillments: [
      {
        id: 'gid://shopify/Fulfillment/9',
        legacyResourceId: '9',
        status: 'SUCCESS',
        trackingInfo: [{ company: 'UPS', number: '1Z999' }],
        createdAt: '2026-01-16T10:00:00Z',
        updatedAt: '2026-01-16T10:00:00Z',
      },
    ],
    refunds: [
      {
        id: 'gid://shopify/Refund/7',
        legacyResourceId: '7',
        note: 'broken',
        createdAt: '2026-01-20T10:00:00Z',
        totalRefundedSet: money('20.00'),
      },
    ],
    discountApplications: {
      nodes: [{ targetType: 'LINE_ITEM', code: 'WELCOME10', value: { percentage: 10 } }],
    },
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/14300000004394',
          product: { id: 'gid://shopify/Product/73', legacyResourceId: '73' },
          variant: null,
          title: 'Chai',
          variantTitle: '50g',
          sku: 'TEA-1',
          vendor: 'Tea Room',
          quantity: 3,
          originalUnitPriceSet: money('30.50'),
          totalDiscountSet: money('3.05'),
          fulfillmentStatus: 'unfulfilled',
          isGiftCard: false,
          taxable: true,
          customAttributes: [{ key: 'engraving', value: 'Ann' }],
        },
        {
          id: 'gid://shopify/LineItem/14300000004395',
          product: null,
          variant: null,
          title: 'Mug',
          quantity: 1,
          originalUnitPriceSet: money('63.005'),
          totalDiscountSet: money('0.00'),
          fulfillmentStatus: 'fulfilled',
          isGiftCard: false,
          taxable: false,
        },
      ],
    },
    ...overrides,
  };
}

function row(table: TableSpec, record: ApiRecord, parent: ApiRecord = record): Record<string, unknown> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.from(record, parent)]));
}

describe('GraphQL nodes as rows', () => {
  const spec = resourceSpec('orders', tz);

  it('maps ids, money, statuses, tags and timestamps to the values REST stored', () => {
    const o = order();
    expect(row(spec.table, o)).toMatchObject({
      id: 5100000000066,
      order_number: 1001,
      customer_id: 62,
      financial_status: 'partially_refunded',
      fulfillment_status: 'partial',
      total_price: '165.70',
      // 3 × 30.50 + 63.005, exactly
      total_line_items_price: '154.505',
      total_refunded: '20.00',
      discount_codes: 'WELCOME10',
      shipping_country_code: 'CA',
      shipping_province_code: 'ON',
      tags: 'gift, vip',
      // New York is UTC−5 in January and UTC−4 in July: the offset of the instant, as REST wrote it.
      created_at: '2026-01-15T10:00:00-05:00',
      updated_at: '2026-07-01T11:00:00-04:00',
      first_fulfilled_at: '2026-01-16T05:00:00-05:00',
      cancelled_at: null,
    });
    const [lineItems, fulfillments, refunds, codes] = spec.children;
    const items = lineItems.rows(o);
    expect(row(lineItems, items[0], o)).toMatchObject({
      id: 14300000004394,
      order_id: 5100000000066,
      product_id: 73,
      variant_id: null,
      price: '30.50',
      total_discount: '3.05',
      fulfillment_status: null,
      gift_card: 0,
      taxable: 1,
    });
    expect(row(fulfillments, fulfillments.rows(o)[0], o)).toMatchObject({
      id: 9,
      status: 'success',
      tracking_company: 'UPS',
      tracking_number: '1Z999',
    });
    expect(row(refunds, refunds.rows(o)[0], o)).toMatchObject({
      id: 7,
      amount: '20.00',
      processed_at: '2026-01-20T05:00:00-05:00',
    });
    expect(codes.rows(o).map((code) => row(codes, code, o))).toEqual([
      { order_id: 5100000000066, position: 1, code: 'WELCOME10', amount: '15.45', type: 'percentage' },
    ]);
  });

  it('maps the fulfillment statuses REST did not have to its null, and a fixed or shipping code to REST’s type', () => {
    const status = (s: string) => row(spec.table, order({ displayFulfillmentStatus: s })).fulfillment_status;
    expect(['FULFILLED', 'RESTOCKED', 'UNFULFILLED', 'ON_HOLD', 'IN_PROGRESS'].map(status)).toEqual([
      'fulfilled',
      'restocked',
      null,
      null,
      null,
    ]);
    const codes = spec.children[3];
    const two = order({
      discountApplications: {
        nodes: [
          { targetType: 'LINE_ITEM', code: 'SAVE5', value: { amount: '5.00' } },
          { targetType: 'SHIPPING_LINE', code: 'FREESHIP', value: { percentage: 100 } },
          { targetType: 'LINE_ITEM', value: { amount: '1.00' } }, // an automatic discount: no code
        ],
      },
    });
    expect(codes.rows(two).map((code) => row(codes, code, two))).toEqual([
      { order_id: 5100000000066, position: 1, code: 'SAVE5', amount: null, type: 'fixed_amount' },
      { order_id: 5100000000066, position: 2, code: 'FREESHIP', amount: null, type: 'shipping' },
    ]);
  });

  it('writes timestamps as REST did for any zone, and keeps UTC without one', () => {
    expect(shopTime('2026-03-01T10:00:00Z', 'Etc/GMT+4')).toBe('2026-03-01T06:00:00-04:00');
    expect(shopTime('2026-03-01T10:00:00Z', 'Asia/Kolkata')).toBe('2026-03-01T15:30:00+05:30');
    expect(shopTime('2026-03-01T10:00:00Z', 'Etc/UTC')).toBe('2026-03-01T10:00:00+00:00');
    expect(shopTime('2026-03-01T10:00:00Z', null)).toBe('2026-03-01T10:00:00Z');
    expect(shopTime(null, tz)).toBeNull();
  });

  it('gives the time zone database’s local time and offset around every transition, odd offsets included', () => {
    /** Independently: Intl's own wall-clock parts for the instant. */
    const formats = new Map<string, Intl.DateTimeFormat>();
    const formatFor = (zone: string) =>
      formats.get(zone) ??
      formats
        .set(
          zone,
          new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            timeZoneName: 'longOffset',
          }),
        )
        .get(zone)!;
    const expected = (ms: number, zone: string) => {
      const parts = Object.fromEntries(
        formatFor(zone)
          .formatToParts(ms)
          .map((part) => [part.type, part.value]),
      );
      const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
    };
    const zones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'];
    const wrong: string[] = [];
    let checked = 0;
    const check = (ms: number, zone: string) => {
      const want = expected(ms, zone);
      const got = shopTime(new Date(ms).toISOString(), zone);
      if (got !== want && wrong.length < 5) wrong.push(`${zone} ${new Date(ms).toISOString()}: ${got}, not ${want}`);
      checked += 1;
      return want.slice(19);
    };
    for (const zone of zones) {
      // Every 5 hours and 13 seconds from 2008 to 2030 lands on both sides of every transition; the 5 hours before
      // each change of offset are checked minute by minute, and their last minute before it second by second.
      let previous: string | null = null;
      for (let ms = Date.UTC(2008, 0, 1); ms < Date.UTC(2030, 0, 1); ms += 5 * 3_600_000 + 13_000) {
        const offset = check(ms, zone);
        if (previous !== null && offset !== previous) {
          let lastBefore = ms - 5 * 3_600_000;
          for (let minute = lastBefore; minute < ms; minute += 60_000) {
            if (check(minute, zone) === previous) lastBefore = minute;
          }
          for (let second = lastBefore; second < lastBefore + 120_000; second += 1000) check(second, zone);
        }
        previous = offset;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  });

  it('erases a customer’s personal data from GraphQL records: raw_json and columns', () => {
    const data = tempDir('gql-erasure-');
    const db = openDatabase(data.dir);
    try {
      upsertRecords(db, resourceSpec('orders', tz), [order()]);
      setMetadata(db, SHOP_TIME_ZONE_KEY, tz); // as the sync keeps it
      redactCustomer(db, { customerId: 62 });
      const stored = db
        .prepare('SELECT email, note, shipping_city, shipping_zip, shipping_country_code, raw_json FROM orders')
        .get() as Record<string, string | null>;
      expect(stored).toMatchObject({
        email: null,
        note: null,
        shipping_city: null,
        shipping_zip: null,
        shipping_country_code: 'CA',
      });
      // The rewrite keeps the shop's offset, as the sync stored it.
      expect(db.prepare('SELECT created_at FROM orders').get()).toEqual({ created_at: '2026-01-15T10:00:00-05:00' });
      const raw = JSON.parse(stored.raw_json!);
      expect(raw.email).toBeNull();
      expect(raw.customAttributes).toBeNull();
      expect(raw.shippingAddress).toEqual({
        country: 'Canada',
        countryCodeV2: 'CA',
        province: 'Ontario',
        provinceCode: 'ON',
      });
      expect(raw.lineItems.nodes[0].customAttributes).toBeNull();
      expect(raw.fulfillments[0].trackingInfo).toBeNull();
      expect(raw.refunds[0].note).toBeNull();
      const tracking = db.prepare('SELECT tracking_number FROM fulfillments').get() as {
        tracking_number: string | null;
      };
      expect(tracking.tracking_number).toBeNull();
      expect(JSON.stringify(raw)).not.toMatch(/ann@example|Ottawa|K1A|ring twice|Love, Jo|1Z999|broken/);
    } finally {
      db.close();
      data.cleanup();
    }
  });
});

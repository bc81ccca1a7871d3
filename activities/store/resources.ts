/**
 * One declaration per Shopify resource: how it is read through the GraphQL Admin API, which tables it fills and how
 * a record becomes rows. The page sync, bulk ingest, the schema, the CSV export and the Sheets push all read these;
 * adding a resource is one entry here.
 *
 * A record is the GraphQL node exactly as the paged query of `graphql.select` returns it (`id` a GID such as
 * `gid://shopify/Order/123`, camelCase, `legacyResourceId` the numeric id as a string). A nested connection holds ALL
 * its children as `{ nodes: [...] }` in Shopify's order (later pages drained and appended, no `pageInfo`, never
 * `edges`). Bulk-operation ingest assembles its JSONL lines into this same shape (children through `__parentId`).
 * The columns keep the values the REST Admin API gave before GraphQL replaced it, so users' reports keep working:
 * numeric ids, money as Shopify's exact decimal strings in the shop's currency, REST's lower-case status values and
 * timestamps in the shop's UTC offset (GraphQL's UTC `DateTime`s are converted with the shop's IANA time zone). The
 * few differences are listed in the README ("How it works") and checked by test/unit/graphql-equivalence.test.ts.
 *
 * Databases written before this version may still hold REST records (numeric `id`, snake_case) until they are read
 * again: upsert.ts never derives rows from those (see `isGraphqlRecord`), and their personal keys stay declared below
 * so an erasure still scrubs them.
 */
import type { ResourceName } from '../../common/contract';
import { formatThousandths } from '../exports/money';
import { connection, list, object, on, type Selection, shopMoney } from '../shopify/graphql/selection';

export type ApiRecord = Record<string, unknown>;
export type SqlType = 'INTEGER' | 'TEXT' | 'REAL';

export interface Column {
  name: string;
  type: SqlType;
  /** Extracts the value from the GraphQL node (child tables also get the parent node). */
  from: (record: ApiRecord, parent: ApiRecord) => unknown;
  /** Money as Shopify writes it: a decimal string, kept as text so no float ever touches it. */
  money?: boolean;
  /** Personal data: empty (null) for a redacted customer and their orders (see `personalData` and redaction.ts). */
  personal?: boolean;
}

export interface TableSpec {
  name: string;
  columns: Column[];
  /**
   * The key rows are upserted (and the main table's records deleted and re-derived) by: `['id']` for Shopify's
   * records, any declared column(s) otherwise. A table with child tables needs a one-column key (their parentKey).
   */
  primaryKey: string[];
  indexes?: string[][];
  /** The table's rows are Shopify records Shopify may delete: how their deletions are found. Absent: never looked for. */
  deletions?: Deletions;
  /** The table's CSV file in DATA_DIR and its worksheet in the Google Sheet; absent: neither exports it. */
  export?: TableExport;
}

/**
 * Destroy events are read with the `events` query's `subjectType` (`ORDER`); their `subjectId`, and the ids of
 * reconciliation's listing, are GIDs of `gidType` (`Order`). A child table is listed through its parent's nested
 * connection `listedBy` (`variants`); one without it is not reconciled.
 */
export interface Deletions {
  subjectType: string;
  gidType: string;
  listedBy?: string;
}

export interface TableExport {
  csv: string;
  worksheet: string;
}

export interface ChildTableSpec extends TableSpec {
  /** Column holding the parent's id: the child rows of a re-fetched parent are replaced as a whole. */
  parentKey: string;
  /** The child records of a parent. */
  rows: (parent: ApiRecord) => ApiRecord[];
}

/** How the resource is read through the GraphQL Admin API. */
export interface GraphqlSource {
  /** The root connection: `orders(first:, after:, query:, sortKey:)`. */
  connection: string;
  /** Its count field for the ETA: `ordersCount(query:)`. */
  count: string;
  /** The root field reading one record by GID, for draining a nested connection: `order(id:)`. */
  single: string;
  /** One node's selection: every field a column or child table reads (nested connections with their page size). */
  select: Selection;
  /** What an incremental sync reads by; the selection must include `field`. */
  incremental: Incremental;
  /** The GraphQL type(s) of each nested connection's nodes, by field: bulk results attach their lines by them. */
  nestedTypes?: Record<string, NestedTypes>;
}

/** Node types of a nested connection; `hasId: false` for nodes without an `id` (typed by `__typename` in bulk). */
export interface NestedTypes {
  types: string[];
  hasId: boolean;
}

/** The node's field (`updatedAt`), its name in the search syntax (`updated_at`) and the sort key (`UPDATED_AT`). */
export interface Incremental {
  field: string;
  search: string;
  sortKey: string;
}

/** Shopify's last-change timestamp, the same for every resource synced so far. */
const UPDATED_AT: Incremental = { field: 'updatedAt', search: 'updated_at', sortKey: 'UPDATED_AT' };

export interface ResourceSpec {
  name: ResourceName;
  graphql: GraphqlSource;
  table: TableSpec;
  children: ChildTableSpec[];
  /** Where a record holds a customer's personal data, for erasure: see PersonalData. */
  personalData?: PersonalData;
  /** The shop's IANA time zone GraphQL timestamps are stored in (null: UTC, as GraphQL gives them). */
  timeZone: string | null;
}

/** `metadata` key of the shop's time zone, kept so that rewriting stored GraphQL records (erasure) uses it too. */
export const SHOP_TIME_ZONE_KEY = 'shop:iana_timezone';

/**
 * Personal keys of a raw record, as a tree: `drop` blanks the value (null), `address` keeps only an address's
 * geography (country, province and their codes: the Geographic dashboard's figures), a nested tree applies to an
 * object or to each element of an array. What the rows' columns show is derived from the scrubbed record, and the
 * columns marked `personal` are blanked on top, so a column reading a key missing here still comes out empty.
 * One tree covers both shapes: GraphQL's camelCase keys, and REST's snake_case ones for records stored before the
 * REST client was removed (they stay until read again, and an erasure must still reach them).
 */
export type PersonalKeys = { [key: string]: 'drop' | 'address' | PersonalKeys };

export interface PersonalData {
  keys: PersonalKeys;
  /** The ids whose redaction covers a record: [resource, id] pairs looked up in the `redactions` table. */
  owners: (record: ApiRecord) => Array<[ResourceName, unknown]>;
}

// ---- GraphQL nodes, and REST records left from earlier versions ----

const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)$/;

/** A GraphQL node (its `id` is a GID) rather than a REST record (numeric `id`). */
export function isGraphqlRecord(record: ApiRecord | null | undefined): boolean {
  return typeof record?.id === 'string' && record.id.startsWith('gid://');
}

/**
 * The numeric id of a record in either shape: REST's `id`, or GraphQL's `legacyResourceId` (or the GID's number, for
 * types without one, such as LineItem). Anything else is returned as it is, for the upsert to refuse.
 */
export function recordId(record: ApiRecord | null | undefined): unknown {
  if (!record) return null;
  if (!isGraphqlRecord(record)) return record.id ?? null;
  const legacy = record.legacyResourceId;
  if (typeof legacy === 'string' && /^\d+$/.test(legacy)) return Number(legacy);
  const match = GID.exec(record.id as string);
  return match ? Number(match[1]) : record.id;
}

/** When a record was last updated: its declared incremental field (GraphQL `updatedAt`, UTC). */
export function recordUpdatedAt(record: ApiRecord, incremental: Incremental = UPDATED_AT): string | null {
  const value = record[incremental.field];
  return typeof value === 'string' ? value : null;
}

// ---- helpers that keep the declarations one line per column ----

type Reader = (record: ApiRecord, parent: ApiRecord) => unknown;

/** A reader for a dotted path (`shipping_address.country_code`), split once rather than on every record. */
function reader(path: string): (record: ApiRecord) => unknown {
  const keys = path.split('.');
  if (keys.length === 1) return (record) => (record as ApiRecord | null)?.[path] ?? null;
  return (record) => {
    let value: unknown = record;
    for (const key of keys) {
      if (value === null || typeof value !== 'object') return null;
      value = (value as ApiRecord)[key];
    }
    return value ?? null;
  };
}

const asReader = (how: string | Reader): Reader => (typeof how === 'string' ? reader(how) : how);

/** A column read from the node's field `from` (a dotted path or a function); the column's own name by default. */
const text = (name: string, from: string | Reader = name): Column => ({ name, type: 'TEXT', from: asReader(from) });
const int = (name: string, from: string | Reader = name): Column => ({ name, type: 'INTEGER', from: asReader(from) });
/** GraphQL's money is mostly `…Set.shopMoney.amount`, or a bare `Money` scalar (a variant's price). */
const money = (name: string, from: string | Reader): Column => ({
  name,
  type: 'TEXT',
  money: true,
  from: asReader(from),
});
const personal = (column: Column): Column => ({ ...column, personal: true });
const bool = (name: string, from: string | Reader = name): Column => {
  const read = asReader(from);
  return {
    name,
    type: 'INTEGER',
    from: (r, p) => {
      const value = read(r, p);
      return value === null ? null : value ? 1 : 0;
    },
  };
};
const id: Column = { name: 'id', type: 'INTEGER', from: (r) => recordId(r) };
const parentId = (name: string): Column => ({ name, type: 'INTEGER', from: (_r, parent) => recordId(parent) });
const rawJson: Column = { name: 'raw_json', type: 'TEXT', from: (r) => JSON.stringify(r) };
/** The nodes of a nested connection (`{ nodes: [...] }`), or of a plain GraphQL list. */
const nodes = (record: ApiRecord | null | undefined, key: string): ApiRecord[] => {
  const value = record?.[key];
  if (Array.isArray(value)) return value as ApiRecord[];
  const inner = (value as ApiRecord | null | undefined)?.nodes;
  return Array.isArray(inner) ? (inner as ApiRecord[]) : [];
};
/** A GraphQL enum as REST wrote it: `PARTIALLY_REFUNDED` → `partially_refunded`. */
const lower =
  (path: string): Reader =>
  (r) => {
    const value = reader(path)(r);
    return typeof value === 'string' ? value.toLowerCase() : null;
  };
/** GraphQL's tag list as REST's comma-separated string. */
const tags = (r: ApiRecord): string => (Array.isArray(r.tags) ? (r.tags as string[]).join(', ') : '');
/** A numeric id from a nested object's `legacyResourceId` (null when the object is null: e.g. a deleted product). */
const legacyIdOf =
  (path: string): Reader =>
  (r) => {
    const target = reader(path)(r) as ApiRecord | null;
    return target ? recordId(target) : null;
  };

/** Sum of exact decimal strings, in thousandths (enough for every currency Shopify has), back to a string. */
function sumMoney(amounts: unknown[]): string | null {
  if (amounts.length === 0) return null;
  let thousandths = 0n;
  for (const amount of amounts) {
    const value = thousandthsOf(amount);
    if (value === null) return null;
    thousandths += value;
  }
  return formatThousandths(thousandths);
}

function thousandthsOf(amount: unknown): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(String(amount ?? '0'));
  if (!match) return null;
  const value = BigInt(match[2]) * 1000n + BigInt((match[3] ?? '').padEnd(3, '0'));
  return match[1] === '-' ? -value : value;
}

/** An exact decimal string times a whole quantity (a line's total from its unit price), or null. */
function timesQuantity(amount: unknown, quantity: unknown): string | null {
  const value = thousandthsOf(amount);
  if (value === null || typeof quantity !== 'number' || !Number.isInteger(quantity)) return null;
  return formatThousandths(value * BigInt(quantity));
}

function earliest(values: unknown[]): string | null {
  let best: string | null = null;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    if (best === null || Date.parse(value) < Date.parse(best)) best = value;
  }
  return best;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let format: Intl.DateTimeFormat | null = null;
    try {
      // Only the offset is read from it (`GMT-05:00`); the wall-clock time is computed from it (shopTime).
      format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      format = null; // a zone this Node does not know: the timestamps stay in UTC
    }
    formatters.set(timeZone, format);
  }
  return formatters.get(timeZone)!;
}

/**
 * A UTC timestamp as REST writes it for the shop: local time with the shop's offset at that instant
 * (`2026-03-01T10:00:00-04:00`). Unchanged without a time zone (or one this Node does not know).
 */
export function shopTime(utc: unknown, timeZone: string | null): string | null {
  if (typeof utc !== 'string') return null;
  const ms = Date.parse(utc);
  const offset = timeZone && !Number.isNaN(ms) ? offsetAt(timeZone, ms) : null;
  if (offset === null) return utc;
  // The wall-clock time is UTC shifted by the offset; only the offset needs the time zone database.
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset.minutes * 60_000).toISOString();
  return `${local.slice(0, 19)}${offset.text}`;
}

type Offset = { minutes: number; text: string };
/** Per zone and UTC hour: the offset all through it, or `mixed` for the hour holding a transition. */
const offsets = new Map<string, Offset | null | 'mixed'>();
const HOUR_MS = 3_600_000;

/**
 * The zone's UTC offset at `ms` (`-05:00`, in minutes too), or null for a zone this Node does not know. Looked up once
 * per hour of timestamps: an hour whose first and last millisecond have one offset has it throughout (zones change
 * offset at most once an hour); the hour of a transition (St. John's changed at 00:01 local time) is looked up exactly.
 */
function offsetAt(timeZone: string, ms: number): Offset | null {
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${timeZone} ${hour}`;
  let cached = offsets.get(key);
  if (cached === undefined) {
    const first = lookUpOffset(timeZone, hour * HOUR_MS);
    const last = lookUpOffset(timeZone, (hour + 1) * HOUR_MS - 1);
    cached = first?.text === last?.text ? first : 'mixed';
    // A sync reads a few years of timestamps: some tens of thousands of hours per zone.
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, cached);
  }
  return cached === 'mixed' ? lookUpOffset(timeZone, ms) : cached;
}

function lookUpOffset(timeZone: string, ms: number): Offset | null {
  const name = formatterFor(timeZone)
    ?.formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = name === undefined ? null : /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) return null;
  if (!match[1]) return { minutes: 0, text: '+00:00' };
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return { minutes: match[1] === '-' ? -minutes : minutes, text: `${match[1]}${match[2]}:${match[3]}` };
}

/** Order fulfillment statuses: GraphQL's `displayFulfillmentStatus` as REST's values (README, "How it works"). */
const ORDER_FULFILLMENT_STATUS: Record<string, string> = {
  FULFILLED: 'fulfilled',
  PARTIALLY_FULFILLED: 'partial',
  RESTOCKED: 'restocked',
  // UNFULFILLED and the in-between states (OPEN, IN_PROGRESS, ON_HOLD, SCHEDULED, …) are REST's null.
};

/** The discount code `type` REST gave, from a DiscountCodeApplication. */
function discountType(application: ApiRecord): string | null {
  if (application.targetType === 'SHIPPING_LINE') return 'shipping';
  const value = application.value as ApiRecord | null;
  if (!value) return null;
  return 'percentage' in value ? 'percentage' : 'fixed_amount';
}

const discountCodeApplications = (order: ApiRecord): ApiRecord[] =>
  nodes(order, 'discountApplications').filter((a) => typeof a.code === 'string');

// ---- personal data (Shopify's REST Customer and Order resources, and their GraphQL nodes) ----

/** The customer resource's personal keys; also used for the customer embedded in an order. */
const CUSTOMER_PERSONAL_KEYS: PersonalKeys = {
  email: 'drop',
  first_name: 'drop',
  last_name: 'drop',
  phone: 'drop',
  note: 'drop',
  multipass_identifier: 'drop',
  default_address: 'address',
  addresses: 'address',
  // GraphQL
  firstName: 'drop',
  lastName: 'drop',
  displayName: 'drop',
  defaultEmailAddress: 'drop',
  defaultPhoneNumber: 'drop',
  defaultAddress: 'address',
};

const ORDER_PERSONAL_KEYS: PersonalKeys = {
  email: 'drop',
  contact_email: 'drop',
  phone: 'drop',
  note: 'drop',
  note_attributes: 'drop',
  browser_ip: 'drop',
  client_details: 'drop',
  landing_site: 'drop',
  landing_site_ref: 'drop',
  referring_site: 'drop',
  // The token and the status URL open the order's status page (address included) without signing in.
  token: 'drop',
  cart_token: 'drop',
  checkout_token: 'drop',
  order_status_url: 'drop',
  payment_details: 'drop',
  customer: CUSTOMER_PERSONAL_KEYS,
  billing_address: 'address',
  shipping_address: 'address',
  shipping_lines: { phone: 'drop' },
  line_items: { properties: 'drop', origin_location: 'address', destination_location: 'address' },
  fulfillments: {
    tracking_number: 'drop',
    tracking_numbers: 'drop',
    tracking_url: 'drop',
    tracking_urls: 'drop',
    destination: 'address',
    receipt: 'drop',
    // GraphQL
    trackingInfo: 'drop',
  },
  refunds: { note: 'drop', transactions: { receipt: 'drop', payment_details: 'drop' } },
  // GraphQL
  customAttributes: 'drop',
  billingAddress: 'address',
  shippingAddress: 'address',
  shippingLine: { phone: 'drop' },
  lineItems: { nodes: { customAttributes: 'drop' } },
};

// ---- the resources ----

/** The declarations, with GraphQL timestamps converted to `timeZone` (the shop's; null keeps them in UTC). */
function declareResources(timeZone: string | null): ResourceSpec[] {
  /** A timestamp column: GraphQL's UTC `DateTime` in the shop's offset, as REST gave it. */
  const time = (name: string, from: string | Reader): Column => {
    const read = asReader(from);
    return text(name, (r, p) => shopTime(read(r, p), timeZone));
  };
  const createdUpdated = [time('created_at', 'createdAt'), time('updated_at', 'updatedAt')];

  return [
    {
      name: 'products',
      timeZone,
      graphql: {
        connection: 'products',
        count: 'productsCount',
        single: 'product',
        incremental: UPDATED_AT,
        nestedTypes: { variants: { types: ['ProductVariant'], hasId: true } },
        select: [
          'id',
          'legacyResourceId',
          'title',
          'handle',
          'vendor',
          'productType',
          'status',
          'tags',
          'createdAt',
          'updatedAt',
          'publishedAt',
          // 20 a page keeps 15 products in one query; a product with more variants is drained by follow-ups.
          connection(
            'variants',
            20,
            'id',
            'legacyResourceId',
            'title',
            'sku',
            'position',
            'price',
            'compareAtPrice',
            'inventoryQuantity',
            list('selectedOptions', 'name', 'value'),
            'barcode',
            'taxable',
            object('inventoryItem', 'requiresShipping'),
            'createdAt',
            'updatedAt',
          ),
        ],
      },
      table: {
        name: 'products',
        primaryKey: ['id'],
        deletions: { subjectType: 'PRODUCT', gidType: 'Product' },
        export: { csv: 'products.csv', worksheet: 'Products' },
        indexes: [['updated_at']],
        columns: [
          id,
          text('title'),
          text('handle'),
          text('vendor'),
          text('product_type', 'productType'),
          text('status', lower('status')),
          text('tags', tags),
          ...createdUpdated,
          time('published_at', 'publishedAt'),
          rawJson,
        ],
      },
      children: [
        {
          name: 'product_variants',
          parentKey: 'product_id',
          primaryKey: ['id'],
          deletions: { subjectType: 'PRODUCT_VARIANT', gidType: 'ProductVariant', listedBy: 'variants' },
          export: { csv: 'product_variants.csv', worksheet: 'ProductVariants' },
          indexes: [['product_id']],
          rows: (product) => nodes(product, 'variants'),
          columns: [
            id,
            parentId('product_id'),
            text('title'),
            text('sku'),
            int('position'),
            money('price', 'price'),
            money('compare_at_price', 'compareAtPrice'),
            int('inventory_quantity', 'inventoryQuantity'),
            // REST's option1..3 are the values of the product's options, in the options' order.
            ...[1, 2, 3].map((n) => text(`option${n}`, (v) => nodes(v, 'selectedOptions')[n - 1]?.value ?? null)),
            text('barcode'),
            bool('taxable'),
            bool('requires_shipping', 'inventoryItem.requiresShipping'),
            ...createdUpdated,
          ],
        },
      ],
    },
    {
      name: 'customers',
      timeZone,
      graphql: {
        connection: 'customers',
        count: 'customersCount',
        single: 'customer',
        incremental: UPDATED_AT,
        select: [
          'id',
          'legacyResourceId',
          object('defaultEmailAddress', 'emailAddress'),
          'firstName',
          'lastName',
          object('defaultPhoneNumber', 'phoneNumber'),
          'state',
          'verifiedEmail',
          'numberOfOrders',
          object('amountSpent', 'amount', 'currencyCode'),
          'tags',
          'note',
          object('defaultAddress', 'country', 'countryCodeV2', 'province', 'provinceCode', 'city'),
          'createdAt',
          'updatedAt',
        ],
      },
      table: {
        name: 'customers',
        primaryKey: ['id'],
        deletions: { subjectType: 'CUSTOMER', gidType: 'Customer' },
        export: { csv: 'customers.csv', worksheet: 'Customers' },
        indexes: [['updated_at']],
        columns: [
          id,
          personal(text('email', 'defaultEmailAddress.emailAddress')),
          personal(text('first_name', 'firstName')),
          personal(text('last_name', 'lastName')),
          personal(text('phone', 'defaultPhoneNumber.phoneNumber')),
          text('state', lower('state')),
          bool('verified_email', 'verifiedEmail'),
          int('orders_count', (c) => (c.numberOfOrders == null ? null : Number(c.numberOfOrders))),
          money('total_spent', 'amountSpent.amount'),
          text('currency', 'amountSpent.currencyCode'),
          text('tags', tags),
          personal(text('note')),
          text('country', 'defaultAddress.country'),
          text('country_code', 'defaultAddress.countryCodeV2'),
          text('province', 'defaultAddress.province'),
          text('province_code', 'defaultAddress.provinceCode'),
          personal(text('city', 'defaultAddress.city')),
          ...createdUpdated,
          rawJson,
        ],
      },
      children: [],
      personalData: { keys: CUSTOMER_PERSONAL_KEYS, owners: (c) => [['customers', recordId(c)]] },
    },
    {
      name: 'orders',
      timeZone,
      graphql: {
        connection: 'orders',
        count: 'ordersCount',
        single: 'order',
        incremental: UPDATED_AT,
        nestedTypes: {
          lineItems: { types: ['LineItem'], hasId: true },
          // The DiscountApplication interface's implementations (admin-graphql DiscountApplication, "Implemented by").
          discountApplications: {
            types: [
              'AutomaticDiscountApplication',
              'DiscountCodeApplication',
              'ManualDiscountApplication',
              'ScriptDiscountApplication',
            ],
            hasId: false,
          },
        },
        select: [
          'id',
          'legacyResourceId',
          'name',
          'number',
          object('customer', 'id', 'legacyResourceId'),
          'email',
          'displayFinancialStatus',
          'displayFulfillmentStatus',
          'currencyCode',
          shopMoney('totalPriceSet'),
          shopMoney('subtotalPriceSet'),
          shopMoney('totalTaxSet'),
          shopMoney('totalDiscountsSet'),
          shopMoney('totalShippingPriceSet'),
          'discountCodes',
          object('shippingAddress', 'country', 'countryCodeV2', 'province', 'provinceCode', 'city', 'zip'),
          'sourceName',
          'tags',
          'note',
          'cancelReason',
          'cancelledAt',
          'closedAt',
          'processedAt',
          'createdAt',
          'updatedAt',
          list(
            'fulfillments',
            'id',
            'legacyResourceId',
            'status',
            list('trackingInfo', 'company', 'number'),
            'createdAt',
            'updatedAt',
          ),
          list('refunds', 'id', 'legacyResourceId', 'note', 'createdAt', shopMoney('totalRefundedSet')),
          // Page sizes: ten orders a query (98 points each). Most orders have 1-5 line items and at most a few
          // discounts; an order with more is drained by follow-up queries of up to 142 line items.
          connection(
            'discountApplications',
            3,
            'targetType',
            on('DiscountCodeApplication', 'code'),
            object('value', on('MoneyV2', 'amount'), on('PricingPercentageValue', 'percentage')),
          ),
          connection(
            'lineItems',
            10,
            'id',
            object('product', 'id', 'legacyResourceId'),
            object('variant', 'id', 'legacyResourceId'),
            'title',
            'variantTitle',
            'sku',
            'vendor',
            'quantity',
            shopMoney('originalUnitPriceSet'),
            shopMoney('totalDiscountSet'),
            'fulfillmentStatus',
            'isGiftCard',
            'taxable',
          ),
        ],
      },
      table: {
        name: 'orders',
        primaryKey: ['id'],
        deletions: { subjectType: 'ORDER', gidType: 'Order' },
        export: { csv: 'orders.csv', worksheet: 'Orders' },
        indexes: [['customer_id'], ['created_at'], ['updated_at']],
        columns: [
          id,
          text('name'),
          int('order_number', 'number'),
          int('customer_id', legacyIdOf('customer')),
          personal(text('email')),
          text('financial_status', lower('displayFinancialStatus')),
          text('fulfillment_status', (o) => ORDER_FULFILLMENT_STATUS[String(o.displayFulfillmentStatus)] ?? null),
          text('currency', 'currencyCode'),
          money('total_price', 'totalPriceSet.shopMoney.amount'),
          money('subtotal_price', 'subtotalPriceSet.shopMoney.amount'),
          money('total_tax', 'totalTaxSet.shopMoney.amount'),
          money('total_discounts', 'totalDiscountsSet.shopMoney.amount'),
          money(
            'total_line_items_price',
            (o) =>
              sumMoney(
                nodes(o, 'lineItems').map((li) =>
                  timesQuantity(reader('originalUnitPriceSet.shopMoney.amount')(li), li.quantity),
                ),
              ) ?? '0.00',
          ),
          money('total_shipping', 'totalShippingPriceSet.shopMoney.amount'),
          money(
            'total_refunded',
            (o) => sumMoney(nodes(o, 'refunds').map(reader('totalRefundedSet.shopMoney.amount'))) ?? '0.00',
          ),
          text('discount_codes', (o) => (Array.isArray(o.discountCodes) ? o.discountCodes.join(', ') : '') || null),
          text('shipping_country', 'shippingAddress.country'),
          text('shipping_country_code', 'shippingAddress.countryCodeV2'),
          text('shipping_province', 'shippingAddress.province'),
          text('shipping_province_code', 'shippingAddress.provinceCode'),
          personal(text('shipping_city', 'shippingAddress.city')),
          personal(text('shipping_zip', 'shippingAddress.zip')),
          text('source_name', 'sourceName'),
          text('tags', tags),
          personal(text('note')),
          text('cancel_reason', lower('cancelReason')),
          time('cancelled_at', 'cancelledAt'),
          time('closed_at', 'closedAt'),
          time('processed_at', 'processedAt'),
          ...createdUpdated,
          time('first_fulfilled_at', (o) => earliest(nodes(o, 'fulfillments').map((f) => f.createdAt))),
          rawJson,
        ],
      },
      children: [
        {
          name: 'line_items',
          parentKey: 'order_id',
          primaryKey: ['id'],
          export: { csv: 'line_items.csv', worksheet: 'LineItems' },
          indexes: [['order_id'], ['product_id']],
          rows: (order) => nodes(order, 'lineItems'),
          columns: [
            id,
            parentId('order_id'),
            int('product_id', legacyIdOf('product')),
            int('variant_id', legacyIdOf('variant')),
            text('title'),
            text('variant_title', 'variantTitle'),
            text('sku'),
            text('vendor'),
            int('quantity'),
            money('price', 'originalUnitPriceSet.shopMoney.amount'),
            money('total_discount', 'totalDiscountSet.shopMoney.amount'),
            // GraphQL's (deprecated) string says "unfulfilled" where REST said null.
            text('fulfillment_status', (li) =>
              li.fulfillmentStatus === 'unfulfilled' ? null : (li.fulfillmentStatus ?? null),
            ),
            bool('gift_card', 'isGiftCard'),
            bool('taxable'),
          ],
        },
        {
          name: 'fulfillments',
          parentKey: 'order_id',
          primaryKey: ['id'],
          indexes: [['order_id']],
          rows: (order) => nodes(order, 'fulfillments'),
          columns: [
            id,
            parentId('order_id'),
            text('status', lower('status')),
            text('tracking_company', (f) => nodes(f, 'trackingInfo')[0]?.company ?? null),
            personal(text('tracking_number', (f) => nodes(f, 'trackingInfo')[0]?.number ?? null)),
            ...createdUpdated,
          ],
        },
        {
          name: 'refunds',
          parentKey: 'order_id',
          primaryKey: ['id'],
          indexes: [['order_id']],
          rows: (order) => nodes(order, 'refunds'),
          columns: [
            id,
            parentId('order_id'),
            money('amount', 'totalRefundedSet.shopMoney.amount'),
            personal(text('note')),
            time('created_at', 'createdAt'),
            // GraphQL's Refund has no processedAt: its createdAt (when Shopify recorded it) stands in.
            time('processed_at', 'createdAt'),
          ],
        },
        {
          name: 'order_discount_codes',
          parentKey: 'order_id',
          primaryKey: ['order_id', 'position'],
          rows: (order) => discountCodeApplications(order).map((code, index) => ({ ...code, position: index + 1 })),
          columns: [
            parentId('order_id'),
            int('position'),
            text('code'),
            // GraphQL tells no amount per code: the order's discounts are the code's when it is the only one.
            money('amount', (_d, o) =>
              discountCodeApplications(o).length === 1 ? reader('totalDiscountsSet.shopMoney.amount')(o) : null,
            ),
            text('type', discountType),
          ],
        },
      ],
      // A customer's redaction covers their orders; an order redacted by itself (a guest checkout) too.
      personalData: {
        keys: ORDER_PERSONAL_KEYS,
        owners: (o) => [
          ['customers', recordId(o.customer as ApiRecord | null)],
          ['orders', recordId(o)],
        ],
      },
    },
  ];
}

export const RESOURCES: ResourceSpec[] = declareResources(null);

const zoned = new Map<string, ResourceSpec[]>();

/** The resource's declaration; with the shop's IANA `timeZone`, GraphQL timestamps are stored in the shop's offset. */
export function resourceSpec(name: ResourceName, timeZone: string | null = null): ResourceSpec {
  let resources = RESOURCES;
  if (timeZone !== null) {
    resources = zoned.get(timeZone) ?? declareResources(timeZone);
    zoned.set(timeZone, resources);
  }
  const spec = resources.find((r) => r.name === name);
  if (!spec) throw new Error(`Unknown resource "${name}"`);
  return spec;
}

export function allTables(): TableSpec[] {
  return RESOURCES.flatMap((r) => [r.table, ...r.children]);
}

export { sumMoney };

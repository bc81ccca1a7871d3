/**
 * One declaration per Shopify resource: where it is fetched, which tables it fills and how a record becomes rows.
 * The page sync, the schema, the CSV export and the Sheets push all read these; adding a resource is one entry here.
 */
import type { ResourceName } from '../../common/contract';
import { formatThousandths } from '../exports/money';

export type ApiRecord = Record<string, unknown>;
export type SqlType = 'INTEGER' | 'TEXT' | 'REAL';

export interface Column {
  name: string;
  type: SqlType;
  /** Extracts the value from the API record (child tables also get the parent record). */
  from: (record: ApiRecord, parent: ApiRecord) => unknown;
  /** Money as Shopify writes it: a decimal string, kept as text so no float ever touches it. */
  money?: boolean;
  /** Personal data: empty (null) for a redacted customer and their orders (see `personalData` and redaction.ts). */
  personal?: boolean;
}

export interface TableSpec {
  name: string;
  columns: Column[];
  primaryKey: string[];
  indexes?: string[][];
}

export interface ChildTableSpec extends TableSpec {
  /** Column holding the parent's id: the child rows of a re-fetched parent are replaced as a whole. */
  parentKey: string;
  rows: (parent: ApiRecord) => ApiRecord[];
}

export interface ResourceSpec {
  name: ResourceName;
  /** `products` → GET /admin/api/{v}/products.json and products/count.json; the response key too. */
  endpoint: string;
  /** Query parameters every first-page request carries. */
  params: Record<string, string>;
  table: TableSpec;
  children: ChildTableSpec[];
  /** Where a record holds a customer's personal data, for erasure: see PersonalData. */
  personalData?: PersonalData;
}

/**
 * Personal keys of a raw record, as a tree: `drop` blanks the value (null), `address` keeps only an address's
 * geography (country, province and their codes: the Geographic dashboard's figures), a nested tree applies to an
 * object or to each element of an array. What the rows' columns show is derived from the scrubbed record, and the
 * columns marked `personal` are blanked on top, so a column reading a key missing here still comes out empty.
 */
export type PersonalKeys = { [key: string]: 'drop' | 'address' | PersonalKeys };

export interface PersonalData {
  keys: PersonalKeys;
  /** The ids whose redaction covers a record: [resource, id] pairs looked up in the `redactions` table. */
  owners: (record: ApiRecord) => Array<[ResourceName, unknown]>;
}

// ---- helpers that keep the declarations one line per column ----

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

const text = (name: string, path = name): Column => ({ name, type: 'TEXT', from: reader(path) });
const int = (name: string, path = name): Column => ({ name, type: 'INTEGER', from: reader(path) });
const money = (name: string, path = name): Column => ({ name, type: 'TEXT', money: true, from: reader(path) });
const personal = (column: Column): Column => ({ ...column, personal: true });
const bool = (name: string, path = name): Column => {
  const read = reader(path);
  return {
    name,
    type: 'INTEGER',
    from: (r) => {
      const value = read(r);
      return value === null ? null : value ? 1 : 0;
    },
  };
};
const parentId = (name: string): Column => ({ name, type: 'INTEGER', from: (_r, parent) => parent.id });
const rawJson: Column = { name: 'raw_json', type: 'TEXT', from: (r) => JSON.stringify(r) };
const list = (record: ApiRecord, key: string): ApiRecord[] =>
  Array.isArray(record[key]) ? (record[key] as ApiRecord[]) : [];

/** Sum of exact decimal strings, in thousandths (enough for every currency Shopify has), back to a string. */
function sumMoney(amounts: unknown[]): string | null {
  if (amounts.length === 0) return null;
  let thousandths = 0n;
  for (const amount of amounts) {
    const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(String(amount ?? '0'));
    if (!match) return null;
    const value = BigInt(match[2]) * 1000n + BigInt((match[3] ?? '').padEnd(3, '0'));
    thousandths += match[1] === '-' ? -value : value;
  }
  return formatThousandths(thousandths);
}

function earliest(values: unknown[]): string | null {
  let best: string | null = null;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    if (best === null || Date.parse(value) < Date.parse(best)) best = value;
  }
  return best;
}

function refundAmount(refund: ApiRecord): string | null {
  const transactions = list(refund, 'transactions').filter((t) => t.kind === 'refund' && t.status !== 'failure');
  return sumMoney(transactions.map((t) => t.amount)) ?? '0.00';
}

// ---- personal data (Shopify's REST Customer and Order resources) ----

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
  },
  refunds: { note: 'drop', transactions: { receipt: 'drop', payment_details: 'drop' } },
};

// ---- the resources ----

export const RESOURCES: ResourceSpec[] = [
  {
    name: 'products',
    endpoint: 'products',
    params: {},
    table: {
      name: 'products',
      primaryKey: ['id'],
      indexes: [['updated_at']],
      columns: [
        int('id'),
        text('title'),
        text('handle'),
        text('vendor'),
        text('product_type'),
        text('status'),
        text('tags'),
        text('created_at'),
        text('updated_at'),
        text('published_at'),
        rawJson,
      ],
    },
    children: [
      {
        name: 'product_variants',
        parentKey: 'product_id',
        primaryKey: ['id'],
        indexes: [['product_id']],
        rows: (product) => list(product, 'variants'),
        columns: [
          int('id'),
          parentId('product_id'),
          text('title'),
          text('sku'),
          int('position'),
          money('price'),
          money('compare_at_price'),
          int('inventory_quantity'),
          text('option1'),
          text('option2'),
          text('option3'),
          text('barcode'),
          bool('taxable'),
          bool('requires_shipping'),
          text('created_at'),
          text('updated_at'),
        ],
      },
    ],
  },
  {
    name: 'customers',
    endpoint: 'customers',
    params: {},
    table: {
      name: 'customers',
      primaryKey: ['id'],
      indexes: [['updated_at']],
      columns: [
        int('id'),
        personal(text('email')),
        personal(text('first_name')),
        personal(text('last_name')),
        personal(text('phone')),
        text('state'),
        bool('verified_email'),
        int('orders_count'),
        money('total_spent'),
        text('currency'),
        text('tags'),
        personal(text('note')),
        text('country', 'default_address.country'),
        text('country_code', 'default_address.country_code'),
        text('province', 'default_address.province'),
        text('province_code', 'default_address.province_code'),
        personal(text('city', 'default_address.city')),
        text('created_at'),
        text('updated_at'),
        rawJson,
      ],
    },
    children: [],
    personalData: { keys: CUSTOMER_PERSONAL_KEYS, owners: (c) => [['customers', c.id]] },
  },
  {
    name: 'orders',
    endpoint: 'orders',
    // Without status=any Shopify silently leaves out closed and cancelled orders.
    params: { status: 'any' },
    table: {
      name: 'orders',
      primaryKey: ['id'],
      indexes: [['customer_id'], ['created_at'], ['updated_at']],
      columns: [
        int('id'),
        text('name'),
        int('order_number'),
        int('customer_id', 'customer.id'),
        personal(text('email')),
        text('financial_status'),
        text('fulfillment_status'),
        text('currency'),
        money('total_price'),
        money('subtotal_price'),
        money('total_tax'),
        money('total_discounts'),
        money('total_line_items_price'),
        money('total_shipping', 'total_shipping_price_set.shop_money.amount'),
        {
          name: 'total_refunded',
          type: 'TEXT',
          money: true,
          from: (o) => sumMoney(list(o, 'refunds').map(refundAmount)) ?? '0.00',
        },
        {
          name: 'discount_codes',
          type: 'TEXT',
          from: (o) =>
            list(o, 'discount_codes')
              .map((d) => d.code)
              .join(', ') || null,
        },
        text('shipping_country', 'shipping_address.country'),
        text('shipping_country_code', 'shipping_address.country_code'),
        text('shipping_province', 'shipping_address.province'),
        text('shipping_province_code', 'shipping_address.province_code'),
        personal(text('shipping_city', 'shipping_address.city')),
        personal(text('shipping_zip', 'shipping_address.zip')),
        text('source_name'),
        text('tags'),
        personal(text('note')),
        text('cancel_reason'),
        text('cancelled_at'),
        text('closed_at'),
        text('processed_at'),
        text('created_at'),
        text('updated_at'),
        {
          name: 'first_fulfilled_at',
          type: 'TEXT',
          from: (o) => earliest(list(o, 'fulfillments').map((f) => f.created_at)),
        },
        rawJson,
      ],
    },
    children: [
      {
        name: 'line_items',
        parentKey: 'order_id',
        primaryKey: ['id'],
        indexes: [['order_id'], ['product_id']],
        rows: (order) => list(order, 'line_items'),
        columns: [
          int('id'),
          parentId('order_id'),
          int('product_id'),
          int('variant_id'),
          text('title'),
          text('variant_title'),
          text('sku'),
          text('vendor'),
          int('quantity'),
          money('price'),
          money('total_discount'),
          text('fulfillment_status'),
          bool('gift_card'),
          bool('taxable'),
        ],
      },
      {
        name: 'fulfillments',
        parentKey: 'order_id',
        primaryKey: ['id'],
        indexes: [['order_id']],
        rows: (order) => list(order, 'fulfillments'),
        columns: [
          int('id'),
          parentId('order_id'),
          text('status'),
          text('tracking_company'),
          personal(text('tracking_number')),
          text('created_at'),
          text('updated_at'),
        ],
      },
      {
        name: 'refunds',
        parentKey: 'order_id',
        primaryKey: ['id'],
        indexes: [['order_id']],
        rows: (order) => list(order, 'refunds'),
        columns: [
          int('id'),
          parentId('order_id'),
          { name: 'amount', type: 'TEXT', money: true, from: (r) => refundAmount(r) },
          personal(text('note')),
          text('created_at'),
          text('processed_at'),
        ],
      },
      {
        name: 'order_discount_codes',
        parentKey: 'order_id',
        primaryKey: ['order_id', 'position'],
        rows: (order) => list(order, 'discount_codes').map((code, index) => ({ ...code, position: index + 1 })),
        columns: [parentId('order_id'), int('position'), text('code'), money('amount'), text('type')],
      },
    ],
    // A customer's redaction covers their orders; an order redacted by itself (a guest checkout) too.
    personalData: {
      keys: ORDER_PERSONAL_KEYS,
      owners: (o) => [
        ['customers', (o.customer as ApiRecord | null)?.id],
        ['orders', o.id],
      ],
    },
  },
];

export function resourceSpec(name: ResourceName): ResourceSpec {
  const spec = RESOURCES.find((r) => r.name === name);
  if (!spec) throw new Error(`Unknown resource "${name}"`);
  return spec;
}

export function allTables(): TableSpec[] {
  return RESOURCES.flatMap((r) => [r.table, ...r.children]);
}

export { sumMoney };

/**
 * The analytics summary recomputed from the Shopify API records in plain TypeScript (BigInt thousandths, no SQL,
 * none of the project's flattening or money helpers), so a test can compare analytics_summary.json with it exactly.
 */
import type { AnalyticsSummary } from '../../activities/exports/analytics';

type Rec = Record<string, unknown>;

const MONEY = /^(-?)(\d+)(?:\.(\d{0,3}))?$/;

function thousandths(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  const match = MONEY.exec(String(value));
  if (!match) throw new Error(`independent analytics: unsupported money value ${JSON.stringify(value)}`);
  const magnitude = BigInt(match[2] + (match[3] ?? '').padEnd(3, '0'));
  return match[1] === '-' ? -magnitude : magnitude;
}

function formatMoney(value: bigint): string {
  const digits = (value < 0n ? -value : value).toString().padStart(4, '0');
  let fraction = digits.slice(-3);
  if (fraction.endsWith('0')) fraction = fraction.slice(0, 2);
  return `${value < 0n ? '-' : ''}${digits.slice(0, -3)}.${fraction}`;
}

/** Nearest integer to a / b (b > 0), halves away from zero. */
function roundDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

const to2 = (a: bigint, b: bigint): number => Number(roundDiv(a * 100n, b)) / 100;
const centMean = (total: bigint, n: bigint): string =>
  n === 0n ? '0.00' : formatMoney(roundDiv(total, 10n * n) * 10n);

const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const rec = (value: unknown): Rec | null => (value !== null && typeof value === 'object' ? (value as Rec) : null);
const arr = (value: unknown): Rec[] => (Array.isArray(value) ? (value as Rec[]) : []);

/** SQLite's BINARY collation: UTF-8 bytes, NULL first. */
function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

interface Group<K> {
  key: K;
  orders: number;
  sales: bigint;
}

function tally<K>(groups: Map<string, Group<K>>, key: K, price: bigint): void {
  const id = JSON.stringify(key);
  const group = groups.get(id) ?? { key, orders: 0, sales: 0n };
  group.orders += 1;
  group.sales += price;
  groups.set(id, group);
}

function refunded(order: Rec): bigint {
  let total = 0n;
  for (const refund of arr(order.refunds)) {
    for (const transaction of arr(refund.transactions)) {
      if (transaction.kind === 'refund' && transaction.status !== 'failure') total += thousandths(transaction.amount);
    }
  }
  return total;
}

export function analyticsFromApiRecords(
  orders: Iterable<Rec>,
  customers: Iterable<Rec>,
  products: Iterable<Rec>,
): Omit<AnalyticsSummary, 'generated_at'> {
  const productTitles = new Map<number, string | null>();
  for (const product of products) productTitles.set(product.id as number, str(product.title));
  let customerCount = 0;
  for (const _customer of customers) customerCount += 1;

  let orderCount = 0;
  let sales = 0n;
  let discounts = 0n;
  let net = 0n;
  let first: { at: string; ms: number; id: number } | null = null;
  let last: { at: string; ms: number; id: number } | null = null;
  const currencies = new Map<string, number>();
  const perCustomer = new Map<number, { orders: number; value: bigint }>();
  let fulfilledOrders = 0n;
  let processingMs = 0n;
  const days = new Map<string, Group<string>>();
  const months = new Map<string, Group<string>>();
  const countries = new Map<string, Group<[string, string | null]>>();
  const provinces = new Map<string, Group<[string | null, string, string | null]>>();
  const financial = new Map<string, number>();
  const fulfillment = new Map<string, number>();
  const items = new Map<number, { units: number; sales: bigint; lastItemId: number; lastTitle: string | null }>();

  for (const order of orders) {
    orderCount += 1;
    const price = thousandths(order.total_price);
    sales += price;
    discounts += thousandths(order.total_discounts);
    if (order.cancelled_at === null || order.cancelled_at === undefined) net += price - refunded(order);

    const createdAt = str(order.created_at);
    const createdMs = createdAt === null ? NaN : Date.parse(createdAt);
    const id = order.id as number;
    if (createdAt !== null && !Number.isNaN(createdMs)) {
      if (!first || createdMs < first.ms || (createdMs === first.ms && id < first.id)) {
        first = { at: createdAt, ms: createdMs, id };
      }
      if (!last || createdMs > last.ms || (createdMs === last.ms && id > last.id)) {
        last = { at: createdAt, ms: createdMs, id };
      }
    }
    const currency = str(order.currency);
    if (currency !== null) currencies.set(currency, (currencies.get(currency) ?? 0) + 1);

    const customerId = rec(order.customer)?.id;
    if (typeof customerId === 'number') {
      const entry = perCustomer.get(customerId) ?? { orders: 0, value: 0n };
      entry.orders += 1;
      entry.value += price;
      perCustomer.set(customerId, entry);
    }

    const fulfilledMs = arr(order.fulfillments)
      .map((f) => (typeof f.created_at === 'string' ? Date.parse(f.created_at) : NaN))
      .filter((ms) => !Number.isNaN(ms));
    if (fulfilledMs.length > 0 && !Number.isNaN(createdMs)) {
      fulfilledOrders += 1n;
      processingMs += BigInt(Math.min(...fulfilledMs) - createdMs);
    }

    if (createdAt !== null) {
      tally(days, createdAt.slice(0, 10), price);
      tally(months, createdAt.slice(0, 7), price);
    }
    const address = rec(order.shipping_address);
    const countryCode = str(address?.country_code);
    tally(countries, [str(address?.country) ?? 'Unknown', countryCode], price);
    tally(provinces, [countryCode, str(address?.province) ?? 'Unknown', str(address?.province_code)], price);
    const financialStatus = str(order.financial_status) ?? 'unknown';
    financial.set(financialStatus, (financial.get(financialStatus) ?? 0) + 1);
    const fulfillmentStatus = str(order.fulfillment_status) ?? 'unfulfilled';
    fulfillment.set(fulfillmentStatus, (fulfillment.get(fulfillmentStatus) ?? 0) + 1);

    for (const item of arr(order.line_items)) {
      if (typeof item.product_id !== 'number') continue;
      const quantity = typeof item.quantity === 'number' ? item.quantity : 0;
      const entry = items.get(item.product_id) ?? { units: 0, sales: 0n, lastItemId: -Infinity, lastTitle: null };
      entry.units += quantity;
      entry.sales += thousandths(item.price) * BigInt(quantity);
      if ((item.id as number) > entry.lastItemId) {
        entry.lastItemId = item.id as number;
        entry.lastTitle = str(item.title);
      }
      items.set(item.product_id, entry);
    }
  }

  const byOrdersThenName = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map(([status, n]) => ({ status, orders: n }));
  const bySalesDesc = <K>(a: Group<K>, b: Group<K>) => compareBig(b.sales, a.sales);

  const buyers = [...perCustomer.values()];
  const values = buyers.map((b) => b.value).sort(compareBig);
  const n = values.length;
  const clvTotal = values.reduce((sum, v) => sum + v, 0n);

  return {
    window: { first_order_at: first?.at ?? null, last_order_at: last?.at ?? null },
    currency: [...currencies].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0] ?? null,
    total_orders: orderCount,
    total_sales: formatMoney(sales),
    aov: centMean(sales, BigInt(orderCount)),
    total_customers: customerCount,
    total_discounts: formatMoney(discounts),
    net_sales: formatMoney(net),
    repeat_customer_rate: n === 0 ? 0 : to2(100n * BigInt(buyers.filter((b) => b.orders >= 2).length), BigInt(n)),
    avg_processing_days: fulfilledOrders === 0n ? null : to2(processingMs, fulfilledOrders * 86_400_000n),
    sales_by_day: [...days.values()]
      .sort((a, b) => compareText(a.key, b.key))
      .map((g) => ({ date: g.key, orders: g.orders, sales: formatMoney(g.sales) })),
    sales_by_month: [...months.values()]
      .sort((a, b) => compareText(a.key, b.key))
      .map((g) => ({ month: g.key, orders: g.orders, sales: formatMoney(g.sales) })),
    top_products_by_quantity: [...items]
      .sort((a, b) => b[1].units - a[1].units || a[0] - b[0])
      .slice(0, 10)
      .map(([productId, entry]) => ({
        product_id: productId,
        title: productTitles.get(productId) ?? entry.lastTitle,
        quantity: entry.units,
        sales: formatMoney(entry.sales),
      })),
    sales_by_country: [...countries.values()]
      .sort((a, b) => bySalesDesc(a, b) || compareText(a.key[0], b.key[0]) || compareText(a.key[1], b.key[1]))
      .map((g) => ({ country: g.key[0], country_code: g.key[1], orders: g.orders, sales: formatMoney(g.sales) })),
    sales_by_province: [...provinces.values()]
      .sort(
        (a, b) =>
          bySalesDesc(a, b) ||
          compareText(a.key[0], b.key[0]) ||
          compareText(a.key[1], b.key[1]) ||
          compareText(a.key[2], b.key[2]),
      )
      .map((g) => ({
        country_code: g.key[0],
        province: g.key[1],
        province_code: g.key[2],
        orders: g.orders,
        sales: formatMoney(g.sales),
      })),
    orders_by_financial_status: byOrdersThenName(financial),
    orders_by_fulfillment_status: byOrdersThenName(fulfillment),
    customer_lifetime_value: {
      customers: n,
      mean: centMean(clvTotal, BigInt(n)),
      median: n === 0 ? '0.00' : formatMoney(roundDiv(values[Math.floor((n - 1) / 2)] + values[Math.floor(n / 2)], 2n)),
      p90: n === 0 ? '0.00' : formatMoney(values[Math.ceil((9 * n) / 10) - 1]),
    },
  };
}

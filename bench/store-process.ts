/** The parent's side of bench/store-launcher.ts: start it, read its request counts, mutate records, stop it. */
import type { CostLimit } from '../emulators/shopify';
import { Spawned, spawnScript } from '../test/helpers/processes';
import type { LogSummary } from './store-log';

export interface StoreShape {
  orders: number;
  customers: number;
  products: number;
}

/** Customers and products grow with the orders, as in a real shop (and the emulator's own large-store test). */
export function storeShape(orders: number): StoreShape {
  return {
    orders,
    customers: Math.round(orders / 5),
    products: Math.min(2_000, Math.max(20, Math.round(orders / 50))),
  };
}

export interface StoreProcess {
  url: string;
  child: Spawned;
  log: () => Promise<LogSummary>;
  clearLog: () => Promise<void>;
  mutate: (resource: string, update: number) => Promise<{ updated: number }>;
  stop: () => Promise<void>;
}

/** Shopify's standard plan: a GraphQL cost bucket of 2,000 points restoring 100 points per second. */
export const STANDARD_PLAN: CostLimit = { maximumAvailable: 2_000, restoreRate: 100 };

export async function startStore(shape: StoreShape, costLimit: CostLimit | false): Promise<StoreProcess> {
  const child = spawnScript('bench/store-launcher.ts', [
    `--orders=${shape.orders}`,
    `--customers=${shape.customers}`,
    `--products=${shape.products}`,
    `--cost-limit=${costLimit ? `${costLimit.maximumAvailable}:${costLimit.restoreRate}` : 'off'}`,
  ]);
  const { url, control } = JSON.parse(await child.firstLine()) as { url: string; control: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${control}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    child,
    log: () => call<LogSummary>('GET', '/__bench/log'),
    clearLog: async () => {
      await call('POST', '/__bench/clear');
    },
    mutate: (resource, update) => call('POST', '/__bench/mutate', { resource, update }),
    stop: async () => {
      await child.stop(10_000);
    },
  };
}

/**
 * Runs the Shopify emulator until SIGINT/SIGTERM:
 *   npx tsx emulators/shopify/cli.ts --port 4010 --orders 1000 --products 50 --customers 300 --seed 1 [--no-rate-limit]
 */
import { parseArgs } from 'util';
import { DEFAULTS, createShopifyStore } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    orders: { type: 'string' },
    products: { type: 'string' },
    customers: { type: 'string' },
    token: { type: 'string' },
    shop: { type: 'string' },
    'utc-offset': { type: 'string' },
    'no-rate-limit': { type: 'boolean', default: false },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'token-lifetime': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: cli.ts [--port 4010] [--host 127.0.0.1] [--seed 1] [--orders 200] [--products 20] [--customers 50]\n' +
      '              [--token shpat_demo_token] [--shop demo-store] [--utc-offset -04:00] [--no-rate-limit]\n' +
      '              [--client-id ID --client-secret SECRET [--token-lifetime 86399]]   (a Dev Dashboard app)',
  );
  process.exit(0);
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${value}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const accessToken = values.token ?? DEFAULTS.accessToken;
  const store = createShopifyStore({
    seed: int('seed', values.seed),
    orders: int('orders', values.orders),
    products: int('products', values.products),
    customers: int('customers', values.customers),
    accessToken,
    shopName: values.shop,
    utcOffset: values['utc-offset'],
    rateLimit: values['no-rate-limit'] ? false : undefined,
    app:
      values['client-id'] && values['client-secret']
        ? {
            clientId: values['client-id'],
            clientSecret: values['client-secret'],
            tokenLifetimeSeconds: int('token-lifetime', values['token-lifetime']),
          }
        : undefined,
  });
  const url = await store.listen(int('port', values.port), values.host);
  console.log(url);
  console.error(
    `Shopify emulator: ${store.count('orders')} orders, ${store.count('products')} products, ` +
      `${store.count('customers')} customers. Token: ${accessToken}\n` +
      `Try: curl -H 'X-Shopify-Access-Token: ${accessToken}' -H 'Content-Type: application/json' ` +
      `-d '{"query":"{ orders(first: 5) { nodes { name updatedAt } } }"}' '${url}/admin/api/2026-10/graphql.json'`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    void store.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * The Shopify emulator in a process of its own (its CPU is not the worker's), plus a control port for the benchmark:
 *   GET  /__bench/log     request counts from the emulator's requestLog
 *   POST /__bench/clear   clearRequestLog()
 *   POST /__bench/mutate  mutate(resource, {update, create}) from a JSON body
 * Prints one JSON line on stdout, {"url", "control"}, once both listen. The emulator itself is not modified.
 *
 *   npx tsx bench/store-launcher.ts --orders 20000 --customers 4000 --products 400 [--cost-limit 2000:100 | off]
 *
 * `--cost-limit` is the GraphQL Admin API's cost bucket (maximumAvailable:restoreRate; default Shopify's standard
 * plan, 2,000 points restoring 100/s); `off` never answers THROTTLED.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { type CostLimit, createShopifyStore, type ResourceName } from '../emulators/shopify';
import { summarizeLog } from './store-log';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    customers: { type: 'string', default: '200' },
    products: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    'cost-limit': { type: 'string', default: '2000:100' },
  },
});

function costLimit(spec: string): CostLimit | false {
  if (spec === 'off') return false;
  const [maximumAvailable, restoreRate] = spec.split(':').map(Number);
  if (!(maximumAvailable > 0 && restoreRate > 0)) {
    throw new Error(`--cost-limit must be off or POINTS:RESTORE_PER_SECOND, got ${spec}`);
  }
  return { maximumAvailable, restoreRate };
}

const store = createShopifyStore({
  seed: Number(values.seed),
  orders: Number(values.orders),
  customers: Number(values.customers),
  products: Number(values.products),
  graphql: { costLimit: costLimit(values['cost-limit']!) },
});

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        resolve(body ? (JSON.parse(body) as Record<string, unknown>) : {});
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

const control = http.createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const route = `${req.method} ${req.url}`;
  if (route === 'GET /__bench/log') return send(200, summarizeLog(store.requestLog));
  if (route === 'POST /__bench/clear') {
    store.clearRequestLog();
    return send(200, { ok: true });
  }
  if (route === 'POST /__bench/mutate') {
    readJson(req)
      .then((body) => {
        const result = store.mutate(body.resource as ResourceName, {
          update: Number(body.update ?? 0),
          create: Number(body.create ?? 0),
        });
        send(200, { updated: result.updated.length, created: result.created.length });
      })
      .catch((error: Error) => send(400, { error: error.message }));
    return;
  }
  send(404, { error: `no route ${route}` });
});

async function main(): Promise<void> {
  const url = await store.listen(0);
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ url, control: `http://127.0.0.1:${port}` }));
  const stop = () => {
    control.close();
    void store.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

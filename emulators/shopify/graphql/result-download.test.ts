import { createShopifyStore, type ShopifyStore } from '../index';
import { startBulk, waitForBulk } from './test-gql';

const CUSTOMERS_BULK = '{ customers { edges { node { id email updatedAt } } } }';

/** The result file served as a signed storage URL serves it: resumable by Range, optionally over a slow link. */
describe('Shopify store emulator: bulk result downloads', () => {
  let store: ShopifyStore;
  let url: string;
  let resultUrl: string;
  let whole: Buffer;

  beforeAll(async () => {
    store = createShopifyStore({
      customers: 300,
      orders: 0,
      products: 0,
      graphql: { costLimit: false, resultBytesPerSecond: 100_000 },
    });
    url = await store.listen(0);
    const started = await startBulk(url, CUSTOMERS_BULK);
    resultUrl = (await waitForBulk(url, started.bulkOperation.id)).url as string;
    const response = await fetch(resultUrl);
    whole = Buffer.from(await response.arrayBuffer());
  });
  afterAll(() => store.close());

  const downloads = () => store.requestLog.filter((r) => r.kind === 'bulk-result');

  // The client has every byte (Content-Length) a moment before the server's response finishes.
  const settled = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('serves the whole file with 200 and logs the bytes sent', async () => {
    await settled();
    expect(whole.length).toBeGreaterThan(20_000);
    expect(downloads()[0]).toMatchObject({ status: 200, download: { from: 0, bytesSent: whole.length } });
    expect(store.graphql.bulkOperations()[0].downloads).toBe(1);
  });

  it('answers Range: bytes=N- with 206, Content-Range and the rest of the file, not counted as a download', async () => {
    store.clearRequestLog();
    const from = 12_345;
    const response = await fetch(resultUrl, { headers: { Range: `bytes=${from}-` } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${from}-${whole.length - 1}/${whole.length}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(whole.subarray(from))).toBe(true);
    expect(downloads()[0]).toMatchObject({ status: 206, download: { from, bytesSent: whole.length - from } });
    await settled();
    expect(store.graphql.bulkOperations()[0].downloads).toBe(1);
  });

  it('answers a range past the end with 416 and the size', async () => {
    const response = await fetch(resultUrl, { headers: { Range: `bytes=${whole.length}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  it('paces the download at resultBytesPerSecond', async () => {
    const started = Date.now();
    await (await fetch(resultUrl)).arrayBuffer();
    const expectedMs = (whole.length / 100_000) * 1000;
    expect(Date.now() - started).toBeGreaterThanOrEqual(expectedMs * 0.7);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { checkCsvs } from '../helpers/faults-outputs';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

/**
 * Deletions end to end with SHOPIFY_API=graphql: records deleted at the emulator (each with its destroy event) leave
 * the database, the five CSVs and the analytics in the next incremental sync, on a real Temporal dev server.
 */

// Test-only: emulator records are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('deletions through destroy events (GraphQL source, real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let url: string;
  const data = tempDir('deletions-e2e-');
  const config = () => testConfig(data.dir, url, {}, 'e2e-deletions');

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 11, products: 15, customers: 40, orders: 60 });
    url = await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const analytics = () => {
    const { generated_at: _generated, ...summary } = JSON.parse(
      fs.readFileSync(path.join(data.dir, 'analytics_summary.json'), 'utf8'),
    );
    return summary;
  };
  const storeAnalytics = () =>
    analyticsFromApiRecords(store.records('orders'), store.records('customers'), store.records('products'));
  const csvIds = (file: string) => {
    const [header, ...rows] = parse(fs.readFileSync(path.join(data.dir, file), 'utf8')) as string[][];
    const id = header.indexOf('id');
    return rows.map((row) => Number(row[id]));
  };
  /**
   * The database equals the store, except the one difference Shopify makes itself: a kept order's line item of a
   * deleted product (or variant) still carries the product as it was when synced, where Shopify now answers null.
   */
  const expectEqualToStore = (deletedLinks = new Set<number>()) => {
    const db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    db.close();
    const linkGone = /^orders\/(\d+)\.lineItems\[\d+\]\.(product|variant): stored an object, the store has null$/;
    const unexplained = comparison.firstDifferences.filter((d) => !deletedLinks.has(Number(linkGone.exec(d)?.[1])));
    expect(unexplained).toEqual([]);
    // Orders the incremental run re-fetched (its watermark's lookback) have Shopify's null link and match.
    expect(comparison).toMatchObject({ missing: 0, unexpected: 0, duplicates: 0 });
    expect(comparison.different).toBeLessThanOrEqual(deletedLinks.size);
    if (deletedLinks.size === 0) expect(comparison).toMatchObject(EQUAL);
    const csvs = checkCsvs(data.dir);
    expect(csvs.problems).toEqual([]);
    // The store's own figures, computed independently from its REST records. Top products are left out: they rank
    // line items, and a GraphQL line item of a product the shop no longer has carries no product id where REST
    // keeps it, so the two sources rank such sales differently (with or without deletions).
    const { top_products_by_quantity: _ours, ...ours } = analytics();
    const { top_products_by_quantity: _theirs, ...theirs } = storeAnalytics() as Any;
    expect(ours).toEqual(theirs);
  };

  it('deleted products, a variant, orders and a customer leave the database, every CSV and the analytics', async () => {
    await runSyncInProcess(env, config(), { full: true });
    expectEqualToStore();

    const products = [...store.records('products')] as Any[];
    const orders = [...store.records('orders')] as Any[];
    const withOrders = new Set(orders.map((o) => o.customer?.id));
    const customer = ([...store.records('customers')] as Any[]).find((c) => !withOrders.has(c.id));
    // A product sold in an old order we keep (older than the incremental run's lookback, so not re-fetched): the
    // sale stays, with its product_id.
    const keptOrder = orders.slice(2).find((o) => o.line_items.some((l: Any) => l.product_id));
    const soldProduct = keptOrder.line_items.find((l: Any) => l.product_id).product_id as number;
    const otherProduct = products.find((p) => p.id !== soldProduct).id as number;
    const variantOwner = products.find((p) => p.id !== soldProduct && p.id !== otherProduct && p.variants.length > 1);
    const variant = variantOwner.variants[0].id as number;
    const deletedOrders = [orders[0].id, orders[1].id] as number[];
    store.delete('products', [soldProduct, otherProduct]);
    store.delete('variants', [variant]);
    store.delete('orders', deletedOrders);
    store.delete('customers', [customer.id]);

    const result = await runSyncInProcess(env, config(), {});

    // The variant went with its re-fetched product (deleting it bumped the product's updated_at), not by its event.
    expect(result.deletions).toMatchObject({ applied: true, removed: { products: 2, orders: 2, customers: 1 } });
    const goneProducts = new Set([soldProduct, otherProduct]);
    const linksGone = orders
      .slice(2)
      .filter((o) => o.line_items.some((l: Any) => goneProducts.has(l.product_id) || l.variant_id === variant));
    expectEqualToStore(new Set(linksGone.map((o) => o.id as number)));
    expect(csvIds('products.csv')).toEqual(expect.not.arrayContaining([soldProduct, otherProduct]));
    expect(csvIds('product_variants.csv')).not.toContain(variant);
    expect(csvIds('orders.csv')).toEqual(expect.not.arrayContaining(deletedOrders));
    expect(csvIds('customers.csv')).not.toContain(customer.id);
    const deletedItems = orders.slice(0, 2).flatMap((o) => o.line_items.map((l: Any) => l.id as number));
    expect(csvIds('line_items.csv')).toEqual(expect.not.arrayContaining(deletedItems));
    expect(CSV_EXPORTS).toHaveLength(5);

    const db = openReadOnly(data.dir);
    const rows = db
      .prepare(
        "SELECT resource, id, found_by FROM deletions WHERE resource <> 'product_variants' ORDER BY resource, id",
      )
      .all();
    const variantRows = db.prepare("SELECT id, found_by FROM deletions WHERE resource = 'product_variants'").all();
    const keptItems = db
      .prepare('SELECT id FROM line_items WHERE order_id = ? AND product_id = ?')
      .all(keptOrder.id, soldProduct);
    db.close();
    expect(rows).toEqual(
      [
        { resource: 'customers', id: customer.id },
        ...[...deletedOrders].sort((a, b) => a - b).map((id) => ({ resource: 'orders', id })),
        ...[soldProduct, otherProduct].sort((a, b) => a - b).map((id) => ({ resource: 'products', id })),
      ].map((row) => ({ ...row, found_by: 'event' })),
    );
    expect(variantRows).toEqual([{ id: variant, found_by: 'variant-missing' }]);
    expect(keptItems.length).toBeGreaterThan(0);
  });
});

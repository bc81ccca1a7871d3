/**
 * Fills `<dir>/shopify_data.db` with the emulator's records the way a full sync does: one bulk export per resource at
 * an in-process emulator, stored by the worker's bulk ingest (250 records per upsertRecords call and transaction),
 * timing only `upsertRecords` (not the export, the download or the staging).
 *   npx tsx bench/stages/build-db.ts --dir D --orders N --customers N --products N [--watermark now]
 * With `--watermark now` every resource's watermark is set to now, as after a full sync: an incremental run on this
 * database fetches nothing new and only runs the output stages over everything stored.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../../activities/store/database';
import { setMetadata, watermarkKey } from '../../activities/store/metadata';
import { createShopifyStore, RESOURCE_NAMES } from '../../emulators/shopify';
import { exportResource, ingestResource } from '../bulk-export';
import { markBaseline, report, runMain } from './report';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    orders: { type: 'string' },
    customers: { type: 'string' },
    products: { type: 'string' },
    watermark: { type: 'string' },
  },
});

runMain(async () => {
  const store = createShopifyStore({
    orders: Number(values.orders),
    customers: Number(values.customers),
    products: Number(values.products),
    graphql: { costLimit: false },
  });
  const base = await store.listen(0);
  const db = openDatabase(values.dir!);
  markBaseline();
  const resources: Record<string, { records: number; childRows: number; seconds: number; exportSeconds: number }> = {};
  let upsertSeconds = 0;
  const started = performance.now();
  try {
    for (const name of RESOURCE_NAMES) {
      const exported = await exportResource(base, name);
      const ingested = await ingestResource(db, name, exported);
      upsertSeconds += ingested.upsertSeconds;
      resources[name] = {
        records: ingested.records,
        childRows: ingested.childRecords,
        seconds: ingested.upsertSeconds,
        exportSeconds: exported.seconds,
      };
    }
  } finally {
    await store.close();
  }
  const totalSeconds = (performance.now() - started) / 1000;
  if (values.watermark === 'now') {
    for (const name of RESOURCE_NAMES) setMetadata(db, watermarkKey(name), new Date().toISOString());
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const records = Object.values(resources).reduce((sum, r) => sum + r.records, 0);
  const childRows = Object.values(resources).reduce((sum, r) => sum + r.childRows, 0);
  report(upsertSeconds, { records, childRows, rows: records + childRows, resources, totalSeconds });
});

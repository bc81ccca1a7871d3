/**
 * Fills `<dir>/shopify_data.db` with the emulator's records through the project's upsert, page by page (250 records,
 * one transaction each, as a sync does), timing only `upsertRecords` (not the emulator generating the records).
 *   npx tsx bench/stages/build-db.ts --dir D --orders N --customers N --products N [--watermark now]
 * With `--watermark now` every resource's watermark is set to now, as after a full sync: an incremental run on this
 * database fetches nothing new and only runs the output stages over everything stored.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../../activities/store/database';
import { setMetadata, watermarkKey } from '../../activities/store/metadata';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { createShopifyStore, RESOURCE_NAMES } from '../../emulators/shopify';
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
    rateLimit: false,
  });
  const db = openDatabase(values.dir!);
  markBaseline();
  const resources: Record<string, { records: number; childRows: number; seconds: number }> = {};
  let upsertMs = 0;
  const started = performance.now();
  for (const name of RESOURCE_NAMES) {
    const spec = resourceSpec(name);
    const figures = { records: 0, childRows: 0, seconds: 0 };
    let page: Record<string, unknown>[] = [];
    const flush = () => {
      const t = performance.now();
      const counts = upsertRecords(db, spec, page);
      const ms = performance.now() - t;
      upsertMs += ms;
      figures.seconds += ms / 1000;
      figures.records += counts.records;
      figures.childRows += counts.childRecords;
      page = [];
    };
    for (const record of store.records(name)) {
      page.push(record);
      if (page.length === 250) flush();
    }
    if (page.length > 0) flush();
    resources[name] = figures;
  }
  const totalSeconds = (performance.now() - started) / 1000;
  if (values.watermark === 'now') {
    for (const name of RESOURCE_NAMES) setMetadata(db, watermarkKey(name), new Date().toISOString());
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const records = Object.values(resources).reduce((sum, r) => sum + r.records, 0);
  const childRows = Object.values(resources).reduce((sum, r) => sum + r.childRows, 0);
  report(upsertMs / 1000, { records, childRows, rows: records + childRows, resources, totalSeconds });
});

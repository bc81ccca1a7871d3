import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { openDatabase, Db } from '../../activities/store/database';
import { allTables, resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { CSV_EXPORTS, csvRows, exportCsvs } from '../../activities/exports/csv-export';
import { writeFileAtomic } from '../../activities/exports/atomic-file';
import { tempDir } from '../helpers/tmp';

const HOSTILE = [
  'Tee, "blue"\nXL',
  'Line one\r\nline two\rthree',
  '=HYPERLINK("http://evil.example","click")',
  '+SUM(A1:A2)',
  '-2+3',
  '@cmd',
  '\tTabbed',
  '\rCarriage',
  'Emoji 👕🔥 and CJK 漢字テスト',
  '  padded, with spaces  ',
  '"',
  'Plain',
];

const products = HOSTILE.map((title, i) => ({
  id: 7_000_000_000 + i,
  title,
  handle: `p-${i}`,
  vendor: i % 2 ? 'Müller & Söhne' : null,
  tags: i === 0 ? '-sale, =x' : '',
  created_at: '2024-01-01T00:00:00-05:00',
  updated_at: '2024-01-02T00:00:00-05:00',
  variants: [
    {
      id: 40_000_000_000 + i,
      title: HOSTILE[(i + 1) % HOSTILE.length],
      sku: i === 3 ? '-SKU' : `SKU-${i}`,
      position: 1,
      price: i === 4 ? '-5.00' : '19.99',
      compare_at_price: i === 5 ? '-0.125' : null,
      inventory_quantity: -3,
      taxable: true,
      requires_shipping: false,
    },
  ],
}));

const customers = [
  {
    id: 1001,
    email: 'a@example.com',
    first_name: '=1+1',
    last_name: "O'Brien",
    phone: '+1 555 0100',
    total_spent: '-5.00',
  },
  { id: 1002, email: null, first_name: '山田', last_name: 'Tarō 🎌', note: 'Likes "quotes", commas\nand lines' },
];

const orders = [
  {
    id: 5_000_000_001,
    name: '#1001',
    customer: { id: 1001 },
    total_price: '-5.00',
    total_discounts: '5.00',
    note: '@admin please',
    created_at: '2024-03-01T22:30:00-04:00',
    line_items: [
      { id: 13_000_000_001, product_id: 7_000_000_000, quantity: 2, price: '19.99', title: HOSTILE[0] },
      { id: 13_000_000_002, product_id: null, quantity: 1, price: '0.00', title: '=custom item' },
    ],
  },
  {
    id: 5_000_000_002,
    name: '#1002',
    customer: null,
    total_price: '12.345',
    shipping_address: { country: 'Japan', province: '東京都' },
    created_at: '2024-03-02T01:00:00+09:00',
    line_items: [{ id: 13_000_000_003, product_id: 7_000_000_002, quantity: 1, price: '-1.50', title: '\tTab' }],
  },
];

function buildDb(dir: string): Db {
  const db = openDatabase(dir);
  upsertRecords(db, resourceSpec('products'), asNodes('products', products));
  upsertRecords(db, resourceSpec('customers'), asNodes('customers', customers));
  upsertRecords(db, resourceSpec('orders'), asNodes('orders', orders));
  return db;
}

/** The table as SQLite holds it, every cell as the text a CSV reader sees; `'` added where the rule says so. */
function expectedRows(db: Db, table: string, neutralize: boolean): string[][] {
  const spec = allTables().find((t) => t.name === table)!;
  const columns = spec.columns.filter((c) => c.name !== 'raw_json');
  const rows = db
    .prepare(`SELECT ${columns.map((c) => c.name).join(', ')} FROM ${table} ORDER BY ${spec.primaryKey.join(', ')}`)
    .raw(true)
    .all() as unknown[][];
  return [
    columns.map((c) => c.name),
    ...rows.map((row) =>
      row.map((value, i) => {
        if (value === null) return '';
        const text = String(value);
        const isText = columns[i].type === 'TEXT' && !columns[i].money;
        return neutralize && isText && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      }),
    ),
  ];
}

const readCsv = (file: string): string[][] => parse(fs.readFileSync(file), { bom: true, relax_column_count: false });

describe('CSV export', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('declares the five files with the tables’ columns in declared order, minus raw_json', () => {
    expect(CSV_EXPORTS.map((e) => [e.file, e.table])).toEqual([
      ['products.csv', 'products'],
      ['product_variants.csv', 'product_variants'],
      ['customers.csv', 'customers'],
      ['orders.csv', 'orders'],
      ['line_items.csv', 'line_items'],
    ]);
    for (const entry of CSV_EXPORTS) {
      const declared = allTables()
        .find((t) => t.name === entry.table)!
        .columns.map((c) => c.name)
        .filter((c) => c !== 'raw_json');
      expect(entry.columns).toEqual(declared);
    }
  });

  it('round-trips every table exactly, neutralizing formula-like text cells only', async () => {
    const db = buildDb(dir);
    const results = await exportCsvs(db, dir);
    expect(results.map((r) => path.basename(r.file))).toEqual(CSV_EXPORTS.map((e) => e.file));
    for (const result of results) {
      const parsed = readCsv(result.file);
      expect(parsed).toEqual(expectedRows(db, result.table, true));
      expect(parsed[0]).toEqual(CSV_EXPORTS.find((e) => e.table === result.table)!.columns);
      expect(result.rows).toBe(parsed.length - 1);
      expect(result.bytes).toBe(fs.statSync(result.file).size);
      expect(fs.statSync(result.file).mode & 0o777).toBe(0o600);
    }
    const productTitles = readCsv(path.join(dir, 'products.csv')).map((r) => r[1]);
    expect(productTitles.slice(1)).toEqual([
      'Tee, "blue"\nXL',
      'Line one\r\nline two\rthree',
      `'=HYPERLINK("http://evil.example","click")`,
      "'+SUM(A1:A2)",
      "'-2+3",
      "'@cmd",
      "'\tTabbed",
      "'\rCarriage",
      'Emoji 👕🔥 and CJK 漢字テスト',
      '  padded, with spaces  ',
      '"',
      'Plain',
    ]);
    // Money and integers are data: a negative amount or count keeps its sign untouched.
    const variants = readCsv(path.join(dir, 'product_variants.csv'));
    const price = variants[0].indexOf('price');
    expect(variants.map((r) => r[price])).toContain('-5.00');
    expect(variants[1][variants[0].indexOf('inventory_quantity')]).toBe('-3');
    expect(variants[6][variants[0].indexOf('compare_at_price')]).toBe('-0.125');
    const customersCsv = readCsv(path.join(dir, 'customers.csv'));
    expect(customersCsv[1][customersCsv[0].indexOf('total_spent')]).toBe('-5.00');
    expect(customersCsv[1][customersCsv[0].indexOf('phone')]).toBe("'+1 555 0100");
    const ordersCsv = readCsv(path.join(dir, 'orders.csv'));
    const header = ordersCsv[0];
    expect(ordersCsv[1][header.indexOf('id')]).toBe('5000000001');
    expect(ordersCsv[1][header.indexOf('total_price')]).toBe('-5.00');
    expect(ordersCsv[2][header.indexOf('customer_id')]).toBe('');
    expect(ordersCsv[2][header.indexOf('total_price')]).toBe('12.345');
    const items = readCsv(path.join(dir, 'line_items.csv'));
    expect(items[2][items[0].indexOf('product_id')]).toBe('');
    expect(items[2][items[0].indexOf('title')]).toBe("'=custom item");
    expect(items[3][items[0].indexOf('price')]).toBe('-1.50');
    db.close();
  });

  it('writes raw text with neutralizeFormulas: false, and honours fileMode and bom', async () => {
    const db = buildDb(dir);
    const results = await exportCsvs(db, dir, { neutralizeFormulas: false, fileMode: 0o640, bom: true });
    for (const result of results) {
      expect(readCsv(result.file)).toEqual(expectedRows(db, result.table, false));
      expect(fs.statSync(result.file).mode & 0o777).toBe(0o640);
      expect(fs.readFileSync(result.file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    }
    db.close();
  });

  it('uses one header row, CRLF records and no BOM by default', async () => {
    const db = buildDb(dir);
    await exportCsvs(db, dir);
    const text = fs.readFileSync(path.join(dir, 'customers.csv'), 'utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text.startsWith(`${CSV_EXPORTS[2].columns.join(',')}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    db.close();
  });

  it('quotes every field holding a CR or an LF, as RFC 4180 §2.6 asks, with or without a BOM', async () => {
    const db = openDatabase(dir);
    const titles = ['Bare\nLF', 'Bare\rCR', 'Both\r\nCRLF', 'No break'];
    upsertRecords(
      db,
      resourceSpec('products'),
      asNodes(
        'products',
        titles.map((title, i) => ({ id: 100 + i, title })),
      ),
    );
    for (const bom of [false, true]) {
      await exportCsvs(db, dir, { bom });
      const text = fs.readFileSync(path.join(dir, 'products.csv'), 'utf8');
      expect(text.split('\r\n').slice(1, 5)).toEqual([
        '100,"Bare\nLF",,,,,,,,',
        '101,"Bare\rCR",,,,,,,,',
        '102,"Both',
        'CRLF",,,,,,,,',
      ]);
      expect(text).toContain('\r\n103,No break,');
      expect(text.startsWith('\ufeffid,')).toBe(bom);
    }
    db.close();
  });

  it('csvRows yields the same rows the CSV holds, ids as numbers and nulls as empty cells', () => {
    const db = buildDb(dir);
    const rows = [...csvRows(db, 'line_items')];
    expect(rows[0]).toEqual(CSV_EXPORTS[4].columns);
    const productId = rows[0].indexOf('product_id');
    expect(rows.slice(1).map((r) => r[productId])).toEqual([7_000_000_000, '', 7_000_000_002]);
    expect(() => [...csvRows(db, 'fulfillments')]).toThrow(/not one of the CSV exports/);
    db.close();
  });

  it('keeps every digit of an integer beyond 2^53', async () => {
    const db = buildDb(dir);
    db.prepare('UPDATE line_items SET variant_id = ? WHERE id = 13000000001').run(2n ** 63n - 1n);
    await exportCsvs(db, dir);
    const items = readCsv(path.join(dir, 'line_items.csv'));
    expect(items[1][items[0].indexOf('variant_id')]).toBe('9223372036854775807');
    db.close();
  });

  it('a failed export leaves the previous CSVs intact and no temp file behind', async () => {
    const db = buildDb(dir);
    await exportCsvs(db, dir);
    const before = new Map(CSV_EXPORTS.map((e) => [e.file, fs.readFileSync(path.join(dir, e.file))]));
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [{ id: 1003, email: 'new@example.com' }]));
    // A value no CSV can carry, in the last row of the last file: the export fails mid-stream.
    db.prepare('UPDATE line_items SET title = ? WHERE id = 13000000003').run(Buffer.from([0, 1, 2]));
    await expect(exportCsvs(db, dir)).rejects.toThrow(/line_items\.title holds a BLOB/);
    for (const [file, content] of before) expect(fs.readFileSync(path.join(dir, file)).equals(content)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The read transaction was closed: the connection is usable again.
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('a write stream failing mid-file leaves the target intact and removes the temp file', async () => {
    const target = path.join(dir, 'orders.csv');
    fs.writeFileSync(target, 'previous content');
    const failing = Readable.from(
      (function* () {
        yield 'id,name\r\n1,partial\r\n';
        throw new Error('disk full');
      })(),
    );
    await expect(writeFileAtomic(target, (out) => pipeline(failing, out))).rejects.toThrow('disk full');
    expect(fs.readFileSync(target, 'utf8')).toBe('previous content');
    expect(fs.readdirSync(dir)).toEqual(['orders.csv']);
  });

  it('exports 200,000 line items with the right row count', async () => {
    const db = openDatabase(dir);
    const insert = db.prepare(
      'INSERT INTO line_items (id, order_id, product_id, title, quantity, price) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const count = 200_000;
    db.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        insert.run(
          13_000_000_000_000 + i,
          5_000_000_000 + (i >> 2),
          i % 9 ? 7_000 + (i % 300) : null,
          `Item, "${i}"`,
          1 + (i % 5),
          `${i % 1000}.99`,
        );
      }
    })();
    const results = await exportCsvs(db, dir);
    const items = results.find((r) => r.table === 'line_items')!;
    expect(items.rows).toBe(count);
    const parsed = readCsv(items.file);
    expect(parsed).toHaveLength(count + 1);
    const first = Object.fromEntries(parsed[0].map((name, i) => [name, parsed[1][i]]));
    expect(first).toMatchObject({
      id: '13000000000000',
      order_id: '5000000000',
      product_id: '',
      variant_id: '',
      title: 'Item, "0"',
      quantity: '1',
      price: '0.99',
    });
    expect(parsed[count][0]).toBe(String(13_000_000_000_000 + count - 1));
    db.close();
  });
});

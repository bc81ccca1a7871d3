import { checkCellLimit, SheetTable, SPREADSHEET_CELL_LIMIT } from '../../activities/sheets/push';
import { sheetTitle } from '../../activities/sheets/tables';
import { loadServiceAccount } from '../../activities/sheets/credentials';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/tmp';

const table = (title: string, rowCount: number, columns: number): SheetTable => ({
  title,
  header: Array.from({ length: columns }, (_, i) => `c${i}`),
  rowCount,
  rows: () => [],
});

describe('Sheets push', () => {
  it('names worksheets as the original pipeline did', () => {
    expect(['products', 'product_variants', 'customers', 'orders', 'line_items'].map(sheetTitle)).toEqual([
      'Products',
      'ProductVariants',
      'Customers',
      'Orders',
      'LineItems',
    ]);
  });

  it('accepts a push that fits, counting the staging copy of the table being swapped', () => {
    const existing = [{ sheetId: 1, title: 'Orders', index: 0, cells: 3_000_000 }];
    expect(() => checkCellLimit([table('Orders', 99_999, 30)], existing)).not.toThrow();
  });

  it('refuses, before writing, a push over 10,000,000 cells and names the largest table', () => {
    const existing = [{ sheetId: 1, title: 'Sheet1', index: 0, cells: 26_000 }];
    const tables = [table('Orders', 200_000, 32), table('LineItems', 500_000, 14), table('Customers', 50_000, 19)];
    expect(() => checkCellLimit(tables, existing)).toThrow(
      /needs 14,\d{3},\d{3} cells, over the spreadsheet limit of 10,000,000\. The largest table is LineItems \(500,000 rows × 14 columns = 7,000,014 cells\)\. Nothing was written\./,
    );
    expect(SPREADSHEET_CELL_LIMIT).toBe(10_000_000);
  });

  it('reports malformed credentials by file, without echoing the key', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'gspread_credentials.json');
      fs.writeFileSync(file, '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIsecret');
      expect(() => loadServiceAccount(file)).toThrow(new RegExp(`credentials at ${file} are not valid JSON`));
      expect(() => loadServiceAccount(file)).not.toThrow(/MIIsecret/);
      fs.writeFileSync(file, '{"type": "authorized_user"}');
      expect(() => loadServiceAccount(file)).toThrow(/not a service account key/);
      expect(() => loadServiceAccount(path.join(dir, 'missing.json'))).toThrow(
        /credentials not found at .*--no-sheets/,
      );
    } finally {
      cleanup();
    }
  });
});

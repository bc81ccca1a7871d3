import { columnIndex, columnLetters, formatBox, parseAnchor, quoteSheetName } from './a1';

describe('A1 notation', () => {
  it('converts column letters both ways', () => {
    expect(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA'].map(columnIndex)).toEqual([0, 25, 26, 51, 52, 701, 702]);
    expect([0, 25, 26, 51, 52, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('parses single-cell anchors on sheets named quoted or not', () => {
    expect(parseAnchor("'It''s here (updating)'!B1017")).toEqual({
      sheetName: "It's here (updating)",
      row: 1016,
      col: 1,
    });
    expect(parseAnchor('My Sheet!$a$1')).toEqual({ sheetName: 'My Sheet', row: 0, col: 0 });
    expect(parseAnchor('S!AAA10000000')).toEqual({ sheetName: 'S', row: 9_999_999, col: 702 });
  });

  it('rejects what is not a single-cell anchor', () => {
    const texts = ['', 'A1', 'Orders', "'Unclosed!A1", "'S'x'!A1", 'S!A0', 'S!A1:B2', 'S!', '!A1', 'S!AAAA1', "''!A1"];
    for (const text of texts) expect(parseAnchor(text)).toBeUndefined();
  });

  it('quotes sheet names only when needed', () => {
    expect(['Sheet1', 'Orders', 'raw_data', 'Big Orders', "It's", 'A1', 'R1C1', '2024'].map(quoteSheetName)).toEqual([
      'Sheet1',
      'Orders',
      'raw_data',
      "'Big Orders'",
      "'It''s'",
      "'A1'",
      "'R1C1'",
      "'2024'",
    ]);
  });

  it('prints a cell or a rectangle as the API echoes it', () => {
    expect(formatBox('Orders (updating)', 1016, 0, 1016, 0)).toBe("'Orders (updating)'!A1017");
    expect(formatBox('Orders', 0, 0, 905, 11)).toBe('Orders!A1:L906');
  });
});

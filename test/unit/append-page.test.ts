/**
 * appendPage: the bulk assembler prepares 100 records at a time and appends each step's page to its batch's page,
 * so the writer runs one page per transaction. Appending must write exactly what the two pages would.
 */
import { resourceSpec } from '../../activities/store/resources';
import { appendPage, preparePage } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';

const products = resourceSpec('products');
const product = (id: number, variants: number[]) => ({
  id,
  title: `Product ${id}`,
  updated_at: '2026-11-01T00:00:00Z',
  variants: variants.map((v) => ({ id: v, product_id: id, title: `Variant ${v}`, price: '1.00' })),
});

describe('appendPage', () => {
  it('appends a page with other keys: the same page as preparing all its records at once', () => {
    const first = asNodes('products', [product(1, [11, 12]), product(2, [21])]);
    const second = asNodes('products', [product(3, [31, 32, 33])]);
    const into = preparePage(products, first);
    expect(appendPage(into, preparePage(products, second))).toBe(true);
    expect(into).toEqual(preparePage(products, [...first, ...second]));
    expect(into.keptChildKeys[0]).toEqual([11, 12, 21, 31, 32, 33]); // the variants the writer keeps
  });

  it('refuses a page that holds a key already in it (the later version replaces the children), changing nothing', () => {
    const into = preparePage(products, asNodes('products', [product(1, [11, 12]), product(2, [21])]));
    const before = structuredClone(into);
    expect(appendPage(into, preparePage(products, asNodes('products', [product(2, [22])])))).toBe(false);
    expect(into).toEqual(before);
  });
});

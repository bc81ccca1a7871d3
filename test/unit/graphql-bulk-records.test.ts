import { parseGid } from '../../activities/shopify/graphql/bulk-records';

/** Global ids as bulk results and GraphQL records carry them (the ingest itself: bulk-ingest.test.ts). */

describe('bulk records', () => {
  it('parses Shopify global ids, and nothing else', () => {
    expect(parseGid('gid://shopify/ProductVariant/39072856')).toEqual({ type: 'ProductVariant', legacyId: '39072856' });
    expect(parseGid('gid://shopify/LineItem/866550311766439020?foo=1')).toEqual({
      type: 'LineItem',
      legacyId: '866550311766439020',
    });
    expect(parseGid('39072856')).toBeNull();
    expect(parseGid(39072856)).toBeNull();
  });
});

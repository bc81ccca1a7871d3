/**
 * One declaration per resource: the lists other modules used to keep by hand (scopes, CSV files, worksheets, destroy
 * event subjects, reconciliation's id listings, the incremental search) are derived from the declarations, and every
 * declaration is complete enough for them.
 */
import { NEEDED_SCOPES } from '../../common/connection-report';
import { RESOURCE_DECLARATIONS, RESOURCE_NAMES, resourceScopes } from '../../common/contract';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { sheetTitle } from '../../activities/sheets/tables';
import { bulkQuery } from '../../activities/shopify/graphql/bulk-query';
import { DELETION_SUBJECTS } from '../../activities/shopify/graphql/deletion-events';
import { ID_LISTINGS, idListing } from '../../activities/shopify/graphql/id-listing';
import { nestedConnections, pageQuery } from '../../activities/shopify/graphql/query-builder';
import { RESOURCES, type ResourceSpec } from '../../activities/store/resources';

describe('resource declarations', () => {
  it('declare the same resources, in the same order, in contract.ts and resources.ts', () => {
    expect(RESOURCES.map((r) => r.name)).toEqual([...RESOURCE_NAMES]);
  });

  it.each(RESOURCES.map((r) => [r.name, r] as const))(
    '%s selects its incremental field, types its nested connections, keeps raw_json; its keys are columns',
    (_, spec) => {
      expect(spec.graphql.select).toContain(spec.graphql.incremental.field);
      // Bulk results attach nested lines by their node types.
      for (const nested of nestedConnections(spec.graphql.select)) {
        expect([nested.field, spec.graphql.nestedTypes?.[nested.field]?.types.length]).toEqual([
          nested.field,
          expect.any(Number),
        ]);
      }
      expect(spec.table.columns.map((c) => c.name)).toContain('raw_json');
      const columns = spec.table.columns.map((c) => c.name);
      for (const key of spec.table.primaryKey) expect(columns).toContain(key);
      for (const child of spec.children) {
        expect(child.columns.map((c) => c.name)).toEqual(
          expect.arrayContaining([...child.primaryKey, child.parentKey]),
        );
      }
    },
  );

  it('the connection check asks for every resource’s scopes, each once', () => {
    expect(NEEDED_SCOPES).toEqual(['read_products', 'read_customers', 'read_orders', 'read_all_orders']);
    expect(resourceScopes('orders')).toEqual(['read_orders', 'read_all_orders']);
    expect(RESOURCE_DECLARATIONS.every((r) => r.scopes.length > 0)).toBe(true);
  });

  it('the CSV files and worksheets are the tables declared with an export, in declaration order', () => {
    expect(CSV_EXPORTS.map((e) => [e.table, e.file, e.worksheet])).toEqual([
      ['products', 'products.csv', 'Products'],
      ['product_variants', 'product_variants.csv', 'ProductVariants'],
      ['customers', 'customers.csv', 'Customers'],
      ['orders', 'orders.csv', 'Orders'],
      ['line_items', 'line_items.csv', 'LineItems'],
    ]);
    expect(() => sheetTitle('refunds')).toThrow(/no worksheet/);
  });

  it('destroy events are read for the tables declared with deletions, deleted by resource or child table name', () => {
    expect(DELETION_SUBJECTS).toEqual({
      PRODUCT: { gidType: 'Product', resource: 'products' },
      PRODUCT_VARIANT: { gidType: 'ProductVariant', resource: 'product_variants' },
      CUSTOMER: { gidType: 'Customer', resource: 'customers' },
      ORDER: { gidType: 'Order', resource: 'orders' },
    });
  });

  it('reconciliation lists ids through the root connection and the child connections declared listedBy', () => {
    expect(ID_LISTINGS.products).toEqual({
      query: '{ products { edges { node { id variants { edges { node { id } } } } } } }',
      tables: [
        { table: 'products', type: 'Product' },
        { table: 'product_variants', type: 'ProductVariant', parentType: 'Product' },
      ],
    });
    expect(ID_LISTINGS.orders).toEqual({
      query: '{ orders { edges { node { id } } } }',
      tables: [{ table: 'orders', type: 'Order' }],
    });
  });

  describe('a resource declared with its own incremental field', () => {
    const collections: ResourceSpec = {
      ...RESOURCES[0],
      name: 'collections' as ResourceSpec['name'],
      graphql: {
        connection: 'collections',
        count: 'collectionsCount',
        single: 'collection',
        select: ['id', 'legacyResourceId', 'title', 'publishedAt'],
        incremental: { field: 'publishedAt', search: 'published_at', sortKey: 'PUBLISHED_AT' },
      },
      table: {
        ...RESOURCES[0].table,
        name: 'collections',
        deletions: { subjectType: 'COLLECTION', gidType: 'Collection' },
      },
      children: [],
    };

    it('is paged, bulk-read and listed by what it declares', () => {
      expect(pageQuery(collections.graphql).document).toContain('collections(first: ');
      expect(pageQuery(collections.graphql).document).toContain('sortKey: PUBLISHED_AT');
      expect(bulkQuery(collections.graphql, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toContain(
        `collections(query: "published_at:>='2026-11-01T00:00:00Z' AND published_at:<'2026-11-02T00:00:00Z'")`,
      );
      expect(idListing(collections)).toEqual({
        query: '{ collections { edges { node { id } } } }',
        tables: [{ table: 'collections', type: 'Collection' }],
      });
    });
  });
});

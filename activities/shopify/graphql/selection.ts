/**
 * A GraphQL selection declared as data, so that one declaration gives both the query text and its requested cost.
 *
 * Shopify's calculated query cost (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): scalars and enums
 * cost 0, an object 1, a connection 2 plus `first` times the cost of one node, a list of objects its `first` (1 when
 * absent) times the object. Fragments on a union or interface add the fields of every branch.
 */

/** A scalar or enum field: its name (with arguments, if any, as written in GraphQL). */
export type Field = string | Nested;
export type Selection = Field[];

export type Nested =
  | { kind: 'object'; field: string; select: Selection }
  | { kind: 'list'; field: string; first?: number; select: Selection }
  | { kind: 'connection'; field: string; pageSize: number; select: Selection }
  | { kind: 'fragment'; on: string; select: Selection };

export const object = (field: string, ...select: Selection): Nested => ({ kind: 'object', field, select });
export const list = (field: string, ...select: Selection): Nested => ({ kind: 'list', field, select });
/** A nested connection: fetched `pageSize` nodes at a time, its later pages drained before the parent is stored. */
export const connection = (field: string, pageSize: number, ...select: Selection): Nested => ({
  kind: 'connection',
  field,
  pageSize,
  select,
});
export const on = (type: string, ...select: Selection): Nested => ({ kind: 'fragment', on: type, select });
/** `…Set { shopMoney { amount } }`: an amount in the shop's currency, as REST's plain money fields were. */
export const shopMoney = (field: string): Nested => object(field, object('shopMoney', 'amount'));

/** Shopify refuses a query whose requested cost is above this (MAX_COST_EXCEEDED). */
export const MAX_QUERY_COST = 1000;
/** Shopify's most nodes per connection page. */
export const MAX_PAGE_SIZE = 250;

/** Requested cost of one node with this selection (the node itself counts 1, as an object). */
export function nodeCost(select: Selection): number {
  return 1 + selectionCost(select);
}

export function selectionCost(select: Selection): number {
  let total = 0;
  for (const field of select) {
    if (typeof field === 'string') continue;
    switch (field.kind) {
      case 'object':
        total += 1 + selectionCost(field.select);
        break;
      case 'list':
        total += (field.first ?? 1) * (1 + selectionCost(field.select));
        break;
      case 'connection':
        total += 2 + field.pageSize * nodeCost(field.select);
        break;
      case 'fragment':
        total += selectionCost(field.select);
        break;
    }
  }
  return total;
}

/**
 * The most nodes a connection page may ask for so that the whole query stays within MAX_QUERY_COST: `overhead` is
 * what the query costs besides the connection (1 for a `product(id:)` around it), `nodeSelect` one node's selection.
 */
export function pageSizeFor(nodeSelect: Selection, overhead = 0): number {
  const size = Math.floor((MAX_QUERY_COST - overhead - 2) / nodeCost(nodeSelect));
  if (size < 1) {
    throw new Error(
      `One node of this selection costs ${nodeCost(nodeSelect)} points: no page fits Shopify's ${MAX_QUERY_COST}-point ` +
        `limit. Make its nested connections' page sizes smaller.`,
    );
  }
  return Math.min(MAX_PAGE_SIZE, size);
}

/** The selection as GraphQL text; connections get `(first: N)` and `pageInfo` for draining. */
export function render(select: Selection): string {
  return select
    .map((field) => {
      if (typeof field === 'string') return field;
      switch (field.kind) {
        case 'object':
          return `${field.field} { ${render(field.select)} }`;
        case 'list':
          return `${field.field}${field.first ? `(first: ${field.first})` : ''} { ${render(field.select)} }`;
        case 'connection':
          return (
            `${field.field}(first: ${field.pageSize}) { nodes { ${render(field.select)} } ` +
            `pageInfo { hasNextPage endCursor } }`
          );
        case 'fragment':
          return `... on ${field.on} { ${render(field.select)} }`;
      }
    })
    .join(' ');
}

/** The nested connections of a selection (top level only: Shopify allows two levels, the project uses one). */
export function nestedConnections(select: Selection): Array<Extract<Nested, { kind: 'connection' }>> {
  return select.filter(
    (f): f is Extract<Nested, { kind: 'connection' }> => typeof f !== 'string' && f.kind === 'connection',
  );
}

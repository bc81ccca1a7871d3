/**
 * Deleting records at the emulated shop, as a merchant (or an app) does in Shopify: the records leave every
 * GraphQL answer (pages, counts, single lookups, bulk exports) and a `destroy` event is logged for each, unless
 * told not to (to test reconciliation, which must find deletions without events). A deleted variant leaves its
 * product's variant list and bumps the product's `updated_at`, as a change to a product's variants does in Shopify,
 * so an incremental sync re-fetches the product. A customer who has orders cannot be deleted.
 */
import type { AnyData } from './dataset';
import type { EventLog, EventSubject } from './graphql/events';
import type { ResourceName } from './types';

export type DeletableResource = ResourceName | 'variants';

export interface DeleteOptions {
  /** Log a destroy event per record (default true). */
  events?: boolean;
}

const SUBJECT: Record<DeletableResource, EventSubject> = {
  products: 'PRODUCT',
  variants: 'PRODUCT_VARIANT',
  orders: 'ORDER',
  customers: 'CUSTOMER',
};

type Variant = { id: number };
type WithVariants = { id: number; variants: Variant[] };

export interface DeleteContext {
  datasets: Record<ResourceName, AnyData>;
  events: EventLog;
  nowMs: number;
  /** Formats an instant as the shop's records do (its UTC offset). */
  stamp: (ms: number) => string;
}

export function deleteAtStore(
  { datasets, events, nowMs, stamp }: DeleteContext,
  resource: DeletableResource,
  ids: readonly number[],
  options: DeleteOptions = {},
): void {
  if (resource === 'variants') deleteVariants(datasets.products, ids, nowMs, stamp(nowMs));
  else {
    if (resource === 'customers') refuseCustomersWithOrders(datasets.orders, ids);
    datasets[resource].remove(ids);
  }
  if (options.events ?? true) events.record('destroy', SUBJECT[resource], ids);
}

function deleteVariants(products: AnyData, variantIds: readonly number[], nowMs: number, updatedAt: string): void {
  const wanted = new Set(variantIds);
  const owners = new Map<number, Set<number>>();
  for (const record of products.records()) {
    const product = record as unknown as WithVariants;
    for (const v of product.variants) {
      if (!wanted.has(v.id)) continue;
      if (product.variants.length === 1) {
        throw new Error(`delete: variant ${v.id} is product ${product.id}'s only variant; delete the product instead`);
      }
      owners.set(product.id, (owners.get(product.id) ?? new Set()).add(v.id));
      wanted.delete(v.id);
    }
  }
  if (wanted.size) throw new Error(`delete: no variant with id ${[...wanted].join(', ')}`);
  for (const [productId, gone] of owners) {
    products.replace(productId, nowMs, (record) => {
      const product = record as unknown as WithVariants;
      const variants = product.variants.filter((v) => !gone.has(v.id));
      return { ...product, variants, updated_at: updatedAt } as unknown as typeof record;
    });
  }
}

/** Shopify: "Customer can't be deleted because they have orders" (customerDelete userErrors; REST 422). */
function refuseCustomersWithOrders(orders: AnyData, customerIds: readonly number[]): void {
  const asked = new Set(customerIds);
  for (const record of orders.records()) {
    const customer = (record as { customer?: { id?: number } | null }).customer;
    if (customer?.id !== undefined && asked.has(customer.id)) {
      throw new Error(`delete: customer ${customer.id} can't be deleted because they have orders`);
    }
  }
}

import { makeIdRanges, type IdRanges } from './ids';
import { Tag } from './prng';
import { ANCHOR_MS, DAY_MS, timestampFormatter } from './time';
import { Timeline } from './timeline';
import type { ResourceName } from './types';

export interface GenContext {
  seed: number;
  offset: string;
  shopName: string;
  shopCurrency: string;
  ids: IdRanges;
  timelines: Record<ResourceName, Timeline>;
  ts(ms: number): string;
}

export function createContext(opts: {
  seed: number;
  offset: string;
  shopName: string;
  counts: Record<ResourceName, number>;
}): GenContext {
  const hour = 3_600_000;
  return {
    seed: opts.seed,
    offset: opts.offset,
    shopName: opts.shopName,
    shopCurrency: 'USD',
    ids: makeIdRanges(opts.seed),
    timelines: {
      // The catalogue mostly predates the orders.
      products: new Timeline(opts.seed, Tag.products, opts.counts.products, {
        startMs: ANCHOR_MS - 760 * DAY_MS,
        endMs: ANCHOR_MS - 45 * DAY_MS,
        growth: 0,
      }),
      customers: new Timeline(opts.seed, Tag.customers, opts.counts.customers, {
        startMs: ANCHOR_MS - 730 * DAY_MS,
        endMs: ANCHOR_MS - hour,
        growth: 0.4,
      }),
      orders: new Timeline(opts.seed, Tag.orders, opts.counts.orders, {
        startMs: ANCHOR_MS - 729 * DAY_MS,
        endMs: ANCHOR_MS - hour,
        growth: 0.4,
      }),
    },
    ts: timestampFormatter(opts.offset),
  };
}

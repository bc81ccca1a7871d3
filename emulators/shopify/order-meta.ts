import type { Meta } from './generator';
import { CANCEL_REASONS } from './catalog-people';
import type { Rng } from './prng';
import type { OrderQuirk } from './quirks';
import { ANCHOR_MS, DAY_MS, MAX_UPDATE_DELAY_MS, floorToSecond } from './time';

const { min, max, floor } = Math; // see prng.ts: global lookups are slow under jest

export type FinancialStatus = 'paid' | 'pending' | 'authorized' | 'refunded' | 'partially_refunded' | 'voided';
export type FulfillmentStatus = 'fulfilled' | 'partial' | null;

export interface OrderMeta extends Meta {
  financial: FinancialStatus;
  fulfillment: FulfillmentStatus;
  fulfilledMs: number | null;
  refundMs: number | null;
  cancelReason: string | null;
}

/**
 * The order's life: payment, fulfilment, refund, cancellation and archiving. Every event lies
 * within MAX_UPDATE_DELAY_MS of created_at (and not after the anchor), so updated_at does too.
 */
export function orderLife(createdMs: number, rng: Rng, q: OrderQuirk): OrderMeta {
  // A fixed number of draws keeps every later value stable whatever the branch.
  const u0 = rng.next();
  const u1 = rng.next();
  const u2 = rng.next();
  const u3 = rng.next();
  const u4 = rng.next();
  const u5 = rng.next();
  const u6 = rng.next();
  const u7 = rng.next();
  const u8 = rng.next();
  // Offsets below are at most 29 days; for orders placed shortly before the anchor they are
  // compressed into the time left, so nothing happens after the anchor and nothing piles up on it.
  const budget = min(MAX_UPDATE_DELAY_MS, max(0, ANCHOR_MS - createdMs));
  const scale = budget / MAX_UPDATE_DELAY_MS;
  const at = (offsetMs: number) => floorToSecond(createdMs + min(offsetMs, MAX_UPDATE_DELAY_MS) * scale);
  const forced = q.status !== undefined || q.financial !== undefined || q.fulfillment !== undefined;

  const cancelled = q.status === 'cancelled' || (!forced && u0 < 0.04);
  let financial: FinancialStatus;
  if (cancelled) financial = u1 < 0.5 ? 'voided' : 'refunded';
  else if (q.financial) financial = q.financial;
  else if (q.status === 'closed' || q.fulfillment) financial = 'paid';
  else financial = pickFinancial(u1);

  let fulfillment: FulfillmentStatus = null;
  if (q.status === 'closed') fulfillment = 'fulfilled';
  else if (q.fulfillment) fulfillment = q.fulfillment;
  else if (!cancelled) fulfillment = pickFulfillment(financial, u2);

  const fulfilledOffset = fulfillment ? u3 * 10 * DAY_MS : 0;
  const fulfilledMs = fulfillment ? at(fulfilledOffset) : null;
  const cancelledOffset = u4 * 3 * DAY_MS;
  const cancelledMs = cancelled ? at(cancelledOffset) : null;
  const refunded = financial === 'refunded' || financial === 'partially_refunded';
  const refundOffset = cancelled ? cancelledOffset : fulfilledOffset + DAY_MS + u5 * 14 * DAY_MS;
  const refundMs = refunded ? at(refundOffset) : null;

  let closedOffset: number | null = null;
  if (q.status === 'closed') closedOffset = fulfilledOffset + 3_600_000;
  else if (cancelled) closedOffset = u6 < 0.5 ? cancelledOffset : null;
  else if (fulfillment === 'fulfilled' && financial !== 'pending' && financial !== 'authorized') {
    closedOffset = u6 < 0.6 ? max(fulfilledOffset, refunded ? refundOffset : 0) + u7 * 2 * DAY_MS : null;
  } else if (financial === 'refunded' && u6 < 0.5) closedOffset = refundOffset;
  const closedMs = closedOffset === null ? null : at(closedOffset);

  const lastEvent = max(createdMs, fulfilledMs ?? 0, cancelledMs ?? 0, refundMs ?? 0, closedMs ?? 0);
  const updatedMs = max(lastEvent, at(lastEvent - createdMs + u8 * 2 * DAY_MS));
  return {
    createdMs,
    updatedMs,
    closedMs,
    cancelledMs,
    financial,
    fulfillment,
    fulfilledMs,
    refundMs,
    cancelReason: cancelled ? CANCEL_REASONS[floor(u7 * CANCEL_REASONS.length)] : null,
  };
}

function pickFinancial(u: number): FinancialStatus {
  if (u < 0.74) return 'paid';
  if (u < 0.8) return 'pending';
  if (u < 0.85) return 'authorized';
  if (u < 0.91) return 'refunded';
  return 'partially_refunded';
}

function pickFulfillment(financial: FinancialStatus, u: number): FulfillmentStatus {
  switch (financial) {
    case 'paid':
      return u < 0.7 ? 'fulfilled' : u < 0.77 ? 'partial' : null;
    case 'partially_refunded':
      return u < 0.7 ? 'fulfilled' : u < 0.9 ? 'partial' : null;
    case 'refunded':
      return u < 0.4 ? 'fulfilled' : null;
    default:
      return u < 0.1 ? 'fulfilled' : null;
  }
}

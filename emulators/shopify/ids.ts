import { unit } from './prng';

const { floor } = Math; // see prng.ts: global lookups are slow under jest

/**
 * Ids above 2^32 that grow with the index with gaps: base + index * stride + jitter, jitter < stride / 2.
 * The jitter keeps order and lets an id be mapped back to its index with one division.
 */
export class IdRange {
  constructor(
    private readonly seed: number,
    private readonly base: number,
    private readonly stride: number,
  ) {}

  at(i: number): number {
    return this.base + i * this.stride + floor(unit(this.seed, this.base % 1_000_003, i) * (this.stride >> 1));
  }

  /** An id inside the gap after index i: never an existing id (used for deleted products). */
  gapAfter(i: number): number {
    return this.base + i * this.stride + this.stride - 1;
  }

  /** The index whose id this is, or undefined when the id is not one of ours. */
  indexOf(id: number): number | undefined {
    if (!Number.isSafeInteger(id) || id < this.base) return undefined;
    const i = floor((id - this.base) / this.stride);
    return this.at(i) === id ? i : undefined;
  }

  /** Smallest index whose id is > id (since_id). */
  firstAbove(id: number): number {
    if (id < this.base) return 0;
    const i = floor((id - this.base) / this.stride);
    return this.at(i) > id ? i : i + 1;
  }
}

/** Child ids: parent index times a stride plus a slot, e.g. variant k of product i. */
export class ChildIdRange {
  constructor(
    private readonly seed: number,
    private readonly base: number,
    private readonly stride: number,
    private readonly slotWidth: number,
  ) {}

  at(parent: number, slot: number): number {
    const jitter = floor(unit(this.seed, this.base % 1_000_003, parent, slot) * (this.slotWidth - 1));
    return this.base + parent * this.stride + slot * this.slotWidth + jitter;
  }

  /** An id in the unused tail of the parent's block: never an existing id. */
  gapAfter(parent: number): number {
    return this.base + parent * this.stride + this.stride - 1;
  }
}

export function makeIdRanges(seed: number) {
  return {
    orders: new IdRange(seed, 5_100_000_000_000, 1021),
    customers: new IdRange(seed, 6_200_000_000_000, 1013),
    products: new IdRange(seed, 7_300_000_000_000, 1009),
    variants: new ChildIdRange(seed, 40_100_000_000_000, 1019, 61),
    inventoryItems: new ChildIdRange(seed, 45_200_000_000_000, 1019, 61),
    options: new ChildIdRange(seed, 9_100_000_000_000, 17, 5),
    addresses: new ChildIdRange(seed, 8_200_000_000_000, 1031, 97),
    lineItems: new ChildIdRange(seed, 14_300_000_000_000, 1039, 113),
    shippingLines: new ChildIdRange(seed, 4_900_000_000_000, 211, 100),
    fulfillments: new ChildIdRange(seed, 4_400_000_000_000, 1051, 300),
    refunds: new ChildIdRange(seed, 900_000_000_000, 1061, 300),
    transactions: new ChildIdRange(seed, 6_900_000_000_000, 1063, 300),
  };
}

export type IdRanges = ReturnType<typeof makeIdRanges>;

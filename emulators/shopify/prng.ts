/** Deterministic hashing and a small PRNG so every record can be regenerated from (seed, resource, index). */

// Module-level aliases: under jest's vm context every global lookup (Math) is an interceptor
// call, which made hashing ~30x slower.
const { imul, floor } = Math;

function mix32(x: number): number {
  x ^= x >>> 16;
  x = imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function absorb(h: number, p: number): number {
  return mix32(mix32(h ^ (p >>> 0)) ^ floor(p / 4294967296));
}

/** Hash of up to five non-negative integers (each may be up to 2^53); fixed arity keeps it allocation-free. */
export function hash32(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return absorb(absorb(absorb(absorb(absorb(0x811c9dc5, a), b), c), d), e);
}

/** A single uniform draw in [0, 1) keyed by the parts. */
export function unit(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return hash32(a, b, c, d, e) / 4294967296;
}

/** mulberry32 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)];
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  hex(length: number): string {
    let out = '';
    let x = 0;
    for (let i = 0; i < length; i++) {
      if (i % 8 === 0) x = floor(this.next() * 4294967296);
      out += HEX[x & 15];
      x >>>= 4;
    }
    return out;
  }

  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(floor(this.next() * 10));
    return out;
  }
}

export function rngFor(a: number, b = 0, c = 0, d = 0, e = 0): Rng {
  return new Rng(hash32(a, b, c, d, e));
}

const HEX = '0123456789abcdef';

/** Numeric tags that keep the hash streams of resources and purposes apart. */
export const Tag = {
  products: 1,
  customers: 2,
  orders: 3,
  time: 10,
  meta: 11,
  body: 12,
  mutation: 13,
  faults: 14,
} as const;

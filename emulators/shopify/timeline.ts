import { Tag, unit } from './prng';
import { floorToSecond } from './time';

const { min, max } = Math; // see prng.ts: global lookups are slow under jest

export interface TimelineSpec {
  startMs: number;
  endMs: number;
  /** >0 means records get denser towards the end (a growing shop). */
  growth: number;
}

/**
 * created_at as a non-decreasing function of the index, so "first record created at or after T"
 * is a binary search instead of a scan.
 */
export class Timeline {
  constructor(
    private readonly seed: number,
    private readonly tag: number,
    readonly count: number,
    private readonly spec: TimelineSpec,
  ) {}

  createdMs(i: number): number {
    const x = min(1, (i + unit(this.seed, this.tag, Tag.time, i)) / max(1, this.count));
    const g = this.spec.growth;
    // Increasing on [0, 1] for 0 <= g < 1: f(0) = 0, f(1) = 1, slope falls from 1+g to 1-g.
    const f = x * (1 + g - g * x);
    return floorToSecond(this.spec.startMs + (this.spec.endMs - this.spec.startMs) * f);
  }

  /** Smallest i in [0, count] with createdMs(i) >= ms. */
  firstAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.createdMs(mid) >= ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Smallest i in [0, count] with createdMs(i) > ms. */
  firstAfter(ms: number): number {
    return this.firstAtOrAfter(floorToSecond(ms) + 1000);
  }
}

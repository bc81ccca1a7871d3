import type { IdRange } from './ids';
import type { Rng } from './prng';
import type { Timeline } from './timeline';

/** The few facts about a record that filters need, computable without building the record. */
export interface Meta {
  createdMs: number;
  updatedMs: number;
  closedMs: number | null;
  cancelledMs: number | null;
}

export interface ResourceGenerator<R extends object, M extends Meta = Meta> {
  /** Number of generated (not created-by-mutation) records. */
  readonly baseCount: number;
  readonly timeline: Timeline;
  readonly ids: IdRange;
  /** Cheap: used while scanning for filter matches. */
  meta(i: number): M;
  /** Meta for a record created by mutate() at index i (>= baseCount). */
  freshMeta(i: number, nowMs: number): M;
  build(i: number, meta: M): R;
  /** Returns a changed copy, as a merchant or the shop itself would change it. */
  mutate(record: R, meta: M, nowMs: number, rng: Rng): { record: R; meta: M };
}

import type { WorkerKind } from './args';
import type { FullSyncRun } from './scenarios/full-sync';
import type { BenchTemporal } from './temporal-server';

export interface BenchContext {
  temporal: BenchTemporal;
  /** Scratch folder of this benchmark run (data dirs, databases, profiles); removed at the end. */
  workDir: string;
  quick: boolean;
  worker: WorkerKind;
  large: boolean;
  log: (message: string) => void;
  /** Full syncs by order count, so the scaling scenario reuses them instead of running them again. */
  fullSyncs: Map<number, FullSyncRun[]>;
}

/** Runs per figure: medians of 3 for the small sizes, a single run for the large ones and in --quick. */
export function runsFor(ctx: BenchContext, orders: number): number {
  return ctx.quick || orders > 20_000 ? 1 : 3;
}

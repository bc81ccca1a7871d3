import { Rng, rngFor, Tag } from './prng';
import type { FaultRule, ResourceName } from './types';

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

/** Decides which fault (if any) applies to an API request. */
export class FaultInjector {
  private states: RuleState[] = [];
  private rng: Rng;
  private generation = 0;

  constructor(private readonly seed: number) {
    this.rng = rngFor(seed, Tag.faults, 0);
  }

  set(rules: readonly FaultRule[]): void {
    for (const rule of rules) validate(rule);
    this.states = rules.map((rule) => ({ rule: { ...rule }, seen: 0, fired: 0 }));
    this.rng = rngFor(this.seed, Tag.faults, ++this.generation);
  }

  /**
   * Every rule whose resource matches counts the request (and draws for `rate`), even when an
   * earlier rule already fired, so each rule's numbering is independent of the others.
   */
  pick(resource: ResourceName | undefined, field?: string): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const state of this.states) {
      const { rule } = state;
      if (rule.resource !== undefined && rule.resource !== resource) continue;
      if (rule.field !== undefined && rule.field !== field) continue;
      state.seen++;
      let hit: boolean;
      if (rule.nth !== undefined) hit = state.seen === rule.nth;
      else if (rule.from !== undefined) hit = state.seen >= rule.from;
      else if (rule.rate !== undefined) hit = this.rng.next() < rule.rate;
      else hit = true;
      if (rule.times !== undefined && state.fired >= rule.times) hit = false;
      if (hit && !chosen) {
        chosen = rule;
        state.fired++;
      }
    }
    return chosen;
  }
}

function validate(rule: FaultRule): void {
  if (rule.kind === 'status' && rule.status === undefined) throw new Error("fault 'status' needs a status");
  if (rule.kind === 'latency' && rule.latencyMs === undefined) throw new Error("fault 'latency' needs latencyMs");
  if (rule.rate !== undefined && (rule.rate < 0 || rule.rate > 1)) throw new Error('fault rate must be within 0..1');
}

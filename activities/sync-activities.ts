import { heartbeat, log } from '@temporalio/activity';
import type { ResourceName, SyncPageInput, SyncPageResult } from '../common/contract';
import type { ShopifyClient } from './shopify/client';
import { laterOf, nextWatermark, updatedAtMinFrom } from './shopify/watermark';
import type { Db } from './store/database';
import { getMetadata, setMetadata, watermarkKey } from './store/metadata';
import { resourceSpec } from './store/resources';
import { InvalidRecordError, upsertRecords } from './store/upsert';
import { ApplicationFailure } from '@temporalio/common';

export interface SyncDeps {
  db: () => Db;
  shopify: () => ShopifyClient;
}

export interface ResourcePlan {
  updatedAtMin: string | null;
  /** Records Shopify counts for the resource (full syncs only, for progress and ETA). */
  expected: number | null;
}

/** The Shopify stages' activities: plan from the watermarks, one page at a time, then commit the watermark. */
export function createSyncActivities(deps: SyncDeps) {
  return {
    async planSync(input: { full: boolean; resources: ResourceName[] }): Promise<Record<string, ResourcePlan>> {
      const db = deps.db();
      const plan: Record<string, ResourcePlan> = {};
      for (const name of input.resources) {
        const spec = resourceSpec(name);
        const watermark = input.full ? null : getMetadata(db, watermarkKey(name));
        plan[name] = {
          updatedAtMin: updatedAtMinFrom(watermark),
          expected: input.full ? await deps.shopify().count(spec.endpoint, spec.params) : null,
        };
      }
      log.info('Sync planned', { plan });
      return plan;
    },

    /** Fetches one page and stores it in one transaction; only the cursor and counts go back to the workflow. */
    async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
      const spec = resourceSpec(input.resource);
      const params: Record<string, string> = { ...spec.params };
      if (input.updatedAtMin) params.updated_at_min = input.updatedAtMin;
      // Heartbeats let Temporal notice a killed worker within the heartbeat timeout instead of the page's timeout.
      const beat = setInterval(() => heartbeat(), 1_000);
      let page;
      try {
        heartbeat();
        page = await deps.shopify().page(spec.endpoint, input.cursor, params);
      } finally {
        clearInterval(beat);
      }
      let counts;
      try {
        counts = upsertRecords(deps.db(), spec, page.records);
      } catch (error) {
        if (error instanceof InvalidRecordError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidRecord');
        throw error;
      }
      let maxUpdatedAt: string | null = null;
      for (const record of page.records) {
        if (typeof record.updated_at === 'string') maxUpdatedAt = laterOf(maxUpdatedAt, record.updated_at);
      }
      const throttled = page.throttledMs > 0 ? `, waited ${page.throttledMs} ms for the rate limit` : '';
      log.info(
        `${input.resource} page ${input.page}: ${counts.records} records, ${counts.childRecords} child rows${throttled}`,
        {
          resource: input.resource,
          page: input.page,
          records: counts.records,
          childRecords: counts.childRecords,
          requests: page.requests,
          throttledMs: page.throttledMs,
          last: page.nextCursor === null,
        },
      );
      return {
        nextCursor: page.nextCursor,
        ...counts,
        maxUpdatedAt,
        requests: page.requests,
        throttledMs: page.throttledMs,
      };
    },

    /** Called once a resource has been paged to the end: the next incremental run starts from here. */
    async commitWatermark(input: {
      resource: ResourceName;
      maxUpdatedAt: string | null;
      startedAt: string;
    }): Promise<string | null> {
      const db = deps.db();
      const key = watermarkKey(input.resource);
      const watermark = nextWatermark(input.maxUpdatedAt, input.startedAt, getMetadata(db, key));
      if (watermark !== null) setMetadata(db, key, watermark);
      log.info(`${input.resource} watermark ${watermark ?? 'unchanged (nothing fetched)'}`, {
        resource: input.resource,
      });
      return watermark;
    },
  };
}

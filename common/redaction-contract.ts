/**
 * What the client, the worker and the redaction workflow agree on. Pure TypeScript with no Node imports: the workflow
 * bundle imports it too. No email ever goes through Temporal: the client sends its SHA-256 (see email-hash.ts).
 */
import type { StageReport } from './contract';

/** One redaction per store at a time; it may run beside a sync (the upsert honours redactions: RELIABILITY.md). */
export function redactWorkflowId(store: string): string {
  return `shopify-redact-${store}`;
}

export interface RedactionInput {
  /** The Shopify customer id to erase (known or not yet synced). */
  customerId?: number;
  /** SHA-256 (hex) of the trimmed, lower-cased email: the customers and guest orders with that email are erased. */
  emailSha256?: string;
  /** Push the redacted tables to Google Sheets (default true; skipped when GOOGLE_SHEET_ID is unset). */
  sheets?: boolean;
}

/** Counts and ids only: what was erased, never the data. */
export interface RedactionCounts {
  /** False when an email matched nothing stored (never synced, or already erased): nothing was changed. */
  found: boolean;
  /** Customer ids now in the `redactions` table because of this request. */
  customerIds: number[];
  /** Customer rows and order rows rewritten without their personal data (the orders of those customers included). */
  customers: number;
  orders: number;
  /** Orders without one of those customers (guest checkouts with the email), redacted by order id. */
  guestOrders: number;
  redactedAt: string;
}

export interface PurgeReport {
  /** Database bytes before and after VACUUM, and WAL bytes after the truncating checkpoint (0). */
  databaseBytesBefore: number;
  databaseBytesAfter: number;
  walBytesAfter: number;
}

export interface RedactionResult extends RedactionCounts {
  purge: PurgeReport;
  stages: StageReport[];
}

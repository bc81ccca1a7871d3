import { Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ConfigError } from '../common/config';
import { emailSha256, looksLikeEmail } from '../common/email-hash';
import { RedactionInput, RedactionResult, redactWorkflowId } from '../common/redaction-contract';
import { redactCustomer } from '../workflows';
import { SyncFailedError } from './run-sync';

/** `123`, `gid://shopify/Customer/123` or an email; the email is hashed here and never sent anywhere. */
export function redactionInput(target: string, sheets: boolean): { input: RedactionInput; described: string } {
  const value = target.trim();
  const id = /^(?:gid:\/\/shopify\/Customer\/)?(\d+)$/.exec(value)?.[1];
  if (id !== undefined) {
    const customerId = Number(id);
    if (!Number.isSafeInteger(customerId))
      throw new ConfigError(`Customer id ${value} is too large to be a Shopify id.`);
    return { input: { customerId, sheets }, described: `customer ${customerId}` };
  }
  if (looksLikeEmail(value))
    return { input: { emailSha256: emailSha256(value), sheets }, described: 'the customer with that email' };
  throw new ConfigError(
    `--redact-customer takes a Shopify customer id (123 or gid://shopify/Customer/123) or an email address.`,
  );
}

export interface RedactOptions {
  client: Client;
  taskQueue: string;
  uiUrl: string;
  store: string;
  target: string;
  sheets: boolean;
  out?: NodeJS.WriteStream;
}

/** Starts the redaction workflow, waits for it and prints what was erased (counts and ids, never the data). */
export async function runRedaction(options: RedactOptions): Promise<RedactionResult> {
  const out = options.out ?? process.stdout;
  const { input, described } = redactionInput(options.target, options.sheets);
  const workflowId = redactWorkflowId(options.store);
  let handle;
  try {
    handle = await options.client.workflow.start(redactCustomer, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [input],
      staticSummary: `Erase the personal data of ${described} in ${options.store}`,
      staticDetails:
        `Store: ${options.store}\n\nErases from the database, then rewrites the CSVs, analytics, dashboard` +
        `${options.sheets ? ' and Google Sheet' : ' (Google Sheets skipped: --no-sheets)'}.\n\nStarted from: npm run sync -- --redact-customer`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    throw new SyncFailedError(
      `A redaction of ${options.store} is already running (workflow ${workflowId}). Wait for it to finish, then run ` +
        `this one again.`,
    );
  }
  out.write(`Erasing the personal data of ${described}: workflow ${workflowId}\n`);
  out.write(`Web UI: ${options.uiUrl}/namespaces/${options.client.options.namespace}/workflows/${workflowId}\n`);
  let result: RedactionResult;
  try {
    result = (await handle.result()) as RedactionResult;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      let cause: unknown = error;
      while (cause instanceof Error && cause.cause) cause = cause.cause;
      throw new SyncFailedError(cause instanceof Error ? cause.message : String(cause));
    }
    throw error;
  }
  out.write(describeRedaction(result));
  return result;
}

export function describeRedaction(result: RedactionResult): string {
  const stages = result.stages.map((s) => `${s.name} ${s.status}`).join(', ');
  if (!result.found) {
    return (
      `Nothing stored matches it (never synced here, or already erased): nothing was erased.\n` +
      `Outputs rewritten: ${stages}.\n`
    );
  }
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return (
    `Erased the personal data of customer${result.customerIds.length === 1 ? '' : 's'} ` +
    `${result.customerIds.join(', ') || '(none: guest orders only)'}: ${count(result.customers, 'customer')}, ` +
    `${count(result.orders, 'order')} (${count(result.guestOrders, 'guest checkout')}); the orders stay, anonymous.\n` +
    `Later syncs store them without personal data. Database vacuumed (${mb(result.purge.databaseBytesBefore)} → ` +
    `${mb(result.purge.databaseBytesAfter)}), WAL emptied.\n` +
    `Outputs rewritten: ${stages}.\n`
  );
}

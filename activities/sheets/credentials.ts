import fs from 'node:fs';
import { ConfigError } from '../../common/config';

export interface ServiceAccount {
  client_email: string;
  private_key: string;
  /** Where the key was read from, for messages (never the key itself). */
  source: string;
}

export function loadServiceAccount(file: string): ServiceAccount {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(
      `Google Sheets credentials not found at ${file}. Save the service account's JSON key there (or set ` +
        `GOOGLE_APPLICATION_CREDENTIALS), or unset GOOGLE_SHEET_ID in the worker's environment to run without the ` +
        `Sheets push (\`npm run sync -- --no-sheets\` skips it for one run).`,
    );
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    // The parser's message may quote the file's content (a private key): say only where it broke.
    const where = /position \d+/.exec(String((error as Error).message))?.[0] ?? 'somewhere';
    throw new ConfigError(
      `Google Sheets credentials at ${file} are not valid JSON (error at ${where}). Download the key again.`,
    );
  }
  if (
    parsed.type !== 'service_account' ||
    typeof parsed.client_email !== 'string' ||
    typeof parsed.private_key !== 'string'
  ) {
    throw new ConfigError(
      `Google Sheets credentials at ${file} are not a service account key (need "type": "service_account", ` +
        `"client_email" and "private_key"). Create a JSON key for a service account in the Google Cloud console.`,
    );
  }
  return { client_email: parsed.client_email, private_key: parsed.private_key, source: file };
}

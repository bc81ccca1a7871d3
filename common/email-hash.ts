import { createHash } from 'node:crypto';

/** How an email is compared for erasure: trimmed, lower-cased, SHA-256 in hex (the email itself never leaves). */
export function emailSha256(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value.trim());
}

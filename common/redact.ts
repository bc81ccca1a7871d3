/**
 * Masks credentials before anything is logged or surfaced in an error: known values (the configured token or client
 * secret, every access token the client-credentials grant issued) plus recognisable shapes.
 */

const knownSecrets = new Set<string>();

const MASK = '[REDACTED]';

/** Shapes masked whole. */
const SECRET_SHAPES: RegExp[] = [
  /shp(at|ca|pa|ss)_[A-Za-z0-9]+/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** Shapes whose name is kept and whose value is masked: JSON fields, form fields, the token header. */
const NAMED_SECRETS: RegExp[] = [
  /("(?:private_key|access_token|client_secret)"\s*:\s*")[^"]*(")/g,
  /(\b(?:client_secret|access_token)=)[^&\s"']+()/g,
  /(x-shopify-access-token["']?\s*[:=]\s*["']?)[^\s"',}]+()/gi,
];

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  for (const shape of NAMED_SECRETS) out = out.replace(shape, (_match, name: string, end: string) => name + MASK + end);
  for (const shape of SECRET_SHAPES) out = out.replace(shape, MASK);
  return out;
}

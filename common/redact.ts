/** Masks credentials before anything is logged or surfaced in an error: known values plus recognisable shapes. */

const knownSecrets = new Set<string>();

const SECRET_SHAPES: RegExp[] = [
  /shp(at|ca|pa|ss)_[A-Za-z0-9]+/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /("private_key"\s*:\s*")[^"]*"/g,
];

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join('[REDACTED]');
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (_match, prefix: unknown) =>
      typeof prefix === 'string' && prefix.startsWith('"private_key"') ? `${prefix}[REDACTED]"` : '[REDACTED]',
    );
  }
  return out;
}

/** The message for a Temporal server that cannot be reached. */
export function connectionHelp(address: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return (
    `Cannot reach the Temporal server at ${address} (${reason}). Start one with \`npm run server\` ` +
    `(a local dev server with its Web UI on http://localhost:8233), or set TEMPORAL_ADDRESS.`
  );
}

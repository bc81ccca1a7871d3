/** An error the way Google's JSON APIs report it: `{"error":{"code","message","status"}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
  }

  toBody(): { error: { code: number; message: string; status: string; details?: unknown[] } } {
    const error = { code: this.code, message: this.message, status: this.status };
    return { error: this.details ? { ...error, details: this.details } : error };
  }

  /** The same error with `prefix` in front of the message (batch endpoints name the failing item). */
  prefixed(prefix: string): ApiError {
    return new ApiError(this.code, this.status, prefix + this.message, this.details);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'INVALID_ARGUMENT', message);

export const unauthenticated = (): ApiError =>
  new ApiError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
      'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  );

export const permissionDenied = (): ApiError =>
  new ApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission');

export const insufficientScopes = (): ApiError =>
  new ApiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.');

export const notFound = (): ApiError => new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');

/**
 * A real Sheets API feature this test double leaves out on purpose (it emulates only what the push sends), answered
 * with the status Google uses for unimplemented methods so that no caller mistakes it for success or a 404.
 */
export const notEmulated = (what: string): ApiError =>
  new ApiError(
    501,
    'UNIMPLEMENTED',
    `${what} is not emulated by the Sheets emulator (see emulators/google-sheets/README.md for what is).`,
  );

export const methodNotFound = (): ApiError => new ApiError(404, 'NOT_FOUND', 'Method not found.');

export const payloadTooLarge = (limit: number): ApiError =>
  new ApiError(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${limit} bytes.`);

export const quotaExceeded = (kind: 'Read' | 'Write'): ApiError =>
  new ApiError(
    429,
    'RESOURCE_EXHAUSTED',
    `Quota exceeded for quota metric '${kind} requests' and limit '${kind} requests per minute per user' of service ` +
      `'sheets.googleapis.com' for consumer 'project_number:0'.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: { service: 'sheets.googleapis.com', consumer: 'projects/0' },
      },
    ],
  );

export const unavailable = (): ApiError => new ApiError(503, 'UNAVAILABLE', 'The service is currently unavailable.');

export const internalError = (): ApiError => new ApiError(500, 'INTERNAL', 'Internal error encountered.');

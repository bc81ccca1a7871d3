export { createSheetsEmulator } from './emulator';
export { generateServiceAccountKeys, signServiceAccountJwt, SHEETS_AUDIENCE } from './jwt';
export type { JwtOverrides, ServiceAccountKeys } from './jwt';
export type { RequestLogEntry, SheetsEmulator, SheetsEmulatorOptions, SheetsFault } from './types';

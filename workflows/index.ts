// The worker bundles this file: workflow code only (deterministic, no Node APIs).
export { shopifySync, progressQuery } from './sync';
export { redactCustomer } from './redact-customer';
export { shopifyConnectionCheck } from './connection-check';

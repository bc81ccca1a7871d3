// The worker bundles this file: workflow code only (deterministic, no Node APIs).
export { shopifySync, progressQuery } from './sync';
export { shopifyConnectionCheck } from './connection-check';

export * from './classify';
export * from './delivery-status';
export type { Address } from './headers';
export * from './parse-message';
export * from './sanitize-html';

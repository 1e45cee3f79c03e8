export * from './charset';
export * from './classify';
export * from './parse-message';
export * from './sanitize-html';

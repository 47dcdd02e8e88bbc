export * from './areas.ts';
export * from './catalog.ts';
export * from './county-lists.ts';
export * from './auth.ts';
export * from './audit.ts';
export * from './accounts.ts';
export * from './attachments.ts';
export * from './complaints.ts';

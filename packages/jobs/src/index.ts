export * from './catalog';
export type * from './jobs';

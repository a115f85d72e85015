export type * from './channels';

export { startAllInOne } from './all-in-one';
export type { AllInOne, AllInOneOptions } from './all-in-one';
export { seedDemo, demoCredentials } from './demo-seed';
export type { DemoData, SeedDemoOptions } from './demo-seed';

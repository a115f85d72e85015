import { spawnSync } from 'node:child_process';
import path from 'node:path';

// graphql-codegen's CLI loads ES modules, which jest's module system cannot: the check runs in its own process.
describe('subgraphs/*/src/generated/resolvers-types.ts', () => {
  it("are what the subgraphs' current schemas generate", () => {
    const root = path.resolve(__dirname, '..');
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/generate-resolver-types.ts', '--check'], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr || `The check ended with ${result.status ?? result.signal}: run \`npm run codegen\`.`);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asPostgres, ownedDirectory, ownedFile, type Cluster } from './cluster';

// pgBackRest as deployed (deploy/pgbackrest/), pointed at a drill's directory: the repository,
// logs and locks under it, pg1-path at the drill's cluster. Everything else is the deployed file.

const deployDir = path.resolve(__dirname, '../../deploy/pgbackrest');
export const stanza = 'waitlessq';

export interface Pgbackrest {
  configFile: string;
  repoDir: string;
  /** The PostgreSQL settings of deploy/pgbackrest/postgresql.conf, with this configuration file in the commands. */
  postgresSettings(): string[];
  run(command: string, args?: string[]): Promise<string>;
}

export async function drillPgbackrest(dir: string, primary: Pick<Cluster, 'dataDir' | 'port' | 'socketDir'>): Promise<Pgbackrest> {
  const repoDir = await ownedDirectory(path.join(dir, 'repo'));
  const overrides: Record<string, string> = {
    'repo1-path': repoDir,
    'log-path': await ownedDirectory(path.join(dir, 'log')),
    'lock-path': await ownedDirectory(path.join(dir, 'lock')),
    'pg1-path': primary.dataDir,
    'pg1-port': String(primary.port),
    'pg1-socket-path': primary.socketDir,
  };
  const deployed = readFileSync(path.join(deployDir, 'pgbackrest.conf'), 'utf8');
  if (!deployed.includes(`[${stanza}]`)) throw new Error(`deploy/pgbackrest/pgbackrest.conf has no [${stanza}] stanza`);
  const text = deployed
    .split('\n')
    .map((line) => {
      const key = /^([a-z0-9-]+)=/.exec(line)?.[1];
      return key && key in overrides ? `${key}=${overrides[key]}` : line;
    })
    .join('\n');
  for (const key of Object.keys(overrides))
    if (!text.includes(`${key}=${overrides[key]}`)) throw new Error(`deploy/pgbackrest/pgbackrest.conf does not set ${key}`);
  const configFile = await ownedFile(path.join(dir, 'pgbackrest.conf'), text);
  return {
    configFile,
    repoDir,
    postgresSettings: () => {
      const settings = readFileSync(path.join(deployDir, 'postgresql.conf'), 'utf8').replaceAll("'pgbackrest ", `'pgbackrest --config=${configFile} `);
      return ['# deploy/pgbackrest/postgresql.conf', ...settings.split('\n')];
    },
    run: (command, args = []) => asPostgres('pgbackrest', [`--config=${configFile}`, `--stanza=${stanza}`, ...args, command]),
  };
}

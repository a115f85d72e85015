import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

// Throw-away PostgreSQL clusters for the disaster-recovery drills: initdb into a temporary
// directory, on a port of their own, run as the postgres user (the drills run as root in CI;
// PostgreSQL and pgBackRest refuse to, and must own their files). Never the machine's clusters.

const run = promisify(execFile);

const pgVersion =
  process.env.PG_VERSION ??
  readdirSync('/usr/lib/postgresql')
    .sort((a, b) => Number(a) - Number(b))
    .at(-1)!;
const pgBin = (name: string) => `/usr/lib/postgresql/${pgVersion}/bin/${name}`;
const asRoot = process.getuid?.() === 0;

/** Runs a program as the postgres user (as the current one when not root); its output, or an error with its stderr. */
export async function asPostgres(program: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const envArgs = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', 'env', ...envArgs, program, ...args]] : ['env', [...envArgs, program, ...args]];
  try {
    // From /: the postgres user may not enter the caller's directory (a root-only temp clone).
    const { stdout } = await run(file, argv, { maxBuffer: 16 * 1024 * 1024, cwd: '/' });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
}

let postgresIds: { uid: number; gid: number } | undefined;
async function postgresOwner(): Promise<{ uid: number; gid: number }> {
  if (!postgresIds) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    postgresIds = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  return postgresIds;
}

/** A directory the postgres user owns (mode 0700, as PostgreSQL wants its data directory). */
export async function ownedDirectory(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = await postgresOwner();
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** A file the postgres user can read (pgBackRest's configuration). */
export async function ownedFile(file: string, text: string): Promise<string> {
  writeFileSync(file, text, { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = await postgresOwner();
    chownSync(file, uid, gid);
  }
  return file;
}

/** A temporary working directory for one drill; `remove()` deletes it with everything in it. */
export async function workDirectory(prefix: string): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  await ownedDirectory(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Cluster {
  dataDir: string;
  port: number;
  /** Where its Unix socket is (pgBackRest connects through it). */
  socketDir: string;
  url(database?: string): string;
  /** Starts it and waits until it accepts connections (recovery included: `pg_ctl -w`). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL to the postmaster and every process it started, as when the machine dies. */
  kill(): Promise<void>;
  /** Appends lines to postgresql.conf. */
  configure(lines: string[]): void;
  log(): string;
}

export interface ClusterOptions {
  dataDir: string;
  port: number;
  socketDir: string;
  logFile: string;
}

/** A cluster whose data directory is made by `init()`, by pg_basebackup or by a restore. */
export function cluster({ dataDir, port, socketDir, logFile }: ClusterOptions): Cluster {
  return {
    dataDir,
    port,
    socketDir,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: async () => void (await asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '120', '-o', `-p ${port}`, 'start'])),
    stop: async () => {
      if (existsSync(path.join(dataDir, 'postmaster.pid'))) await asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-w', '-t', '60', '-m', 'fast', 'stop']);
    },
    kill: async () => {
      const pidFile = path.join(dataDir, 'postmaster.pid');
      if (!existsSync(pidFile)) return;
      const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      const victims = [postmaster, ...childrenOf(postmaster)];
      for (const pid of victims) signal(pid, 'SIGKILL');
      await waitFor(() => victims.every((pid) => !alive(pid)), 10_000, 'the killed PostgreSQL processes to exit');
      // A killed postmaster leaves its socket's lock file behind, naming its PID. Where nothing
      // reaps the killed process (a container whose init does not), it stays a zombie, which
      // PostgreSQL's kill(pid, 0) check takes for a live postmaster: the server restored at this
      // port would refuse to start. The processes are gone, so the lock is stale: remove it.
      for (const name of readdirSync(socketDir)) if (name.startsWith(`.s.PGSQL.${port}`)) rmSync(path.join(socketDir, name), { force: true });
    },
    configure: (lines) => appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${lines.join('\n')}\n`),
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
}

/**
 * initdb with 1 MB WAL segments (the drills archive many small segments quickly instead of a few
 * 16 MB ones), trust authentication on 127.0.0.1 and the socket in `socketDir`.
 */
export async function initCluster(options: ClusterOptions): Promise<Cluster> {
  await ownedDirectory(path.dirname(options.dataDir));
  await asPostgres(pgBin('initdb'), ['-D', options.dataDir, '-U', 'postgres', '--auth=trust', '--wal-segsize=1', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const created = cluster(options);
  created.configure([
    '# The drill',
    `port = ${options.port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${options.socketDir}'`,
    'shared_buffers = 16MB',
    'max_connections = 40',
  ]);
  // Replication connections from 127.0.0.1 (pg_basebackup, the streaming replica).
  appendFileSync(path.join(options.dataDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n');
  return created;
}

/** Takes a base backup of `primary` into `dataDir`, set up to stream from it (standby.signal, primary_conninfo). */
export async function basebackup(primary: Cluster, options: ClusterOptions, applicationName: string): Promise<Cluster> {
  await ownedDirectory(path.dirname(options.dataDir));
  // Not -R: it writes primary_conninfo without an application_name into postgresql.auto.conf,
  // which would override ours (synchronous_standby_names refers to the standby by that name).
  await asPostgres(pgBin('pg_basebackup'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    options.dataDir,
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  await ownedFile(path.join(options.dataDir, 'standby.signal'), '');
  const replica = cluster(options);
  replica.configure([
    '# The drill: the standby',
    `port = ${options.port}`,
    `unix_socket_directories = '${options.socketDir}'`,
    `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=${applicationName}'`,
  ]);
  return replica;
}

export async function promote(replica: Cluster): Promise<void> {
  await asPostgres(pgBin('pg_ctl'), ['-D', replica.dataDir, '-w', '-t', '60', 'promote']);
}

/** Runs statements on one connection and closes it. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Waits until `condition` holds (polling every 50 ms), or fails saying what it waited for. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet (a server still starting refuses connections)
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed child of a process that has not reaped it yet is a zombie: dead for our purpose.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

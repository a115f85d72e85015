import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, type RedisNode } from '@waitlessq/config';
import { testRedisUrl } from './test-redis';

const run = promisify(execFile);

/** A Redis Cluster of a test's own: masters on free ports, no persistence, no replicas. */
export interface RedisCluster {
  nodes: RedisNode[];
  /** Stops every node (SIGTERM), waits until they have exited and removes their directory. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled redis-servers (each with its cluster bus on a free port of
 * its own, not port + 10000, which may be taken), joins them with `redis-cli --cluster create`
 * (slots split evenly) and resolves once every node reports `cluster_state:ok`. About a second
 * or two; the nodes are child processes of the test, stopped by stop() or with it.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wlq-redis-cluster-'));
  const servers: ChildProcess[] = [];
  const nodes: RedisNode[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => exited(server, 'SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      // Node ids live in the config file the server writes: one per node, in the test's directory.
      const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no');
      servers.push(spawn('redis-server', args, { stdio: 'ignore' }));
      nodes.push({ host: '127.0.0.1', port });
    }
    await Promise.all(nodes.map((node) => waitFor(() => cli(node, 'PING').then((reply) => reply === 'PONG'))));
    const addresses = nodes.map((node) => `${node.host}:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(nodes.map((node) => waitFor(() => cli(node, 'CLUSTER', 'INFO').then((info) => info.includes('cluster_state:ok')))));
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The Redis setups a suite about Redis runs over (with describe.each): the machine's single
 * Redis, and a three-master cluster of the suite's own, started by the first start() of the
 * file and stopped after its describe block.
 */
export interface RedisSetup {
  /** Where the suite's connections go: REDIS_URL or REDIS_CLUSTER_NODES. */
  start(): Promise<{ url?: string; clusterNodes?: RedisNode[] }>;
  stop(): Promise<void>;
}

export const redisSetups = (): [string, RedisSetup][] => {
  let cluster: RedisCluster | undefined;
  return [
    ['redis', { start: async () => ({ url: testRedisUrl }), stop: async () => undefined }],
    [
      'redis cluster',
      {
        start: async () => ({ clusterNodes: (cluster ??= await startRedisCluster()).nodes }),
        stop: async () => {
          await cluster?.stop();
          cluster = undefined;
        },
      },
    ],
  ];
};

async function cli(node: RedisNode, ...command: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', node.host, '-p', String(node.port), ...command]).catch(() => ({ stdout: '' }));
  return stdout.trim();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('The Redis Cluster did not come up in time.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return done;
}

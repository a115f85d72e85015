/**
 * The floor of a live fan-out on this machine: what one small message written to each of a
 * thousand WebSockets costs the writing process, with nothing else done per subscriber. The
 * gateway's CPU per delivered event (bench.ts) is measured against it.
 *
 * This process is the server (ws, as the gateway); a child process opens `--sockets` WebSockets
 * to it and tells it when every socket has received an event's message. Per event, each socket
 * gets its own `next` message of the size a token holder's payload has (about 250 bytes, with
 * its own id and position), written one of three ways:
 *   - `ws-string`: `socket.send(text)`, as the gateway's sendNext does;
 *   - `ws-buffer`: `socket.send(bytes)`, the text encoded beforehand;
 *   - `one-write`: the whole frame (header and payload in one buffer) written straight to the
 *     TCP socket, one write per subscriber and nothing else: the floor.
 * CPU per delivery = this process's user + system time over the events ÷ messages. Over
 * loopback a write also runs the receiving side's TCP stack in the writer's system time, as
 * it does for the gateway in bench.ts. Ways rotate per round; the machine's load is recorded.
 *
 *   npx tsx loadtests/subscriptions/write-floor.ts [--sockets 1000] [--events 30] [--rounds 4]
 *
 * 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket, WebSocketServer } from 'ws';
import { describeMachine, quietRounds, watched, type MachineLoad } from '../machine';
import { median } from '../stats';
import { option } from '../args';

const sockets = Number(option('sockets', '1000'));
const events = Number(option('events', '30'));
const rounds = Number(option('rounds', '4'));

const ways = ['ws-string', 'ws-buffer', 'one-write'] as const;
type Way = (typeof ways)[number];

/** A token holder's `next` message: its subscription id and its own position and estimate. */
const message = (subscriber: number, event: number) =>
  `{"id":"${subscriber}","type":"next","payload":{"data":{"visitUpdated":{"sequence":${event},"change":"CALLED","reasons":["POSITION_CHANGED","ESTIMATE_CHANGED"],"at":"2026-12-03T10:00:00.000Z","visit":{"status":"WAITING","position":${subscriber + 1},"estimatedWaitMinutes":${subscriber * 3 + 5}}}}}}`;

/** An unmasked text frame (server to client) holding `text`, in one buffer. */
function frame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : 4;
  const bytes = Buffer.allocUnsafe(header + length);
  bytes[0] = 0x81;
  if (header === 2) bytes[1] = length;
  else {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  }
  bytes.write(text, header);
  return bytes;
}

function send(way: Way, socket: WebSocket, text: string): void {
  if (way === 'ws-string') socket.send(text);
  else if (way === 'ws-buffer') socket.send(Buffer.from(text));
  // ws keeps the TCP socket as _socket; written to directly, ws never learns of the frame (the receiver reads it as any other).
  else (socket as unknown as { _socket: Socket })._socket.write(frame(text));
}

/** The child: opens the sockets, then prints a line whenever each of them has received one more message. */
async function receiver(url: string): Promise<void> {
  let received = 0;
  const opened = await Promise.all(
    Array.from(
      { length: sockets },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
          // Read as bench.ts's subscribers read theirs.
          socket.on('message', (data) => {
            const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
            if (message.type !== 'next') throw new Error(`unexpected ${message.type}`);
            if (++received % sockets === 0) process.stdout.write(`${received}\n`);
          });
        }),
    ),
  );
  process.stdout.write(`open ${opened.length}\n`);
}

interface Sample {
  round: number;
  way: Way;
  userUsPerDelivery: number;
  systemUsPerDelivery: number;
  cpuUsPerDelivery: number;
  machine: MachineLoad;
}

async function main(): Promise<void> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => server.once('listening', resolve));
  const clients: WebSocket[] = [];
  server.on('connection', (socket) => clients.push(socket));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--receiver', url, '--sockets', String(sockets)], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the receiver ended');
    return value as string;
  };
  if (!(await nextLine()).startsWith('open')) throw new Error('the receiver did not open its sockets');
  while (clients.length < sockets) await new Promise((resolve) => setTimeout(resolve, 10));
  console.log(`node ${process.version}; ${sockets} WebSockets over loopback, ${events} events per way and round, ${message(999, 1).length} bytes per message`);

  let sequence = 0;
  /** One event to every socket, then waits until the receiver has all of them. */
  const event = async (way: Way) => {
    sequence += 1;
    for (let i = 0; i < clients.length; i++) send(way, clients[i]!, message(i, sequence));
    await nextLine();
  };
  for (const way of ways) for (let i = 0; i < 5; i++) await event(way);

  const samples: Sample[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const way of ways.map((_, i) => ways[(i + round) % ways.length]!)) {
        const { result, machine } = await watched(async () => {
          const cpu = process.cpuUsage();
          for (let e = 0; e < events; e++) await event(way);
          return process.cpuUsage(cpu);
        });
        const deliveries = events * sockets;
        const sample = {
          round: round + 1,
          way,
          userUsPerDelivery: round1(result.user / deliveries),
          systemUsPerDelivery: round1(result.system / deliveries),
          cpuUsPerDelivery: round1((result.user + result.system) / deliveries),
          machine,
        };
        samples.push(sample);
        console.log(
          `round ${sample.round} ${way.padEnd(9)} ${sample.cpuUsPerDelivery} µs per delivery (user ${sample.userUsPerDelivery}, system ${sample.systemUsPerDelivery})  ${describeMachine(machine)}`,
        );
      }
    }
  } finally {
    child.kill();
    server.close();
  }
  const summary = ways.map((way) => {
    const all = samples.filter((sample) => sample.way === way);
    const { used, label } = quietRounds(all);
    const floorOf = (round: number) => samples.find((sample) => sample.round === round && sample.way === 'one-write')!.cpuUsPerDelivery;
    return {
      way,
      rounds: label,
      cpuUsPerDelivery: median(used.map((sample) => sample.cpuUsPerDelivery)),
      systemUsPerDelivery: median(used.map((sample) => sample.systemUsPerDelivery)),
      vsOneWrite: Math.round(median(used.map((sample) => sample.cpuUsPerDelivery / floorOf(sample.round))) * 100) / 100,
    };
  });
  console.table(summary);
  const file = path.join(__dirname, 'results-write-floor.json');
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, sockets, events, rounds, summary, samples }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

const round1 = (value: number) => Math.round(value * 10) / 10;

const receiverAt = process.argv.indexOf('--receiver');
if (receiverAt >= 0) void receiver(process.argv[receiverAt + 1]!);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

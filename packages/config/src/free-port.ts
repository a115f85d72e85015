import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Where picked ports start: above the usual fixed ports of servers (9090, 15672...). */
const lowestPick = 20_000;
/** Ports this process has handed out: none twice (the first may not be listening yet). */
const handedOut = new Set<number>();

/**
 * A port on 127.0.0.1 that was free a moment ago. Beside defaultPorts: the all-in-one start
 * turns a requested port 0 into one of these, and the test kit starts services on them.
 *
 * It is picked at random below the kernel's ephemeral range (Linux's ip_local_port_range,
 * 32768 and up by default), not by listen(0). The caller listens on it only later (the
 * all-in-one start names every port before the database is up, seconds before), and a port
 * from the ephemeral range can meanwhile become the local port of any process's outgoing
 * connection: an all-in-one start failed with EADDRINUSE that way on 3 December. Below the
 * range only another picker can take it in between.
 */
export async function freePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  for (let attempt = 0; highest > lowestPick && attempt < 100; attempt++) {
    const port = lowestPick + Math.floor(Math.random() * (highest - lowestPick + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await listenable(port)) return port;
  }
  // A kernel whose ephemeral range leaves no room below it: let it pick.
  return osPickedPort();
}

/** The first port of the kernel's ephemeral range (32768 where it cannot be read). */
export function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

import net from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago (the OS picks it). Beside defaultPorts: the
 * all-in-one start turns a requested port 0 into one of these, and the test kit starts services on them.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

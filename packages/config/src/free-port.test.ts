import net from 'node:net';
import { ephemeralRangeStart, freePort } from './free-port';

describe('freePort', () => {
  it('picks ports below the ephemeral range, where no outgoing connection takes them, that can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(ephemeralRangeStart());
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    // A port taken is not picked again while it is.
    const taken = ports[0]!;
    const again = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(again).not.toContain(taken);
    await new Promise((resolve) => server.close(resolve));
  });
});

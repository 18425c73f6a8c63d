/** Finding a free loopback TCP port for a test server. */
import { createServer, type AddressInfo } from 'node:net';

/**
 * A port that was free a moment ago: the OS picks one by binding port 0, then it is released.
 * Another process could take it in between; callers that spawn servers retry on "in use".
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

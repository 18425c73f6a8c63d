/**
 * A local server speaking the Cosmos DB REST protocol (@vercel/cosmosdb-server) on a free
 * loopback port, for tests of code using @azure/cosmos. HTTPS with a self-signed certificate:
 * clients need `allow_insecure_tls` (tests only).
 */
import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';

/** A running Cosmos-protocol server. */
export interface CosmosTestServer {
  /** `https://127.0.0.1:<port>/` */
  readonly endpoint: string;
  /** Any non-empty key is accepted. */
  readonly key: string;
  /** Stops the server and drops open connections; idempotent. */
  close(): Promise<void>;
}

/** Starts a server on a free loopback port; the data lives in memory and is gone on close. */
export async function startCosmosServer(): Promise<CosmosTestServer> {
  const server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    key: 'dGVzdC1rZXk=',
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

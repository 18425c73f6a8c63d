/** ACS connection strings: `endpoint=https://….communication.azure.com/;accesskey=<base64>`. */

/** The parts of a connection string. */
export interface AcsConnection {
  readonly endpoint: string;
  readonly accessKey: string;
}

/**
 * Parses a connection string.
 * @throws Error naming what is missing.
 */
export function parseConnectionString(value: string): AcsConnection {
  const parts = new Map<string, string>();
  for (const piece of value.split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  const accessKey = parts.get('accesskey');
  if (endpoint === undefined || !/^https?:\/\//.test(endpoint)) throw new Error('acs.connection_string: endpoint=https://… is missing');
  if (accessKey === undefined || accessKey === '') throw new Error('acs.connection_string: accesskey=… is missing');
  return { endpoint, accessKey };
}

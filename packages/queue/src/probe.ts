/** Fail fast when Redis cannot be reached (BullMQ's own connections wait and retry for ever). */
import { Redis } from 'ioredis';
import { redactUrl, toConnection, type ConnectionLike } from './connection.js';

export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

export async function probeRedis(c: ConnectionLike, timeoutMs = 10_000): Promise<void> {
  const r = toConnection(c);
  const where = typeof c === 'string' ? redactUrl(c) : `${r.tls ? 'rediss' : 'redis'}://${r.host}:${r.port}/${r.db}`;
  const client = new Redis({
    host: r.host,
    port: r.port,
    db: r.db,
    username: r.username,
    password: r.password,
    tls: r.tls,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueUnavailableError(`cannot reach the queue at ${where}: ${(e as Error).message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * `--queue` URLs: `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). Parsed into
 * ioredis options for BullMQ; a bad URL is a ParameterError naming `--queue` and the value (exit 2).
 */
import { ParameterError } from '@snrlab/core';
import type { ConnectionOptions } from 'bullmq';

/** The BullMQ queue every snrlab submitter and worker uses unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'snrlab';

const ALLOWED = 'redis://[user[:password]@]host[:port][/db] or rediss://… for TLS';

/** What a connection needs; passed to BullMQ's Queue, Worker and QueueEvents. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** Present for rediss:// (TLS); ioredis/Node `tls.connect` options (`ca`, `servername`, …). */
  tls?: Record<string, unknown>;
}

/** Hide the password of a URL (for logs and status output). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** Parse a `--queue` URL; throws a ParameterError naming the option (exit 2 in the CLI). */
export function parseQueueUrl(url: string, option = '--queue'): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ParameterError(option, redactUrl(url), ALLOWED);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ParameterError(option, redactUrl(url), ALLOWED, `unsupported scheme '${u.protocol.replace(/:$/, '')}'`);
  if (!u.hostname) throw new ParameterError(option, redactUrl(url), ALLOWED, 'no host');
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new ParameterError(option, redactUrl(url), ALLOWED, `the database must be a number, got '${dbText}'`);
  const db = dbText === '' ? 0 : Number(dbText);
  const out: RedisConnection = { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port, db };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') out.tls = { servername: out.host };
  return out;
}

/** A connection given as a URL or as options. */
export type ConnectionLike = string | RedisConnection;

export function toConnection(c: ConnectionLike): RedisConnection {
  return typeof c === 'string' ? parseQueueUrl(c) : c;
}

/**
 * ioredis options for BullMQ. `maxRetriesPerRequest: null` lets commands wait through a Redis
 * restart instead of failing; reconnects back off up to 2 s.
 */
export function bullConnection(c: ConnectionLike): ConnectionOptions {
  const r = toConnection(c);
  return {
    host: r.host,
    port: r.port,
    db: r.db,
    ...(r.username ? { username: r.username } : {}),
    ...(r.password ? { password: r.password } : {}),
    ...(r.tls ? { tls: r.tls } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  } as ConnectionOptions;
}

/** `snrlab queue status`: job counts by state and the connected workers. */
import { Queue } from 'bullmq';
import { bullConnection, DEFAULT_QUEUE_NAME, type ConnectionLike } from './connection.js';
import { probeRedis } from './probe.js';

export interface QueueStatus {
  queue: string;
  counts: { waiting: number; active: number; completed: number; failed: number; delayed: number; paused: number; prioritized: number };
  /** Connected workers (CLIENT LIST), or null with the reason when Redis refuses it (e.g. an ACL). */
  workers: { name: string; addr: string; ageSeconds: number; idleSeconds: number }[] | null;
  workersError?: string;
}

export async function queueStatus(connection: ConnectionLike, queueName = DEFAULT_QUEUE_NAME): Promise<QueueStatus> {
  await probeRedis(connection);
  const q = new Queue(queueName, { connection: bullConnection(connection) });
  q.on('error', () => {});
  try {
    const c = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'paused', 'prioritized');
    const counts = { waiting: c.waiting ?? 0, active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0, paused: c.paused ?? 0, prioritized: c.prioritized ?? 0 };
    try {
      const raw = (await q.getWorkers()) as Record<string, string>[];
      // a worker holds several connections, all named '<prefix>:<queue>:w:<worker name>'
      const byName = new Map<string, { name: string; addr: string; ageSeconds: number; idleSeconds: number }>();
      for (const w of raw) {
        const rawname = w.rawname ?? '';
        const at = rawname.indexOf(':w:');
        const name = at >= 0 ? rawname.slice(at + 3) : '(unnamed)';
        const row = { name, addr: w.addr ?? '', ageSeconds: Number(w.age ?? 0), idleSeconds: Number(w.idle ?? 0) };
        const seen = byName.get(name);
        if (!seen) byName.set(name, row);
        else seen.idleSeconds = Math.min(seen.idleSeconds, row.idleSeconds);
      }
      const workers = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
      return { queue: queueName, counts, workers };
    } catch (e) {
      return { queue: queueName, counts, workers: null, workersError: (e as Error).message };
    }
  } finally {
    await q.close();
  }
}

import type { PgBoss, Queue } from 'pg-boss';

/**
 * Creates a queue unless it exists. Every worker calls this at start; pg-boss serialises queue creation with an
 * advisory lock, and a worker that lost the race finds the queue made by the winner.
 */
export async function ensureQueue(boss: PgBoss, name: string, options: Omit<Queue, 'name'>): Promise<void> {
  if (await boss.getQueue(name)) return;
  try {
    await boss.createQueue(name, options);
  } catch (error) {
    if (await boss.getQueue(name)) return;
    throw error;
  }
}

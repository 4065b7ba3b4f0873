import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** True when GET url answers 200 within a second. */
export async function httpAnswersOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  return response.status === 200;
}

/** True when the database accepts a connection and runs SELECT 1. */
export async function postgresAnswers(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a Kafka admin client can list topics: the broker is up and has a controller. */
export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'e2e-environment',
    brokers,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function tcpAnswers(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

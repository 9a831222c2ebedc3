import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The receivers of `npm run bench:webhooks`, in a process of their own (forked by the bench): the
 * systems behind run elsewhere, so the gateway's event loop, on which the callbacks are answered,
 * does not also serve its receivers. Each receiver keeps, per org record, when it first arrived
 * (ms since the epoch, `performance.timeOrigin + performance.now()`, comparable across the two
 * processes) and the order of arrival, and counts duplicates. Over IPC: `{urls}` once listening,
 * `{counts}` every 100 ms, and `{report}` when asked with `'report'`.
 */

const RECEIVERS = Number(process.argv[2] ?? 3);

interface Received {
  arrived: Map<string, number>;
  order: string[];
  duplicates: number;
}

const now = () => performance.timeOrigin + performance.now();

async function listen(received: Received): Promise<string> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seq = (JSON.parse(Buffer.concat(chunks).toString()) as { data: { seq?: string } }).data
        .seq;
      if (seq && request.headers['webhook-id']?.toString().startsWith('msg_org_')) {
        if (received.arrived.has(seq)) received.duplicates += 1;
        else {
          received.arrived.set(seq, now());
          received.order.push(seq);
        }
      }
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function main() {
  const all: Received[] = Array.from({ length: RECEIVERS }, () => ({
    arrived: new Map(),
    order: [],
    duplicates: 0,
  }));
  const urls = await Promise.all(all.map(listen));
  process.send?.({ urls });
  const counts = setInterval(() => process.send?.({ counts: all.map((r) => r.arrived.size) }), 100);
  process.on('message', (message) => {
    if (message !== 'report') return;
    clearInterval(counts);
    process.send?.(
      {
        report: all.map((r) => ({
          arrived: [...r.arrived],
          order: r.order,
          duplicates: r.duplicates,
        })),
      },
      () => process.exit(0),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

void main();

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A real webhook receiver on loopback: it verifies each request with the `standardwebhooks`
 * package (the secret set later, once the endpoint is created) and records what it accepted.
 * `answer` decides each reply: a status, or 'hang' (no answer until the receiver closes).
 */
export interface Received {
  id: string;
  type: string;
  data: { seq?: string } & Record<string, unknown>;
  signature: string;
}

export interface TestReceiver {
  url: string;
  secret?: string;
  /** Requests that verified, in arrival order (also those answered with an error). */
  received: Received[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** Requests arrived (verified or not). */
  hits: number;
  answer: (message: Received, index: number) => number | 'hang';
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<TestReceiver> {
  const hanging: http.ServerResponse[] = [];
  const receiver: TestReceiver = {
    url: '',
    received: [],
    rejected: 0,
    hits: 0,
    answer: () => 204,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((request, response) => {
    receiver.hits += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { type: string; data: Received['data'] };
      try {
        payload = new Webhook(receiver.secret ?? 'whsec_AAAA').verify(
          body,
          request.headers as Record<string, string>,
        ) as typeof payload;
      } catch {
        receiver.rejected += 1;
        response.writeHead(400).end('bad signature');
        return;
      }
      const message: Received = {
        id: String(request.headers['webhook-id']),
        type: payload.type,
        data: payload.data,
        signature: String(request.headers['webhook-signature']),
      };
      receiver.received.push(message);
      const answer = receiver.answer(message, receiver.received.length - 1);
      if (answer === 'hang') hanging.push(response);
      else response.writeHead(answer, { 'content-type': 'text/plain' }).end(`answer ${answer}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

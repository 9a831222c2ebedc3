import { z } from 'zod';
import { createFeed } from '../../../server/src/stores/feed';
import { createMemoryStore } from '../../../server/src/stores/memory-store';
import type { Message, Outcome } from '../../../server/src/webhooks/delivery';
import { createEndpointStore } from '../../../server/src/webhooks/endpoints';
import { createLanes } from '../../../server/src/webhooks/lanes';
import { silentLogger } from '../../helpers/stores';

// A lane delivers one record at a time and in feed order, by one pump at a time: pumps started
// together (two instances woken by the same append, or a retry and an append) must not send the
// same record twice or two records at once. The store here is the in-process one; the Redis store
// passes the same lock contract (stores/lock.ts).

const recordSchema = z.object({ n: z.number() });

function setup() {
  const store = createMemoryStore();
  const feed = createFeed(store, { name: 'lane-test', schema: recordSchema, retentionDays: 1 });
  const endpoints = createEndpointStore(store);
  const sent: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const lanes = createLanes({
    store,
    endpoints,
    sources: [{ name: 'org', feed, typeOf: () => 'org.member.created' }],
    async send(_endpoint, message: Message): Promise<Outcome> {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push(message.id);
      inFlight -= 1;
      return { ok: true, durationMs: 5, status: 200, excerpt: '' };
    },
    room: async () => undefined,
    record: async () => undefined,
    retryAt: () => undefined,
    backoffMs: [1000],
    logger: silentLogger(),
    now: Date.now,
  });
  return { feed, endpoints, lanes, sent, maxInFlight: () => maxInFlight };
}

describe('a webhook lane', () => {
  it('is pumped by one pump at a time: concurrent pumps send each record once, one at a time', async () => {
    const { feed, endpoints, lanes, sent, maxInFlight } = setup();
    await endpoints.put({
      id: '0123456789abcdef',
      url: 'https://crm.example.com/hook',
      events: ['org.member.created'],
      enabled: true,
      createdAt: new Date().toISOString(),
      secrets: [{ secret: 'whsec_x' }],
    });
    await endpoints.putLane('0123456789abcdef', { positions: { org: '0' }, failures: 0 });
    const appended = await feed.append(Array.from({ length: 30 }, (_, n) => ({ n })));

    await Promise.all(Array.from({ length: 5 }, () => lanes.pump('0123456789abcdef')));

    expect(maxInFlight()).toBe(1);
    expect(sent).toEqual(appended.map((record) => `msg_org_${record.seq}`));
    expect((await endpoints.lane('0123456789abcdef')).positions.org).toBe(appended.at(-1)!.seq);
  });
});

import { replicated, sentinelsSetting, signalNode } from '../helpers/redis-topology';
import { startTestSimulator } from '../helpers/simulator';
import { uniquePrefix } from '../helpers/stores';
import {
  type Instances,
  promotion,
  recoveredAt,
  sessionsMissing,
  startInstances,
  throughFailover,
  topology,
  topologyDir,
} from '../helpers/topology';

// The Sentinel set's master killed under two app instances that every employee keeps asking:
// 503 store.unavailable (and /readyz 503) until the sentinels have promoted the replica, then
// every session made before is there; each instance's log — store, subscriber and BullMQ's
// connections together — tells it in one warning naming REDIS_SENTINELS and one line when it is
// over, where it used to write a stack trace per failed request.
jest.setTimeout(120_000);

const { faultSentinel: sentinel } = topology();
const dir = topologyDir('faultSentinel');

let instances: Instances;
beforeAll(async () => {
  const simulator = await startTestSimulator();
  instances = await startInstances(simulator, {
    REDIS_SENTINELS: sentinelsSetting(sentinel),
    REDIS_SENTINEL_NAME: sentinel.name,
    REDIS_KEY_PREFIX: uniquePrefix(),
  });
});
afterAll(() => instances.close());

it('fails over to the replica with every session kept, and says so in two lines per instance', async () => {
  await replicated(sentinel.master);
  const from = instances.mark();
  const killedAt = performance.now();
  signalNode(dir, sentinel.master, 'SIGKILL');
  let promotedAt: number | undefined;
  const promoted = promotion(sentinel.replica).then((at) => {
    promotedAt = at;
  });
  const ready = new Set<number>();
  const answers = await throughFailover(
    instances,
    () => promotedAt !== undefined,
    async () => {
      for (const gateway of instances.gateways)
        ready.add((await gateway.request('GET', '/readyz')).status);
    },
  );
  await promoted;
  expect(promotedAt).toBeDefined();

  const refused = answers.filter((answer) => answer.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  expect(new Set(refused.map((answer) => `${answer.status} ${answer.code}`))).toEqual(
    new Set(['503 store.unavailable']),
  );
  expect(ready).toEqual(new Set([503, 200]));
  // Every session made before the kill is on the new master.
  expect(await sessionsMissing(instances)).toEqual([]);
  const recovered = recoveredAt(answers);
  console.info(
    `Sentinel master killed: replica promoted after ${Math.round(promotedAt! - killedAt)} ms, answers again after ${Math.round(recovered - killedAt)} ms (down-after-milliseconds ${sentinel.downAfterMs}); ${refused.length} of ${answers.length} answers failed`,
  );
  for (const lines of await instances.told(from))
    expect(lines).toEqual([
      [
        40,
        expect.stringContaining(
          `Redis unavailable (REDIS_SENTINELS=${sentinelsSetting(sentinel)} (master "${sentinel.name}"))`,
        ),
      ],
      [30, expect.stringMatching(/^Redis available again after/)],
    ]);
});

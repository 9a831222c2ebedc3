import { createCallGate, forEachBounded } from '../../../../server/src/org/call-gate';
import { WecomApiError } from '../../../../server/src/wecom/errors';

const refused = (errcode: number) =>
  new WecomApiError({ api: 'user/list', credential: 'directory', errcode, errmsg: 'x' });

describe('the WeCom call gate of a sync', () => {
  it('never runs more than `concurrency` calls at a time', async () => {
    const gate = createCallGate({ concurrency: 3 });
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.run(async () => {
          active += 1;
          most = Math.max(most, active);
          await new Promise((resolve) => setTimeout(resolve, 2));
          active -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(gate.calls).toBe(20);
  });

  it('after 45033 waits with a growing delay, halves the concurrency and tries again', async () => {
    const waits: number[] = [];
    let clock = 0;
    const gate = createCallGate({
      concurrency: 4,
      backoffMs: 100,
      now: () => clock,
      random: () => 1,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    let attempts = 0;
    const answer = await gate.run(async () => {
      attempts += 1;
      if (attempts < 3) throw refused(45033);
      return 'ok';
    });
    expect(answer).toBe('ok');
    expect(waits).toEqual([100, 200]);
    expect(gate.concurrency).toBe(1);
    expect(gate.calls).toBe(3);
  });

  it('after 45009 waits out WeCom’s window before the next call', async () => {
    const waits: number[] = [];
    let clock = 0;
    const gate = createCallGate({
      concurrency: 2,
      frequencyBackoffMs: 60_000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    let first = true;
    await gate.run(async () => {
      if (first) {
        first = false;
        throw refused(45009);
      }
    });
    expect(waits).toEqual([60_000]);
    expect(gate.concurrency).toBe(2);
  });

  it('gives up after maxAttempts and throws other errors at once', async () => {
    const gate = createCallGate({ concurrency: 1, maxAttempts: 3, sleep: async () => {} });
    await expect(gate.run(async () => Promise.reject(refused(45033)))).rejects.toMatchObject({
      errcode: 45033,
    });
    expect(gate.calls).toBe(3);
    await expect(gate.run(async () => Promise.reject(refused(60011)))).rejects.toMatchObject({
      errcode: 60011,
    });
    expect(gate.calls).toBe(4);
  });

  it('forEachBounded stops taking items after a failure', async () => {
    const seen: number[] = [];
    await expect(
      forEachBounded([1, 2, 3, 4, 5, 6], 1, async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(seen).toEqual([1, 2]);
  });

  it('forEachBounded rejects only once the tasks already running have ended', async () => {
    const ended: number[] = [];
    await expect(
      forEachBounded([1, 2, 3], 3, async (n) => {
        if (n === 1) throw new Error('stop');
        await new Promise((resolve) => setTimeout(resolve, 50));
        ended.push(n);
      }),
    ).rejects.toThrow('stop');
    expect(ended).toEqual([2, 3]);
  });
});

import { failureOf } from '../../../../server/src/org/outcome';
import { LockBusyError, LockLostError } from '../../../../server/src/stores/lock';

// How a sync's failure is reported: a busy or lost lock is named as such, never as WeCom's.

describe('failureOf', () => {
  it('names a commit lock held too long lock_busy, not wecom_unavailable', () => {
    expect(failureOf(new LockBusyError('org:{org}:commit', 30_000))).toMatchObject({
      reason: 'lock_busy',
      message: expect.stringContaining('org:{org}:commit'),
    });
  });

  it('names a stop caused by the lost claim claim_lost', () => {
    const stop = new AbortController();
    stop.abort(new LockLostError('org:{org}:claim'));
    expect(failureOf(new Error('aborted'), { stop: stop.signal })).toMatchObject({
      reason: 'claim_lost',
    });
    const shutdown = new AbortController();
    shutdown.abort(new Error('shutting down'));
    expect(failureOf(new Error('aborted'), { stop: shutdown.signal })).toMatchObject({
      reason: 'stopped',
    });
  });
});

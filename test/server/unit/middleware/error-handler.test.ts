import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { RequestError } from '../../../../server/src/errors/request-error';
import { requestContext } from '../../../../server/src/middleware/request-context';
import type { AppState } from '../../../../server/src/middleware/state';
import { LockBusyError } from '../../../../server/src/stores/lock';
import { StoreUnavailableError } from '../../../../server/src/stores/store';
import { WecomApiError, WecomUnavailableError } from '../../../../server/src/wecom/errors';
import { silentLogger } from '../../../helpers/stores';

async function answerFor(
  thrown: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const app = new Koa<AppState>();
  app.silent = true;
  app.use(requestContext({ logger: silentLogger() }));
  app.use(() => {
    throw thrown;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  } finally {
    server.close();
  }
}

describe('error handler', () => {
  it('should hide internals of unexpected errors', async () => {
    const answer = await answerFor(new Error('database password is hunter2'));
    expect(answer.status).toBe(500);
    expect(answer.body.code).toBe('internal.unknown');
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });

  it('should map store and WeCom failures to their codes', async () => {
    expect((await answerFor(new StoreUnavailableError('down'))).body.code).toBe(
      'store.unavailable',
    );
    expect((await answerFor(new WecomUnavailableError('gettoken', 'timeout', 'slow'))).status).toBe(
      503,
    );
    const rejected = await answerFor(
      new WecomApiError({
        api: 'externalcontact/get',
        credential: 'contact',
        errcode: 60020,
        errmsg: 'x',
        hint: '123',
        fromIp: '203.0.113.9',
      }),
    );
    expect(rejected.status).toBe(502);
    expect(rejected.body).toMatchObject({
      code: 'wecom.rejected',
      data: { errcode: 60020, hint: '123' },
    });
    expect(JSON.stringify(rejected.body)).not.toContain('203.0.113.9');
  });

  it('should answer a busy lock as request.busy with Retry-After, not as WeCom unavailable', async () => {
    const answer = await answerFor(new LockBusyError('org:{org}:commit', 30_000));
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('request.busy');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(answer.body)).not.toContain('org:{org}');
  });

  it('should send the data and headers of a RequestError', async () => {
    const answer = await answerFor(
      new RequestError('request.rate_limited', {
        data: { limit: 5 },
        headers: { 'Retry-After': '3' },
      }),
    );
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ code: 'request.rate_limited', data: { limit: 5 } });
  });
});

import { ApiError } from '../../../miniprogram/services/errors';
import type { PlatformRequestOption } from '../../../miniprogram/services/platform';
import { createRequest } from '../../../miniprogram/services/request';

type Reply = (option: PlatformRequestOption) => void;

function setup(reply: Reply, token?: string) {
  const transport = jest.fn((option: PlatformRequestOption) => {
    reply(option);
  });
  const request = createRequest({
    origin: () => 'https://gate.example.com/',
    transport,
    getToken: () => token,
    timeoutMs: 1234,
  });
  return { request, transport };
}

describe('services/request', () => {
  it('should send JSON with the bearer token, a timeout and an encoded query', async () => {
    const { request, transport } = setup(
      (o) => o.success({ statusCode: 200, data: { ok: true } }),
      'tok',
    );
    const answer = await request<{ ok: boolean }>({
      method: 'GET',
      path: '/api/external-contacts',
      query: { cursor: 'a b&c', limit: 20, skip: undefined },
    });
    expect(answer).toEqual({ ok: true });
    const option = transport.mock.calls[0]![0];
    expect(option.url).toBe(
      'https://gate.example.com/api/external-contacts?cursor=a%20b%26c&limit=20',
    );
    expect(option.header.Authorization).toBe('Bearer tok');
    expect(option.timeout).toBe(1234);
    expect(option.dataType).toBe('json');
  });

  it('should put the paths under a base URL with a path prefix', async () => {
    const transport = jest.fn((option: PlatformRequestOption) =>
      option.success({ statusCode: 201, data: {} }),
    );
    const request = createRequest({
      origin: () => 'https://crm.example.com/gate/',
      transport,
      getToken: () => undefined,
      timeoutMs: 1000,
    });
    await request({ method: 'POST', path: '/api/sessions', body: { code: 'c' }, auth: false });
    expect(transport.mock.calls[0]![0].url).toBe('https://crm.example.com/gate/api/sessions');
  });

  it('should not send a token when auth is false', async () => {
    const { request, transport } = setup((o) => o.success({ statusCode: 201, data: {} }), 'tok');
    await request({ method: 'POST', path: '/api/sessions', body: { code: 'c' }, auth: false });
    const option = transport.mock.calls[0]![0];
    expect(option.header.Authorization).toBeUndefined();
    expect(option.header['Content-Type']).toBe('application/json');
    expect(option.data).toEqual({ code: 'c' });
  });

  it('should turn the error body into an ApiError with code, status, data and requestId', async () => {
    const { request } = setup((o) =>
      o.success({
        statusCode: 502,
        data: {
          code: 'wecom.rejected',
          message: 'WeCom refused',
          data: { errcode: 48002 },
          requestId: 'req-1',
        },
      }),
    );
    const error = await request({ method: 'GET', path: '/api/me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'wecom.rejected',
      status: 502,
      data: { errcode: 48002 },
      requestId: 'req-1',
    });
  });

  it('should answer network.bad_response for a non-2xx without the contract body', async () => {
    const { request } = setup((o) =>
      o.success({ statusCode: 502, data: '<html>Bad Gateway</html>' }),
    );
    await expect(request({ method: 'GET', path: '/api/me' })).rejects.toMatchObject({
      code: 'network.bad_response',
      status: 502,
    });
  });

  it('should not trust an error body whose code is not in the contract', async () => {
    const { request } = setup((o) =>
      o.success({ statusCode: 500, data: { code: 'constructor', message: 'x', requestId: 'r' } }),
    );
    await expect(request({ method: 'GET', path: '/api/me' })).rejects.toMatchObject({
      code: 'network.bad_response',
    });
  });

  it('should answer network.failed when wx.request fails', async () => {
    const { request } = setup((o) => o.fail({ errMsg: 'request:fail timeout' }));
    await expect(request({ method: 'GET', path: '/api/me' })).rejects.toMatchObject({
      code: 'network.failed',
      status: 0,
    });
  });
});

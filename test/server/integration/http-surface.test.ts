import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { type Simulator, startSimulator } from '../../../server/src/sandbox';
import { errorBody, startTestGateway, type TestGateway } from '../../helpers/gateway';

// Cross-cutting behaviour of every answer: error shape, request id, body limit, bad JSON, 404.

let simulator: Simulator;
let gateway: TestGateway;

beforeAll(async () => {
  simulator = await startSimulator();
  gateway = await startTestGateway({ simulator });
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

describe('HTTP surface', () => {
  it('should answer liveness and readiness', async () => {
    expect((await gateway.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await gateway.request('GET', '/readyz')).body).toEqual({ status: 'ok' });
  });

  it('should answer malformed JSON with guard.invalid_input', async () => {
    const answer = await gateway.request('POST', '/api/sessions', { rawBody: '{"code": ' });
    expect(answer.status).toBe(400);
    expect(errorBody(answer.body)).toMatchObject({ code: 'guard.invalid_input' });
  });

  it('should answer a body over 16 KiB with request.too_large', async () => {
    const answer = await gateway.request('POST', '/api/sessions', {
      body: { code: 'x'.repeat(17 * 1024) },
    });
    expect(answer.status).toBe(413);
    expect(errorBody(answer.body).code).toBe('request.too_large');
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('should read a compressed JSON body (gzip, deflate, br)', async () => {
    const json = Buffer.from(JSON.stringify({ userid: 'zhangsan' }));
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
    ] as const) {
      const answer = await gateway.request('POST', '/sandbox/login-code', {
        rawBody: bytes,
        headers: { 'content-encoding': encoding },
      });
      expect({ encoding, status: answer.status }).toEqual({ encoding, status: 201 });
    }
  });

  it.each([
    ['gzip garbage', 'gzip', Buffer.from('not gzip at all')],
    ['truncated gzip', 'gzip', gzipSync(Buffer.from('{"code":"abc"}')).subarray(0, 20)],
    ['deflate garbage', 'deflate', Buffer.from([0x78, 0x9c, 1, 2, 3, 4, 5])],
    ['br garbage', 'br', Buffer.from('hello world garbage')],
    ['an empty gzip body', 'gzip', Buffer.alloc(0)],
  ])(
    'should answer %s with guard.invalid_input and close the connection',
    async (_c, encoding, bytes) => {
      const answer = await gateway.request('POST', '/api/sessions', {
        rawBody: bytes,
        headers: { 'content-encoding': encoding },
      });
      expect(answer.status).toBe(400);
      expect(errorBody(answer.body)).toMatchObject({
        code: 'guard.invalid_input',
        message: 'The request body does not decode with its Content-Encoding.',
      });
      expect(answer.headers.get('connection')).toBe('close');
    },
  );

  it.each(['compress', 'zstd', 'gzip, br', 'x-unknown'])(
    'should answer Content-Encoding %s with request.unsupported_encoding (415)',
    async (encoding) => {
      const answer = await gateway.request('POST', '/api/sessions', {
        rawBody: gzipSync(Buffer.from('{"code":"abc"}')),
        headers: { 'content-encoding': encoding },
      });
      expect(answer.status).toBe(415);
      expect(errorBody(answer.body).code).toBe('request.unsupported_encoding');
      expect(answer.headers.get('connection')).toBe('close');
    },
  );

  it('should not count a 16 KiB limit against the compressed size', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ code: 'x'.repeat(1024 * 1024) })));
    expect(bomb.length).toBeLessThan(16 * 1024);
    const answer = await gateway.request('POST', '/api/sessions', {
      rawBody: bomb,
      headers: { 'content-encoding': 'gzip' },
    });
    expect(answer.status).toBe(413);
    expect(errorBody(answer.body).code).toBe('request.too_large');
  });

  it('should answer an unknown route with request.not_found in the error shape', async () => {
    const answer = await gateway.request('GET', '/api/nothing-here');
    expect(answer.status).toBe(404);
    const body = errorBody(answer.body);
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
    expect(body.code).toBe('request.not_found');
    expect(body.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('should keep a sane incoming request id and replace an insane one', async () => {
    const kept = await gateway.request('GET', '/healthz', {
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await gateway.request('GET', '/api/me', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorBody(replaced.body).requestId).toBe(replaced.headers.get('x-request-id'));
  });

  it('should serve sandbox login codes for demo employees only', async () => {
    const good = await gateway.request<{ code: string }>('POST', '/sandbox/login-code', {
      body: { userid: 'zhangsan' },
    });
    expect(good.status).toBe(201);
    const login = await gateway.request('POST', '/api/sessions', {
      body: { code: good.body.code },
    });
    expect(login.status).toBe(201);
    const bad = await gateway.request('POST', '/sandbox/login-code', {
      body: { userid: 'nobody-here' },
    });
    expect(bad.status).toBe(400);
    expect(errorBody(bad.body).code).toBe('guard.invalid_input');
  });
});

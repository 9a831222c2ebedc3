import { isErrorCode } from '../shared/errors';
import type { ErrorBody } from '../typings/api';
import { ApiError } from './errors';
import type { Platform } from './platform';

export type Transport = Platform['request'];

export interface RequestOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  /** Send the stored bearer token (default true). */
  auth?: boolean;
}

export type Request = <T>(options: RequestOptions) => Promise<T>;

/**
 * wx.request as a promise: JSON in and out, a timeout on every call, the bearer token from
 * `getToken`, and every failure as an ApiError (the server's `{code, message, data, requestId}`,
 * or a local `network.*` code).
 */
export function createRequest({
  origin,
  transport,
  getToken,
  timeoutMs,
}: {
  /**
   * The server's origin (with an optional path prefix, and a corp's `/corps/{corpId}`), asked on
   * every request.
   */
  origin: () => string;
  transport: Transport;
  getToken: () => string | undefined;
  timeoutMs: number;
}): Request {
  return <T>({ method, path, query, body, auth = true }: RequestOptions) =>
    new Promise<T>((resolve, reject) => {
      const header: Record<string, string> = { Accept: 'application/json' };
      if (body !== undefined) header['Content-Type'] = 'application/json';
      const token = auth ? getToken() : undefined;
      if (token !== undefined) header.Authorization = `Bearer ${token}`;
      transport({
        url: origin().replace(/\/+$/, '') + path + queryString(query),
        method,
        data: body,
        header,
        timeout: timeoutMs,
        dataType: 'json',
        success: ({ statusCode, data }) => {
          if (statusCode >= 200 && statusCode < 300) resolve(data as T);
          else reject(toApiError(statusCode, data));
        },
        fail: ({ errMsg }) => reject(new ApiError('network.failed', errMsg)),
      });
    });
}

function queryString(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function toApiError(status: number, data: unknown): ApiError {
  if (isErrorBody(data)) {
    return new ApiError(data.code, data.message, {
      status,
      data: data.data,
      requestId: data.requestId as string | undefined,
    });
  }
  return new ApiError('network.bad_response', `HTTP ${status}`, { status });
}

function isErrorBody(data: unknown): data is ErrorBody {
  if (typeof data !== 'object' || data === null) return false;
  const body = data as Record<string, unknown>;
  return (
    typeof body.code === 'string' &&
    isErrorCode(body.code) &&
    typeof body.message === 'string' &&
    (body.requestId === undefined || typeof body.requestId === 'string')
  );
}

import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { RequestError } from '../errors/request-error';
import type { AppState } from './state';

/**
 * A guarded route handler: params, query and body are parsed with zod before the handler runs
 * (failures are `guard.invalid_input` naming the fields, never echoing values), and the answer is
 * parsed with the response schema, which strips every field it does not declare — so a
 * session_key or token can never leak through a handler by accident.
 */
export interface GuardSchemas<P, Q, B, R> {
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType<R>;
  /** Success status, default 200 (204 takes no response schema). */
  status?: number;
  /** How the body comes: JSON (default), or an HTML form (`application/x-www-form-urlencoded`). */
  bodyType?: 'json' | 'form';
}

/** Request bodies larger than this are `request.too_large` (413). */
export const BODY_LIMIT = '16kb';
/** Forms are the admin console's sign-in: a token and a path. */
const FORM_LIMIT = '4kb';

/**
 * JSON, or a form where a route says so; parsed just for routes that declare a body, so other
 * requests never pay for it. The body may come compressed (`Content-Encoding` gzip, deflate or
 * br); the limit applies to the decoded bytes.
 */
const parseJsonBody = bodyParser({
  enableTypes: ['json'],
  jsonLimit: BODY_LIMIT,
  encoding: 'utf-8',
});
/** A form's fields as strings; a body of another type parses as no fields. */
const parseFormBody = bodyParser({
  enableTypes: ['form'],
  formLimit: FORM_LIMIT,
  encoding: 'utf-8',
});
const noop = async () => {};

/**
 * A body that could not be read: too large, in an encoding we do not take, not JSON, or not
 * decoding with its `Content-Encoding` (garbage, truncated: zlib's and brotli's errors, which carry
 * no HTTP status). What is left of it may still be on the way, so the answer closes the connection
 * instead of reading the rest. Anything else is ours, not the request's: it stays a 500.
 */
function bodyError(error: unknown, encoded: boolean, type: 'json' | 'form'): unknown {
  const status = (error as { status?: unknown } | undefined)?.status;
  const options = { cause: error, headers: { Connection: 'close' } };
  if (status === 413)
    return new RequestError('request.too_large', {
      ...options,
      ...(type === 'form' && { message: 'The form is larger than 4 KiB.' }),
    });
  if (status === 415) return new RequestError('request.unsupported_encoding', options);
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new RequestError('guard.invalid_input', {
      ...options,
      message: type === 'form' ? 'The form is not valid.' : 'The request body is not valid JSON.',
    });
  if (encoded && status === undefined)
    return new RequestError('guard.invalid_input', {
      ...options,
      message: 'The request body does not decode with its Content-Encoding.',
    });
  return error;
}

async function readBody(ctx: Context, type: 'json' | 'form'): Promise<void> {
  try {
    await (type === 'form' ? parseFormBody : parseJsonBody)(ctx, noop);
  } catch (error) {
    const encoding = ctx.get('content-encoding');
    throw bodyError(error, encoding !== '' && encoding !== 'identity', type);
  }
}

export type GuardedContext<S extends AppState = AppState> = Context & {
  state: S;
  params?: Record<string, string>;
};

/** `value` parsed with `schema`, else `guard.invalid_input` naming the fields (`where.path`). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestError('guard.invalid_input', {
    data: {
      issues: result.error.issues.slice(0, 20).map((issue) => ({
        path: [where, ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    },
  });
}

export function guard<
  P = undefined,
  Q = undefined,
  B = undefined,
  R = undefined,
  S extends AppState = AppState,
>(
  schemas: GuardSchemas<P, Q, B, R>,
  handler: (input: { params: P; query: Q; body: B }, ctx: GuardedContext<S>) => Promise<R> | R,
): Middleware<S> {
  return async (ctx) => {
    const context = ctx as unknown as GuardedContext<S>;
    if (schemas.body) await readBody(ctx, schemas.bodyType ?? 'json');
    const input = {
      params: (schemas.params
        ? parse(schemas.params, context.params ?? {}, 'params')
        : undefined) as P,
      query: (schemas.query ? parse(schemas.query, ctx.query, 'query') : undefined) as Q,
      body: (schemas.body
        ? parse(schemas.body, (ctx.request as { body?: unknown }).body, 'body')
        : undefined) as B,
    };
    const result = await handler(input, context);
    ctx.status = schemas.status ?? 200;
    if (schemas.response) {
      const checked = schemas.response.safeParse(result);
      if (!checked.success) {
        throw new Error(`response does not match its schema: ${checked.error.message}`);
      }
      ctx.body = checked.data;
    }
  };
}

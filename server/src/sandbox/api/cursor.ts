import type { z } from 'zod';
import { WecomError } from './types';

/** Opaque cursors (an offset inside a named list) and body parsing shared by the POST APIs. */

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new WecomError(40058, 'invalid cursor');
  return Number(match[1]);
}

/** One page of `items` from `cursor`; next_cursor is "" when done. */
export function page<T>(items: readonly T[], cursor: string | undefined, limit: number) {
  const start = decodeCursor(cursor);
  const slice = items.slice(start, start + limit);
  const end = start + slice.length;
  return { slice, nextCursor: end < items.length ? encodeCursor(end) : '' };
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new WecomError(40058);
  return parsed.data;
}

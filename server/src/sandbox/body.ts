import type { IncomingMessage } from 'node:http';

/** Reads a JSON body with a size bound; undefined for an empty body, throws on bad JSON. */

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyError extends Error {}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyError('body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError('malformed JSON');
  }
}

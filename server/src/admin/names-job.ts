import { createHash } from 'node:crypto';
import { appendFile, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { NameKind } from '../stores/name-cache';
import type { NameMapper, NameRequest, NameResult } from './name-mapper';

/**
 * `npm run names`: ids from a file (one a line, `type:id` or a bare id whose type is inferred) to a
 * CSV `type,id,name,source`, in input order, UTF-8 with a byte order mark so that Excel shows the
 * Chinese names, and a cell that a spreadsheet would run as a formula (a name chosen by a customer
 * such as `=HYPERLINK(…)`) written as text. Resumable: rows are appended a chunk at a time and a checkpoint
 * (`<out>.checkpoint.json`: input hash, rows done, bytes written — the mark included) follows each
 * chunk; a rerun with the same input cuts the CSV back to the checkpoint and continues there. Names
 * already resolved are in the store, so with `onlyUnresolved` the redone part costs no WeCom call.
 */

export const MAX_INPUT_IDS = 200_000;
const MAX_INPUT_BYTES = 16 * 1024 * 1024;
/** The UTF-8 byte order mark (3 bytes) and the header: the start of every new CSV. */
const HEADER = '\uFEFFtype,id,name,source\n';

const idSchema = z.string().regex(/^[\w.@-]{1,128}$/, 'is not a WeCom id');
const kindSchema = z.enum(['user', 'external', 'groupchat']);

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** `external:wmXXX`, or a bare id: 'wm'/'wo' = external, 'wr' = groupchat, else user. */
export function parseIdLine(line: string): NameRequest | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const colon = text.indexOf(':');
  const [type, id] =
    colon > 0
      ? [kindSchema.parse(text.slice(0, colon).trim()), text.slice(colon + 1).trim()]
      : [inferKind(text), text];
  return { type, id: idSchema.parse(id) };
}

export function inferKind(id: string): NameKind {
  if (/^w[mo]/.test(id)) return 'external';
  if (id.startsWith('wr')) return 'groupchat';
  return 'user';
}

export function parseIdList(text: string): NameRequest[] {
  const requests: NameRequest[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    let request: NameRequest | undefined;
    try {
      request = parseIdLine(line);
    } catch {
      throw new InputError(
        `line ${index + 1}: expected "id" or "type:id" (type user, external or groupchat)`,
      );
    }
    if (request) requests.push(request);
    if (requests.length > MAX_INPUT_IDS) throw new InputError(`more than ${MAX_INPUT_IDS} ids`);
  });
  return requests;
}

/**
 * One CSV line. csv-stringify quotes where needed and, with `escape_formulas`, prefixes a cell
 * starting with `=`, `+`, `-`, `@`, tab or CR with `'` (OWASP's advice against CSV injection), as
 * the org exports and the admin console's download do.
 */
export function csvRow(result: NameResult): string {
  const source =
    result.name === null
      ? ['unresolved', result.reason, result.errcode].filter((x) => x !== undefined).join(':')
      : result.source;
  return stringify([[result.type, result.id, result.name ?? '', source]], {
    escape_formulas: true,
  });
}

const checkpointSchema = z.object({
  input: z.string(),
  done: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

export interface NamesJobOptions {
  mapper: NameMapper;
  inputPath: string;
  outputPath: string;
  onlyUnresolved?: boolean;
  chunkSize?: number;
  signal?: AbortSignal;
  /** After each id: ids done so far (resumed ones included) and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface NamesJobSummary {
  total: number;
  /** Rows taken over from an interrupted run. */
  resumedAt: number;
  resolved: number;
  unresolved: number;
  fromCache: number;
}

async function readCheckpoint(path: string, input: string, outputPath: string) {
  try {
    const checkpoint = checkpointSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    const size = (await stat(outputPath)).size;
    return checkpoint.input === input && size >= checkpoint.bytes ? checkpoint : undefined;
  } catch {
    return undefined;
  }
}

export async function runNamesJob(options: NamesJobOptions): Promise<NamesJobSummary> {
  const { mapper, inputPath, outputPath, onlyUnresolved = false, chunkSize = 200 } = options;
  const onProgress = options.onProgress ?? (() => {});
  if ((await stat(inputPath)).size > MAX_INPUT_BYTES) {
    throw new InputError(`the input is larger than ${MAX_INPUT_BYTES} bytes`);
  }
  const requests = parseIdList(await readFile(inputPath, 'utf8'));
  const input = createHash('sha256')
    .update(requests.map((r) => `${r.type}:${r.id}`).join('\n'))
    .digest('hex');
  const checkpointPath = `${outputPath}.checkpoint.json`;

  let checkpoint: Checkpoint | undefined = await readCheckpoint(checkpointPath, input, outputPath);
  if (checkpoint) await truncate(outputPath, checkpoint.bytes);
  else {
    await writeFile(outputPath, HEADER);
    checkpoint = { input, done: 0, bytes: Buffer.byteLength(HEADER) };
  }
  const summary: NamesJobSummary = {
    total: requests.length,
    resumedAt: checkpoint.done,
    resolved: 0,
    unresolved: 0,
    fromCache: 0,
  };
  let done = checkpoint.done;
  onProgress(done, requests.length);

  while (checkpoint.done < requests.length) {
    const chunk = requests.slice(checkpoint.done, checkpoint.done + chunkSize);
    const results = await mapper.resolve(chunk, {
      onlyUnresolved,
      signal: options.signal,
      onResult: () => onProgress(++done, requests.length),
    });
    const text = results.map(csvRow).join('');
    await appendFile(outputPath, text);
    for (const result of results) {
      if (result.name === null) summary.unresolved++;
      else summary.resolved++;
      if (result.source === 'cache') summary.fromCache++;
    }
    checkpoint = {
      input,
      done: checkpoint.done + chunk.length,
      bytes: checkpoint.bytes + Buffer.byteLength(text),
    };
    done = checkpoint.done;
    await writeFile(`${checkpointPath}.tmp`, JSON.stringify(checkpoint));
    await rename(`${checkpointPath}.tmp`, checkpointPath);
  }
  await rm(checkpointPath, { force: true });
  return summary;
}

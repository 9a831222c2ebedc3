import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * WECOM_CORPS_FILE: the corps one deployment serves (DESIGN §17). JSON, checked once at start;
 * every mistake is one line naming the corp and the field, never a secret's value. Secrets are
 * never written in the file: each is an `env:NAME` reference to an environment variable (or a
 * key of `.env`), so the file can be kept with the deployment's other configuration.
 *
 * ```json
 * { "corps": [ { "corpId": "ww…", "name": "…", "kind": "self-built",
 *                "appSecret": "env:CORP_A_APP_SECRET", "appAgentId": "1000002",
 *                "contactSecret": "env:…", "directorySecret": "env:…",
 *                "miniprogramAppId": "wx…", "adminUserIds": ["…"],
 *                "callbacks": { "app": { "token": "env:…", "encodingAesKey": "env:…" },
 *                               "directory": { … } } } ] }
 * ```
 */

/** One corp of the file, its secrets resolved. */
export interface CorpEntry {
  corpId: string;
  name?: string;
  kind: 'self-built';
  appSecret: string;
  appAgentId?: string;
  contactSecret?: string;
  directorySecret?: string;
  miniprogramAppId?: string;
  adminUserIds: readonly string[];
  callbacks: {
    app?: { token: string; encodingAesKey: string };
    directory?: { token: string; encodingAesKey: string };
  };
}

/** Corps one deployment serves at most: each costs its own background jobs (docs/corps.md). */
export const MAX_CORPS = 500;

/** A WeCom corp ID: `ww` (or `wx` for older corps) and letters and digits. */
const CORP_ID = /^w[wx][A-Za-z0-9]{1,62}$/;
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

const secret = z
  .string()
  .regex(ENV_REFERENCE, { message: 'must be an env:NAME reference, never the secret itself' });
const callbackKeys = z.strictObject({ token: secret, encodingAesKey: secret });

const corpSchema = z.strictObject({
  corpId: z.string().regex(CORP_ID, { message: 'must be a corp ID such as ww1234567890abcdef' }),
  name: z.string().min(1).max(100).optional(),
  kind: z.enum(['self-built', 'custom', 'third-party'], {
    message: 'must be "self-built", "custom" (代开发) or "third-party"',
  }),
  appSecret: secret,
  appAgentId: z.string().regex(/^\d+$/, { message: 'must be the numeric AgentId' }).optional(),
  contactSecret: secret.optional(),
  directorySecret: secret.optional(),
  miniprogramAppId: z
    .string()
    .regex(/^wx[A-Za-z0-9]{1,62}$/)
    .optional(),
  adminUserIds: z.array(z.string().min(1).max(64)).max(100).optional(),
  callbacks: z
    .strictObject({ app: callbackKeys.optional(), directory: callbackKeys.optional() })
    .optional(),
});

const fileSchema = z.strictObject({
  corps: z
    .array(z.unknown())
    .min(1, { message: 'must list at least one corp' })
    .max(MAX_CORPS, { message: `must list at most ${MAX_CORPS} corps` }),
});

/** Where a zod issue is, as `corps[1].callbacks.app.token`. */
function where(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/**
 * Reads and checks the file; answers the corps, or every mistake as one line each (`problems`).
 * `validKey` checks a resolved secret by what it is for (the callback keys' formats).
 */
export function readCorpsFile(
  file: string,
  environment: Readonly<Record<string, string | undefined>>,
  validKey: (kind: 'token' | 'encodingAesKey', value: string) => string | undefined,
): { corps: CorpEntry[]; problems: string[] } {
  const problems: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? `is not JSON (${error.message})`
        : `cannot be read (${(error as NodeJS.ErrnoException).code})`;
    return { corps: [], problems: [reason] };
  }
  const outer = fileSchema.safeParse(json);
  if (!outer.success) {
    const issue = outer.error.issues[0]!;
    return { corps: [], problems: [`${where(issue.path) || '(top level)'} ${issue.message}`] };
  }
  const corps: CorpEntry[] = [];
  const seen = new Set<string>();
  outer.data.corps.forEach((raw, index) => {
    const parsed = corpSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`corps[${index}].${where(issue.path)} ${issue.message}`);
      return;
    }
    const corp = parsed.data;
    const at = `corps[${index}] (${corp.corpId})`;
    if (seen.has(corp.corpId)) problems.push(`${at} is listed twice`);
    seen.add(corp.corpId);
    if (corp.kind !== 'self-built')
      problems.push(
        `${at}.kind "${corp.kind}" is not served yet: only self-built apps (see docs/corps.md)`,
      );
    const resolve = (field: string, reference: string, kind?: 'token' | 'encodingAesKey') => {
      const name = ENV_REFERENCE.exec(reference)![1]!;
      const value = environment[name]?.trim();
      if (value === undefined || value === '') {
        problems.push(`${at}.${field}: ${name} is not set in the environment or .env`);
        return '';
      }
      const invalid = kind && validKey(kind, value);
      if (invalid) problems.push(`${at}.${field}: ${name} ${invalid}`);
      return value;
    };
    const keys = (receiver: 'app' | 'directory') => {
      const given = corp.callbacks?.[receiver];
      return (
        given && {
          token: resolve(`callbacks.${receiver}.token`, given.token, 'token'),
          encodingAesKey: resolve(
            `callbacks.${receiver}.encodingAesKey`,
            given.encodingAesKey,
            'encodingAesKey',
          ),
        }
      );
    };
    corps.push({
      corpId: corp.corpId,
      name: corp.name,
      kind: 'self-built',
      appSecret: resolve('appSecret', corp.appSecret),
      appAgentId: corp.appAgentId,
      contactSecret: corp.contactSecret && resolve('contactSecret', corp.contactSecret),
      directorySecret: corp.directorySecret && resolve('directorySecret', corp.directorySecret),
      miniprogramAppId: corp.miniprogramAppId,
      adminUserIds: corp.adminUserIds ?? [],
      callbacks: { app: keys('app'), directory: keys('directory') },
    });
  });
  return { corps, problems };
}

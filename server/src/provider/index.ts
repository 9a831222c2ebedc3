import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ProviderEntry, SuiteEntry } from '../config/corps-file';
import { onceAcrossInstances } from '../stores/once';
import type { Store } from '../stores/store';
import { apiPaths } from '../wecom/api-paths';
import { WecomUnavailableError } from '../wecom/errors';
import type { ProviderApi } from '../wecom/provider-api';
import type { RefreshSchedule } from '../wecom/refresh-schedule';
import { createProviderToken } from '../wecom/suite-token';
import { createInstructions, type Instructions } from './instructions';
import { type CorpRegistry, createCorpRegistry, type InstalledCorp } from './registry';
import { createSecretBox } from './secret-box';
import { createSuite, type Suite } from './suite';

export type { InstalledCorp } from './registry';
export type { Suite } from './suite';

/**
 * The service provider's side: its suites (代开发 templates and third-party apps),
 * their 指令回调, the install link, and the registry of the corps that installed them. Knows
 * nothing of HTTP; the deployment serves each installed corp (deployment.ts).
 */
export interface Provider {
  /** WeCom's calls of the provider's suites. */
  readonly api: ProviderApi;
  readonly suites: ReadonlyMap<string, Suite>;
  readonly registry: CorpRegistry;
  readonly instructions: Instructions;
  /** The provider_access_token, with the provider's ProviderSecret (else undefined). */
  readonly providerToken?: () => Promise<string>;
  /**
   * A corp's admin came back from WeCom's install page with `authCode` (the install link's
   * redirect): the corp it installed, exchanging the code unless create_auth already did.
   */
  installed(suiteId: string, authCode: string): Promise<InstalledCorp>;
}

export interface ProviderDeps {
  suites: readonly Readonly<SuiteEntry>[];
  /** The provider's own corp ID and ProviderSecret (the corps file's `provider`), if given. */
  provider?: Readonly<ProviderEntry>;
  api: ProviderApi;
  store: Store;
  secretsKey: Buffer;
  logger: Logger;
  timeoutMs: number;
  installBase: string;
  schedule?: RefreshSchedule;
  /** A corp removed a suite: its data goes (after the registry has dropped it). */
  onCancelled(corpId: string): Promise<void>;
  now?: () => number;
}

/** An auth code's corp is remembered this long (WeCom: an auth code lives 10 minutes). */
const AUTH_CODE_TTL_MS = 10 * 60_000;

export function createProvider(deps: ProviderDeps): Provider {
  const { api, store, logger, now = Date.now } = deps;
  const suites = new Map(
    deps.suites.map((entry) => [
      entry.suiteId,
      createSuite({
        entry,
        api,
        store,
        schedule: deps.schedule,
        logger,
        timeoutMs: deps.timeoutMs,
        installBase: deps.installBase,
        now,
      }),
    ]),
  );
  const registry = createCorpRegistry({ store, box: createSecretBox(deps.secretsKey) });
  const codeKey = (authCode: string) =>
    `suite:auth-code:${createHash('sha256').update(authCode).digest('base64url')}`;

  /**
   * Exchanges an auth code once across every instance: create_auth and the install link's
   * redirect both bring it, to any instance, and WeCom takes it once.
   */
  function authorise(suite: Suite, authCode: string): Promise<InstalledCorp> {
    const key = codeKey(authCode);
    return onceAcrossInstances<InstalledCorp>({
      store,
      lockKey: `${key}:claim`,
      lockTtlMs: deps.timeoutMs * 4,
      waitMs: deps.timeoutMs * 4 + 1000,
      now,
      async read() {
        const corpId = await store.get(key);
        return corpId === null ? undefined : registry.get(corpId);
      },
      async produce() {
        const answer = await api.getPermanentCode(await suite.token(), authCode);
        const corp: InstalledCorp = {
          corpId: answer.auth_corp_info.corpid,
          suiteId: suite.entry.suiteId,
          kind: suite.entry.kind,
          corpName: answer.auth_corp_info.corp_name,
          agentId: answer.auth_info?.agent?.[0]?.agentid,
          permanentCode: answer.permanent_code,
          installedAt: now(),
        };
        await registry.put(corp);
        await store.set(key, corp.corpId, AUTH_CODE_TTL_MS);
        logger.info(
          { suiteId: corp.suiteId, corpId: corp.corpId, kind: corp.kind },
          'a corp installed the suite',
        );
        return corp;
      },
      onTimeout: () =>
        new WecomUnavailableError(
          apiPaths.getPermanentCode,
          'busy',
          'another instance holds the auth code',
        ),
    });
  }

  const instructions = createInstructions({
    suites,
    store,
    logger,
    now,
    effects: {
      async authorised(suite, authCode) {
        await authorise(suite, authCode);
      },
      async changed(suite, corpId) {
        const corp = await registry.get(corpId);
        if (!corp) return;
        const info = await api.getAuthInfo(await suite.token(), corp);
        await registry.put({
          ...corp,
          corpName: info.auth_corp_info.corp_name ?? corp.corpName,
          agentId: info.auth_info?.agent?.[0]?.agentid ?? corp.agentId,
        });
      },
      async cancelled(suite, corpId) {
        const corp = await registry.get(corpId);
        if (corp?.suiteId !== suite.entry.suiteId) return;
        await registry.remove(corpId);
        await deps.onCancelled(corpId);
        logger.info(
          { suiteId: corp.suiteId, corpId },
          'a corp removed the suite; its data is gone',
        );
      },
    },
  });

  const own = deps.provider;
  return {
    api,
    suites,
    registry,
    instructions,
    providerToken:
      own &&
      createProviderToken({
        corpId: own.corpId,
        secret: own.secret,
        api,
        store,
        schedule: deps.schedule,
        logger,
        timeoutMs: deps.timeoutMs,
        now,
      }),
    async installed(suiteId, authCode) {
      const suite = suites.get(suiteId);
      if (!suite) throw new Error(`no suite ${suiteId}`);
      return authorise(suite, authCode);
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { type CallbackPusher, createCallbackPusher, type Delivery } from './callbacks';
import type { AppRuntime } from './corp';
import { pushing, type SharedWecom } from './corp-world';
import { createOneTimeCodes } from './one-time-codes';
import { type DemoSuite, PROVIDER_CORP_ID, PROVIDER_SECRET } from './suites';
import { createTokenStore, type TokenStore } from './tokens';
import type { ProviderSimulator, SuitePush } from './types';

/**
 * The service provider's side of WeCom: its suites, their 指令回调 (URL verification and the
 * pushes: suite_ticket, create_auth, change_auth, cancel_auth, reset_permanent_code), the
 * suite_tickets, suite_access_tokens, pre_auth_codes, auth_codes and the authorisations of each
 * suite in the corps the simulator plays; the provider_access_token and the interface licences
 * (接口许可) of each corp. The APIs are in api/service.ts and api/license.ts, the page in
 * install-pages.ts.
 */

/** An authorisation of a suite in one corp: the app it installed and its permanent code. */
export interface Authorization {
  suite: DemoSuite;
  corpId: string;
  app: AppRuntime;
  /** Set by get_permanent_code; undefined before it and after a reset. */
  permanentCode?: string;
  /** The corp admin who authorised it. */
  installer: string;
  /** license/get_app_license_info: whether WeCom checks licences, and the app's free trial. */
  licence: AppLicence;
}

/** Whether WeCom checks interface licences for an app in a corp (license_status 1), and its trial. */
export interface AppLicence {
  checked: boolean;
  /** The free trial (ms): 90 days from the first install; none for a provider's test corp. */
  trial?: { start: number; end: number };
  /** When calls without a licence start being refused (ms). */
  checkFrom?: number;
}

/** An activated interface licence account of a member (type 1 基础账号, 2 互通账号). */
export interface LicenceAccount {
  userid: string;
  type: 1 | 2;
  activeTime: number;
  expireTime: number;
}

export interface Provider {
  handle: ProviderSimulator;
  suite(suiteId: string): DemoSuite | undefined;
  /** suite_access_tokens (any suite's). */
  suiteTokens: TokenStore<DemoSuite>;
  /** provider_access_tokens (service/get_provider_token with the ProviderSecret). */
  providerTokens: TokenStore<'provider'>;
  /** The activated licence accounts of a corp (by this provider). */
  accounts(corpId: string): readonly LicenceAccount[];
  /** One of the suite's latest two tickets, pushed less than 30 minutes ago. */
  ticketValid(suiteId: string, ticket: string): boolean;
  issuePreAuthCode(suiteId: string): string;
  /**
   * A corp admin authorises the suite: a new auth_code at once, create_auth pushed with `state`
   * (`pushed`: how it went). Throws for a suite or corp the simulator does not play.
   */
  authorize(
    suiteId: string,
    corpId: string,
    state: string,
  ): { code: string; pushed: Promise<Delivery | undefined> };
  /** Whether the pre_auth_code is valid for the suite (`use`: and uses it). */
  preAuthCodeValid(suiteId: string, code: string, use: boolean): boolean;
  /** get_permanent_code: the auth code's authorisation with a new permanent code. */
  exchangeAuthCode(suiteId: string, code: string): Authorization | undefined;
  /** The suite's authorisation in the corp when `permanentCode` is its current one. */
  authorization(suiteId: string, corpId: string, permanentCode: string): Authorization | undefined;
  /** The suite's authorisation in the corp, if installed. */
  installedIn(suiteId: string, corpId: string): Authorization | undefined;
  /** The employee's id for this provider: the same across its suites, another for others. */
  openUserid(corpId: string, userid: string): string;
  close(): void;
}

const TICKET_INTERVAL_MS = 10 * 60 * 1000;
const TICKET_TTL_MS = 30 * 60 * 1000;
const PRE_AUTH_CODE_TTL_MS = 1200 * 1000;
const AUTH_CODE_TTL_MS = 10 * 60 * 1000;
/** WeCom: an interface licence's free trial lasts 90 days from a corp's first install. */
const TRIAL_MS = 90 * 24 * 60 * 60 * 1000;

type Field = readonly [name: string, value: string];
/** Where InfoType and TimeStamp go in a message (the order of WeCom's samples). */
const INFO = 'InfoType+TimeStamp';

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** A message to a 指令回调: `<xml><SuiteId>…` with the fields in order (TimeStamp unquoted). */
function suiteXml(fields: readonly Field[]): string {
  const body = fields
    .map(([name, value]) =>
      name === 'TimeStamp' ? `<${name}>${value}</${name}>` : `<${name}>${cdata(value)}</${name}>`,
    )
    .join('');
  return `<xml>${body}</xml>`;
}

interface SuiteState {
  suite: DemoSuite;
  agentid: string;
  pusher: CallbackPusher<'suite'>;
  tickets: { ticket: string; pushedAt: number }[];
  /** By corp ID. */
  authorizations: Map<string, Authorization>;
  timer?: NodeJS.Timeout;
}

export function createProvider(suites: readonly DemoSuite[], shared: SharedWecom): Provider {
  const { now, remember, options } = shared;
  const states = new Map<string, SuiteState>();
  remember(PROVIDER_SECRET);
  suites.forEach((suite, index) => {
    if (states.has(suite.suiteId)) throw new Error(`suite ${suite.suiteId} is played twice`);
    remember(suite.suiteSecret);
    states.set(suite.suiteId, {
      suite,
      agentid: String(1_000_101 + index),
      pusher: createCallbackPusher<'suite'>({
        corpId: suite.suiteId,
        agentId: '',
        expectAnswer: 'success',
        ...pushing(shared),
      }),
      tickets: [],
      authorizations: new Map(),
    });
  });
  /** Tokens whose every issue is remembered (the leak checks look for them). */
  function rememberedTokens<Holder>(): TokenStore<Holder> {
    const store = createTokenStore<Holder>({ now, ttlSeconds: options.tokenTtlSeconds ?? 7200 });
    return {
      ...store,
      issue(holder) {
        const answer = store.issue(holder);
        remember(answer.token);
        return answer;
      },
    };
  }
  const suiteTokens = rememberedTokens<DemoSuite>();
  const providerTokens = rememberedTokens<'provider'>();
  /** The licence accounts activated in each corp, by corp ID. */
  const accounts = new Map<string, LicenceAccount[]>();
  /**
   * Whether WeCom serves the member's customer APIs: licences not checked (yet), in the trial, or
   * an active interworking (互通, type 2) account.
   */
  const licensed = (auth: Authorization, userid: string) => {
    const { checked, trial, checkFrom = 0 } = auth.licence;
    const at = now();
    if (!checked || at < checkFrom || (trial && at < trial.end)) return true;
    return (accounts.get(auth.corpId) ?? []).some(
      (account) => account.userid === userid && account.type === 2 && account.expireTime > at,
    );
  };
  const preAuthCodes = createOneTimeCodes<string>({ now, ttlMs: PRE_AUTH_CODE_TTL_MS });
  const authCodes = createOneTimeCodes<{ suiteId: string; corpId: string }>({
    now,
    ttlMs: AUTH_CODE_TTL_MS,
  });

  const stateOf = (suiteId: string) => {
    const state = states.get(suiteId);
    if (!state) throw new Error(`the simulator plays no suite ${JSON.stringify(suiteId)}`);
    return state;
  };
  const worldOf = (corpId: string) => {
    const world = shared.corps.get(corpId);
    if (!world) throw new Error(`the simulator does not play corp ${JSON.stringify(corpId)}`);
    return world;
  };
  const installedOrThrow = (state: SuiteState, corpId: string) => {
    const auth = state.authorizations.get(corpId);
    if (!auth) throw new Error(`suite ${state.suite.suiteId} is not installed in ${corpId}`);
    return auth;
  };
  /** Pushes `<xml><SuiteId>…` + `fields`, where `INFO` stands for InfoType and TimeStamp. */
  const push = (state: SuiteState, infoType: string, fields: ReadonlyArray<Field | typeof INFO>) =>
    state.pusher.pushMessage(
      'suite',
      suiteXml([
        ['SuiteId', state.suite.suiteId],
        ...fields.flatMap((field): Field[] =>
          field === INFO
            ? [
                ['InfoType', infoType],
                ['TimeStamp', String(Math.floor(now() / 1000))],
              ]
            : [field],
        ),
      ]),
      infoType,
    );
  /** The app's permanent code stops working (a 代开发 app: its secret too). */
  const dropPermanentCode = (auth: Authorization) => {
    auth.permanentCode = undefined;
    worldOf(auth.corpId).corp.setAppSecret(auth.app, undefined);
  };

  async function pushSuiteTicket(suiteId: string): Promise<SuitePush> {
    const state = stateOf(suiteId);
    const ticket = randomBytes(32).toString('base64url');
    remember(ticket);
    state.tickets = [...state.tickets.slice(-1), { ticket, pushedAt: now() }];
    const delivery = await push(state, 'suite_ticket', [INFO, ['SuiteTicket', ticket]]);
    return { code: ticket, delivery };
  }

  function authorize(suiteId: string, corpId: string, state: string) {
    const suiteState = stateOf(suiteId);
    const world = worldOf(corpId);
    if (!suiteState.authorizations.has(corpId)) {
      const installer = world.corp.seed.employees.find((e) => e.status === 1)?.userid ?? '';
      const start = now();
      const auth: Authorization = {
        suite: suiteState.suite,
        corpId,
        app: world.corp.addSuiteApp(suiteState.suite.kind, suiteState.agentid),
        installer,
        licence: {
          checked: true,
          trial: { start, end: start + TRIAL_MS },
          checkFrom: start + TRIAL_MS,
        },
      };
      auth.app.licensed = (userid) => licensed(auth, userid);
      suiteState.authorizations.set(corpId, auth);
    }
    const code = authCodes.issue({ suiteId, corpId });
    const pushed = push(suiteState, 'create_auth', [['AuthCode', code], INFO, ['State', state]]);
    return { code, pushed };
  }

  const handle: ProviderSimulator = {
    suites,
    async registerSuiteCallback(suiteId, target) {
      const state = stateOf(suiteId);
      const result = await state.pusher.register('suite', target);
      if (result.verified) {
        // WeCom pushes a ticket every 10 minutes; one at once spares tests the wait.
        pushSuiteTicket(suiteId).catch(() => undefined);
        state.timer ??= setInterval(
          () => void pushSuiteTicket(suiteId).catch(() => undefined),
          TICKET_INTERVAL_MS,
        ).unref();
      }
      return result;
    },
    pushSuiteTicket,
    async install(suiteId, corpId, opts = {}) {
      const { code, pushed } = authorize(suiteId, corpId, opts.state ?? '');
      return { code, delivery: await pushed };
    },
    async changeAuth(suiteId, corpId) {
      const state = stateOf(suiteId);
      installedOrThrow(state, corpId);
      return push(state, 'change_auth', [INFO, ['AuthCorpId', corpId], ['State', '']]);
    },
    async cancelAuth(suiteId, corpId) {
      const state = stateOf(suiteId);
      const auth = installedOrThrow(state, corpId);
      state.authorizations.delete(corpId);
      dropPermanentCode(auth);
      worldOf(corpId).corp.removeApp(auth.app);
      shared.tokens.revoke(auth.app);
      return push(state, 'cancel_auth', [INFO, ['AuthCorpId', corpId]]);
    },
    async resetPermanentCode(suiteId, corpId) {
      const state = stateOf(suiteId);
      dropPermanentCode(installedOrThrow(state, corpId));
      const authCode = authCodes.issue({ suiteId, corpId });
      const delivery = await push(state, 'reset_permanent_code', [
        ['AuthCode', authCode],
        INFO,
        ['AuthCorpId', corpId],
      ]);
      return { code: authCode, delivery };
    },
    installUrl(suiteId, preAuthCode, redirectUri, state = '') {
      stateOf(suiteId);
      return `${shared.url()}/3rdapp/install?${new URLSearchParams({
        suite_id: suiteId,
        pre_auth_code: preAuthCode,
        redirect_uri: redirectUri,
        state,
      })}`;
    },
    setLicence(suiteId, corpId, licence) {
      installedOrThrow(stateOf(suiteId), corpId).licence = { ...licence };
    },
    activateLicence(corpId, userid, type, days) {
      worldOf(corpId);
      const activeTime = now();
      const list = (accounts.get(corpId) ?? []).filter(
        (account) => !(account.userid === userid && account.type === type),
      );
      list.push({ userid, type, activeTime, expireTime: activeTime + days * 24 * 60 * 60 * 1000 });
      accounts.set(corpId, list);
    },
    suiteDeliveries: (suiteId) => stateOf(suiteId).pusher.deliveries(),
    installed: (suiteId) => [...stateOf(suiteId).authorizations.keys()],
  };

  return {
    handle,
    suite: (suiteId) => states.get(suiteId)?.suite,
    suiteTokens,
    providerTokens,
    accounts: (corpId) => accounts.get(corpId) ?? [],
    ticketValid(suiteId, ticket) {
      const found = states.get(suiteId)?.tickets.find((t) => t.ticket === ticket);
      return found !== undefined && now() - found.pushedAt < TICKET_TTL_MS;
    },
    issuePreAuthCode: (suiteId) => preAuthCodes.issue(suiteId),
    authorize,
    preAuthCodeValid(suiteId, code, use) {
      if (preAuthCodes.peek(code) !== suiteId) return false;
      if (use) preAuthCodes.consume(code);
      return true;
    },
    exchangeAuthCode(suiteId, code) {
      const issued = authCodes.peek(code);
      if (issued?.suiteId !== suiteId) return undefined;
      authCodes.consume(code);
      const auth = states.get(suiteId)?.authorizations.get(issued.corpId);
      if (!auth) return undefined;
      dropPermanentCode(auth);
      const permanentCode = randomBytes(32).toString('base64url').slice(0, 43);
      remember(permanentCode);
      auth.permanentCode = permanentCode;
      // A 代开发 app's permanent code is its secret: gettoken with it gives the app's token.
      if (auth.suite.kind === 'custom')
        worldOf(auth.corpId).corp.setAppSecret(auth.app, permanentCode);
      return auth;
    },
    authorization(suiteId, corpId, permanentCode) {
      const auth = states.get(suiteId)?.authorizations.get(corpId);
      return auth?.permanentCode !== undefined && auth.permanentCode === permanentCode
        ? auth
        : undefined;
    },
    installedIn: (suiteId, corpId) => states.get(suiteId)?.authorizations.get(corpId),
    openUserid: (corpId, userid) =>
      `wo${createHash('sha256').update(`${PROVIDER_CORP_ID}:${corpId}:${userid}`).digest('base64url').slice(0, 30)}`,
    close() {
      for (const state of states.values()) clearInterval(state.timer);
    },
  };
}

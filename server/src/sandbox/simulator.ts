import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { WecomConfig } from '../config/index';
import { createApiRoutes } from './api/index';
import { createCallbackPusher, type Delivery, type EventFields } from './callbacks';
import { cgiBinMiddleware } from './cgi-bin';
import { createCodeStore } from './codes';
import { controlRouter } from './control';
import { type AppRuntime, createCorpModel } from './corp';
import { createCallCounters } from './counters';
import { encryptUserData } from './crypto';
import { createFaultRegistry } from './faults';
import { createApiLimits } from './limits';
import { loginPagesRouter } from './login-pages';
import type { OrgChangeEvent } from './org';
import { setUpScenario } from './scenarios';
import { demoCorp } from './seed';
import { createTokenStore } from './tokens';
import type { OrgView, Simulator, StartSimulatorOptions } from './types';
import { createOauthCodeStore, createTicketStore } from './web-auth';

/** How many handed-out secrets `issuedSecrets()` remembers for the tests' leak check. */
const MAX_REMEMBERED_SECRETS = 100_000;

/** Every `secret` field of the seed (app secrets, the other corp's secret). */
function secretsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretsOf);
  if (value === null || typeof value !== 'object') return [];
  if (value instanceof Map) return [...value.values()].flatMap(secretsOf);
  return Object.entries(value).flatMap(([key, field]) =>
    key === 'secret' && typeof field === 'string' ? [field] : secretsOf(field),
  );
}

/** A directory change as the fields of its `change_contact` event. */
function changeContactFields(event: OrgChangeEvent): EventFields {
  const fields: Record<string, string> = { Event: 'change_contact', ChangeType: event.changeType };
  if (event.userId !== undefined) fields.UserID = event.userId;
  if (event.newUserId !== undefined) fields.NewUserID = event.newUserId;
  if (event.department !== undefined) fields.Department = event.department.join(',');
  if (event.departmentId !== undefined) fields.Id = String(event.departmentId);
  if (event.parentId !== undefined) fields.ParentId = String(event.parentId);
  return fields;
}

/** Starts the WeCom simulator on a real HTTP port (default 127.0.0.1, a free port). */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const scenario = options.scenario ?? 'healthy';
  const now = options.now ?? Date.now;
  const setup = setUpScenario(scenario, options.seed ?? demoCorp(), options.bigCorp);
  const { seed } = setup;
  const corp = createCorpModel(seed, setup.extraVisibleMembers);
  if (options.onOrgChange) corp.org.onChange(options.onOrgChange);
  const orgVisibleTo = (secret = setup.secretsForConfig.directory): OrgView => {
    const app = corp.appsBySecret.get(secret);
    if (!app) throw new Error('no app of this corp has that secret');
    return {
      departments: [...corp.org.departments.values()]
        .filter((d) => app.visibleDepartments.has(d.id))
        .map((d) => structuredClone(d)),
      members: [...corp.org.employees.values()]
        .filter((e) => app.visibleUsers.has(e.userid))
        .map((e) => structuredClone(e)),
    };
  };
  const { org } = corp;
  const orgControl: Simulator['org'] = {
    addMember: (input) => structuredClone(org.addMember(input)),
    updateMember: (userid, patch) => structuredClone(org.updateMember(userid, patch)),
    deleteMember: (userid) => org.deleteMember(userid),
    addDepartment: (input) => structuredClone(org.addDepartment(input)),
    updateDepartment: (id, patch) => structuredClone(org.updateDepartment(id, patch)),
    deleteDepartment: (id) => org.deleteDepartment(id),
  };
  // Everything secret this simulator handed out, for the tests' leak check (bounded).
  const issued = new Set<string>();
  const remember = (value: string) => {
    if (issued.size < MAX_REMEMBERED_SECRETS) issued.add(value);
  };
  const tokenStore = createTokenStore<AppRuntime>({
    now,
    ttlSeconds: options.tokenTtlSeconds ?? 7200,
  });
  const tokens: typeof tokenStore = {
    ...tokenStore,
    issue(app) {
      const answer = tokenStore.issue(app);
      remember(answer.token);
      return answer;
    },
  };
  const codes = createCodeStore({ now });
  const oauthCodes = createOauthCodeStore({ now });
  const tickets = createTicketStore({
    now,
    ttlSeconds: options.ticketTtlSeconds ?? 7200,
    onIssue: remember,
  });
  const faults = createFaultRegistry();
  const counters = createCallCounters();
  const sessionKeys = new (class extends Map<string, string> {
    override set(userid: string, sessionKey: string) {
      remember(sessionKey);
      return super.set(userid, sessionKey);
    }
  })();
  let trustedIps: ReadonlySet<string> | null = setup.trustedIps ? new Set(setup.trustedIps) : null;

  const routes = createApiRoutes({
    corp,
    tokens,
    codes,
    oauthCodes,
    tickets,
    now,
    sessionKeys,
    contactPermission: setup.contactPermission,
    bigCorpThreshold: options.bigCorpThreshold ?? 1000,
  });

  const issueLoginCode = (userid: string, opts: { corpId?: string } = {}): string => {
    const corpId = opts.corpId ?? seed.corpId;
    if (corpId === seed.corpId && !corp.employees.has(userid)) {
      throw new Error(`unknown userid ${JSON.stringify(userid)} in the demo corp`);
    }
    return codes.issue({ userid, corpId });
  };
  const demoEmployees = () => {
    const visible = corp.appsBySecret.get(seed.miniprogramApp.secret)?.visibleUsers ?? new Set();
    const departments = new Map(seed.departments.map((d) => [d.id, d.name]));
    return seed.employees
      .filter((e) => e.status === 1 && visible.has(e.userid))
      .map((e) => {
        const department = departments.get(e.department[0] ?? -1);
        return { userid: e.userid, name: e.name, ...(department ? { department } : {}) };
      });
  };
  const setTrustedIps = (ips: string[] | null) => {
    trustedIps = ips ? new Set(ips) : null;
  };

  const pusher = createCallbackPusher({
    corpId: seed.corpId,
    agentId: seed.miniprogramApp.agentid,
    now,
    deadlineMs: options.callbackDeadlineMs,
    retries: options.callbackRetries,
    retryDelayMs: options.callbackRetryDelayMs,
    verifyDeadlineMs: options.callbackVerifyDeadlineMs,
    remember,
  });
  // Every directory change goes to the directory receiver, as WeCom's 通讯录同步 callback would
  // send it (fields of a callback configured after 2022-08-15: ids only).
  let lastOrgPush: Promise<Delivery[] | undefined> | undefined;
  corp.org.onChange((event) => {
    lastOrgPush = pusher.push('directory', changeContactFields(event));
    lastOrgPush.catch(() => undefined);
  });
  const world = {
    async removeFollower(externalUserId: string, userid: string) {
      if (!corp.removeFollower(externalUserId, userid))
        throw new Error(`${userid} does not follow ${externalUserId}`);
      return (
        (await pusher.push('app', {
          Event: 'change_external_contact',
          ChangeType: 'del_external_contact',
          UserID: userid,
          ExternalUserID: externalUserId,
        })) ?? []
      );
    },
    // A customer who renames themselves: WeCom tells no receiver; the next read shows the name.
    async renameCustomer(externalUserId: string, name: string): Promise<Delivery[]> {
      if (!corp.renameCustomer(externalUserId, name))
        throw new Error(`no customer ${externalUserId}`);
      return [];
    },
    async dismissGroup(chatId: string) {
      if (!corp.removeGroup(chatId)) throw new Error(`no group ${chatId}`);
      return (
        (await pusher.push('app', {
          Event: 'change_external_chat',
          ChatId: chatId,
          ChangeType: 'dismiss',
        })) ?? []
      );
    },
    async deleteEmployee(userid: string) {
      if (!corp.removeEmployee(userid)) throw new Error(`no employee ${userid}`);
      // The directory model's change listener pushed the change_contact event.
      return (await lastOrgPush) ?? [];
    },
  };

  const app = new Koa();
  app.use(
    cgiBinMiddleware({
      routes,
      tokens,
      faults,
      counters,
      limits: createApiLimits({
        now,
        perMinute: options.perApiPerMinuteLimit,
        maxConcurrency: options.maxConcurrencyPerApi,
      }),
      latencyMs: options.latencyMs ?? 0,
      now,
      trustedIps: () => trustedIps,
    }),
  );
  const control = controlRouter({
    issueLoginCode,
    callCounts: counters.all,
    resetCalls: counters.reset,
    addFault: faults.add,
    removeFault: faults.remove,
    clearFaults: faults.clear,
    invalidateTokens: tokens.invalidateAll,
    invalidateTickets: tickets.invalidateAll,
    verifyJsapiSignature: tickets.verify,
    setTrustedIps,
    org: orgControl,
    orgVisibleTo,
    registerCallback: pusher.register,
    unregisterCallback: pusher.unregister,
    pushEvent: pusher.push,
    callbackDeliveries: pusher.deliveries,
    ...world,
  });
  app.use(control.routes()).use(control.allowedMethods());
  const loginPages = loginPagesRouter({ corp, codes: oauthCodes });
  app.use(loginPages.routes());

  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    corpId: seed.corpId,
    scenario,
    seed,
    wecomConfig(opts = {}): WecomConfig {
      return {
        corpId: setup.corpIdForConfig,
        apiBase: url,
        oauthBase: url,
        loginBase: url,
        timeoutMs: opts.timeoutMs ?? 5000,
        appAgentId: seed.miniprogramApp.agentid,
        miniprogramAppId: seed.miniprogramAppId,
        secrets: { ...setup.secretsForConfig },
      };
    },
    issueLoginCode,
    demoEmployees,
    calls: counters.get,
    callCounts: counters.all,
    resetCalls: counters.reset,
    invalidateTokens: tokens.invalidateAll,
    invalidateTickets: tickets.invalidateAll,
    verifyJsapiSignature: tickets.verify,
    issueWebLoginCode: (identity, agentid) =>
      oauthCodes.issue(identity, agentid ?? seed.miniprogramApp.agentid),
    injectFault(fault) {
      const id = faults.add(fault);
      return () => void faults.remove(id);
    },
    clearFaults: faults.clear,
    setTrustedIps,
    lastSessionKey: (userid) => sessionKeys.get(userid),
    org: orgControl,
    onOrgChange: (listener) => org.onChange(listener),
    orgVisibleTo,
    issuedSecrets: () => [
      ...new Set([...secretsOf(seed), ...Object.values(setup.secretsForConfig), ...issued]),
    ],
    encryptForUser(userid, payload, opts = {}) {
      const key = sessionKeys.get(userid);
      if (!key) throw new Error(`no session_key for ${JSON.stringify(userid)}: log in first`);
      return encryptUserData(key, payload, {
        appid: opts.appid ?? seed.miniprogramAppId,
        timestamp: Math.floor(now() / 1000),
      });
    },
    registerCallback: pusher.register,
    unregisterCallback: pusher.unregister,
    pushEvent: pusher.push,
    callbackDeliveries: pusher.deliveries,
    ...world,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

import type Router from '@koa/router';
import type { WecomConfig } from '../config/index';
import { type ApiRoute, createApiRoutes } from './api/index';
import { createCallbackPusher, type Delivery, type EventFields } from './callbacks';
import type { CodeStore } from './codes';
import { type AppRuntime, type CorpModel, createCorpModel } from './corp';
import { encryptUserData } from './crypto';
import { loginPagesRouter } from './login-pages';
import type { OrgChangeEvent } from './org';
import type { ScenarioSetup } from './scenarios';
import type { TokenStore } from './tokens';
import type { CorpSimulator, OrgView, StartSimulatorOptions } from './types';
import { createOauthCodeStore, type TicketStore } from './web-auth';

/**
 * One corp of the simulated WeCom: its model, its API handlers, its login pages, session keys,
 * callbacks and world changes, over what every corp shares (tokens, login codes, tickets).
 */

/** How the simulator pushes callbacks: WeCom's deadlines and retries unless a test shortens them. */
export function pushing({ now, remember, options }: SharedWecom) {
  return {
    now,
    remember,
    deadlineMs: options.callbackDeadlineMs,
    retries: options.callbackRetries,
    retryDelayMs: options.callbackRetryDelayMs,
    verifyDeadlineMs: options.callbackVerifyDeadlineMs,
  };
}

/** What all corps of one simulator share: WeCom's one qyapi host. */
export interface SharedWecom {
  tokens: TokenStore<AppRuntime>;
  codes: CodeStore;
  tickets: TicketStore;
  now: () => number;
  /** Records a secret handed out (the tests' leak check). */
  remember: (value: string) => void;
  /** The simulator's base URL (known once it listens). */
  url: () => string;
  /** Every corp the simulator plays, by corp ID (filled once all are built). */
  corps: ReadonlyMap<string, CorpWorld>;
  options: StartSimulatorOptions;
}

export interface CorpWorld {
  corpId: string;
  corp: CorpModel;
  handle: CorpSimulator;
  /** This corp's answers to every API, keyed by path below /cgi-bin/. */
  routes: ReadonlyMap<string, ApiRoute>;
  loginPages: Router;
  /** Base64 session_key of each of this corp's userids' latest login. */
  sessionKeys: Map<string, string>;
  /** Every secret of this corp (seed, configuration). */
  secrets(): string[];
}

/** Every `…secret` field of the seed (app secrets, the 通讯录同步 secret, the other corp's secret). */
function secretsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretsOf);
  if (value === null || typeof value !== 'object') return [];
  if (value instanceof Map) return [...value.values()].flatMap(secretsOf);
  return Object.entries(value).flatMap(([key, field]) =>
    /secret$/i.test(key) && typeof field === 'string' ? [field] : secretsOf(field),
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

export function createCorpWorld(setup: ScenarioSetup, shared: SharedWecom): CorpWorld {
  const { seed } = setup;
  const { now, remember, options } = shared;
  const corp = createCorpModel(seed, setup.extraVisibleMembers);
  const { org } = corp;
  const orgVisibleTo = (secret = setup.secretsForConfig.directory): OrgView => {
    const app = corp.appsBySecret.get(secret);
    if (!app) throw new Error('no app of this corp has that secret');
    return {
      departments: [...org.departments.values()]
        .filter((d) => app.visibleDepartments.has(d.id))
        .map((d) => structuredClone(d)),
      members: [...org.employees.values()]
        .filter((e) => app.visibleUsers.has(e.userid))
        .map((e) => structuredClone(e)),
    };
  };
  const orgControl: CorpSimulator['org'] = {
    addMember: (input) => structuredClone(org.addMember(input)),
    updateMember: (userid, patch) => structuredClone(org.updateMember(userid, patch)),
    deleteMember: (userid) => org.deleteMember(userid),
    addDepartment: (input) => structuredClone(org.addDepartment(input)),
    updateDepartment: (id, patch) => structuredClone(org.updateDepartment(id, patch)),
    deleteDepartment: (id) => org.deleteDepartment(id),
  };
  const oauthCodes = createOauthCodeStore({ now });
  const sessionKeys = new (class extends Map<string, string> {
    override set(userid: string, sessionKey: string) {
      remember(sessionKey);
      return super.set(userid, sessionKey);
    }
  })();

  const routes = createApiRoutes({
    corp,
    tokens: shared.tokens,
    codes: shared.codes,
    oauthCodes,
    tickets: shared.tickets,
    now,
    sessionKeys,
    sessionKeysOf: (corpId) => shared.corps.get(corpId)?.sessionKeys,
    isSecretOfAnotherCorp: (secret) =>
      [...shared.corps.values()].some(
        (other) => other.corpId !== seed.corpId && other.corp.appsBySecret.has(secret),
      ),
    contactPermission: setup.contactPermission,
    bigCorpThreshold: options.bigCorpThreshold ?? 1000,
  });

  const issueLoginCode = (userid: string, opts: { corpId?: string } = {}): string => {
    const corpId = opts.corpId ?? seed.corpId;
    if (corpId !== seed.corpId) {
      const other = shared.corps.get(corpId);
      return other ? other.handle.issueLoginCode(userid) : shared.codes.issue({ userid, corpId });
    }
    if (!corp.employees.has(userid)) {
      throw new Error(`unknown userid ${JSON.stringify(userid)} in the demo corp ${corpId}`);
    }
    return shared.codes.issue({ userid, corpId });
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

  const pusher = createCallbackPusher({
    corpId: seed.corpId,
    agentId: seed.miniprogramApp.agentid,
    ...pushing(shared),
  });
  // Every directory change goes to the directory receiver, as WeCom's 通讯录同步 callback would
  // send it (fields of a callback configured after 2022-08-15: ids only).
  let lastOrgPush: Promise<Delivery[] | undefined> | undefined;
  org.onChange((event) => {
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

  const handle: CorpSimulator = {
    corpId: seed.corpId,
    seed,
    wecomConfig(opts = {}): WecomConfig {
      const url = shared.url();
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
    issueWebLoginCode: (identity, agentid) =>
      oauthCodes.issue(identity, agentid ?? seed.miniprogramApp.agentid),
    lastSessionKey: (userid) => sessionKeys.get(userid),
    encryptForUser(userid, payload, opts = {}) {
      const key = sessionKeys.get(userid);
      if (!key) throw new Error(`no session_key for ${JSON.stringify(userid)}: log in first`);
      return encryptUserData(key, payload, {
        appid: opts.appid ?? seed.miniprogramAppId,
        timestamp: Math.floor(now() / 1000),
      });
    },
    org: orgControl,
    onOrgChange: (listener) => org.onChange(listener),
    orgVisibleTo,
    registerCallback: pusher.register,
    unregisterCallback: pusher.unregister,
    pushEvent: pusher.push,
    callbackDeliveries: pusher.deliveries,
    ...world,
  };
  return {
    corpId: seed.corpId,
    corp,
    handle,
    routes,
    loginPages: loginPagesRouter({ corp, codes: oauthCodes }),
    sessionKeys,
    secrets: () => [...secretsOf(seed), ...Object.values(setup.secretsForConfig)],
  };
}

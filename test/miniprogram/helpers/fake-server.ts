// An in-memory stand-in for the wecom-gate server, answering wx.request like the HTTP API in the
// README (paths, bodies, error codes). Only the mini-program tests use it; the end-to-end tests
// talk to the real server.
import type { PlatformRequestOption } from '../../../miniprogram/services/platform';
import type {
  ContactDetail,
  ErrorCode,
  GroupChat,
  GroupChatListResponse,
  LoginContext,
  LoginContextAnswer,
  LoginResponse,
  MeResponse,
  SandboxEmployee,
  SandboxInfoResponse,
} from '../../../miniprogram/typings/api';

export type Answer = { statusCode: number; data: unknown } | { networkError: string };

export interface FakeServerData {
  me: MeResponse['user'];
  /** This employee's customers, in list order. */
  contacts: ContactDetail[];
  /** Customers that exist but belong to other employees. */
  othersCustomers: string[];
  groupChats: GroupChat[];
  /** Present: the server runs in sandbox mode and offers these demo employees. */
  sandboxEmployees?: SandboxEmployee[];
  /**
   * Present: a deployment of several corps, `served[0]` at the root, every one also under
   * `/corps/{corpId}`; the employee (whoever logs in) belongs to `employeeCorp`. Absent: one
   * corp, `me.corpid`, at the root and under its `/corps/{corpId}`.
   */
  corps?: { served: string[]; employeeCorp: string };
}

const EXPIRES_AT = '2030-01-01T00:00:00.000Z';

export function errorAnswer(statusCode: number, code: ErrorCode, data?: unknown) {
  return { statusCode, data: { code, message: code, data, requestId: 'req-test' } };
}

/** The read that a login context stands for. */
const contextPath = (context: LoginContext) =>
  'chatId' in context
    ? `/api/group-chats/${encodeURIComponent(context.chatId)}`
    : `/api/external-contacts/${encodeURIComponent(context.externalUserId)}`;

export function createFakeServer(data: FakeServerData) {
  /** token → the userid it was issued for. */
  const liveTokens = new Map<string, string>();
  /** token → the corp whose sessions it belongs to. */
  const tokenCorps = new Map<string, string>();
  const served = () => data.corps?.served ?? [data.me.corpid];
  const expiredTokens = new Set<string>();
  /** code → the userid it logs in. */
  const issuedCodes = new Map<string, string>();
  const overrides: Array<{ match: string; answer: Answer }> = [];
  let held: Array<() => void> | undefined;
  let sessionsCreated = 0;

  const route = (
    corpId: string,
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    token?: string,
  ): Answer => {
    if (method === 'POST' && path === '/api/sessions') {
      const code = (body as { code?: unknown } | undefined)?.code;
      const userid = typeof code === 'string' ? issuedCodes.get(code) : undefined;
      if (typeof code !== 'string' || userid === undefined) {
        return errorAnswer(401, 'auth.invalid_code');
      }
      issuedCodes.delete(code);
      // As WeCom's jscode2session: the code is spent, and the answer names the employee's corp.
      const employeeCorp = data.corps?.employeeCorp ?? data.me.corpid;
      if (employeeCorp !== corpId) {
        return served().length > 1 && served().includes(employeeCorp)
          ? errorAnswer(409, 'auth.corp_switch', { corpId: employeeCorp })
          : errorAnswer(403, 'auth.corp_mismatch');
      }
      sessionsCreated += 1;
      const token = `token-${sessionsCreated}`;
      liveTokens.set(token, userid);
      tokenCorps.set(token, corpId);
      const answer: LoginResponse = {
        token,
        expiresAt: EXPIRES_AT,
        user: { userid, corpid: corpId },
      };
      const context = (body as { context?: LoginContext }).context;
      if (context !== undefined) {
        // As the real server: what a read of it would answer, the error in place of the data.
        const read = route(
          corpId,
          'GET',
          contextPath(context),
          new URLSearchParams(),
          undefined,
          token,
        );
        if (!('statusCode' in read)) throw new Error('a read answers with a status');
        const failed = read.data as { code: ErrorCode; message: string };
        answer.context =
          read.statusCode < 300
            ? (read.data as LoginContextAnswer)
            : { error: { code: failed.code, message: failed.message } };
      }
      return { statusCode: 201, data: answer };
    }
    // Like the real server: the sandbox routes exist in sandbox mode only, else 404 (no auth).
    if (path.startsWith('/sandbox/') && data.sandboxEmployees === undefined) {
      return errorAnswer(404, 'request.not_found');
    }
    if (data.sandboxEmployees !== undefined && path.startsWith('/sandbox/')) {
      if (method === 'GET' && path === '/sandbox/info') {
        const info: SandboxInfoResponse = { sandbox: true, employees: data.sandboxEmployees };
        return { statusCode: 200, data: info };
      }
      if (method === 'POST' && path === '/sandbox/login-code') {
        const userid = (body as { userid?: unknown } | undefined)?.userid;
        if (!data.sandboxEmployees.some((employee) => employee.userid === userid)) {
          return errorAnswer(400, 'guard.invalid_input');
        }
        return { statusCode: 201, data: { code: issueCode(userid as string) } };
      }
    }
    const unknown = token === undefined || (!liveTokens.has(token) && !expiredTokens.has(token));
    if (unknown || tokenCorps.get(token) !== corpId) {
      return errorAnswer(401, 'auth.unauthenticated');
    }
    if (expiredTokens.has(token)) return errorAnswer(401, 'auth.session_expired');
    const userid = liveTokens.get(token)!;

    if (method === 'GET' && path === '/api/me') {
      const employee = data.sandboxEmployees?.find((e) => e.userid === userid);
      const user =
        userid === data.me.userid
          ? data.me
          : { userid, corpid: data.me.corpid, name: employee?.name };
      return { statusCode: 200, data: { user, expiresAt: EXPIRES_AT } };
    }
    if (method === 'DELETE' && path === '/api/sessions/current') {
      liveTokens.delete(token);
      expiredTokens.add(token);
      return { statusCode: 204, data: '' };
    }
    if (method === 'POST' && path === '/api/me/decrypt') {
      try {
        const { encryptedData } = body as { encryptedData: string };
        return { statusCode: 200, data: { data: JSON.parse(atob(encryptedData)) } };
      } catch {
        return errorAnswer(400, 'guard.invalid_input');
      }
    }
    if (method === 'GET' && path === '/api/group-chats') {
      const owned = data.groupChats.filter((chat) => chat.owner === userid);
      const start = Number(query.get('cursor') ?? '0');
      const limit = Number(query.get('limit') ?? '20');
      const answer: GroupChatListResponse = {
        groupChats: owned.slice(start, start + limit).map((chat) => ({
          chatId: chat.chatId,
          name: chat.name,
          status: 'normal',
          memberCount: chat.members.length,
        })),
        nextCursor: start + limit < owned.length ? String(start + limit) : undefined,
      };
      return { statusCode: 200, data: answer };
    }
    if (method === 'GET' && path === '/api/external-contacts') {
      const start = Number(query.get('cursor') ?? '0');
      const limit = Number(query.get('limit') ?? '20');
      const page = data.contacts.slice(start, start + limit);
      const next = start + limit < data.contacts.length ? String(start + limit) : undefined;
      return {
        statusCode: 200,
        data: {
          contacts: page.map(({ externalContact, followUser: { tags, ...follow } }) => ({
            externalContact,
            followUser: { ...follow, tagIds: tags.map((tag) => tag.tagId ?? tag.tagName) },
          })),
          nextCursor: next,
        },
      };
    }
    if (method === 'POST' && path === '/api/external-contacts/lookup') {
      const ids = (body as { externalUserIds: string[] }).externalUserIds;
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) {
        return errorAnswer(400, 'guard.invalid_input');
      }
      return {
        statusCode: 200,
        data: {
          contacts: data.contacts.filter((c) => ids.includes(c.externalContact.externalUserId)),
          denied: ids.filter((id) => data.othersCustomers.includes(id)),
          notFound: ids.filter(
            (id) =>
              !data.othersCustomers.includes(id) &&
              !data.contacts.some((c) => c.externalContact.externalUserId === id),
          ),
        },
      };
    }
    const contactMatch = /^\/api\/external-contacts\/([^/]+)$/.exec(path);
    if (method === 'GET' && contactMatch) {
      const id = decodeURIComponent(contactMatch[1]!);
      const contact = data.contacts.find((c) => c.externalContact.externalUserId === id);
      if (contact) return { statusCode: 200, data: contact };
      if (data.othersCustomers.includes(id)) return errorAnswer(403, 'contact.not_followed');
      return errorAnswer(404, 'contact.not_found');
    }
    const chatMatch = /^\/api\/group-chats\/([^/]+)$/.exec(path);
    if (method === 'GET' && chatMatch) {
      const id = decodeURIComponent(chatMatch[1]!);
      const groupChat = data.groupChats.find((chat) => chat.chatId === id);
      if (!groupChat) return errorAnswer(404, 'groupchat.not_found');
      const mine =
        groupChat.owner === data.me.userid ||
        groupChat.members.some((member) => member.userid === data.me.userid);
      return mine
        ? { statusCode: 200, data: { groupChat } }
        : errorAnswer(403, 'groupchat.not_member');
    }
    return errorAnswer(404, 'request.not_found');
  };

  /** Hands out a login code that POST /api/sessions accepts once. */
  function issueCode(userid = data.me.userid): string {
    const code = `code-${issuedCodes.size + sessionsCreated + 1}-${Math.random().toString(36).slice(2)}`;
    issuedCodes.set(code, userid);
    return code;
  }

  return {
    data,
    issueCode,
    /** Every session so far is gone server-side (TTL, logout): next use answers session_expired. */
    expireSessions(): void {
      for (const token of liveTokens.keys()) expiredTokens.add(token);
      liveTokens.clear();
    },
    /** Whether the server still holds this session (logout ends it). */
    isLive: (token: string) => liveTokens.has(token),
    /**
     * The next request whose "METHOD path" (`/corps/{corpId}` included) starts with `match` gets
     * `answer` instead.
     */
    failNext(match: string, answer: Answer): void {
      overrides.push({ match, answer });
    },
    /** Requests wait until the returned function is called. */
    hold(): () => void {
      held = [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        for (const go of waiting) go();
      };
    },
    get sessionsCreated() {
      return sessionsCreated;
    },
    /** wx.request's behaviour: answers asynchronously through success/fail. */
    handle(option: PlatformRequestOption): void {
      const url = new URL(option.url);
      const auth = option.header.Authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      const key = `${option.method} ${url.pathname}`;
      const index = overrides.findIndex((o) => key.startsWith(o.match));
      // `/corps/{corpId}/…`: that corp's paths, 404 corp.unknown if not served; the rest: the root's.
      const under = /^\/corps\/([^/]+)(\/.*)$/.exec(url.pathname);
      const corpId = under ? decodeURIComponent(under[1]!) : served()[0]!;
      const path = under ? under[2]! : url.pathname;
      const answer =
        index >= 0
          ? overrides.splice(index, 1)[0]!.answer
          : !served().includes(corpId)
            ? errorAnswer(404, 'corp.unknown')
            : route(corpId, option.method, path, url.searchParams, option.data, token);
      const deliver = () =>
        setTimeout(() => {
          if ('networkError' in answer) option.fail({ errMsg: answer.networkError });
          else option.success(answer);
        }, 0);
      if (held) held.push(deliver);
      else deliver();
    },
  };
}

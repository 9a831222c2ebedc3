import { z } from 'zod';
import type { CredentialName, WecomConfig } from '../config';
import {
  type Bilingual,
  errcodeQueryLink,
  explainErrcode,
  LOGIN_CODE_REJECTED,
  TOO_MANY_USERS,
  UNTRUSTED_IP,
  USER_NOT_FOUND,
} from '../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../wecom/errors';
import type { WecomHttp, WecomRequest } from '../wecom/http';

/**
 * The doctor (DESIGN §7, issue 5): checks each configured credential against WeCom and explains
 * every failure with its fix. Probes go through the HTTP layer directly (not the token provider),
 * so a remembered gettoken failure never hides a fix an admin just made. One failure is reported
 * once: a check that cannot run because of another one is 'skipped' with `blockedBy`.
 * The report never holds a secret or an access token (the 60020 IP may appear: admins only).
 */

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skipped';

export interface DoctorCheck {
  /** `token:<credential>`, `trusted-ip`, `miniprogram-login`, `customer-contact`, `directory`, `group-chats`. */
  id: string;
  credential?: CredentialName;
  /** For a token check: the other credentials configured with the same secret. */
  sharedWith?: CredentialName[];
  status: CheckStatus;
  /** The WeCom API whose answer decided the verdict. */
  api?: string;
  errcode?: number;
  summary: Bilingual;
  fix?: Bilingual;
  link?: string;
  /** For 'skipped': the id of the check whose failure stopped this one. */
  blockedBy?: string;
}

export interface DoctorReport {
  /** False when any check failed ('warn' and 'skipped' alone do not make it false). */
  ok: boolean;
  corpId: string;
  checkedAt: string;
  checks: DoctorCheck[];
}

export interface Doctor {
  run(): Promise<DoctorReport>;
}

export interface DoctorDeps {
  http: WecomHttp;
  wecom: Pick<WecomConfig, 'corpId' | 'secrets'>;
  /** Userids probed with user/get (the admins: they must be in the visible range). */
  probeUserIds: readonly string[];
  /**
   * A report younger than this is answered again instead of probing WeCom anew (and concurrent
   * runs share one): repeated gettoken calls with a wrong secret get the server's IP banned.
   */
  reuseMs?: number;
  now?: () => number;
}

const t = (zh: string, en: string): Bilingual => ({ zh, en });
const CREDENTIALS: readonly CredentialName[] = ['app', 'contact', 'directory'];
const SECRET_KEY: Record<CredentialName, string> = {
  app: 'WECOM_APP_SECRET',
  contact: 'WECOM_CONTACT_SECRET',
  directory: 'WECOM_DIRECTORY_SECRET',
};
/** A code that cannot be a real one: WeCom answers 40029 once the token itself is accepted. */
const DUMMY_CODE = 'wecom-gate-doctor-probe';

const tokenGuard = z.object({ access_token: z.string().min(1), expires_in: z.number() });
const followUsersGuard = z.object({ follow_user: z.array(z.string()).max(100_000).optional() });
const userGuard = z.object({ userid: z.string() });
const groupListGuard = z.object({ group_chat_list: z.array(z.unknown()).optional() });
const anyGuard = z.unknown();

type Outcome<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'errcode'; error: WecomApiError }
  | { kind: 'unavailable'; error: WecomUnavailableError };

async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { kind: 'ok', data: await call() };
  } catch (error) {
    if (error instanceof WecomApiError) return { kind: 'errcode', error };
    if (error instanceof WecomUnavailableError) return { kind: 'unavailable', error };
    throw error;
  }
}

function explained(
  base: Omit<DoctorCheck, 'status' | 'summary' | 'fix' | 'link' | 'errcode'>,
  status: CheckStatus,
  error: WecomApiError,
  lead?: Bilingual,
): DoctorCheck {
  const why = explainErrcode(error.errcode, {
    api: error.api,
    credential: base.credential,
    fromIp: error.fromIp,
  });
  const summary = t(
    `${lead ? lead.zh : ''}${error.api} 返回 ${error.errcode}（${why.meaning.zh}）：${why.cause.zh}`,
    `${lead ? lead.en : ''}${error.api} answered ${error.errcode} (${why.meaning.en}): ${why.cause.en}`,
  );
  return {
    ...base,
    status,
    api: error.api,
    errcode: error.errcode,
    summary,
    fix: why.fix,
    link: errcodeQueryLink(error.errcode),
  };
}

function unreachable(
  base: Omit<DoctorCheck, 'status' | 'summary'>,
  error: WecomUnavailableError,
): DoctorCheck {
  return {
    ...base,
    status: 'fail',
    api: error.api,
    summary: t(
      `无法访问企业微信（${error.api}：${error.reason}）。`,
      `WeCom could not be reached (${error.api}: ${error.reason}).`,
    ),
    fix: t(
      '检查本服务器到 WECOM_API_BASE 的网络、WECOM_PROXY 与 WECOM_TIMEOUT_MS。',
      "Check this server's network path to WECOM_API_BASE, WECOM_PROXY and WECOM_TIMEOUT_MS.",
    ),
  };
}

function skipped(
  base: Omit<DoctorCheck, 'status' | 'summary'>,
  blockedBy: string,
  because: Bilingual,
): DoctorCheck {
  return {
    ...base,
    status: 'skipped',
    blockedBy,
    summary: t(`未检查：${because.zh}`, `Not checked: ${because.en}`),
  };
}

const BLOCKED_BY_IP = t(
  '被企业可信IP挡住（见 trusted-ip）。',
  'blocked by the trusted IP list (see trusted-ip).',
);

export function createDoctor(deps: DoctorDeps): Doctor {
  const { http, wecom, probeUserIds, reuseMs = 0, now = Date.now } = deps;
  let last: { at: number; report: Promise<DoctorReport> } | undefined;

  async function probe(): Promise<DoctorReport> {
    // One gettoken per distinct secret; credentials sharing a secret share its verdict.
    const bySecret = new Map<string, CredentialName[]>();
    for (const credential of CREDENTIALS) {
      const secret = wecom.secrets[credential];
      bySecret.set(secret, [...(bySecret.get(secret) ?? []), credential]);
    }
    const tokenOf = new Map<CredentialName, string>();
    const tokenCheckOf = new Map<CredentialName, string>();
    const checks: DoctorCheck[] = [];
    const tokenChecks = await Promise.all(
      [...bySecret.entries()].map(async ([secret, [credential, ...sharedWith]]) => {
        const id = `token:${credential!}`;
        const base = {
          id,
          credential: credential!,
          ...(sharedWith.length ? { sharedWith } : {}),
        };
        const outcome = await attempt(() =>
          http.call({
            api: 'gettoken',
            query: { corpid: wecom.corpId, corpsecret: secret },
            guard: tokenGuard,
            credential,
          }),
        );
        for (const name of [credential!, ...sharedWith]) {
          tokenCheckOf.set(name, id);
          if (outcome.kind === 'ok') tokenOf.set(name, outcome.data.access_token);
        }
        const keys = [credential!, ...sharedWith].map((c) => SECRET_KEY[c]).join(', ');
        if (outcome.kind === 'ok') {
          return {
            ...base,
            status: 'ok',
            api: 'gettoken',
            summary: t(`${keys}：access_token 获取成功。`, `${keys}: access token obtained.`),
          } satisfies DoctorCheck;
        }
        if (outcome.kind === 'unavailable') return unreachable(base, outcome.error);
        return explained(base, 'fail', outcome.error, t(`${keys}：`, `${keys}: `));
      }),
    );
    checks.push(...tokenChecks);

    const gated = <T>(
      credential: CredentialName,
      request: Omit<WecomRequest<T>, 'credential' | 'accessToken'>,
    ) => {
      const accessToken = tokenOf.get(credential)!;
      return attempt(() => http.call<T>({ ...request, credential, accessToken }));
    };
    const blockedByToken = (credential: CredentialName) =>
      t(
        `${SECRET_KEY[credential]} 的 access_token 未获取（见 ${tokenCheckOf.get(credential)}）。`,
        `no access token for ${SECRET_KEY[credential]} (see ${tokenCheckOf.get(credential)}).`,
      );

    let untrusted: WecomApiError | undefined;
    let gatedAnswers = 0;
    /** Records what a gated probe says about the trusted IP list; true when it was blocked. */
    const blockedByIp = (outcome: Outcome<unknown>): boolean => {
      if (outcome.kind === 'unavailable') return false;
      gatedAnswers++;
      if (outcome.kind === 'errcode' && UNTRUSTED_IP.has(outcome.error.errcode)) {
        untrusted ??= outcome.error;
        return true;
      }
      return false;
    };

    // Mini-program login: the app secret must belong to the mini-program's associated app.
    const loginBase = { id: 'miniprogram-login', credential: 'app' as const };
    let login: DoctorCheck;
    if (!tokenOf.has('app'))
      login = skipped(loginBase, tokenCheckOf.get('app')!, blockedByToken('app'));
    else {
      const outcome = await gated('app', {
        api: 'miniprogram/jscode2session',
        query: { js_code: DUMMY_CODE, grant_type: 'authorization_code' },
        guard: anyGuard,
      });
      if (blockedByIp(outcome)) login = skipped(loginBase, 'trusted-ip', BLOCKED_BY_IP);
      else if (outcome.kind === 'unavailable') login = unreachable(loginBase, outcome.error);
      else if (outcome.kind === 'ok' || LOGIN_CODE_REJECTED.has(outcome.error.errcode)) {
        login = {
          ...loginBase,
          status: 'ok',
          api: 'miniprogram/jscode2session',
          summary: t(
            'WECOM_APP_SECRET 可以换取小程序登录 code（测试 code 被按预期拒绝：40029）。',
            'WECOM_APP_SECRET can exchange mini-program login codes (the dummy code was refused as expected: 40029).',
          ),
        };
      } else login = explained(loginBase, 'fail', outcome.error);
    }

    // Customer contact: the employees with the feature (also gives a userid to probe).
    const contactBase = { id: 'customer-contact', credential: 'contact' as const };
    let contact: DoctorCheck;
    let followers: string[] = [];
    if (!tokenOf.has('contact')) {
      contact = skipped(contactBase, tokenCheckOf.get('contact')!, blockedByToken('contact'));
    } else {
      const outcome = await gated<z.infer<typeof followUsersGuard>>('contact', {
        api: 'externalcontact/get_follow_user_list',
        guard: followUsersGuard,
      });
      if (blockedByIp(outcome)) contact = skipped(contactBase, 'trusted-ip', BLOCKED_BY_IP);
      else if (outcome.kind === 'unavailable') contact = unreachable(contactBase, outcome.error);
      else if (outcome.kind === 'errcode') contact = explained(contactBase, 'fail', outcome.error);
      else {
        followers = outcome.data.follow_user ?? [];
        contact = {
          ...contactBase,
          status: followers.length ? 'ok' : 'warn',
          api: 'externalcontact/get_follow_user_list',
          summary: followers.length
            ? t(
                `客户联系可用：可见范围内有 ${followers.length} 名配置了客户联系的成员。`,
                `Customer contact works: ${followers.length} members with customer contact are in the visible range.`,
              )
            : t(
                '客户联系可调用，但可见范围内没有配置了客户联系的成员。',
                'Customer contact can be called, but no member with customer contact is in the visible range.',
              ),
          ...(followers.length
            ? {}
            : {
                fix: t(
                  '在「客户联系 → 权限配置」中为成员开启客户联系，并确认应用的可见范围包含他们。',
                  'Enable customer contact for members under "Customer Contact → Permissions" and make sure the app\'s visible range covers them.',
                ),
              }),
        };
      }
    }

    // Directory: user/get of each admin (they must be visible), else of one follower.
    const directoryBase = { id: 'directory', credential: 'directory' as const };
    let directory: DoctorCheck;
    const probeIds = probeUserIds.length ? probeUserIds.slice(0, 5) : followers.slice(0, 1);
    if (!tokenOf.has('directory')) {
      directory = skipped(
        directoryBase,
        tokenCheckOf.get('directory')!,
        blockedByToken('directory'),
      );
    } else if (probeIds.length === 0) {
      directory = {
        ...directoryBase,
        status: 'warn',
        summary: t('没有可用于检查的成员 userid。', 'No member userid to probe.'),
        fix: t(
          '设置 ADMIN_USERIDS（管理员必须在应用的可见范围内）。',
          "Set ADMIN_USERIDS (admins must be inside the app's visible range).",
        ),
      };
    } else {
      directory = {
        ...directoryBase,
        status: 'ok',
        api: 'user/get',
        summary: t(
          `通讯录可读：user/get ${probeIds.join(', ')} 成功。`,
          `The directory is readable: user/get ${probeIds.join(', ')} succeeded.`,
        ),
      };
      for (const userid of probeIds) {
        const outcome = await gated('directory', {
          api: 'user/get',
          query: { userid },
          guard: userGuard,
        });
        if (blockedByIp(outcome)) {
          directory = skipped(directoryBase, 'trusted-ip', BLOCKED_BY_IP);
          break;
        }
        if (outcome.kind === 'unavailable') {
          directory = unreachable(directoryBase, outcome.error);
          break;
        }
        if (outcome.kind === 'errcode') {
          const lead = t(`成员 ${userid}：`, `Member ${userid}: `);
          const status = USER_NOT_FOUND.has(outcome.error.errcode) ? 'warn' : 'fail';
          directory = explained(directoryBase, status, outcome.error, lead);
          break;
        }
      }
    }

    // Group chats: the listing without owner_filter tells whether the corp is "big" (81017).
    const groupBase = { id: 'group-chats', credential: 'contact' as const };
    let groupChats: DoctorCheck;
    if (!tokenOf.has('contact')) {
      groupChats = skipped(groupBase, tokenCheckOf.get('contact')!, blockedByToken('contact'));
    } else {
      const outcome = await gated('contact', {
        api: 'externalcontact/groupchat/list',
        method: 'POST',
        body: { status_filter: 0, limit: 1 },
        guard: groupListGuard,
      });
      if (blockedByIp(outcome)) groupChats = skipped(groupBase, 'trusted-ip', BLOCKED_BY_IP);
      else if (outcome.kind === 'unavailable') groupChats = unreachable(groupBase, outcome.error);
      else if (outcome.kind === 'ok') {
        groupChats = {
          ...groupBase,
          status: 'ok',
          api: 'externalcontact/groupchat/list',
          summary: t('客户群可读。', 'Customer group chats are readable.'),
        };
      } else if (TOO_MANY_USERS.has(outcome.error.errcode)) {
        groupChats = {
          ...explained(groupBase, 'warn', outcome.error),
          fix: t(
            '无需处理：本服务读取客户群时总是带 owner_filter（按群主筛选），不受此限制。',
            'Nothing to do: this server always lists group chats with owner_filter, which this limit does not affect.',
          ),
        };
      } else if (contact.status === 'fail' && contact.errcode === outcome.error.errcode) {
        groupChats = skipped(
          groupBase,
          'customer-contact',
          t(
            '与客户联系的检查同一原因（见 customer-contact）。',
            'same cause as customer-contact (see customer-contact).',
          ),
        );
      } else groupChats = explained(groupBase, 'fail', outcome.error);
    }

    let trusted: DoctorCheck;
    if (untrusted) trusted = explained({ id: 'trusted-ip' }, 'fail', untrusted);
    else if (gatedAnswers > 0) {
      trusted = {
        id: 'trusted-ip',
        status: 'ok',
        summary: t('本服务器的出口 IP 被企业微信接受。', "WeCom accepts this server's egress IP."),
      };
    } else {
      trusted = {
        id: 'trusted-ip',
        status: 'skipped',
        summary: t('未检查：没有可用的 access_token。', 'Not checked: no usable access token.'),
      };
    }

    checks.push(trusted, login, contact, directory, groupChats);
    return {
      ok: checks.every((check) => check.status !== 'fail'),
      corpId: wecom.corpId,
      checkedAt: new Date(now()).toISOString(),
      checks,
    };
  }

  return {
    run() {
      const at = now();
      if (!last || at - last.at >= reuseMs) {
        const report = probe();
        last = { at, report };
        // A run that threw is not reused.
        report.catch(() => {
          if (last?.report === report) last = undefined;
        });
      }
      return last.report;
    },
  };
}

import { type CredentialName, withoutCredentials } from '../../config';
import { probeStore, type StoreHealth } from '../../stores/redis-probe';
import { API_PREFIX, apiPaths } from '../../wecom/api-paths';
import {
  type Bilingual,
  explainErrcode,
  LISTING_REFUSED,
  LOGIN_CODE_REJECTED,
  OTHER_APP,
  RESOURCE_HIDDEN,
  secretKeys,
  TOO_MANY_USERS,
  USER_NOT_FOUND,
} from '../../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../../wecom/errors';
import { callbackChecks } from './callback-checks';
import type {
  CheckContext,
  CheckRecord,
  DerivedCheck,
  DoctorDeps,
  ProbeCheck,
  Verdict,
} from './types';

/**
 * The doctor's checks, in report order. Each is one record: its id, the credential whose token it
 * uses, the checks it needs and how it judges what it probed; the loop in index.ts does the rest.
 * Adding a check is adding a record here.
 */

const t = (zh: string, en: string): Bilingual => ({ zh, en });
const CREDENTIALS: readonly CredentialName[] = ['app', 'contact', 'directory'];
/** A code that cannot be a real one: WeCom answers 40029 once the token itself is accepted. */
const DUMMY_CODE = 'wecom-gate-doctor-probe';
/** Members probed with user/get at most. */
const MAX_PROBED_USERS = 5;

/** Departments whose members the listing check counts with user/list (one call each) at most. */
const MAX_COUNTED_DEPARTMENTS = 10;
/** user/list_id pages the listing check reads at most to count members, and their size. */
const MAX_COUNTED_PAGES = 5;
const MEMBER_IDS_PAGE = 10_000;

function storeVerdict(health: StoreHealth, sandbox: boolean): Verdict {
  if (health.kind === 'memory') {
    const summary = t(
      `进程内存储${sandbox ? '（沙箱模式）' : ''}：会话、access_token 与限流计数只在本进程中，只能运行一个实例。`,
      `In-process store${sandbox ? ' (sandbox mode)' : ''}: sessions, access tokens and rate-limit counters live in this process only; run a single instance.`,
    );
    if (sandbox) return { status: 'ok', summary };
    return {
      status: 'warn',
      summary,
      fix: t(
        '要运行多个实例（WEB_CONCURRENCY 大于 1 或多台主机），请设置 REDIS_URL；在此之前只运行一个实例。',
        'Set REDIS_URL to run more than one instance (WEB_CONCURRENCY above 1 or several hosts); until then run exactly one.',
      ),
    };
  }
  const { target, key, reason } = health;
  const passwordFix = t(
    '把 Redis 要求的密码（requirepass 或 ACL 用户的密码）写入 REDIS_URL：redis://[用户名]:密码@主机:端口。',
    "Put the password Redis expects (its requirepass, or the ACL user's) into REDIS_URL: redis://[user]:PASSWORD@host:port.",
  );
  switch (health.problem) {
    case undefined:
      return {
        status: 'ok',
        summary: t(
          `Redis（${target}）可用：会话、access_token 与限流计数由所有实例共享。`,
          `Redis (${target}) answers: sessions, access tokens and rate-limit counters are shared by every instance.`,
        ),
      };
    case 'wrong_password':
      return {
        status: 'fail',
        summary: t(
          `配置错误：${target} 的 Redis 拒绝了 REDIS_URL 中的密码（${reason}）。`,
          `Configuration error: Redis at ${target} refused the password in REDIS_URL (${reason}).`,
        ),
        fix: passwordFix,
      };
    case 'password_missing':
      return {
        status: 'fail',
        summary: t(
          `配置错误：${target} 的 Redis 需要密码，而 REDIS_URL 中没有（${reason}）。`,
          `Configuration error: Redis at ${target} needs a password and REDIS_URL holds none (${reason}).`,
        ),
        fix: passwordFix,
      };
    case 'tls':
      return {
        status: 'fail',
        summary: t(
          `配置错误：与 ${target} 的 Redis 建立 TLS 连接失败（${reason}）。`,
          `Configuration error: TLS to Redis at ${target} failed (${reason}).`,
        ),
        fix: t(
          `Redis 的证书不受本机信任时，把签发它的 CA 证书文件路径写入 REDIS_TLS_CA_FILE；并确认 ${key} 指向 Redis 的 TLS 端口（tls-port），REDIS_URL 以 rediss:// 开头。`,
          `If Redis's certificate is not trusted here, set REDIS_TLS_CA_FILE to the file of the CA that signed it; and check that ${key} names Redis's TLS port (tls-port) and REDIS_URL starts with rediss://.`,
        ),
      };
    case 'unreachable':
      return {
        status: 'fail',
        summary: t(
          `无法连接 ${target} 的 Redis（${reason}）。`,
          `Redis at ${target} is unreachable (${reason}).`,
        ),
        fix: t(
          `启动 Redis，或改正 ${key} 中的主机和端口；确认本服务器能访问它（防火墙；TLS 用 rediss://）。`,
          `Start Redis, or correct the host and port in ${key}; make sure this server can reach it (firewall; rediss:// for TLS).`,
        ),
      };
    default:
      return {
        status: 'fail',
        summary: t(`${target} 的 Redis 出错：${reason}`, `Redis at ${target} failed: ${reason}`),
        fix: t(`检查 ${key}。`, `Check ${key}.`),
      };
  }
}

function apiBaseCheck({ wecom, probe }: Pick<DoctorDeps, 'wecom' | 'probe'>): ProbeCheck {
  const api = apiPaths.getCallbackIp;
  const url = probe.pingUrl;
  return {
    id: 'api-base',
    async run() {
      let errcode: number;
      try {
        errcode = await probe.pingApiBase();
      } catch (error) {
        if (!(error instanceof WecomUnavailableError)) throw error;
        const answer = error.reason === 'network' ? `network error ${error.detail}` : error.detail;
        const proxy = wecom.proxy ? withoutCredentials(wecom.proxy) : undefined;
        return {
          status: 'fail',
          api,
          summary: t(
            `WECOM_API_BASE 的应答不像企业微信：GET ${url} → ${answer}。`,
            `WECOM_API_BASE does not answer like WeCom: GET ${url} → ${answer}.`,
          ),
          fix: t(
            `把 WECOM_API_BASE 设为 https://qyapi.weixin.qq.com，或设为原样转发 ${API_PREFIX} 的反向代理${proxy ? `；并检查 WECOM_PROXY（${proxy}）` : ''}；检查本服务器的网络与 WECOM_TIMEOUT_MS。`,
            `Set WECOM_API_BASE to https://qyapi.weixin.qq.com, or to a reverse proxy that forwards ${API_PREFIX} to it unchanged${proxy ? `; check WECOM_PROXY (${proxy}) too` : ''}; check this server's network and WECOM_TIMEOUT_MS.`,
          ),
        };
      }
      return {
        status: 'ok',
        api,
        summary: t(
          `WECOM_API_BASE 的应答符合企业微信：GET ${url} → errcode ${errcode}（未带 access_token，符合预期）。`,
          `WECOM_API_BASE answers like WeCom: GET ${url} → errcode ${errcode} (as expected without an access token).`,
        ),
      };
    },
  };
}

/** One gettoken per distinct secret; credentials sharing a secret share its verdict. */
function tokenChecks({ wecom, probe }: Pick<DoctorDeps, 'wecom' | 'probe'>): ProbeCheck[] {
  const bySecret = new Map<string, CredentialName[]>();
  for (const credential of CREDENTIALS) {
    const secret = wecom.secrets[credential];
    bySecret.set(secret, [...(bySecret.get(secret) ?? []), credential]);
  }
  return [...bySecret.values()].map(([credential, ...sharedWith]) => {
    const keys = [credential!, ...sharedWith].map((c) => secretKeys[c]).join(', ');
    return {
      id: `token:${credential!}`,
      credential: credential!,
      sharedWith,
      needs: ['api-base'],
      async run(ctx) {
        try {
          const token = await probe.accessToken(credential!);
          for (const name of [credential!, ...sharedWith]) ctx.facts.tokens.set(name, token);
        } catch (error) {
          if (!(error instanceof WecomApiError)) throw error;
          return ctx.explain(error, 'fail', t(`${keys}：`, `${keys}: `));
        }
        return {
          status: 'ok',
          api: apiPaths.gettoken,
          summary: t(`${keys}：access_token 获取成功。`, `${keys}: access token obtained.`),
        };
      },
    };
  });
}

/** Judged from the WeCom calls made with an access token: any 60020 fails it. */
const trustedIpCheck: DerivedCheck = {
  id: 'trusted-ip',
  derive(outcomes, ctx) {
    const gated = outcomes.filter((outcome) => outcome.record.withToken);
    const refused = gated.find((outcome) => outcome.gate.untrusted);
    if (refused) return ctx.explain(refused.gate.untrusted!, 'fail');
    if (gated.some((outcome) => outcome.gate.answered)) {
      return {
        status: 'ok',
        summary: t('本服务器的出口 IP 被企业微信接受。', "WeCom accepts this server's egress IP."),
      };
    }
    const blocked = gated.find((outcome) => outcome.check.blockedBy)?.check.blockedBy;
    if (blocked) return ctx.skip(blocked);
    return {
      status: 'skipped',
      summary: t(
        '未检查：没有带 access_token 的调用得到企业微信的应答。',
        'Not checked: no call with an access token got an answer from WeCom.',
      ),
    };
  },
};

/**
 * agent/get names the app of WECOM_APP_SECRET, so that the fixes below can name it too. When the
 * AgentId is another app's while the login check already found WECOM_APP_SECRET to be the wrong
 * app's, the secret is the one to fix: that failure is not reported twice.
 */
function appAgentCheck(wecom: DoctorDeps['wecom']): ProbeCheck {
  return {
    id: 'app-agent',
    credential: 'app',
    withToken: true,
    async run(ctx) {
      const agentId = wecom.appAgentId;
      if (!agentId) {
        const path = ctx.consolePath('app');
        return {
          status: 'warn',
          summary: t(
            'WECOM_APP_AGENT_ID 未设置：下面的处理建议只能把应用称为“WECOM_APP_SECRET 对应的应用”。',
            'WECOM_APP_AGENT_ID is unset: the fixes below can only call the app "the app of WECOM_APP_SECRET".',
          ),
          fix: t(
            `把 WECOM_APP_AGENT_ID 设为${path.zh}页面上显示的 AgentId。`,
            `Set WECOM_APP_AGENT_ID to the AgentId shown at ${path.en}.`,
          ),
        };
      }
      let name: string;
      try {
        ({ name } = await ctx.wecom.api.getAgent(agentId));
      } catch (error) {
        const login = ctx.verdictOf('miniprogram-login');
        if (
          error instanceof WecomApiError &&
          OTHER_APP.has(error.errcode) &&
          login?.status === 'fail'
        ) {
          return ctx.skip(
            'miniprogram-login',
            t(
              'WECOM_APP_SECRET 不是小程序关联应用的 Secret（见 miniprogram-login），先改正它。',
              "WECOM_APP_SECRET is not the secret of the mini-program's associated app (see miniprogram-login); fix that first.",
            ),
          );
        }
        throw error;
      }
      ctx.facts.app = { agentId, name };
      return {
        status: 'ok',
        api: apiPaths.getAgent,
        summary: t(
          `WECOM_APP_AGENT_ID ${agentId} 是「${name}」，即 WECOM_APP_SECRET 所属的应用。`,
          `WECOM_APP_AGENT_ID ${agentId} is “${name}”, the app of WECOM_APP_SECRET.`,
        ),
      };
    },
  };
}

/** The app secret must belong to the mini-program's associated app. */
const miniprogramLoginCheck: ProbeCheck = {
  id: 'miniprogram-login',
  credential: 'app',
  withToken: true,
  async run(ctx) {
    try {
      await ctx.wecom.api.jscode2session(DUMMY_CODE);
    } catch (error) {
      if (!(error instanceof WecomApiError && LOGIN_CODE_REJECTED.has(error.errcode))) throw error;
    }
    return {
      status: 'ok',
      api: apiPaths.jscode2session,
      summary: t(
        'WECOM_APP_SECRET 可以换取小程序登录 code（测试 code 被按预期拒绝：40029）。',
        'WECOM_APP_SECRET can exchange mini-program login codes (the dummy code was refused as expected: 40029).',
      ),
    };
  },
};

/** The members with customer contact (also gives `directory` a userid to probe). */
/**
 * Members with customer contact in the visible range (get_follow_user_list); then the employees
 * recently refused their own list, each asked about again with batch/get_by_user: those still
 * outside the visible range are named with the fix, the others forgotten.
 */
function customerContactCheck(deps: Pick<DoctorDeps, 'outsideVisibleRange'>): ProbeCheck {
  return {
    id: 'customer-contact',
    credential: 'contact',
    withToken: true,
    async run(ctx) {
      const followers = await ctx.wecom.api.listFollowUsers();
      ctx.facts.followers = followers;
      const members = ctx.consolePath('contactMembers');
      const range = ctx.consolePath('visibleRange');
      const outside = await stillOutside(ctx, deps.outsideVisibleRange);
      if (outside.length > 0) {
        const names = outside.map((refused) => refused.userid).join(', ');
        return {
          status: 'warn',
          api: apiPaths.getContactsByUser,
          errcode: outside[0]!.errcode,
          summary: t(
            `成员 ${names} 不在应用的可见范围内：企业微信拒绝列出其本人的客户和客户群（60011），他们在小程序中看到 contact.outside_visible_range。`,
            `Members ${names} are outside the app's visible range: WeCom refuses to list their own customers and customer groups (60011), and they see contact.outside_visible_range in the mini-program.`,
          ),
          fix: t(
            `在${range.zh}中加入成员 ${names}（或其所在部门）。`,
            `Add members ${names} (or their departments) to the visible range at ${range.en}.`,
          ),
        };
      }
      if (followers.length > 0) {
        return {
          status: 'ok',
          api: apiPaths.listFollowUsers,
          summary: t(
            `客户联系可用：可见范围内有 ${followers.length} 名配置了客户联系的成员。`,
            `Customer contact works: ${followers.length} members with customer contact are in the visible range.`,
          ),
        };
      }
      return {
        status: 'warn',
        api: apiPaths.listFollowUsers,
        summary: t(
          '客户联系可调用，但可见范围内没有配置了客户联系的成员。',
          'Customer contact can be called, but no member with customer contact is in the visible range.',
        ),
        fix: t(
          `在${members.zh}中为成员开启客户联系，并确认他们在${range.zh}内。`,
          `Enable customer contact for members under ${members.en} and make sure they are inside ${range.en}.`,
        ),
      };
    },
  };
}

/** The remembered employees WeCom still refuses (60011); the others are forgotten. */
async function stillOutside(
  ctx: CheckContext,
  remembered: DoctorDeps['outsideVisibleRange'],
): Promise<{ userid: string; errcode: number }[]> {
  if (!remembered) return [];
  const outside: { userid: string; errcode: number }[] = [];
  for (const userid of await remembered.recent(MAX_PROBED_USERS)) {
    try {
      await ctx.wecom.api.getContactsByUser(userid, { limit: 1 });
    } catch (error) {
      if (!(error instanceof WecomApiError)) throw error;
      if (RESOURCE_HIDDEN.has(error.errcode)) {
        outside.push({ userid, errcode: error.errcode });
        continue;
      }
      if (!USER_NOT_FOUND.has(error.errcode)) throw error;
    }
    await remembered.forget(userid);
  }
  return outside;
}

/** user/get of each admin (they must be visible), else of one member with customer contact. */
function directoryCheck(probeUserIds: readonly string[]): ProbeCheck {
  return {
    id: 'directory',
    credential: 'directory',
    withToken: true,
    // Without ADMIN_USERIDS the member to probe comes from customer-contact.
    needs: probeUserIds.length > 0 ? [] : ['customer-contact'],
    async run(ctx) {
      const ids = probeUserIds.length
        ? probeUserIds.slice(0, MAX_PROBED_USERS)
        : ctx.facts.followers.slice(0, 1);
      if (ids.length === 0) {
        const range = ctx.consolePath('visibleRange');
        return {
          status: 'warn',
          summary: t(
            '没有可用于检查的成员 userid：ADMIN_USERIDS 为空，可见范围内也没有配置了客户联系的成员。',
            'No member userid to probe: ADMIN_USERIDS is empty and no member with customer contact is in the visible range.',
          ),
          fix: t(
            `设置 ADMIN_USERIDS（管理员必须在${range.zh}内）。`,
            `Set ADMIN_USERIDS (admins must be inside ${range.en}).`,
          ),
        };
      }
      for (const userid of ids) {
        try {
          await ctx.wecom.addressBook.getMember(userid);
        } catch (error) {
          if (!(error instanceof WecomApiError)) throw error;
          const status = USER_NOT_FOUND.has(error.errcode) ? 'warn' : 'fail';
          return ctx.explain(error, status, t(`成员 ${userid}：`, `Member ${userid}: `));
        }
      }
      return {
        status: 'ok',
        api: apiPaths.getUser,
        summary: t(
          `通讯录可读：${apiPaths.getUser} ${ids.join(', ')} 成功。`,
          `The directory is readable: ${apiPaths.getUser} ${ids.join(', ')} succeeded.`,
        ),
      };
    },
  };
}

/**
 * Which directory listing APIs the directory secret may call (the org sync falls back from one to
 * the next) and how large the visible range is: departments from the listing, members by
 * user/list_id, by user/list when there are few departments, else from the last org sync.
 */
function directoryListingCheck(deps: Pick<DoctorDeps, 'orgSize'>): ProbeCheck {
  return {
    id: 'directory-listing',
    credential: 'directory',
    withToken: true,
    async run(ctx) {
      const refused = new Map<string, WecomApiError>();
      const answered = new Set<string>();
      /** The answer, or undefined when the secret may not call this API. */
      const attempt = async <T>(api: string, call: () => Promise<T>): Promise<T | undefined> => {
        try {
          const answer = await call();
          answered.add(api);
          return answer;
        } catch (error) {
          if (error instanceof WecomApiError && LISTING_REFUSED.has(error.errcode)) {
            refused.set(api, error);
            return undefined;
          }
          throw error;
        }
      };
      const { addressBook } = ctx.wecom;
      const listed = await attempt(apiPaths.listDepartments, () => addressBook.listDepartments());
      const ids = await attempt(apiPaths.listDepartmentIds, () => addressBook.listDepartmentIds());
      const departmentIds = (listed ?? ids ?? []).map((d) => d.id);
      const first = departmentIds[0];
      const members =
        first === undefined
          ? undefined
          : await attempt(apiPaths.listUsers, () => addressBook.listMembers(first));
      const page = await attempt(apiPaths.listUserIds, () =>
        addressBook.listMemberIds({ limit: MEMBER_IDS_PAGE }),
      );

      // The visible range's members, as cheaply as the allowed APIs let us count them.
      let memberCount: { zh: string; en: string } | undefined;
      if (page) {
        const userids = new Set(page.rows.map((row) => row.userid));
        let cursor = page.nextCursor;
        for (let pages = 1; cursor !== '' && pages < MAX_COUNTED_PAGES; pages++) {
          const next = await addressBook.listMemberIds({ cursor, limit: MEMBER_IDS_PAGE });
          for (const row of next.rows) userids.add(row.userid);
          cursor = next.nextCursor;
        }
        const more = cursor !== '' ? '+' : '';
        memberCount = t(`${userids.size}${more} 名成员`, `${userids.size}${more} members`);
      } else if (members && departmentIds.length <= MAX_COUNTED_DEPARTMENTS) {
        const userids = new Set(members.map((u) => u.userid));
        for (const id of departmentIds.slice(1)) {
          for (const u of await addressBook.listMembers(id)) userids.add(u.userid);
        }
        memberCount = t(`${userids.size} 名成员`, `${userids.size} members`);
      } else {
        const size = await deps.orgSize?.().catch(() => null);
        if (size)
          memberCount = t(
            `${size.members} 名成员（上次组织架构同步，${size.at}）`,
            `${size.members} members (the last org sync, ${size.at})`,
          );
      }

      const apis = [
        apiPaths.listDepartments,
        apiPaths.listDepartmentIds,
        apiPaths.listUsers,
        apiPaths.listUserIds,
      ];
      const verdictOf = (api: string) => {
        const error = refused.get(api);
        if (error) return t(`${api} ✗（${error.errcode}）`, `${api} ✗ (${error.errcode})`);
        return answered.has(api)
          ? t(`${api} ✓`, `${api} ✓`)
          : t(`${api} 未检查`, `${api} not tried`);
      };
      const list = apis.map(verdictOf);
      const range = t(
        `可见范围：${departmentIds.length} 个部门${memberCount ? `、${memberCount.zh}` : ''}。`,
        `Visible range: ${departmentIds.length} departments${memberCount ? `, ${memberCount.en}` : ''}.`,
      );
      const summary = t(
        `通讯录列表接口：${list.map((v) => v.zh).join('、')}。${range.zh}`,
        `Directory listing APIs: ${list.map((v) => v.en).join(', ')}. ${range.en}`,
      );
      const namesRefused = refused.get(apiPaths.listDepartments) ?? refused.get(apiPaths.listUsers);
      if (namesRefused && (!listed || !members)) {
        const why = explainErrcode(namesRefused.errcode, {
          api: namesRefused.api,
          credential: 'directory',
        });
        return {
          status: 'warn',
          api: namesRefused.api,
          errcode: namesRefused.errcode,
          summary: t(
            `${summary.zh} 组织架构同步只能得到 ID，没有姓名和部门名称。`,
            `${summary.en} The org sync gets ids only, no names.`,
          ),
          fix: why.fix,
          link: why.link,
        };
      }
      if (departmentIds.length === 0) {
        const path = ctx.consolePath('visibleRange');
        return {
          status: 'warn',
          api: apiPaths.listDepartments,
          summary: t(
            `${summary.zh} 可见范围内没有部门：组织架构同步不会读到成员（只按成员设置的可见范围不会被同步）。`,
            `${summary.en} No department is in the visible range: the org sync reads no members (members added to the visible range one by one are not synced).`,
          ),
          fix: t(`在${path.zh}中加入要同步的部门。`, `Add the departments to sync to ${path.en}.`),
        };
      }
      return { status: 'ok', api: apiPaths.listDepartments, summary };
    },
  };
}

/** The listing without owner_filter also tells whether the corp is "big" (81017). */
const groupChatsCheck: ProbeCheck = {
  id: 'group-chats',
  credential: 'contact',
  withToken: true,
  async run(ctx) {
    try {
      await ctx.wecom.api.listGroupChats({ limit: 1 });
    } catch (error) {
      if (!(error instanceof WecomApiError)) throw error;
      if (TOO_MANY_USERS.has(error.errcode)) {
        return {
          ...ctx.explain(error, 'warn'),
          fix: t(
            '无需处理：本服务读取客户群时总是带 owner_filter（按群主筛选），不受此限制。',
            'Nothing to do: this server always lists group chats with owner_filter, which this limit does not affect.',
          ),
        };
      }
      const contact = ctx.verdictOf('customer-contact');
      if (contact?.status === 'fail' && contact.errcode === error.errcode) {
        return ctx.skip(
          'customer-contact',
          t(
            '与客户联系的检查同一原因（见 customer-contact）。',
            'same cause as customer-contact (see customer-contact).',
          ),
        );
      }
      throw error;
    }
    return {
      status: 'ok',
      api: apiPaths.listGroupChats,
      summary: t('客户群可读。', 'Customer group chats are readable.'),
    };
  },
};

export function doctorChecks(deps: DoctorDeps): CheckRecord[] {
  return [
    {
      id: 'store',
      run: async () => storeVerdict(await probeStore(deps.store.redis), deps.store.sandbox),
    },
    apiBaseCheck(deps),
    ...tokenChecks(deps),
    trustedIpCheck,
    miniprogramLoginCheck,
    appAgentCheck(deps.wecom),
    customerContactCheck(deps),
    directoryCheck(deps.probeUserIds),
    directoryListingCheck(deps),
    groupChatsCheck,
    ...callbackChecks(deps),
  ];
}

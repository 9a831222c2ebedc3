import type { CredentialName } from '../../config';
import {
  type AppIdentity,
  type Bilingual,
  consolePath,
  explainErrcode,
  secretKeys,
  UNTRUSTED_IP,
} from '../../wecom/errcodes';
import { WecomApiError, WecomUnavailableError } from '../../wecom/errors';
import { doctorChecks } from './checks';
import type {
  CheckContext,
  CheckOutcome,
  CheckRecord,
  DoctorCheck,
  DoctorDeps,
  DoctorReport,
  Facts,
  Verdict,
} from './types';

export type { CheckStatus, DoctorCheck, DoctorDeps, DoctorReport } from './types';

/**
 * The doctor (`npm run doctor`, `GET /api/admin/diagnostics`): a table of checks (checks.ts) run
 * in order by one loop, which owns what every check would otherwise repeat — a check whose
 * token or needed check did not pass is 'skipped' naming the first cause (`blockedBy`), a WeCom
 * refusal is explained from the errcode catalogue, an unreachable WeCom is a failure with the
 * network reason, and a 60020 answer makes the check 'skipped', blocked by `trusted-ip`, whose
 * own verdict is derived from those answers at the end. One failure is reported once.
 * WeCom is asked through the probe (wecom/probe.ts): WeCom's first answers, with tokens the
 * doctor asks for itself, never the token cache, so a remembered gettoken failure never hides a
 * fix an admin just made. The report never holds a secret or an access token (the 60020 IP may
 * appear: admins only).
 */

export interface Doctor {
  run(): Promise<DoctorReport>;
}

/**
 * The doctor with checks of other modules after its own (webhooks, the provider's suites): they
 * run beside it, and a failed one makes the report not ok.
 */
export function withChecks(doctor: Doctor, more: () => Promise<DoctorCheck[]>): Doctor {
  return {
    async run() {
      const [report, checks] = await Promise.all([doctor.run(), more()]);
      return {
        ...report,
        ok: report.ok && checks.every((check) => check.status !== 'fail'),
        checks: [...report.checks, ...checks],
      };
    },
  };
}

const t = (zh: string, en: string): Bilingual => ({ zh, en });

const BLOCKED_BY_IP = t(
  '被企业可信IP挡住（见 trusted-ip）。',
  'blocked by the trusted IP list (see trusted-ip).',
);

function unreachable(error: WecomUnavailableError): Verdict {
  const why = error.reason === 'network' ? `${error.reason} ${error.detail}` : error.detail;
  return {
    status: 'fail',
    api: error.api,
    summary: t(
      `无法访问企业微信（${error.api}：${why}）。`,
      `WeCom could not be reached (${error.api}: ${why}).`,
    ),
    fix: t(
      '检查本服务器到 WECOM_API_BASE 的网络、WECOM_PROXY 与 WECOM_TIMEOUT_MS。',
      "Check this server's network path to WECOM_API_BASE, WECOM_PROXY and WECOM_TIMEOUT_MS.",
    ),
  };
}

export function createDoctor(deps: DoctorDeps): Doctor {
  const { probe, wecom, reuseMs = 0, now = Date.now } = deps;
  const records = doctorChecks(deps);
  const tokenCheckOf = new Map<CredentialName, string>();
  for (const record of records) {
    if (!record.id.startsWith('token:') || !record.credential) continue;
    for (const credential of [record.credential, ...(record.sharedWith ?? [])]) {
      tokenCheckOf.set(credential, record.id);
    }
  }

  async function examine(): Promise<DoctorReport> {
    const facts: Facts = { tokens: new Map(), followers: [] };
    const done = new Map<string, CheckOutcome>();

    /** Follows `blockedBy` to the check that did not pass for a reason of its own. */
    const rootOf = (id: string): string => {
      const seen = new Set<string>();
      let check = done.get(id)?.check;
      while (check?.status === 'skipped' && check.blockedBy && !seen.has(check.id)) {
        seen.add(check.id);
        const next = done.get(check.blockedBy)?.check;
        if (!next) return check.blockedBy;
        check = next;
      }
      return check?.id ?? id;
    };

    const blockedText = (record: CheckRecord, root: string): Bilingual => {
      if (root === 'trusted-ip') return BLOCKED_BY_IP;
      if (root.startsWith('token:')) {
        const key = record.credential ? secretKeys[record.credential] : 'this credential';
        return t(
          `${record.credential ? `${key} 的 ` : ''}access_token 未获取（见 ${root}）。`,
          `no access token for ${key} (see ${root}).`,
        );
      }
      return t(
        `依赖的检查 ${root} 未通过（见 ${root}）。`,
        `needs ${root}, which did not pass (see ${root}).`,
      );
    };

    /** The app of WECOM_APP_SECRET, once agent/get named it, for credentials with that secret. */
    const appOf = (credential: CredentialName | undefined): AppIdentity | undefined =>
      credential !== undefined && wecom.secrets[credential] === wecom.secrets.app
        ? facts.app
        : undefined;

    const contextFor = (record: CheckRecord, gate: CheckOutcome['gate']): CheckContext => ({
      facts,
      wecom: probe.withTokens(
        (credential) => {
          const accessToken =
            record.withToken && credential === record.credential && facts.tokens.get(credential);
          if (!accessToken) {
            throw new Error(`doctor check ${record.id} called WeCom without a token of its own`);
          }
          return accessToken;
        },
        (error) => {
          if (error === undefined) gate.answered = true;
          else if (error instanceof WecomApiError) {
            if (UNTRUSTED_IP.has(error.errcode)) gate.untrusted ??= error;
            else gate.answered = true;
          }
        },
      ),
      verdictOf: (id) => done.get(id)?.check,
      explain(error, status, lead) {
        const credential = record.credential ?? error.credential;
        const why = explainErrcode(error.errcode, {
          api: error.api,
          credential,
          fromIp: error.fromIp,
          app: appOf(credential),
        });
        return {
          status,
          api: error.api,
          errcode: error.errcode,
          summary: t(
            `${lead?.zh ?? ''}${error.api} 返回 ${error.errcode}（${why.meaning.zh}）：${why.cause.zh}`,
            `${lead?.en ?? ''}${error.api} answered ${error.errcode} (${why.meaning.en}): ${why.cause.en}`,
          ),
          fix: why.fix,
          link: why.link,
        };
      },
      consolePath: (name) =>
        consolePath(name, { credential: record.credential, app: appOf(record.credential) }),
      skip(blockedBy, because) {
        const why = because ?? blockedText(record, blockedBy);
        return {
          status: 'skipped',
          blockedBy,
          summary: t(`未检查：${why.zh}`, `Not checked: ${why.en}`),
        };
      },
    });

    const outcome = (record: CheckRecord, verdict: Verdict, gate: CheckOutcome['gate']) => {
      const check: DoctorCheck = {
        id: record.id,
        ...(record.credential && { credential: record.credential }),
        ...(record.sharedWith && record.sharedWith.length > 0
          ? { sharedWith: [...record.sharedWith] }
          : {}),
        ...verdict,
      };
      done.set(record.id, { record, check, gate });
    };

    for (const record of records) {
      if (!('run' in record)) continue;
      const gate: CheckOutcome['gate'] = { answered: false };
      const ctx = contextFor(record, gate);
      const needs = [
        ...(record.withToken && record.credential ? [tokenCheckOf.get(record.credential)!] : []),
        ...(record.needs ?? []),
      ];
      const blocker = needs.find((id) => {
        const status = done.get(id)?.check.status;
        if (status === undefined) throw new Error(`doctor check ${record.id} runs before ${id}`);
        return status === 'fail' || status === 'skipped';
      });
      if (blocker !== undefined) {
        outcome(record, ctx.skip(rootOf(blocker)), gate);
        continue;
      }
      let verdict: Verdict;
      try {
        verdict = await record.run(ctx);
      } catch (error) {
        if (error instanceof WecomApiError) verdict = ctx.explain(error, 'fail');
        else if (error instanceof WecomUnavailableError) verdict = unreachable(error);
        else throw error;
      }
      if (gate.untrusted) verdict = ctx.skip('trusted-ip');
      outcome(record, verdict, gate);
    }
    const ran = [...done.values()];
    for (const record of records) {
      if ('derive' in record) {
        const gate: CheckOutcome['gate'] = { answered: false };
        outcome(record, record.derive(ran, contextFor(record, gate)), gate);
      }
    }

    const checks = records.map((record) => done.get(record.id)!.check);
    return {
      ok: checks.every((check) => check.status !== 'fail'),
      corpId: wecom.corpId,
      checkedAt: new Date(now()).toISOString(),
      checks,
    };
  }

  let last: { at: number; report: Promise<DoctorReport> } | undefined;
  return {
    run() {
      const at = now();
      if (!last || at - last.at >= reuseMs) {
        const report = examine();
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

import type { CheckStatus, DoctorReport } from './doctor';

/** The doctor's report as terminal text: one verdict per check, then its cause and fix. */

const MARK: Record<CheckStatus, string> = {
  ok: 'OK  ',
  fail: 'FAIL',
  warn: 'WARN',
  skipped: 'SKIP',
};

const COLOUR: Record<CheckStatus, string> = {
  ok: '\u001b[32m',
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  skipped: '\u001b[90m',
};

export function formatReport(report: DoctorReport, options: { colour?: boolean } = {}): string {
  const paint = (status: CheckStatus, text: string) =>
    options.colour ? `${COLOUR[status]}${text}\u001b[0m` : text;
  const width = Math.max(...report.checks.map((check) => check.id.length));
  const lines = [`wecom-gate doctor — corp ${report.corpId} — ${report.checkedAt}`, ''];
  for (const check of report.checks) {
    const errcode = check.errcode === undefined ? '' : `  [${check.errcode}]`;
    lines.push(
      `${paint(check.status, MARK[check.status])}  ${check.id.padEnd(width)}${errcode}`.trimEnd(),
    );
    lines.push(`      ${check.summary.en}`);
    lines.push(`      ${check.summary.zh}`);
    if (check.fix && check.status !== 'ok') {
      lines.push(`      Fix: ${check.fix.en}`);
      lines.push(`      处理：${check.fix.zh}`);
    }
    if (check.link && check.status !== 'ok') lines.push(`      ${check.link}`);
  }
  const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  lines.push(
    '',
    `${report.ok ? 'All well' : 'Problems found'}: ${count('ok')} ok, ${count('fail')} failed, ${count('warn')} warnings, ${count('skipped')} skipped.`,
  );
  return `${lines.join('\n')}\n`;
}

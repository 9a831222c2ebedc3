import { parseArgs } from 'node:util';
import { createDoctor } from '../admin/doctor';
import { formatReport } from '../admin/report-format';
import { createWecomHttp } from '../wecom/http';
import { setUpCli } from './setup';

/**
 * `npm run doctor [-- --json]`: checks the configured WeCom credentials and prints one verdict per
 * check with its fix. Exit code 0 when nothing failed (warnings allowed), 1 when a check failed,
 * 2 on a configuration error. Never prints a secret or an access token.
 */
const USAGE = `Usage: npm run doctor [-- --json]
  --json   print the report as JSON (the same as GET /api/admin/diagnostics)
Exit code: 0 all well (warnings allowed), 1 a check failed, 2 configuration error.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { config, wecomConfig, simulator, logger } = await setUpCli();
  const http = createWecomHttp({
    apiBase: wecomConfig.apiBase,
    proxy: wecomConfig.proxy,
    timeoutMs: wecomConfig.timeoutMs,
    logger,
  });
  try {
    const report = await createDoctor({
      http,
      wecom: wecomConfig,
      probeUserIds: config.adminUserIds,
      store: { redis: config.redis, sandbox: config.sandbox },
      callbacks: {
        keys: { app: config.callbacks.app, directory: config.callbacks.directory },
        publicBaseUrl: config.publicBaseUrl,
      },
    }).run();
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatReport(report, { colour: process.stdout.isTTY === true }),
    );
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await http.close();
    await simulator?.close();
  }
}

main().catch((error) => {
  process.stderr.write(`doctor failed: ${(error as Error).message}\n`);
  process.exit(1);
});

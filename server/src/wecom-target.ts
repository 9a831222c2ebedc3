import type { Config, Settings } from './config';
import { ConfigError } from './config';
import type { Logger } from './logger';
import type { Simulator } from './sandbox/types';

/**
 * The settings, with where WeCom calls go: the configured corp, or in sandbox mode (no
 * WECOM_CORP_ID) a simulator started here in the SANDBOX_SCENARIO. Shared by the server and the
 * admin CLIs. The simulator is loaded only in sandbox mode, so a production process never loads
 * the demo corp.
 */
export async function resolveSettings(
  config: Config,
): Promise<{ settings: Settings; simulator?: Simulator }> {
  if (config.wecom) return { settings: { ...config, wecom: config.wecom } };
  // Loaded here, on first use, and only in sandbox mode (a require: node's own ESM loader would not
  // resolve this TypeScript folder when the server runs under tsx's CommonJS hook).
  const { isScenarioName, scenarioNames, startSimulator }: typeof import('./sandbox') =
    require('./sandbox');
  const scenario = config.sandboxScenario;
  if (!isScenarioName(scenario)) {
    throw new ConfigError(
      `Invalid configuration: SANDBOX_SCENARIO must be one of ${scenarioNames.join(', ')}`,
    );
  }
  const simulator = await startSimulator({ scenario });
  const wecom = simulator.wecomConfig({ timeoutMs: config.wecomTimeoutMs });
  return { settings: { ...config, wecom }, simulator };
}

/**
 * Sandbox mode, once the gateway listens: saves its callback URLs in the simulator as an admin
 * would in the WeCom admin (the simulator verifies each URL first), so that changes made through the
 * simulator's control surface (`/sandbox/world/*`) arrive as encrypted events.
 */
export async function registerSandboxCallbacks(
  simulator: Simulator,
  /** The gateway's own origin, with the path prefix of PUBLIC_BASE_URL when it has one. */
  gatewayUrl: string,
  callbacks: Config['callbacks'],
  logger: Logger,
): Promise<void> {
  for (const receiver of ['app', 'directory'] as const) {
    const keys = callbacks[receiver];
    if (!keys) continue;
    const url = `${gatewayUrl}/wecom/callback/${receiver}`;
    const result = await simulator.registerCallback(receiver, { url, ...keys });
    if (result.verified)
      logger.info({ receiver, url }, 'sandbox: the simulator verified the callback URL');
    else
      logger.warn(
        { receiver, url, reason: result.reason },
        'sandbox: callback URL verification failed',
      );
  }
  logger.info(
    {
      simulator: simulator.url,
      try: `curl -X POST ${simulator.url}/sandbox/world/remove-follower -d '{"externalUserId":"wmYsDemoCust03","userid":"lisi"}'`,
    },
    'sandbox: change the demo corp through the simulator; the events arrive at /wecom/callback/*',
  );
}

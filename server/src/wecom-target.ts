import type { Config, WecomConfig } from './config';
import { ConfigError } from './config';
import type { Simulator } from './sandbox/types';

/**
 * Where WeCom calls go: the configured corp, or in sandbox mode (no WECOM_CORP_ID) a simulator
 * started here in the SANDBOX_SCENARIO. Shared by the server and the admin CLIs. The simulator is
 * loaded only in sandbox mode, so a production process never loads the demo corp.
 */
export async function resolveWecomTarget(
  config: Config,
): Promise<{ wecomConfig: WecomConfig; simulator?: Simulator }> {
  if (config.wecom) return { wecomConfig: config.wecom };
  const { isScenarioName, scenarioNames, startSimulator } = await import('./sandbox');
  const scenario = config.sandboxScenario;
  if (!isScenarioName(scenario)) {
    throw new ConfigError(
      `Invalid configuration: SANDBOX_SCENARIO must be one of ${scenarioNames.join(', ')}`,
    );
  }
  const simulator = await startSimulator({ scenario });
  return { wecomConfig: simulator.wecomConfig(), simulator };
}

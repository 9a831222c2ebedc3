/** The WeCom simulator: real HTTP, demo corp, scenarios, faults, counters (see README.md here). */

export { BIG_CORP_FIRST_DEPARTMENT_ID, bigCorpUserid } from './big-corp';
export {
  GROUP_APP_SECRET,
  GROUP_CORP_ID,
  GROUP_DIRECTORY_SYNC_SECRET,
  GROUP_OTHER_APP_SECRET,
  groupCorp,
  groupCustomerId,
  groupGroupChatId,
  SHARED_USERID,
} from './group-corp';
export type { OrgChangeEvent } from './org';
export { isScenarioName, scenarioDescriptions, scenarioNames } from './scenarios';
export {
  addGeneratedFollowers,
  customerId,
  DEMO_APP_AGENT_ID,
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_FACTS,
  DEMO_MINIPROGRAM_APPID,
  DEMO_OTHER_APP_SECRET,
  demoCorp,
  groupChatId,
  OTHER_CORP_ID,
  OTHER_CORP_SECRET,
} from './seed';
export type { DemoCorp } from './seed-types';
export { startSimulator } from './simulator';
export {
  CUSTOM_SUITE_ID,
  CUSTOM_SUITE_SECRET,
  type DemoSuite,
  demoSuites,
  PROVIDER_CORP_ID,
  PROVIDER_SECRET,
  THIRD_PARTY_SUITE_ID,
  THIRD_PARTY_SUITE_SECRET,
} from './suites';
export type {
  CorpSimulator,
  OrgView,
  ProviderSimulator,
  ScenarioName,
  Simulator,
  StartSimulatorOptions,
  SuitePush,
} from './types';

/** The WeCom simulator (DESIGN §8): real HTTP, demo corp, scenarios, faults, counters. */

export { FOLLOW_USER_PAGE_SIZE } from './api/external-contact';
export { CODE_TTL_MS } from './codes';
export {
  isScenarioName,
  scenarioDescriptions,
  scenarioNames,
  UNTRUSTED_SCENARIO_IPS,
  WRONG_CORP_ID,
  WRONG_SECRET,
} from './scenarios';
export {
  addGeneratedFollowers,
  CONFIDENTIAL_DEPARTMENT_ID,
  customerId,
  DEMO_APP_AGENT_ID,
  DEMO_APP_SECRET,
  DEMO_CORP_ID,
  DEMO_DIRECTORY_SYNC_SECRET,
  DEMO_FACTS,
  DEMO_MINIPROGRAM_APPID,
  DEMO_OTHER_AGENT_ID,
  DEMO_OTHER_APP_SECRET,
  demoCorp,
  groupChatId,
  OTHER_CORP_ID,
  OTHER_CORP_SECRET,
} from './seed';
export type {
  DemoApp,
  DemoCorp,
  DemoCustomer,
  DemoDepartment,
  DemoEmployee,
  DemoFollow,
  DemoGroupChat,
  DemoGroupMember,
  DemoTag,
  DemoTagGroup,
  DemoVisibleRange,
} from './seed-types';
export { startSimulator } from './simulator';
export type {
  EncryptedPayload,
  Fault,
  ScenarioName,
  Simulator,
  StartSimulatorOptions,
} from './types';
export type { JsapiSignatureCheck, OauthIdentity } from './web-auth';
export { OAUTH_CODE_TTL_MS, outsiderOpenid } from './web-auth';

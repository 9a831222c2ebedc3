/**
 * The WeCom APIs this server calls, as paths below `/cgi-bin/`: the one place they are written.
 * Every call names its API from here (`WecomRequest.api` accepts these only); code outside wecom/
 * that reports or labels an API (the doctor, errors) names it from here too.
 */
export const apiPaths = {
  gettoken: 'gettoken',
  getCallbackIp: 'getcallbackip',
  jscode2session: 'miniprogram/jscode2session',
  getAgent: 'agent/get',
  getUserInfoByCode: 'auth/getuserinfo',
  getJsapiTicket: 'get_jsapi_ticket',
  getAgentConfigTicket: 'ticket/get',
  getUser: 'user/get',
  listUsers: 'user/list',
  listUserIds: 'user/list_id',
  listDepartments: 'department/list',
  listDepartmentIds: 'department/simplelist',
  getDepartment: 'department/get',
  getExternalContact: 'externalcontact/get',
  getContactsByUser: 'externalcontact/batch/get_by_user',
  listFollowUsers: 'externalcontact/get_follow_user_list',
  listGroupChats: 'externalcontact/groupchat/list',
  getGroupChat: 'externalcontact/groupchat/get',
  // A service provider's suite (代开发 templates, third-party apps): suite_access_token calls.
  getSuiteToken: 'service/get_suite_token',
  getPreAuthCode: 'service/get_pre_auth_code',
  getPermanentCode: 'service/get_permanent_code',
  getAuthInfo: 'service/get_auth_info',
  getCorpToken: 'service/get_corp_token',
  suiteJscode2session: 'service/miniprogram/jscode2session',
  // The provider itself (its ProviderSecret): provider_access_token calls.
  getProviderToken: 'service/get_provider_token',
  getAppLicenceInfo: 'license/get_app_license_info',
  listLicenceAccounts: 'license/list_actived_account',
} as const;

export type ApiPath = (typeof apiPaths)[keyof typeof apiPaths];

/** What stands between WECOM_API_BASE and an API's path (a reverse proxy must forward it). */
export const API_PREFIX = '/cgi-bin/';

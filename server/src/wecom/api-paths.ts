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
} as const;

export type ApiPath = (typeof apiPaths)[keyof typeof apiPaths];

/** What stands between WECOM_API_BASE and an API's path (a reverse proxy must forward it). */
export const API_PREFIX = '/cgi-bin/';

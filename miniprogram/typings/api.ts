// Wire types shared by the mini-program and the server (README, HTTP API). Types only: the server imports
// this file with `import type`, and its zod guards are checked against these shapes with
// `satisfies`. Everything here is camelCase; WeCom's snake_case never leaves server/src/wecom/.

import type { ErrorCode } from '../shared/errors';

/** Every error code an answer can carry: the keys of the error registry (`shared/errors.ts`). */
export type { ErrorCode };

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  data?: unknown;
  requestId: string;
}

/** `data` of a `wecom.rejected` answer. */
export interface WecomRejectedData {
  errcode: number;
  /** WeCom's trace id (the `hint: [...]` of errmsg); never the caller's IP. */
  hint?: string;
}

// ---- sessions ---------------------------------------------------------------------------------

export interface LoginRequest {
  /** The code from `wx.qy.login` (valid five minutes, single use). */
  code: string;
  /** Opened from a chat's sidebar or a contact profile: what to load with the login. */
  context?: LoginContext;
}

/**
 * The customer or group of the chat (or profile) the mini-program was opened from: the entry of
 * `wx.qy.getContext` and the id from `getCurExternalContact` / `getCurExternalChat`.
 */
export type LoginContext =
  | { entry: 'single_chat_tools' | 'contact_profile'; externalUserId: string }
  | { entry: 'group_chat_tools'; chatId: string };

/**
 * What the login loaded for its context: the customer (as `GET /api/external-contacts/:id`
 * answers), the group (as `GET /api/group-chats/:chatId`), or the error such a GET would answer.
 * Never anything this employee may not read.
 */
export type LoginContextAnswer =
  | ContactDetail
  | GroupChatDetailResponse
  | { error: { code: ErrorCode; message: string } };

export interface SessionUser {
  userid: string;
  corpid: string;
}

export interface LoginResponse {
  /** Bearer token for `Authorization: Bearer …`; a JWT naming the server-side session. */
  token: string;
  /** ISO 8601 instant after which the session is gone. */
  expiresAt: string;
  user: SessionUser;
  /** Present when the login carried a context. */
  context?: LoginContextAnswer;
}

export interface MeResponse {
  /**
   * `openUserid`: a third-party app's login only, the employee's ID across the service provider's
   * apps (WeCom's open_userid).
   */
  user: SessionUser & { name?: string; openUserid?: string };
  expiresAt: string;
}

export interface DecryptRequest {
  encryptedData: string;
  iv: string;
}

export interface DecryptResponse {
  /** The decrypted JSON payload (for example `{mobile}` or `{email}`), watermark checked. */
  data: Record<string, unknown>;
}

// ---- customers (外部联系人) ---------------------------------------------------------------------

/** 1 = WeChat user, 2 = WeCom user (`external_contact.type`). */
export type ExternalContactType = 'wechat' | 'wecom';

export interface ExternalContact {
  externalUserId: string;
  name: string;
  type: ExternalContactType;
  avatar?: string;
  gender: 'unknown' | 'male' | 'female';
  /** WeCom customers only. */
  position?: string;
  corpName?: string;
  corpFullName?: string;
}

export interface ContactTag {
  tagId?: string;
  groupName?: string;
  tagName: string;
  /** 1 企业设置 → corp, 2 用户自定义 → personal, 3 规则组 → rule. */
  type: 'corp' | 'personal' | 'rule';
}

/** This employee's follow entry for a customer (`follow_user[]` item). */
export interface FollowUser {
  userid: string;
  remark?: string;
  description?: string;
  /** ISO 8601 instant when this employee added the customer (absent when WeCom did not say). */
  addedAt?: string;
  tags: ContactTag[];
  remarkCorpName?: string;
  addWay?: number;
}

export interface ContactDetail {
  externalContact: ExternalContact;
  followUser: FollowUser;
}

export interface ContactListItem {
  externalContact: ExternalContact;
  /** This employee's follow entry; `tagIds` only, names need the corp tag list. */
  followUser: Omit<FollowUser, 'tags'> & { tagIds: string[] };
}

export interface ContactListQuery {
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}

export interface ContactListResponse {
  contacts: ContactListItem[];
  /** Absent or empty when there is no next page. */
  nextCursor?: string;
}

export type ContactDetailResponse = ContactDetail;

export interface ContactLookupRequest {
  /** external_userid values from `wx.qy.selectExternalContact`, 1..100. */
  externalUserIds: string[];
}

export interface ContactLookupResponse {
  contacts: ContactDetail[];
  /** Customers that exist but are not this employee's. */
  denied: string[];
  /** Ids WeCom does not know (or no longer relates to anyone here). */
  notFound: string[];
}

// ---- customer groups (客户群) ------------------------------------------------------------------

export type GroupChatStatus = 'normal' | 'owner_left' | 'inheriting' | 'inherited';

export interface GroupChatSummary {
  chatId: string;
  name: string;
  status: GroupChatStatus;
  memberCount: number;
}

export interface GroupChatListQuery {
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}

export interface GroupChatListResponse {
  groupChats: GroupChatSummary[];
  nextCursor?: string;
}

export interface GroupChatMember {
  /** A userid (employee) or an external_userid (customer). */
  userid: string;
  type: 'employee' | 'customer';
  name?: string;
  groupNickname?: string;
  /** Absent when WeCom did not say. */
  joinedAt?: string;
  joinScene: 'direct' | 'link' | 'qrcode' | 'unknown';
}

export interface GroupChat {
  chatId: string;
  name: string;
  owner: string;
  /** Absent when WeCom did not say. */
  createdAt?: string;
  notice?: string;
  members: GroupChatMember[];
  adminUserIds: string[];
}

export interface GroupChatDetailResponse {
  groupChat: GroupChat;
}

// ---- JS-SDK (H5 pages) ------------------------------------------------------------------------

/** `GET /api/jssdk/signature?url=`: both signatures an H5 page needs, timestamps in seconds. */
export interface JssdkSignatureResponse {
  /** For `wx.config` (the corp's jsapi_ticket); `appId` is the corp ID. */
  config: { appId: string; timestamp: number; nonceStr: string; signature: string };
  /** For `wx.agentConfig` (the app's agent_config ticket). */
  agentConfig: {
    corpid: string;
    agentid: string;
    timestamp: number;
    nonceStr: string;
    signature: string;
  };
}

// ---- sandbox mode -----------------------------------------------------------------------------

/** An employee of the simulator's demo corp who can open the mini-program. */
export interface SandboxEmployee {
  userid: string;
  name: string;
  /** The name of the employee's main department. */
  department?: string;
}

/**
 * `GET /sandbox/info`: only a server in sandbox mode has the route (any other answers 404
 * `request.not_found`), so a develop build may offer its demo login.
 */
export interface SandboxInfoResponse {
  sandbox: true;
  employees: SandboxEmployee[];
}

export interface SandboxLoginCodeRequest {
  userid: string;
}

export interface SandboxLoginCodeResponse {
  /** Stands in for the code of `wx.qy.login`: single use, five minutes. */
  code: string;
}

// ---- health -----------------------------------------------------------------------------------

export interface HealthResponse {
  status: 'ok';
}

// The WeCom-only mini-program APIs (`wx.qy.*`) that wecom-gate calls, and the `environment` field
// WeCom adds to SystemInfo. miniprogram-api-typings has neither. Shapes follow WeCom's documentation
// (developer.work.weixin.qq.com/document/path/…): login 92388, checkSession 96960, getContext 94332,
// selectExternalContact 93867, getCurExternalContact 96995, getCurExternalChat 96996,
// getMobile 96977, getEmail 96978, sendChatMessage 94352, environment 92392. A global script: no
// import or export.

declare namespace WechatMiniprogram {
  namespace Qy {
    interface CallbackResult {
      errMsg: string;
    }

    interface Callbacks<TSuccess extends CallbackResult> {
      success?: (result: TSuccess) => void;
      fail?: (error: CallbackResult) => void;
      complete?: (result: CallbackResult) => void;
    }

    interface LoginSuccessResult extends CallbackResult {
      /** Valid five minutes, single use; the server exchanges it at jscode2session. */
      code: string;
    }

    interface LoginOption extends Callbacks<LoginSuccessResult> {
      /** Milliseconds. */
      timeout?: number;
      /** Third-party mini-programs bound to several suites only (WeCom ≥ 3.1.8). */
      suiteId?: string;
    }

    interface CheckSessionSuccessResult extends CallbackResult {
      /** Documented as the session's expiry; units unspecified. */
      expireIn?: number;
    }

    type CheckSessionOption = Callbacks<CheckSessionSuccessResult>;

    /** Where the mini-program was opened from (WeCom ≥ 3.0.24; later versions add values). */
    type Entry =
      | 'normal'
      | 'contact_profile'
      | 'single_chat_tools'
      | 'group_chat_tools'
      | 'chat_attachment'
      | 'single_kf_tools'
      | 'chain_single_chat_tools'
      | 'chain_group_chat_tools'
      | 'internal_group_chat_board';

    interface GetContextSuccessResult extends CallbackResult {
      entry: Entry;
      /** Only when opened from a private-message card (WeCom ≥ 3.1.8). */
      shareTicket?: string;
    }

    type GetContextOption = Callbacks<GetContextSuccessResult>;

    interface SelectExternalContactSuccessResult extends CallbackResult {
      /** external_userid values. */
      userIds: string[];
    }

    interface SelectExternalContactOption extends Callbacks<SelectExternalContactSuccessResult> {
      /** 0 = all customers (default), 1 = only customers not selected before. */
      filterType?: 0 | 1;
    }

    interface GetCurExternalContactSuccessResult extends CallbackResult {
      /** external_userid of the customer in the current chat or profile. */
      userId: string;
    }

    type GetCurExternalContactOption = Callbacks<GetCurExternalContactSuccessResult>;

    interface GetCurExternalChatSuccessResult extends CallbackResult {
      /** Customer-group chat id. */
      chatId: string;
    }

    type GetCurExternalChatOption = Callbacks<GetCurExternalChatSuccessResult>;

    interface EncryptedDataResult extends CallbackResult {
      /** Decrypted on the server with this session's session_key (POST /api/me/decrypt). */
      encryptedData: string;
      iv: string;
    }

    type GetMobileOption = Callbacks<EncryptedDataResult>;
    type GetEmailOption = Callbacks<EncryptedDataResult>;

    interface TextChatMessage {
      msgtype: 'text';
      text: { content: string };
    }

    /** Images, videos and files are sent by the mediaid of an uploaded 素材. */
    interface MediaChatMessage {
      msgtype: 'image' | 'video' | 'file';
      image?: { mediaid: string };
      video?: { mediaid: string };
      file?: { mediaid: string };
    }

    interface NewsChatMessage {
      msgtype: 'news';
      news: { link: string; title?: string; desc?: string; imgUrl?: string };
    }

    interface MiniprogramChatMessage {
      msgtype: 'miniprogram';
      miniprogram: {
        /** Must be the mini-program opened from the chat toolbar. */
        appid: string;
        title: string;
        /** 5:4; an http(s) URL (a package path works on Android only). */
        imgUrl: string;
        /** Page path with a `.html` suffix (WeChat cannot find the page otherwise). */
        page: string;
      };
    }

    type ChatMessage =
      | TextChatMessage
      | MediaChatMessage
      | NewsChatMessage
      | MiniprogramChatMessage;

    /**
     * Sends into the chat whose toolbar opened the mini-program (entries single_chat_tools and
     * group_chat_tools; WeCom ≥ 3.0.16). Needs wx.qy.login with a live session_key.
     */
    type SendChatMessageOption = ChatMessage & {
      /** Open the chat after sending (mobile WeCom ≥ 3.1.10). */
      enterChat?: boolean;
    } & Callbacks<CallbackResult>;

    interface Qy {
      login(option: LoginOption): void;
      checkSession(option: CheckSessionOption): void;
      getContext(option: GetContextOption): void;
      selectExternalContact(option: SelectExternalContactOption): void;
      getCurExternalContact(option: GetCurExternalContactOption): void;
      getCurExternalChat(option: GetCurExternalChatOption): void;
      // Missing in older WeCom clients and in the developer tools.
      getMobile?(option: GetMobileOption): void;
      getEmail?(option: GetEmailOption): void;
      sendChatMessage?(option: SendChatMessageOption): void;
    }
  }

  interface Wx {
    /** Present only inside WeCom. */
    qy?: Qy.Qy;
  }

  interface SystemInfo {
    /** `'wxwork'` inside WeCom; absent in WeChat. */
    environment?: string;
  }
}

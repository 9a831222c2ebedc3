import { config } from '../services/config';

/** More than a sidebar note needs; the text box stops here too. */
export const MAX_TEXT_LENGTH = 500;

export function textMessage(content: string): WechatMiniprogram.Qy.TextChatMessage {
  return { msgtype: 'text', text: { content: content.slice(0, MAX_TEXT_LENGTH) } };
}

/**
 * This mini-program's card (config.chatCard). WeCom wants the page with a `.html` suffix and the
 * appid of the mini-program the toolbar opened, i.e. this one.
 */
export function miniProgramCard(appId: string): WechatMiniprogram.Qy.MiniprogramChatMessage {
  const { title, imgUrl, page } = config.chatCard;
  return {
    msgtype: 'miniprogram',
    miniprogram: { appid: appId, title, imgUrl, page: `${page}.html` },
  };
}

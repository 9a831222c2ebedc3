import { currentServices } from '../../services/current';
import { isApiError } from '../../services/errors';
import { MAX_TEXT_LENGTH, miniProgramCard, textMessage } from '../../utils/chat-message';
import { errorText } from '../../utils/error-text';

/**
 * 发送到当前聊天: text, or this mini-program's card, into the chat whose toolbar opened the
 * mini-program (wx.qy.sendChatMessage, after the session and entry checks of the gate). Pages
 * show it only when gate.canSendChatMessage() says there is such a chat.
 */
Component({
  options: {
    styleIsolation: 'apply-shared',
  },
  data: {
    text: '',
    maxLength: MAX_TEXT_LENGTH,
    sending: false,
    resultText: '',
    failed: false,
  },
  methods: {
    onInput(event: WechatMiniprogram.CustomEvent<{ value?: string }>) {
      this.setData({ text: event.detail.value ?? '' });
    },
    onSendText() {
      const content = this.data.text.trim();
      if (content === '') {
        this.setData({ resultText: '请先输入要发送的文字', failed: true });
        return undefined;
      }
      return this.send(textMessage(content), { text: '' });
    },
    onSendCard() {
      return this.send(miniProgramCard(currentServices().env.appId()), {});
    },
    async send(message: WechatMiniprogram.Qy.ChatMessage, onSent: { text?: string }) {
      if (this.data.sending) return;
      this.setData({ sending: true, resultText: '', failed: false });
      try {
        await currentServices().gate.sendChatMessage(message);
        this.setData({ ...onSent, resultText: '已发送' });
      } catch (error) {
        const cancelled = isApiError(error) && error.code === 'qy.cancelled';
        this.setData({ resultText: cancelled ? '已取消发送' : errorText(error), failed: true });
      } finally {
        this.setData({ sending: false });
      }
    },
  },
});

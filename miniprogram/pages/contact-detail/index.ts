import type { ContactDetail } from '../../typings/api';
import { contactTypeText, formatDateTime, queryValue } from '../../utils/format';
import { loadPage, type PageStatus } from '../../utils/load-page';

interface View {
  name: string;
  avatar: string;
  typeText: string;
  company: string;
  position: string;
  remark: string;
  description: string;
  tags: string[];
  addedAt: string;
}

function toView({ externalContact: contact, followUser: follow }: ContactDetail): View {
  return {
    name: contact.name,
    avatar: contact.avatar ?? '',
    typeText: contactTypeText(contact.type),
    company: follow.remarkCorpName ?? contact.corpFullName ?? contact.corpName ?? '',
    position: contact.position ?? '',
    remark: follow.remark ?? '',
    description: follow.description ?? '',
    tags: follow.tags.map((tag) => tag.tagName),
    addedAt: formatDateTime(follow.addedAt),
  };
}

Component({
  data: {
    status: 'loading' as PageStatus,
    errorText: '',
    externalUserId: '',
    contact: null as View | null,
    /** Opened from a single-chat toolbar: offer sending into that chat. */
    chatTools: false,
  },
  methods: {
    /**
     * `externalUserId` in the query when opened from a list; otherwise (single-chat sidebar,
     * contact profile) the customer comes from getCurExternalContact.
     */
    onLoad(query: Record<string, string | undefined> = {}) {
      this.setData({ externalUserId: queryValue(query.externalUserId) });
      return this.load();
    },
    onRetry() {
      return this.load();
    },
    load() {
      return loadPage(this, async ({ gate, api }) => {
        let externalUserId = this.data.externalUserId;
        let chatTools = false;
        if (externalUserId === '') {
          externalUserId = await gate.getCurExternalContact();
          chatTools = externalUserId !== '' && (await gate.canSendChatMessage());
          this.setData({ externalUserId });
        }
        if (externalUserId === '') return { status: 'empty' };
        const contact = toView(await api.getContact(externalUserId));
        return { status: 'ready', contact, chatTools };
      });
    },
  },
});

import { currentServices } from '../../services/current';
import type { ContactDetail } from '../../typings/api';
import { errorText } from '../../utils/error-text';
import { contactTypeText, formatDateTime, queryValue } from '../../utils/format';

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
    status: 'loading' as 'loading' | 'ready' | 'empty' | 'error' | 'outside',
    errorText: '',
    externalUserId: '',
    contact: null as View | null,
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
    async load() {
      const { env, gate, api } = currentServices();
      if (!env.isWxWork()) {
        this.setData({ status: 'outside' });
        return;
      }
      this.setData({ status: 'loading', errorText: '' });
      try {
        let externalUserId = this.data.externalUserId;
        if (externalUserId === '') {
          externalUserId = await gate.getCurExternalContact();
          this.setData({ externalUserId });
        }
        if (externalUserId === '') {
          this.setData({ status: 'empty' });
          return;
        }
        this.setData({ status: 'ready', contact: toView(await api.getContact(externalUserId)) });
      } catch (error) {
        this.setData({ status: 'error', errorText: errorText(error) });
      }
    },
  },
});

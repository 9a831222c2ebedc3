import { CallbackError } from '../../../../server/src/callbacks';
import { toCallbackEvent } from '../../../../server/src/callbacks/events';
import { parseEnvelope, parseXml } from '../../../../server/src/callbacks/xml';

const reason = (run: () => unknown) => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof CallbackError) return error.reason;
    throw error;
  }
};

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><Encrypt>&lol9;</Encrypt></xml>`;

describe('callback XML', () => {
  it('reads the envelope of the WeCom sample (CDATA, newlines, AgentID)', () => {
    const body =
      '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[abc+/=]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>';
    expect(parseEnvelope(body)).toEqual({
      encrypt: 'abc+/=',
      toUserName: 'ww1436e0e65a779aee',
      agentId: '1000002',
    });
  });

  it('reads an envelope without AgentID (the directory callback)', () => {
    expect(parseEnvelope('<xml><Encrypt>abc</Encrypt></xml>')).toEqual({ encrypt: 'abc' });
  });

  it('refuses an entity bomb, an external entity and comments without expanding anything', () => {
    expect(reason(() => parseEnvelope(BILLION_LAUGHS))).toBe('xml');
    expect(
      reason(() =>
        parseEnvelope(
          '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>',
        ),
      ),
    ).toBe('xml');
    expect(reason(() => parseEnvelope('<xml><!-- hi --><Encrypt>a</Encrypt></xml>'))).toBe('xml');
  });

  it('refuses what is not one well-formed <xml> document', () => {
    for (const body of [
      '',
      'garbage',
      '<xml><Encrypt>a</Encrypt>',
      '<xml><a><b></a></xml>',
      '<other><Encrypt>a</Encrypt></other>',
      '{"Encrypt":"a"}',
      '<xml><__proto__>x</__proto__></xml>',
      `${'<a>'.repeat(50)}${'</a>'.repeat(50)}`,
    ])
      expect(['xml', 'malformed']).toContain(reason(() => parseEnvelope(body)));
    expect(reason(() => parseEnvelope('<xml><ToUserName>a</ToUserName></xml>'))).toBe('malformed');
  });

  it('keeps every value a string: MsgId beyond 2^53, CreateTime, AgentID', () => {
    const fields = parseXml(
      '<xml><MsgId>4561255354251345929</MsgId><CreateTime>1409659813</CreateTime><AgentID>218</AgentID></xml>',
    );
    expect(fields).toEqual({
      MsgId: '4561255354251345929',
      CreateTime: '1409659813',
      AgentID: '218',
    });
  });

  it('reads a change_external_chat update with one MemChangeList item as a list', () => {
    const fields = parseXml(
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><MemChangeList><Item>Jack</Item></MemChangeList></xml>',
    );
    expect(fields.MemChangeList).toEqual({ Item: ['Jack'] });
    expect(toCallbackEvent(fields)).toMatchObject({
      event: 'change_external_chat',
      changeType: 'update',
      ids: { chatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA' },
      createTime: 1403610513,
    });
  });

  it('names a change_contact update_user with NewUserID and a text message by MsgType', () => {
    const event = toCallbackEvent(
      parseXml(
        '<xml><MsgType>event</MsgType><Event>change_contact</Event><ChangeType>update_user</ChangeType><UserID>lisi</UserID><NewUserID>lisi2</NewUserID><Department>1,2</Department></xml>',
      ),
    );
    expect(event).toMatchObject({
      event: 'change_contact',
      changeType: 'update_user',
      ids: { userId: 'lisi', newUserId: 'lisi2' },
    });
    expect(toCallbackEvent(parseXml('<xml><MsgType>text</MsgType></xml>')).event).toBe('text');
  });
});

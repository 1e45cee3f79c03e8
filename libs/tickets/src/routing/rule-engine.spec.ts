import { conditionMatches, conditionProblem, evaluateRules, RuleCondition, RuleDefinition, RuleInput } from './rule-engine';

const input: RuleInput = {
  from: 'yamada@mitsumori.example.co.jp',
  to: ['info@example.jp', 'sales@example.jp'],
  cc: [],
  subject: '【見積依頼】外壁塗装について',
  body: 'お世話になります。外壁の塗り替えの見積をお願いします。電話 03-1234-5678',
  channel: 'email',
  hasAttachment: true,
  form: { kind: 'リフォーム', tel: '09012345678' },
};

describe('routing rule conditions', () => {
  it.each<[string, RuleCondition, boolean]>([
    ['from contains a domain', { field: 'from', op: 'contains', value: 'mitsumori' }, true],
    ['from ends with the domain, any case', { field: 'from', op: 'endsWith', value: '@MITSUMORI.example.co.jp' }, true],
    ['from equals another address', { field: 'from', op: 'equals', value: 'sato@example.jp' }, false],
    ['to: any recipient matches', { field: 'to', op: 'equals', value: 'sales@example.jp' }, true],
    ['to: not contains means no recipient contains', { field: 'to', op: 'notContains', value: 'sales' }, false],
    ['cc empty: not contains holds', { field: 'cc', op: 'notContains', value: 'x' }, true],
    ['subject starts with a Japanese bracket', { field: 'subject', op: 'startsWith', value: '【見積' }, true],
    ['subject: a single kanji', { field: 'subject', op: 'contains', value: '塗' }, true],
    ['body regex with a phone number', { field: 'body', op: 'regex', value: '0\\d{1,3}-\\d{2,4}-\\d{4}' }, true],
    ['body regex that does not match', { field: 'body', op: 'regex', value: '^見積' }, false],
    ['channel equals email', { field: 'channel', op: 'equals', value: 'email' }, true],
    ['has attachment', { field: 'hasAttachment', op: 'equals', value: 'true' }, true],
    ['form field value', { field: 'form.kind', op: 'equals', value: 'リフォーム' }, true],
    ['missing form field is empty', { field: 'form.nothing', op: 'equals', value: '' }, true],
  ])('%s', (_name, c, expected) => {
    expect(conditionProblem(c)).toBeNull();
    expect(conditionMatches(c, input)).toBe(expected);
  });

  it.each<[RuleCondition, RegExp]>([
    [{ field: 'body', op: 'regex', value: '([a-z' }, /invalid regular expression/],
    [{ field: 'sender', op: 'contains', value: 'x' }, /unknown field "sender"/],
    [{ field: 'subject', op: 'like' as never, value: 'x' }, /unknown operator "like"/],
    [{ field: 'hasAttachment', op: 'equals', value: 'yes' }, /"true" or "false"/],
    [{ field: 'body', op: 'regex', value: 'a'.repeat(501) }, /longer than 500/],
    [{ field: 'body', op: 'regex', value: '(a)\\1' }, /invalid escape/],
    [{ field: 'body', op: 'regex', value: '(?=a)b' }, /unsupported Perl syntax/],
  ])('refuses %j when saved', (c, message) => {
    expect(conditionProblem(c)).toMatch(message);
  });

  it('runs a catastrophic-backtracking pattern in linear time (ReDoS)', () => {
    const evil: RuleCondition = { field: 'body', op: 'regex', value: '^(a+)+$' };
    expect(conditionProblem(evil)).toBeNull();
    const started = process.hrtime.bigint();
    // V8's engine takes minutes on 30 a's and a "!"; RE2 answers at once, on the whole bounded input.
    expect(conditionMatches(evil, { ...input, body: `${'a'.repeat(15_000)}!` })).toBe(false);
    expect(conditionMatches({ field: 'body', op: 'regex', value: '(x+x+)+y' }, { ...input, body: 'x'.repeat(20_000) })).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });

  it('matches case-insensitively and understands Japanese', () => {
    expect(conditionMatches({ field: 'subject', op: 'regex', value: 'ESTIMATE|見積' }, { ...input, subject: 'お見積りのお願い' })).toBe(true);
    expect(conditionMatches({ field: 'subject', op: 'regex', value: 'estimate' }, { ...input, subject: 'ESTIMATE' })).toBe(true);
    expect(conditionMatches({ field: 'subject', op: 'regex', value: '\\p{Katakana}{3}' }, { ...input, subject: 'カタカナ' })).toBe(true);
  });
});

describe('evaluateRules', () => {
  const rule = (id: number, position: number, over: Partial<RuleDefinition>): RuleDefinition => ({ id, name: `rule ${id}`, position, match: 'all', conditions: [], actions: [], active: true, ...over });

  it('applies every matching rule in order: the last folder wins, labels add up, stop ends it', () => {
    const out = evaluateRules(
      [
        rule(3, 3, { conditions: [{ field: 'subject', op: 'contains', value: '見積' }], actions: [{ type: 'moveToFolder', folderId: 30 }, { type: 'stop' }] }),
        rule(1, 1, { conditions: [{ field: 'from', op: 'endsWith', value: '.co.jp' }], actions: [{ type: 'moveToFolder', folderId: 10 }, { type: 'addLabel', labelId: 11 }] }),
        rule(2, 2, { match: 'any', conditions: [{ field: 'subject', op: 'contains', value: 'zzz' }, { field: 'hasAttachment', op: 'equals', value: 'true' }], actions: [{ type: 'addLabel', labelId: 12 }, { type: 'addLabel', labelId: 11 }, { type: 'assign', groupId: 7 }] }),
        rule(4, 4, { actions: [{ type: 'markSpam' }] }),
      ],
      input,
    );
    expect(out).toMatchObject({ folderId: 30, labelIds: [11, 12], assigneeGroupId: 7, assigneeId: null, spam: false });
    expect(out.applied.map((a) => a.ruleId)).toEqual([1, 2, 3]);
  });

  it('skips inactive rules and rules whose conditions do not all hold', () => {
    const out = evaluateRules(
      [
        rule(1, 1, { active: false, actions: [{ type: 'markSpam' }] }),
        rule(2, 2, { conditions: [{ field: 'subject', op: 'contains', value: '見積' }, { field: 'channel', op: 'equals', value: 'form' }], actions: [{ type: 'markSpam' }] }),
      ],
      input,
    );
    expect(out).toMatchObject({ spam: false, applied: [] });
  });
});

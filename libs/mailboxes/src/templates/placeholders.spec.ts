import { describePlaceholderProblem, findUnknownPlaceholders, PLACEHOLDERS, renderTemplate, TemplateVars } from './placeholders';

const vars: TemplateVars = {
  customer: { name: '山田 花子', code: '784018' },
  ticket: { code: 'IQ000123', subject: '見積のお願い ①㈱' },
  agent: { name: '佐藤' },
  mailbox: { name: 'サポート' },
  company: { name: '株式会社窓口' },
};

describe('renderTemplate', () => {
  it.each([
    ['every placeholder', PLACEHOLDERS.map((p) => `{{${p}}}`).join('|'), '山田 花子|784018|IQ000123|見積のお願い ①㈱|佐藤|サポート|株式会社窓口'],
    ['Japanese text around placeholders', '{{customer.name}}様\nいつもお世話になっております。{{company.name}}の{{agent.name}}です。', '山田 花子様\nいつもお世話になっております。株式会社窓口の佐藤です。'],
    ['adjacent placeholders', '{{ticket.code}}{{ticket.subject}}', 'IQ000123見積のお願い ①㈱'],
    ['whitespace inside the braces', '[{{ ticket.code }}] [{{\tmailbox.name\u3000}}]', '[IQ000123] [サポート]'],
    ['the same placeholder twice', '{{agent.name}}/{{agent.name}}', '佐藤/佐藤'],
    ['text without placeholders', '本日はありがとうございました。', '本日はありがとうございました。'],
    ['single braces and a stray closing pair', '{customer.name} }} {', '{customer.name} }} {'],
    ['an empty text', '', ''],
  ])('%s', (_name, text, expected) => {
    expect(renderTemplate(text, vars)).toBe(expected);
  });

  it('renders missing values as the empty string', () => {
    const sparse: TemplateVars = { customer: { name: null, code: undefined }, ticket: { code: 'IQ000001', subject: '' }, agent: { name: '' }, mailbox: { name: null }, company: { name: null } };
    expect(renderTemplate('[{{customer.name}}][{{customer.code}}][{{ticket.code}}][{{company.name}}]', sparse)).toBe('[][][IQ000001][]');
  });

  it('does not expand placeholders that come from a value', () => {
    const tricky = { ...vars, customer: { name: '{{company.name}}', code: '1' } };
    expect(renderTemplate('{{customer.name}}様', tricky)).toBe('{{company.name}}様');
  });

  it('leaves unknown and unclosed placeholders as written instead of dropping them', () => {
    expect(renderTemplate('{{customer.nmae}} {{ticket.code', vars)).toBe('{{customer.nmae}} {{ticket.code');
  });
});

describe('findUnknownPlaceholders', () => {
  it.each([
    ['known placeholders only', '{{customer.name}}様 {{ ticket.code }}', []],
    ['Japanese text without placeholders', 'お問い合わせありがとうございます。', []],
    ['a misspelt name', '{{customer.nmae}}様', [{ kind: 'unknown', token: '{{customer.nmae}}', index: 0 }]],
    ['a name in another case', '{{Customer.Name}}', [{ kind: 'unknown', token: '{{Customer.Name}}', index: 0 }]],
    ['a Japanese name', 'こんにちは{{顧客名}}', [{ kind: 'unknown', token: '{{顧客名}}', index: 5 }]],
    ['empty braces', 'a{{ }}b', [{ kind: 'unknown', token: '{{ }}', index: 1 }]],
    ['triple braces', '{{{ticket.code}}}', [{ kind: 'unknown', token: '{{{ticket.code}}', index: 0 }]],
    ['an unclosed {{ at the end', '番号: {{ticket.code', [{ kind: 'malformed', token: '{{ticket.code', index: 4 }]],
    ['an unclosed {{ followed by a good one', '{{customer.name {{ticket.code}}', [{ kind: 'malformed', token: '{{customer.name ', index: 0 }]],
    ['a single closing brace', '{{ticket.code}', [{ kind: 'malformed', token: '{{ticket.code}', index: 0 }]],
    ['a placeholder broken over two lines', '{{agent\n名前}}', [{ kind: 'unknown', token: '{{agent\n名前}}', index: 0 }]],
    [
      'several problems, in order',
      '{{ticket.code}} {{foo}} {{agent.name}} {{bar',
      [
        { kind: 'unknown', token: '{{foo}}', index: 16 },
        { kind: 'malformed', token: '{{bar', index: 39 },
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(findUnknownPlaceholders(text)).toEqual(expected);
  });

  it('quotes at most a short excerpt of an unclosed {{ and stops at the line end', () => {
    const [problem] = findUnknownPlaceholders(`{{${'x'.repeat(100)}`);
    expect(problem.token).toBe(`{{${'x'.repeat(30)}`);
    expect(findUnknownPlaceholders('{{abc\ndef')[0].token).toBe('{{abc');
  });

  it('describes a problem with the placeholder and the known ones', () => {
    const [problem] = findUnknownPlaceholders('{{customer.nmae}}');
    const message = describePlaceholderProblem(problem);
    expect(message).toContain('unknown placeholder {{customer.nmae}}');
    for (const p of PLACEHOLDERS) expect(message).toContain(`{{${p}}}`);
    expect(describePlaceholderProblem(findUnknownPlaceholders('{{ticket.code')[0])).toMatch(/unclosed placeholder "\{\{ticket\.code"/);
  });
});

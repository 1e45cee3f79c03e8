import { checkFormDefinition, FormDefinition, slugFrom } from './form-definition';

const base = (): FormDefinition => ({
  name: 'お問い合わせ',
  slug: 'contact',
  description: null,
  fields: [
    { key: 'name', label: 'お名前', type: 'text', required: true },
    { key: 'email', label: 'メールアドレス', type: 'email', required: true },
    { key: 'topic', label: 'ご用件', type: 'select', required: true, options: ['見積', 'その他'] },
    { key: 'body', label: 'お問い合わせ内容', type: 'textarea', required: true, maxLength: 2000 },
  ],
  replyEmailField: 'email',
  thankYou: { enabled: true, subject: '【{{form.name}}】受付のお知らせ', body: '{{ field.name }} 様\n{{field.topic}} について承りました。' },
  active: true,
});

describe('checkFormDefinition', () => {
  it('accepts a complete form', () => {
    expect(checkFormDefinition(base())).toEqual({});
  });

  it.each<[string, (d: FormDefinition) => void, string, RegExp]>([
    ['a second email field', (d) => d.fields.push({ key: 'email2', label: '確認用', type: 'email', required: false }), 'fields.4.type', /exactly one email field/],
    ['no reply field named', (d) => (d.replyEmailField = ''), 'replyEmailField', /replyEmailField is required/],
    ['a reply field that is not an email field', (d) => (d.replyEmailField = 'name'), 'replyEmailField', /must name an email field/],
    ['a reply field naming nothing', (d) => (d.replyEmailField = 'mail'), 'replyEmailField', /names no field/],
    ['no email field at all', (d) => ((d.fields = d.fields.filter((f) => f.type !== 'email')), (d.thankYou.enabled = false)), 'replyEmailField', /names no field/],
    ['a slug with capitals and spaces', (d) => (d.slug = 'Contact Us'), 'slug', /a-z, 0-9/],
    ['a slug with a trailing hyphen', (d) => (d.slug = 'contact-'), 'slug', /single hyphens/],
    ['a duplicate key', (d) => (d.fields[3].key = 'name'), 'fields.3.key', /used by another field/],
    ['a key with a capital', (d) => (d.fields[0].key = 'Name'), 'fields.0.key', /start with a-z/],
    ['the honeypot key', (d) => (d.fields[0].key = 'website'), 'fields.0.key', /reserved/],
    ['a select without options', (d) => (d.fields[2].options = []), 'fields.2.options', /at least one option/],
    ['duplicate options', (d) => (d.fields[2].options = ['A', 'A']), 'fields.2.options', /listed twice/],
    ['options on a text field', (d) => (d.fields[0].options = ['x']), 'fields.0.options', /only for select/],
    ['maxLength on a select', (d) => (d.fields[2].maxLength = 10), 'fields.2.maxLength', /only for text/],
    ['maxLength above the type limit', (d) => (d.fields[3].maxLength = 20_000), 'fields.3.maxLength', /between 1 and 10000/],
    ['an unknown placeholder', (d) => (d.thankYou.body = '{{customer.name}} 様'), 'thankYou.body', /unknown placeholder \{\{customer\.name\}\}/],
    ['a placeholder of a field the form lacks', (d) => (d.thankYou.subject = '{{field.phone}}'), 'thankYou.subject', /unknown placeholder/],
    ['an unclosed placeholder', (d) => (d.thankYou.body = '{{field.name 様'), 'thankYou.body', /unclosed/],
    ['an enabled thank-you mail without a body', (d) => (d.thankYou.body = ' '), 'thankYou.body', /needs a body/],
  ])('refuses %s', (_name, change, path, message) => {
    const d = base();
    change(d);
    const errors = checkFormDefinition(d);
    expect(errors[path]?.join(' ')).toMatch(message);
  });

  it('does not ask for a subject and body when the thank-you mail is off', () => {
    const d = base();
    d.thankYou = { enabled: false, subject: '', body: '' };
    expect(checkFormDefinition(d)).toEqual({});
  });
});

describe('slugFrom', () => {
  it.each([
    ['Contact Us!', 'contact-us'],
    ['Ｓｕｐｐｏｒｔ　２０２５', 'support-2025'],
    ['お問い合わせ', ''],
    ['見積 quote form', 'quote-form'],
  ])('%s → %s', (name, slug) => expect(slugFrom(name)).toBe(slug));
});

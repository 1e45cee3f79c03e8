import { FormField } from '../definition/form-definition';
import { checkSubmission } from './form-submission';

const fields: FormField[] = [
  { key: 'name', label: 'お名前', type: 'text', required: true, maxLength: 10 },
  { key: 'email', label: 'メール', type: 'email', required: true },
  { key: 'tel', label: '電話', type: 'tel', required: false },
  { key: 'topic', label: 'ご用件', type: 'checkbox', required: true, options: ['見積', '資料', 'その他'] },
  { key: 'plan', label: 'プラン', type: 'radio', required: false, options: ['A', 'B'] },
  { key: 'pref', label: '都道府県', type: 'select', required: false, options: ['東京都', '大阪府'] },
  { key: 'day', label: '希望日', type: 'date', required: false },
  { key: 'body', label: '内容', type: 'textarea', required: false },
];

describe('checkSubmission', () => {
  it('normalises the values and keeps the form order', () => {
    const r = checkSubmission(fields, {
      body: '一行目\r\n二行目  ',
      name: ' 山田\n花子 ',
      email: 'ｈａｎａｋｏ＠example.jp',
      tel: '０３ー１２３４ー５６７８',
      topic: ['その他', '見積'],
      plan: 'B',
      pref: '',
      day: '2025-4-1',
      extra: 'ignored',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fields.map((f) => [f.key, f.value])).toEqual([
      ['name', '山田 花子'],
      ['email', 'hanako@example.jp'],
      ['tel', '03-1234-5678'],
      ['topic', '見積、その他'],
      ['plan', 'B'],
      ['pref', ''],
      ['day', '2025/04/01'],
      ['body', '一行目\n二行目'],
    ]);
  });

  it('gives one message list per field key', () => {
    const r = checkSubmission(fields, { name: 'あいうえおかきくけこさ', email: 'not-an-address', tel: '12-34', topic: ['なにか'], plan: 'C', pref: '北海道', day: '2025-02-30' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['day', 'email', 'name', 'plan', 'pref', 'tel', 'topic']);
    expect(r.errors.name[0]).toMatch(/10文字以内/);
    expect(r.errors.email[0]).toMatch(/メールアドレス/);
  });

  it('asks for required fields, a required checkbox included', () => {
    const r = checkSubmission(fields, { name: '  ', topic: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({ name: ['必須項目です'], email: ['必須項目です'], topic: ['1つ以上選んでください'] });
  });

  it('refuses objects where text is expected', () => {
    const r = checkSubmission(fields, { name: { $gt: '' }, email: 'a@example.jp', topic: '見積' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors)).toEqual(['name']);
  });
});

import { renderFormPage } from './form-page.html';
import { senderNameOf, subjectOf } from './form-submissions.service';

describe('renderFormPage', () => {
  const html = renderFormPage({
    name: '<script>alert(1)</script>お問い合わせ',
    slug: 'contact',
    description: '"quoted" & <b>bold</b>',
    fields: [
      { key: 'name', label: 'お名前<img src=x onerror=alert(1)>', type: 'text', required: true },
      { key: 'topic', label: 'ご用件', type: 'radio', required: false, options: ['"A"</label><script>x()</script>'] },
      { key: 'email', label: 'メール', type: 'email', required: true },
    ],
  });

  it('escapes everything the form author typed', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('</label><script>x()');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;お問い合わせ');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
  });

  it('is a Japanese page for phones with the three steps and a hidden spam trap', () => {
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('name="viewport"');
    for (const id of ['step-input', 'step-confirm', 'step-done']) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<div class="hp" aria-hidden="true">.*name="website" tabindex="-1"/);
    expect(html).toContain('/api/public/forms/contact/submissions');
  });
});

describe('subject and sender name of a submission', () => {
  const f = (key: string, label: string, value: string, type: 'text' | 'select' = 'text') => ({ key, label, type, value });

  it('adds a subject-like field to the form name', () => {
    expect(subjectOf('お問い合わせ', [f('name', 'お名前', '山田'), f('kind', 'ご用件', '見積', 'select')])).toBe('お問い合わせ: 見積');
    expect(subjectOf('お問い合わせ', [f('name', 'お名前', '山田')])).toBe('お問い合わせ');
  });

  it('takes the name, not its reading in kana', () => {
    expect(senderNameOf([f('kana', 'お名前（フリガナ）', 'ヤマダ'), f('full', 'お名前', '山田 花子')])).toBe('山田 花子');
    expect(senderNameOf([f('name', '担当者', '佐藤')])).toBe('佐藤');
    expect(senderNameOf([f('company', '会社名', '窓口')])).toBeNull();
  });
});

import { findUnknownFormPlaceholders, renderFormMail } from './form-placeholders';

describe('form mail placeholders', () => {
  const vars = { formName: '資料請求', fields: { name: '山田 花子', topic: '見積、その他', note: '' } };

  it('fills the form name and field values, whitespace inside braces allowed', () => {
    expect(renderFormMail('【{{form.name}}】{{ field.name }}様 {{field.topic}}[{{field.note}}]', vars)).toBe('【資料請求】山田 花子様 見積、その他[]');
  });

  it('never expands braces that come from a value', () => {
    expect(renderFormMail('{{field.name}}', { formName: 'x', fields: { name: '{{form.name}}' } })).toBe('{{form.name}}');
  });

  it('leaves unknown placeholders as written and reports them', () => {
    expect(renderFormMail('{{ticket.code}}', vars)).toBe('{{ticket.code}}');
    expect(findUnknownFormPlaceholders('{{field.name}} {{field.nmae}} {{form.name', ['name']).map((p) => [p.kind, p.token])).toEqual([
      ['unknown', '{{field.nmae}}'],
      ['malformed', '{{form.name'],
    ]);
  });
});

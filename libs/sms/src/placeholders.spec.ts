import { checkPlaceholders, placeholderProblem, renderPlaceholders } from './placeholders';

describe('SMS template placeholders', () => {
  it.each([
    ['[[%氏名%]]様 [[%担当者%]]です', ['氏名', '担当者'], []],
    ['[[%会社名%]] [[%オンライン接客URL%]] [[%ミーティングID%]] [[%ミーティングパスワード%]]', ['会社名', 'オンライン接客URL', 'ミーティングID', 'ミーティングパスワード'], []],
    ['[[%氏名%]][[%氏名%]]', ['氏名'], []],
    ['[[%名前%]]と[[%氏名%]]', ['氏名'], ['名前']],
    ['no placeholders', [], []],
  ])('%s uses %j, unknown %j', (text, used, unknown) => {
    const c = checkPlaceholders(text);
    expect(c.used).toEqual(used);
    expect(c.unknown).toEqual(unknown);
  });

  it('names the unknown ones in its message', () => {
    expect(placeholderProblem('[[%名前%]] [[%URL%]]')).toMatch(/^unknown placeholders \[\[%名前%\]\], \[\[%URL%\]\] — known: \[\[%氏名%\]\]/);
    expect(placeholderProblem('[[%氏名%]]')).toBeNull();
  });

  it('refuses a placeholder that is not closed', () => {
    expect(checkPlaceholders('[[%氏名 様').unclosed).toBe(true);
    expect(placeholderProblem('[[%氏名 様')).toMatch(/not closed/);
  });

  it('renders the known ones and leaves missing values empty', () => {
    expect(renderPlaceholders('[[%氏名%]]様、[[%会社名%]]の[[%担当者%]]です。[[%ミーティングID%]]', { 氏名: '山田 太郎', 会社名: '窓口', 担当者: '佐藤' })).toBe('山田 太郎様、窓口の佐藤です。');
  });
});

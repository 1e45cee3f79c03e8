import { mentionedUserIds } from './mentions';

const users = [
  { id: 1, name: '佐藤', email: 'sato@example.jp' },
  { id: 2, name: '佐藤 花子', email: 'hanako@example.jp' },
  { id: 3, name: 'Ken Ito', email: 'ken.ito@example.jp' },
];

describe('mentionedUserIds', () => {
  it('takes the longest full name after @, with spaces and Japanese', () => {
    expect(mentionedUserIds('@佐藤 花子さん、確認お願いします', users)).toEqual([2]);
    expect(mentionedUserIds('@佐藤さん', users)).toEqual([1]);
    expect(mentionedUserIds('cc @Ken Ito and @佐藤 花子 @佐藤 花子', users).sort()).toEqual([2, 3]);
  });

  it('accepts the email local part, ending at a boundary', () => {
    expect(mentionedUserIds('@hanako 見てください', users)).toEqual([2]);
    expect(mentionedUserIds('@ken.itox', users)).toEqual([]);
    expect(mentionedUserIds('@ken.ito、よろしく', users)).toEqual([3]);
  });

  it('ignores unknown names and plain addresses', () => {
    expect(mentionedUserIds('@誰か', users)).toEqual([]);
    expect(mentionedUserIds('mail me at someone@example.jp', users)).toEqual([]);
  });
});

import { replyHtmlToText, sanitizeReplyHtml } from './rich-text';

describe('sanitizeReplyHtml', () => {
  it('keeps the editor marks: bold, italic, underline, lists, quotes, links', () => {
    const html = '<p><b>太字</b> <i>斜体</i> <u>下線</u></p><ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引用</blockquote><a href="https://example.jp/">リンク</a>';
    const out = sanitizeReplyHtml(html);
    for (const part of ['<b>太字</b>', '<i>斜体</i>', '<u>下線</u>', '<ul><li>一</li></ul>', '<ol><li>二</li></ol>', '<blockquote>引用</blockquote>']) expect(out).toContain(part);
    expect(out).toContain('<a href="https://example.jp/" rel="noopener noreferrer" target="_blank">リンク</a>');
  });

  it('drops scripts with their content, event handlers, styles and javascript: links', () => {
    const out = sanitizeReplyHtml(
      '<p onclick="x()">hi<script>alert(1)</script></p><img src=x onerror="alert(2)"><style>p{color:red}</style><a href="javascript:alert(3)">bad</a><a href=" JaVaScRiPt:alert(4)">bad2</a><span style="position:fixed">s</span><iframe src="https://evil"></iframe>',
    );
    expect(out).not.toMatch(/script|onerror|onclick|alert|style|iframe|<img/i);
    expect(out).toContain('<p>hi</p>');
    expect(out).toContain('bad');
    expect(out).not.toMatch(/href/);
  });

  it('refuses data: and protocol-relative links', () => {
    expect(sanitizeReplyHtml('<a href="data:text/html,x">d</a><a href="//evil.example/">p</a>')).not.toMatch(/href/);
  });

  it('keeps mailto and tel links', () => {
    expect(sanitizeReplyHtml('<a href="mailto:a@example.jp">m</a>')).toContain('href="mailto:a@example.jp"');
    expect(sanitizeReplyHtml('<a href="tel:0312345678">t</a>')).toContain('href="tel:0312345678"');
  });
});

describe('replyHtmlToText', () => {
  it('derives a readable plain part', () => {
    const text = replyHtmlToText(sanitizeReplyHtml('<p>山田様</p><p>お世話になっております。<br>ご確認ください。</p><ul><li>見積書</li><li>請求書</li></ul><a href="https://example.jp/a">こちら</a>'));
    expect(text).toContain('山田様');
    expect(text).toContain('お世話になっております。\nご確認ください。');
    expect(text).toContain('* 見積書');
    expect(text).toContain('こちら [https://example.jp/a]');
    expect(text).not.toMatch(/<|>/);
  });
});

import { htmlToPlainText, sanitizeEmailHtml } from './sanitize-html';

describe('sanitizeEmailHtml', () => {
  it.each([
    ['removes scripts with their content', '<p>a</p><script>alert(1)</script>', '<p>a</p>'],
    ['removes event handlers', '<p onclick="x()" onmouseover="y()">a</p>', '<p>a</p>'],
    [
      'removes javascript: and protocol-relative links but keeps the text',
      '<a href="javascript:alert(1)">a</a><a href="//evil.example.com">b</a>',
      '<a target="_blank" rel="noopener noreferrer">a</a><a target="_blank" rel="noopener noreferrer">b</a>',
    ],
    [
      'opens links in a new tab without access to the console',
      '<a href="https://example.jp" target="_self" rel="opener">a</a>',
      '<a href="https://example.jp" target="_blank" rel="noopener noreferrer">a</a>',
    ],
    [
      'keeps mailto: and tel: links',
      '<a href="mailto:a@example.jp">m</a>',
      '<a href="mailto:a@example.jp" target="_blank" rel="noopener noreferrer">m</a>',
    ],
    [
      'keeps cid: images for the console to rewrite',
      '<img src="cid:logo@x" alt="l">',
      '<img src="cid:logo@x" alt="l" />',
    ],
    [
      'keeps data: images that are images',
      '<img src="data:image/png;base64,iVBORw0KGgo=">',
      '<img src="data:image/png;base64,iVBORw0KGgo=" />',
    ],
    ['drops data: "images" that are pages', '<img src="data:text/html;base64,PHNjcmlwdD4=">', ''],
    [
      'holds back remote images: the address kept aside, nothing to load (tracking pixels)',
      '<img src="https://tracker.example.com/p.gif?u=1&amp;m=2" alt="t" width="1">',
      '<img alt="t" width="1" data-remote-src="https://tracker.example.com/p.gif?u=1&amp;m=2" />',
    ],
    [
      'holds back http: images the same way (they only ever load through the server)',
      '<img src="http://tracker.example.com/p.gif">',
      '<img data-remote-src="http://tracker.example.com/p.gif" />',
    ],
    [
      'ignores a data-remote-src the sender wrote: only a remote src becomes one',
      '<img src="cid:a@x" data-remote-src="http://10.0.0.1/admin">',
      '<img src="cid:a@x" />',
    ],
    ['drops images with nothing to show', '<img data-remote-src="https://x.example.com/a.png"><img src="">', ''],
    ['drops srcset, lowsrc and background sources', '<img src="cid:a@x" srcset="https://t.example.com/a.png 2x" lowsrc="https://t.example.com/b.png"><table background="https://t.example.com/bg.png"><tr><td background="https://t.example.com/c.png">a</td></tr></table>', '<img src="cid:a@x" /><table><tr><td>a</td></tr></table>'],
    [
      'drops CSS that loads from elsewhere (url(), image-set(), @import)',
      '<p style="background: url(https://t.example.com/a.png); background-image: image-set(\'https://t.example.com/b.png\' 1x); color: red">a</p><div style="list-style-image: url(https://t.example.com/c.png); content: url(https://t.example.com/d.png)">b</div>',
      '<p style="color:red">a</p><div>b</div>',
    ],
    [
      'drops forms, inputs, iframes, objects and embeds',
      '<form><input name="p"><button>送信</button></form><iframe src="https://x"></iframe><object data="x"></object><embed src="x">',
      '送信',
    ],
    [
      'drops style sheets and the head',
      '<html><head><title>T</title><style>p{}</style></head><body><p>本文</p></body></html>',
      '<p>本文</p>',
    ],
    [
      'keeps simple styles and drops layout hazards',
      '<p style="color: #333; font-size: 12px; position: absolute; background-image: url(x)">a</p>',
      '<p style="color:#333;font-size:12px">a</p>',
    ],
    [
      'drops styles that could lay the mail over the console (position, z-index, offsets, transforms)',
      '<div style="position: fixed; top: 0; left: 0; right: 0; bottom: 0; z-index: 2147483647; inset: 0; transform: translateY(-500px); translate: 0 -500px; float: left; color: blue">偽の画面</div><span style="position: sticky">s</span><span style="position:absolute !important">a</span>',
      '<div style="color:blue">偽の画面</div><span>s</span><span>a</span>',
    ],
    [
      'drops negative margins, which pull the mail up over the console',
      '<div style="margin-top: -2000px; margin: -10px 0 0 0; margin-left: -9999px; margin-bottom: 4px">a</div><p style="margin: 0 auto 8px">b</p>',
      '<div style="margin-bottom:4px">a</div><p style="margin:0 auto 8px">b</p>',
    ],
    [
      'keeps tables with their layout attributes',
      '<table border="1" cellpadding="2"><tr><td colspan="2" onclick="x">a</td></tr></table>',
      '<table border="1" cellpadding="2"><tr><td colspan="2">a</td></tr></table>',
    ],
    [
      'drops class and id, which would collide with the console',
      '<div class="x" id="y">a</div>',
      '<div>a</div>',
    ],
  ])('%s', (_behaviour, html, expected) => {
    expect(sanitizeEmailHtml(html)).toBe(expected);
  });
});

describe('htmlToPlainText', () => {
  it('renders paragraphs, lists, links and tables without wrapping Japanese lines', () => {
    const text = htmlToPlainText(
      `<p>${'長い文章'.repeat(30)}</p><ul><li>一</li><li>二</li></ul><p><a href="https://example.jp/a">リンク</a></p><table><tr><td>商品</td><td>数量</td></tr></table>`,
    );
    expect(text.split('\n')[0]).toBe('長い文章'.repeat(30));
    expect(text).toContain(' * 一\n * 二');
    expect(text).toContain('リンク [https://example.jp/a]');
    expect(text).toMatch(/商品\s+数量/);
  });
});

import { htmlToText } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

const CSS_COLOR = /^(?:#[0-9a-f]{3,8}|[a-z]+|rgba?\(\s*[\d.\s,%]+\)|hsla?\(\s*[\d.\s,%deg]+\))$/i;
const CSS_LENGTH =
  /^(?:0|auto|-?[\d.]+(?:px|pt|em|rem|%|ex|ch|cm|mm|in)?)(?:\s+(?:0|auto|-?[\d.]+(?:px|pt|em|rem|%|ex|ch|cm|mm|in)?)){0,3}$/i;
/** Margins, paddings and sizes: a negative margin pulls the mail up over the console's own controls. */
const CSS_SIZE =
  /^(?:0|auto|[\d.]+(?:px|pt|em|rem|%|ex|ch|cm|mm|in)?)(?:\s+(?:0|auto|[\d.]+(?:px|pt|em|rem|%|ex|ch|cm|mm|in)?)){0,3}$/i;
const CSS_KEYWORD = /^[a-z-]+$/i;
const CSS_FONT_FAMILY = /^[\w\s,"'\-\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]+$/;

/**
 * Where a remote image's address is kept instead of `src`, so that opening a mail loads nothing
 * from the sender (tracking pixels, read receipts, the agent's IP address). The console's
 * 「画像を表示」 switch loads these through the server's image proxy, per mail, on request.
 */
export const REMOTE_SRC = 'data-remote-src';
const MAX_REMOTE_URL = 2048;

/** A remote (http/https) src moves to data-remote-src; one the sender wrote there is never trusted. */
function holdBackRemoteImage(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const { src, [REMOTE_SRC]: _ignored, ...rest } = attribs;
  const url = src?.trim() ?? '';
  if (!/^https?:\/\//i.test(url)) return src === undefined ? rest : { src, ...rest };
  if (url.length > MAX_REMOTE_URL || !isHttpUrl(url)) return rest;
  return { ...rest, [REMOTE_SRC]: url };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname && !u.username && !u.password;
  } catch {
    return false;
  }
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'a',
    'abbr',
    'address',
    'b',
    'big',
    'blockquote',
    'br',
    'caption',
    'center',
    'cite',
    'code',
    'col',
    'colgroup',
    'dd',
    'del',
    'div',
    'dl',
    'dt',
    'em',
    'font',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'i',
    'img',
    'ins',
    'kbd',
    'li',
    'mark',
    'ol',
    'p',
    'pre',
    'q',
    'rp',
    'rt',
    'ruby',
    's',
    'samp',
    'small',
    'span',
    'strike',
    'strong',
    'sub',
    'sup',
    'table',
    'tbody',
    'td',
    'tfoot',
    'th',
    'thead',
    'tr',
    'tt',
    'u',
    'ul',
    'wbr',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', REMOTE_SRC, 'alt', 'title', 'width', 'height'],
    font: ['color', 'size', 'face'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
    tr: ['align', 'valign', 'bgcolor'],
    col: ['span', 'width'],
    colgroup: ['span', 'width'],
    ol: ['start', 'type'],
    '*': ['style', 'align', 'dir', 'lang', 'title'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  // Inline images stay `cid:` references: the console rewrites them to attachment URLs.
  // Embedded ones as data: URIs. Remote ones never keep a src (see holdBackRemoteImage).
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  allowedStyles: {
    '*': {
      color: [CSS_COLOR],
      'background-color': [CSS_COLOR],
      'font-size': [CSS_LENGTH, CSS_KEYWORD],
      'font-weight': [/^(?:normal|bold|bolder|lighter|\d{3})$/],
      'font-style': [/^(?:normal|italic|oblique)$/],
      'font-family': [CSS_FONT_FAMILY],
      'text-align': [/^(?:left|right|center|justify|start|end)$/],
      'text-decoration': [/^[a-z\s-]+$/i],
      'vertical-align': [CSS_KEYWORD, CSS_LENGTH],
      'line-height': [CSS_LENGTH, /^[\d.]+$/],
      'white-space': [CSS_KEYWORD],
      margin: [CSS_SIZE],
      'margin-left': [CSS_SIZE],
      'margin-right': [CSS_SIZE],
      'margin-top': [CSS_SIZE],
      'margin-bottom': [CSS_SIZE],
      padding: [CSS_SIZE],
      'padding-left': [CSS_SIZE],
      'padding-right': [CSS_SIZE],
      'padding-top': [CSS_SIZE],
      'padding-bottom': [CSS_SIZE],
      'border-collapse': [CSS_KEYWORD],
      width: [CSS_SIZE],
      height: [CSS_SIZE],
    },
  },
  // Offsets, position, z-index, transforms, floats and every property that can load a URL
  // (background, list-style-image, content, …) are not in this list, so they are dropped: a mail
  // can neither lay itself over the console nor fetch anything by its style.
  // Their text is not content: without this a <title> or a <style> sheet shows up as words.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'template'],
  disallowedTagsMode: 'discard',
  transformTags: {
    img: (tagName, attribs) => ({ tagName, attribs: holdBackRemoteImage(attribs) }),
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs[REMOTE_SRC] && !isAllowedImageSource(frame.attribs.src),
};

/** data: is allowed for images only when it is an image (a data:text/html "image" is a page). */
function isAllowedImageSource(src: string | undefined): boolean {
  if (!src) return false;
  const value = src.trim().toLowerCase();
  if (value.startsWith('data:')) return /^data:image\/(?:png|gif|jpe?g|webp|bmp);/.test(value);
  return value.startsWith('cid:');
}

/**
 * Customer HTML made safe to show inside the console: formatting, tables, links and images kept;
 * scripts, style sheets, forms, frames, event handlers and unknown attributes gone. Links open
 * in a new tab without access to the console (rel="noopener noreferrer"). Remote images are held
 * back (data-remote-src) until an agent asks for them; styles that could overlay the console go.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

const TEXT_OPTIONS = {
  wordwrap: false,
  limits: { maxDepth: 256 },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'table', format: 'dataTable' },
  ],
};

/** A plain-text rendering of (sanitised) HTML, for messages that come without a text part. */
export function htmlToPlainText(html: string): string {
  return htmlToText(html, TEXT_OPTIONS).trim();
}

// Elements that never contain others, or whose end tag mail HTML routinely leaves out.
const NOT_NESTING = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'rp',
  'rt',
  'tbody',
  'thead',
  'tfoot',
  'colgroup',
  'caption',
]);

/**
 * Whether elements nest deeper than `max`. The sanitiser and the text renderer take time that
 * grows with depth × size (100,000 nested <div>s take many seconds), and no real message nests
 * that deep; this estimate only counts start and end tags.
 */
export function htmlNestsDeeperThan(html: string, max: number): boolean {
  let depth = 0;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>/g)) {
    const name = match[2].toLowerCase();
    if (NOT_NESTING.has(name) || match[0].endsWith('/>')) continue;
    depth = match[1] ? Math.max(0, depth - 1) : depth + 1;
    if (depth > max) return true;
  }
  return false;
}

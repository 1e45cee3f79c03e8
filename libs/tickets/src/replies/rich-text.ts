import { htmlToText } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

/** What an agent's rich text reply may hold: the editor's own marks, nothing that runs or styles. */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'div', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'a', 'ul', 'ol', 'li', 'blockquote', 'span'],
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  // No javascript:, data: or vbscript: link; mailto and tel are what a reply names.
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // script, style and the like go with their content, not as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object'],
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...(attribs.href ? { href: attribs.href } : {}), rel: 'noopener noreferrer', target: '_blank' },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === 'a' && !frame.attribs.href && !frame.text.trim(),
};

/** A rich text reply's HTML as it is stored, shown and sent: allow-listed tags only, links rel=noopener. */
export function sanitizeReplyHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The plain-text part of a (sanitised) rich reply: lists as `* ` / `1. `, links as `text [url]`, quotes as `> `. */
export function replyHtmlToText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'ul', options: { itemPrefix: '* ' } },
      { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ],
  })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

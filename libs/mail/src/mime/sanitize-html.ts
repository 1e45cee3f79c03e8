import sanitizeHtml from 'sanitize-html';

/**
 * Customer HTML made safe to show inside the console: formatting, tables, links and images kept;
 * scripts, styles sheets, forms, frames and event handlers gone. Inline images stay as `cid:`
 * references (the API rewrites them to attachment URLs); remote images only over https.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'body'),
      'img', 'font', 'center', 'span', 'div', 'u', 's', 'strike', 'small', 'big', 'sub', 'sup', 'hr',
    ],
    allowedAttributes: {
      a: ['href', 'name', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      font: ['color', 'size', 'face'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width', 'bgcolor'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'bgcolor'],
      table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
      '*': ['style', 'align', 'dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https', 'cid', 'data'] },
    allowedStyles: {
      '*': {
        color: [/^[#a-z0-9(),.\s%]+$/i],
        'background-color': [/^[#a-z0-9(),.\s%]+$/i],
        'font-weight': [/^\w+$/],
        'font-style': [/^\w+$/],
        'font-size': [/^[\d.]+(px|pt|em|rem|%)$/],
        'text-align': [/^(left|right|center|justify)$/],
        'text-decoration': [/^[\w\s-]+$/],
      },
    },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    },
    disallowedTagsMode: 'discard',
  });
}

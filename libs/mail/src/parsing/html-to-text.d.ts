// html-to-text ships without type declarations (it comes with mailparser, which uses it for the
// same job); this covers the one function used here.
declare module 'html-to-text' {
  export function htmlToText(html: string, options?: Record<string, unknown>): string;
}

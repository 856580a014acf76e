/**
 * How long one finding's texts may be, in any language. Texts quote DNS and remote servers; a domain with 1,000 rua
 * addresses once made a 495,393-character summary. Both the English texts kept with a finding and every rendering
 * in another language (src/i18n/render.ts) are cut here.
 */
export const TEXT_BOUNDS = {
  summaryChars: 1_000,
  fixChars: 2_000,
} as const;

export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ` … (${text.length - max} more characters)`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

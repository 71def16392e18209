// A quick check for personal data in a note while the worker types. The
// server screens every note anyway (and replaces what it finds); this only
// warns early so that the worker can rephrase.
const patterns = [
  /(?:^|\D)(?:19|20)?\d{6}[-+ ]?\d{4}(?:\D|$)/, // personal identity number
  /(?:\+|00)\d[\d ()-]{6,}\d/, // international phone
  /(?:^|\D)0\d{1,3}[- ]?\d{2,3}[- ]?\d{2}[- ]?\d{2,3}(?:\D|$)/, // Swedish phone
  /[\w.+-]+@[\w-]+\.[\w.-]+/, // e-mail
  /(?:https?:\/\/|www\.)\S+/i, // link
  /(?:^|\s)@[\w.]{2,}/, // @handle
  /\b(?:snap(?:chat)?|insta(?:gram)?|kik|telegram|tiktok|onlyfans|whatsapp)\s*[:=]\s*\S+/i,
];

export function looksPersonal(text) {
  return patterns.some((re) => re.test(text || ""));
}

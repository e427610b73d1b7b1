// Known secret values never reach a file aos writes: each is replaced by [secret:NAME]. Pure.

export interface Secret {
  name: string;
  value: string;
}

/** Values shorter than this are not treated as secrets: redacting "abc" everywhere would wreck text. */
export const MIN_SECRET_LENGTH = 8;

/** Text in, the same text with every known secret value replaced by its name. */
export type Redact = (text: string) => string;

export function makeRedactor(secrets: readonly Secret[]): Redact {
  // Longest first, so a secret containing another is replaced whole.
  const known = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.value.length - a.value.length);
  if (!known.length) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of known) if (out.includes(s.value)) out = out.split(s.value).join(`[secret:${s.name}]`);
    return out;
  };
}

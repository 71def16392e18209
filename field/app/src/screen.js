// A check for personal data in a note while the worker types. The server
// screens every note anyway (package privacy, privacy/screen*.go) and
// replaces what it finds; this warns early so that the worker can rephrase.
// It is a port of the server's screen and must find what the server finds:
// field/app_screen_test.go runs the server's corpus and test cases through
// both and compares the kinds found. Change both together.

// S is RE2's \s (ASCII white space): JavaScript's \s also takes Unicode
// spaces, which the server does not.
const S = "[\\t\\n\\f\\r ]";

// TLDS: a link without a scheme, or an e-mail written with a bare "at",
// must end in one of these.
const TLDS = "com|se|net|org|me|io|nu|eu|info|app|tv|co|ly|gg|ru|uk|de|no|dk|fi|pl|ro|bg|hu|ng|es|it|fr|th|ua";
// PLATFORMS: the names of platforms a profile may be given for.
const PLATFORMS = "snap(?:chat)?|insta(?:gram)?|ig|kik|telegram|tg|tiktok|onlyfans|whatsapp|signal|facebook|fb|twitter|discord|wickr|threema|tinder";

// re compiles a pattern written as for RE2 (privacy/screen.go), with \s
// made ASCII inside and outside character classes; d gives each group's
// offsets.
function re(src, flags = "") {
  let out = "", inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      const next = src[i + 1];
      out += next === "s" ? (inClass ? "\\t\\n\\f\\r " : S) : c + next;
      i++;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return new RegExp(out, "gud" + flags);
}

// The detectors, most specific first, as in privacy/screen.go.
const emailRe = re(`[a-z0-9._%+\\-]+(?:@|\\s?[\\(\\[]\\s?(?:at|snabel-?a)\\s?[\\)\\]]\\s?|\\s+snabel-?a\\s+)[a-z0-9\\-]+(?:(?:\\.|\\s?[\\(\\[]\\s?(?:dot|punkt)\\s?[\\)\\]]\\s?|\\s+(?:dot|punkt)\\s+)[a-z0-9\\-]+)*`, "i");
const emailWordRe = re(`\\b[a-z0-9._%+\\-]+\\s+at\\s+[a-z0-9\\-]+(?:(?:\\.|\\s+(?:dot|punkt)\\s+)[a-z0-9\\-]+)*(?:\\.|\\s+(?:dot|punkt)\\s+)(?:${TLDS})\\b`, "i");
const linkRe = re(`(?:https?://|www\\.)[^\\s<>"'\\x00]+|\\b[a-z0-9\\-]+(?:\\.[a-z0-9\\-]+)*\\.(?:${TLDS})/[^\\s<>"'\\x00]*`, "i");
const handleRe = re(`(?:^|[^\\p{L}\\p{N}_.@])(@[\\p{L}\\p{N}_.]{2,40})`);
const platformNamedRe = re(`\\b(?:${PLATFORMS})\\s*(?:[:=]|\\s[\\-–])\\s*@?([\\p{L}\\p{N}_.\\-]{2,40})`, "i");
const platformLooseRe = re(`\\b(?:${PLATFORMS})\\s+(?:är\\s+|heter\\s+|is\\s+)?@?([\\p{L}\\p{N}_.]{2,40})`, "i");
const pnrRe = re(`(?:^|[^\\p{N}])((?:19|20)?\\d{2} ?\\d{2} ?\\d{2}(?:\\s{0,3}[\\-+–]\\s{0,3}|\\s{0,3})\\d{2} ?\\d{2})(?:[^\\p{N}]|$)`);
const phoneRe = re(`(?:^|[^\\p{N}\\p{L}+])((?:\\+|00|0)[ \\-]?[\\d\\(][\\d \\-./\\(\\)]{5,26}\\d)`);
// namePhraseRe: a phrase that introduces a name (group 1), an opening quote
// (2), the name (3) and a second word (4), part of the name only when it is
// capitalised (checked in names(): with the i flag, \p{Lu} would take any
// letter).
const namePhraseRe = re(`(?:^|[^\\p{L}])(heter|kallas(?:\\s+för)?|kallar\\s+(?:sig|henne|honom|hen)(?:\\s+för)?|namnet\\s+(?:är|var)|(?:hennes|hans|hens|mitt|ditt)\\s+namn\\s+(?:är|var)|namn\\s*:|(?:her|his|my|their)\\s+name\\s+(?:is|was)|name\\s*:|(?:is|was)\\s+called|calls\\s+(?:herself|himself|themself)|goes\\s+by|named)\\s+(["'“”«»]?)(\\p{L}[\\p{L}'’\\-]*)(?:(\\s+)(\\p{L}[\\p{L}'’\\-]*))?`, "i");
const strongNamePhrases = /^(?:namnet|hennes|hans|hens|mitt|ditt|her|his|my|their|calls|kallar)/i;

const nameWords = ["heter", "kallas", "kallar", "namn", "name", "called", "calls", "goes by"];
const platformHintWords = PLATFORMS.split("|").map((w) => w.split(/[(?]/)[0]);

const personWords = new Set(("hon han hen jag du she he i kvinnan tjejen flickan killen pojken mannen dottern sonen mamman pappan " +
  "pojkvännen flickvännen kompisen väninnan systern brodern kusinen barnet kunden köparen hallicken personen chefen bossen").split(" "));
const notNames = new Set(("inte något nåt nog väl typ så det den också bara egentligen visst alltså nu ju faktiskt annat samma " +
  "inget ingenting likadant olika för av not something nothing just also the a sig henne honom en ett som och").split(" "));
const thingSuffixes = ("stället ställe salongen salong sidan sajten sajt appen annonsen annons hotellet hotell hemmet klubben baren " +
  "restaurangen caféet kaféet gatan platsen torget gruppen kanalen chatten forumet firman företaget butiken lokalen huset " +
  "lägenheten spat tjänsten programmet projektet kampanjen skylten området parken stationen boendet härbärget kiosken pizzerian " +
  "gymmet kliniken mottagningen profilen kontot nätverket bolaget verksamheten fenomenet tjänst det den vad vilket vilken detta " +
  "denna place site app club salon hotel bar spa ad it what which this page account group shop venue profile").split(" ");

const isLetter = (c) => /\p{L}/u.test(c);
const isUpper = (c) => /\p{Lu}/u.test(c);
const isDigitAny = (c) => /\p{Nd}/u.test(c);

// hasWordPrefix: a word of text starts with w ("ig" in "ig: namn", not in "sig").
function hasWordPrefix(text, w) {
  for (let off = 0; off < text.length;) {
    const i = text.indexOf(w, off);
    if (i < 0) return false;
    if (i === 0) return true;
    const prev = [...text.slice(Math.max(0, i - 2), i)].pop();
    if (!isLetter(prev) && !isDigitAny(prev)) return true;
    off = i + 1;
  }
  return false;
}

// scanHints: cheap facts that rule detectors in or out (the server's
// pre-scan; kept so that both run the same detectors).
function scanHints(text) {
  const h = { digits: 0, at: false, atWord: false, slash: false, www: false, platform: false, name: false, wide: false, letterO: false };
  let prevDigit = false;
  let prev = "";
  for (const c of text) {
    const cp = c.codePointAt(0);
    const digit = c >= "0" && c <= "9";
    if (digit) {
      h.digits++;
      if (prev === "O" || prev === "o") h.letterO = true;
    } else if (c === "@") h.at = true;
    else if (c === "/") h.slash = true;
    else if ((c === "O" || c === "o") && prevDigit) h.letterO = true;
    else if (cp >= 0x80) {
      if ((cp >= 0xff01 && cp <= 0xff5e) || cp === 0x3000) {
        h.wide = true;
        if (cp === 0xff20) h.at = true;
        if (cp === 0xff0f) h.slash = true;
      }
      if (isDigitAny(c)) {
        h.wide = true;
        h.digits++;
      }
    }
    prevDigit = digit;
    prev = c;
  }
  const lower = text.toLowerCase();
  h.www = lower.includes("www.") || (h.wide && lower.includes("ｗｗｗ"));
  h.atWord = (lower.includes("at") && (lower.includes("(") || lower.includes("[") || lower.includes(" at "))) || lower.includes("snabel");
  h.platform = platformHintWords.some((w) => hasWordPrefix(lower, w));
  h.name = nameWords.some((w) => hasWordPrefix(lower, w));
  if (h.wide) {
    const n = normalize(text, { wide: true });
    if (n !== text) {
      const inner = scanHints(n);
      inner.wide = true;
      inner.letterO = inner.letterO || h.letterO;
      if (inner.digits < h.digits) inner.digits = h.digits;
      return inner;
    }
  }
  return h;
}
const anyHint = (h) => h.digits >= 7 || h.at || h.atWord || h.slash || h.www || h.platform || h.name || h.letterO;

// digitValue: the value of a decimal digit of any script (each script's
// digits run 0 to 9 from a zero).
function digitValue(cp) {
  let v = 0;
  while (v < 100 && isDigitAny(String.fromCodePoint(cp - v - 1))) v++;
  return v % 10;
}
const isDigitOrO = (c) => (c >= "0" && c <= "9") || c === "O" || c === "o";

// normalize: digits of every script and full-width forms to ASCII, a letter
// O among digits to a zero ("07O-123 45 67").
function normalize(text, h) {
  if (!h.wide && !h.letterO) return text;
  const chars = [...text].map((c) => {
    const cp = c.codePointAt(0);
    if (cp < 0x80) return c;
    if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCodePoint(cp - 0xfee0);
    if (cp === 0x3000) return " ";
    if (isDigitAny(c)) return String(digitValue(cp));
    return c;
  });
  for (let i = 0; i < chars.length;) {
    if (!isDigitOrO(chars[i])) { i++; continue; }
    let j = i, digit = false;
    while (j < chars.length && isDigitOrO(chars[j])) {
      digit = digit || (chars[j] >= "0" && chars[j] <= "9");
      j++;
    }
    const letterBefore = i > 0 && isLetter(chars[i - 1]);
    const letterAfter = j < chars.length && isLetter(chars[j]);
    if (digit && !letterBefore && !letterAfter) {
      for (let k = i; k < j; k++) if (chars[k] === "O" || chars[k] === "o") chars[k] = "0";
    }
    i = j;
  }
  return chars.join("");
}

const digitsOf = (s) => s.replace(/[^0-9]/g, "");

function luhnValid(d) {
  let sum = 0;
  for (let i = 0; i < d.length - 1; i++) {
    let v = Number(d[i]) * (2 - (i % 2));
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10 === Number(d[d.length - 1]);
}
function isPersonalNumber(cand) {
  let d = digitsOf(cand);
  if (d.length === 12) d = d.slice(2);
  if (d.length !== 10) return false;
  const month = Number(d.slice(2, 4));
  let day = Number(d.slice(4, 6));
  if (day > 60) day -= 60;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return luhnValid(d);
}
const dateShapes = [
  /^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$/,
  /^\d{4}[./-]\d{1,2}[./-]\d{1,2}$/,
  new RegExp(`^(?:[01]\\d|2[0-4])[.:]?[0-5]\\d${S}?[\\-–]${S}?(?:[01]\\d|2[0-4])[.:]?[0-5]\\d$`),
];
function isPhone(cand) {
  const d = digitsOf(cand);
  if (cand.startsWith("+")) return d.length >= 7 && d.length <= 15;
  if (d.startsWith("00")) return d.length >= 9 && d.length <= 15;
  if (d.length < 8 || d.length > 11) return false;
  return !dateShapes.some((r) => r.test(cand)); // cand starts with + or 0 and ends with a digit
}
function isUserName(cand) {
  const w = cand.replace(/\.+$/, "");
  return /[\p{Nd}_.]/u.test(w);
}
// isThing: w ends in a thing's word; a suffix shorter than 4 bytes of
// UTF-8 (as the server counts) only as the whole word.
const utf8Len = (s) => new TextEncoder().encode(s).length;
function isThing(w) {
  return thingSuffixes.some((s) => w.endsWith(s) && (w.length === s.length || utf8Len(s) >= 4));
}

// subjectBefore: does the clause before a name phrase name a thing, and is
// the word right before it a person?
function subjectBefore(before) {
  const cut = Math.max(...[".", "!", "?", ";", ":", "\n", "\0"].map((c) => before.lastIndexOf(c)));
  if (cut >= 0) before = before.slice(cut + 1);
  let words = before.toLowerCase().split(/[^\p{L}-]+/u).filter(Boolean);
  if (words.length > 6) words = words.slice(-6);
  if (words.length && personWords.has(words[words.length - 1])) return [false, true];
  return [words.some(isThing), false];
}

// Scan holds the normalised text with every find so far masked by NUL
// characters (which no detector matches).
class Scan {
  constructor(text) {
    this.work = text;
    this.found = new Set();
  }
  mark(s, e, kind) {
    this.work = this.work.slice(0, s) + "\0".repeat(e - s) + this.work.slice(e);
    this.found.add(kind);
  }
  // run masks and records group of every match of rx that passes check.
  run(rx, group, check, kind) {
    const text = this.work;
    const marks = [];
    for (const m of text.matchAll(rx)) {
      const cand = m[group];
      if (!cand) continue;
      if (cand.includes("[borttaget]") || cand.includes("\0")) continue;
      if (check && !check(cand)) continue;
      marks.push(m.indices[group]);
    }
    for (const [s, e] of marks) this.mark(s, e, kind);
  }
  // names masks names introduced by a phrase ("heter Ahmed").
  names() {
    const text = this.work;
    const marks = [];
    namePhraseRe.lastIndex = 0;
    for (let m; (m = namePhraseRe.exec(text));) {
      const phrase = m[1], quoted = m[2] !== "", first = m[3];
      const ps = m.indices[1][0], ns = m.indices[3][0];
      // A second word is part of the name only when it is capitalised;
      // otherwise the match ends after the first word, as the server's.
      let ne = m.indices[3][1];
      if (m[5] && isUpper([...m[5]][0])) ne = m.indices[5][1];
      namePhraseRe.lastIndex = ne;
      const lowerFirst = first.toLowerCase();
      if (notNames.has(lowerFirst) || isThing(lowerFirst)) continue;
      let strong = strongNamePhrases.test(phrase);
      if (!strong) {
        const [thing, person] = subjectBefore(text.slice(0, ps));
        if (thing && !person) continue;
        strong = person;
      }
      if (!(isUpper([...first][0]) || quoted || strong)) continue;
      marks.push([ns, ne]);
    }
    for (const [s, e] of marks) this.mark(s, e, "name");
  }
}

// screenKinds returns the kinds of personal data the server's screen would
// find in text, sorted: email, handle, link, name, personnummer, phone.
export function screenKinds(text) {
  text = text || "";
  const hint = scanHints(text);
  if (!anyHint(hint)) return [];
  const n = normalize(text, hint);
  if (hint.wide || hint.letterO) hint.digits = digitsOf(n).length;
  const sc = new Scan(n);
  if (hint.at || hint.atWord) {
    sc.run(emailRe, 0, null, "email");
    sc.run(emailWordRe, 0, null, "email");
  }
  if (hint.slash || hint.www) sc.run(linkRe, 0, null, "link");
  if (hint.digits >= 7) {
    sc.run(pnrRe, 1, isPersonalNumber, "personnummer");
    sc.run(phoneRe, 1, isPhone, "phone");
  }
  if (hint.platform) {
    sc.run(platformNamedRe, 1, null, "handle");
    sc.run(platformLooseRe, 1, isUserName, "handle");
  }
  if (hint.at) sc.run(handleRe, 1, null, "handle");
  if (hint.name) sc.names();
  return [...sc.found].sort();
}

// looksPersonal reports whether the server's screen would change the text.
export function looksPersonal(text) {
  return screenKinds(text).length > 0;
}

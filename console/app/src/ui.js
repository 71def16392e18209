// Small building blocks shared by every screen: an element builder, the
// language switch, labels from the code lists, dates, dialogs and messages.

let lang = localStorage.getItem("uppsok.console.lang") === "en" ? "en" : "sv";

// t picks the Swedish or the English text.
export function t(sv, en) {
  return lang === "en" ? en : sv;
}
export function currentLang() {
  return lang;
}
export function setLang(l) {
  lang = l === "en" ? "en" : "sv";
  localStorage.setItem("uppsok.console.lang", lang);
  document.documentElement.lang = lang;
}
document.documentElement.lang = lang;

// h builds an element: h("button", {class: "x", onclick: f}, "text", child).
// Attributes starting with "on" become listeners; null/false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}
// fill replaces el's children like replaceChildren, but skips null,
// undefined and false (native replaceChildren prints them as text).
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// field renders a labelled input (or select/textarea given as el).
let fieldSeq = 0;
export function field(label, el, hint) {
  const id = el.id || "f" + ++fieldSeq;
  el.id = id;
  const hintId = hint ? id + "-hint" : null;
  if (hintId) el.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: hintId }, hint) : null, el);
}

// select builds a <select> from [value, label] pairs.
export function select(attrs, options, selected) {
  return h("select", attrs, options.map(([v, l]) => h("option", { value: v, selected: v === selected }, l)));
}

// Code lists (served by /console/taxonomy.json).
let taxonomy = {};
export function setTaxonomy(x) {
  taxonomy = x || {};
}
const listAlias = { platform: "platforms", purpose: "purposes", indicator: "indicators", action: "actions" };
export function codes(list) {
  const l = taxonomy[listAlias[list] || list];
  return l ? l.codes : [];
}
export function label(list, code) {
  if (code === "_total") return t("Totalt", "Total");
  const c = codes(list).find((x) => x.code === code);
  return c ? c[lang] || c.sv : code;
}
export function labels(list, value) {
  let arr = value;
  if (typeof arr === "string") {
    try { arr = JSON.parse(arr || "[]"); } catch { arr = []; }
  }
  return (Array.isArray(arr) ? arr : []).map((c) => label(list, c)).join(", ");
}

// Dates: PocketBase stores "2026-11-27 10:15:00.000Z".
export function parseDate(s) {
  if (!s) return null;
  const d = new Date(String(s).replace(" ", "T"));
  return isNaN(d) ? null : d;
}
export function fmtDate(s) {
  const d = parseDate(s);
  return d ? d.toLocaleDateString(lang === "en" ? "en-GB" : "sv-SE") : "–";
}
export function fmtDateTime(s) {
  const d = parseDate(s);
  return d ? d.toLocaleString(lang === "en" ? "en-GB" : "sv-SE", { dateStyle: "short", timeStyle: "short" }) : "–";
}
// ago says how long ago, in words.
export function ago(s) {
  const d = parseDate(s);
  if (!d) return t("aldrig", "never");
  const min = Math.round((Date.now() - d.getTime()) / 60000);
  if (min < 2) return t("nyss", "just now");
  if (min < 60) return t(`${min} min sedan`, `${min} min ago`);
  const hrs = Math.round(min / 60);
  if (hrs < 48) return t(`${hrs} tim sedan`, `${hrs} h ago`);
  const days = Math.round(hrs / 24);
  return t(`${days} dagar sedan`, `${days} days ago`);
}
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// errorText gives a server error's message (PocketBase's shape) in the
// current language: messages are "svenska / English".
export function errorText(err) {
  const data = err && (err.response || err.data);
  let msg = (data && data.message) || (err && err.message) || "";
  const fields = data && data.data;
  if (fields && typeof fields === "object") {
    const parts = Object.entries(fields).filter(([, v]) => v && v.message).map(([k, v]) => `${k}: ${v.message}`);
    if (parts.length) msg += " (" + parts.join("; ") + ")";
  }
  if (err && err.status === 0) return t("Ingen kontakt med servern. Försök igen.", "No connection to the server. Try again.");
  if (msg.includes(" / ")) {
    const [sv, en] = msg.split(" / ");
    return t(sv, en || sv);
  }
  return msg || t("Något gick fel.", "Something went wrong.");
}

// toast tells the user what happened (a polite live region).
let toastTimer;
export function toast(text, kind = "ok") {
  const el = document.getElementById("toast");
  el.className = kind;
  el.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.textContent = ""; el.className = ""; }, 8000);
}

// confirmAsk shows a modal dialog with a plain warning and asks once.
// Resolves true when the user confirms.
export function confirmAsk(title, body, okText, danger = true) {
  return new Promise((resolve) => {
    const dlg = h("dialog", { "aria-labelledby": "dlg-title" },
      h("h2", { id: "dlg-title" }, title),
      ...[].concat(body).map((p) => (p instanceof Node ? p : h("p", {}, p))),
      h("div", { class: "row end" },
        h("button", { class: "secondary", onclick: () => close(false) }, t("Avbryt", "Cancel")),
        h("button", { class: danger ? "danger" : "", id: "dlg-ok", onclick: () => close(true) }, okText)));
    function close(v) {
      dlg.close();
      dlg.remove();
      resolve(v);
    }
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(false); });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector("button.secondary").focus();
  });
}

// busy disables a button while an action runs and reports its error.
export async function busy(btn, fn) {
  if (btn) btn.disabled = true;
  try {
    return await fn();
  } catch (err) {
    toast(errorText(err), "error");
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

// table renders rows with a caption and header cells. Each body cell
// carries its column's name (data-label): a table of class "stack" shows
// its rows as stacked cards, each cell with its column name, where it has
// too little room (a tablet held upright), so no action is cut off.
export function table(caption, headers, rows, attrs = {}) {
  for (const row of [].concat(rows).flat(Infinity)) {
    if (!(row instanceof Element)) continue;
    [...row.children].forEach((cell, i) => {
      const name = headers[i];
      if (typeof name === "string" && name && !cell.dataset.label) cell.dataset.label = name;
    });
  }
  const wrap = h("div", { class: "table-wrap" },
    h("table", attrs,
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows)));
  // A table wider than its room scrolls sideways: then the keyboard can
  // reach and scroll it too (a named region with a visible focus ring).
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (typeof caption === "string" && caption) || t("Tabell, rulla i sidled", "Table, scroll sideways"));
      } else if (wrap.hasAttribute("tabindex")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }).observe(wrap);
  }
  return wrap;
}

// download fetches a file with the signed-in token and saves it.
export async function download(token, url, fallbackName) {
  const res = await fetch(url, { headers: token ? { Authorization: token } : {} });
  if (!res.ok) {
    let body = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    const e = new Error(body.message || "HTTP " + res.status);
    e.status = res.status;
    e.response = body;
    throw e;
  }
  const blob = await res.blob();
  const cd = res.headers.get("Content-Disposition") || "";
  const m = cd.match(/filename="([^"]+)"/);
  const a = h("a", { href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  return blob;
}

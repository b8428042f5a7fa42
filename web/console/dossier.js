// console/dossier.js: the leader's dossier (R12: the self-report and the
// answers to the voters' questions, PDF), in the organizer's section. While
// a draft: PDF files added one by one (checked here first: a PDF, at most
// 20 MiB), with the upload's progress, each listed with its size and
// SHA-256 (computed on this computer and compared with the server's), and
// removable. Once sealed: the list line 0 commits, read-only; anyone with
// the election id downloads each file, and the voter's page links them.

import * as tn from '../tn.js';
import { el } from '../results.js';
import { t, other, tr } from './strings.js';
import {
  $, S, show, note, noteBoth, noteError, E, run, loadView, dropToken,
} from './state.js';

/// The server's limit (`DOSSIER_BYTES_MAX`, 20 MiB) and its number of
/// documents (`DOSSIER_MAX`).
export const DOSSIER_BYTES_MAX = 20 * 1024 * 1024;
const DOSSIER_MAX = 20;

/// A size as people read it: "12,3 MB" in Vietnamese, "12.3 MB" in English.
function size(bytes, lang = tr.lang()) {
  const fmt = (x, unit) => `${x.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} ${unit}`;
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return fmt(bytes / 1024, 'KB');
  return fmt(bytes / (1024 * 1024), 'MB');
}

/// The documents to list: once sealed, line 0 as this device verified it
/// when it has (else the server's view of line 0); a draft's from the view.
function documents(v) {
  const line0 = v.phase !== 'draft' && S.election && S.election.id === v.id ? S.election.dossier : null;
  if (Array.isArray(line0)) {
    return line0.map((d, n) => ({ ...d, url: `${E()}/dossier/${n}` }));
  }
  return Array.isArray(v.dossier) ? v.dossier : [];
}

/// The election and phase last painted: {id, draft}.
let painted = null;

/// Paints the dossier block of the organizer's section.
export function renderDossier() {
  const v = S.view;
  if (!v) return;
  const draft = v.phase === 'draft';
  // What was said about the draft's files is stale once it is sealed.
  if (painted && (painted.id !== v.id || painted.draft !== draft)) note('dossier-msg', null);
  painted = { id: v.id, draft };
  const docs = documents(v);
  $('dossier-h').replaceChildren(t('dossier.h'), ' ', el('span', { class: 'c-aside', lang: tr.lang() === 'vi' ? 'en' : 'vi', text: `(${other('dossier.h')})` }));
  $('dossier-help').textContent = t(draft ? 'dossier.help.draft' : 'dossier.help.sealed');
  show('dossier-add', draft && docs.length < DOSSIER_MAX);
  const list = $('dossier-list');
  list.hidden = docs.length === 0;
  show('dossier-none', docs.length === 0);
  list.replaceChildren(...docs.map((d, n) => {
    const link = el('a', { href: d.url, class: 'c-dossier-name c-tap', target: '_blank', rel: 'noopener', text: d.name });
    const parts = [
      link,
      el('span', { class: 'c-dossier-size', text: ` · ${size(d.bytes)}` }),
      el('p', { class: 'c-dossier-sha' },
        el('span', { text: `${t('dossier.sha')}: ` }),
        el('span', { class: 'c-hash', dataset: { sha256: d.sha256 }, text: d.sha256 })),
    ];
    if (draft) {
      const del = el('button', {
        type: 'button', class: 'c-btn c-btn-danger', dataset: { remove: String(n) }, 'aria-label': t('dossier.remove.label', { name: d.name }), text: t('dossier.remove'),
      });
      del.addEventListener('click', () => removeDocument(n, d.name));
      parts.push(del);
    }
    return el('li', { dataset: { dossier: String(n) } }, ...parts);
  }));
}

/// Why `file` cannot be sent, as a note key and its values, or null: not a
/// PDF (by its name or type, then by its first bytes), empty, or too large.
export async function refusal(file) {
  if (file.size === 0) return ['dossier.err.empty', { name: file.name }];
  const named = /\.pdf$/i.test(file.name) || file.type === 'application/pdf';
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  const magic = String.fromCharCode(...head) === '%PDF-';
  if (!named || !magic) return ['dossier.err.pdf', { name: file.name }];
  if (file.size > DOSSIER_BYTES_MAX) {
    return ['dossier.err.size', { name: file.name, size: size(file.size), max: size(DOSSIER_BYTES_MAX) }];
  }
  return null;
}

/// `PUT …/dossier?name=NAME` with the file's bytes, reporting the upload's
/// progress (fetch cannot), resolving to the server's answer or throwing
/// an ApiError as `tn.api` does.
function upload(name, bytes, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${E()}/dossier?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('Content-Type', 'application/pdf');
    xhr.setRequestHeader('Authorization', `Bearer ${S.token}`);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded, ev.total); };
    xhr.onerror = () => reject(new tn.ApiError({ status: 0, error: 'network', message: 'Không kết nối được với máy chủ.', message_en: 'Cannot reach the server.' }));
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch (_) { json = null; }
      if (xhr.status === 200 && json) resolve(json);
      else if (json && typeof json.error === 'string') reject(new tn.ApiError({ status: xhr.status, ...json }));
      else reject(new tn.ApiError({ status: xhr.status, error: 'http', message: `Máy chủ trả lời lỗi ${xhr.status}.`, message_en: `The server answered ${xhr.status}.` }));
    };
    xhr.send(bytes);
  });
}

/// Sends the files chosen, one after the other; a file refused here or by
/// the server stops the rest, named in the message.
export function addFiles(files) {
  const list = [...files];
  if (list.length === 0) return Promise.resolve();
  return run('dossier-msg', async () => {
    const bar = $('dossier-progress');
    try {
      for (const file of list) {
        const why = await refusal(file);
        if (why) { noteBoth('dossier-msg', why[0], why[1], 'c-bad'); return; }
        const bytes = new Uint8Array(await file.arrayBuffer());
        const mine = tn.sha256(bytes);
        show('dossier-progress-box', true);
        bar.max = Math.max(1, file.size);
        bar.value = 0;
        const progress = (done, total) => {
          bar.max = Math.max(1, total);
          bar.value = done;
          note('dossier-msg', 'dossier.sending', { name: file.name, pct: Math.floor((100 * done) / Math.max(1, total)) });
        };
        progress(0, file.size);
        let answer;
        try {
          answer = await upload(file.name, bytes, progress);
        } catch (e) {
          if (e instanceof tn.ApiError && e.status === 403 && e.error === 'forbidden') dropToken('login.expired');
          throw e;
        }
        if (answer.sha256 !== mine || answer.bytes !== file.size) {
          noteBoth('dossier-msg', 'dossier.err.mismatch', { name: file.name }, 'c-bad');
          await loadView();
          return;
        }
        noteBoth('dossier-msg', 'dossier.added', { name: answer.name }, 'c-ok');
        await loadView();
      }
    } finally {
      show('dossier-progress-box', false);
      $('dossier-file').value = '';
    }
  });
}

/// Removes document `n` (named `name`) from the draft's dossier.
function removeDocument(n, name) {
  return run('dossier-msg', async () => {
    try {
      await tn.api('DELETE', `${E()}/dossier/${n}`, undefined, { token: S.token });
    } catch (e) {
      if (e instanceof tn.ApiError && e.status === 403 && e.error === 'forbidden') dropToken('login.expired');
      noteError('dossier-msg', e);
      await loadView();
      return;
    }
    noteBoth('dossier-msg', 'dossier.removed', { name }, 'c-ok');
    await loadView();
  });
}

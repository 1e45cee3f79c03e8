import { FormField, HONEYPOT_FIELD, maxLengthOf } from '../definition/form-definition';
import { createHash } from 'node:crypto';

/**
 * The public page of an inquiry form, rendered on the server: plain HTML with a small style sheet
 * and script, no framework, so it loads fast on a phone and can be linked from any site. Both are
 * files the server serves (FORM_PAGE_ASSETS), since the Content-Security-Policy runs no inline
 * script or style.
 * Everything the form's author typed is HTML-escaped; the script only ever sets textContent.
 * Steps: input → 確認画面 (confirm) → 送信完了 (done). Every check is the server's: 確認 asks the
 * check endpoint, 送信 the submission endpoint, and their per-field messages are shown in place.
 */
export interface FormPage {
  name: string;
  slug: string;
  description: string | null;
  fields: FormField[];
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside a <script>: `<` escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const AUTOCOMPLETE: Partial<Record<FormField['type'], string>> = { email: 'email', tel: 'tel' };

function control(f: FormField, i: number): string {
  const id = `f-${i}`;
  const name = escapeHtml(f.key);
  const common = `id="${id}" name="${name}" data-testid="field-${name}" aria-describedby="e-${i}"${f.required ? ' aria-required="true"' : ''}`;
  const typed = (type: string, extra = '') => {
    const auto = AUTOCOMPLETE[f.type] ? ` autocomplete="${AUTOCOMPLETE[f.type]}"` : '';
    return `<input type="${type}" ${common} maxlength="${maxLengthOf(f)}"${auto}${extra}>`;
  };
  switch (f.type) {
    case 'text':
      return typed('text');
    case 'email':
      return typed('email', ' inputmode="email"');
    case 'tel':
      return typed('tel', ' inputmode="tel"');
    case 'date':
      return `<input type="date" ${common}>`;
    case 'textarea':
      return `<textarea ${common} rows="6" maxlength="${maxLengthOf(f)}"></textarea>`;
    case 'select':
      return `<select ${common}><option value="">選択してください</option>${(f.options ?? []).map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`).join('')}</select>`;
    case 'radio':
    case 'checkbox':
      return `<div class="choices" data-testid="field-${name}">${(f.options ?? [])
        .map(
          (o, j) =>
            `<label class="choice"><input type="${f.type}" name="${name}" value="${escapeHtml(o)}" data-testid="field-${name}-${j}"> <span>${escapeHtml(o)}</span></label>`,
        )
        .join('')}</div>`;
  }
}

function fieldBlock(f: FormField, i: number): string {
  const badge = f.required ? '<span class="req">必須</span>' : '<span class="opt">任意</span>';
  const label = `${escapeHtml(f.label)} ${badge}`;
  const error = `<p class="error" id="e-${i}" data-testid="error-${escapeHtml(f.key)}" role="alert" hidden></p>`;
  if (f.type === 'radio' || f.type === 'checkbox') {
    return `<fieldset class="field" data-key="${escapeHtml(f.key)}"><legend>${label}</legend>${control(f, i)}${error}</fieldset>`;
  }
  return `<div class="field" data-key="${escapeHtml(f.key)}"><label for="f-${i}">${label}</label>${control(f, i)}${error}</div>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2328;font-family:system-ui,-apple-system,"Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans JP",Meiryo,sans-serif;line-height:1.7;-webkit-text-size-adjust:100%}
main{max-width:640px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:20px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
@media (min-width:600px){main{padding:32px 16px}.card{padding:32px}}
h1{font-size:1.4rem;margin:0 0 12px}
h2{font-size:1.15rem;margin:0 0 12px}
.desc{white-space:pre-line;margin:0 0 20px;color:#444}
.note{font-size:.85rem;color:#555;margin:0 0 16px}
.field{margin:0 0 20px;border:0;padding:0;min-width:0}
.field>label,.field>legend{display:block;font-weight:600;margin-bottom:6px;padding:0}
.req,.opt{display:inline-block;font-size:.7rem;font-weight:600;border-radius:4px;padding:0 6px;margin-left:6px;vertical-align:middle;line-height:1.6}
.req{background:#c62828;color:#fff}
.opt{background:#e0e0e0;color:#333}
input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{width:100%;font:inherit;font-size:16px;padding:10px 12px;border:1px solid #b8bec6;border-radius:8px;background:#fff;color:inherit}
textarea{resize:vertical}
input:focus,select:focus,textarea:focus{outline:2px solid #1565c0;outline-offset:1px;border-color:#1565c0}
.choices{display:flex;flex-direction:column;gap:4px}
.choice{display:flex;align-items:center;gap:8px;min-height:40px;font-weight:400}
.choice input{width:20px;height:20px;margin:0}
.invalid input[type=text],.invalid input[type=email],.invalid input[type=tel],.invalid input[type=date],.invalid select,.invalid textarea{border-color:#c62828;background:#fff8f8}
.error{color:#c62828;font-size:.9rem;margin:6px 0 0}
.form-error{color:#c62828;background:#fff3f3;border:1px solid #f3c0c0;border-radius:8px;padding:10px 12px}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin-top:24px}
button{font:inherit;font-size:16px;font-weight:600;border-radius:8px;padding:12px 24px;cursor:pointer;border:1px solid #1565c0;min-height:48px;flex:1 1 200px}
button.primary{background:#1565c0;color:#fff}
button.secondary{background:#fff;color:#1565c0}
button:disabled{opacity:.6;cursor:wait}
dl.confirm{margin:0}
dl.confirm dt{font-weight:600;font-size:.9rem;color:#555;margin-top:12px}
dl.confirm dd{margin:2px 0 0;padding:8px 12px;background:#f7f8fa;border-radius:6px;white-space:pre-wrap;word-break:break-word;min-height:2.4em}
.code{font-size:1.2rem;font-weight:700;letter-spacing:.05em}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
[hidden]{display:none!important}
`;

/** The page script: collects the values, asks the server, shows its answers. Plain DOM, no build step. */
const SCRIPT = `
(function(){
  var cfg = JSON.parse(document.getElementById('form-config').textContent);
  var form = document.getElementById('inquiry');
  var steps = { input: document.getElementById('step-input'), confirm: document.getElementById('step-confirm'), done: document.getElementById('step-done') };
  var formError = document.getElementById('form-error');
  var sendError = document.getElementById('send-error');
  var sendButton = document.getElementById('send');
  var confirmButton = document.getElementById('confirm');
  function show(step){ for (var k in steps) steps[k].hidden = k !== step; window.scrollTo(0, 0); }
  function values(){
    var out = {};
    cfg.fields.forEach(function(f){
      var els = form.querySelectorAll('[name="' + f.key + '"]');
      if (f.type === 'checkbox') { out[f.key] = []; els.forEach(function(el){ if (el.checked) out[f.key].push(el.value); }); }
      else if (f.type === 'radio') { out[f.key] = ''; els.forEach(function(el){ if (el.checked) out[f.key] = el.value; }); }
      else out[f.key] = els[0] ? els[0].value : '';
    });
    return out;
  }
  function clearErrors(){
    formError.hidden = true; sendError.hidden = true;
    form.querySelectorAll('.field').forEach(function(el){ el.classList.remove('invalid'); });
    form.querySelectorAll('.error').forEach(function(el){ el.hidden = true; el.textContent = ''; });
  }
  function showErrors(fields){
    var first = null, rest = [];
    Object.keys(fields || {}).forEach(function(key){
      var i = cfg.fields.findIndex(function(f){ return f.key === key; });
      if (i < 0) { rest = rest.concat(fields[key]); return; }
      var box = document.getElementById('e-' + i);
      box.textContent = fields[key].join(' ');
      box.hidden = false;
      box.parentNode.classList.add('invalid');
      if (first === null || i < first) first = i;
    });
    formError.textContent = rest.length ? rest.join(' ') : '入力内容をご確認ください。';
    formError.hidden = false;
    if (first !== null) {
      var el = form.querySelector('[name="' + cfg.fields[first].key + '"]');
      if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); }
    }
  }
  function post(url, body){
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' })
      .then(function(res){ return res.json().catch(function(){ return {}; }).then(function(data){ return { status: res.status, data: data }; }); });
  }
  function problem(r){
    if (r.status === 404) return 'このフォームは現在受け付けを停止しています。';
    if (r.status === 429) return (r.data && r.data.message) || '短時間に送信が繰り返されました。しばらくしてからお試しください。';
    return '送信できませんでした。時間をおいてもう一度お試しください。';
  }
  form.addEventListener('submit', function(ev){
    ev.preventDefault();
    if (steps.input.hidden) return;
    clearErrors();
    confirmButton.disabled = true;
    post(cfg.checkUrl, { fields: values() }).then(function(r){
      confirmButton.disabled = false;
      if (r.status === 200 && r.data.ok) {
        var list = document.getElementById('confirm-list');
        list.textContent = '';
        r.data.fields.forEach(function(f){
          var dt = document.createElement('dt'); dt.textContent = f.label;
          var dd = document.createElement('dd'); dd.textContent = f.value; dd.setAttribute('data-testid', 'confirm-' + f.key);
          list.appendChild(dt); list.appendChild(dd);
        });
        show('confirm');
      } else if (r.status === 400) {
        showErrors(r.data.fields);
      } else {
        formError.textContent = problem(r); formError.hidden = false;
      }
    }, function(){
      confirmButton.disabled = false;
      formError.textContent = '通信できませんでした。接続を確認してもう一度お試しください。'; formError.hidden = false;
    });
  });
  document.getElementById('back').addEventListener('click', function(){ sendError.hidden = true; show('input'); });
  sendButton.addEventListener('click', function(){
    sendButton.disabled = true; sendError.hidden = true;
    var trap = form.querySelector('[name="' + cfg.honeypot + '"]');
    var body = { fields: values() };
    body[cfg.honeypot] = trap ? trap.value : '';
    post(cfg.submitUrl, body).then(function(r){
      sendButton.disabled = false;
      if (r.status === 201 && r.data.ok) {
        if (r.data.code) { document.getElementById('done-code').textContent = r.data.code; document.getElementById('done-code-line').hidden = false; }
        show('done');
      } else if (r.status === 400) {
        show('input'); clearErrors(); showErrors(r.data.fields);
      } else {
        sendError.textContent = problem(r); sendError.hidden = false;
      }
    }, function(){
      sendButton.disabled = false;
      sendError.textContent = '通信できませんでした。接続を確認してもう一度お試しください。'; sendError.hidden = false;
    });
  });
})();
`;

/** The page's style sheet and script as the server serves them; `v` in their URLs changes with their content. */
export const FORM_PAGE_ASSETS = {
  css: { body: CSS.trim(), version: createHash('sha256').update(CSS).digest('hex').slice(0, 12) },
  js: { body: SCRIPT.trim(), version: createHash('sha256').update(SCRIPT).digest('hex').slice(0, 12) },
};
export const FORM_PAGE_ASSET_PATH = '/api/public/forms/assets';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${FORM_PAGE_ASSET_PATH}/form.css?v=${FORM_PAGE_ASSETS.css.version}">
</head>
<body>
<main>
<div class="card">
${body}
</div>
</main>
</body>
</html>
`;
}

export function renderFormPage(form: FormPage): string {
  const config = {
    checkUrl: `/api/public/forms/${encodeURIComponent(form.slug)}/check`,
    submitUrl: `/api/public/forms/${encodeURIComponent(form.slug)}/submissions`,
    fields: form.fields.map((f) => ({ key: f.key, type: f.type })),
    honeypot: HONEYPOT_FIELD,
  };
  const body = `<h1 data-testid="form-title">${escapeHtml(form.name)}</h1>
${form.description ? `<p class="desc">${escapeHtml(form.description)}</p>` : ''}
<noscript><p class="form-error">このフォームを送信するには、ブラウザの JavaScript を有効にしてください。</p></noscript>
<form id="inquiry" novalidate>
<section id="step-input" data-testid="step-input">
<p class="note"><span class="req">必須</span> の項目は必ず入力してください。</p>
${form.fields.map(fieldBlock).join('\n')}
<div class="hp" aria-hidden="true"><label>この欄には何も入力しないでください <input type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></label></div>
<p class="form-error" id="form-error" data-testid="form-error" role="alert" hidden></p>
<div class="actions"><button type="submit" class="primary" id="confirm" data-testid="confirm">入力内容を確認する</button></div>
</section>
<section id="step-confirm" data-testid="step-confirm" hidden>
<h2>入力内容の確認</h2>
<p class="note">以下の内容で送信します。よろしければ「送信する」を押してください。</p>
<dl class="confirm" id="confirm-list"></dl>
<p class="form-error" id="send-error" data-testid="send-error" role="alert" hidden></p>
<div class="actions"><button type="button" class="secondary" id="back" data-testid="back">戻って修正する</button><button type="button" class="primary" id="send" data-testid="send">送信する</button></div>
</section>
<section id="step-done" data-testid="step-done" hidden>
<h2>送信完了</h2>
<p>お問い合わせを受け付けました。内容を確認のうえ、担当者よりご連絡いたします。</p>
<p id="done-code-line" hidden>受付番号: <span class="code" id="done-code" data-testid="done-code"></span></p>
</section>
</form>
<script type="application/json" id="form-config">${scriptJson(config)}</script>
<script src="${FORM_PAGE_ASSET_PATH}/form.js?v=${FORM_PAGE_ASSETS.js.version}"></script>`;
  return page(form.name, body);
}

export function renderNotFoundPage(): string {
  return page('フォームが見つかりません', `<h1>フォームが見つかりません</h1>
<p>このフォームは存在しないか、現在受け付けを停止しています。URL をご確認ください。</p>`);
}

/*
 * ragstream chat widgets, served as /chat-widget.js and /customer-widget.js (the seed's contract):
 *
 *   <script>window.RAG_CHATBOT_TENANT = 'acme-corp'; window.RAG_CHATBOT_API = '/chat';</script>
 *   <script src="https://your-domain.com/chat-widget.js"></script>
 *
 *   <script>window.RAG_CHATBOT_TENANT = 'acme-corp'; window.RAG_CHATBOT_WIDGET_KEY = 'default';</script>
 *   <script src="https://your-domain.com/customer-widget.js"></script>
 *
 * The chat widget talks to /chat (window.RAG_CHATBOT_API_KEY when the tenant sets CHAT_API_KEY);
 * the customer widget loads its settings from /widget-config, talks to /customer-chat and, when
 * the widget has a lead form, sends inquiries to /customer-chat/inquiry. Requests go to the
 * server the script came from and always name the tenant. Answers stream in as server-sent
 * events and are rendered from a small Markdown subset into DOM nodes: no HTML from an answer is
 * ever interpreted, and only http(s) links become links. Everything lives in a shadow root, so
 * the page's styles and the widget's do not meet.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var customer = /customer-widget\.js(\?|#|$)/.test(script ? script.src : '');
  var tenant = window.RAG_CHATBOT_TENANT;
  if (!script || typeof tenant !== 'string' || !tenant) {
    console.error('ragstream widget: set window.RAG_CHATBOT_TENANT before loading the script');
    return;
  }
  var base = new URL(script.src, location.href).origin;
  var widgetKey = customer ? String(window.RAG_CHATBOT_WIDGET_KEY || 'default') : null;
  var chatPath = customer ? '/customer-chat' : String(window.RAG_CHATBOT_API || '/chat');
  var apiKey = customer ? null : window.RAG_CHATBOT_API_KEY;
  var storageKey = 'ragstream:' + tenant + ':' + (customer ? 'customer:' + widgetKey : 'chat') + ':session';

  var settings = {
    title: 'Ask us', greeting: 'Hi! How can I help you?', placeholder: 'Type your question…', primary_color: '#2563eb',
    position: 'right', language: '', avatar_url: '', lead_form: false, lead_form_text: 'Leave us a message and we will get back to you.'
  };

  function url(path, query) {
    var u = new URL(path, base);
    Object.keys(query || {}).forEach(function (k) { u.searchParams.set(k, query[k]); });
    return u.toString();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function sessionId(renew) {
    var id = null;
    try { id = renew ? null : localStorage.getItem(storageKey); } catch (e) { /* storage blocked: one session per page */ }
    if (!id) {
      id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
      try { localStorage.setItem(storageKey, id); } catch (e) { /* ignored: the id lives in memory */ }
    }
    return id;
  }

  /* Markdown subset → DOM: paragraphs, "> " quotes, "-"/"*"/"1." lists, **bold**, *italic*, `code`, [text](http…). */
  function inline(parent, text) {
    var pattern = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*([^*]+)\*/g;
    var last = 0, m;
    while ((m = pattern.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] != null) parent.appendChild(el('strong', null, m[1]));
      else if (m[2] != null) parent.appendChild(el('code', null, m[2]));
      else if (m[3] != null) {
        var href = null;
        try { href = new URL(m[4]); } catch (e) { href = null; }
        if (href && (href.protocol === 'https:' || href.protocol === 'http:')) {
          var a = el('a', null, m[3]);
          a.href = href.toString();
          a.target = '_blank';
          a.rel = 'noopener noreferrer nofollow';
          parent.appendChild(a);
        } else {
          parent.appendChild(document.createTextNode(m[3]));
        }
      } else parent.appendChild(el('em', null, m[5]));
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function markdown(target, text) {
    target.textContent = '';
    var list = null, quote = null;
    text.split(/\n/).forEach(function (line) {
      var quoted = /^\s*>\s?(.*)$/.exec(line);
      if (quoted) {
        list = null;
        if (!quote) { quote = el('blockquote'); target.appendChild(quote); }
        if (quoted[1].trim()) { var q = el('p'); inline(q, quoted[1]); quote.appendChild(q); }
        return;
      }
      quote = null;
      var item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
      if (item) {
        if (!list) { list = el(/^\s*\d/.test(line) ? 'ol' : 'ul'); target.appendChild(list); }
        var li = el('li');
        inline(li, item[1]);
        list.appendChild(li);
        return;
      }
      list = null;
      if (!line.trim()) return;
      var heading = /^#{1,6}\s+(.*)$/.exec(line);
      var p = el('p', heading ? 'heading' : null);
      inline(p, heading ? heading[1] : line);
      target.appendChild(p);
    });
  }

  var style = [
    ':host{all:initial}',
    '.launcher{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:none;cursor:pointer;color:#fff;',
    'font:600 24px/56px system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}',
    '.panel{position:fixed;bottom:88px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);',
    'display:none;flex-direction:column;background:#fff;color:#111;border-radius:12px;overflow:hidden;',
    'box-shadow:0 8px 30px rgba(0,0,0,.3);font:14px/1.45 system-ui,sans-serif;z-index:2147483000}',
    '.panel.open{display:flex}',
    '.header{display:flex;align-items:center;gap:8px;padding:10px 12px;color:#fff}',
    '.header .title{flex:1;font-weight:600}.header img{width:28px;height:28px;border-radius:50%}',
    '.header button{background:transparent;border:none;color:#fff;font-size:18px;cursor:pointer}',
    '.messages{flex:1;overflow-y:auto;padding:12px;background:#f7f7f8}',
    '.msg{margin:0 0 10px;padding:8px 10px;border-radius:10px;max-width:85%;word-wrap:break-word}',
    '.msg p{margin:0 0 6px}.msg p:last-child{margin:0}.msg ul,.msg ol{margin:0 0 6px;padding-left:18px}',
    '.msg.user{margin-left:auto;color:#fff}.msg.assistant{background:#fff;border:1px solid #e5e5e5}',
    '.msg.error{background:#fdecea;border:1px solid #f5c2c0;color:#8a1c16}',
    '.sources{margin-top:6px;font-size:12px;color:#555}.heading{font-weight:600}',
    '.msg blockquote{margin:0 0 6px;padding-left:8px;border-left:3px solid #ccc;color:#333}',
    'form.ask{display:flex;gap:6px;padding:8px;border-top:1px solid #e5e5e5}',
    'form.ask input{flex:1;padding:8px;border:1px solid #ccc;border-radius:8px;font:inherit}',
    'button.send,.lead button[type=submit]{padding:8px 12px;border:none;border-radius:8px;color:#fff;cursor:pointer;font:inherit}',
    '.lead{display:none;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e5e5e5}.lead.open{display:flex}',
    '.lead input,.lead textarea{padding:7px;border:1px solid #ccc;border-radius:8px;font:inherit}',
    '.lead .status{font-size:12px}.leadlink{display:block;padding:6px 12px;font-size:12px;background:none;border:none;',
    'text-decoration:underline;cursor:pointer;color:#333;text-align:left}'
  ].join('');

  var host = el('div');
  host.setAttribute('data-ragstream-widget', customer ? 'customer' : 'chat');
  var root = host.attachShadow({mode: 'open'});
  var styleNode = el('style', null, style);
  var launcher = el('button', 'launcher', '💬');
  launcher.setAttribute('aria-label', 'Open chat');
  var panel = el('div', 'panel');
  panel.setAttribute('role', 'dialog');
  var header = el('div', 'header');
  var avatar = el('img');
  avatar.alt = '';
  var title = el('span', 'title');
  var newChat = el('button', 'new', '+');
  newChat.title = 'New conversation';
  newChat.setAttribute('aria-label', 'New conversation');
  var close = el('button', 'close', '×');
  close.setAttribute('aria-label', 'Close chat');
  var messages = el('div', 'messages');
  messages.setAttribute('aria-live', 'polite');
  var ask = el('form', 'ask');
  var input = el('input');
  input.name = 'message';
  input.autocomplete = 'off';
  var send = el('button', 'send', 'Send');
  send.type = 'submit';
  ask.appendChild(input);
  ask.appendChild(send);
  var leadLink = el('button', 'leadlink');
  leadLink.type = 'button';
  var lead = el('form', 'lead');

  function message(role, text) {
    var node = el('div', 'msg ' + role);
    if (role === 'assistant') markdown(node, text); else node.textContent = text;
    if (role === 'user') node.style.background = settings.primary_color;
    messages.appendChild(node);
    messages.scrollTop = messages.scrollHeight;
    return node;
  }

  function greet() {
    messages.textContent = '';
    if (settings.greeting) message('assistant', settings.greeting);
  }

  function showSources(node, sources) {
    var names = [];
    (sources || []).forEach(function (s) { if (s && s.filename && names.indexOf(s.filename) < 0) names.push(s.filename); });
    if (!names.length) return;
    var box = el('div', 'sources', 'Sources: ' + names.join(', '));
    node.appendChild(box);
  }

  function problemText(status, body) {
    var text = body && (body.error || body.detail);
    if (status === 429) return (text || 'Too many requests') + ' — please wait ' + ((body && body.retry_after) || 'a moment') + ' s.';
    return text || ('The assistant is unavailable (HTTP ' + status + '). Please try again.');
  }

  /* Reads server-sent events from a fetch response, calling onEvent(name, data) for each. */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function dispatch(block) {
      var name = 'message', data = [];
      block.split('\n').forEach(function (line) {
        if (line.indexOf('event:') === 0) name = line.slice(6).trim();
        else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
      });
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { if (buffer.trim()) dispatch(buffer); return; }
        buffer += decoder.decode(chunk.value, {stream: true}).replace(/\r\n/g, '\n');
        var end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        return pump();
      });
    }
    return pump();
  }

  var busy = false;
  function submit(text) {
    if (busy || !text.trim()) return;
    busy = true;
    send.disabled = true;
    message('user', text);
    var answer = message('assistant', '…');
    var body = {tenant_id: tenant, session_id: sessionId(false), message: text, stream: true};
    if (customer) body.widget_key = widgetKey;
    var headers = {'Content-Type': 'application/json', 'Accept': 'text/event-stream'};
    if (apiKey) headers['X-API-Key'] = String(apiKey);
    var streamed = '', sources = [];
    fetch(url(chatPath, {tenant: tenant}), {method: 'POST', headers: headers, body: JSON.stringify(body)})
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (!response.ok || type.indexOf('text/event-stream') !== 0) {
          return response.json().catch(function () { return null; }).then(function (problem) {
            answer.className = 'msg error';
            answer.textContent = problemText(response.status, problem);
          });
        }
        var ended = false;
        return readEvents(response, function (name, data) {
          if (name === 'sources') sources = data.sources || [];
          else if (name === 'token') { streamed += data.text || ''; markdown(answer, streamed); }
          else if (name === 'done') {
            ended = true;
            markdown(answer, data.response || streamed);
            showSources(answer, data.sources || sources);
          } else if (name === 'error') {
            ended = true;
            answer.className = 'msg error';
            answer.textContent = (streamed ? streamed + '\n\n' : '') + problemText(data.status, data);
          }
          messages.scrollTop = messages.scrollHeight;
        }).then(function () {
          if (!ended) throw new Error('the answer stream ended early');
        });
      })
      .catch(function () {
        answer.className = 'msg error';
        answer.textContent = (streamed ? streamed + '\n\n' : '')
          + 'The connection to the assistant was lost. Please check your connection and try again.';
      })
      .then(function () { busy = false; send.disabled = false; input.focus(); });
  }

  function buildLeadForm() {
    lead.appendChild(el('div', 'intro', settings.lead_form_text));
    [['name', 'Your name', 'input'], ['email', 'Your e-mail', 'input'], ['message', 'Your message', 'textarea']].forEach(function (f) {
      var field = el(f[2]);
      field.name = f[0];
      field.placeholder = f[1];
      field.required = true;
      if (f[0] === 'email') field.type = 'email';
      field.maxLength = f[0] === 'message' ? 5000 : 200;
      lead.appendChild(field);
    });
    var submitLead = el('button', null, 'Send message');
    submitLead.type = 'submit';
    submitLead.style.background = settings.primary_color;
    var status = el('div', 'status');
    lead.appendChild(submitLead);
    lead.appendChild(status);
    lead.addEventListener('submit', function (event) {
      event.preventDefault();
      submitLead.disabled = true;
      status.textContent = 'Sending…';
      var body = {tenant_id: tenant, widget_key: widgetKey, name: lead.elements.name.value,
        email: lead.elements.email.value, message: lead.elements.message.value};
      fetch(url('/customer-chat/inquiry', {tenant: tenant}), {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(body)})
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (reply) {
            if (response.ok) { status.textContent = 'Thank you! We received your message.'; lead.reset(); }
            else status.textContent = problemText(response.status, reply);
          });
        })
        .catch(function () { status.textContent = 'Your message could not be sent. Please try again.'; })
        .then(function () { submitLead.disabled = false; });
    });
    leadLink.textContent = 'Leave a message';
    leadLink.addEventListener('click', function () { lead.classList.toggle('open'); });
    panel.appendChild(leadLink);
    panel.appendChild(lead);
  }

  function render() {
    var color = /^#[0-9a-fA-F]{3,8}$/.test(settings.primary_color || '') ? settings.primary_color : '#2563eb';
    settings.primary_color = color;
    var side = settings.position === 'left' ? 'left' : 'right';
    launcher.style[side] = '20px';
    panel.style[side] = '20px';
    launcher.style.background = color;
    header.style.background = color;
    send.style.background = color;
    title.textContent = settings.title;
    input.placeholder = settings.placeholder;
    if (settings.language) panel.setAttribute('lang', settings.language);
    if (/^https?:\/\//.test(settings.avatar_url || '')) { avatar.src = settings.avatar_url; header.appendChild(avatar); }
    header.appendChild(title);
    header.appendChild(newChat);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(messages);
    panel.appendChild(ask);
    if (customer && settings.lead_form === true) buildLeadForm();
    root.appendChild(styleNode);
    root.appendChild(launcher);
    root.appendChild(panel);
    greet();
    launcher.addEventListener('click', function () {
      panel.classList.toggle('open');
      if (panel.classList.contains('open')) input.focus();
    });
    close.addEventListener('click', function () { panel.classList.remove('open'); });
    newChat.addEventListener('click', function () { sessionId(true); greet(); input.focus(); });
    ask.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = input.value;
      input.value = '';
      submit(text);
    });
    document.body.appendChild(host);
  }

  function start() {
    if (!customer) { render(); return; }
    fetch(url('/widget-config', {tenant: tenant, widget: widgetKey}))
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (config) {
        Object.keys(settings).forEach(function (k) { if (config[k] != null && config[k] !== '') settings[k] = config[k]; });
        render();
      })
      .catch(function (e) { console.error('ragstream widget: no settings for widget ' + widgetKey + ' (' + e.message + ')'); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();

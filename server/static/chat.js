/* Minwon chat core, shared by the web widget and the kiosk: one conversation with the
 * assistant over the citizen chat API, kept in the tab's sessionStorage so that a reload
 * continues it, with an outbox that keeps a message through a dropped network and sends it
 * again when the connection is back. No framework; plain DOM helpers for messages. */
(function (global) {
  "use strict";

  var RETRY_STATUSES = [0, 408, 429, 502, 503, 504];
  var MAX_BACKOFF_MS = 15000;

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /* Identifiers the citizen typed are shown masked in their own bubble and in storage:
   * resident/foreigner registration numbers keep the birth date and the sex digit. */
  var RRN = /(\d{6})\s*-?\s*([1-8])\d{6}/g;
  var PASSPORT = /\b([A-Z]{1,2})\d{7,8}\b/g;
  function maskIdentifiers(text) {
    return String(text)
      .replace(RRN, function (_, birth, sex) { return birth + "-" + sex + "******"; })
      .replace(PASSPORT, function (_, letters) { return letters + "********"; });
  }
  function maskWhole(text) {
    var t = String(text).trim();
    return t.length <= 4 ? "****" : t.slice(0, Math.min(7, t.length - 4)) + "*".repeat(Math.max(4, t.length - 7));
  }

  function ApiError(status, detail) {
    this.status = status;
    this.detail = detail;
  }

  async function call(base, method, path, body) {
    var options = { method: method, headers: {} };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(base + path, options);
    } catch (e) {
      throw new ApiError(0, null); // no connection
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data && data.detail);
    return data;
  }

  /**
   * new MinwonChat({base, channel, storageKey, storage, identifierFields})
   *   .onChange(fn)        fn(chat) after every change (messages, state, status)
   *   .open(language)      resumes the stored conversation, or starts one
   *   .send({text|payload|attachments, shown})  resolves when answered; rejects on a 4xx
   *   .upload(file)        → {attachment_id, …}
   *   .setLanguage(lang)   asks the assistant to switch (keeps every answer)
   *   .reset()             forgets everything, here and in storage
   * chat.messages: [{from: "bot"|"user", text, lang, buttons?, sources?, attachment?}]
   * chat.state: the API's state; chat.status: "idle" | "sending" | "offline" | "error"
   */
  function MinwonChat(options) {
    this.base = options.base || "";
    this.channel = options.channel || "web";
    this.storageKey = options.storageKey || "minwon-chat";
    this.storage = options.storage === undefined ? global.sessionStorage : options.storage;
    this.identifierFields = options.identifierFields || [];
    this.id = null;
    this.messages = [];
    this.state = null;
    this.status = "idle";
    this.error = null;
    this.pending = null; // the message waiting in the outbox
    this.listeners = [];
    var self = this;
    global.addEventListener("online", function () { self._wake && self._wake(); });
  }

  MinwonChat.prototype.onChange = function (fn) { this.listeners.push(fn); return this; };

  MinwonChat.prototype._changed = function () {
    this._save();
    var self = this;
    this.listeners.forEach(function (fn) { fn(self); });
  };

  MinwonChat.prototype._save = function () {
    if (!this.storage || !this.id) return;
    try {
      this.storage.setItem(this.storageKey, JSON.stringify({
        id: this.id, messages: this.messages, state: this.state, pending: this.pending,
      }));
    } catch (e) { /* storage full or denied: the conversation goes on without it */ }
  };

  MinwonChat.prototype.language = function () {
    return (this.state && this.state.language) || this.requestedLanguage || "ko";
  };

  MinwonChat.prototype._addBot = function (messages, state) {
    var lang = (state && state.language) || this.language();
    var self = this;
    (messages || []).forEach(function (m) {
      self.messages.push({
        from: "bot", text: m.text || "", lang: lang, buttons: m.buttons || null,
        sources: m.sources || null, attachment: m.attachment || null,
      });
    });
    if (state) this.state = state;
  };

  MinwonChat.prototype.open = async function (language) {
    this.requestedLanguage = language;
    var stored = null;
    try { stored = this.storage && JSON.parse(this.storage.getItem(this.storageKey) || "null"); } catch (e) { stored = null; }
    if (stored && stored.id) {
      this.id = stored.id;
      this.messages = stored.messages || [];
      this.state = stored.state || null;
      this.pending = stored.pending || null;
      try {
        var data = await call(this.base, "GET", "/api/conversations/" + this.id);
        this._addBot(data.messages, data.state); // notices of status changes since the last visit
        this._changed();
        if (this.pending) this._deliver();
        return;
      } catch (e) {
        if (e.status !== 404) { // the server is unreachable: show what we have, retry later
          this.status = "offline";
          this._changed();
          if (this.pending) this._deliver();
          return;
        }
        this.reset(); // the conversation is gone (expired): start a new one
      }
    }
    await this._start(language);
  };

  MinwonChat.prototype._start = async function (language) {
    var backoff = 1000;
    for (;;) {
      try {
        var data = await call(this.base, "POST", "/api/conversations", { language: language, channel: this.channel });
        this.id = data.conversation_id;
        this.messages = [];
        this.status = "idle";
        this._addBot(data.messages, data.state);
        this._changed();
        return;
      } catch (e) {
        if (RETRY_STATUSES.indexOf(e.status) < 0) { this.status = "error"; this.error = e; this._changed(); throw e; }
        this.status = "offline";
        this._changed();
        await this._pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  };

  MinwonChat.prototype._pause = function (ms) {
    var self = this;
    return new Promise(function (resolve) {
      var timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); self._wake = null; resolve(); }
      self._wake = done;
    });
  };

  MinwonChat.prototype._isIdentifierAnswer = function () {
    var s = this.state;
    return !!(s && s.requested_slot && this.identifierFields.indexOf(s.requested_slot) >= 0);
  };

  /* Sends one message: text, a button payload or attachments. The user's bubble appears at
   * once; a dropped connection keeps the message in the outbox and retries; a refusal (4xx)
   * removes the bubble and rejects with {status, detail} so the page can give the text back. */
  MinwonChat.prototype.send = function (message) {
    if (this.pending) return Promise.reject(new ApiError(409, "busy"));
    var body = {};
    if (message.payload) body.payload = message.payload;
    else if (message.text !== undefined && message.text !== null && String(message.text).trim()) body.text = message.text;
    if (message.attachments && message.attachments.length) body.attachments = message.attachments;
    var shown = message.shown !== undefined ? message.shown : (message.text || "");
    shown = this._isIdentifierAnswer() && body.text ? maskWhole(shown) : maskIdentifiers(shown);
    this.messages.push({ from: "user", text: shown, lang: this.language(), pendingSend: true });
    this.pending = { body: body, index: this.messages.length - 1 };
    var self = this;
    return new Promise(function (resolve, reject) {
      self._settle = { resolve: resolve, reject: reject };
      self._deliver();
    });
  };

  MinwonChat.prototype._deliver = async function () {
    if (this._delivering || !this.pending) return;
    this._delivering = true;
    var backoff = 1000;
    var settle = this._settle || { resolve: function () {}, reject: function () {} };
    this._settle = null;
    this.status = "sending";
    this._changed();
    try {
      for (;;) {
        try {
          var data = await call(this.base, "POST", "/api/conversations/" + this.id + "/messages", this.pending.body);
          var sent = this.messages[this.pending.index];
          if (sent) delete sent.pendingSend;
          this.pending = null;
          this.status = "idle";
          this.error = null;
          this._addBot(data.messages, data.state);
          this._changed();
          settle.resolve(data);
          return;
        } catch (e) {
          if (RETRY_STATUSES.indexOf(e.status) >= 0) {
            this.status = "offline";
            this.error = e;
            this._changed();
            await this._pause(e.status === 429 ? 5000 : backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            this.status = "sending";
            this._changed();
            continue;
          }
          this.messages.splice(this.pending.index, 1);
          this.pending = null;
          this.status = "error";
          this.error = e;
          this._changed();
          settle.reject(e);
          return;
        }
      }
    } finally {
      this._delivering = false;
    }
  };

  MinwonChat.prototype.upload = async function (file) {
    var form = new FormData();
    form.append("file", file, file.name || "photo.jpg");
    return call(this.base, "POST", "/api/conversations/" + this.id + "/attachments", form);
  };

  MinwonChat.prototype.reset = function () {
    if (this.storage) { try { this.storage.removeItem(this.storageKey); } catch (e) { /* ignore */ } }
    this.id = null;
    this.messages = [];
    this.state = null;
    this.pending = null;
    this.status = "idle";
    this.error = null;
  };

  /* --- rendering ------------------------------------------------------------------------ */

  var URL_PATTERN = /(https?:\/\/[^\s<>"')]+)/g;

  /* Text with its links made clickable, built from text nodes (never innerHTML). */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    String(text).split("\n").forEach(function (line, i) {
      if (i) fragment.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(URL_PATTERN, function (url, _g, offset) {
        if (offset > last) fragment.appendChild(document.createTextNode(line.slice(last, offset)));
        var a = document.createElement("a");
        a.href = url;
        a.textContent = url;
        a.target = "_blank";
        a.rel = "noopener";
        fragment.appendChild(a);
        last = offset + url.length;
        return url;
      });
      if (last < line.length) fragment.appendChild(document.createTextNode(line.slice(last)));
    });
    return fragment;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* One message as an <li>: who said it (for screen readers), the text in its language,
   * its sources as links and a receipt card. Buttons are rendered by the page. */
  function renderMessage(message, texts) {
    var item = el("li", "minwon-msg minwon-msg--" + message.from);
    item.lang = message.lang || "ko";
    var who = el("span", "minwon-sr", (message.from === "bot" ? texts.ui_bot_said : texts.ui_you_said) + ": ");
    item.appendChild(who);
    var body = el("div", "minwon-msg__text");
    body.appendChild(richText(message.text));
    item.appendChild(body);
    if (message.pendingSend) item.appendChild(el("span", "minwon-msg__pending", texts.ui_sending));
    if (message.sources && message.sources.length) {
      var sources = el("div", "minwon-sources");
      sources.appendChild(el("p", "minwon-sources__title", texts.ui_sources));
      var list = el("ul");
      message.sources.forEach(function (s) {
        var li = el("li");
        var a = el("a", null, s.title);
        a.href = s.url;
        a.target = "_blank";
        a.rel = "noopener";
        li.appendChild(a);
        list.appendChild(li);
      });
      sources.appendChild(list);
      item.appendChild(sources);
    }
    if (message.attachment && message.attachment.type === "receipt") {
      var card = el("div", "minwon-receipt");
      card.appendChild(el("p", "minwon-receipt__label", texts.ui_receipt));
      card.appendChild(el("p", "minwon-receipt__number", message.attachment.receipt_no));
      var link = el("a", "minwon-receipt__link", texts.ui_status_link);
      link.href = message.attachment.status_url;
      link.target = "_blank";
      link.rel = "noopener";
      card.appendChild(link);
      item.appendChild(card);
    }
    return item;
  }

  /* Brings a list element up to date with chat.messages without re-rendering what is shown
   * (a live region would announce it again): new messages are appended, a changed one is
   * replaced, a delivered one loses its "sending" mark. ``rendered`` is the caller's memory of
   * what is shown; ``makeNode(message)`` renders one message. */
  function syncMessages(list, messages, rendered, makeNode) {
    if (rendered.length > messages.length) {
      list.textContent = "";
      rendered.length = 0;
    }
    messages.forEach(function (message, i) {
      var done = rendered[i];
      if (done && done.text === message.text) {
        if (done.pending && !message.pendingSend) {
          var mark = done.node.querySelector(".minwon-msg__pending");
          if (mark) mark.remove();
          done.pending = false;
        }
        return;
      }
      var node = makeNode(message);
      if (done) list.replaceChild(node, done.node); else list.appendChild(node);
      rendered[i] = { text: message.text, pending: !!message.pendingSend, node: node };
    });
  }

  /* The buttons of the newest bot message (quick replies), or none. */
  function currentButtons(chat) {
    if (chat.pending) return [];
    var last = chat.messages[chat.messages.length - 1];
    return last && last.from === "bot" && last.buttons ? last.buttons : [];
  }

  /* A message for an error of the API, in the page's texts. */
  function errorText(error, texts, maxChars) {
    if (!error) return "";
    if (error.status === 0 || error.status === 502 || error.status === 504) return texts.ui_offline;
    if (error.status === 503) return texts.ui_busy;
    if (error.status === 429) return texts.ui_too_many;
    if (error.status === 413) return texts.ui_too_long.replace("{max}", String(maxChars || ""));
    if (error.status === 415) return texts.ui_photo_error;
    return texts.ui_error;
  }

  global.Minwon = {
    Chat: MinwonChat,
    renderMessage: renderMessage,
    syncMessages: syncMessages,
    currentButtons: currentButtons,
    errorText: errorText,
    maskIdentifiers: maskIdentifiers,
    el: el,
    sleep: sleep,
  };
})(window);

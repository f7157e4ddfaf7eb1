/* The chat panel of the web widget (inside its iframe): the conversation log (an ARIA live
 * region, each message in its own language), quick-reply buttons, language switcher, photo
 * upload when the assistant asks for photos, the receipt card, and keyboard use throughout. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("minwon-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), list = $("messages"), choices = $("choices"), status = $("status"), form = $("composer");
  var input = $("text"), attach = $("attach"), photos = $("photos"), language = $("language");
  var chat = new Minwon.Chat({
    channel: "web", storageKey: "minwon-widget", identifierFields: config.identifierFields,
  });
  var rendered = [];
  var shownButtons = "";
  var shownLanguage = null;

  function texts() { return config.texts[chat.language()] || config.texts.ko; }

  function fieldType(slot) {
    var state = chat.state;
    if (!state || !state.active_form || !slot) return null;
    for (var i = 0; i < config.petitions.length; i++) {
      if (config.petitions[i].id === state.active_form) return config.petitions[i].fields[slot] || null;
    }
    return null;
  }

  function applyTexts() {
    var lang = chat.language();
    if (lang === shownLanguage) return;
    shownLanguage = lang;
    var t = texts();
    document.documentElement.lang = lang;
    document.title = t.ui_chat_title;
    document.querySelectorAll("[data-text]").forEach(function (node) { node.textContent = t[node.dataset.text]; });
    document.querySelectorAll("[data-label]").forEach(function (node) { node.setAttribute("aria-label", t[node.dataset.label]); });
    language.value = lang;
  }

  function renderLog() {
    Minwon.syncMessages(list, chat.messages, rendered, function (message) {
      return Minwon.renderMessage(message, config.texts[message.lang] || texts());
    });
    log.scrollTop = log.scrollHeight;
  }

  function renderChoices() {
    var buttons = Minwon.currentButtons(chat);
    var key = JSON.stringify(buttons);
    if (key === shownButtons) return;
    var hadFocus = choices.contains(document.activeElement);
    shownButtons = key;
    choices.textContent = "";
    buttons.forEach(function (b) {
      var button = Minwon.el("button", "choice", b.title);
      button.type = "button";
      button.addEventListener("click", function () { press(b); });
      choices.appendChild(button);
    });
    choices.hidden = !buttons.length;
    if (hadFocus) input.focus();
  }

  function renderStatus() {
    var t = texts();
    var text = "";
    if (chat.status === "offline" || chat.status === "error") {
      text = Minwon.errorText(chat.error || { status: 0 }, t, config.maxTextChars);
    }
    status.className = "status";
    if (status.textContent !== text) status.textContent = text;
  }

  function render() {
    applyTexts();
    renderLog();
    renderChoices();
    renderStatus();
    attach.hidden = config.photoTypes.indexOf(fieldType(chat.state && chat.state.requested_slot)) < 0;
    if (document.activeElement === document.body) input.focus();
  }

  function say(message, restore) {
    return chat.send(message).catch(function (error) {
      if (restore !== undefined && !input.value) input.value = restore;
      status.textContent = Minwon.errorText(error, texts(), config.maxTextChars);
    });
  }

  function press(button) {
    input.focus();
    say({ payload: button.payload, shown: button.title });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || chat.pending) return;
    input.value = "";
    say({ text: text }, text);
  });

  language.addEventListener("change", function () {
    var code = language.value;
    var name = config.languages.filter(function (l) { return l.code === code; })[0].name;
    say({ payload: "/switch_language" + JSON.stringify({ language: code }), shown: name });
  });

  attach.addEventListener("click", function () { photos.click(); });
  photos.addEventListener("change", async function () {
    var files = Array.prototype.slice.call(photos.files || []);
    photos.value = "";
    if (!files.length) return;
    var ids = [];
    status.className = "status status--info";
    status.textContent = texts().ui_sending;
    try {
      for (var i = 0; i < files.length; i++) ids.push((await chat.upload(files[i])).attachment_id);
    } catch (error) {
      status.className = "status";
      status.textContent = Minwon.errorText(error, texts(), config.maxTextChars);
      return;
    }
    status.textContent = "";
    say({ attachments: ids, shown: texts().ui_photos_sent.replace("{count}", String(ids.length)) });
  });

  $("restart").addEventListener("click", function () {
    chat.reset();
    rendered = [];
    list.textContent = "";
    chat.open(chat.requestedLanguage || document.documentElement.lang).then(render);
    input.focus();
  });

  function close() { window.parent.postMessage({ minwon: "close" }, "*"); }
  $("close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  window.addEventListener("message", function (event) {
    if (event.data && event.data.minwon === "focus") input.focus();
  });

  chat.onChange(render);
  chat.open(document.documentElement.lang).catch(render);
  input.focus();
})();

/* The touch kiosk (/kiosk): language tiles → service tiles → the conversation (big messages,
 * big quick replies, an on-screen number pad or keyboard) → the receipt (QR code, print).
 * Tools always at hand: high contrast, larger text, read-aloud (Web Speech API), start over.
 * After a while without a touch a warning counts down, then the session is wiped: the chat,
 * the browser's storage, the screen and any speech — the next person finds nothing. The end
 * of every session (Finish, Start over) wipes the same way.
 *
 * Built on the shared chat core (chat.js: Minwon.Chat, Minwon.renderMessage, …) and the
 * on-screen keys (keyboard.js: MinwonKeyboard). No inline script or handler (strict CSP). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("minwon-config").textContent);
  var KIOSK = config.kiosk;
  var SPEECH_LANG = { ko: "ko-KR", en: "en-US", zh: "zh-CN", vi: "vi-VN", th: "th-TH" };
  var KEYBOARD_FOR = { ko: "hangul", th: "thai" }; // others type Latin letters
  var STORAGE_KEY = "minwon-kiosk";
  var $ = function (id) { return document.getElementById(id); };
  var app = $("app"), log = $("log"), list = $("messages"), choices = $("choices"), status = $("status");
  var input = $("text"), entry = $("entry"), keypadRoot = $("keypad"), keyboardRoot = $("keyboard");
  var showKeypad = $("show-keypad"), showKeyboard = $("show-keyboard");
  var attach = $("attach"), photos = $("photos");
  var idleModal = $("idle"), idleText = $("idle-text"), idleContinue = $("idle-continue");
  var restart = $("tool-restart");
  var SCREENS = {
    language: { section: $("screen-language"), heading: $("language-heading") },
    service: { section: $("screen-service"), heading: $("service-heading") },
    chat: { section: $("screen-chat"), heading: $("chat-heading") },
    receipt: { section: $("screen-receipt"), heading: $("receipt-heading") },
  };

  /* One person's visit: from the language tile to the wipe. */
  var session = null;
  var tools = { contrast: false, larger: false, readAloud: !!KIOSK.readAloud };
  var lastActivity = Date.now();
  var warning = { shown: false, returnFocus: null, seconds: null };

  var composer = new MinwonKeyboard.Composer();
  var keyboard = new MinwonKeyboard.Keyboard(keyboardRoot, {
    composer: composer, texts: config.texts.ko, layout: "hangul", onChange: typed, onSend: submit,
  });
  var keypad = new MinwonKeyboard.Keypad(keypadRoot, {
    composer: composer, texts: config.texts.ko, onChange: typed, onSend: submit,
  });

  function language() { return session ? session.language : "ko"; }
  function texts(lang) { return config.texts[lang || language()] || config.texts.ko; }

  function petition(id) {
    for (var i = 0; i < config.petitions.length; i++) if (config.petitions[i].id === id) return config.petitions[i];
    return null;
  }

  function fieldType(state) {
    var p = state && petition(state.active_form);
    return p && state.requested_slot ? p.fields[state.requested_slot] || null : null;
  }

  /* --- screens and texts ----------------------------------------------------------------- */

  function show(name) {
    Object.keys(SCREENS).forEach(function (key) { SCREENS[key].section.hidden = key !== name; });
    restart.hidden = name === "language";
    if (session) session.screen = name;
    SCREENS[name].heading.focus();
  }

  function applyTexts(lang) {
    var t = texts(lang);
    document.documentElement.lang = lang;
    document.title = t.ui_kiosk_title;
    document.querySelectorAll("[data-text]").forEach(function (node) { node.textContent = t[node.dataset.text]; });
    document.querySelectorAll("[data-label]").forEach(function (node) { node.setAttribute("aria-label", t[node.dataset.label]); });
    keyboard.setTexts(t);
    keypad.setTexts(t);
  }

  function renderServices() {
    var lang = language();
    var tiles = $("services");
    tiles.textContent = "";
    config.petitions.forEach(function (p) {
      var tile = Minwon.el("button", "tile tile--service", p.title[lang] || p.title.ko);
      tile.type = "button";
      tile.addEventListener("click", function () { openConversation(p.id); });
      tiles.appendChild(tile);
    });
    var ask = Minwon.el("button", "tile tile--service tile--question", texts().ui_kiosk_ask_question);
    ask.type = "button";
    ask.addEventListener("click", function () { openConversation(null); });
    tiles.appendChild(ask);
  }

  /* --- tools ----------------------------------------------------------------------------- */

  function applyTools() {
    var root = document.documentElement;
    root.classList.toggle("kiosk--contrast", tools.contrast);
    root.classList.toggle("kiosk--larger", tools.larger);
    $("tool-contrast").setAttribute("aria-pressed", String(tools.contrast));
    $("tool-larger").setAttribute("aria-pressed", String(tools.larger));
    $("tool-read").setAttribute("aria-pressed", String(tools.readAloud));
  }

  $("tool-contrast").addEventListener("click", function () { tools.contrast = !tools.contrast; applyTools(); });
  $("tool-larger").addEventListener("click", function () { tools.larger = !tools.larger; applyTools(); });
  $("tool-read").addEventListener("click", function () {
    tools.readAloud = !tools.readAloud;
    applyTools();
    if (!tools.readAloud) { stopSpeaking(); return; }
    var last = session && session.chat && lastBotMessage(session.chat);
    if (last) speak(spokenText(last.text), last.lang);
  });
  restart.addEventListener("click", wipe);

  /* --- read aloud ------------------------------------------------------------------------ */

  var URLS = /https?:\/\/\S+/g;
  function spokenText(text) { return String(text).replace(URLS, " ").replace(/\s+/g, " ").trim(); }

  function speak(text, lang) {
    if (!tools.readAloud || !text || !global("speechSynthesis") || !global("SpeechSynthesisUtterance")) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = SPEECH_LANG[lang] || SPEECH_LANG.ko;
    window.speechSynthesis.speak(utterance);
  }

  function stopSpeaking() {
    if (global("speechSynthesis")) window.speechSynthesis.cancel();
  }

  function global(name) { return typeof window[name] !== "undefined" && window[name] !== null; }

  function lastBotMessage(chat) {
    for (var i = chat.messages.length - 1; i >= 0; i--) if (chat.messages[i].from === "bot") return chat.messages[i];
    return null;
  }

  /* Every bot message once, in its own language, as it arrives. */
  function speakNew(chat) {
    for (; session.spoken < chat.messages.length; session.spoken++) {
      var m = chat.messages[session.spoken];
      if (m.from === "bot") speak(spokenText(m.text), m.lang);
    }
  }

  /* --- the conversation ------------------------------------------------------------------ */

  function openConversation(petitionId) {
    var chat = new Minwon.Chat({
      channel: "kiosk", storageKey: STORAGE_KEY, identifierFields: config.identifierFields,
    });
    session.chat = chat;
    session.form = petitionId;
    session.question = !petitionId;
    session.rendered = [];
    session.spoken = 0;
    session.buttonsKey = "";
    session.scrolledFor = -1;
    session.turn = -1;
    session.mode = "closed";
    composer.clear();
    keyboard.setLayout(KEYBOARD_FOR[session.language] || "latin");
    chat.onChange(function (c) { if (session && c === session.chat) render(); });
    setHeading();
    show("chat");
    var opened = chat.open(session.language);
    if (petitionId) {
      var p = petition(petitionId);
      opened = opened.then(function () {
        if (session && session.chat === chat) return say({ payload: "/apply_" + petitionId, shown: p.title[session.language] });
      });
    }
    opened.catch(function (error) { if (session && session.chat === chat) showError(error); });
  }

  function setHeading() {
    var p = petition(session.form);
    SCREENS.chat.heading.textContent = p ? p.title[session.language] : texts().ui_kiosk_ask_question;
  }

  function say(message, restore) {
    var chat = session.chat;
    return chat.send(message).catch(function (error) {
      if (!session || session.chat !== chat) return;
      if (restore !== undefined && !composer.text()) { composer.setText(restore); typed(); }
      showError(error);
    });
  }

  function showError(error) {
    status.textContent = Minwon.errorText(error, texts(), config.maxTextChars);
  }

  function submit() {
    var text = composer.text();
    if (!text.trim() || !session || !session.chat || session.chat.pending) return;
    composer.clear();
    typed();
    stopSpeaking();
    say({ text: text }, text);
  }

  /* What the on-screen keys typed, into the (large) text field. */
  function typed() {
    input.value = composer.text();
    input.scrollLeft = input.scrollWidth;
  }

  /* A message as the widget renders it, but without links: a kiosk never leaves its page. */
  function messageNode(message) {
    var node = Minwon.renderMessage(message, config.texts[message.lang] || texts());
    node.querySelectorAll(".minwon-receipt__link").forEach(function (a) { a.remove(); });
    node.querySelectorAll("a").forEach(function (a) { a.replaceWith(Minwon.el("span", "minwon-link", a.textContent)); });
    return node;
  }

  function renderLog(chat) {
    Minwon.syncMessages(list, chat.messages, session.rendered, messageNode);
  }

  /* The newest turn in view: all of it when it fits, else from its first message (a long
   * summary is read from its top, not from its last line). */
  function scrollLog(chat) {
    if (session.scrolledFor === chat.messages.length) return;
    session.scrolledFor = chat.messages.length;
    var first = chat.messages.length - 1;
    while (first > 0 && chat.messages[first].from === "bot" && chat.messages[first - 1].from === "bot") first--;
    var node = session.rendered[first] && session.rendered[first].node;
    var top = node ? node.offsetTop - log.clientTop - 8 : 0;
    log.scrollTop = node && log.scrollHeight - top > log.clientHeight ? top : log.scrollHeight;
  }

  function renderChoices(chat) {
    var buttons = Minwon.currentButtons(chat);
    // the greeting's petition buttons repeat the service tiles the visitor just passed
    if (session.question && chat.messages.length === 1) buttons = [];
    var key = JSON.stringify(buttons);
    if (key === session.buttonsKey) return;
    session.buttonsKey = key;
    choices.textContent = "";
    buttons.forEach(function (b) {
      var button = Minwon.el("button", b.payload === "/affirm" ? "choice choice--primary" : "choice", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        if (!session || !session.chat || session.chat.pending) return;
        stopSpeaking(); // the answer is given: the next question comes
        say({ payload: b.payload, shown: b.title });
      });
      choices.appendChild(button);
    });
    choices.hidden = !buttons.length;
  }

  function renderStatus(chat) {
    var text = "";
    if (chat.status === "offline" || chat.status === "error") text = Minwon.errorText(chat.error || { status: 0 }, texts(), config.maxTextChars);
    if (chat.status === "idle" || text) status.textContent = text;
  }

  /* Which keys fit the question: digits for numbers, the keyboard for words, none when the
   * quick replies answer it (the keys stay one touch away). Decided once per bot turn. */
  function autoMode(chat) {
    var state = chat.state || {};
    var type = fieldType(state);
    if (config.photoTypes.indexOf(type) >= 0) return "closed";
    if (session.question && !state.active_form && !state.requested_slot) return "keyboard";
    if (Minwon.currentButtons(chat).length) return "closed";
    if (config.numericTypes.indexOf(type) >= 0) return "keypad";
    if (type === "choice" || state.requested_slot === "confirmation") return "closed";
    return "keyboard";
  }

  function setMode(mode) {
    session.mode = mode;
    var type = fieldType(session.chat.state);
    keypad.setColon(type === "datetime");
    keypadRoot.hidden = mode !== "keypad";
    keyboardRoot.hidden = mode !== "keyboard";
    entry.hidden = mode === "closed";
    SCREENS.chat.section.classList.toggle("is-typing", mode !== "closed");
    // one touch to the other keys; with none open, to the keys that suit the question
    var numeric = config.numericTypes.indexOf(type) >= 0;
    showKeypad.hidden = mode === "keypad" || (mode === "closed" && !numeric);
    showKeyboard.hidden = mode === "keyboard" || (mode === "closed" && numeric);
    attach.hidden = config.photoTypes.indexOf(type) < 0;
  }

  function render() {
    var chat = session.chat;
    renderLog(chat);
    renderChoices(chat);
    renderStatus(chat);
    var state = chat.state || {};
    if (state.active_form && state.active_form !== session.form) { session.form = state.active_form; setHeading(); }
    if (!chat.pending && session.turn !== chat.messages.length) {
      session.turn = chat.messages.length;
      setMode(autoMode(chat));
    }
    scrollLog(chat);
    speakNew(chat);
    var receipt = receiptOf(chat);
    if (receipt && !session.receipt) showReceipt(receipt);
    if (session.screen === "chat" && (document.activeElement === document.body || !document.activeElement)) log.focus();
  }

  showKeypad.addEventListener("click", function () { setMode("keypad"); });
  showKeyboard.addEventListener("click", function () { setMode("keyboard"); });

  /* A physical keyboard types into the field as any text field; Enter sends. */
  input.addEventListener("input", function () { composer.setText(input.value); });
  $("composer").addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  document.addEventListener("keydown", function (event) {
    var printable = event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (printable && session && session.screen === "chat" && session.mode !== "closed" &&
        document.activeElement !== input && !(document.activeElement && document.activeElement.closest(".modal"))) {
      input.focus();
    }
  });

  attach.addEventListener("click", function () { photos.click(); });
  photos.addEventListener("change", async function () {
    var files = Array.prototype.slice.call(photos.files || []);
    photos.value = "";
    if (!files.length || !session || !session.chat) return;
    var chat = session.chat;
    var ids = [];
    status.textContent = texts().ui_sending;
    try {
      for (var i = 0; i < files.length; i++) ids.push((await chat.upload(files[i])).attachment_id);
    } catch (error) {
      if (session && session.chat === chat) showError(error);
      return;
    }
    status.textContent = "";
    say({ attachments: ids, shown: texts().ui_photos_sent.replace("{count}", String(ids.length)) });
  });

  /* --- the receipt ----------------------------------------------------------------------- */

  function receiptOf(chat) {
    for (var i = chat.messages.length - 1; i >= 0; i--) {
      var a = chat.messages[i].attachment;
      if (a && a.type === "receipt" && a.receipt_no) return a;
    }
    return null;
  }

  function showReceipt(receipt) {
    session.receipt = receipt;
    var lang = session.language;
    var p = petition(session.form);
    $("receipt-no").textContent = receipt.receipt_no;
    $("receipt-petition").textContent = p ? p.title[lang] : "";
    $("receipt-date").textContent = new Intl.DateTimeFormat(SPEECH_LANG[lang], { dateStyle: "long", timeStyle: "short" }).format(new Date());
    var token = "";
    try { token = new URL(receipt.status_url, window.location.href).searchParams.get("token") || ""; } catch (e) { token = ""; }
    var qr = $("receipt-qr");
    qr.alt = texts().ui_kiosk_qr_alt;
    qr.src = "/kiosk/qr/" + encodeURIComponent(receipt.receipt_no) + ".svg?token=" + encodeURIComponent(token);
    qr.hidden = false;
    show("receipt");
  }

  $("print").addEventListener("click", function () { window.print(); });
  $("finish").addEventListener("click", wipe);

  /* --- the visit: start, back, wipe ------------------------------------------------------ */

  document.querySelectorAll(".tile--language").forEach(function (tile) {
    tile.addEventListener("click", function () {
      session = { language: tile.dataset.language, screen: "service" };
      lastActivity = Date.now();
      applyTexts(session.language);
      renderServices();
      show("service");
    });
  });

  $("back").addEventListener("click", function () {
    session = null;
    applyTexts("ko");
    show("language");
  });

  /* Everything of this visit goes: the conversation (here and in the browser's storage), what
   * the screen shows, any speech; the tools return to their defaults. */
  function wipe() {
    if (session && session.chat) {
      var chat = session.chat;
      chat.listeners = []; // a reply still on its way finds no one to show it to
      chat.reset();
      chat.storage = null;
    }
    session = null;
    try { window.sessionStorage.clear(); } catch (e) { /* storage denied */ }
    try { window.localStorage.clear(); } catch (e) { /* storage denied */ }
    stopSpeaking();
    composer.clear();
    input.value = "";
    list.textContent = "";
    choices.textContent = "";
    choices.hidden = true;
    status.textContent = "";
    SCREENS.chat.heading.textContent = "";
    ["receipt-no", "receipt-petition", "receipt-date", "services"].forEach(function (id) { $(id).textContent = ""; });
    var qr = $("receipt-qr");
    qr.removeAttribute("src");
    qr.alt = "";
    qr.hidden = true;
    hideWarning(false);
    idleText.textContent = "";
    tools = { contrast: false, larger: false, readAloud: !!KIOSK.readAloud };
    applyTools();
    applyTexts("ko");
    show("language");
  }

  /* --- inactivity ------------------------------------------------------------------------ */

  /* A touch or a key restarts the wait; once the warning shows, only its button does. */
  function activity() {
    if (!warning.shown) lastActivity = Date.now();
  }
  ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  });

  function showWarning(seconds) {
    if (warning.seconds !== seconds) {
      warning.seconds = seconds;
      idleText.textContent = texts().ui_kiosk_idle_warning.replace("{seconds}", String(seconds));
    }
    if (warning.shown) return;
    warning.shown = true;
    warning.returnFocus = document.activeElement;
    idleModal.hidden = false;
    app.inert = true;
    idleContinue.focus();
    speak(idleText.textContent, language());
  }

  function hideWarning(restoreFocus) {
    var wasShown = warning.shown;
    warning.shown = false;
    warning.seconds = null;
    idleModal.hidden = true;
    app.inert = false;
    if (wasShown && restoreFocus && warning.returnFocus && document.contains(warning.returnFocus)) warning.returnFocus.focus();
    warning.returnFocus = null;
  }

  function carryOn() {
    lastActivity = Date.now();
    hideWarning(true);
  }
  idleContinue.addEventListener("click", carryOn);
  idleModal.addEventListener("keydown", function (event) {
    if (event.key === "Escape") carryOn();
    if (event.key === "Tab") { event.preventDefault(); idleContinue.focus(); } // the only control
  });

  function tick() {
    if (!session) return;
    var idleMs = Date.now() - lastActivity;
    var left = Math.ceil((KIOSK.idleSeconds * 1000 - idleMs) / 1000);
    if (left <= 0) wipe();
    else if (left <= KIOSK.warningSeconds) showWarning(left);
  }
  setInterval(tick, 1000);

  /* A reload starts afresh: the page cannot tell how long the screen stood unattended. */
  wipe();
})();

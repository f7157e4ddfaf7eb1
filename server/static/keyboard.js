/* On-screen keyboard and number pad for the touch kiosk, and the text they compose.
 *
 *   MinwonKeyboard.Composer   the typed text: Hangul 2-beolsik syllable composition (initial,
 *                             medial, final; double vowels and double finals; a final moves
 *                             to the next syllable when a vowel follows; backspace takes back
 *                             one jamo at a time), any other character appended as it is.
 *   MinwonKeyboard.Keyboard   Hangul 2-beolsik, QWERTY Latin and Thai Kedmanee layouts, with
 *                             shift, space, delete and send.
 *   MinwonKeyboard.Keypad     digits, "-", delete, clear and send (":" for times on request).
 *
 * Plain DOM, no framework; every key is a real <button> (touch, mouse and keyboard alike). */
(function (global) {
  "use strict";

  /* --- Hangul composition ---------------------------------------------------------------- */

  // Compatibility jamo in Unicode's syllable order (U+AC00 + (initial*21 + medial)*28 + final).
  var INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
  var MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
  var FINALS = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ",
    "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"];
  var DOUBLE_MEDIALS = { "ㅗㅏ": "ㅘ", "ㅗㅐ": "ㅙ", "ㅗㅣ": "ㅚ", "ㅜㅓ": "ㅝ", "ㅜㅔ": "ㅞ", "ㅜㅣ": "ㅟ", "ㅡㅣ": "ㅢ" };
  var DOUBLE_FINALS = {
    "ㄱㅅ": "ㄳ", "ㄴㅈ": "ㄵ", "ㄴㅎ": "ㄶ", "ㄹㄱ": "ㄺ", "ㄹㅁ": "ㄻ", "ㄹㅂ": "ㄼ", "ㄹㅅ": "ㄽ",
    "ㄹㅌ": "ㄾ", "ㄹㅍ": "ㄿ", "ㄹㅎ": "ㅀ", "ㅂㅅ": "ㅄ",
  };

  function isConsonant(ch) { return INITIALS.indexOf(ch) >= 0; }
  function isVowel(ch) { return ch.length === 1 && MEDIALS.indexOf(ch) >= 0; }
  function canBeFinal(ch) { return FINALS.indexOf(ch) > 0; } // ㄸ ㅃ ㅉ cannot

  /* The jamo typed for the syllable being composed → {initial, medial: [..], final: [..]}. */
  function parts(keys) {
    var p = { initial: null, medial: [], final: [] };
    keys.forEach(function (k) {
      if (isVowel(k)) p.medial.push(k);
      else if (!p.initial && !p.medial.length) p.initial = k;
      else p.final.push(k);
    });
    return p;
  }

  function joined(list, doubles) {
    return list.length === 2 ? doubles[list[0] + list[1]] : (list[0] || "");
  }

  function syllable(keys) {
    var p = parts(keys);
    var medial = joined(p.medial, DOUBLE_MEDIALS);
    var final = joined(p.final, DOUBLE_FINALS);
    if (p.initial && medial) {
      return String.fromCharCode(
        0xac00 + (INITIALS.indexOf(p.initial) * 21 + MEDIALS.indexOf(medial)) * 28 + FINALS.indexOf(final)
      );
    }
    return (p.initial || "") + medial;
  }

  function Composer() {
    this.before = ""; // finished text
    this.keys = []; // jamo of the syllable being composed
  }

  Composer.prototype.text = function () { return this.before + syllable(this.keys); };
  Composer.prototype.composing = function () { return syllable(this.keys); };

  Composer.prototype._commit = function () {
    this.before += syllable(this.keys);
    this.keys = [];
  };

  /* One key: a Hangul jamo is composed into syllables; anything else is appended. */
  Composer.prototype.type = function (ch) {
    if (!isConsonant(ch) && !isVowel(ch)) {
      this._commit();
      this.before += ch;
      return;
    }
    var p = parts(this.keys);
    var empty = !this.keys.length;
    if (isConsonant(ch)) {
      if (empty) { this.keys = [ch]; return; }
      if (p.initial && p.medial.length) {
        if (!p.final.length && canBeFinal(ch)) { this.keys.push(ch); return; }
        if (p.final.length === 1 && DOUBLE_FINALS[p.final[0] + ch]) { this.keys.push(ch); return; }
      }
      this._commit();
      this.keys = [ch];
      return;
    }
    // a vowel
    if (empty) { this.keys = [ch]; return; }
    if (!p.medial.length) { this.keys.push(ch); return; } // initial only: 가
    if (!p.final.length) {
      if (p.medial.length === 1 && DOUBLE_MEDIALS[p.medial[0] + ch]) { this.keys.push(ch); return; }
      this._commit();
      this.keys = [ch];
      return;
    }
    // a final followed by a vowel: its (last) consonant starts the next syllable (닭+ㅏ → 달가)
    var moved = this.keys.pop();
    this._commit();
    this.keys = [moved, ch];
  };

  /* Takes back the last jamo of the syllable being composed, else the last character. */
  Composer.prototype.backspace = function () {
    if (this.keys.length) { this.keys.pop(); return; }
    var chars = Array.from(this.before);
    chars.pop();
    this.before = chars.join("");
  };

  Composer.prototype.clear = function () { this.before = ""; this.keys = []; };

  /* Text typed elsewhere (a physical keyboard): taken as finished. */
  Composer.prototype.setText = function (text) { this.before = String(text || ""); this.keys = []; };

  /* --- layouts --------------------------------------------------------------------------- */

  var DIGITS = "1 2 3 4 5 6 7 8 9 0 -".split(" ");
  function row(text) { return text.split(" "); }

  var LAYOUTS = {
    hangul: {
      lang: "ko", label: "한글",
      rows: [DIGITS, row("ㅂ ㅈ ㄷ ㄱ ㅅ ㅛ ㅕ ㅑ ㅐ ㅔ"), row("ㅁ ㄴ ㅇ ㄹ ㅎ ㅗ ㅓ ㅏ ㅣ"), row("ㅋ ㅌ ㅊ ㅍ ㅠ ㅜ ㅡ , .")],
      shifted: [DIGITS, row("ㅃ ㅉ ㄸ ㄲ ㅆ ㅛ ㅕ ㅑ ㅒ ㅖ"), row("ㅁ ㄴ ㅇ ㄹ ㅎ ㅗ ㅓ ㅏ ㅣ"), row("ㅋ ㅌ ㅊ ㅍ ㅠ ㅜ ㅡ ? !")],
    },
    latin: {
      lang: "en", label: "ABC",
      rows: [DIGITS, row("q w e r t y u i o p"), row("a s d f g h j k l"), row("z x c v b n m , . @")],
      shifted: [DIGITS, row("Q W E R T Y U I O P"), row("A S D F G H J K L"), row("Z X C V B N M ? ! '")],
    },
    // Thai Kedmanee (TIS 820-2538), the standard Thai layout, row by row.
    thai: {
      lang: "th", label: "ไทย",
      rows: [DIGITS, row("ๅ / - ภ ถ ุ ึ ค ต จ ข ช"), row("ๆ ไ ำ พ ะ ั ี ร น ย บ ล ฃ"),
        row("ฟ ห ก ด เ ้ ่ า ส ว ง"), row("ผ ป แ อ ิ ื ท ม ใ ฝ")],
      shifted: [DIGITS, row("+ ๑ ๒ ๓ ๔ ู ฿ ๕ ๖ ๗ ๘ ๙"), row("๐ \" ฎ ฑ ธ ํ ๊ ณ ฯ ญ ฐ , ฅ"),
        row("ฤ ฆ ฏ โ ฌ ็ ๋ ษ ศ ซ ."), row("( ) ฉ ฮ ฺ ์ ? ฒ ฬ ฦ")],
    },
  };
  var LAYOUT_ORDER = ["hangul", "latin", "thai"];

  // Thai vowel and tone marks are drawn on a dotted circle so that they can be seen alone.
  var THAI_MARK = /[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]/;
  function keyFace(ch) { return THAI_MARK.test(ch) ? "\u25cc" + ch : ch; }

  function button(className, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    if (text !== undefined) b.textContent = text;
    return b;
  }

  /* Keys must not take the focus from the text field when touched or clicked; keyboard
   * users still reach every key with Tab. */
  function keepFocus(root) {
    root.addEventListener("mousedown", function (event) {
      if (event.target.closest("button")) event.preventDefault();
    });
  }

  /**
   * new Keyboard(root, {composer, texts, layout, onChange(), onSend()})
   *   .setLayout("hangul" | "latin" | "thai"), .setTexts(texts)
   * texts: ui_kiosk_space, ui_kiosk_delete, ui_kiosk_shift, ui_send (the page's texts).
   */
  function Keyboard(root, options) {
    this.root = root;
    this.composer = options.composer;
    this.texts = options.texts || {};
    this.layout = LAYOUTS[options.layout] ? options.layout : "latin";
    this.shift = false;
    this.onChange = options.onChange || function () {};
    this.onSend = options.onSend || function () {};
    keepFocus(root);
    var self = this;
    root.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (key && root.contains(key)) self._press(key);
    });
    this.render();
  }

  Keyboard.prototype._press = function (key) {
    var action = key.dataset.action;
    if (action === "layout") { this.setLayout(key.dataset.layout); return; }
    if (action === "shift") { this.shift = !this.shift; this.render(); return; }
    if (action === "send") { this.onSend(); return; }
    if (action === "delete") this.composer.backspace();
    else if (action === "space") this.composer.type(" ");
    else if (key.dataset.value) {
      this.composer.type(key.dataset.value);
      if (this.shift) { this.shift = false; this.render(); }
    }
    this.onChange();
  };

  Keyboard.prototype.setLayout = function (name) {
    if (!LAYOUTS[name]) return;
    this.layout = name;
    this.shift = false;
    this.render();
  };

  Keyboard.prototype.setTexts = function (texts) { this.texts = texts; this.render(); };

  Keyboard.prototype.render = function () {
    var layout = LAYOUTS[this.layout];
    var focused = document.activeElement && this.root.contains(document.activeElement)
      ? document.activeElement.dataset : null;
    var focusKey = focused ? (focused.action || "") + "|" + (focused.layout || "") : null;
    this.root.textContent = "";
    this.root.dataset.layout = this.layout;
    var keys = document.createElement("div");
    keys.className = "kbd__keys";
    keys.lang = layout.lang;
    (this.shift ? layout.shifted : layout.rows).forEach(function (letters) {
      var line = document.createElement("div");
      line.className = "kbd__row";
      letters.forEach(function (ch) {
        var key = button("key", keyFace(ch));
        key.dataset.value = ch;
        line.appendChild(key);
      });
      keys.appendChild(line);
    });
    this.root.appendChild(keys);

    var controls = document.createElement("div");
    controls.className = "kbd__row kbd__controls";
    var t = this.texts;
    var self = this;
    LAYOUT_ORDER.forEach(function (name) {
      var b = button("key key--layout", LAYOUTS[name].label);
      b.lang = LAYOUTS[name].lang;
      b.dataset.action = "layout";
      b.dataset.layout = name;
      b.setAttribute("aria-pressed", String(name === self.layout));
      controls.appendChild(b);
    });
    var shift = button("key key--shift", "\u21e7");
    shift.dataset.action = "shift";
    shift.setAttribute("aria-label", t.ui_kiosk_shift || "Shift");
    shift.setAttribute("aria-pressed", String(this.shift));
    controls.appendChild(shift);
    [["space", t.ui_kiosk_space, "key key--space"], ["delete", t.ui_kiosk_delete, "key key--delete"],
      ["send", t.ui_send, "key key--send"]].forEach(function (spec) {
      var b = button(spec[2], spec[1]);
      b.dataset.action = spec[0];
      controls.appendChild(b);
    });
    this.root.appendChild(controls);
    if (focusKey) { // a re-render (shift, layout) keeps a keyboard user's place
      var again = Array.prototype.filter.call(this.root.querySelectorAll("[data-action]"), function (b) {
        return (b.dataset.action || "") + "|" + (b.dataset.layout || "") === focusKey;
      })[0];
      if (again) again.focus();
    }
  };

  /**
   * new Keypad(root, {composer, texts, onChange(), onSend()}); .setTexts(texts); .setColon(bool)
   * texts: ui_kiosk_delete, ui_kiosk_clear, ui_send.
   */
  function Keypad(root, options) {
    this.root = root;
    this.composer = options.composer;
    this.texts = options.texts || {};
    this.colon = false;
    this.onChange = options.onChange || function () {};
    this.onSend = options.onSend || function () {};
    keepFocus(root);
    var self = this;
    root.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (!key || !root.contains(key)) return;
      var action = key.dataset.action;
      if (action === "send") { self.onSend(); return; }
      if (action === "delete") self.composer.backspace();
      else if (action === "clear") self.composer.clear();
      else if (key.dataset.value) self.composer.type(key.dataset.value);
      self.onChange();
    });
    this.render();
  }

  Keypad.prototype.setTexts = function (texts) { this.texts = texts; this.render(); };
  Keypad.prototype.setColon = function (on) {
    if (this.colon !== !!on) { this.colon = !!on; this.render(); }
  };

  Keypad.prototype.render = function () {
    var t = this.texts;
    this.root.textContent = "";
    this.root.classList.toggle("keypad--colon", this.colon);
    var keys = ["1", "2", "3", "delete", "4", "5", "6", "clear", "7", "8", "9", "send", "-", "0"];
    if (this.colon) keys.push(":");
    var root = this.root;
    keys.forEach(function (k) {
      var b;
      if (k === "delete") { b = button("key key--delete", t.ui_kiosk_delete); b.dataset.action = k; }
      else if (k === "clear") { b = button("key key--clear", t.ui_kiosk_clear); b.dataset.action = k; }
      else if (k === "send") { b = button("key key--send", t.ui_send); b.dataset.action = k; }
      else { b = button("key key--digit", k); b.dataset.value = k; }
      if (k === "0") b.classList.add("key--zero");
      root.appendChild(b);
    });
  };

  global.MinwonKeyboard = {
    Composer: Composer,
    Keyboard: Keyboard,
    Keypad: Keypad,
    LAYOUTS: LAYOUTS,
  };
})(window);

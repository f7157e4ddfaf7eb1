/* The staff review desk (/staff): sign-in, sign-out, reveals and decisions through the staff
   API (/api/staff/...). Plain JavaScript, no build step, no inline script: the pages carry
   data-* attributes and this file wires them up. */
(() => {
  "use strict";

  // The API's own messages (English) as the desk says them; unknown ones are shown as they are.
  const MESSAGES = {
    "Wrong user name or password, or the account is locked for a while.":
      "사용자 이름 또는 비밀번호가 맞지 않거나, 여러 번 틀려 계정이 잠시 잠겼습니다.",
    "a rejection needs a reason": "반려 사유를 입력해 주세요.",
    "a return for correction needs a comment on at least one field":
      "보완이 필요한 항목에 의견을 하나 이상 입력해 주세요.",
    "field comments go with a return for correction": "항목별 의견은 보완 요청에만 적을 수 있습니다.",
    "Missing or wrong CSRF token.": "보안 확인에 실패했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
    "No such submission or field.": "민원 또는 항목을 찾을 수 없습니다.",
    "Request body too large.": "입력한 내용이 너무 깁니다.",
  };
  const STATUS_LABELS = {
    submitted: "접수",
    resubmitted: "보완 제출",
    returned: "보완 요청",
    approved: "승인",
    rejected: "반려",
  };

  function describe(status, detail) {
    if (typeof detail === "string") {
      if (MESSAGES[detail]) return MESSAGES[detail];
      const already = /^the submission is already (\w+)$/.exec(detail);
      if (already) {
        const label = STATUS_LABELS[already[1]] || already[1];
        return `이미 처리된 민원입니다 (현재 상태: ${label}). 페이지를 새로 고쳐 확인해 주세요.`;
      }
      const unknown = /^unknown fields: (.+)$/.exec(detail);
      if (unknown) return `알 수 없는 항목입니다: ${unknown[1]}`;
      return detail;
    }
    if (status === 422) return "입력 내용을 확인해 주세요 (글자 수 제한을 넘지 않았는지 확인).";
    if (status === 429) return "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.";
    return `요청을 처리하지 못했습니다 (HTTP ${status}). 잠시 후 다시 시도해 주세요.`;
  }

  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  /** Calls the staff API; resolves to {ok, status, data}, never rejects. */
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (csrf) headers["X-CSRF-Token"] = csrf;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      return { ok: false, status: 0, message: "서버에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요." };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    const detail = data && data.detail;
    return {
      ok: response.ok,
      status: response.status,
      data,
      message: response.ok ? "" : describe(response.status, detail),
    };
  }

  function safeNext(value) {
    if (
      typeof value === "string" &&
      /^\/staff($|[/?#])/.test(value) &&
      !value.startsWith("/staff/login") &&
      !value.includes("//") &&
      !value.includes("\\")
    ) {
      return value;
    }
    return "/staff";
  }

  function signInAgain() {
    const here = location.pathname + location.search;
    location.assign(`/staff/login?next=${encodeURIComponent(here)}`);
  }

  function showError(region, message, invalid) {
    region.textContent = message;
    (invalid || []).forEach((el) => el.setAttribute("aria-invalid", message ? "true" : "false"));
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button").forEach((b) => {
      b.disabled = on;
    });
  }

  // --- sign-in -----------------------------------------------------------------------------

  const login = document.getElementById("login-form");
  if (login) {
    const username = login.querySelector("#username");
    const password = login.querySelector("#password");
    const error = login.querySelector("#login-error");
    username.focus();
    login.addEventListener("submit", async (event) => {
      event.preventDefault();
      const empty = [username, password].filter((el) => !el.value.trim());
      if (empty.length) {
        showError(error, "사용자 이름과 비밀번호를 모두 입력해 주세요.", empty);
        empty[0].focus();
        return;
      }
      busy(login, true);
      const result = await api("POST", "/api/staff/session", {
        username: username.value.trim(),
        password: password.value,
      });
      if (result.ok) {
        location.assign(safeNext(login.dataset.next));
        return;
      }
      busy(login, false);
      showError(error, result.message, [username, password]);
      password.value = "";
      password.focus();
    });
  }

  // --- sign-out ----------------------------------------------------------------------------

  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      signOut.disabled = true;
      await api("DELETE", "/api/staff/session");
      location.assign("/staff/login");
    });
  }

  // --- messages placed on the page by the server (errors of the search form, notices) --------

  const autofocus = document.querySelector("[data-autofocus]");
  if (autofocus) autofocus.focus();

  // --- the official form: as tall as its content (same origin), so it reads without a scrollbar

  document.querySelectorAll("iframe.official-form").forEach((frame) => {
    const fit = () => {
      const doc = frame.contentDocument;
      if (!doc || !doc.body || !doc.defaultView) return;
      // The body's own height (the document's would never shrink below the frame's).
      const style = doc.defaultView.getComputedStyle(doc.body);
      const margins = parseFloat(style.marginTop) + parseFloat(style.marginBottom);
      frame.classList.add("fitted");
      frame.style.height = `${Math.ceil(doc.body.scrollHeight + margins) + 2}px`;
    };
    frame.addEventListener("load", fit);
    window.addEventListener("resize", fit);
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
  });

  // --- reveal an identifier ----------------------------------------------------------------

  const revealStatus = document.getElementById("reveal-status");
  const revealError = document.getElementById("reveal-error");

  document.querySelectorAll("button[data-reveal]").forEach((button) => {
    const field = button.dataset.reveal;
    const label = button.dataset.label;
    const action = button.querySelector(".action");
    const value = document.getElementById(`value-${field}`);
    let whole = null; // fetched once: every fetch is a recorded reveal
    let shown = false;
    button.addEventListener("click", async () => {
      if (shown) {
        value.textContent = value.dataset.masked;
        value.classList.add("masked");
        action.textContent = "보기";
        shown = false;
        revealStatus.textContent = `${label}: 다시 가렸습니다.`;
        return;
      }
      if (whole === null) {
        button.disabled = true;
        const url = `/api/staff/submissions/${encodeURIComponent(button.dataset.receipt)}/reveal`;
        const result = await api("POST", url, { field });
        button.disabled = false;
        if (result.status === 401) return signInAgain();
        if (!result.ok) {
          showError(revealError, `${label}: ${result.message}`);
          button.focus();
          return;
        }
        whole = result.data.value;
        showError(revealError, "");
      }
      value.textContent = whole;
      value.classList.remove("masked");
      action.textContent = "가리기";
      shown = true;
      button.focus();
      revealStatus.textContent = `${label}: ${whole}. 열람 기록이 남았습니다.`;
    });
  });

  // --- decisions ---------------------------------------------------------------------------

  document.querySelectorAll("form[data-decision]").forEach((form) => {
    const decision = form.dataset.decision;
    const error = form.querySelector(".form-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { decision };
      const reason = form.querySelector("textarea[name=reason]");
      const comments = Array.from(form.querySelectorAll("textarea[data-field]"));
      if (reason) body.reason = reason.value;
      if (comments.length) {
        body.field_comments = {};
        comments.forEach((c) => {
          if (c.value.trim()) body.field_comments[c.dataset.field] = c.value;
        });
      }
      busy(form, true);
      const result = await api(
        "POST",
        `/api/staff/submissions/${encodeURIComponent(form.dataset.receipt)}/decision`,
        body,
      );
      if (result.status === 401) return signInAgain();
      if (result.ok) {
        location.assign(`${location.pathname}?done=${decision}`);
        return;
      }
      busy(form, false);
      const wrongInput = result.status === 422;
      showError(error, result.message, wrongInput && reason ? [reason] : []);
      // The field to fix (its description carries the message), else the message itself.
      ((wrongInput && (reason || comments[0])) || error).focus();
    });
  });

  // --- back-office hand-off: send again ------------------------------------------------------

  const redeliverError = document.getElementById("redeliver-error");
  document.querySelectorAll("button[data-redeliver]").forEach((button) => {
    button.addEventListener("click", async () => {
      button.disabled = true;
      const receipt = encodeURIComponent(button.dataset.receipt);
      const url = `/api/staff/submissions/${receipt}/deliveries/${button.dataset.redeliver}/redeliver`;
      const result = await api("POST", url);
      if (result.status === 401) return signInAgain();
      if (result.ok) {
        location.assign(`${location.pathname}?done=redeliver`);
        return;
      }
      button.disabled = false;
      showError(redeliverError, result.message);
      redeliverError.focus();
    });
  });
})();

// deskcheck agent console: search, screen pop, contact record with 360 and timeline, and the bridge
// to the embedded cti softphone (window.postMessage, origin-checked both ways). No framework, no build.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("console-config").textContent);
  const me = config.user;
  const CTI_ORIGIN = config.ctiOrigin;
  const softphoneFrame = document.getElementById("softphone");
  const presenceSelect = document.getElementById("presence");
  const popRegion = document.getElementById("screen-pop");
  const recordRegion = document.getElementById("contact-record");
  const notice = document.getElementById("notice");

  // What is on screen now; everything else comes from the server (reload-safe).
  const state = { pop: null, popRequest: null, contactId: null };

  // -- tiny DOM helper ------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // -- API ------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, detail) { super(detail); this.status = status; }
  }

  async function api(method, path, body, headers) {
    let response;
    try {
      response = await fetch(path, {
        method, credentials: "same-origin",
        headers: Object.assign({ "accept": "application/json" }, body ? { "content-type": "application/json" } : {}, headers || {}),
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ApiError(0, "network error: " + err.message);
    }
    if (response.status === 401) {
      window.location.assign("/login");
      throw new ApiError(401, "signed out");
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok) {
      const detail = data && data.detail ? data.detail : `HTTP ${response.status}`;
      throw new ApiError(response.status, typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    if (data === null) throw new ApiError(response.status, "empty answer from the server");
    return data;
  }

  const money = (value) => "$" + Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const BILLING_LABELS = { current: "Current", overdue: "Overdue", pending_payment: "Pending payment" };
  const STATUS_LABELS = { in_progress: "in progress", completed: "completed" };
  const shortDate = (iso) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }) : "");

  function showNotice(text) {
    notice.textContent = text;
  }

  // -- bridge to the softphone ----------------------------------------------------------------
  function sendToSoftphone(type, payload) {
    if (!softphoneFrame || !softphoneFrame.contentWindow) return false;
    softphoneFrame.contentWindow.postMessage({ deskcheck: 1, type, payload }, CTI_ORIGIN);
    return true;
  }

  const bridgeHandlers = {
    screenPop(payload) { performScreenPop(payload); },
    saveLog(payload) {
      showNotice(`Call logged: ${payload.disposition || "no disposition"}`);
      refreshTimeline();
    },
    presenceChanged(payload) {
      if (payload.crm_status) presenceSelect.value = payload.crm_status;
    },
    callEnded(payload) {
      if (state.pop && state.pop.interaction_id === payload.interaction_id) {
        const ended = popRegion.querySelector(".call-ended");
        if (!ended) popRegion.querySelector(".pop-head")?.append(el("span", { class: "pill call-ended" }, "Call ended"));
      }
      refreshTimeline();
    },
  };

  function onBridgeMessage(event) {
    // only the embedded softphone, from its own origin, speaks the deskcheck bridge
    if (event.origin !== CTI_ORIGIN) return;
    if (softphoneFrame && event.source !== softphoneFrame.contentWindow) return;
    const message = event.data;
    if (!message || message.deskcheck !== 1 || typeof message.type !== "string") return;
    const handler = bridgeHandlers[message.type];
    if (handler) handler(message.payload || {});
  }

  // -- presence -------------------------------------------------------------------------------
  presenceSelect.addEventListener("change", async () => {
    const status = presenceSelect.value;
    // Two paths on purpose: the bridge gives the softphone an instant answer, and the crm-side change
    // (stored, then pushed to cti through crm's outbox) still lands if the softphone is not ready yet.
    // cti applies the same request once (or queues it during a call), so the second one is a no-op.
    sendToSoftphone("setPresence", { status });
    try {
      await api("PUT", `/api/presence/${encodeURIComponent(me.username)}`, { status, source: "crm" });
    } catch (err) {
      showNotice(`Presence not changed: ${err.message}`);
      loadPresence();
    }
  });

  async function loadPresence() {
    try {
      const presence = await api("GET", `/api/presence/${encodeURIComponent(me.username)}`);
      presenceSelect.value = presence.status;
    } catch (err) { /* keep the current value; the event stream corrects it */ }
  }

  // -- search ---------------------------------------------------------------------------------
  const searchForm = document.getElementById("search-form");
  const searchInput = document.getElementById("search-input");
  const searchResults = document.getElementById("search-results");
  const searchEmpty = document.getElementById("search-empty");

  searchForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = searchInput.value.trim();
    try {
      const data = await api("GET", "/api/contacts?q=" + encodeURIComponent(q));
      searchResults.replaceChildren(...data.contacts.map((contact) => el("li", {},
        el("a", { href: `#contact/${contact.id}` }, contact.full_name),
        el("span", { class: "muted" }, ` ${contact.phone}`))));
      searchEmpty.hidden = data.contacts.length > 0;
    } catch (err) {
      searchResults.replaceChildren();
      searchEmpty.hidden = false;
      searchEmpty.textContent = `Search failed: ${err.message}`;
    }
  });

  // -- screen pop -----------------------------------------------------------------------------
  async function performScreenPop(payload) {
    const request = {
      interaction_id: payload.interaction_id, phone: payload.phone, account_number: payload.account_number || null,
      queue: payload.queue || null, direction: payload.direction || "inbound",
      transfer_note: payload.transfer_note || null, transferred_by: payload.transferred_by || null,
      restore: Boolean(payload.restore),
    };
    state.popRequest = request;
    const headers = payload.correlation_id ? { "x-correlation-id": payload.correlation_id } : {};
    try {
      const pop = await api("POST", "/api/screenpops", request, headers);
      if (state.popRequest !== request) return; // a newer call replaced this one meanwhile
      state.pop = pop;
      renderPop(pop);
      if (pop.linked_contact_id) openContact(pop.linked_contact_id);
    } catch (err) {
      if (state.popRequest !== request) return;
      state.pop = null;
      renderPopFailure(request, err.message);
    }
  }

  function popHeading(request, pop) {
    const number = (pop && pop.normalized_phone) || request.phone || "unknown number";
    const transferred = Boolean(request.transfer_note || request.transferred_by);
    return el("div", { class: "pop-head" },
      el("h2", {}, `${transferred ? "Transferred call" : "Incoming call"} from ${number}`),
      request.queue ? el("span", { class: "pill" }, `Queue: ${request.queue}`) : null);
  }

  function renderPopFailure(request, reason) {
    popRegion.replaceChildren(
      popHeading(request, null),
      el("p", { role: "alert", class: "alert" }, `Screen pop failed: ${reason}`),
      el("button", { type: "button", class: "primary", onclick: () => performScreenPop(request) }, "Retry screen pop"));
  }

  function renderPop(pop) {
    const parts = [popHeading(pop, pop)];
    if (pop.matched_by === "account") parts.push(el("p", { class: "verified" }, `Verified by IVR: account ${pop.account_number}`));
    if (pop.transfer_note) {
      parts.push(el("p", { class: "transfer-note" }, `Transfer note from ${pop.transferred_by_name || pop.transferred_by || "a colleague"}: ${pop.transfer_note}`));
    }
    const byId = Object.fromEntries(pop.contacts.map((c) => [c.id, c]));
    if (pop.match === "single") {
      const contact = byId[pop.linked_contact_id] || pop.contacts[0];
      if (contact) parts.push(el("p", {}, "Caller: ", el("a", { href: `#contact/${contact.id}` }, contact.full_name)));
    } else if (pop.match === "multiple") {
      parts.push(el("p", { class: "match-count" }, `${pop.contacts.length} contacts match this number`));
      parts.push(el("ul", { class: "choices", "aria-label": "Matching contacts" }, pop.contacts.map((contact) => el("li", {},
        el("button", {
          type: "button", "aria-pressed": pop.linked_contact_id === contact.id ? "true" : "false",
          onclick: () => chooseContact(pop, contact.id),
        }, `Choose ${contact.full_name}`),
        el("span", { class: "muted" }, [contact.account_number ? ` account ${contact.account_number}` : "", contact.email ? ` · ${contact.email}` : ""].join(""))))));
    } else if (pop.linked_contact_id) {
      // the agent already made a contact for this caller (now, or before a reload)
      parts.push(el("p", {}, "Caller: ", el("a", { href: `#contact/${pop.linked_contact_id}` }, pop.linked_contact_name || "new contact")));
    } else {
      parts.push(el("p", {}, "No contact matches this number."));
      parts.push(newContactForm(pop));
    }
    popRegion.replaceChildren(...parts);
  }

  async function chooseContact(pop, contactId) {
    try {
      await api("POST", `/api/activities/${encodeURIComponent(pop.interaction_id)}/contact`, { contact_id: contactId });
      pop.linked_contact_id = contactId;
      pop.linked_contact_name = (pop.contacts.find((c) => c.id === contactId) || {}).full_name || null;
      pop.contact_chosen_by = "agent";
      renderPop(pop);
      openContact(contactId);
    } catch (err) {
      showNotice(`Could not link the call: ${err.message}`);
    }
  }

  function newContactForm(pop) {
    const errors = el("div", { class: "form-errors" });
    const field = (id, label, value) => [el("label", { for: id }, label), el("input", { id, name: id, value: value || "", required: true })];
    const form = el("form", { "aria-label": "New contact", class: "stack new-contact" },
      el("h3", {}, "New contact"),
      errors,
      el("div", { class: "grid-2" },
        el("div", { class: "stack" }, field("new-first-name", "First name", "")),
        el("div", { class: "stack" }, field("new-last-name", "Last name", ""))),
      el("div", { class: "stack" }, field("new-phone", "Phone", pop.normalized_phone || pop.phone)),
      el("div", {}, el("button", { type: "submit", class: "primary" }, "Create contact")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      errors.replaceChildren();
      const body = {
        first_name: form.querySelector("#new-first-name").value, last_name: form.querySelector("#new-last-name").value,
        phone: form.querySelector("#new-phone").value,
      };
      try {
        const contact = await api("POST", "/api/contacts", body);
        await api("POST", `/api/activities/${encodeURIComponent(pop.interaction_id)}/contact`, { contact_id: contact.id });
        pop.linked_contact_id = contact.id;
        pop.linked_contact_name = contact.full_name;
        pop.contact_chosen_by = "agent";
        renderPop(pop);
        openContact(contact.id);
      } catch (err) {
        errors.replaceChildren(el("p", { role: "alert", class: "alert" }, `Contact not created: ${err.message}`));
      }
    });
    return form;
  }

  // -- contact record -------------------------------------------------------------------------
  window.addEventListener("hashchange", routeFromHash);

  function routeFromHash() {
    const match = /^#contact\/(\d+)$/.exec(window.location.hash);
    if (match) loadContact(Number(match[1]));
  }

  function openContact(contactId) {
    if (window.location.hash === `#contact/${contactId}`) loadContact(contactId);
    else window.location.hash = `contact/${contactId}`; // hashchange loads it; a reload reopens it
  }

  async function loadContact(contactId) {
    state.contactId = contactId;
    try {
      const [contact, activities, tickets, followups] = await Promise.all([
        api("GET", `/api/contacts/${contactId}`),
        api("GET", `/api/activities?contact_id=${contactId}`),
        // linked systems may be down: the record still shows, with the reason in place of the list
        api("GET", `/api/contacts/${contactId}/tickets`).catch((err) => ({ error: err.message })),
        api("GET", `/api/followups?contact_id=${contactId}`).catch((err) => ({ error: err.message })),
      ]);
      if (state.contactId !== contactId) return;
      renderContact(contact, activities.activities, tickets, followups);
    } catch (err) {
      if (state.contactId !== contactId) return;
      recordRegion.replaceChildren(el("p", { role: "alert", class: "alert" }, `Contact could not be loaded: ${err.message}`));
    }
  }

  function detail(term, value) {
    return [el("dt", {}, term), el("dd", {}, value === null || value === undefined || value === "" ? "Not recorded" : value)];
  }

  function renderContact(contact, activities, tickets, followups) {
    const dl = el("dl", { class: "details" });
    dl.append(...detail("Phone", contact.phone));
    if ("email" in contact) dl.append(...detail("Email", contact.email));
    if ("account_number" in contact) dl.append(...detail("Account number", contact.account_number));
    if ("date_of_birth" in contact) dl.append(...detail("Date of birth", contact.date_of_birth));
    if ("tax_id" in contact) dl.append(...detail("Tax ID", contact.tax_id));

    const flags = [];
    if (contact.do_not_call) flags.push(el("span", { class: "pill warn" }, "Do not call"));
    if (contact.email_opt_out) flags.push(el("span", { class: "pill warn" }, "Do not email"));

    const callButton = el("button", {
      type: "button", disabled: contact.do_not_call, title: contact.do_not_call ? "This contact is on the do-not-call list" : null,
      onclick: () => sendToSoftphone("clickToDial", { number: contact.phone, record_id: String(contact.id) }),
    }, "Call");

    const noEmail = contact.email_opt_out || !contact.email;
    const emailButton = el("button", {
      type: "button", disabled: noEmail,
      title: contact.email_opt_out ? "This contact unsubscribed from email" : (!contact.email ? "No email address on record" : null),
      onclick: () => { composer.hidden = !composer.hidden; if (!composer.hidden) composer.querySelector("input").focus(); },
    }, "Email");
    const composer = emailComposer(contact);

    const three = contact.three_sixty;
    const cases = three.open_cases, orders = three.recent_orders;
    const billing = [el("p", {}, `Billing status: ${BILLING_LABELS[three.billing.status] || three.billing.status}`)];
    if ("balance" in three.billing) billing.push(el("p", {}, `Balance: ${money(three.billing.balance)}`));

    recordRegion.replaceChildren(
      el("div", { class: "record-head" }, el("h2", {}, contact.full_name), el("div", { class: "flags" }, flags), callButton, emailButton),
      // replaceChildren writes a null as the text "null": leave the notes out instead
      ...(contact.do_not_call ? [el("p", { class: "muted" }, "Calls blocked: this contact is on the do-not-call list")] : []),
      ...(contact.email_opt_out ? [el("p", { class: "muted" }, "Emails blocked: this contact unsubscribed from email")] : []),
      composer,
      dl,
      el("section", { "aria-label": "Customer 360", class: "three-sixty" },
        el("div", {},
          el("h3", {}, `Open cases (${cases.length})`),
          el("ul", { "aria-label": "Open cases" }, cases.map((c) => el("li", {}, `${c.subject} · ${c.status}`)))),
        el("div", {},
          el("h3", {}, `Recent orders (${orders.length})`),
          el("ul", { "aria-label": "Recent orders" }, orders.map((o) => el("li", {}, `${o.number} · ${money(o.total)} · ${o.status}`)))),
        el("div", { class: "billing" }, el("h3", {}, "Billing"), billing)),
      ticketsSection(tickets || { tickets: [] }),
      followupsSection(followups || { followups: [] }),
      el("section", { "aria-label": "Timeline", class: "timeline" },
        el("h3", {}, "Timeline"),
        timelineList(activities)));
  }

  function ticketsSection(answer) {
    const list = answer.error ? el("p", { role: "alert", class: "alert" }, `Tickets unavailable: ${answer.error}`)
      : answer.tickets.length ? el("ul", {}, answer.tickets.map((t) => el("li", {},
        // a tab of its own: the console (and the call in its softphone) stays where it is
        el("a", { href: `/console/tickets/${encodeURIComponent(t.id)}`, target: "_blank" }, `${t.id} · ${t.subject}`),
        ` · ${t.status_label || t.status}${t.escalated ? " · escalated" : ""}`)))
        : el("p", { class: "muted" }, "No tickets");
    return el("section", { "aria-label": "Tickets", class: "tickets" },
      el("h3", {}, "Tickets"),
      el("button", { type: "button", onclick: refreshTimeline }, "Refresh tickets"),
      list);
  }

  function followupsSection(answer) {
    const items = (answer.followups || []).map((f) => el("li", {},
      `Callback · ${f.status} · Next action: ${f.next_action || "none"}`,
      ...(f.attempts || []).map((a) => el("span", { class: "muted" }, ` · Attempt ${a.n}: ${a.outcome.replace("_", " ")}`))));
    return el("section", { "aria-label": "Follow-ups", class: "followups" },
      el("h3", {}, "Follow-ups"),
      items.length ? el("ul", {}, items) : el("p", { class: "muted" }, answer.error ? `Follow-ups unavailable: ${answer.error}` : "No follow-ups"));
  }

  // The IVR or bot context a call or chat arrived with, as the agent reads it on the timeline.
  function contextNotes(a) {
    const c = a.attributes || {};
    const notes = [];
    if (c.ivr_path && c.ivr_path.length) notes.push(`IVR: ${[].concat(c.ivr_path).join(" > ")}`);
    if (c.ivr_session_id && !c.verified) notes.push("Account not verified");
    if (c.transcript && typeof c.transcript === "string") notes.push(`Caller said: “${c.transcript}”`);
    if (c.intent_path && c.intent_path.length) notes.push(`Intent path: ${c.intent_path.join(" > ")}`);
    if (c.sentiment) notes.push(`Sentiment: ${c.sentiment.label} (${c.sentiment.score})`);
    if (Array.isArray(c.transcript)) notes.push(`Chat transcript: ${c.transcript.length} messages`);
    if (c.ticket_id) notes.push(`Ticket: ${c.ticket_id}`);
    return notes.map((n) => el("span", {}, n));
  }

  function emailComposer(contact) {
    const status = el("p", { role: "status", class: "muted" });
    const form = el("form", { "aria-label": `Email ${contact.full_name}`, class: "stack composer", hidden: true },
      el("label", { for: "email-subject" }, "Subject"), el("input", { id: "email-subject", name: "subject", required: true }),
      el("label", { for: "email-body" }, "Message"), el("textarea", { id: "email-body", name: "body", rows: 3 }),
      el("div", {}, el("button", { type: "submit", class: "primary" }, "Send email")), status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", `/api/contacts/${contact.id}/emails`, {
          subject: form.querySelector("#email-subject").value, body: form.querySelector("#email-body").value });
        showNotice("Email sent");
        refreshTimeline();
      } catch (err) {
        status.replaceChildren(el("span", { role: "alert", class: "alert" }, `Email not sent: ${err.message}`));
      }
    });
    return form;
  }

  const ACTIVITY_LABELS = { email: "email", web_form: "Web form", webinar: "Webinar" };

  function activitySummary(a) {
    if (a.type === "chat") return ["Chat", STATUS_LABELS[a.status] || a.status];
    if (a.type && a.type !== "call") {
      const what = a.type === "email" ? (a.source === "marketing" ? "Marketing email" : "Email") : ACTIVITY_LABELS[a.type] || a.type;
      const verb = a.type === "email" ? "sent" : a.type === "webinar" ? "registered" : "submitted";
      return [what, verb, a.subject].filter(Boolean);
    }
    return [`${a.direction === "outbound" ? "Outbound" : "Inbound"} call`, STATUS_LABELS[a.status] || a.status];
  }

  function timelineList(activities) {
    if (!activities.length) return el("p", { class: "muted" }, "No activity yet");
    return el("ul", {}, activities.map((a) => {
      const summary = activitySummary(a);
      if (a.disposition) summary.push(a.disposition);
      const extra = [];
      if (a.notes) extra.push(el("span", {}, `Notes: ${a.notes}`));
      if (a.wrapup_seconds !== null && a.wrapup_seconds !== undefined) extra.push(el("span", {}, `Wrap-up ${Math.round(a.wrapup_seconds)} s`));
      if (a.agent) extra.push(el("span", {}, `Agent: ${a.agent}`));
      extra.push(...contextNotes(a));
      extra.push(el("span", { class: "muted" }, shortDate(a.occurred_at || a.completed_at || a.created_at)));
      return el("li", { "data-interaction-id": a.interaction_id },
        el("span", { class: "timeline-summary" }, summary.join(" · ")),
        el("div", { class: "timeline-meta" }, extra));
    }));
  }

  async function refreshTimeline() {
    if (state.contactId !== null) loadContact(state.contactId);
  }

  // -- live updates from crm ------------------------------------------------------------------
  function connectEvents() {
    const source = new EventSource("/api/events/stream");
    const on = (type, handler) => source.addEventListener(type, (message) => {
      try { handler(JSON.parse(message.data).data || {}); } catch (err) { /* a bad frame must not stop the stream */ }
    });
    on("presence.changed", (data) => { if (data.username === me.username) presenceSelect.value = data.status; });
    const activityChanged = (data) => {
      const popped = state.pop && state.pop.interaction_id === data.interaction_id;
      if (popped && data.contact_id && data.contact_id !== state.pop.linked_contact_id) {
        // the call got linked elsewhere (the agent's other tab): ask the stored pop again and follow it
        state.pop.linked_contact_id = data.contact_id;
        performScreenPop(Object.assign({}, state.popRequest, { restore: true }));
        return;
      }
      if (state.contactId !== null && (data.contact_id === state.contactId || popped)) refreshTimeline();
    };
    ["activity.created", "activity.updated", "activity.completed", "activity.contact_chosen"].forEach((t) => on(t, activityChanged));
    const contactChanged = (data) => {
      const id = data.contact_id !== undefined ? data.contact_id : data.id;
      if (id === state.contactId) loadContact(state.contactId);
    };
    ["contact.updated", "case.created", "order.created", "billing.updated", "followup.updated"].forEach((t) => on(t, contactChanged));
    source.addEventListener("open", () => loadPresence()); // catch up on anything missed while disconnected
  }

  loadPresence();
  connectEvents();
  routeFromHash();
  // messages that arrived while this script loaded (kept by the inline inbox in <head>), then live ones
  window.addEventListener("message", onBridgeMessage);
  if (window.deskcheckKeep) window.removeEventListener("message", window.deskcheckKeep);
  (window.deskcheckInbox || []).splice(0).forEach(onBridgeMessage);
  document.documentElement.dataset.consoleReady = "true";
})();

// The embedded softphone: renders GET /api/me, refreshes on every cti event (SSE), talks to the crm
// console through an origin-checked postMessage bridge. All state comes from the server, so a reload
// shows the same thing (including the wrap-up draft).
"use strict";

const CONFIG = window.CTI_CONFIG || {};
const CRM_ORIGIN = CONFIG.crmOrigin || "";
const EMBEDDED = window.parent !== window;
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];
const EVENT_TYPES = [
  "clock.changed", "agent.state_changed", "agent.next_state_queued", "agent.created", "agent.updated", "queue.updated",
  ...["queued", "offered", "connected", "held", "resumed", "muted", "unmuted", "dtmf", "transfer_started",
    "consult_offered", "consult_connected", "transferred", "transfer_cancelled", "ended", "wrapup_started",
    "wrapup_draft_saved", "completed", "missed", "rejected", "abandoned", "failed", "message", "blocked"].map((t) => "interaction." + t),
  ...["scheduled", "attempted", "completed", "cancelled"].map((t) => "callback." + t),
];

const $ = (id) => document.getElementById(id);
let me = null;             // the last snapshot
let clockSkew = 0;         // sandbox clock minus browser clock, in ms
let clockFrozen = false;   // a frozen sandbox clock moves only when told: never extrapolate it
let sandboxNow = 0;        // the sandbox clock at the last sync, in ms
let wrapupFor = null;      // interaction id the wrap-up form was filled for
const restoredThisLoad = new Set();

// ---- server calls ----------------------------------------------------------------------------------
async function api(method, path, body) {
  const response = await fetch(path, {
    method, credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) throw new Error((data && data.detail) || `HTTP ${response.status}`);
  return data;
}

let actions = Promise.resolve();
// Actions run one after another (three keypad presses arrive in order), then the view refreshes.
function act(fn) {
  actions = actions.then(fn).then(() => showError(null), (err) => { focusNext = null; showError(err.message); }).then(refresh);
  return actions;
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ? `Action failed: ${message}` : "";
}

let fetching = false, again = false;
let draftSaves = 0;  // wrap-up draft saves completed so far
async function refresh() {
  if (fetching) { again = true; return; }
  fetching = true;
  try {
    do {
      again = false;
      const saves = draftSaves;
      const snapshot = await api("GET", "/api/me");
      // a draft save finished while this was in flight: the snapshot may predate it and would put
      // the old notes back into the form, so fetch again instead of rendering it
      if (saves !== draftSaves) { again = true; continue; }
      render(snapshot);
    } while (again);
  } catch (err) {
    showError(err.message);
  } finally {
    fetching = false;
  }
}

// ---- bridge to the crm console ---------------------------------------------------------------------
function post(type, payload) {
  if (!EMBEDDED || !CRM_ORIGIN) return;
  window.parent.postMessage({ deskcheck: 1, type, payload }, CRM_ORIGIN);
}

function once(key) {  // true the first time a key is seen in this browser tab
  if (sessionStorage.getItem(key)) return false;
  sessionStorage.setItem(key, "1");
  return true;
}

window.addEventListener("message", (event) => {
  if (!CRM_ORIGIN || event.origin !== CRM_ORIGIN) return;  // only the crm console may drive the softphone
  const message = event.data;
  if (!message || message.deskcheck !== 1) return;
  const payload = message.payload || {};
  if (message.type === "setPresence") {
    const body = { status: payload.status };
    if (payload.reason) body.reason = payload.reason;
    act(() => api("POST", `/api/agents/${encodeURIComponent(CONFIG.username)}/presence`, body));
  } else if (message.type === "clickToDial") {
    dial(payload.number, payload.record_id);
  }
});

function bridge(snapshot) {
  const agent = snapshot.agent;
  const presenceKey = `${agent.state}|${agent.reason || ""}`;
  if (sessionStorage.getItem("presence") !== presenceKey) {
    sessionStorage.setItem("presence", presenceKey);
    post("presenceChanged", { state: agent.state, reason: agent.reason, crm_status: agent.crm_status });
  }
  const call = snapshot.interaction;
  if (call && call.my_offer && call.my_offer.offer_id) {
    const offer = call.my_offer;
    const pop = {
      interaction_id: call.id, phone: call.from_number,
      account_number: call.attributes && call.attributes.verified ? (call.attributes.account_number || null) : null,
      queue: call.queue, direction: call.direction,
      transfer_note: offer.kind === "call" ? null : offer.note,
      transferred_by: offer.kind === "call" ? null : offer.from_agent,  // a username: crm shows the user's name
      correlation_id: call.correlation_id,
    };
    if (call.view === "incoming" && once(`popped:${offer.offer_id}`)) {
      restoredThisLoad.add(offer.offer_id);
      post("screenPop", pop);
    } else if (sessionStorage.getItem(`popped:${offer.offer_id}`) && !restoredThisLoad.has(offer.offer_id)) {
      restoredThisLoad.add(offer.offer_id);  // the console was reloaded: pop the same call again
      post("screenPop", { ...pop, restore: true });
    }
    sessionStorage.setItem(`live:${call.id}`, "1");
    if (call.view === "wrapup" && once(`ended:${call.id}`)) post("callEnded", { interaction_id: call.id });
  }
  const last = snapshot.last_interaction;
  if (last && sessionStorage.getItem(`live:${last.id}`)) {
    if (once(`ended:${last.id}`)) post("callEnded", { interaction_id: last.id, state: last.state });
    if (last.state === "completed" && last.agent === agent.username && once(`logged:${last.id}`)) {
      post("saveLog", { interaction_id: last.id, disposition: last.disposition, notes: last.notes,
                        wrapup_seconds: last.wrapup_seconds });
    }
  }
}

// ---- rendering -------------------------------------------------------------------------------------
function show(id, visible) { $(id).hidden = !visible; }
function text(id, value) { $(id).textContent = value == null ? "" : value; }

function render(snapshot) {
  me = snapshot;
  followClock(snapshot.now, snapshot.clock_frozen);
  const agent = snapshot.agent;
  text("agent-name", agent.name);
  text("agent-state", agent.state_label);
  show("next-state", !!agent.next_state);
  text("next-state", agent.next_state ? `Next: ${agent.next_state_label}` : "");
  renderPresence(agent);

  const call = snapshot.interaction;
  const view = call ? call.view : "none";
  const chat = !!call && call.channel === "chat";
  renderIncoming(view === "incoming" && !chat ? call : null);
  renderIncomingChat(view === "incoming" && chat ? call : null);
  renderActive((view === "active" || view === "consult") && !chat ? call : null, view);
  renderChat(view === "active" && chat ? call : null);
  renderIvr(call && !chat && call.attributes && call.attributes.ivr_session_id ? call : null);
  renderWrapup(view === "wrapup" ? call : null);
  renderLast(view === "none" ? snapshot.last_interaction : null);
  show("dial", view === "none");
  renderCallbacks(view === "none" ? snapshot.callbacks || [] : []);
  moveFocus();
  bridge(snapshot);
}

// ---- for keyboard and screen reader users ------------------------------------------------------------
// An action hides the button that was pressed (Answer, Hold, Hang up, Done...): the focus then goes to the
// control the agent needs next, once it is shown, instead of falling back to the top of the page.
let focusNext = null;  // ids of candidates, the first one shown takes the focus
function focusAfter(...ids) { focusNext = ids; }
function moveFocus() {
  if (!focusNext || !document.hasFocus()) return;
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.checkVisibility();  // hidden: about to lose it
  const target = focusNext.map($).find((el) => el && el.checkVisibility() && !el.disabled);
  if (!lost || !target) return;  // the agent went on elsewhere, or the next control is not there yet
  focusNext = null;
  target.focus();
}

let announced = null;  // the offer last read out, so a refresh does not repeat it
function announce(key, message) {
  if (announced === key) return;
  announced = key;
  const region = $("announcer");
  region.textContent = "";  // emptied first, so the same words for a second call are read out again
  setTimeout(() => { region.textContent = message; }, 100);
}

// ---- caller context, chats, dialling and callbacks -------------------------------------------------
function dial(number, recordId, callbackId) {
  const body = { to_number: number };
  if (recordId != null) body.record_id = String(recordId);
  if (callbackId) body.callback_id = callbackId;
  return act(() => api("POST", "/api/calls/outbound", body));
}

$("dial").addEventListener("submit", (event) => {
  event.preventDefault();
  const number = $("dial-number").value.trim();
  if (number) dial(number).then(() => { $("dial-number").value = ""; });
});

function renderIvr(call) {
  show("ivr", !!call);
  if (!call) return;
  const a = call.attributes;
  text("ivr-account", a.verified ? `Account ${a.account_number} · verified` :
    a.lookup === "unavailable" ? "Unverified caller: the account check was unavailable" : "Unverified caller");
  text("ivr-reason", a.reason ? `Reason: ${a.reason}` : "");
  show("ivr-said", !!a.transcript);
  text("ivr-said", a.transcript ? `Caller said: “${a.transcript}”` : "");
  const steps = [].concat(a.ivr_path || []);
  if ($("ivr-path").dataset.steps !== steps.join("|")) {
    $("ivr-path").dataset.steps = steps.join("|");
    $("ivr-path").replaceChildren(...steps.map((s) => Object.assign(document.createElement("li"), { textContent: s })));
  }
}

function chatContext(a, prefix) {
  text(`${prefix}-intents`, a.intent_path && a.intent_path.length ? `Intent path: ${a.intent_path.join(" > ")}` : "");
  text(`${prefix}-sentiment`, a.sentiment ? `Sentiment: ${a.sentiment.label} (${a.sentiment.score})` : "");
}

function renderIncomingChat(call) {
  show("incoming-chat", !!call);
  if (!call) return;
  text("incoming-chat-customer", call.attributes.customer_name || "Chat visitor");
  announce((call.my_offer || {}).offer_id || call.id, `Incoming chat from ${call.attributes.customer_name || "a chat visitor"}`);
  chatContext(call.attributes, "incoming-chat");
}

function renderChat(call) {
  show("chat", !!call);
  if (!call) return;
  const a = call.attributes;
  text("chat-customer", a.customer_name || "Chat visitor");
  chatContext(a, "chat");
  show("chat-ticket", !!a.ticket_id);
  text("chat-ticket", a.ticket_id ? `Ticket: ${a.ticket_id}` : "");
  const messages = a.transcript || [];
  const log = $("chat-transcript");
  if (log.dataset.count === String(messages.length) && log.dataset.id === call.id) return;
  log.dataset.count = String(messages.length);
  log.dataset.id = call.id;
  log.replaceChildren(...messages.map((m) => {
    const item = document.createElement("li");
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = m.from === "customer" ? `${a.customer_name || "Customer"}:` : m.from === "bot" ? "Bot:" :
      m.from === "agent" ? `${m.name}:` : "";
    item.append(who, document.createTextNode(m.text));
    return item;
  }));
  log.scrollTop = log.scrollHeight;
}

$("accept-chat").addEventListener("click", callAction("answer", undefined, "chat-reply-text"));
$("decline-chat").addEventListener("click", callAction("reject", undefined, "presence"));
$("end-chat").addEventListener("click", callAction("hangup", undefined, "disposition", "presence"));
$("chat-reply").addEventListener("submit", (event) => {
  event.preventDefault();
  const textValue = $("chat-reply-text").value.trim();
  if (!textValue) return;
  const id = me.interaction.id;
  act(async () => {
    await api("POST", `/api/interactions/${id}/messages`, { text: textValue });
    $("chat-reply-text").value = "";
  });
});

const REASONS = { missed: "missed call", abandoned: "abandoned call", after_hours: "after hours", requested: "requested" };
function renderCallbacks(callbacks) {
  show("callbacks", callbacks.length > 0);
  const key = callbacks.map((c) => c.id).join("|");
  if ($("callback-list").dataset.key === key) return;
  $("callback-list").dataset.key = key;
  $("callback-list").replaceChildren(...callbacks.map((c) => {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = `${c.number} · ${REASONS[c.reason] || c.reason}${c.attempts.length ? ` · attempt ${c.attempts.length + 1}` : ""}`;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `Call back ${c.number}`;
    button.addEventListener("click", () => act(() => api("POST", `/api/callbacks/${c.id}/dial`, {})));
    item.append(label, button);
    return item;
  }));
}

function renderPresence(agent) {
  const select = $("presence");
  if (document.activeElement === select) return;
  const state = agent.next_state || agent.state;
  const reason = agent.next_state ? agent.next_reason : agent.reason;
  const value = state === "NOT_READY" ? `NOT_READY:${reason}` : state;
  const option = [...select.options].find((o) => o.value === value);
  select.selectedIndex = option ? option.index : -1;  // e.g. Ringing or Not ready (Missed): nothing picked
}

$("presence").addEventListener("change", (event) => {
  const [state, reason] = event.target.value.split(":");
  const body = reason ? { state, reason } : { state };
  act(() => api("POST", `/api/agents/${encodeURIComponent(CONFIG.username)}/state`, body));
  event.target.blur();
});

function renderIncoming(call) {
  show("incoming", !!call);
  if (!call) return;
  const offer = call.my_offer || {};
  text("incoming-number", call.from_number);
  text("incoming-queue", `Queue: ${call.queue}`);
  const from = offer.kind === "transfer" ? `Transfer from ${offer.from_name}` :
    offer.kind === "consult" ? `Consult from ${offer.from_name}` : "";
  show("incoming-from", !!from);
  text("incoming-from", from);
  show("incoming-note", !!(from && offer.note));
  text("incoming-note", offer.note);
  announce(offer.offer_id || call.id, `Incoming call from ${call.from_number}, ${call.queue} queue${from ? `. ${from}` : ""}`);
}

function renderActive(call, view) {
  show("active", !!call);
  if (!call) {
    show("keypad", false); show("transfer-form", false);
    $("keypad-toggle").setAttribute("aria-expanded", "false");
    return;
  }
  const consultTarget = view === "consult";   // I was consulted: I talk to the first agent
  const consult = call.consult;               // I consult someone: the customer waits on hold
  text("active-number", call.from_number);
  text("active-status", consultTarget ? `Consult from ${call.my_offer.from_name}` : call.on_hold ? "On hold" : "Connected");
  show("active-note", consultTarget && !!call.my_offer.note);
  text("active-note", consultTarget ? call.my_offer.note : "");
  show("consult-status", !!consult && !consultTarget);
  if (consult && !consultTarget) {
    text("consult-status", consult.state === "offered" ? `Consulting ${consult.to_name} · ringing` : `Consulting ${consult.to_name}`);
  }
  const owner = !consultTarget && !consult;
  show("call-controls", owner);
  show("hold", owner && !call.on_hold);
  show("resume", owner && call.on_hold);
  show("mute", owner && !call.muted);
  show("unmute", owner && call.muted);
  const transferOpen = owner && !$("transfer-form").hidden;
  show("transfer-toggle", owner && !transferOpen);
  if (!owner) { show("keypad", false); show("transfer-form", false); }
  show("dtmf-sent", owner && !!call.dtmf);
  text("dtmf-sent", call.dtmf ? `Sent: ${call.dtmf}` : "");
  show("consult-controls", !!consult && !consultTarget);
  $("complete-transfer").disabled = !(consult && consult.state === "connected");
  show("hangup", owner || consultTarget);
  fillTransferTargets(me.transfer_targets);
}

function fillTransferTargets(targets) {
  const select = $("transfer-to");
  if (document.activeElement === select) return;
  const wanted = [
    ...targets.queues.map((q) => ({ value: `queue:${q}`, label: `Queue: ${q}` })),
    ...targets.agents.map((a) => ({ value: `agent:${a.username}`, label: `Agent: ${a.name}` })),
  ];
  const current = [...select.options].map((o) => o.value).join("|");
  if (current === wanted.map((w) => w.value).join("|")) return;
  const selected = select.value;
  select.replaceChildren(...wanted.map((w) => new Option(w.label, w.value, false, w.value === selected)));
}

function renderLast(last) {
  let message = "";
  if (last) {
    if (last.state === "completed") message = `Last call ${last.from_number} · completed${last.disposition ? " · " + last.disposition : ""}`;
    else if (last.state === "abandoned") message = `Customer hung up before the call was answered (${last.from_number})`;
    else if (last.state === "missed") message = `Missed call from ${last.from_number}`;
    else if (last.state === "rejected") message = `Rejected call from ${last.from_number}`;
    else if (last.state === "failed") message = `Call to ${last.from_number} failed: no answer`;
    else message = `Last call ${last.from_number} · ${last.state}`;
  }
  show("last-call", !!message);
  text("last-call", message);
}

// ---- wrap-up ---------------------------------------------------------------------------------------
async function renderWrapup(call) {
  show("wrapup", !!call);
  if (!call) { wrapupFor = null; stopTimer(); return; }
  text("wrapup-number", call.from_number);
  show("customer-hung-up", call.ended_by === "customer");
  text("customer-hung-up", call.ended_by === "customer" ? "Customer hung up" : "");  // no hidden twin for get_by_text
  if (wrapupFor !== call.id) {
    wrapupFor = call.id;
    const select = $("disposition");
    select.replaceChildren(new Option("Choose…", ""));
    $("notes").value = call.wrapup_draft.notes || "";  // before the await: typing may start at once
    try {
      const catalogue = await api("GET", `/api/interactions/${call.id}/dispositions`);
      for (const d of catalogue.dispositions) select.append(new Option(`${d.code} - ${d.label}`, d.code));
    } catch (err) {
      showError(`dispositions unavailable: ${err.message}`);
    }
    if (!draftPending) select.value = call.wrapup_draft.disposition || "";
  } else {
    if (document.activeElement !== $("disposition") && !draftPending) $("disposition").value = call.wrapup_draft.disposition || "";
    if (document.activeElement !== $("notes") && !draftPending) $("notes").value = call.wrapup_draft.notes || "";
  }
  updateDone();
  if (call.wrapup_mode === "timeboxed" && call.wrapup_deadline) startTimer(Date.parse(call.wrapup_deadline));
  else stopTimer();
}

function updateDone() {
  const call = me && me.interaction;
  const missing = !!call && call.wrapup_mode === "mandatory" && !$("disposition").value;
  $("done").disabled = missing;
  show("disposition-required", missing);
}

let draftTimer = null, draftPending = false, draftEdits = 0;
function saveDraft(delay) {
  // draftPending holds while any edit is unsaved, so a live refresh never overwrites what is typed;
  // only the save of the latest edit may clear it (an earlier save finishing must not)
  const edit = ++draftEdits;
  draftPending = true;
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    const id = wrapupFor;
    const body = { disposition: $("disposition").value || null, notes: $("notes").value };
    act(async () => {
      try { if (id) await api("PUT", `/api/interactions/${id}/wrapup`, body); } finally {
        draftSaves++;
        if (edit === draftEdits) draftPending = false;
      }
    });
  }, delay);
}

$("disposition").addEventListener("change", () => { updateDone(); saveDraft(0); });
$("notes").addEventListener("input", () => saveDraft(400));
$("notes").addEventListener("blur", () => { if (draftPending) saveDraft(0); });

$("wrapup").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = wrapupFor;
  clearTimeout(draftTimer);
  const body = { disposition: $("disposition").value || null, notes: $("notes").value };
  focusAfter("presence");
  act(async () => {
    draftPending = false;
    await api("POST", `/api/interactions/${id}/wrapup/complete`, body);
  });
});

let timer = null, deadline = null, lastSync = 0;
function startTimer(at) {
  deadline = at;
  if (!timer) timer = setInterval(tickTimer, 250);
  show("wrapup-timer-row", true);
  tickTimer();
}
function stopTimer() {
  clearInterval(timer);
  timer = null;
  show("wrapup-timer-row", false);
}
function followClock(nowIso, frozen) {
  sandboxNow = Date.parse(nowIso);
  clockSkew = sandboxNow - Date.now();
  if (frozen !== undefined) clockFrozen = frozen;
}
function tickTimer() {
  const now = clockFrozen ? sandboxNow : Date.now() + clockSkew;
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  text("wrapup-timer", `${left} s`);
  if (Date.now() - lastSync > 1000) {  // the sandbox clock can jump: follow it
    lastSync = Date.now();
    fetch("/healthz").then((r) => r.json()).then((h) => followClock(h.now, h.clock_frozen)).catch(() => {});
  }
}

// ---- call controls ---------------------------------------------------------------------------------
function callAction(action, body, ...focusNextOn) {
  return () => {
    if (focusNextOn.length) focusAfter(...focusNextOn);
    return act(() => api("POST", `/api/interactions/${me.interaction.id}/${action}`, body));
  };
}
$("answer").addEventListener("click", callAction("answer", undefined, "hold", "hangup"));
$("reject").addEventListener("click", callAction("reject", undefined, "presence"));
$("hold").addEventListener("click", callAction("hold", undefined, "resume"));
$("resume").addEventListener("click", callAction("resume", undefined, "hold"));
$("mute").addEventListener("click", callAction("mute", undefined, "unmute"));
$("unmute").addEventListener("click", callAction("unmute", undefined, "mute"));
$("complete-transfer").addEventListener("click", callAction("transfer/complete", undefined, "presence"));
$("cancel-consult").addEventListener("click", callAction("transfer/cancel", undefined, "hold"));
$("hangup").addEventListener("click", () => {
  // the consulted agent leaves the consult; the call's owner ends the call
  const consulted = me.interaction.view === "consult";
  callAction(consulted ? "transfer/cancel" : "hangup", undefined, ...(consulted ? ["presence"] : ["disposition"]))();
});

for (const key of KEYS) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = key;
  button.addEventListener("click", () => callAction("dtmf", { digits: key })());
  $("keypad").append(button);
}
$("keypad-toggle").addEventListener("click", () => {
  const open = $("keypad").hidden;
  show("keypad", open);
  $("keypad-toggle").setAttribute("aria-expanded", String(open));
});

function transferType() { return document.querySelector("input[name=transfer-type]:checked").value; }
for (const radio of document.querySelectorAll("input[name=transfer-type]")) {
  radio.addEventListener("change", () => text("transfer-submit", transferType() === "warm" ? "Consult" : "Transfer"));
}
$("transfer-toggle").addEventListener("click", () => {
  show("transfer-form", true);
  show("transfer-toggle", false);
  $("transfer-toggle").setAttribute("aria-expanded", "true");
  document.querySelector("input[name=transfer-type]:checked").focus();  // the button just pressed is gone
});
function closeTransfer() {
  show("transfer-form", false);
  $("transfer-note").value = "";
  $("transfer-cold").checked = true;
  text("transfer-submit", "Transfer");
  $("transfer-toggle").setAttribute("aria-expanded", "false");
  if (me && me.interaction) render(me);
}
$("transfer-back").addEventListener("click", () => {
  closeTransfer();
  $("transfer-toggle").focus();
});
$("transfer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const [kind, target] = $("transfer-to").value.split(":");
  const body = { type: transferType(), [kind]: target };
  const note = $("transfer-note").value.trim();
  if (note) body.note = note;
  const id = me.interaction.id;
  focusAfter(...(body.type === "warm" ? ["cancel-consult"] : ["presence"]));
  act(async () => {
    await api("POST", `/api/interactions/${id}/transfer`, body);
    closeTransfer();
  });
});

// ---- live updates ----------------------------------------------------------------------------------
function listen() {
  const source = new EventSource("/api/events/stream");
  for (const type of EVENT_TYPES) source.addEventListener(type, () => refresh());
  source.addEventListener("open", () => refresh());  // (re)connected: catch up on what was missed
}

refresh();
listen();

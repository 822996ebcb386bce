// The customer's chat widget: one conversation per browser tab (kept in sessionStorage), the bot's and
// the agent's answers shown as they arrive (the widget polls its conversation; customers have no
// event-stream credentials).
"use strict";

const $ = (id) => document.getElementById(id);
let conversation = JSON.parse(sessionStorage.getItem("deskcheck-chat") || "null");
let shown = -1;

async function call(method, path, body) {
  const response = await fetch(`/widget/api${path}`, {
    method,
    headers: Object.assign({ "content-type": "application/json" }, conversation ? { "x-chat-token": conversation.token } : {}),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.detail) || `HTTP ${response.status}`);
  return data;
}

function showError(message) {
  $("chat-error").hidden = !message;
  $("chat-error").textContent = message ? `Message not sent: ${message}` : "";
}

const STATUS = { bot: "Assistant", waiting_agent: "Waiting for an agent", with_agent: "Connected to an agent", closed: "Chat ended" };

function render(conv) {
  $("chat-status").textContent = conv.state === "with_agent" && conv.agent_name ? `Chatting with ${conv.agent_name}` : STATUS[conv.state];
  $("message").disabled = conv.state === "closed";
  if (conv.messages.length === shown) return;
  // the conversation is a live region: add only the new messages, or a screen reader reads the whole chat again
  const more = shown >= 0 && conv.messages.length > shown;
  const fresh = more ? conv.messages.slice(shown) : conv.messages;
  const items = fresh.map((m) => {
    const item = document.createElement("li");
    item.className = m.from;
    if (m.from !== "system") {
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = m.from === "customer" ? "You" : m.from === "bot" ? "Assistant" : `${m.name} (agent)`;
      item.append(who);
    }
    item.append(document.createTextNode(m.text));
    if (m.source) {
      const link = document.createElement("a");
      link.href = m.source.url;
      link.target = "_blank";
      link.textContent = `Source: ${m.source.id} ${m.source.title}`;
      item.append(link);
    }
    return item;
  });
  if (more) $("conversation").append(...items);
  else $("conversation").replaceChildren(...items);
  shown = conv.messages.length;
  $("conversation").scrollTop = $("conversation").scrollHeight;
}

async function refresh() {
  if (!conversation) return;
  try { render(await call("GET", `/conversations/${conversation.id}`)); } catch (err) { /* next poll */ }
}

async function start() {
  if (!conversation) {
    const started = await call("POST", "/conversations");
    conversation = { id: started.id, token: started.token };
    sessionStorage.setItem("deskcheck-chat", JSON.stringify(conversation));
    render(started);
  }
  await refresh();
  setInterval(refresh, 500);
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text) return;
  $("message").value = "";
  try {
    render(await call("POST", `/conversations/${conversation.id}/messages`, { text }));
    showError(null);
  } catch (err) {
    $("message").value = text;
    showError(err.message);
  }
});

$("end-chat").addEventListener("click", async () => {
  try { render(await call("POST", `/conversations/${conversation.id}/end`)); } catch (err) { showError(err.message); }
});

start();

// The playground's page: draws what the chosen member sees (GET /api/view), sends what they do
// (POST /api/…), and redraws on every Server-Sent Event. In a page written by
// `simulate --html` the views are embedded (#static-data) and nothing is sent.
"use strict";

const staticData = (() => {
  const element = document.getElementById("static-data");
  return element ? JSON.parse(element.textContent) : null;
})();

const state = { viewer: null, conversation: null, thread: null, view: null, formTrigger: null, seen: null };
const $ = (id) => document.getElementById(id);

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({ error: "the playground did not answer" }));
  if (!response.ok) throw new Error(json.error || response.statusText);
  return json;
}

function showError(error) {
  $("error").textContent = error ? String(error.message || error) : "";
}

async function refresh() {
  if (staticData) {
    state.viewer = state.viewer || staticData.viewers[0];
    draw(staticData.views[state.viewer]);
    return;
  }
  // Until a member is picked, the server shows the scenario's first member.
  const query = state.viewer ? "?as=" + encodeURIComponent(state.viewer) : "";
  try {
    const view = await api("/api/view" + query);
    state.viewer = view.viewer;
    draw(view);
  } catch (error) {
    showError(error);
  }
}

function draw(view) {
  state.view = view;
  if (!state.conversation || !view.conversations.some((c) => c.id === state.conversation)) {
    state.conversation = view.conversations[0].id;
  }
  $("now").textContent = view.now_local;
  drawMembers(view);
  drawConversations(view);
  drawMessages(view);
  drawForm(view);
}

function drawMembers(view) {
  const select = $("as");
  if (select.options.length !== view.members.length) {
    select.replaceChildren(...view.members.map((m) => element("option", { value: m.id }, m.name)));
  }
  for (const option of select.options) {
    const member = view.members.find((m) => m.id === option.value);
    option.textContent = `${member.name} — ${member.local_time} (${member.zone})`;
  }
  select.value = view.viewer;
  $("members").replaceChildren(...view.members.map((m) => {
    const item = element("li", { class: "member" });
    item.append(element("strong", {}, m.name + " "));
    item.append(element("span", {}, m.local_time + " "));
    item.append(element("span", { class: "zone" }, m.zone + " "));
    if (m.working !== null) item.append(element("span", { class: m.working ? "working" : "off" }, m.working ? "working" : "off"));
    return item;
  }));
}

function drawConversations(view) {
  $("conversations").replaceChildren(...view.conversations.map((c) => {
    const button = element("button", {
      type: "button",
      class: "conversation-button",
      "data-conversation": c.id,
      "aria-current": c.id === state.conversation ? "true" : "false",
    }, c.label);
    button.addEventListener("click", () => {
      state.conversation = c.id;
      state.thread = null;
      draw(state.view);
      $("text").focus();
    });
    return element("li").appendChild(button).parentNode;
  }));
  const current = view.conversations.find((c) => c.id === state.conversation);
  $("conversation-title").textContent = current.label;
  $("text").placeholder = current.kind === "dm"
    ? "Message the bot — answer a prompt here, or try /async help"
    : `Message ${current.label} — try: hi @bob — or /async standup preview daily`;
  $("replying").hidden = !state.thread;
}

function messageItem(message, view) {
  const item = element("li", {
    class: "message" + (message.bot ? " bot" : "") + (message.private ? " private" : ""),
    id: "message-" + message.id,
    "data-id": message.id,
    "data-purpose": message.purpose || undefined,
  });
  const meta = element("div", { class: "meta" });
  meta.append(element("span", { class: "author" }, message.author));
  meta.append(element("time", { datetime: message.at }, message.time));
  if (message.bot) meta.append(element("span", { class: "badge" }, "app"));
  if (message.private) meta.append(element("span", { class: "badge" }, "only visible to you"));
  if (message.edited) meta.append(element("span", { class: "badge" }, "edited"));
  const body = element("div", { class: "body" });
  body.innerHTML = message.html; // Rendered and escaped by the server.
  item.append(meta, body);
  if (message.actions.length) {
    const actions = element("div", { class: "actions" });
    for (const action of message.actions) {
      const button = element("button", { type: "button", "data-action": action.action, "data-standup": action.standup }, action.label);
      button.addEventListener("click", () => press(action));
      actions.append(button);
    }
    item.append(actions);
  }
  return item;
}

function drawMessages(view) {
  const list = $("messages");
  const wasAtBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const here = view.messages.filter((m) => m.conversation === state.conversation);
  const isChannel = view.conversations.find((c) => c.id === state.conversation).kind === "channel";
  const items = here.filter((m) => !m.thread).map((message) => {
    const item = messageItem(message, view);
    const replies = here.filter((m) => m.thread === message.id);
    if (replies.length) {
      const thread = element("ol", { class: "thread", "aria-label": `${replies.length} ${replies.length === 1 ? "reply" : "replies"}` });
      thread.append(...replies.map((reply) => messageItem(reply, view)));
      item.append(thread);
    }
    if (isChannel && !message.private) {
      const reply = element("button", { type: "button", class: "reply-button", "data-reply-to": message.id }, "Reply in thread");
      reply.addEventListener("click", () => {
        state.thread = message.id;
        $("replying").hidden = false;
        $("text").focus();
      });
      item.append(reply);
    }
    return item;
  });
  // Replies whose parent is not in this conversation's list (a thread under a bot post) still show.
  const shown = new Set(here.filter((m) => !m.thread).map((m) => m.id));
  for (const orphan of here.filter((m) => m.thread && !shown.has(m.thread))) {
    items.push(messageItem(orphan, view));
  }
  list.replaceChildren(...items);
  if (wasAtBottom) list.scrollTop = list.scrollHeight;
  announce(view);
}

// The list is redrawn whole; screen readers hear only what is new, once.
function announce(view) {
  const key = (m) => m.conversation + "/" + m.id;
  const fresh = state.seen === null ? [] : view.messages.filter((m) => !state.seen.has(key(m)));
  state.seen = new Set(view.messages.map(key));
  if (!fresh.length) return;
  const labels = Object.fromEntries(view.conversations.map((c) => [c.id, c.label]));
  $("status").textContent = fresh
    .map((m) => `New message from ${m.author} in ${labels[m.conversation] || m.conversation}`)
    .join(". ");
}

function drawForm(view) {
  const dialog = $("form-dialog");
  const form = view.form;
  if (!form) {
    if (dialog.open) dialog.close();
    state.formTrigger = null;
    return;
  }
  if (state.formTrigger === form.trigger) return;
  state.formTrigger = form.trigger;
  $("form-title").textContent = form.title;
  $("form-fields").replaceChildren(...form.fields.map((field, n) => {
    const wrapper = element("div", { class: "form-field" });
    const id = "form-field-" + n;
    wrapper.append(element("label", { for: id }, field.label + (field.optional ? " (optional)" : "")));
    const input = element("textarea", { id, name: "answer", rows: "2", required: field.optional ? undefined : "required" });
    input.value = field.value;
    wrapper.append(input);
    return wrapper;
  }));
  if (!dialog.open) dialog.showModal();
  const first = $("form-fields").querySelector("textarea");
  if (first) first.focus();
}

async function act(path, body) {
  showError(null);
  try {
    await api(path, body);
    await refresh();
  } catch (error) {
    showError(error);
  }
}

function press(action) {
  return act("/api/press", { as: state.viewer, conversation: state.conversation, action: action.action, standup: action.standup });
}

function send() {
  const text = $("text").value;
  if (!text.trim()) return;
  const body = { as: state.viewer, conversation: state.conversation, text };
  if (state.thread) body.thread = state.thread;
  $("text").value = "";
  state.thread = null;
  return act("/api/post", body);
}

function setup() {
  if (staticData) {
    document.body.classList.add("static");
    document.querySelector(".tag").textContent = "transcript";
    $("notice").textContent = staticData.title;
  }
  $("as").addEventListener("change", (event) => {
    state.viewer = event.target.value;
    state.seen = null;
    state.thread = null;
    refresh();
  });
  $("composer").addEventListener("submit", (event) => { event.preventDefault(); send(); });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  $("cancel-reply").addEventListener("click", () => { state.thread = null; $("replying").hidden = true; });
  $("clock-next").addEventListener("click", () => act("/api/clock", { step: "next_event" }));
  $("clock-hour").addEventListener("click", () => act("/api/clock", { step: "hour" }));
  $("clock-day").addEventListener("click", () => act("/api/clock", { step: "day" }));
  $("standup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const answers = [...$("form-fields").querySelectorAll("textarea")].map((t) => t.value);
    const trigger = state.formTrigger;
    $("form-dialog").close();
    act("/api/form", { as: state.viewer, trigger, answers });
  });
  $("form-cancel").addEventListener("click", () => $("form-dialog").close());
  if (!staticData) {
    // Live updates: the server says "changed" after anything happens; the page redraws.
    const events = new EventSource("/api/events");
    events.addEventListener("changed", () => refresh());
  }
  refresh();
}

setup();

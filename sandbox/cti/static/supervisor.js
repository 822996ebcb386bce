// The supervisor board: one row per agent (supervisors excluded), live through the cti event stream.
"use strict";

const rows = document.getElementById("rows");
let fetching = false, again = false;

async function refresh() {
  if (fetching) { again = true; return; }
  fetching = true;
  try {
    do {
      again = false;
      const response = await fetch("/api/supervisor/board", { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      render((await response.json()).agents);
    } while (again);
    document.getElementById("error").hidden = true;
  } catch (err) {
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = `Board update failed: ${err.message}`;
  } finally {
    fetching = false;
  }
}

function render(agents) {
  rows.replaceChildren(...agents.map((agent) => {
    const row = document.createElement("tr");
    row.dataset.username = agent.username;
    for (const value of [agent.name, agent.state_label, agent.interaction ? agent.interaction.summary : "-"]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }));
}

const source = new EventSource("/api/events/stream");
for (const type of ["agent.state_changed", "agent.created", "agent.updated", "interaction.queued", "interaction.offered",
  "interaction.connected", "interaction.held", "interaction.resumed", "interaction.transferred",
  "interaction.consult_offered", "interaction.consult_connected", "interaction.transfer_cancelled",
  "interaction.ended", "interaction.wrapup_started", "interaction.completed", "interaction.missed",
  "interaction.rejected", "interaction.abandoned"]) {
  source.addEventListener(type, refresh);
}
source.addEventListener("open", refresh);
refresh();

// The live campaigns screen of hub.html, fed by /hubs/campaigns (a file, not inline: the CSP allows no inline script).
const state = document.getElementById("state");
const rows = document.getElementById("rows");
const events = document.getElementById("events");
let received = 0;
const connection = new signalR.HubConnectionBuilder().withUrl("/hubs/campaigns").withAutomaticReconnect().build();
connection.on("campaigns", campaigns => {
    events.textContent = String(++received);
    rows.replaceChildren(...campaigns.map(c => {
        const tr = document.createElement("tr");
        tr.dataset.campaign = c.id;
        for (const [value, numeric] of [[c.name], [c.status], [c.recipientsCount, 1], [c.sentCount, 1], [c.deliveredCount, 1], [c.failedCount, 1], [c.queuedCount, 1]]) {
            const td = document.createElement("td");
            td.textContent = String(value);
            if (numeric) td.className = "n";
            tr.append(td);
        }
        return tr;
    }));
});
connection.onreconnecting(() => state.textContent = "Reconnecting…");
connection.onreconnected(() => state.textContent = "Connected");
connection.start()
    .then(() => state.textContent = "Connected")
    .catch(error => state.textContent = "Not connected: " + error + " (sign in to the dashboard first)");

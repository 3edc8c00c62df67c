// Blazor raises components-reconnect-state-changed on this element; the banner shows the state, and once Blazor
// gives up, a timer keeps checking the server and reloads the page when it answers (a wall screen recovers alone).
const banner = document.getElementById("components-reconnect-modal");
const states = ["show", "failed", "rejected", "paused", "resume-failed"];
let lostAt = null;
let healthTimer = null;

banner.addEventListener("components-reconnect-state-changed", (event) => {
    const state = event.detail.state;
    if (state === "hide") {
        lostAt = null;
        banner.hidden = true;
        stopHealthChecks();
        return;
    }
    if (state === "rejected") {
        location.reload();
        return;
    }
    lostAt ??= new Date();
    banner.querySelectorAll(".reconnect-since").forEach((span) => {
        span.textContent = " at " + lostAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    });
    banner.hidden = false;
    if (state === "failed" || state === "resume-failed")
        startHealthChecks();
});

document.getElementById("components-reconnect-button").addEventListener("click", retry);
document.getElementById("components-resume-button").addEventListener("click", resume);

async function retry() {
    try {
        if (!(await Blazor.reconnect()) && !(await Blazor.resumeCircuit()))
            location.reload();
    } catch {
        startHealthChecks();
    }
}

async function resume() {
    try {
        if (!(await Blazor.resumeCircuit()))
            location.reload();
    } catch {
        location.reload();
    }
}

function startHealthChecks() {
    if (healthTimer !== null)
        return;
    healthTimer = setInterval(async () => {
        try {
            const response = await fetch("healthz", { cache: "no-store" });
            if (response.ok)
                location.reload();
        } catch {
            // still down: try again on the next tick
        }
    }, 5000);
}

function stopHealthChecks() {
    clearInterval(healthTimer);
    healthTimer = null;
}

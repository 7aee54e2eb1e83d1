() => {
  // Polls the server; when the sign-in no longer holds or the server is gone, covers the
  // page with a plain notice (see guidance_assistant/ui/recovery.py).
  const alivePath = "__ALIVE_PATH__";
  const pollMs = __POLL_MS__;
  let boot = null;
  let shown = null;

  function notice(kind) {
    if (shown === kind) return;
    shown = kind;
    let box = document.getElementById("ga-recovery");
    if (!box) {
      box = document.createElement("div");
      box.id = "ga-recovery";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-live", "assertive");
      box.style.cssText =
        "position:fixed;inset:0;z-index:10000;display:flex;align-items:center;" +
        "justify-content:center;background:rgba(255,255,255,0.94);font-size:1.1rem;";
      document.body.appendChild(box);
    }
    const panel = document.createElement("div");
    panel.style.cssText =
      "max-width:36rem;padding:1.5rem 2rem;border:2px solid #444;border-radius:8px;" +
      "background:#fff;color:#111;";
    const title = document.createElement("h2");
    const text = document.createElement("p");
    if (kind === "offline") {
      title.textContent = "The assistant cannot be reached";
      text.textContent =
        "It may be restarting. This page will tell you when it is back. " +
        "Nothing you saved is lost: every turn of a session is stored as it happens.";
    } else {
      title.textContent = "Please sign in again";
      text.textContent =
        (kind === "restarted"
          ? "The assistant was restarted, so your sign-in ended. "
          : "Your sign-in has ended (the assistant restarted, or the page was left unused). ") +
        "Every saved turn is kept: after signing in, an interrupted session is listed in " +
        "the Session tab and can be resumed where it stopped.";
    }
    panel.append(title, text);
    if (kind !== "offline") {
      const link = document.createElement("a");
      link.href = "/login";
      link.id = "ga-recovery-sign-in";
      link.textContent = "Sign in again";
      link.style.cssText = "font-weight:bold;font-size:1.2rem;";
      panel.append(link);
    }
    box.replaceChildren(panel);
  }

  async function check() {
    let reply;
    try {
      reply = await fetch(alivePath, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      notice("offline");
      return;
    }
    if (reply.status === 401 || reply.status === 403) {
      notice(boot === null ? "signed-out" : "restarted");
      return;
    }
    if (!reply.ok) return;
    const body = await reply.json();
    if (boot !== null && body.boot !== boot) {
      notice("restarted");
      return;
    }
    boot = body.boot;
    if (shown === "offline") {
      shown = null;
      const box = document.getElementById("ga-recovery");
      if (box) box.remove();
    }
  }

  check();
  setInterval(check, pollMs);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
}

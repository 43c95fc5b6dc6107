// Passkeys (WebAuthn) for Holdfast: adding one on Your account, and using
// one for the second step of signing in. The server's options and the
// authenticator's answers cross as JSON with binary fields in base64url.
const bin = (s) => {
  const t = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(t + "===".slice((t.length + 3) % 4)), (c) => c.charCodeAt(0)).buffer;
};
const txt = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function post(url, fields) {
  const r = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(j.error || "the server refused it");
  return j;
}

function say(msg) {
  const s = document.getElementById("passkey-status");
  if (s) s.textContent = msg;
}

for (const btn of document.querySelectorAll("[data-passkey-add]")) {
  btn.addEventListener("click", async () => {
    const csrf = btn.dataset.csrf;
    try {
      const opts = await post("/account/passkeys/begin", { csrf });
      const pk = opts.publicKey;
      pk.challenge = bin(pk.challenge);
      pk.user.id = bin(pk.user.id);
      for (const c of pk.excludeCredentials || []) c.id = bin(c.id);
      const cred = await navigator.credentials.create({ publicKey: pk });
      const data = JSON.stringify({
        id: cred.id, rawId: txt(cred.rawId), type: cred.type,
        response: {
          attestationObject: txt(cred.response.attestationObject),
          clientDataJSON: txt(cred.response.clientDataJSON),
        },
      });
      const name = (document.getElementById("f-passkey-name") || {}).value || "";
      const done = await post("/account/passkeys/finish", { csrf, data, name });
      location.assign(done.next);
    } catch (e) {
      say("The passkey was not added: " + e.message);
    }
  });
}

for (const btn of document.querySelectorAll("[data-passkey-step]")) {
  btn.addEventListener("click", async () => {
    const csrf = btn.dataset.csrf;
    const next = btn.dataset.next || "";
    try {
      const opts = await post("/sign-in/passkey/begin", { csrf });
      const pk = opts.publicKey;
      pk.challenge = bin(pk.challenge);
      for (const c of pk.allowCredentials || []) c.id = bin(c.id);
      const cred = await navigator.credentials.get({ publicKey: pk });
      const data = JSON.stringify({
        id: cred.id, rawId: txt(cred.rawId), type: cred.type,
        response: {
          authenticatorData: txt(cred.response.authenticatorData),
          clientDataJSON: txt(cred.response.clientDataJSON),
          signature: txt(cred.response.signature),
          userHandle: cred.response.userHandle ? txt(cred.response.userHandle) : "",
        },
      });
      const done = await post("/sign-in/passkey/finish", { csrf, data, next });
      location.assign(done.next);
    } catch (e) {
      say("The passkey did not sign you in: " + e.message + ". Enter a code instead.");
    }
  });
}

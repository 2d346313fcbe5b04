// Sharing a query: its permalink (POST /query/share), code that runs it elsewhere (POST
// /query/snippets), and copy buttons for both.
const FORM = "application/x-www-form-urlencoded";

async function post(url, query) {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams({ query }),
                                      headers: { "Content-Type": FORM, Accept: "application/json" } });
  if (!response.ok) throw new Error((await response.text()).trim());
  return response.json();
}

export async function copyText(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied.";
  } catch {
    status.textContent = "Select the text and copy it (the browser did not allow copying).";
  }
}

export function enableCopyButtons(root) {
  for (const button of root.querySelectorAll("button.copy")) {
    button.hidden = false;
    if (button.dataset.ready) continue;
    button.dataset.ready = "1";
    let status = button.parentElement.querySelector(".status");
    if (!status) {
      status = document.createElement("span");
      status.className = "status";
      status.setAttribute("role", "status");
      button.after(status);
    }
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.copy);
      copyText(source.value ?? source.textContent, status);
    });
  }
}

export async function share(url, query, box) {
  const input = box.querySelector("input");
  const status = box.querySelector(".status");
  box.hidden = false;
  status.textContent = "Making the permalink…";
  try {
    const made = await post(url, query);
    input.value = made.url;
    status.textContent = "";
    input.focus();
    input.select();
  } catch (error) {
    input.value = "";
    status.textContent = `No permalink: ${error.message}`;
  }
}

// Keeps the code snippets in step with the query the editor holds, when they are open.
export class Snippets {
  constructor(details, url, text) {
    this.details = details;
    this.url = url;
    this.text = text;
    this.shown = text();
    details.addEventListener("toggle", () => this.refresh());
  }

  async refresh() {
    const query = this.text();
    if (!this.details.open || query === this.shown || !query.trim()) return;
    this.shown = query;
    try {
      const { snippets } = await post(this.url, query);
      for (const snippet of snippets) {
        const code = this.details.querySelector(`#code-${snippet.key} code`);
        if (code) code.textContent = snippet.code;
      }
    } catch {
      this.shown = null; // try again next time
    }
  }
}

// Ctrl+Enter (or Cmd+Enter) in the editor submits the query form.
document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("query");
  if (!editor) return;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      editor.form.requestSubmit();
    }
  });
});

function render(comment, container) {
  container.innerHTML = `<p>${comment.body}</p>`; // expect: js.inner-html
  container.insertAdjacentHTML("beforeend", "<li>" + comment.author + "</li>"); // expect: js.inner-html
  container.innerHTML = DOMPurify.sanitize(comment.body); // ok: js.inner-html
  container.textContent = comment.body; // ok: js.inner-html
  container.innerHTML = ""; // ok: js.inner-html
}

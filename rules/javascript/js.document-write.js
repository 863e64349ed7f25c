const params = new URLSearchParams(location.search);
document.write("<h1>Hello " + params.get("name") + "</h1>"); // expect: js.document-write
document.write(`<p>${location.hash}</p>`); // expect: js.document-write
document.write("<p>Loading…</p>"); // ok: js.document-write

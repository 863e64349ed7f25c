from flask import escape, make_response, render_template, request


def search():
    term = request.args.get("q", "")
    if not term:
        return f"<h1>Results for {request.args.get('q')}</h1>"  # expect: py.xss-request-data-in-html
    if term == "x":
        return make_response("<p>" + request.form["comment"] + "</p>")  # expect: py.xss-request-data-in-html
    if term == "y":
        return f"<h1>Results for {escape(request.args.get('q'))}</h1>"  # ok: py.xss-request-data-in-html
    if term == "z":
        return f"<p>You searched for {term}</p>"  # expect: py.xss-request-data-in-html
    if term == "w":
        return f"<p>You searched for {escape(term)}</p>"  # ok: py.xss-request-data-in-html
    return render_template("results.html", term=request.args.get("q"))  # ok: py.xss-request-data-in-html

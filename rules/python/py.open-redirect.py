from flask import redirect, request, url_for


def login_done():
    if request.args.get("next"):
        return redirect(request.args.get("next"))  # expect: py.open-redirect
    if request.args.get("page"):
        return redirect(url_for("page", name=request.args["page"]))  # ok: py.open-redirect
    back = request.form.get("return_to")
    if back:
        return redirect(back)  # expect: py.open-redirect
    return redirect("/dashboard")  # ok: py.open-redirect

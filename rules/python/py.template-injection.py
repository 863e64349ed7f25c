from flask import render_template_string, request


def greet():
    name = request.args.get("name", "")
    page = render_template_string("<h1>Hello " + name + "</h1>")  # expect: py.template-injection
    other = render_template_string(f"<p>{name}</p>")  # expect: py.template-injection
    safe = render_template_string("<h1>Hello {{ name }}</h1>", name=name)  # ok: py.template-injection
    return page + other + safe

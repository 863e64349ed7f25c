from django.utils.safestring import mark_safe
from markupsafe import Markup, escape


def bio(user):
    html = Markup("<p>" + user.bio + "</p>")  # expect: py.unescaped-markup
    label = mark_safe(f"<b>{user.name}</b>")  # expect: py.unescaped-markup
    constant = Markup("<hr>")  # ok: py.unescaped-markup
    escaped = escape(user.bio)  # ok: py.unescaped-markup
    return html, label, constant, escaped

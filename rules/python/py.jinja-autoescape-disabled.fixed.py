from jinja2 import Environment, FileSystemLoader, select_autoescape

raw = Environment(loader=FileSystemLoader("templates"), autoescape=True)  # expect: py.jinja-autoescape-disabled
safe = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())  # ok: py.jinja-autoescape-disabled
